import * as path from 'node:path';
import type { MessageBatchApi, MessageBatchRequest } from '../api/message-batch-api';
import type { Clock } from '../clock';
import { ForgeError, type ClassifiedError, type ErrorKind } from '../errors';
import type { CacheSettings } from '../generate/strategies/cache-layout';
import type { Conversation, ConversationSpec, PromptFile } from '../generate/types';
import type { RejectedOutput } from '../generate/validate/rejected-output';
import { DEFAULT_MAX_ATTEMPTS } from '../queue/processor-options';
import type { Disposable } from '../queue/typed-emitter';
import { expectInteger } from '../validate';
import { addUsage, ZERO_USAGE, type Usage } from '../usage';
import { PacedMessageBatchApi } from './call-pacer';
import { MessageBatchReservations, type MessageBatchBudget } from './message-batch-budget';
import { MessageBatchJournal, messageBatchJournalPath } from './message-batch-journal';
import { MessageBatchRunner } from './message-batch-runner';
import type { PackLimits } from './packing';
import { DEFAULT_POLL, type PollTiming } from './poll-schedule';
import type { MessageBatchSnapshot } from './snapshot';

/** How a run reaches the Message Batches API, and how patiently. */
export interface MessageBatchSettings {
  api: MessageBatchApi;
  /** The batch endpoints' RPM share this run keeps to (polls and downloads count). Default 500: half the lowest tier's 1,000, leaving room for other processes on the key. */
  rpm?: number;
  poll?: PollTiming;
  limits?: PackLimits;
  /** Wait before `list` after a create whose answer was lost. Default: the first poll interval. */
  recoverDelayMs?: number;
  /** Attempts per conversation (per message with `turns`), as `--max-attempts` sets for online requests. Default DEFAULT_MAX_ATTEMPTS. */
  maxAttempts?: number;
}

/** What a batch-mode file needs from the run it belongs to. */
export interface MessageBatchFileHooks {
  datasetPath: string;
  /** The prompt file's absolute path (MessageBatchSnapshot.file). */
  sourceFile: string;
  isDone(id: string): boolean;
  isFailed(id: string): boolean;
  commit(spec: ConversationSpec, conversation: Conversation, usage: Usage, attempts: number): Promise<boolean>;
  /** `rejected`: the text validation turned down, when that is why it failed. */
  recordFailure(spec: ConversationSpec, kind: ErrorKind, reason: string, attempts: number, rejected?: RejectedOutput): Promise<void>;
  /** Batch-priced cost of usage. */
  costUsd(model: string, usage: Usage): number;
  cacheFor?: (spec: ConversationSpec) => CacheSettings | undefined;
  /** The run's budget (and ceiling); with it, `worstCaseUsd` prices what a submission reserves. */
  budget?: MessageBatchBudget;
  worstCaseUsd?(params: MessageBatchRequest['params']): number;
}

/**
 * A run's Message Batches: one sidecar journal per dataset, one runner per batch-mode prompt file,
 * all calls through one pacer (the batch endpoints' RPM is per organization, shared by all models).
 */
export class RunMessageBatches implements Disposable {
  private readonly api?: PacedMessageBatchApi;
  private readonly journals = new Map<string, MessageBatchJournal>();
  private readonly runners: MessageBatchRunner[] = [];
  private readonly ends: Promise<unknown>[] = [];
  private started = false;
  private running = 0;
  /** Told when a runner ends (the run's dispatch waits on it). */
  onRunnerEnd: () => void = () => undefined;
  /** Told when the budget refused a submission: every runner is draining by then, and the run stops. */
  onBudgetStop: (error: ClassifiedError) => void = () => undefined;
  private stop?: ClassifiedError;
  /** Batch-priced usage and cost of what came back (written or not). */
  usage: Usage = { ...ZERO_USAGE };
  costUsd = 0;

  constructor(
    private readonly clock: Clock,
    private readonly settings: MessageBatchSettings | undefined,
    private readonly onChange: () => void = () => undefined,
  ) {
    if (settings?.maxAttempts !== undefined) expectInteger('maxAttempts', settings.maxAttempts, 1);
    if (settings) this.api = new PacedMessageBatchApi(settings.api, clock, settings.rpm ?? 500);
  }

