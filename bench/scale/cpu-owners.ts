import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { basename } from 'node:path';

/** What `node --cpu-prof` writes (the parts read here). */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** CPU time of a profile charged to one owner. */
export interface CpuShare {
  readonly owner: string;
  readonly ms: number;
}

export const NO_OWNER = 'Node, no owner on the stack (sockets, HTTP, timers)';
export const GC = 'garbage collection';
export const NATIVE = 'V8 and Node native code';
export const SDK_OWNER = 'the SDK (@anthropic-ai/sdk)';
/** The bench's own code in a client: the SDK-alone driver's workers, the probe that reports CPU and memory. */
export const BENCH_DRIVER = "the bench's own code (driver, probe)";

/**
 * Who a source file of the bundle belongs to: the SDK, another library by package name, or the
 * folder of Forge's own code it sits in (src/core/limiter, src/cli, …). Node's own modules own
 * nothing: their time goes to whoever called them.
 */
export function ownerOfSource(source: string): string | undefined {
  const path = source.replace(/\\/g, '/');
  const lib = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (lib) return lib[1] === '@anthropic-ai/sdk' ? SDK_OWNER : `library ${lib[1]}`;
  if (/(?:^|\/)bench\//.test(path)) return BENCH_DRIVER;
  const own = /(?:^|\/)(src\/(?:core\/generate\/[^/]+|core\/[^/.]+|[^/.]+))(?:\/|\.ts$)/.exec(path);
  if (own) return own[1]!.replace(/\.ts$/, '');
  return undefined;
}

/**
 * Charges every sample to the innermost frame on its stack that has an owner, so Node's streams,
 * sockets and file system count for the code that called them: a journal write is the datasets',
 * a response's parsing the SDK's. Samples with no owned frame are the event loop's own (NO_OWNER),
 * garbage collection (GC) or V8's native code (NATIVE); idle time is left out.
 */
export function cpuOwners(
  profile: CpuProfile,
  ownerOfFrame: (url: string, line: number, column: number) => string | undefined,
): CpuShare[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const owner = new Map<number, string | undefined>();
  // Depth-first from the root (the first node), each frame inheriting its caller's owner.
  const stack: [number, string | undefined][] = [[profile.nodes[0]!.id, undefined]];
  while (stack.length > 0) {
    const [id, inherited] = stack.pop()!;
    const node = byId.get(id)!;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const special = functionName === '(garbage collector)' ? GC : functionName === '(program)' ? NATIVE : undefined;
    const own = special ?? (url ? ownerOfFrame(url, lineNumber, columnNumber) : undefined) ?? inherited;
    owner.set(id, own);
    for (const child of node.children ?? []) stack.push([child, own]);
  }
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  const ms = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    if (idle.has(id)) return;
    const who = owner.get(id) ?? NO_OWNER;
    ms.set(who, (ms.get(who) ?? 0) + profile.timeDeltas[i]! / 1000);
  });
  return [...ms].map(([o, t]) => ({ owner: o, ms: t })).sort((a, b) => b.ms - a.ms);
}

/**
 * The owners of a profile of a bundle that has a source map beside it (`<bundle>.map`): frames of
 * the bundle are traced back to their source file; frames of other files are owned by their path.
 */
export function cpuOwnersOfBundle(profileFile: string, bundle: string): CpuShare[] {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as SourceMapPayload);
  const name = basename(bundle);
  const cache = new Map<string, string | undefined>();
  return cpuOwners(profile, (url, line, column) => {
    if (!url.endsWith(`/${name}`)) return url.startsWith('node:') ? undefined : ownerOfSource(url);
    const key = `${line}:${column}`;
    if (!cache.has(key)) {
      const entry = map.findEntry(line, column) as { originalSource?: string };
      cache.set(key, entry.originalSource === undefined ? undefined : ownerOfSource(entry.originalSource));
    }
    return cache.get(key);
  });
}
