import assert from 'node:assert/strict';
import type { DatasetReport } from '../../../src/core/dataset/dataset-report';
import type { ReportHostMessage } from '../../../src/protocol';
import { ReportSession } from '../../../src/vscode/dataset-viewer/report-session';
import { fakeWebview } from './session-harness';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function harness() {
  const { posted, webview, send } = fakeWebview<ReportHostMessage>();
  const builds = new Map<string, ReturnType<typeof deferred<DatasetReport>> & { signal: AbortSignal }>();
  const viewers: string[] = [];
  const session = new ReportSession(webview, {
    build: (d, signal) => {
      const b = deferred<DatasetReport>();
      builds.set(d.join(','), { ...b, signal });
      return b.promise;
    },
    openViewer: async (d) => void viewers.push(d),
    log: { warn: () => undefined, debug: () => undefined },
  });
  return { session, posted, builds, viewers, send };
}

const report = (dataset: string) => ({ datasets: [dataset], conversations: 1 }) as unknown as DatasetReport;

describe('dataset report session', () => {
  it('says it is reading, then sends the report; a newer dataset wins over a slower older one', async () => {
    const h = harness();
    const first = h.session.show(['/d/a.jsonl']);
    const second = h.session.show(['/d/b.jsonl']);
    assert.deepEqual(h.posted[0], { type: 'reportStatus', state: 'running', message: 'Reading a.jsonl…' });
    assert.equal(h.builds.get('/d/a.jsonl')!.signal.aborted, true, 'the older build is stopped');
    assert.equal(h.builds.get('/d/b.jsonl')!.signal.aborted, false);
    h.builds.get('/d/b.jsonl')!.resolve(report('/d/b.jsonl'));
    h.builds.get('/d/a.jsonl')!.resolve(report('/d/a.jsonl'));
    await Promise.all([first, second]);
    const reports = h.posted.filter((m) => m.type === 'report');
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.type === 'report' && reports[0]!.title, 'b.jsonl');
  });

  it('resends on ready (a reloaded webview), rebuilds on refresh, opens the viewer when asked', async () => {
    const h = harness();
    const shown = h.session.show(['/d/a.jsonl']);
    h.builds.get('/d/a.jsonl')!.resolve(report('/d/a.jsonl'));
    await shown;
    h.posted.length = 0;
    h.send({ type: 'ready' });
    assert.equal(h.posted[0]?.type, 'report');
    h.builds.clear();
    h.send({ type: 'refresh' });
    assert.ok(h.builds.has('/d/a.jsonl'), 'refresh builds again');
    h.send({ type: 'openViewer', dataset: '/d/a.jsonl' });
    h.send({ type: 'openViewer', dataset: 42 });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(h.viewers, ['/d/a.jsonl']);
  });

  it('reports several datasets together under a title that says how many, and refreshes them all', async () => {
    const h = harness();
    const shown = h.session.show(['/d/a.jsonl', '/e/b.jsonl']);
    assert.deepEqual(h.posted[0], { type: 'reportStatus', state: 'running', message: 'Reading 2 datasets…' });
    h.builds.get('/d/a.jsonl,/e/b.jsonl')!.resolve(report('/d/a.jsonl'));
    await shown;
    const sent = h.posted.find((m) => m.type === 'report');
    assert.equal(sent?.type === 'report' && sent.title, '2 datasets');
    h.builds.clear();
    h.send({ type: 'refresh' });
    assert.deepEqual([...h.builds.keys()], ['/d/a.jsonl,/e/b.jsonl']);
  });

  it('says why a report failed', async () => {
    const h = harness();
    const shown = h.session.show(['/d/gone.jsonl']);
    h.builds.get('/d/gone.jsonl')!.reject(new Error('ENOENT: no such file'));
    await shown;
    assert.deepEqual(h.posted.at(-1), {
      type: 'reportStatus',
      state: 'failed',
      message: 'Cannot report on gone.jsonl: ENOENT: no such file',
    });
  });
});
