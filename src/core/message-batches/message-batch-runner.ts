import type { MessageBatchApi, RemoteMessageBatch } from '../api/message-batch-api';
import { sleep, type Clock } from '../clock';
import { classify, ForgeError, type ClassifiedError } from '../errors';
import { patiently, transient } from './call-outcomes';
import { createJournaled } from './create-journaled';
import type { CacheSettings } from '../generate/strategies/cache-layout';
import type { ConversationSpec, PromptFile } from '../generate/types';
import type { IntentRequest } from './journal-entries';
import type { JournaledBatch } from './journal-state';
import type { MessageBatchJournal } from './message-batch-journal';
import { MESSAGE_BATCH_LIMITS, packRequests, requestBytes, type PackLimits } from './packing';
import { preflightError, preflightProblem } from './preflight';
import { pendingRequests, type PendingRequest } from './pending-requests';
import { PollSchedule, type PollTiming } from './poll-schedule';
import { recoverIntents } from './recover-intents';
import { ResultLines, type LineEffect, type ResultSink } from './result-lines';
import { assertRunnerMove, isRunnerEnded, type RunnerPhase } from './runner-phases';
import type { MessageBatchSnapshot } from './snapshot';
import { holdOutstanding, type MessageBatchReservations } from './message-batch-budget';
import { runnerSnapshots } from './runner-snapshots';

export interface MessageBatchRunnerOptions {
  file: PromptFile;
  /** The prompt file's absolute path, for snapshots (see MessageBatchSnapshot.file). */
  sourceFile: string;
  journal: MessageBatchJournal;
  api: MessageBatchApi;
  clock: Clock;
  sink: ResultSink;
  /** Failed before (and not retried) or in this run: not submitted. */
  isFailed: (id: string) => boolean;
  maxAttempts: number;
  poll: PollTiming;
  limits?: PackLimits;
  cacheFor?: (spec: ConversationSpec) => CacheSettings | undefined;
  /** Wait after a create whose outcome is unknown before `list` is asked (a slow create may still land). */
  recoverDelayMs?: number;
  /** Wait before retrying a call that failed on the way (5xx, network, 429 without retry-after). */
  retryDelayMs?: number;
  onChange?: () => void;
  /** The run's budget, when it has one (or a ceiling): submissions reserve their worst case first. */
  reservations?: MessageBatchReservations;
  /** A submission was refused by the budget: this runner submits nothing more and drains. */
  onRefused?: (error: ClassifiedError) => void;
}

export interface RunnerEnd {
  phase: RunnerPhase;
  error?: ClassifiedError;
}

/**
 * One prompt file's Message Batches: resolves creates whose outcome is unknown, polls open batches
 * with backoff, downloads the ended ones through ResultLines (exactly once), and submits whatever
 * needs a request (new conversations, the next `turns` message, requests that came back retryable)
 * in new batches. Every step is journaled first, so a run that is left or killed is picked up from
 * the sidecar by the next one.
 */
export class MessageBatchRunner {
  private phase: RunnerPhase = 'running';
  private readonly schedule: PollSchedule;
  private readonly lines: ResultLines;
  private readonly remote = new Map<string, RemoteMessageBatch>();
  private readonly written = new Map<string, number>();
  private readonly touched = new Set<string>();
  private readonly leave = new AbortController();
  private wake?: AbortController;
  private dirty = true;
  private ended?: Promise<RunnerEnd>;
  private refusal?: ClassifiedError;
  /** Open batches found in the journal when the runner started (picked up from an earlier run). */
  readonly resumed: number;

  constructor(private readonly o: MessageBatchRunnerOptions) {
    this.schedule = new PollSchedule(o.poll);
    this.lines = new ResultLines(o.file, o.journal, o.sink, o.maxAttempts);
    const open = o.journal.state.open(o.file.name);
    this.resumed = open.length + o.journal.state.unresolved(o.file.name).length;
    for (const b of open) this.touched.add(b.id);
    if (o.reservations) holdOutstanding(o.reservations, o.file, o.journal.state, (id) => o.sink.isDone(id), o.cacheFor);
  }

  get state(): RunnerPhase {
    return this.phase;
  }

