import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStore } from '../../../../src/core/limiter/stores/local-store';
import { FakeClock } from '../../../support/fake-clock';
import { runLeaseContract } from '../lease-contract';
import { runStoreContract } from '../store-contract';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'forge-local-store-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let current = '';
runStoreContract('LocalStore', {
  make: () => {
    current = join(tempDir(), 'nested', 'limits.json');
    return new LocalStore({ file: current });
  },
  peer: () => new LocalStore({ file: current }),
});

runLeaseContract('LocalStore', () => {
  const file = join(tempDir(), 'limits.state');
  const clock = new FakeClock();
  return {
    store: new LocalStore({ file, clock }),
    peer: () => new LocalStore({ file, clock }),
    pass: (ms) => clock.advance(ms),
    manualTime: true,
  };
});

describe('LocalStore faults', () => {
  it('sets a damaged state file aside (kept for inspection), says so, and rebuilds', async () => {
    const dir = tempDir();
    const file = join(dir, 'limits.json');
    writeFileSync(file, '{"format": "conversation-forge/shared-limits", "sche');
    const notices: string[] = [];
    const store = new LocalStore({ file, onNotice: (m) => notices.push(m) });
    assert.equal((await store.read('k')).state, undefined);
    await store.update<number, void>('k', () => ({ state: 7, result: undefined }));
    assert.equal((await store.read<number>('k')).state, 7);
    const aside = readdirSync(dir).filter((f) => f.startsWith('limits.json.corrupt-'));
    assert.equal(aside.length, 1);
    assert.match(readFileSync(join(dir, aside[0]!), 'utf8'), /"sche$/);
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /set aside as .*corrupt-.* and rebuilt/);
  });

  it('does not trust a JSON file that is not Forge state (another program, another schema)', async () => {
    const dir = tempDir();
    const file = join(dir, 'limits.json');
    writeFileSync(file, JSON.stringify({ format: 'conversation-forge/shared-limits', schema: 99, now: 0, states: { k: 1 } }));
    const store = new LocalStore({ file });
    assert.equal((await store.read('k')).state, undefined);
    assert.equal(readdirSync(dir).filter((f) => f.includes('corrupt')).length, 1);
  });

  it("takes over a lock whose holder died within moments, and a live holder's only once stale", async () => {
    const dir = tempDir();
    const file = join(dir, 'limits.json');
    // A live holder (this very process) that froze: waited for until the stale time.
    writeFileSync(`${file}.lock`, `${process.pid}.frozen`);
    const fresh = new LocalStore({ file, staleMs: 60_000, lockWaitMs: 400 });
    await assert.rejects(
      fresh.update('k', () => ({ state: 1, result: 1 })),
      (e: Error & { kind?: string }) => e.kind === 'store_unavailable' && /lock busy/.test(e.message),
    );
    const old = (Date.now() - 5_000) / 1000;
    utimesSync(`${file}.lock`, old, old);
    const store = new LocalStore({ file, staleMs: 1_000 });
    assert.equal(await store.update('k', () => ({ state: 2, result: 'ok' })), 'ok');
    assert.equal(existsSync(`${file}.lock`), false, 'the lock is released after the update');
    // A holder killed while holding it (no such process): taken over without waiting the stale time.
    writeFileSync(`${file}.lock`, '999999.killed');
    const started = Date.now();
    assert.equal(await new LocalStore({ file, staleMs: 60_000 }).update('k', () => ({ state: 3, result: 'again' })), 'again');
    assert.ok(Date.now() - started < 30_000);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('stale')),
      [],
    );
  });

  it('replaces the state atomically without a rename: a write cut short leaves the state before it, silently', async () => {
    const dir = tempDir();
    const file = join(dir, 'limits.json');
    const notices: string[] = [];
    const store = new LocalStore({ file, onNotice: (m) => notices.push(m) });
    await store.update<string, void>('k', () => ({ state: 'first', result: undefined }));
    await store.update<string, void>('k', () => ({ state: 'second', result: undefined }));
    // The two writes went to the two slots, each whole.
    assert.match(readFileSync(file, 'utf8'), /^FORGE-LIMITS 3 1 \d+ [0-9a-f]{32}\n.*"first"/);
    assert.match(readFileSync(`${file}.alt`, 'utf8'), /^FORGE-LIMITS 3 2 \d+ [0-9a-f]{32}\n.*"second"/);
    // A crash in the middle of the next write: the slot it went over holds half of it.
    const newer = readFileSync(`${file}.alt`);
    writeFileSync(`${file}.alt`, newer.subarray(0, newer.length - 7));
    assert.equal((await store.read<string>('k')).state, 'first');
    // A write whose bytes landed but not all of them (same length, damaged content).
    writeFileSync(`${file}.alt`, Buffer.from(newer.toString('latin1').replace('second', 'secxnd'), 'latin1'));
    assert.equal((await store.read<string>('k')).state, 'first');
    // The next write goes over the damaged slot, never over the whole one.
    await store.update<string, void>('k', () => ({ state: 'third', result: undefined }));
    assert.match(readFileSync(file, 'utf8'), /"first"/);
    assert.equal((await new LocalStore({ file }).read<string>('k')).state, 'third');
    assert.deepEqual(notices, [], 'a torn write is not a damaged file');
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('corrupt')),
      [],
    );
  });

  it('writes a shorter state over a longer one in place, without truncating, and reads it back exactly', async () => {
    const file = join(tempDir(), 'limits.json');
    const store = new LocalStore({ file });
    await store.update<string, void>('k', () => ({ state: 'x'.repeat(5_000), result: undefined }));
    await store.update<string, void>('k', () => ({ state: 'y'.repeat(5_000), result: undefined }));
    await store.update<string, void>('k', () => ({ state: 'short', result: undefined }));
    assert.ok(readFileSync(file).length > 5_000, 'the slot was written over, not truncated');
    assert.equal((await new LocalStore({ file }).read<string>('k')).state, 'short');
  });

  it("calls made while the process waits for the lock share one turn: one write for all, each call's own result or error", async () => {
    const dir = tempDir();
    const file = join(dir, 'limits.json');
    const store = new LocalStore({ file });
    const peer = new LocalStore({ file });
    const inc = (s: LocalStore) => s.update<number, number>('n', (n) => ({ state: (n ?? 0) + 1, result: (n ?? 0) + 1 }));
    const results = await Promise.allSettled([
      ...Array.from({ length: 40 }, () => inc(store)),
      store.update('n', () => {
        throw new Error('this call only');
      }),
      ...Array.from({ length: 40 }, () => inc(peer)),
    ]);
    const rejected = results.filter((r) => r.status === 'rejected');
    assert.deepEqual(
      rejected.map((r) => (r.reason as Error).message),
      ['this call only'],
    );
    assert.deepEqual(
      results
        .filter((r) => r.status === 'fulfilled')
        .map((r) => r.value)
        .sort((a, b) => Number(a) - Number(b)),
      Array.from({ length: 80 }, (_, i) => i + 1),
      'each increment saw the one before it',
    );
    await inc(store);
    assert.equal((await new LocalStore({ file }).read<number>('n')).state, 81);
    // Two stores, 82 calls: a handful of turns, each one lock and one write, not one per call.
    const seqs = [file, `${file}.alt`].map((f) => Number(/^FORGE-LIMITS 3 (\d+) /.exec(readFileSync(f, 'latin1'))![1]));
    assert.ok(Math.max(...seqs) <= 6, `writes: ${Math.max(...seqs)}`);
    const each = await Promise.all(Array.from({ length: 5 }, () => inc(store)));
    assert.deepEqual(each, [82, 83, 84, 85, 86], 'in the order the calls were made');
  });

  it('hands out time that never goes back, even when the clock steps back', async () => {
    const file = join(tempDir(), 'limits.json');
    let t = 1_000_000;
    const clock = {
      now: () => t,
      setTimeout: (cb: () => void, ms: number) => ({ id: Number(setTimeout(cb, ms)) }),
      clearTimeout: () => undefined,
    };
    const store = new LocalStore({ file, clock });
    const seen: number[] = [];
    await store.update('k', (_s, now) => (seen.push(now), { state: 1, result: undefined }));
    t -= 50_000;
    const other = new LocalStore({ file, clock });
    await other.update('k', (_s, now) => (seen.push(now), { state: 2, result: undefined }));
    assert.deepEqual(seen, [1_000_000, 1_000_000]);
  });
});
