import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { sleep, systemClock, type Clock } from '../../clock';
import { ForgeError } from '../../errors';
import type { LimiterStore, UpdateFn } from '../store';
import { tryLock, type HeldLock } from './file-lock';

/**
 * The processes of one user on one machine share limits through one state, updated under a
 * cross-process lock file. The state holds every key's state and the latest time handed out: time
 * comes from this machine's one clock and never goes back, even when the clock is stepped back.
 *
 * Each update replaces the state atomically without a rename: the state lives in two slot files
 * (`file` and `file.alt`), each a header (sequence number, length, digest) and the JSON. A write
 * goes over the older slot in place, so a write cut short by a crash leaves the newer slot whole,
 * and a torn slot fails its digest and is passed over. Renaming a fresh file over the old one cost
 * ~0.8 ms per update on ext4 (it forces the new data out before the rename), 50 times the in-place
 * write, and capped the whole machine near 700 decisions/s. Nor is a slot truncated: a shorter
 * state leaves stale bytes past its length, which the header excludes (ext4 flushes on truncate too).
 *
 * A slot that is not ours (another program, another format) is set aside (renamed `…corrupt-<time>`,
 * kept for inspection) and rebuilt, never trusted. A lock left by a holder that died is taken over
 * after 200 ms, one held by a live process only after `staleMs`.
 */
export const LOCAL_FORMAT = 'conversation-forge/shared-limits';
/**
 * Part of the file's name (sharing.ts) and of each slot's header. 3: the limiter's states changed
 * shape (lease buckets, STATE_SCHEMA 3) and live under new keys; a fresh file keeps the older
 * build's states, one lease per request in flight, out of every update this build reads and writes.
 */
export const LOCAL_SCHEMA = 3;
const HEADER = /^FORGE-LIMITS (\d+) (\d+) (\d+) ([0-9a-f]{32})$/;

interface LocalFile {
  format: typeof LOCAL_FORMAT;
  schema: typeof LOCAL_SCHEMA;
  /** The latest store time handed out (epoch ms). */
  now: number;
  states: Record<string, unknown>;
}

export interface LocalStoreOptions {
  /** The state file; its folder is created when missing. */
  file: string;
  clock?: Clock;
  /** A lock held this long by a live process is taken over (a dead holder's after 200 ms). Default 10,000 ms. */
  staleMs?: number;
  /** Waiting longer than this for the lock makes the store unavailable for that call. Default 12,000 ms. */
  lockWaitMs?: number;
  /** Told about a state file set aside. */
  onNotice?: (message: string) => void;
}

function isLocalFile(x: unknown): x is LocalFile {
  if (!x || typeof x !== 'object') return false;
  const f = x as Partial<LocalFile>;
  return (
    f.format === LOCAL_FORMAT &&
    f.schema === LOCAL_SCHEMA &&
    typeof f.now === 'number' &&
    !!f.states &&
    typeof f.states === 'object' &&
    !Array.isArray(f.states)
  );
}

function unavailable(what: string, cause: unknown): ForgeError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ForgeError('store_unavailable', `shared limits file: ${what}: ${detail}`, { cause });
}

interface Slot {
  readonly path: string;
  readonly seq: number;
  /** Everything after the header line: the JSON, then whatever an older, longer state left. */
  readonly body: Buffer;
  readonly length: number;
  readonly digest: string;
}

type Body<R> = (file: LocalFile, now: number) => { result: R; write: boolean };
interface Pending<R> {
  readonly body: Body<R>;
  readonly resolve: (value: R) => void;
  readonly reject: (reason: unknown) => void;
}

export class LocalStore implements LimiterStore {
  readonly scope = 'local' as const;
  readonly file: string;
  private readonly lockPath: string;
  private readonly clock: Clock;
  private readonly staleMs: number;
  private readonly lockWaitMs: number;
  private readonly waiting: Pending<unknown>[] = [];
  private turnRunning = false;

  constructor(private readonly options: LocalStoreOptions) {
    this.file = options.file;
    this.lockPath = `${options.file}.lock`;
    this.clock = options.clock ?? systemClock;
    this.staleMs = options.staleMs ?? 10_000;
    this.lockWaitMs = options.lockWaitMs ?? 12_000;
  }

  async read<T>(key: string): Promise<{ state: T | undefined; now: number }> {
    return this.locked((file, now) => ({ result: { state: file.states[key] as T | undefined, now }, write: false }));
  }

  async update<T, R>(key: string, fn: UpdateFn<T, R>): Promise<R> {
    return this.locked((file, now) => {
      const next = fn(file.states[key] as T | undefined, now);
      file.states[key] = next.state;
      return { result: next.result, write: next.unchanged !== true };
    });
  }

  async delete(key: string): Promise<void> {
    await this.locked((file) => {
      const had = key in file.states;
      delete file.states[key];
      return { result: undefined, write: had };
    });
  }

  async dispose(): Promise<void> {
    // Holds nothing between calls.
  }

