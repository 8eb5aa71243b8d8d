import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { openDataset } from '../../../../src/core/generate/output/dataset-writer';
import { tempDir } from './helpers';

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '0']).pid;
  assert.ok(pid);
  return pid;
}

describe('dataset lock', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('a second open fails naming the holding pid', async () => {
    const datasetPath = t.file('x.jsonl');
    const first = await openDataset({ datasetPath, fsync: 'never' });
    const lock = JSON.parse(fs.readFileSync(t.file('x.jsonl.lock'), 'utf8')) as { pid: number; host: string; startedAt: string };
    assert.equal(lock.pid, process.pid);
    assert.equal(lock.host, os.hostname());
    await assert.rejects(openDataset({ datasetPath }), new RegExp(`x\\.jsonl\\.lock is held by process ${process.pid} \\(since `));
    await first.close();
    const second = await openDataset({ datasetPath, fsync: 'never' });
    await second.close();
  });

  it('a live process on this host holds it', async () => {
    // pid 1 is always running; it is not ours, so only the pid check can call it live.
    const owner = process.pid === 1 ? process.ppid : 1;
    fs.writeFileSync(t.file('x.jsonl.lock'), JSON.stringify({ pid: owner, host: os.hostname(), startedAt: 'then' }));
    await assert.rejects(openDataset({ datasetPath: t.file('x.jsonl') }), new RegExp(`held by process ${owner} \\(since then\\)`));
  });

  it('a stale lock whose pid is dead is taken over', async () => {
    const pid = deadPid();
    fs.writeFileSync(t.file('x.jsonl.lock'), JSON.stringify({ pid, host: os.hostname(), startedAt: 'then' }));
    const w = await openDataset({ datasetPath: t.file('x.jsonl'), fsync: 'never' });
    assert.equal((JSON.parse(fs.readFileSync(t.file('x.jsonl.lock'), 'utf8')) as { pid: number }).pid, process.pid);
    await w.close();
    assert.deepEqual(
      fs.readdirSync(t.dir).filter((f) => f.includes('lock')),
      [],
      'no lock or moved-aside stale lock left behind',
    );
  });

  it('a lock left by an earlier process with our own pid is stale (containers reuse pid 1)', async () => {
    fs.writeFileSync(t.file('x.jsonl.lock'), JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: 'then' }));
    const w = await openDataset({ datasetPath: t.file('x.jsonl'), fsync: 'never' });
    await w.close();
  });

  it('a lock from another host is assumed live, and the error says which host', async () => {
    fs.writeFileSync(t.file('x.jsonl.lock'), JSON.stringify({ pid: 4242, host: 'elsewhere', startedAt: 'then' }));
    await assert.rejects(openDataset({ datasetPath: t.file('x.jsonl') }), /held by process 4242 on host elsewhere/);
  });

  it('an empty lock file is only taken over once it is old', async () => {
    fs.writeFileSync(t.file('x.jsonl.lock'), '');
    await assert.rejects(openDataset({ datasetPath: t.file('x.jsonl') }), /being created by another process/);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(t.file('x.jsonl.lock'), old, old);
    const w = await openDataset({ datasetPath: t.file('x.jsonl'), fsync: 'never' });
    await w.close();
  });
});
