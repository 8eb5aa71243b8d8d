import assert from 'node:assert/strict';
import type { ClassifiedError } from '../../src/core/errors';
import { makeJobs, PATIENCE_MS, runToRest, startHarness, TEST_TIMEOUT_MS, waitFor, type Harness } from './support/engine-harness';

// The real engine against the simulator's faults, in real time. Counts are checked exactly; where
// real time is involved the tolerances are generous.

const ROOMY = { requestsPerMinute: 1200, inputTokensPerMinute: 10_000_000, outputTokensPerMinute: 10_000_000 };

function assertAllSucceededOnce(h: Harness, jobs: readonly { id: string; state: string }[]): void {
  assert.deepEqual(
    jobs.filter((j) => j.state !== 'succeeded').map((j) => `${j.id}:${j.state}`),
    [],
  );
  assert.equal(h.succeeded.size, jobs.length);
  assert.ok(
    [...h.succeeded.values()].every((n) => n === 1),
    'a job succeeded twice',
  );
  assert.equal(h.sim.stats().messages, jobs.length, 'the simulator served a complete message per job, no more');
}

function eventsOf(h: Harness, type: string) {
  return h.events.filter((e) => e.type === type);
}

describe('engine against the simulator: faults', function () {
  this.timeout(TEST_TIMEOUT_MS);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a rate-limit storm (429 + retry-after) pauses all dispatch, then resumes by itself; every job completes once', async () => {
    h = await startHarness({ limits: ROOMY, sim: { faults: { stormSeconds: 1 } } });
    const jobs = makeJobs(60);
    const harness = h;
    let stormArmed = false;
    h.processor.on('succeeded', () => {
      if (!stormArmed && harness.succeeded.size >= 15) {
        stormArmed = true;
        harness.sim.configure({ faults: { script: [{ kind: 'rate_limit_storm' }] } });
      }
    });
    h.processor.add(jobs);
    await runToRest(h.processor);

    assertAllSucceededOnce(h, jobs);
    const first429 = h.errors.find((e) => e.kind === 'rate_limited');
    assert.ok(first429, 'the storm was met');
    const resumed = eventsOf(h, 'resumed');
    assert.equal(resumed.length, 1);
    assert.deepEqual(resumed[0]!.detail, { reason: 'rate_limit' });
    const paused = eventsOf(h, 'paused');
    assert.ok(paused.length >= 1 && paused.every((p) => (p.detail as { reason: string }).reason === 'rate_limit'));
    // From the moment the first 429 reached the client until the pause ended, nothing was sent.
    const during = h.wire.filter((w) => w.at > first429.at && w.at < resumed[0]!.at);
    assert.deepEqual(during, [], 'requests started during the pause');
    // ...and the pause honoured retry-after (1 s), give or take timer slack.
    assert.ok(resumed[0]!.at - first429.at >= 900, `paused ${resumed[0]!.at - first429.at} ms`);
    // Only requests already on the wire when the storm began can have met it.
    const s = h.sim.stats();
    assert.equal(s.rateLimited, h.processor.stats.rateLimited);
    assert.ok(s.rateLimited <= 32, `${s.rateLimited} × 429`);
  });

  it('a spend-cap 429 stops the run with a clear reason; nothing more is sent and the rest stay queued', async () => {
    h = await startHarness({ limits: ROOMY });
    const jobs = makeJobs(60);
    const harness = h;
    let armed = false;
    h.processor.on('succeeded', () => {
      if (!armed && harness.succeeded.size >= 10) {
        armed = true;
        // From now on every request meets the cap, as it would until next month.
        harness.sim.configure({ faults: { script: [{ kind: 'spend_cap', count: 1000 }] } });
      }
    });
    const stopped: ClassifiedError[] = [];
    h.processor.on('stopped', (e) => stopped.push(e.error));
    h.processor.add(jobs);
    await runToRest(h.processor);

    assert.equal(h.processor.state, 'stopped');
    assert.equal(stopped.length, 1);
    assert.equal(stopped[0]!.kind, 'spend_cap');
    assert.match(stopped[0]!.message, /spend cap/i);
    assert.equal(h.processor.stats.stopError?.kind, 'spend_cap');
    const firstCap = h.errors.find((e) => e.kind === 'spend_cap')!;
    assert.deepEqual(
      h.wire.filter((w) => w.at > firstCap.at),
      [],
      'requests started after the spend cap was seen',
    );
    // Nothing failed, nothing retried: the capped jobs went back to the queue with the untouched rest.
    const s = h.processor.stats;
    assert.equal(s.failed, 0);
    assert.equal(s.retries, 0);
    assert.equal(s.succeeded + s.queuedTotal, jobs.length);
    assert.equal(jobs.filter((j) => j.state === 'queued').length, s.queuedTotal);
    const sent = h.sim.stats().requests;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.sim.stats().requests, sent, 'a stopped run sends nothing');
  });

  it('a mid-stream overload (error event after a 200) is retried and the job completes', async () => {
    h = await startHarness({ limits: ROOMY, sim: { faults: { script: [{ kind: 'midstream_overload', count: 3 }], midstreamDeltas: 2 } } });
    const jobs = makeJobs(10);
    h.processor.add(jobs);
    await runToRest(h.processor);

    assertAllSucceededOnce(h, jobs);
    assert.equal(h.sim.stats().streamErrors, 3);
    assert.equal(h.errors.filter((e) => e.kind === 'overloaded').length, 3);
    // Three failures in a row from three different jobs read as an outage (queue/outage.ts): the
    // third job is put back uncharged, without a retry of its own.
    assert.ok(h.processor.stats.retries >= 2 && h.processor.stats.retries <= 3, `retries ${h.processor.stats.retries}`);
    assert.equal(h.processor.stats.failed, 0);
  });

  it('529, 500 and connection resets at a few % are retried with backoff; every job completes exactly once', async () => {
    h = await startHarness({
      limits: { ...ROOMY, requestsPerMinute: 3000 },
      sim: { faults: { rates: { overloaded: 0.03, server_error: 0.03, connection_reset: 0.03 } } },
    });
    const jobs = makeJobs(150);
    const delays: number[] = [];
    h.processor.on('retrying', (e) => delays.push(e.delayMs));
    const pauses: string[] = [];
    h.processor.on('paused', (e) => pauses.push(e.reason));
    h.processor.add(jobs);
    await runToRest(h.processor);

    assertAllSucceededOnce(h, jobs);
    const s = h.sim.stats();
    const faults = (s.byStatus['529'] ?? 0) + (s.byStatus['500'] ?? 0) + (s.byStatus['reset'] ?? 0);
    assert.ok(faults > 0, JSON.stringify(s.byStatus));
    assert.ok(s.byStatus['reset']! > 0 && s.byStatus['529']! > 0 && s.byStatus['500']! > 0, JSON.stringify(s.byStatus));
    // Every fault was retried once: as a job's retry after a backoff delay (never at once) or, when
    // faults from five conversations happened to come in a row (concurrent requests failing
    // together), put back uncharged while the outage breaker probed. Which of the two is chance.
    const outagePauses = pauses.filter((p) => p === 'outage').length;
    assert.ok(h.processor.stats.retries <= faults, `${h.processor.stats.retries} retries for ${faults} faults`);
    assert.ok(
      h.processor.stats.retries === faults || outagePauses > 0,
      `${faults - h.processor.stats.retries} faults neither retried nor an outage`,
    );
    assert.equal(delays.length, h.processor.stats.retries);
    // Never at once: a backoff (base 50 ms, jitter 0.5: 38 ms, then 75) or, for a job's first fault
    // once answers have earned it, a quick retry of a fifth of that (8 ms; queue/retry-budget.ts).
    assert.ok(
      delays.every((d) => d === 8 || d >= 25),
      JSON.stringify(delays),
    );
    assert.equal(s.requests, jobs.length + faults);
  });

  it('an authentication failure stops the run at once', async () => {
    h = await startHarness({ limits: ROOMY, sim: { acceptKey: () => false } });
    const jobs = makeJobs(40);
    const stopped: ClassifiedError[] = [];
    h.processor.on('stopped', (e) => stopped.push(e.error));
    h.processor.add(jobs);
    await runToRest(h.processor);

    assert.equal(h.processor.state, 'stopped');
    assert.equal(stopped.length, 1);
    assert.equal(stopped[0]!.kind, 'auth');
    // Only what the first dispatch put in flight (the initial concurrency) ever reached the server.
    assert.ok(h.sim.stats().requests <= 4, `${h.sim.stats().requests} requests`);
    assert.equal(h.sim.stats().byStatus['401'], h.sim.stats().requests);
    assert.equal(h.processor.stats.queuedTotal, jobs.length);
    assert.equal(h.processor.stats.failed, 0);
  });

  it('cancel mid-run aborts requests in flight (the simulator sees them close) and leaves the rest queued', async () => {
    // Who wins the race between a response and the abort is not the product's promise: a job
    // in flight at cancel may still succeed (its answer was already read), and a cancelled
    // request may never have reached the server, or may have been answered just as the client
    // hung up. What the product promises is checked below, for any interleaving.
    h = await startHarness({
      limits: ROOMY,
      sim: { latency: { baseMs: 50, perOutputTokenMs: 0, jitterMs: 0 } },
      processor: { maxConcurrency: 4 },
    });
    const jobs = makeJobs(30);
    const harness = h;
    h.processor.add(jobs);
    await waitFor(() => harness.succeeded.size >= 4, PATIENCE_MS, 'a run in progress');
    // From here on the server takes ten minutes to answer, so a request it has now can only end
    // within the test by the client hanging up: the simulator seeing it close proves the abort reached it.
    h.sim.configure({ latency: { baseMs: 600_000 } });
    const arrivedBefore = h.sim.stats().requests;
    await waitFor(
      () => harness.sim.stats().requests > arrivedBefore && harness.sim.stats().inFlight > 0,
      PATIENCE_MS,
      'a slow request on the server',
    );
    const activeAtCancel = new Set(jobs.filter((j) => j.state === 'running').map((j) => j.id));
    assert.equal(activeAtCancel.size, h.processor.stats.active);
    h.processor.cancel();
    await runToRest(h.processor);
    // Well under the ten minutes the slow requests would take if the abort did not close them.
    await waitFor(() => harness.sim.stats().inFlight === 0, PATIENCE_MS, 'the simulator to see the connections close');

    assert.equal(h.processor.state, 'stopped');
    assert.equal(h.processor.stats.stopError?.kind, 'cancelled');
    assert.equal(h.processor.stats.active, 0);
    // Every cancelled job was in flight at cancel, and was cancelled exactly once.
    const cancelled = jobs.filter((j) => j.state === 'cancelled').map((j) => j.id);
    assert.ok(cancelled.length > 0, 'the slow requests were cancelled');
    assert.deepEqual(
      cancelled.filter((id) => !activeAtCancel.has(id)),
      [],
      'only jobs in flight were cancelled',
    );
    const cancelEvents = eventsOf(h, 'cancelled').map((e) => (e.detail as { job: { id: string } }).job.id);
    assert.deepEqual([...cancelEvents].sort(), [...cancelled].sort(), 'one cancelled event per cancelled job');
    assert.equal(h.processor.stats.cancelled, cancelled.length);
    // A job in flight at cancel either finished first (succeeded) or was cancelled; nothing else.
    assert.deepEqual(
      [...activeAtCancel].filter((id) => !['succeeded', 'cancelled'].includes(jobs.find((j) => j.id === id)!.state)),
      [],
    );
    assert.ok(
      [...h.succeeded.values()].every((n) => n === 1),
      'a job succeeded twice',
    );
    // The rest stay queued for a re-run; no job was lost or settled twice.
    const succeeded = jobs.filter((j) => j.state === 'succeeded').length;
    assert.equal(h.succeeded.size, succeeded);
    assert.equal(jobs.filter((j) => j.state === 'queued').length, jobs.length - succeeded - cancelled.length);
    assert.equal(h.processor.stats.queuedTotal, jobs.length - succeeded - cancelled.length);
    // Each settled job was sent once, nothing more. The server saw at most what the client sent,
    // and ended every request either answered (for all that succeeded, and for cancelled ones
    // it had already answered) or closed by the client; at least one slow one closed.
    assert.equal(h.wire.length, succeeded + cancelled.length, 'each settled job sent once, queued ones never');
    const s = h.sim.stats();
    assert.ok(s.requests <= h.wire.length, `the server saw ${s.requests} requests, the client sent ${h.wire.length}`);
    assert.equal((s.byStatus['200'] ?? 0) + (s.byStatus['aborted'] ?? 0), s.requests, JSON.stringify(s.byStatus));
    assert.ok((s.byStatus['200'] ?? 0) >= succeeded, JSON.stringify(s.byStatus));
    assert.ok((s.byStatus['aborted'] ?? 0) >= 1, JSON.stringify(s.byStatus));
    assert.ok((s.byStatus['aborted'] ?? 0) <= cancelled.length, JSON.stringify(s.byStatus));
    // A stopped run schedules nothing: give a stray timer the time to fire and see nothing sent.
    // (An observation window, not a wait for a condition: it can only miss a bug, never fail.)
    const sent = h.wire.length;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.wire.length, sent, 'a cancelled run sends nothing');
    assert.equal(h.sim.stats().requests, s.requests, 'a cancelled run sends nothing');
  });
});
