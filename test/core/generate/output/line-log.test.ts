import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanLineLog } from '../../../../src/core/generate/output/line-log';

const parse = (v: unknown) => (typeof v === 'object' && v !== null && 'n' in v ? (v as { n: number }) : undefined);

function logFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-linelog-'));
  const file = path.join(dir, 'x.meta.jsonl');
  fs.writeFileSync(file, text);
  return file;
}

function scan(file: string, chunkBytes?: number) {
  const seen: { n: number; line: number }[] = [];
  const log = scanLineLog(file, parse, (e, line) => seen.push({ n: e.n, line }), chunkBytes);
  return { log, seen };
}

describe('scanLineLog (streamed resume scan)', () => {
  const lines = Array.from({ length: 50 }, (_, i) => `{"n":${i}}\n`).join('');

  it('hands every entry over one at a time, the same whatever the chunk size (lines straddle chunks)', () => {
    const file = logFile(lines);
    const whole = scan(file);
    assert.equal(whole.seen.length, 50);
    for (const chunk of [1, 3, 7, 64]) {
      const part = scan(file, chunk);
      assert.deepEqual(part.seen, whole.seen, `chunk ${chunk}`);
      assert.deepEqual(part.log, { exists: true, lines: 50, keptBytes: Buffer.byteLength(lines), size: Buffer.byteLength(lines) });
    }
  });

  it('drops a torn last line and a garbled last line, keeping the bytes before them', () => {
    for (const tail of ['{"n":5', '\u0000\u0000\u0000\n']) {
      const r = scan(logFile(lines + tail), 5);
      assert.equal(r.seen.length, 50);
      assert.equal(r.log.keptBytes, Buffer.byteLength(lines));
      assert.equal(r.log.size, Buffer.byteLength(lines + tail));
    }
  });

  it('refuses a bad line that is not the last, naming the line and byte', () => {
    const file = logFile(`{"n":0}\nnot json\n{"n":2}\n`);
    assert.throws(() => scan(file, 4), /line 2 \(byte 8\) is not a valid entry and is not the last line/);
  });

  it('a missing file is an empty log', () => {
    assert.deepEqual(
      scanLineLog(path.join(os.tmpdir(), 'forge-no-such-log.jsonl'), parse, () => assert.fail('no entries')),
      {
        exists: false,
        lines: 0,
        keptBytes: 0,
        size: 0,
      },
    );
  });
});
