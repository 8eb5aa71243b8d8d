import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ModelRequest } from '../../../../src/core/api/types';
import { systemClock } from '../../../../src/core/clock';
import { loadPromptFile } from '../../../../src/core/generate/prompt-file';
import { GenerationRun } from '../../../../src/core/generate/run/generation-run';
import type { PromptFile } from '../../../../src/core/generate/types';
import type { Limits } from '../../../../src/core/limiter/types';
import { modelLookup } from '../../../../src/engine';
import { FakeCaller, usageOf } from '../../../support/fake-caller';
import { FakeLimiter } from '../../../support/fake-limiter';

const BACKGROUND = 'The school runs evening classes in physics and chemistry for adult learners. '.repeat(55);

const FILE = (cache: string) => `name: tutoring
model: claude-haiku-5-5
count: 24
turns: 6
strategy: turns
max_tokens: 1024
cache: ${cache}
system: |
  ${BACKGROUND}
prompt: A student asks about fractions.
output:
  path: out/tutoring.jsonl
`;

/**
 * The run wires the TTL plan to what its limiter knows: the same file, answered at once, plans the
 * hour when the limits the limiter reports make each conversation's turns come back minutes apart,
 * and five minutes when they do not.
 */
describe('GenerationRun: planned cache TTL', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convforge-ttl-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function promptFile(cache: string): Promise<PromptFile> {
    // a workspace per run: a dataset already written would be resumed, not generated again
    const ws = fs.mkdtempSync(path.join(dir, 'ws-'));
    const file = path.join(ws, 'tutoring.forge.yaml');
    fs.writeFileSync(file, FILE(cache));
    const parsed = await loadPromptFile(file, { workspaceRoot: ws, ...modelLookup() });
    if (!parsed.ok) throw new Error(`test prompt file does not parse: ${JSON.stringify(parsed.diagnostics)}`);
    return parsed.file;
  }

  async function run(limits: Limits, cache = 'auto'): Promise<ModelRequest[]> {
    const caller = new FakeCaller();
    let n = 0;
    caller.send = async (request) => {
      caller.requests.push(request);
      return {
        text: `Reply ${++n}: let us look at halves and quarters together.`,
        stopReason: 'end_turn',
        usage: usageOf({ inputTokens: 40, cacheCreationInputTokens: request.cache ? 1100 : 0 }),
        headers: { get: () => null },
        model: request.model,
      };
    };
    const limiter = new FakeLimiter(systemClock);
    await limiter.setLimits('haiku', limits);
    // at the limit: the processor's health verdict changes and its snapshot brings the limits
    limiter.utilization = 0.95;
    const generation = await GenerationRun.open([await promptFile(cache)], { clock: systemClock, caller, limiter, maxConcurrency: 24 });
    const summary = await generation.start();
    await generation.close();
    assert.equal(summary.generated, 24);
    return caller.requests;
  }

  /** Requests after which the same side speaks again (a later request reads what they wrote). */
  const readAgain = (r: ModelRequest) => r.messages.length + 2 < 6;

  it('limits that space turns minutes apart (1 RPM) plan the hour for what is read again', async () => {
    const requests = await run({ requestsPerMinute: 1, inputTokensPerMinute: 2_000_000, outputTokensPerMinute: 400_000 });
    const hour = requests.filter((r) => r.cache?.ttl === '1h');
    assert.ok(hour.length > 24, `${hour.length} of ${requests.length} requests wrote for the hour`);
    assert.ok(hour.every(readAgain), 'a side that does not speak again writes for five minutes');
  });

  it('roomy limits keep every write at five minutes', async () => {
    const requests = await run({ requestsPerMinute: 4000, inputTokensPerMinute: 2_000_000, outputTokensPerMinute: 400_000 });
    assert.ok(requests.some((r) => r.cache));
    assert.deepEqual(new Set(requests.flatMap((r) => (r.cache ? [r.cache.ttl] : []))), new Set(['5m']));
  });

  it('cache: 1h forces the hour and cache: off sends no breakpoints, whatever the limits', async () => {
    const tight = { requestsPerMinute: 1, inputTokensPerMinute: 2_000_000, outputTokensPerMinute: 400_000 };
    assert.ok((await run(tight, '1h')).every((r) => r.cache?.ttl === '1h'));
    assert.ok((await run(tight, 'off')).every((r) => r.cache === undefined));
  });
});
