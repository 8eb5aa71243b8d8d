import assert from 'node:assert/strict';
import { cpuOwners, GC, NO_OWNER, ownerOfSource, SDK_OWNER, type CpuProfile } from '../../bench/scale/cpu-owners';

/** A profile from a call tree written as [id, function, url, children] and samples of [id, µs]. */
function profileOf(nodes: [number, string, string, number[]][], samples: [number, number][]): CpuProfile {
  return {
    nodes: nodes.map(([id, functionName, url, children]) => ({
      id,
      callFrame: { functionName, url, lineNumber: 0, columnNumber: 0 },
      children,
    })),
    samples: samples.map(([id]) => id),
    timeDeltas: samples.map(([, us]) => us),
  };
}

describe('bench: CPU by owner (cpu-owners.ts)', () => {
  it('names the SDK, other libraries by package, and the folder of Forge code', () => {
    assert.equal(ownerOfSource('../node_modules/@anthropic-ai/sdk/core/streaming.mjs'), SDK_OWNER);
    assert.equal(ownerOfSource('../node_modules/yaml/dist/parse.js'), 'library yaml');
    assert.equal(ownerOfSource('../src/core/limiter/token-bucket.ts'), 'src/core/limiter');
    assert.equal(ownerOfSource('../src/core/generate/output/journal.ts'), 'src/core/generate/output');
    assert.equal(ownerOfSource('../src/core/generate/estimate.ts'), 'src/core/generate/estimate');
    assert.equal(ownerOfSource('../src/cli/main.ts'), 'src/cli');
    assert.equal(ownerOfSource('node:internal/streams/readable'), undefined);
  });

  it("charges Node's frames to the innermost owned caller, and leaves idle time out", () => {
    // root → processTicks (node) → send (limiter) → write (node:fs)
    //                            → parse (sdk) → decode (node)
    //      → (garbage collector), (idle)
    const urls: Record<string, string> = { limiter: 'src/core/limiter/a.ts', sdk: 'node_modules/@anthropic-ai/sdk/x.mjs' };
    const profile = profileOf(
      [
        [1, '(root)', '', [2, 7, 8]],
        [2, 'processTicks', 'node:internal/process/task_queues', [3, 5]],
        [3, 'send', 'limiter', [4]],
        [4, 'write', 'node:fs', []],
        [5, 'parse', 'sdk', [6]],
        [6, 'decode', 'node:internal/encoding', []],
        [7, '(garbage collector)', '', []],
        [8, '(idle)', '', []],
      ],
      [
        [4, 3000],
        [3, 1000],
        [6, 2000],
        [2, 500],
        [7, 700],
        [8, 9000],
      ],
    );
    const shares = cpuOwners(profile, (url) => (urls[url] ? ownerOfSource(urls[url]) : undefined));
    assert.deepEqual(shares, [
      { owner: 'src/core/limiter', ms: 4 },
      { owner: SDK_OWNER, ms: 2 },
      { owner: GC, ms: 0.7 },
      { owner: NO_OWNER, ms: 0.5 },
    ]);
  });
});
