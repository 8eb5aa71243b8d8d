import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { systemClock } from '../../../src/core/clock';
import { parsePromptFile, type Diagnostic } from '../../../src/core/generate/prompt-file';
import { modelLookup } from '../../../src/engine';
import { startSimulator, type SimulatorHandle } from '../../../src/sim';
import { createCommands, guarded, LABELS, type CommandHandlers } from '../../../src/vscode/commands';
import { ConfigStore } from '../../../src/vscode/config';
import { PromptDiagnostics } from '../../../src/vscode/prompt-files/diagnostics';
import { createEndpointProvider } from '../../../src/vscode/endpoint';
import type { Editors } from '../../../src/vscode/ports';
import { RunController } from '../../../src/vscode/run/run-controller';
import { ApiKeyStore } from '../../../src/vscode/secrets';
import { SECRET_KEY } from '../../../src/vscode/ids';
import { FakeConfig, FakeLog, FakeSecrets, FakeUi, promptFileText, TempWorkspace, until } from '../support/fakes';
import { fakeApiKey } from '../../support/fake-api-key';

const KEY = fakeApiKey('commands-test-key-000000000');

/**
 * A command must finish while its notification is still open: VS Code settles a message's promise
 * only on a click or a close, so a command that awaited one would never return.
 */
async function returns(running: Promise<void>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    // Generous for a busy machine, still well inside the test's timeout: a hung command never returns.
    timer = setTimeout(() => reject(new Error(`${what} did not return while its notification was open`)), 15_000);
  });
  try {
    await Promise.race([running, hung]);
  } finally {
    clearTimeout(timer);
  }
}

class FakeEditors implements Editors {
  activePath?: string;
  saved = 0;
  created: { path: string; content: string }[] = [];
  untitled: string[] = [];
  problemsShown = 0;
  failShowProblems = false;
  constructor(private readonly root: string | undefined) {}
  active() {
    const p = this.activePath;
    return p ? { path: p, untitled: false, save: async () => (this.saved++, true) } : undefined;
  }
  workspaceRoot() {
    return this.root;
  }
  async openFile() {}
  async createFile(p: string, content: string) {
    fs.writeFileSync(p, content, { flag: 'wx' });
    this.created.push({ path: p, content });
  }
  async exists(p: string) {
    return fs.existsSync(p);
  }
  async openUntitled(content: string) {
    this.untitled.push(content);
  }
  showProblems() {
    if (this.failShowProblems) throw new Error('Problems view is gone');
    this.problemsShown++;
  }
}

