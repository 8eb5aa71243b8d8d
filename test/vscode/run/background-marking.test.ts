import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { dedupIndexPath } from '../../../src/core/dataset/dedup-index';
import { DuplicatePrep, type PreparedDuplicates } from '../../../src/core/dataset/duplicate-prep';
import type { NewDuplicatesOutcome } from '../../../src/core/dataset/mark-new-duplicates';
import { readJournal } from '../../../src/core/dataset/scan-datasets';
import { openDataset } from '../../../src/core/generate/output/dataset-writer';
import type { RunSummary } from '../../../src/core/generate/run/run-types';
import { BackgroundMarking } from '../../../src/vscode/run/background-marking';
import { markNew, type MarkNew } from '../../../src/vscode/run/mark-after-run';
import { FakeClock } from '../../support/fake-clock';
import { metaFor, tempDir } from '../../core/generate/output/helpers';
import { systemClock } from '../../../src/core/clock';
import { openSimulatorEndpoint } from '../../../src/engine';
import { startSimulator } from '../../../src/sim';
import { readConfig } from '../../../src/vscode/config';
import { validateWorkspace } from '../../../src/vscode/prompt-files/prompt-files';
import { RunController } from '../../../src/vscode/run/run-controller';
import { FakeConfig, FakeLog, FakeUi, promptFileText, TempWorkspace } from '../support/fakes';

/** A run's summary as far as the marking reads it. */
function summaryOf(datasets: string[], generated = 1): RunSummary {
  return { state: 'finished', generated, datasets: datasets.map((path) => ({ path })) } as unknown as RunSummary;
}

const outcome = (): NewDuplicatesOutcome => ({
  search: { threshold: 0.8, conversations: 0, found: [], unjournaled: 0 },
  marked: 0,
  compared: 0,
  known: 0,
  prepared: 0,
});

/** A marking that waits until released (or until its signal aborts, as the real one stops). */
function gatedMark() {
  const calls: { datasets: readonly string[]; signal: AbortSignal; prepared: readonly PreparedDuplicates[]; release: () => void }[] = [];
  const mark: MarkNew = (datasets, _t, signal, prepared) =>
    new Promise((resolve, reject) => {
      calls.push({ datasets, signal, prepared, release: () => resolve(outcome()) });
      signal.addEventListener('abort', () => reject(new Error('cancelled')));
    });
  return { calls, mark };
}

