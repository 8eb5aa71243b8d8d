import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/**
 * A cross-process lock as a file created with O_EXCL (`wx`): atomic on every local file system,
 * no native module. Held only across a few synchronous file operations (well under a millisecond),
 * so a lock older than `staleMs` belongs to a holder that died or froze, and is taken over.
 */
export interface HeldLock {
  release(): void;
}

/**
 * Random once per process, then counted: a lock's token only has to differ from every other
 * holder's, and drawing random bytes on each of thousands of locks a second showed in profiles.
 */
const PROCESS_NONCE = randomBytes(6).toString('hex');
let tokens = 0;

function token(): string {
  return `${process.pid}.${PROCESS_NONCE}.${++tokens}`;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** True unless the lock's process is known to be gone (the folder is per user and per machine). */
function holderAlive(content: string | undefined): boolean {
  const pid = Number(content?.split('.')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** A lock whose process is gone is taken over after this, whatever `staleMs` says. */
export const DEAD_HOLDER_MS = 200;

/**
 * Tries once: the lock, or undefined when someone else holds it. A lock whose process is gone is
 * taken over after DEAD_HOLDER_MS; a live holder's only once it is older than `staleMs` (by its
 * mtime, on this machine's clock: a holder blocked that long in I/O under heavy load must not be
 * joined by a second one). It is moved aside under a unique name first; if what was moved turns
 * out not to be the lock judged stale (its holder changed in between), it is put back.
 */
export function tryLock(lockPath: string, staleMs: number, now: number): HeldLock | undefined {
  const mine = token();
  const heldSince = Date.now();
  try {
    const fd = openSync(lockPath, 'wx');
    try {
      writeSync(fd, mine);
    } finally {
      closeSync(fd);
    }
    return {
      release: () => {
        // Only our own lock is removed: after a takeover the file may be someone else's. Nobody
        // can have judged a lock stale before half the stale time, so a short hold skips the check.
        if (Date.now() - heldSince < staleMs / 2 || readOrUndefined(lockPath) === mine) unlinkSync(lockPath);
      },
    };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  let mtime: number;
  try {
    mtime = statSync(lockPath).mtimeMs;
  } catch {
    return undefined; // released meanwhile: try again
  }
  const stale = readOrUndefined(lockPath);
  if (now - mtime < (holderAlive(stale) ? staleMs : Math.min(staleMs, DEAD_HOLDER_MS))) return undefined;
  const aside = `${lockPath}.${mine}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return undefined; // someone else took it over first
  }
  if (readOrUndefined(aside) !== stale) {
    // We moved a live lock: restore it unless a new one appeared, which then holds.
    try {
      linkSync(aside, lockPath);
    } catch {
      /* a newer lock exists */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* already gone */
  }
  return undefined; // the next attempt creates the lock
}
