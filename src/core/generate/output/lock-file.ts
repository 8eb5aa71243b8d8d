import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { ForgeError } from '../../errors';

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/**
 * Lock paths this process holds. A lock naming our own pid that is not in here was left by an
 * earlier process that had the same pid (every container's main process is pid 1), so it is stale.
 */
const held = new Set<string>();

export interface DatasetLock {
  release(): void;
}

/**
 * Takes `lockPath` with O_EXCL, so of two processes racing for it exactly one wins. A lock whose
 * process is gone (same host, pid not running) is taken over; a live one is an error naming it.
 */
export function acquireLock(lockPath: string, now: number): DatasetLock {
  const mine: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: new Date(now).toISOString() };
  const content = `${JSON.stringify(mine)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(lockPath, content)) {
      held.add(lockPath);
      return { release: () => release(lockPath, content) };
    }
    const found = readLock(lockPath);
    if (found === undefined) continue; // vanished between our create and read: try again
    const owner = parseOwner(found);
    if (owner && isAlive(owner, lockPath)) {
      const where = owner.host === os.hostname() ? '' : ` on host ${owner.host}`;
      throw new ForgeError(
        'output',
        `${lockPath} is held by process ${owner.pid}${where} (since ${owner.startedAt}): another run is writing this dataset. Stop it first; if that process is gone, delete the lock file.`,
      );
    }
    if (!owner && !olderThan(lockPath, 5000)) {
      // A lock file is created and filled by two calls; give a live creator time to fill it.
      throw new ForgeError('output', `${lockPath} is being created by another process; try again.`);
    }
    takeOver(lockPath, found);
  }
  throw new ForgeError('output', `cannot take ${lockPath}: other processes keep taking it.`);
}

function tryCreate(lockPath: string, content: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lockPath, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new ForgeError('output', `cannot create ${lockPath}: ${(err as Error).message}`, { cause: err });
  }
  try {
    fs.writeSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

function readLock(lockPath: string): string | undefined {
  try {
    return fs.readFileSync(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ForgeError('output', `cannot read ${lockPath}: ${(err as Error).message}`, { cause: err });
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockOwner>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.startedAt === 'string') {
      return { pid: v.pid, host: v.host, startedAt: v.startedAt };
    }
  } catch {
    // torn or foreign content: treated as ownerless below
  }
  return undefined;
}

function isAlive(owner: LockOwner, lockPath: string): boolean {
  // We cannot see processes on another host: assume it lives, and say so in the error.
  if (owner.host !== os.hostname()) return true;
  if (owner.pid === process.pid) return held.has(lockPath); // see `held`
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function olderThan(file: string, ms: number): boolean {
  try {
    return Date.now() - fs.statSync(file).mtimeMs > ms;
  } catch {
    return true;
  }
}

/**
 * Moves the stale lock aside and checks it is the one we judged stale, so two processes taking
 * over at once cannot both delete a lock the other just created.
 */
function takeOver(lockPath: string, staleContent: string): void {
  const aside = `${lockPath}.stale-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ForgeError('output', `cannot take over stale ${lockPath}: ${(err as Error).message}`, { cause: err });
  }
  const moved = readLock(aside);
  if (moved !== staleContent) {
    try {
      fs.linkSync(aside, lockPath);
    } catch {
      // someone else holds it now either way; our create below fails and reports them
    }
  }
  fs.rmSync(aside, { force: true });
}

function release(lockPath: string, content: string): void {
  if (!held.delete(lockPath)) return;
  // Only remove the lock if it is still ours (a user may have deleted it and started another run).
  if (readLock(lockPath) === content) fs.rmSync(lockPath, { force: true });
}

/** Whether this process holds the lock at `lockPath` (tests). */
export function holdsLock(lockPath: string): boolean {
  return held.has(lockPath);
}
