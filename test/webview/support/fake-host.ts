// Fixture loading and a fake job store standing in for the host's 100,000 jobs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  JOB_STATES,
  PRIORITIES,
  type HostMessage,
  type JobFilter,
  type JobRow,
  type JobsPage,
  type PanelState,
} from '../../../src/protocol/messages';

export type Fixture = 'healthy' | 'at-limit' | 'approaching' | 'throttled' | 'user-paused' | 'finished' | 'dry-run' | 'message-batches';
export const FIXTURES: readonly Fixture[] = [
  'dry-run',
  'healthy',
  'at-limit',
  'approaching',
  'throttled',
  'user-paused',
  'message-batches',
  'finished',
];

/** A recorded state message, re-based so its times are relative to now (countdowns need a future). */
export function stateFixture(name: Fixture, hostNow = Date.now()): { type: 'state'; state: PanelState } {
  const msg = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', `${name}.json`), 'utf8')) as { type: 'state'; state: PanelState };
  const shift = hostNow - msg.state.lastUpdated;
  const s = msg.state;
  s.lastUpdated += shift;
  if (s.pausedUntil !== null) s.pausedUntil += shift;
  for (const e of s.events) e.at += shift;
  for (const b of s.messageBatches ?? []) {
    b.submittedAt += shift;
    if (b.expiresAt !== null) b.expiresAt += shift;
  }
  return msg;
}

const TOTAL_JOBS = 100_000;

function job(i: number): JobRow {
  const state = JOB_STATES[i % JOB_STATES.length]!;
  return {
    id: `job-${String(i).padStart(6, '0')}`,
    batchId: `b${(i % 3) + 1}`,
    priority: PRIORITIES[i % 3]!,
    state,
    attempts: state === 'failed' ? 3 : i % 2,
    lastError: state === 'failed' ? '529 overloaded_error: Overloaded' : null,
    sourceFile: `prompts/file-${i % 3}.yaml`,
  };
}

/** Answers a query the way the host would, by computing only the requested slice. */
export function jobsPage(offset: number, limit: number, filter: JobFilter = {}): HostMessage {
  const matches = (i: number) => {
    const j = job(i);
    return (filter.state === undefined || j.state === filter.state) && (filter.batchId === undefined || j.batchId === filter.batchId);
  };
  const unfiltered = filter.state === undefined && filter.batchId === undefined;
  const page: JobsPage = { offset, limit, filter, total: 0, rows: [] };
  if (unfiltered) {
    page.total = TOTAL_JOBS;
    for (let i = offset; i < Math.min(TOTAL_JOBS, offset + limit); i++) page.rows.push(job(i));
  } else {
    for (let i = 0; i < TOTAL_JOBS; i++) {
      if (!matches(i)) continue;
      if (page.total >= offset && page.rows.length < limit) page.rows.push(job(i));
      page.total++;
    }
  }
  return { type: 'jobs', page };
}
