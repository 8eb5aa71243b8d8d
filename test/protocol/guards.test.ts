import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isHostMessage, isWebviewMessage, type JobsPage, type WebviewMessage } from '../../src/protocol';

const fixtureDir = join(__dirname, '..', 'webview', 'fixtures');
const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith('.json'));

function clone<T>(x: T): T {
  return structuredClone(x);
}

/** Walks to the parent of the last key and mutates it, so each case names one field. */
function mutate(base: unknown, path: (string | number)[], change: (parent: Record<string, unknown>, key: string) => void): unknown {
  const copy = clone(base);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  change(node, String(path[path.length - 1]));
  return copy;
}
const remove = (base: unknown, path: (string | number)[]) =>
  mutate(base, path, (p, k) => {
    delete p[k];
  });
const set = (base: unknown, path: (string | number)[], value: unknown) =>
  mutate(base, path, (p, k) => {
    p[k] = value;
  });

const page: JobsPage = {
  offset: 50,
  limit: 50,
  filter: { state: 'failed' },
  total: 2,
  rows: [
    { id: 'j1', batchId: 'b1', priority: 'high', state: 'failed', attempts: 3, lastError: '500 overloaded', sourceFile: 'p.yaml' },
    { id: 'j2', batchId: 'b1', priority: 'low', state: 'failed', attempts: 1, lastError: null, sourceFile: 'p.yaml' },
  ],
};

describe('isHostMessage', () => {
  for (const f of fixtures) {
    it(`accepts the recorded state fixture ${f}`, () => {
      assert.equal(isHostMessage(JSON.parse(readFileSync(join(fixtureDir, f), 'utf8'))), true);
    });
  }

  it('accepts a jobs page, including an empty filter and no rows', () => {
    assert.equal(isHostMessage({ type: 'jobs', page }), true);
    assert.equal(isHostMessage({ type: 'jobs', page: { ...page, filter: {}, rows: [], total: 0 } }), true);
  });

  const state = JSON.parse(readFileSync(join(fixtureDir, 'healthy.json'), 'utf8')) as unknown;
  const badStates: [string, unknown][] = [
    ['missing state', { type: 'state' }],
    ['unknown type', { ...(state as object), type: 'status' }],
    ['not an object', 'state'],
    ['null', null],
    ['array', [state]],
    ['extra top-level key', { ...(state as object), extra: 1 }],
    ['simulated not boolean', set(state, ['state', 'simulated'], 'yes')],
    ['unknown run state', set(state, ['state', 'runState'], 'sleeping')],
    ['utilization above 1', set(state, ['state', 'limits', 'requests', 'utilization'], 1.5)],
    ['utilization NaN', set(state, ['state', 'limits', 'requests', 'utilization'], Number.NaN)],
    ['missing limit dimension', remove(state, ['state', 'limits', 'outputTokens'])],
    ['unknown health', set(state, ['state', 'health'], 'green')],
    ['negative count', set(state, ['state', 'progress', 'failed'], -1)],
    ['fractional count', set(state, ['state', 'progress', 'active'], 1.5)],
    ['missing maxActive', remove(state, ['state', 'progress', 'maxActive'])],
    ['pausedUntil as string', set(state, ['state', 'pausedUntil'], '2025-01-01')],
    ['unknown pause reason', set(state, ['state', 'pauseReason'], 'tired')],
    ['cost spent missing', remove(state, ['state', 'cost', 'spent'])],
    ['budget as string', set(state, ['state', 'cost', 'budget'], '250')],
    ['throughput with a string', set(state, ['state', 'throughput', 3], '7')],
    ['throughput over 60 points', set(state, ['state', 'throughput'], new Array(61).fill(1))],
    ['batch with unknown priority', set(state, ['state', 'batches', 0, 'priority'], 'urgent')],
    ['batch with empty id', set(state, ['state', 'batches', 0, 'id'], '')],
    ['event with unknown level', set(state, ['state', 'events', 0, 'level'], 'debug')],
    ['more than 100 events', set(state, ['state', 'events'], new Array(101).fill({ at: 1, level: 'info', message: 'x' }))],
    ['missing lastUpdated', remove(state, ['state', 'lastUpdated'])],
    ['jobs page missing', { type: 'jobs' }],
    ['jobs page with more rows than its limit', { type: 'jobs', page: { ...page, limit: 1 } }],
    ['job with unknown state', set({ type: 'jobs', page }, ['page', 'rows', 0, 'state'], 'exploded')],
    ['job with attempts as string', set({ type: 'jobs', page }, ['page', 'rows', 0, 'attempts'], '3')],
    ['job filter with unknown key', set({ type: 'jobs', page }, ['page', 'filter', 'source'], 'x')],
  ];
  for (const [name, msg] of badStates) {
    it(`rejects ${name}`, () => assert.equal(isHostMessage(msg), false));
  }
});