  start(): Promise<RunnerEnd> {
    return (this.ended ??= this.loop());
  }

  /** Stop waiting; the batches go on at Anthropic and the next run picks them up. */
  leaveRun(): void {
    if (isRunnerEnded(this.phase) || this.phase === 'leaving') return;
    this.move('leaving');
    this.leave.abort(new ForgeError('cancelled', 'left'));
    this.wake?.abort();
  }

  /** Cancel the remote batches; what they had already finished is still downloaded and written. */
  cancel(): void {
    if (this.phase !== 'running' && this.phase !== 'draining') return;
    this.move('cancelling');
    this.wake?.abort();
  }

  /** Submit nothing more (the run stopped on its budget); what is out is still waited for, then the runner stops with `error`. */
  drain(error: ClassifiedError): void {
    if (this.phase !== 'running') return;
    this.refusal = error;
    this.move('draining');
    this.wake?.abort();
  }

  snapshots(): MessageBatchSnapshot[] {
    return runnerSnapshots(this.o.journal.state, this.o.file.name, this.o.sourceFile, this.touched, this.remote, this.written);
  }

  private async loop(): Promise<RunnerEnd> {
    const { journal, file } = this.o;
    try {
      for (;;) {
        if (this.phase === 'leaving') return this.end('left');
        if (journal.state.unresolved(file.name).length > 0) await this.recover();
        if (this.phase === 'cancelling') await this.cancelOpen();
        await this.pollDue();
        const unresolved = journal.state.unresolved(file.name).length;
        if (this.phase === 'running' && unresolved === 0 && this.dirty) await this.submitPending();
        const open = journal.state.open(file.name);
        const idle = open.length === 0 && journal.state.unresolved(file.name).length === 0;
        // Cancelling and draining submit nothing new: once what was out has come back, the file is done for this run.
        if (idle && this.phase === 'draining') return this.end('stopped', this.refusal);
        if (idle && (this.phase === 'cancelling' || !this.dirty)) return this.end('finished');
        const at = this.schedule.earliest(open.map((b) => b.id)) ?? this.o.clock.now() + this.retryDelay();
        await this.waitUntil(at);
      }
    } catch (e) {
      const error = classify(e, this.leave.signal);
      if (error.kind === 'cancelled' && this.phase === 'leaving') return this.end('left');
      return this.end('stopped', error);
    }
  }

  private end(phase: RunnerPhase, error?: ClassifiedError): RunnerEnd {
    if (this.phase !== phase) this.move(phase);
    this.o.onChange?.();
    return { phase, ...(error ? { error } : {}) };
  }

  private move(to: RunnerPhase): void {
    this.phase = assertRunnerMove(this.phase, to);
    this.o.onChange?.();
  }

  private retryDelay(): number {
    return this.o.retryDelayMs ?? this.o.poll.initialMs;
  }

  private async waitUntil(at: number): Promise<void> {
    const ms = at - this.o.clock.now();
    if (ms <= 0) return;
    this.wake = new AbortController();
    try {
      await sleep(this.o.clock, ms, this.wake.signal);
    } catch {
      // woken early: cancel or leave
    }
  }

  /** Runs `call`, waiting out transient failures; anything else (spend cap, authentication) ends the runner. */
  private patiently<T>(call: () => Promise<T>): Promise<T> {
    return patiently(this.o.clock, this.leave.signal, this.retryDelay(), call);
  }

  private async recover(): Promise<void> {
    const { api, journal, file } = this.o;
    const intents = journal.state.unresolved(file.name);
    const result = await this.patiently(() => recoverIntents(api, journal, intents, this.leave.signal));
    // `list` found no batch for these: their requests never reached Anthropic.
    for (const i of intents) if (i.absent) this.o.reservations?.release(i.requests.map((r) => r.c));
    for (const b of result.adopted) {
      this.touched.add(b.id);
      this.remote.set(b.id, b);
    }
    if (result.absent > 0) this.dirty = true;
    this.o.onChange?.();
  }

