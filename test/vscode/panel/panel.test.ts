import * as assert from 'node:assert/strict';
import { systemClock } from '../../../src/core/clock';
import type { ConversationJob } from '../../../src/core/generate/run/run-jobs';
import type { RunSnapshot } from '../../../src/core/generate/run/run-types';
import { isHostMessage } from '../../../src/protocol';
import { PUSH_INTERVAL_MS, QueuePanel } from '../../../src/vscode/panel/panel-host';
import { FakeClock } from '../../support/fake-clock';
import { until } from '../support/fakes';
import { FakeController, FakePanel, panelDeps } from '../support/panel-fakes';
import { openHarness, TEST_KEY, type Harness } from '../support/run-harness';

/** One real snapshot of a finished run, varied per test. */
let realSnapshot: RunSnapshot;
let realJobs: ConversationJob[];

function withGenerated(snap: RunSnapshot, n: number): RunSnapshot {
  return { ...snap, state: 'running', batches: snap.batches.map((b, i) => ({ ...b, generated: i === 0 ? n : 0, failed: 0 })) };
}

describe('queue panel host (ports, no VS Code)', function () {
  this.timeout(60_000);

  before(async () => {
    const h = await openHarness({ files: { alpha: 3 } });
    try {
      const out = await h.controller.generate(await h.files());
      assert.ok(out.ok);
      await out.done;
      realSnapshot = (await h.controller.snapshot())!;
      realJobs = h.controller.listJobs(0, 100).jobs;
    } finally {
      await h.close();
    }
  });

  function setup(clock = new FakeClock()) {
    const controller = new FakeController();
    const f = panelDeps(controller, clock);
    const queue = new QueuePanel(f.deps, true);
    return { clock, controller, queue, ...f };
  }

  it('Show Queue Panel creates one panel with a nonce-locked CSP and webview URIs, then reveals it', () => {
    const { queue, created } = setup();
    queue.show();
    assert.equal(created.length, 1);
    const html = created[0]!.webview.html;
    assert.match(html, /default-src 'none'/);
    assert.match(html, /script-src 'nonce-bm9uY2Vub25jZW5vbmNlbm9uY2U='/);
    assert.match(html, /src="https:\/\/fake\.vscode-cdn\.test\/ext\/dist\/webview\.js"/);
    assert.match(html, /href="https:\/\/fake\.vscode-cdn\.test\/ext\/dist\/webview\.css"/);
    queue.show();
    assert.equal(created.length, 1);
    assert.equal(created[0]!.reveals, 1);
    // closed by the user: the panel's subscriptions end, the next show creates a fresh one
    created[0]!.dispose();
    assert.equal(created[0]!.webview.listeners, 0);
    assert.equal(queue.current, undefined);
    queue.show();
    assert.equal(created.length, 2);
  });

  it('a fresh nonce per panel (the real createNonce)', () => {
    const controller = new FakeController();
    const { deps, created } = panelDeps(controller, new FakeClock(), { nonce: undefined as never });
    delete (deps as { nonce?: unknown }).nonce;
    const queue = new QueuePanel(deps);
    queue.show();
    created[0]!.dispose();
    queue.show();
    const nonces = created.map((p) => /nonce-([^']+)'/.exec(p.webview.html)![1]);
    assert.equal(nonces.length, 2);
    assert.notEqual(nonces[0], nonces[1]);
  });

  it('serializer restore: the restored panel gets HTML, answers ready, and Show reveals it instead of creating', async () => {
    const { queue, created, controller } = setup();
    controller.emitState({ phase: 'running', simulated: true, health: 'healthy', files: ['a'] });
    controller.emitSnapshot(withGenerated(realSnapshot, 1));
    const restored = new FakePanel();
    queue.restore(restored);
    assert.match(restored.webview.html, /<script nonce=/);
    restored.webview.send({ type: 'ready' });
    await Promise.resolve();
    const [state] = restored.webview.states();
    assert.ok(state);
    assert.equal(state.simulated, true);
    assert.equal(state.progress.succeeded, 1);
    queue.show();
    assert.equal(created.length, 0);
    assert.equal(restored.reveals, 1);
  });

  it('Show after a restore, restore after a Show: one panel, and Show reveals the adopted one', () => {
    const { queue, created } = setup();
    const restored = new FakePanel();
    queue.restore(restored);
    queue.show();
    queue.show();
    assert.equal(created.length, 0, 'Show created a second panel beside the restored one');
    assert.equal(restored.reveals, 2);
    assert.equal(queue.current?.panel, restored);

    // VS Code revives a background tab only when it is shown: Show may have opened one first
    restored.dispose();
    queue.show();
    assert.equal(created.length, 1);
    const late = new FakePanel();
    queue.restore(late);
    assert.equal(created[0]!.disposed, true, 'the panel Show opened is replaced, not kept as a second one');
    assert.equal(queue.current?.panel, late);
    queue.show();
    assert.equal(created.length, 1);
    assert.equal(late.reveals, 1);
  });

  it('a restored tab not revived yet: Show opens the panel in its column and closes it', () => {
    const controller = new FakeController();
    const closed: number[] = [];
    let asked = 0;
    let tabs = [
      { column: 2, close: () => void closed.push(2) },
      { column: 3, close: () => void closed.push(3) },
    ];
    const f = panelDeps(controller, new FakeClock(), { restoredTabs: () => (asked++, tabs) });
    const queue = new QueuePanel(f.deps);
    queue.show();
    assert.deepEqual(f.columns, [2]);
    assert.deepEqual(closed, [2, 3]);
    tabs = [];
    queue.show();
    assert.equal(f.created.length, 1);
    assert.equal(f.created[0]!.reveals, 1);
    assert.equal(asked, 1, 'with a panel open, Show only reveals it');
    f.created[0]!.dispose();
    queue.show();
    assert.deepEqual(f.columns, [2, undefined], 'no restored tab: beside the active editor');
  });

  it('a panel whose HTML cannot be rendered is closed, never left open for a second Show to duplicate', () => {
    const controller = new FakeController();
    let bad = true;
    const f = panelDeps(controller, new FakeClock());
    const create = f.deps.create;
    f.deps.create = (column) => {
      const p = create(column) as FakePanel;
      if (bad) p.webview.cspSource = "'self'; script-src 'unsafe-inline'";
      return p;
    };
    const queue = new QueuePanel(f.deps);
    assert.throws(() => queue.show(), /cspSource/);
    assert.equal(f.created[0]!.disposed, true);
    assert.equal(queue.current, undefined);
    const restored = new FakePanel();
    restored.webview.cspSource = 'x, y';
    assert.throws(() => queue.restore(restored), /cspSource/);
    assert.equal(restored.disposed, true);
    bad = false;
    queue.show();
    queue.show();
    assert.equal(f.created.length, 2);
    assert.equal(f.created[1]!.reveals, 1);
  });

  it('every webview message type reaches the controller (or the host action) once', async () => {
    const { queue, created, controller, retried, opened } = setup();
    controller.batches = realSnapshot.batches.map((b) => ({ ...b }));
    controller.jobs = realJobs;
    queue.show();
    const wv = created[0]!.webview;
    const session = queue.current!;
    const send = (m: unknown) => session.handle(m);
    await send({ type: 'pause' });
    await send({ type: 'resume' });
    await send({ type: 'cancel' });
    await send({ type: 'retryFailed' });
    await send({ type: 'retryFailed', batchId: 'alpha' });
    await send({ type: 'pauseBatch', batchId: 'alpha' });
    await send({ type: 'resumeBatch', batchId: 'alpha' });
    await send({ type: 'setBatchPriority', batchId: 'alpha', priority: 'high' });
    await send({ type: 'cancelBatch', batchId: 'alpha' });
    await send({ type: 'openDataset', batchId: 'alpha' });
    await send({ type: 'requestJobs', offset: 1, limit: 2 });
    await send({ type: 'requestJobs', offset: 0, limit: 50, filter: { state: 'succeeded', batchId: 'alpha' } });
    await send({ type: 'requestJobs', offset: 0, limit: 50, filter: { state: 'skipped' } });
    assert.deepEqual(controller.calls, [
      ['pause'],
      ['resume'],
      ['cancel'],
      ['pauseBatch', 'alpha'],
      ['resumeBatch', 'alpha'],
      ['setBatchPriority', 'alpha', 'high'],
      ['cancelBatch', 'alpha'],
      ['listJobs', 1, 2, {}],
      ['listJobs', 0, 50, { state: 'succeeded', batchId: 'alpha' }],
    ]);
    assert.deepEqual(retried, [undefined, 'alpha']);
    assert.deepEqual(opened, [realSnapshot.batches[0]!.datasetPath]);
    const pages = wv.posted
      .filter((m) => m.type === 'jobs')
      .map(
        (m) =>
          (m as { page: { offset: number; limit: number; filter: object; total: number; rows: { id: string; state: string }[] } }).page,
      );
    assert.deepEqual(
      pages.map((p) => [p.offset, p.limit, p.filter, p.total, p.rows.length]),
      [
        [1, 2, {}, 3, 2],
        [0, 50, { state: 'succeeded', batchId: 'alpha' }, 3, 3],
        [0, 50, { state: 'skipped' }, 0, 0],
      ],
    );
    assert.ok(pages[1]!.rows.every((r) => r.state === 'succeeded'));
    assert.equal(queue.current!.panel, created[0]);
  });

  it('malformed messages are ignored and logged; a failing action is logged, never thrown', async () => {
    const { queue, created, controller, log, retried } = setup();
    queue.show();
    const session = queue.current!;
    const bad: unknown[] = [
      null,
      'pause',
      42,
      [],
      { type: 'nope' },
      { type: 'pause', extra: 1 },
      { type: 'setBatchPriority', batchId: 'a', priority: 'urgent' },
      { type: 'pauseBatch' },
      { type: 'pauseBatch', batchId: '' },
      { type: 'pauseBatch', batchId: 'x'.repeat(5000) },
      { type: 'requestJobs', offset: -1, limit: 10 },
      { type: 'requestJobs', offset: 0, limit: 100_000 },
      { type: 'requestJobs', offset: 0, limit: 10, filter: { state: 'bogus' } },
      { type: 'retryFailed', batchId: 7 },
    ];
    for (const m of bad) await session.handle(m);
    assert.deepEqual(controller.calls, []);
    assert.deepEqual(retried, []);
    assert.equal(created[0]!.webview.posted.length, 0);
    assert.equal(log.lines.filter((l) => l.level === 'warn' && /ignored a malformed message/.test(l.message)).length, bad.length);
    assert.ok(
      log.lines.every((l) => l.message.length < 400),
      'a huge message is logged truncated',
    );
    controller.throwOnBatch = true;
    await session.handle({ type: 'pauseBatch', batchId: 'alpha' });
    assert.match(log.text(), /pauseBatch failed: .*no run in progress/);
  });

  it('coalesces: 10 controller events in 100 ms -> one push, carrying the latest state; ready sends at once', async () => {
    const { queue, created, controller, clock } = setup();
    controller.emitState({ phase: 'running', simulated: false, health: 'healthy', files: ['a'] });
    queue.show();
    const wv = created[0]!.webview;
    await queue.current!.handle({ type: 'ready' });
    assert.equal(wv.states().length, 1, 'ready answers at once');
    for (let i = 1; i <= 10; i++) {
      controller.emitSnapshot(withGenerated(realSnapshot, i % 4));
      if (i === 10) controller.emitSnapshot(withGenerated(realSnapshot, 3));
      await clock.advance(10);
    }
    assert.equal(wv.states().length, 1, 'nothing before the trailing edge');
    await clock.advance(PUSH_INTERVAL_MS);
    assert.equal(wv.states().length, 2);
    assert.equal(wv.states()[1]!.progress.succeeded, 3);
    await clock.advance(5000);
    assert.equal(wv.states().length, 2, 'no events, no pushes (no polling)');
    // at most ~4 a second under a steady stream of events
    for (let i = 0; i < 100; i++) {
      controller.emitSnapshot(withGenerated(realSnapshot, i % 3));
      await clock.advance(10);
    }
    const pushed = wv.states().length - 2;
    assert.ok(pushed >= 3 && pushed <= 5, `${pushed} pushes in 1 s`);
    assert.ok(wv.posted.every(isHostMessage));
  });

  it('a hidden panel gets no pushes; shown again, its new webview asks with ready and gets the state', async () => {
    const { queue, created, controller, clock } = setup();
    queue.show();
    const panel = created[0]!;
    panel.setVisible(false);
    controller.emitSnapshot(withGenerated(realSnapshot, 1));
    await clock.advance(1000);
    assert.equal(panel.webview.posted.length, 0);
    panel.setVisible(true);
    await queue.current!.handle({ type: 'ready' });
    assert.equal(panel.webview.states().at(-1)!.progress.succeeded, 1);
  });

  it('disposing the extension disposes the panel and its subscriptions', () => {
    const { queue, created, source } = setup();
    queue.show();
    queue.dispose();
    assert.equal(created[0]!.disposed, true);
    assert.equal(created[0]!.webview.listeners, 0);
    source.dispose();
  });

  describe('a real run', () => {
    let h: Harness;
    afterEach(async () => h && (await h.close()));

    it('drives a real RunController; every message is valid protocol; the API key never reaches the webview', async () => {
      h = await openHarness({ files: { alpha: 8, beta: 4 }, latencyMs: 40 });
      const { deps, created, source } = panelDeps(h.controller, systemClock);
      const queue = new QueuePanel(deps);
      queue.show();
      const wv = created[0]!.webview;
      wv.send({ type: 'ready' });
      h.sim.configure({ faults: { script: [{ kind: 'server_error', count: 2 }, { kind: 'overloaded' }, { kind: 'connection_reset' }] } });
      const out = await h.controller.generate(await h.files());
      assert.ok(out.ok);
      let asked = 0;
      const timer = setInterval(() => {
        wv.send({ type: 'requestJobs', offset: 0, limit: 50 });
        wv.send({ type: 'requestJobs', offset: 0, limit: 50, filter: { state: 'retrying' } });
        asked++;
      }, 50);
      try {
        await out.done;
      } finally {
        clearInterval(timer);
      }
      await until(() => wv.states().at(-1)?.runState === 'finished');
      const all = JSON.stringify(wv.posted);
      assert.ok(asked > 0 && wv.posted.some((m) => m.type === 'jobs'));
      assert.ok(!all.includes('sk-ant'), 'a key-shaped string reached the webview');
      assert.ok(!all.includes(TEST_KEY));
      assert.ok(wv.posted.every(isHostMessage));
      const last = wv.states().at(-1)!;
      assert.equal(last.progress.succeeded, 12);
      assert.ok(wv.states().some((s) => s.runState === 'running'));
      queue.dispose();
      source.dispose();
    });
  });
});
