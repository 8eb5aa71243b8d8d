import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { systemClock } from '../../../src/core/clock';
import { openDataset } from '../../../src/core/generate/output/dataset-writer';
import { datasetFiles } from '../../../src/core/generate/output/paths';
import type { JournalEntry } from '../../../src/core/generate/output/types';
import { createCommands, type CommandHandlers } from '../../../src/vscode/commands';
import { ConfigStore } from '../../../src/vscode/config';
import { createEndpointProvider } from '../../../src/vscode/endpoint';
import type { Editors } from '../../../src/vscode/ports';
import { PromptDiagnostics } from '../../../src/vscode/prompt-files/diagnostics';
import { RunController } from '../../../src/vscode/run/run-controller';
import { ApiKeyStore } from '../../../src/vscode/secrets';
import { FakeConfig, FakeLog, FakeSecrets, FakeUi, promptFileText, TempWorkspace } from '../support/fakes';

type Line = JournalEntry & { mark?: string; round?: number };

function jsonl(file: string): unknown[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

/** Record 2 gets record 0's text (its journal record kept), through the real writer. */
async function plantCopy(dataset: string): Promise<string> {
  const { journal } = datasetFiles(dataset);
  const records = jsonl(dataset);
  const metas = jsonl(journal) as JournalEntry[];
  fs.rmSync(dataset);
  fs.rmSync(journal);
  const writer = await openDataset({ datasetPath: dataset, fsync: 'never' });
  for (const [i, meta] of metas.entries()) await writer.append((i === 2 ? records[0] : records[i]) as object, meta);
  await writer.close();
  return metas[2]!.id;
}

const editors = (root: string): Editors => ({
  active: () => undefined,
  workspaceRoot: () => root,
  openFile: async () => undefined,
  createFile: async () => undefined,
  exists: async (p: string) => fs.existsSync(p),
  openUntitled: async () => undefined,
  showProblems: () => undefined,
});

describe('Find Duplicates… and generated variables in VS Code (fake UI, real engine, built-in simulator)', function () {
  this.timeout(60_000);
  let ws: TempWorkspace;
  let ui: FakeUi;
  let controller: RunController;
  let commands: CommandHandlers;
  let diagnostics: PromptDiagnostics;
  let source: FakeConfig;

  beforeEach(() => {
    ws = new TempWorkspace({ 'a.forge.yaml': promptFileText('alpha', 4) });
    ui = new FakeUi();
    const log = new FakeLog();
    source = new FakeConfig({ useSimulator: true });
    const config = new ConfigStore(source, (m) => void ui.warn(m), log);
    const keys = new ApiKeyStore(new FakeSecrets(), {});
    const endpoints = createEndpointProvider(keys);
    controller = new RunController({ clock: systemClock, config: () => config.current, endpoints, log });
    diagnostics = new PromptDiagnostics(ws, { replaceAll: () => undefined, clear: () => undefined }, systemClock, log);
    commands = createCommands({
      ui,
      controller,
      keys,
      config,
      endpoints,
      workspace: ws,
      editors: editors(ws.root),
      diagnostics,
      log,
      lastRunFiles: () => [],
    });
  });

  afterEach(async () => {
    ui.dismissAll();
    await controller.shutdown(2000);
    diagnostics.dispose();
    ws.dispose();
  });

  async function generated(): Promise<string> {
    const validated = await diagnostics.refresh([]);
    const outcome = await controller.generate(validated.files);
    assert.ok(outcome.ok);
    await outcome.done;
    return ws.path('datasets/alpha.simulated.jsonl');
  }

  it('finds and marks a planted duplicate; Drop removes it', async () => {
    const dataset = await generated();
    const dup = await plantCopy(dataset);
    ui.pickAnswer = (items) => (items[0]!.value === 'drop' ? ['drop'] : items.filter((i) => i.picked).map((i) => i.value));
    await commands.findDuplicates();
    assert.deepEqual(
      ui.picks[0]!.items.map((i) => i.label),
      ['datasets/alpha.simulated.jsonl'],
    );
    assert.deepEqual(
      ui.picks[1]!.items.map((i) => i.value),
      ['drop', 'regenerate', 'keep'],
    );
    assert.equal(jsonl(dataset).length, 3);
    const lines = jsonl(datasetFiles(dataset).journal) as Line[];
    assert.ok(lines.some((l) => l.mark === 'dropped' && l.id === dup));
    assert.match(ui.messages('info').at(-1)!, /dropped 1 duplicate/);
  });

  it('searches at the threshold of conversationForge.duplicateThreshold, read when the command runs', async () => {
    const dataset = await generated();
    await plantCopy(dataset);
    ui.pickAnswer = (items) => (items[0]!.value === 'drop' ? ['keep'] : items.filter((i) => i.picked).map((i) => i.value));
    await source.set('duplicateThreshold', 0.5);
    await commands.findDuplicates();
    assert.match(ui.picks[0]!.options?.title ?? '', /Jaccard ≥ 0\.5\)/);
    const marks = (jsonl(datasetFiles(dataset).journal) as (Line & { threshold?: number })[]).filter((l) => l.mark === 'duplicate');
    assert.ok(marks.length > 0);
    assert.ok(marks.every((m) => m.threshold === 0.5));
  });

  it('Regenerate removes it and runs its prompt file again with a new variation', async () => {
    const dataset = await generated();
    const dup = await plantCopy(dataset);
    ui.pickAnswer = (items) => (items[0]!.value === 'drop' ? ['regenerate'] : items.filter((i) => i.picked).map((i) => i.value));
    await commands.findDuplicates();
    const summary = await controller.done;
    assert.equal(summary?.generated, 1);
    const lines = jsonl(datasetFiles(dataset).journal) as Line[];
    assert.ok(lines.some((l) => l.mark === 'regenerate' && l.id === dup && l.round === 1));
    assert.match(lines.find((l) => !l.mark && l.id === dup)!.variation!, /Regeneration 1: /);
    assert.equal(jsonl(dataset).length, 4);
  });

  it('a run from VS Code generates missing variable values first (dry run: its own values file), then the conversations', async () => {
    ws.write(
      'a.forge.yaml',
      promptFileText('alpha', 6).replace('persona: [buyer, seller]', 'persona: { generate: 3, prompt: "Shoppers of a bike shop." }'),
    );
    const dataset = await generated();
    const values = fs.readFileSync(ws.path('a.forge.values.simulated.yaml'), 'utf8');
    assert.equal(fs.existsSync(ws.path('a.forge.values.yaml')), false);
    const personas = new Set((jsonl(datasetFiles(dataset).journal) as Line[]).map((l) => l.variables['persona']!));
    assert.equal(personas.size, 3);
    for (const p of personas) assert.ok(values.includes(p), `${p} comes from the values file`);
  });

  it('a run marks the duplicates of its datasets when it ends, as the CLI does', async () => {
    const dataset = await generated();
    const dup = await plantCopy(dataset);
    // A larger count: the run resumes, makes the rest, then marks what it finds.
    ws.write('a.forge.yaml', promptFileText('alpha', 6));
    await generated();
    // The marking runs in the background, after the run is done.
    await controller.marking.idle();
    const lines = jsonl(datasetFiles(dataset).journal) as Line[];
    assert.ok(lines.some((l) => l.mark === 'duplicate' && l.id === dup));
  });
});
