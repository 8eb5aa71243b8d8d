import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { sleep, systemClock, type Clock } from '../../clock';
import { ForgeError } from '../../errors';
import type { LimiterStore, UpdateFn } from '../store';
import { tryLock, type HeldLock } from './file-lock';

/**
 * The processes of one user on one machine share limits through one JSON file, updated under a
 * cross-process lock file and replaced atomically (write a temporary file, rename it over). The
 * file holds every key's state and the latest time handed out: time comes from this machine's one
 * clock and never goes back, even when the clock is stepped back.
 *
 * A file that does not parse or is not ours is set aside (renamed `…corrupt-<time>`, kept for
 * inspection) and rebuilt, never trusted. A lock left by a holder that died is taken over after
 * 200 ms, one held by a live process only after `staleMs`.
 */
export const LOCAL_FORMAT = 'conversation-forge/shared-limits';
export const LOCAL_SCHEMA = 1;

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

export class LocalStore implements LimiterStore {
  readonly scope = 'local' as const;
  readonly file: string;
  private readonly lockPath: string;
  private readonly clock: Clock;
  private readonly staleMs: number;
  private readonly lockWaitMs: number;

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

  /** Runs `body` on the file under the lock, all synchronously, so nothing interleaves inside. */
  private async locked<R>(body: (file: LocalFile, now: number) => { result: R; write: boolean }): Promise<R> {
    const started = this.clock.now();
    let lock: HeldLock | undefined;
    for (let attempt = 0; ; attempt++) {
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
      if (lock) break;
      if (this.clock.now() - started > this.lockWaitMs) {
        throw unavailable('lock busy', new Error(`held for over ${this.lockWaitMs} ms`));
      }
      // Holders keep the lock for well under a millisecond: poll briefly, spread out.
      await sleep(this.clock, attempt < 3 ? 1 : 1 + Math.floor(Math.random() * 3));
    }
    try {
      const file = this.load();
      const now = Math.max(this.clock.now(), file.now);
      file.now = now;
      const { result, write } = body(file, now);
      if (write) this.save(file);
      return result;
    } finally {
      lock.release();
    }
  }

  private load(): LocalFile {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return this.empty();
      throw unavailable('cannot read', e);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (isLocalFile(parsed)) return parsed;
    const aside = `${this.file}.corrupt-${this.clock.now()}`;
    try {
      renameSync(this.file, aside);
    } catch (e) {
      throw unavailable('cannot set aside a damaged state file', e);
    }
    this.options.onNotice?.(`The shared limits file was damaged or not Forge's; it was set aside as ${aside} and rebuilt.`);
    return this.empty();
  }

  private save(file: LocalFile): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(file), { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch (e) {
      throw unavailable('cannot write', e);
    }
  }

  private empty(): LocalFile {
    return { format: LOCAL_FORMAT, schema: LOCAL_SCHEMA, now: 0, states: {} };
  }
}