describe('commands (fake UI, real engine, simulator on loopback)', () => {
  let sim: SimulatorHandle;
  let ws: TempWorkspace;
  let ui: FakeUi;
  let log: FakeLog;
  let editors: FakeEditors;
  let secrets: FakeSecrets;
  let source: FakeConfig;
  let controller: RunController;
  let commands: CommandHandlers;
  let published: Map<string, readonly Diagnostic[]>;
  let diagnostics: PromptDiagnostics;

  beforeEach(async () => {
    sim = await startSimulator({
      seed: 5,
      limits: { default: { requestsPerMinute: 6000, inputTokensPerMinute: 5_000_000, outputTokensPerMinute: 1_000_000 } },
      latency: { baseMs: 30, perOutputTokenMs: 0, jitterMs: 5 },
    });
    ws = new TempWorkspace({ 'a.forge.yaml': promptFileText('alpha', 4), 'b.forge.yaml': promptFileText('beta', 3) });
    ui = new FakeUi();
    ui.holdMessages = true; // as in VS Code: open until clicked or closed
    log = new FakeLog();
    editors = new FakeEditors(ws.root);
    secrets = new FakeSecrets();
    source = new FakeConfig({ endpoint: sim.url, tier: 'build' });
    const config = new ConfigStore(source, (m) => void ui.warn(m), log);
    const keys = new ApiKeyStore(secrets, {});
    const endpoints = createEndpointProvider(keys);
    controller = new RunController({ clock: systemClock, config: () => config.current, endpoints, log });
    published = new Map();
    diagnostics = new PromptDiagnostics(
      ws,
      { replaceAll: (m) => (published = new Map(m)), clear: () => published.clear() },
      systemClock,
      log,
    );
    commands = createCommands({
      ui,
      controller,
      keys,
      config,
      endpoints,
      workspace: ws,
      editors,
      diagnostics,
      log,
      lastRunFiles: () => [],
    });
  });

  afterEach(async () => {
    ui.dismissAll();
    await controller.shutdown(2000);
    diagnostics.dispose();
    await sim.close();
    ws.dispose();
  });

  it('Generate from Current Prompt File: without a prompt file open it says why', async () => {
    await commands.generateCurrent();
    assert.match(ui.messages('warn')[0]!, /open a \*\.forge\.yaml prompt file/);
  });

  it('Generate from Current Prompt File: without a key it offers Set API Key / Use Built-in Simulator, and the simulator choice works', async () => {
    editors.activePath = ws.path('a.forge.yaml');
    await returns(commands.generateCurrent(), 'Generate from Current Prompt File');
    assert.equal(editors.saved, 1, 'saved first');
    assert.deepEqual(
      ui.open.map((m) => m.buttons),
      [[LABELS.setApiKey, LABELS.useSimulator]],
    );
    assert.equal(source.values['useSimulator'], undefined, 'nothing changes before a click');
    ui.click(LABELS.useSimulator);
    await until(() => source.values['useSimulator'] === true);
    await until(() => /DRY RUN/.test(ui.messages().at(-1) ?? ''));
    await returns(commands.generateCurrent(), 'Generate from Current Prompt File');
    const summary = await controller.done;
    assert.equal(summary?.generated, 4);
    assert.ok(fs.existsSync(ws.path('datasets/alpha.simulated.jsonl')));
  });

  it('Generate as Message Batch: the current file goes to the Message Batches API at half price, written once', async () => {
    secrets.values.set(SECRET_KEY, KEY);
    sim.configure({ messageBatches: { processingSeconds: 0.3 } });
    editors.activePath = ws.path('a.forge.yaml');
    await returns(commands.generateAsMessageBatch(), 'Generate as Message Batch');
    const summary = await controller.done;
    assert.equal(summary?.generated, 4);
    assert.equal(summary?.requests, 0, 'nothing went through the Messages API');
    assert.equal(sim.stats().messageBatches.created, 1);
    assert.equal(summary?.messageBatches?.batches, 1);
    const meta = fs.readFileSync(ws.path('datasets/alpha.meta.jsonl'), 'utf8').trim().split('\n');
    assert.equal(meta.length, 4);
  });

  it('Generate from Workspace Prompt Files… offers the mode: Message Batch sends the chosen files as Message Batches', async () => {
    secrets.values.set(SECRET_KEY, KEY);
    sim.configure({ messageBatches: { processingSeconds: 0.3 } });
    ui.pickAnswer = (items) =>
      items.some((i) => i.label === 'b.forge.yaml')
        ? items.filter((i) => i.label === 'b.forge.yaml').map((i) => i.value)
        : items.filter((i) => i.label === 'Message Batch').map((i) => i.value);
    await commands.generateWorkspace();
    assert.deepEqual(
      ui.picks[1]!.items.map((i) => i.label),
      ["As each file's mode says", 'Online', 'Message Batch'],
    );
    const summary = await controller.done;
    assert.equal(summary?.generated, 3);
    assert.equal(sim.stats().messageBatches.requestsSubmitted, 3);
  });

  it('Generate from Current Prompt File with a key writes the dataset; a second file joins the run', async () => {
    secrets.values.set(SECRET_KEY, KEY);
    sim.configure({ latency: { baseMs: 150 } });
    editors.activePath = ws.path('a.forge.yaml');
    await commands.generateCurrent();
    editors.activePath = ws.path('b.forge.yaml');
    await commands.generateCurrent();
    assert.match(ui.messages('info').join('\n'), /added beta to the run in progress/);
    const summary = await controller.done;
    assert.equal(summary?.generated, 7);
    assert.ok(!log.text().includes(KEY));
  });

  it('a broken prompt file: generation refuses, names file:line:col field, Problems has it', async () => {
    secrets.values.set(SECRET_KEY, KEY);
    const broken = ws.write(
      'broken.forge.yaml',
      promptFileText('broken', 2).replace('strategy: single', 'strategy: single\npriorty: high'),
    );
    editors.activePath = broken;
    await returns(commands.generateCurrent(), 'Generate from Current Prompt File');
    const msg = ui.messages('error')[0]!;
    assert.match(msg, /cannot generate: broken\.forge\.yaml:6:1: priorty: /);
    assert.equal(editors.problemsShown, 0);
    ui.click(LABELS.showProblems);
    await until(() => editors.problemsShown === 1);
    assert.ok(published.get(broken)?.some((d) => d.field === 'priorty' && d.line === 6 && d.severity === 'error'));
    assert.equal(controller.isActive, false);
  });

  it('Generate from Workspace Prompt Files…: the pick opens with counts at once, costs fill in, chosen files run', async () => {
    secrets.values.set(SECRET_KEY, KEY);
    ui.pickDelayMs = 100;
    // The files, then the mode (each file's own).
    ui.pickAnswer = (items) =>
      items.some((i) => i.label === 'b.forge.yaml')
        ? items.filter((i) => i.label === 'b.forge.yaml').map((i) => i.value)
        : [items[0]!.value];
    await commands.generateWorkspace();
    const pick = ui.picks[0]!;
    assert.deepEqual(
      pick.items.map((i) => [i.label, i.description]),
      [
        ['a.forge.yaml', '4 conversations · claude-haiku-5-5 · estimating…'],
        ['b.forge.yaml', '3 conversations · claude-haiku-5-5 · estimating…'],
      ],
    );
    assert.match(pick.updates.at(-1)![1]!.description!, /3 conversations · claude-haiku-5-5 · ~\$0\.\d+/);
    const summary = await controller.done;
    assert.equal(summary?.generated, 3);
    assert.deepEqual(
      summary?.datasets.map((d) => d.batch),
      ['beta'],
    );
  });

  it('Estimate Cost: progress, count_tokens through the endpoint, message + output channel; local without a key', async () => {
    secrets.values.set(SECRET_KEY, KEY);
    await commands.estimate();
    assert.equal(ui.progress[0]!.cancellable, true);
    assert.match(ui.messages('info')[0]!, /estimated \$\d+\.\d+ for 7 conversations/);
    assert.ok(sim.stats().requests > 0, 'count_tokens reached the simulator');
    assert.match(log.text(), /a\.forge\.yaml: 4 conversations/);
    secrets.values.clear();
    await commands.estimate();
    assert.match(ui.messages('info')[1]!, /\(local estimate\)/);
  });

  it('Estimate Cost times the work at the limits the API reported in the last run, not the tier preset', async () => {
    secrets.values.set(SECRET_KEY, KEY);
    await commands.estimate();
    assert.match(ui.messages('info')[0]!, /at the configured limits \(none reported yet\)/);
    // The server's real limit is far below the 'build' preset; a run learns it from the headers.
    sim.configure({ limits: { default: { requestsPerMinute: 120, inputTokensPerMinute: 5_000_000, outputTokensPerMinute: 1_000_000 } } });
    editors.activePath = ws.path('b.forge.yaml');
    await commands.generateCurrent();
    await controller.done;
    await commands.estimate();
    const after = ui.messages('info').find((m) => /estimated .* at the limits the API reported/.test(m));
    assert.ok(after, JSON.stringify(ui.messages('info')));
    assert.match(after, /\(120 RPM\)/);
  });

  it('Estimate Cost can be cancelled while count_tokens is still counting', async () => {
    secrets.values.set(SECRET_KEY, KEY);
    // Every count_tokens answer takes a minute: the estimate is certainly mid-flight when cancelled,
    // and returning at all (within the test's timeout) shows it did not wait for them.
    sim.configure({ latency: { countTokensMs: 60_000 } });
    ui.cancelProgress = true;
    const started = Date.now();
    await commands.estimate();
    assert.deepEqual(ui.messages('info'), ['Conversation Forge: estimate cancelled.']);
    assert.ok(Date.now() - started < 15_000, 'returned without waiting for count_tokens');
    sim.configure({ latency: { countTokensMs: 0 } });
  });

  it('Validate Prompt Files: summary and Problems, including duplicate batch names across files', async () => {
    ws.write('c.forge.yaml', promptFileText('alpha', 2).replace('datasets/alpha.jsonl', 'datasets/other.jsonl'));
    await returns(commands.validate(), 'Validate Prompt Files');
    assert.match(ui.messages('error')[0]!, /3 prompt file\(s\): 2 error\(s\), \d+ warning\(s\)/);
    assert.deepEqual(
      ui.open.map((m) => m.buttons),
      [[LABELS.showProblems]],
    );
    ui.click(LABELS.showProblems);
    await until(() => editors.problemsShown === 1);
    const a = published.get(ws.path('a.forge.yaml'))!.find((d) => d.field === 'name')!;
    assert.equal(a.severity, 'error');
    assert.match(a.message, /batch name "alpha" is also used by c\.forge\.yaml/);
    assert.deepEqual(
      published.get(ws.path('b.forge.yaml'))!.filter((d) => d.severity === 'error'),
      [],
    );
  });

  it('Set API Key from the no-key notification: the command has returned; the click opens the key input', async () => {
    editors.activePath = ws.path('a.forge.yaml');
    await returns(commands.generateCurrent(), 'Generate from Current Prompt File');
    ui.inputAnswers.push(KEY);
    ui.click(LABELS.setApiKey);
    await until(() => secrets.values.get(SECRET_KEY) === KEY);
    assert.equal(ui.inputs[0]!.password, true);
  });

  it('Generate from Workspace Prompt Files… with no prompt files: New Prompt File from the notification', async () => {
    for (const f of ['a.forge.yaml', 'b.forge.yaml']) fs.rmSync(ws.path(f));
    await returns(commands.generateWorkspace(), 'Generate from Workspace Prompt Files…');
    assert.match(ui.messages('info')[0]!, /no \*\.forge\.yaml prompt files/);
    ui.inputAnswers.push('fresh');
    ui.click(LABELS.newPromptFile);
    await until(() => editors.created.length === 1);
    assert.equal(path.basename(editors.created[0]!.path), 'fresh.forge.yaml');
  });

  it('Generate from Workspace Prompt Files… and Estimate Cost with only broken files: Show Problems from the notification', async () => {
    for (const f of ['a.forge.yaml', 'b.forge.yaml'])
      ws.write(f, promptFileText(f[0]!, 2).replace('strategy: single', 'strategy: single\npriorty: high'));
    await returns(commands.generateWorkspace(), 'Generate from Workspace Prompt Files…');
    assert.match(ui.messages('error')[0]!, /every prompt file has errors/);
    ui.click(LABELS.showProblems);
    await until(() => editors.problemsShown === 1);
    editors.activePath = ws.path('a.forge.yaml');
    await returns(commands.estimate(), 'Estimate Cost');
    assert.match(ui.messages('error')[1]!, /cannot estimate: a\.forge\.yaml/);
    ui.click(LABELS.showProblems);
    await until(() => editors.problemsShown === 2);
  });

  it('Estimate Cost returns with its result open; Show Log shows the output channel', async () => {
    let logShown = 0;
    log.show = () => void logShown++;
    await returns(commands.estimate(), 'Estimate Cost');
    assert.match(ui.messages('info')[0]!, /estimated \$\d+\.\d+ for 7 conversations/);
    ui.click(LABELS.showLog);
    await until(() => logShown === 1);
  });

  it('a notification button whose action fails is logged and shown, not lost', async () => {
    ws.write('a.forge.yaml', promptFileText('alpha', 2).replace('strategy: single', 'strategy: single\npriorty: high'));
    await returns(commands.validate(), 'Validate Prompt Files');
    editors.failShowProblems = true;
    ui.click(LABELS.showProblems);
    await until(() => ui.messages('error').length === 2);
    assert.match(ui.messages('error')[1]!, /Problems view is gone/);
    assert.match(log.text(), /\[error\] notification action failed: .*Problems view is gone/);
  });

  it('New Prompt File creates <name>.forge.yaml from a valid template using the default model/format settings', async () => {
    source.values['defaultModel'] = 'claude-sonnet-5-5';
    source.values['outputFormat'] = 'sharegpt';
    source.fire('defaultModel');
    ui.inputAnswers.push('Support Dialogues');
    await commands.newPromptFile();
    const created = editors.created[0]!;
    assert.equal(path.basename(created.path), 'support-dialogues.forge.yaml');
    assert.match(created.content, /model: claude-sonnet-5-5/);
    assert.match(created.content, /format: sharegpt/);
    const parsed = parsePromptFile(created.content, { file: created.path, workspaceRoot: ws.root, ...modelLookup() });
    assert.equal(parsed.ok, true, JSON.stringify(parsed.diagnostics));
    ui.inputAnswers.push('support-dialogues');
    await commands.newPromptFile();
    assert.equal(path.basename(editors.created[1]!.path), 'support-dialogues-2.forge.yaml');
  });

  it('Pause / Resume / Cancel / Retry Failed say why when there is nothing to act on', async () => {
    await commands.pause();
    await commands.resume();
    await commands.cancel();
    await commands.retryFailed();
    await commands.showPanel();
    assert.deepEqual(ui.messages('info'), [
      'Conversation Forge: nothing is running.',
      'Conversation Forge: nothing is paused.',
      'Conversation Forge: nothing is running.',
      'Conversation Forge: no failed conversations to retry (no earlier run recorded failures).',
      'Conversation Forge: queue panel not available yet.',
    ]);
  });

  it('Pause, Resume and Cancel act on the run in progress', async () => {
    secrets.values.set(SECRET_KEY, KEY);
    sim.configure({ latency: { baseMs: 300 } });
    editors.activePath = ws.path('a.forge.yaml');
    await commands.generateCurrent();
    await until(() => controller.status().phase === 'running');
    await commands.pause();
    assert.equal(controller.status().phase, 'paused');
    await commands.resume();
    assert.equal(controller.status().phase, 'running');
    await commands.cancel();
    assert.match(ui.messages('info').at(-1)!, /run cancelled: \d+ generated, \d+ left for a re-run/);
  });

  it('Retry Failed re-runs the files whose conversations failed, with retryFailed', async () => {
    secrets.values.set(SECRET_KEY, KEY);
    // every messages request fails with a server error until the attempts run out
    sim.configure({ faults: { rates: { server_error: 1 } } });
    editors.activePath = ws.path('b.forge.yaml');
    await commands.generateCurrent();
    const first = await controller.done;
    assert.equal(first?.failed, 3);
    sim.configure({ faults: { rates: { server_error: 0 } } });
    await commands.retryFailed();
    const second = await controller.done;
    assert.equal(second?.generated, 3);
  }).timeout(60_000);

  it('a prompt edited since its dataset was written: generation is refused with the reason as an error message', async () => {
    secrets.values.set(SECRET_KEY, KEY);
    editors.activePath = ws.path('a.forge.yaml');
    await commands.generateCurrent();
    assert.equal((await controller.done)?.generated, 4);
    const dataset = fs.readFileSync(ws.path('datasets/alpha.jsonl'));

    ws.write('a.forge.yaml', promptFileText('alpha', 4).replace('asks about', 'complains about'));
    await commands.generateCurrent();
    const msg = ui.messages('error').at(-1) ?? '';
    assert.match(
      msg,
      /could not open the run: .*a\.forge\.yaml: the dataset .*alpha\.jsonl already holds 4 conversations from an earlier version of this prompt file/,
    );
    assert.match(msg, /point output\.path at a new file/);
    assert.equal(controller.isActive, false);
    assert.deepEqual(fs.readFileSync(ws.path('datasets/alpha.jsonl')), dataset);
  });

  it('a refused prompt edit offers Generate as New Version, which appends the new version on purpose', async () => {
    secrets.values.set(SECRET_KEY, KEY);
    editors.activePath = ws.path('a.forge.yaml');
    await commands.generateCurrent();
    assert.equal((await controller.done)?.generated, 4);

    ws.write('a.forge.yaml', promptFileText('alpha', 4).replace('asks about', 'complains about'));
    ui.holdMessages = true;
    await commands.generateCurrent();
    assert.equal(controller.isActive, false, 'nothing starts before the user chooses');
    assert.deepEqual(ui.open.at(-1)?.buttons, ['Generate as New Version']);
    // The click starts a run of the new version. isActive is already true while the run opens, when
    // `done` still answers the previous run's summary: wait for the start notice instead.
    const started = new Promise<void>((resolve) => {
      const sub = controller.on('notice', (n) => {
        if (n.type !== 'started') return;
        sub.dispose();
        resolve();
      });
    });
    ui.click('Generate as New Version');
    await started;
    assert.equal((await controller.done)?.generated, 4);
    const lines = fs.readFileSync(ws.path('datasets/alpha.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 8, "the earlier 4 kept, the new version's 4 appended");
    ui.dismissAll();
  });

  it('a run estimated above confirmAboveUsd asks in a modal: Cancel starts nothing, Start Run runs', async () => {
    secrets.values.set(SECRET_KEY, KEY);
    await source.set('confirmAboveUsd', 0.000001);
    editors.activePath = ws.path('a.forge.yaml');
    ui.confirmAnswers.push(false);
    await commands.generateCurrent();
    assert.equal(ui.confirms.length, 1);
    assert.match(ui.confirms[0]!.message, /estimated at ~\$[\d.]+, .*bound by .*: above the \$0\.00 confirmation threshold/);
    assert.equal(ui.confirms[0]!.action, 'Start Run');
    assert.equal(controller.isActive, false, 'declined: nothing started');
    assert.equal(fs.existsSync(ws.path('datasets/alpha.jsonl')), false);
    ui.confirmAnswers.push(true);
    await commands.generateCurrent();
    assert.equal((await controller.done)?.generated, 4);
    await source.set('confirmAboveUsd', 0);
    await commands.generateCurrent();
    assert.equal(ui.confirms.length, 2, '0 = never ask');
  });

  it("generated values are in the modal's estimate at their worst case: one question for values and conversations", async () => {
    secrets.values.set(SECRET_KEY, KEY);
    await source.set('confirmAboveUsd', 0.000001);
    fs.writeFileSync(
      ws.path('g.forge.yaml'),
      promptFileText('gamma', 4).replace(
        'persona: [buyer, seller]',
        'persona: { generate: 3, prompt: "Customer personas for a bike shop." }',
      ),
    );
    editors.activePath = ws.path('g.forge.yaml');
    ui.confirmAnswers.push(false);
    await commands.generateCurrent();
    assert.equal(ui.confirms.length, 1);
    assert.match(ui.confirms[0]!.detail ?? '', /up to 4 of them generate variable values, counted at their worst case, top-ups included/);
    assert.equal(fs.existsSync(ws.path('g.forge.values.yaml')), false, 'declined: no values request');
    ui.confirmAnswers.push(true);
    await commands.generateCurrent();
    assert.equal((await controller.done)?.generated, 4);
    assert.equal(ui.confirms.length, 2, 'one question per run, values included');
    assert.equal(fs.existsSync(ws.path('g.forge.values.yaml')), true);
  });

  it('guarded shows and logs a failing handler instead of failing silently', async () => {
    await guarded(
      'x',
      async () => {
        throw new Error(`boom with ${KEY}`);
      },
      ui,
      log,
    )();
    assert.match(ui.messages('error')[0]!, /boom/);
    assert.ok(!ui.messages('error')[0]!.includes(KEY));
  });
});