describe('isWebviewMessage', () => {
  const valid: WebviewMessage[] = [
    { type: 'ready' },
    { type: 'pause' },
    { type: 'resume' },
    { type: 'cancel' },
    { type: 'retryFailed' },
    { type: 'retryFailed', batchId: 'b1' },
    { type: 'setBatchPriority', batchId: 'b1', priority: 'high' },
    { type: 'pauseBatch', batchId: 'b1' },
    { type: 'resumeBatch', batchId: 'b1' },
    { type: 'cancelBatch', batchId: 'b1' },
    { type: 'requestJobs', offset: 0, limit: 50 },
    { type: 'requestJobs', offset: 99_950, limit: 50, filter: { state: 'failed', batchId: 'b2' } },
    { type: 'requestJobs', offset: 0, limit: 500, filter: {} },
    { type: 'openDataset', batchId: 'b1' },
  ];
  for (const msg of valid) {
    it(`accepts ${JSON.stringify(msg)}`, () => assert.equal(isWebviewMessage(msg), true));
  }

  const invalid: [string, unknown][] = [
    ['undefined', undefined],
    ['a string', 'pause'],
    ['no type', { batchId: 'b1' }],
    ['unknown type', { type: 'deleteEverything' }],
    ['type of wrong case', { type: 'Pause' }],
    ['extra key on pause', { type: 'pause', force: true }],
    ['pauseBatch without batchId', { type: 'pauseBatch' }],
    ['cancelBatch with numeric batchId', { type: 'cancelBatch', batchId: 7 }],
    ['openDataset with empty batchId', { type: 'openDataset', batchId: '' }],
    ['openDataset with a huge batchId', { type: 'openDataset', batchId: 'x'.repeat(10_000) }],
    ['setBatchPriority with unknown priority', { type: 'setBatchPriority', batchId: 'b1', priority: 'urgent' }],
    ['setBatchPriority without priority', { type: 'setBatchPriority', batchId: 'b1' }],
    ['retryFailed with null batchId', { type: 'retryFailed', batchId: null }],
    ['requestJobs negative offset', { type: 'requestJobs', offset: -50, limit: 50 }],
    ['requestJobs fractional offset', { type: 'requestJobs', offset: 1.5, limit: 50 }],
    ['requestJobs zero limit', { type: 'requestJobs', offset: 0, limit: 0 }],
    ['requestJobs limit over the page maximum', { type: 'requestJobs', offset: 0, limit: 100_000 }],
    ['requestJobs offset as string', { type: 'requestJobs', offset: '0', limit: 50 }],
    ['requestJobs unknown state filter', { type: 'requestJobs', offset: 0, limit: 50, filter: { state: 'done' } }],
    ['requestJobs filter not an object', { type: 'requestJobs', offset: 0, limit: 50, filter: 'failed' }],
    ['requestJobs filter with unknown key', { type: 'requestJobs', offset: 0, limit: 50, filter: { sql: '1=1' } }],
  ];
  for (const [name, msg] of invalid) {
    it(`rejects ${name}`, () => assert.equal(isWebviewMessage(msg), false));
  }
});