async function until(what: string, f: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('duplicate marking after a run, in the background (VS Code)', () => {
  let t: ReturnType<typeof tempDir>;
  let a: string;
  let b: string;
  beforeEach(() => {
    t = tempDir();
    a = t.file('a.jsonl');
    b = t.file('b.jsonl');
    fs.writeFileSync(a, '');
    fs.writeFileSync(b, '');
  });
  afterEach(() => t.cleanup());

  it('returns at once, shows a cancellable notification only for a long marking, and Cancel stops it with a log line', async () => {
    const clock = new FakeClock();
    const ui = new FakeUi();
    const log = new FakeLog();
    const { calls, mark } = gatedMark();
    const marking = new BackgroundMarking({ clock, log, ui, threshold: () => 0.8, mark, showAfterMs: 1500 });
    marking.schedule(summaryOf([a]));
    assert.equal(marking.busy, true, 'schedule does not wait for the marking');
    await until('the marking to start', () => calls.length === 1);
    await clock.advance(1000);
    assert.equal(ui.progress.length, 0, 'no notification for a marking that may end soon');
    ui.cancelProgress = true;
    await clock.advance(600);
    assert.deepEqual(
      ui.progress.map((p) => [p.title, p.cancellable]),
      [['Conversation Forge: marking near-duplicates', true]],
    );
    await until('the cancel to reach the marking', () => calls[0]!.signal.aborted);
    await marking.idle();
    assert.match(log.text(), /duplicate marking cancelled: nothing was marked/);
    marking.dispose();
  });

  it('marks datasets of runs that end meanwhile next, together; a run that generated nothing adds none', async () => {
    const { calls, mark } = gatedMark();
    const marking = new BackgroundMarking({ clock: new FakeClock(), log: new FakeLog(), threshold: () => 0.8, mark });
    marking.schedule(summaryOf([a]));
    await until('first', () => calls.length === 1);
    marking.schedule(summaryOf([b]));
    marking.schedule(summaryOf([t.file('never-written.jsonl')], 0));
    assert.equal(calls.length, 1, 'one marking at a time');
    calls[0]!.release();
    await until('second', () => calls.length === 2);
    assert.deepEqual(calls[1]!.datasets, [b]);
    calls[1]!.release();
    await marking.idle();
    assert.equal(calls.length, 2);
    marking.dispose();
  });

  it('a run that opens stops the marking (its locks are free at once) and the marking after that run covers both', async () => {
    const { calls, mark } = gatedMark();
    const log = new FakeLog();
    const marking = new BackgroundMarking({ clock: new FakeClock(), log, threshold: () => 0.8, mark });
    const prep = new DuplicatePrep(0.8);
    marking.schedule(summaryOf([a]), prep);
    await until('first', () => calls.length === 1);
    assert.deepEqual(calls[0]!.prepared, [prep]);
    await marking.supersede();
    assert.equal(calls[0]!.signal.aborted, true);
    assert.equal(marking.busy, false);
    assert.doesNotMatch(log.text(), /cancelled/, 'not the user cancelling: nothing to say');
    // That run generated nothing: what was stopped is marked all the same.
    marking.schedule(summaryOf([b], 0), new DuplicatePrep(0.8));
    await until('again', () => calls.length === 2);
    assert.deepEqual(calls[1]!.datasets, [a]);
    assert.deepEqual(
      calls[1]!.prepared,
      [prep],
      'what the stopped marking was given goes to the next; a run that generated nothing adds none',
    );
    calls[1]!.release();
    await marking.idle();
    marking.dispose();
  });

  it('a real marking stopped before its end appends nothing and saves no index; the next marking finds the same', async () => {
    const writer = await openDataset({ datasetPath: a, fsync: 'never' });
    const text = (topic: string) => ({
      messages: [
        { role: 'user', content: `Tell me about ${topic} in a few sentences, as a teacher would to a curious pupil` },
        {
          role: 'assistant',
          content: `${topic} are fascinating: people who study ${topic} find new questions every season, and answers change.`,
        },
      ],
    });
    const topics = ['tides', 'owls', 'kites', 'bread'];
    for (let i = 0; i < 40; i++)
      await writer.append(text(topics[i % 4]!), { ...metaFor(`c${i}`, i), promptHash: 'h'.repeat(64), batch: 'b' });
    await writer.close();
    const journalBefore = fs.readFileSync(a.replace(/\.jsonl$/, '.meta.jsonl'), 'utf8');
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(markNew([a], 0.8, abort.signal, []), /cancelled/);
    assert.equal(fs.readFileSync(a.replace(/\.jsonl$/, '.meta.jsonl'), 'utf8'), journalBefore);
    assert.equal(fs.existsSync(dedupIndexPath(a)), false);
    const log = new FakeLog();
    const marking = new BackgroundMarking({ clock: new FakeClock(), log, threshold: () => 0.8 });
    marking.schedule(summaryOf([a]));
    await marking.idle();
    const marks = (await readJournal(a)).marks.filter((m) => m.mark === 'duplicate');
    assert.equal(marks.length, 36, 'every repeat after the first four is marked, once');
    assert.ok(fs.existsSync(dedupIndexPath(a)));
    marking.dispose();
  });
});

describe('RunController: a run completes without waiting for its duplicate marking', () => {
  it('resolves the run and starts the next while the marking is held; the next run stops it and marks both after', async function () {
    this.timeout(60_000);
    const sim = await startSimulator({
      seed: 3,
      limits: { default: { requestsPerMinute: 6000, inputTokensPerMinute: 5_000_000, outputTokensPerMinute: 1_000_000 } },
      latency: { baseMs: 5, perOutputTokenMs: 0, jitterMs: 2 },
    });
    const ws = new TempWorkspace({ 'a.forge.yaml': promptFileText('alpha', 3), 'b.forge.yaml': promptFileText('beta', 2) });
    const { calls, mark } = gatedMark();
    const config = readConfig(new FakeConfig({ tier: 'build', useSimulator: true })).config;
    const controller = new RunController({
      clock: systemClock,
      config: () => config,
      endpoints: { open: async (c) => ({ ok: true, opened: await openSimulatorEndpoint({ limits: { tier: c.tier, ...c.limits } }) }) },
      log: new FakeLog(),
      markDuplicates: mark,
    });
    try {
      const files = (await validateWorkspace(ws)).files;
      const first = await controller.generate(files.filter((f) => f.name === 'alpha'));
      assert.ok(first.ok);
      assert.equal((await first.done).generated, 3, 'the run is done while its marking waits');
      await until('the marking', () => calls.length === 1);
      assert.equal(controller.marking.busy, true);
      const second = await controller.generate(files.filter((f) => f.name === 'beta'));
      assert.ok(second.ok, 'the next run opens');
      assert.equal(calls[0]!.signal.aborted, true, 'the next run stopped the marking');
      assert.equal((await second.done).generated, 2);
      await until('the marking after the second run', () => calls.length === 2);
      assert.deepEqual([...calls[1]!.datasets].map((d) => d.replace(/.*[\\/]/, '')).sort(), [
        'alpha.simulated.jsonl',
        'beta.simulated.jsonl',
      ]);
      // Each run prepared its conversations as it wrote them; the stopped marking handed the first run's on.
      assert.deepEqual(calls[1]!.prepared.map((p) => [p.threshold, (p as DuplicatePrep).size]).sort(), [
        [0.8, 2],
        [0.8, 3],
      ]);
      calls[1]!.release();
      await controller.marking.idle();
    } finally {
      await controller.shutdown(2000);
      await sim.close();
      ws.dispose();
    }
  });
});