  /**
   * Runs `body` on the state under the lock, all synchronously, so nothing interleaves inside.
   * Calls made while this process waits for the lock or holds it share the next turn: one lock, one
   * read and one write for all of them, in the order they were made. A busy process (many requests
   * admitted and settled at once) then costs the other processes one turn, not one per call.
   */
  private locked<R>(body: Body<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ body, resolve, reject } as Pending<unknown>);
      if (!this.turnRunning) void this.takeTurns();
    });
  }

  private async takeTurns(): Promise<void> {
    this.turnRunning = true;
    try {
      while (this.waiting.length > 0) {
        let lock: HeldLock;
        try {
          lock = await this.acquire();
        } catch (e) {
          for (const p of this.waiting.splice(0)) p.reject(e);
          return;
        }
        const turn = this.waiting.splice(0);
        const outcomes: { p: Pending<unknown>; ok: boolean; value: unknown }[] = [];
        try {
          const { file, seq, older } = this.load();
          const now = Math.max(this.clock.now(), file.now);
          file.now = now;
          let write = false;
          for (const p of turn) {
            try {
              const r = p.body(file, now);
              write ||= r.write;
              outcomes.push({ p, ok: true, value: r.result });
            } catch (e) {
              outcomes.push({ p, ok: false, value: e });
            }
          }
          if (write) this.save(older, seq + 1, file);
        } catch (e) {
          // Reading or writing the state failed: nothing of this turn took effect.
          for (const p of turn) p.reject(e);
          continue;
        } finally {
          lock.release();
        }
        for (const o of outcomes) {
          if (o.ok) o.p.resolve(o.value);
          else o.p.reject(o.value);
        }
      }
    } finally {
      this.turnRunning = false;
    }
  }

  private async acquire(): Promise<HeldLock> {
    const started = this.clock.now();
    for (let attempt = 0; ; attempt++) {
      let lock: HeldLock | undefined;
      try {
        lock = tryLock(this.lockPath, this.staleMs, this.clock.now());
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw unavailable('cannot create its lock', e);
        try {
          mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
        } catch (mk) {
          throw unavailable('cannot create its folder', mk);
        }
        continue;
      }
      if (lock) return lock;
      if (this.clock.now() - started > this.lockWaitMs) {
        throw unavailable('lock busy', new Error(`held for over ${this.lockWaitMs} ms`));
      }
      // Holders keep the lock for well under a millisecond: poll briefly, spread out.
      await sleep(this.clock, attempt < 3 ? 1 : 1 + Math.floor(Math.random() * 3));
    }
  }

  /**
   * The newest whole slot (or an empty state), and the slot the next write goes over. Both slots'
   * headers are read, but only the newest body is checked and parsed unless it turns out torn:
   * parsing both cost a second JSON.parse and digest on every update.
   */
  private load(): { file: LocalFile; seq: number; older: string } {
    const paths = [this.file, `${this.file}.alt`];
    const slots = paths.map((path) => this.readSlot(path)).filter((s): s is Slot => s !== undefined);
    slots.sort((a, b) => b.seq - a.seq);
    for (const slot of slots) {
      const file = this.parseSlot(slot);
      if (file) return { file, seq: slot.seq, older: paths.find((p) => p !== slot.path)! };
    }
    return { file: this.empty(), seq: 0, older: paths[0]! };
  }

  /** A slot with Forge's header, undefined when missing (or set aside as not Forge's). */
  private readSlot(path: string): Slot | undefined {
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw unavailable('cannot read', e);
    }
    const eol = data.indexOf(10);
    const header = eol > 0 ? HEADER.exec(data.subarray(0, eol).toString('latin1')) : null;
    if (header && Number(header[1]) === LOCAL_SCHEMA) {
      return { path, seq: Number(header[2]), body: data.subarray(eol + 1), length: Number(header[3]), digest: header[4]! };
    }
    this.setAside(path);
    return undefined;
  }

  /** The slot's state; undefined when its write was cut short or it is not Forge's (then set aside). */
  private parseSlot(slot: Slot): LocalFile | undefined {
    const body = slot.body.subarray(0, slot.length);
    // A slot whose write a crash cut short: the other slot holds the state before it.
    if (body.length !== slot.length || digest(body) !== slot.digest) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (isLocalFile(parsed)) return parsed;
    this.setAside(slot.path);
    return undefined;
  }

  private setAside(path: string): void {
    const aside = `${path}.corrupt-${this.clock.now()}`;
    try {
      renameSync(path, aside);
    } catch (e) {
      throw unavailable('cannot set aside a damaged state file', e);
    }
    this.options.onNotice?.(`The shared limits file was damaged or not Forge's; it was set aside as ${aside} and rebuilt.`);
  }

  private save(path: string, seq: number, file: LocalFile): void {
    const body = Buffer.from(JSON.stringify(file), 'utf8');
    const data = Buffer.concat([Buffer.from(`FORGE-LIMITS ${LOCAL_SCHEMA} ${seq} ${body.length} ${digest(body)}\n`, 'latin1'), body]);
    let fd: number | undefined;
    try {
      try {
        fd = openSync(path, 'r+', 0o600);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        fd = openSync(path, 'w', 0o600);
      }
      writeSync(fd, data, 0, data.length, 0);
    } catch (e) {
      throw unavailable('cannot write', e);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  private empty(): LocalFile {
    return { format: LOCAL_FORMAT, schema: LOCAL_SCHEMA, now: 0, states: {} };
  }
}

function digest(body: Buffer): string {
  return createHash('md5').update(body).digest('hex');
}
