import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../../../src/core/dataset/dataset-report';
import { scanDatasets } from '../../../src/core/dataset/scan-datasets';
import { writeSyntheticDataset } from '../../support/synthetic-dataset';

describe('dataset scan: stopping and progress', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'forge-scan-abort-'));
    file = join(dir, 'd.jsonl');
    await writeSyntheticDataset(file, { lines: 2_000 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stops mid-file when its signal aborts, and a report built on it rejects', async () => {
    const abort = new AbortController();
    let seen = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of scanDatasets([file], { signal: abort.signal })) {
          if (++seen === 100) abort.abort();
        }
      })(),
      { name: 'AbortError' },
    );
    assert.equal(seen, 100);
    const stopped = new AbortController();
    stopped.abort();
    await assert.rejects(buildReport([file], { signal: stopped.signal }), { name: 'AbortError' });
    assert.equal((await buildReport([file])).conversations, 2_000);
  });

  it('reports the bytes read as it goes', async () => {
    const seen: number[] = [];
    await buildReport([file], { onProgress: (p) => seen.push(p.bytes) });
    assert.ok(seen.length >= 10, `${seen.length} progress calls`);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    );
    assert.ok(seen[0]! > 0);
  });
});