  get count(): number {
    return this.runners.length;
  }

  /** Calls made per endpoint (polls, downloads): what waiting cost. */
  get calls(): PacedMessageBatchApi['calls'] | undefined {
    return this.api?.calls;
  }

  /** Batches (and unresolved creates) picked up from earlier runs. */
  get resumed(): number {
    return this.runners.reduce((n, r) => n + r.resumed, 0);
  }

  get stopError(): ClassifiedError | undefined {
    return this.stop;
  }

  async add(file: PromptFile, hooks: MessageBatchFileHooks): Promise<void> {
    if (!this.settings || !this.api) {
      throw new ForgeError(
        'invalid_request',
        `${path.basename(file.path)}: mode batch needs the Message Batches API, which this run was not given`,
      );
    }
    let journal = this.journals.get(hooks.datasetPath);
    if (!journal) {
      journal = (await MessageBatchJournal.open(messageBatchJournalPath(hooks.datasetPath)))!;
      this.journals.set(hooks.datasetPath, journal);
    }
    const runner = new MessageBatchRunner({
      file,
      sourceFile: hooks.sourceFile,
      journal,
      api: this.api,
      clock: this.clock,
      sink: {
        isDone: hooks.isDone,
        commit: async (spec, conversation, usage, attempts) => {
          this.spent(spec.model, usage, hooks);
          return hooks.commit(spec, conversation, usage, attempts);
        },
        recordFailure: hooks.recordFailure,
        spent: (usage) => this.spent(file.model, usage, hooks),
      },
      isFailed: hooks.isFailed,
      maxAttempts: this.settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      poll: this.settings.poll ?? DEFAULT_POLL,
      ...(this.settings.limits ? { limits: this.settings.limits } : {}),
      ...(hooks.cacheFor ? { cacheFor: hooks.cacheFor } : {}),
      ...(this.settings.recoverDelayMs !== undefined ? { recoverDelayMs: this.settings.recoverDelayMs } : {}),
      ...(hooks.budget && hooks.worstCaseUsd
        ? { reservations: new MessageBatchReservations(hooks.budget, { worstCaseUsd: hooks.worstCaseUsd, costUsd: hooks.costUsd }) }
        : {}),
      onRefused: (error) => {
        this.stop ??= error;
        this.drain(error);
        this.onBudgetStop(error);
      },
      onChange: this.onChange,
    });
    this.runners.push(runner);
    if (this.started) this.launch(runner);
  }

  /** Starts every runner (and those added later, as they are added). */
  start(): void {
    this.started = true;
    for (const r of this.runners) this.launch(r);
  }

  /** Whether any runner is still submitting, waiting or downloading. */
  get active(): boolean {
    return this.running > 0;
  }

  /** Resolves once every runner started so far has ended. */
  async settled(): Promise<void> {
    await Promise.all(this.ends);
  }

  private launch(runner: MessageBatchRunner): void {
    this.running++;
    this.ends.push(
      runner.start().then((end) => {
        if (end.error) this.stop ??= end.error;
        this.running--;
        this.onRunnerEnd();
      }),
    );
  }

  /** Stop waiting: the batches go on at Anthropic and their ids stay in the sidecars. */
  leave(): void {
    for (const r of this.runners) r.leaveRun();
  }

  /** Submit nothing more (the run stopped on its budget): what is out is still waited for and written. */
  drain(error: ClassifiedError): void {
    for (const r of this.runners) r.drain(error);
  }

  /** Cancel the remote batches; what had already succeeded is still downloaded. */
  cancel(): void {
    for (const r of this.runners) r.cancel();
  }

  snapshots(): MessageBatchSnapshot[] {
    return this.runners.flatMap((r) => r.snapshots());
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.journals.values()].map((j) => j.close()));
  }

  dispose(): void {
    this.leave();
    for (const j of this.journals.values()) j.dispose();
  }

  private spent(model: string, usage: Usage, hooks: MessageBatchFileHooks): void {
    this.usage = addUsage(this.usage, usage);
    this.costUsd += hooks.costUsd(model, usage);
    this.onChange();
  }
}
