import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openDataset, formatRecord, type DatasetWriter } from '../../../src/core/generate/output';
import { parsePromptFile } from '../../../src/core/generate/prompt-file';
import type { PromptFile } from '../../../src/core/generate/types';
import { MessageBatchJournal, messageBatchJournalPath } from '../../../src/core/message-batches/message-batch-journal';
import { MessageBatchRunner, type MessageBatchRunnerOptions, type RunnerEnd } from '../../../src/core/message-batches/message-batch-runner';
import type { ResultSink } from '../../../src/core/message-batches/result-lines';
import { FakeClock } from '../../support/fake-clock';
import { FakeMessageBatchApi } from '../../support/fake-message-batch-api';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'forge-mb-'));
}

export function promptFile(dir: string, count: number, strategy: 'single' | 'turns' = 'single', turns = 2): PromptFile {
  const text = `name: kb\nmodel: claude-haiku-5-5\ncount: ${count}\nturns: ${turns}\nstrategy: ${strategy}\nmode: batch\nprompt: About {{topic}}.\nvariables:\n  topic: [tea, kites, rivers]\noutput:\n  path: kb.jsonl\n`;
  const file = path.join(dir, 'kb.forge.yaml');
  fs.writeFileSync(file, text);
  const parsed = parsePromptFile(text, { file, workspaceRoot: dir, knownModel: () => true });
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('; '));
  return parsed.file;
}

/** One process's worth of a batch-mode file: a dataset writer, the sidecar and a runner, on a shared fake API and clock. */
export class Session {
  writer!: DatasetWriter;
  journal!: MessageBatchJournal;
  runner!: MessageBatchRunner;
  failures: { id: string; kind: string; reason: string }[] = [];
  private ended?: RunnerEnd;

  constructor(
    readonly file: PromptFile,
    readonly api: FakeMessageBatchApi,
    readonly clock: FakeClock,
    private readonly extra: Partial<MessageBatchRunnerOptions> = {},
  ) {}

  async open(): Promise<this> {
    this.writer = await openDataset({ datasetPath: this.file.output.path, clock: this.clock, fsync: 'never' });
    this.journal = (await MessageBatchJournal.open(messageBatchJournalPath(this.file.output.path)))!;
    const failedBefore = new Set(this.writer.failed().keys());
    const sink: ResultSink = {
      isDone: (id) => this.writer.isDone(id),
      commit: async (spec, conversation, usage, attempts) => {
        const r = await this.writer.append(formatRecord(this.file.output.format, conversation), {
          id: spec.id,
          index: spec.index,
          sourceFile: spec.sourceFile,
          variables: spec.variables,
          model: spec.model,
          usage,
          costUsd: 0,
          attempts,
          batch: this.file.name,
          promptHash: this.file.promptHash,
        });
        return r.status === 'written';
      },
      recordFailure: async (spec, kind, reason, attempts, rejected) => {
        this.failures.push({ id: spec.id, kind, reason });
        failedBefore.add(spec.id);
        const { id, index, sourceFile } = spec;
        await this.writer.recordFailure({ id, index, sourceFile, kind, reason, attempts, ...(rejected ? { rejected } : {}) });
      },
      spent: () => undefined,
    };
    this.runner = new MessageBatchRunner({
      file: this.file,
      sourceFile: this.file.path,
      journal: this.journal,
      api: this.api,
      clock: this.clock,
      sink,
      isFailed: (id) => failedBefore.has(id),
      maxAttempts: 3,
      poll: { initialMs: 1_000, maxMs: 10_000, factor: 2 },
      retryDelayMs: 1_000,
      ...this.extra,
    });
    return this;
  }

  start(): this {
    void this.runner.start().then((e) => (this.ended = e));
    return this;
  }

  get end(): RunnerEnd | undefined {
    return this.ended;
  }

  /** Advances the fake clock in steps (letting file I/O finish between them) until `done` or the deadline. */
  async until(done: () => boolean, stepMs = 500, maxSteps = 20_000): Promise<void> {
    for (let i = 0; i < maxSteps && !done(); i++) {
      await this.clock.advance(stepMs);
      await new Promise((r) => setImmediate(r));
    }
    if (!done()) throw new Error('condition not reached within the simulated deadline');
  }

  async finish(): Promise<RunnerEnd> {
    await this.until(() => this.ended !== undefined);
    return this.ended!;
  }

  async close(): Promise<void> {
    await this.journal.close();
    await this.writer.close();
  }

  /** Ids in the dataset (from its journal), with repeats. */
  datasetIds(): string[] {
    const meta = this.file.output.path.replace(/\.jsonl$/, '.meta.jsonl');
    if (!fs.existsSync(meta)) return [];
    return fs
      .readFileSync(meta, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { id: string }).id);
  }
}

export function newWorld(): { clock: FakeClock; api: FakeMessageBatchApi; dir: string } {
  const clock = new FakeClock();
  return { clock, api: new FakeMessageBatchApi(clock), dir: tempDir() };
}