  private async cancelOpen(): Promise<void> {
    for (const b of this.o.journal.state.open(this.o.file.name)) {
      if (b.cancelRequested || this.remote.get(b.id)?.status === 'ended') continue;
      const remote = await this.patiently(() => this.o.api.cancel(b.id, this.leave.signal));
      this.remote.set(b.id, remote);
      await this.o.journal.append({ t: 'cancel', batchId: b.id }, true);
      this.schedule.retryAfter(b.id, this.o.clock.now(), 0);
    }
    this.o.onChange?.();
  }

  private async pollDue(): Promise<void> {
    for (const b of this.o.journal.state.open(this.o.file.name)) {
      if (this.phase === 'leaving') return;
      if (!this.schedule.due(b.id, this.o.clock.now())) continue;
      let remote: RemoteMessageBatch;
      try {
        remote = await this.o.api.retrieve(b.id, this.leave.signal);
      } catch (e) {
        const c = classify(e, this.leave.signal);
        // Right after create a retrieve may answer 404 for a few seconds: not yet, not gone.
        if (c.kind === 'not_found' || transient(c)) {
          this.schedule.retryAfter(b.id, this.o.clock.now(), c.retryAfterMs ?? this.retryDelay());
          continue;
        }
        throw e;
      }
      this.remote.set(b.id, remote);
      this.touched.add(b.id);
      if (remote.status !== 'ended') {
        this.schedule.polled(b.id, this.o.clock.now());
        this.o.onChange?.();
        continue;
      }
      if (!b.counts && remote.counts) {
        await this.o.journal.append({
          t: 'ended',
          batchId: b.id,
          counts: remote.counts,
          ...(remote.endedAt ? { endedAt: remote.endedAt } : {}),
        });
      }
      await this.download(b);
    }
  }

  /** Reads an ended batch's results from the start (single-use stream): lines already handled are skipped. */
  private async download(batch: JournaledBatch): Promise<void> {
    const map = new Map<string, IntentRequest>(this.o.journal.state.requestsOf(batch).map((r) => [r.c, r]));
    await this.patiently(async () => {
      for await (const line of this.o.api.results(batch.id, this.leave.signal)) {
        const effect: LineEffect = await this.lines.handle(batch, map, line);
        this.o.reservations?.settle(line);
        if (effect === 'written') this.written.set(batch.id, (this.written.get(batch.id) ?? 0) + 1);
        if (effect !== 'skipped') this.o.onChange?.();
      }
    });
    await this.o.journal.append({ t: 'settled', batchId: batch.id }, true);
    this.schedule.forget(batch.id);
    this.dirty = true;
    this.o.onChange?.();
  }

  private async submitPending(): Promise<void> {
    const { file, journal, sink } = this.o;
    this.dirty = false;
    const { requests } = pendingRequests(file, journal.state, (id) => sink.isDone(id) || this.o.isFailed(id), this.o.cacheFor);
    const limits = this.o.limits ?? MESSAGE_BATCH_LIMITS;
    const problem = preflightProblem(file, requests, limits, requestBytes);
    if (problem) throw preflightError(problem);
    for (const pack of packRequests(requests, limits)) {
      if (this.phase !== 'running') return;
      const admitted = this.o.reservations?.admit(pack) ?? { count: pack.length };
      // The budget takes what fits, as it admits online requests one by one until the next would pass it.
      const created = admitted.count > 0 ? await this.create(pack.slice(0, admitted.count)) : true;
      if (admitted.refusal !== undefined) return this.refuse(admitted.refusal);
      if (!created) return; // unknown outcome: recovered by `list` before anything else is created
    }
  }

  private refuse(why: string): void {
    const error = classify(new ForgeError('budget', why));
    this.drain(error);
    this.o.onRefused?.(error);
  }

  /** Submits one pack (create-journaled.ts); false when it must wait for `list` or go again. */
  private async create(pack: PendingRequest[]): Promise<boolean> {
    const outcome = await createJournaled(
      {
        ...this.o,
        signal: this.leave.signal,
        recoverDelayMs: this.o.recoverDelayMs ?? this.retryDelay(),
      },
      pack,
    );
    if (!outcome.batch) {
      if (outcome.refused) this.dirty = true;
      return false;
    }
    const remote = outcome.batch;
    this.remote.set(remote.id, remote);
    this.touched.add(remote.id);
    this.schedule.created(remote.id, this.o.clock.now());
    this.o.onChange?.();
    return true;
  }
}
