import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, journalRecords, readJsonl, tempWorkspace } from './support';

const BACKGROUND = 'The school runs evening classes in physics and chemistry for adult learners. '.repeat(55);

const TURNS_FILE = `name: tutoring
model: claude-haiku-5-5
count: 4
turns: 6
strategy: turns
max_tokens: 1024
system: |
  ${BACKGROUND}
prompt: A student asks about {{what}}.
variables:
  what: [fractions, gravity]
output:
  path: out/tutoring.jsonl
`;

/** Prompt caching from the CLI, against the built-in simulator (its usage reports what was read). */
describe('convforge generate: prompt caching', function () {
  this.timeout(60_000);

  it('reads most input from the cache by default, nothing with --cache off, and writes the same conversations', async () => {
    const on = tempWorkspace({ 'tutoring.forge.yaml': TURNS_FILE });
    const off = tempWorkspace({ 'tutoring.forge.yaml': TURNS_FILE });
    const withCache = await cli(['generate', '.', '--simulate', '--json', '--rpm', '3000', '--concurrency', '1'], on);
    const without = await cli(['generate', '.', '--simulate', '--json', '--rpm', '3000', '--concurrency', '1', '--cache', 'off'], off);
    assert.equal(withCache.code, 0, withCache.stderr);
    assert.equal(without.code, 0, without.stderr);
    const a = JSON.parse(withCache.stdout) as Record<string, number>;
    const b = JSON.parse(without.stdout) as Record<string, number>;
    const input = (s: Record<string, number>) => s['inputTokens']! + s['cacheCreationInputTokens']! + s['cacheReadInputTokens']!;
    assert.ok(a['cacheReadInputTokens']! / input(a) > 0.5, `read share ${a['cacheReadInputTokens']! / input(a)}`);
    assert.ok(a['cacheSavingsUsd']! > 0);
    assert.equal(b['cacheReadInputTokens'], 0);
    assert.equal(b['cacheCreationInputTokens'], 0);
    assert.ok(a['costUsd']! < b['costUsd']!);
    // same text sent, same seeded simulator, one request at a time: the same dataset
    const dataset = (ws: string) => readJsonl(path.join(ws, 'out/tutoring.simulated.jsonl'));
    assert.deepEqual(dataset(on), dataset(off));
    // the journal keeps each record's cache usage
    const meta = journalRecords(path.join(on, 'out/tutoring.simulated.meta.jsonl')) as { usage: { cacheReadInputTokens: number } }[];
    assert.ok(meta.every((m) => m.usage.cacheReadInputTokens > 0));
    assert.ok(fs.existsSync(path.join(off, 'out/tutoring.simulated.meta.jsonl')));
  });

  it('the human summary says what the cache read and saved', async () => {
    const ws = tempWorkspace({ 'tutoring.forge.yaml': TURNS_FILE });
    const r = await cli(['generate', '.', '--simulate', '--rpm', '3000', '--quiet'], ws);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /prompt cache: [\d.]+k input tokens read \(\d+% of input\), [\d.]+k? written, saved \$[\d.]+/);
  });

  it('rejects an unknown --cache value', async () => {
    const r = await cli(['generate', '.', '--cache', 'sometimes'], tempWorkspace({}));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--cache: expected one of auto, off, 1h, got `sometimes`/);
  });
});
