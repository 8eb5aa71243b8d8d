import type { ChatMessage, ModelCaller, ModelResponse } from '../../api/types';
import type { Executor, Job, StepResult } from '../../queue/types';
import { addUsage, ZERO_USAGE, type Usage } from '../../usage';
import { DEFAULT_TOKENS_PER_MESSAGE } from '../estimate/approx-tokens';
import type { Conversation, ConversationSpec } from '../types';
import { validateConversation } from '../validate/conversation';
import { rejectedOutput } from '../validate/rejected-output';
import { invalidOutput } from './invalid-output';
import { estimateRequest, nextRequest } from './next-request';
import { readSingleResponse } from './single';
import { nextRole, readTurnResponse } from './turns';
import { systemClock } from '../../clock';
import { RunCache } from '../cache/run-cache';
import { predictedRead, sendCached, type CacheMemory } from '../cache/send-cached';
import { expectNumber } from '../../validate';

export { initialEstimate } from './next-request';

/** A conversation job's state, carried across its steps and retries. */
export interface ConversationJobData {
  readonly spec: ConversationSpec;
  /** Messages accepted so far (`turns`); a regenerated turn never loses the ones before it. */
  transcript: ChatMessage[];
  /** Every token spent on this conversation, regenerated responses included. */
  usage: Usage;
  /** Set once the conversation is complete and validated. */
  conversation?: Conversation;
  /** What each side's last request left in the prompt cache, for the next estimate and the TTL plan. */
  cached?: CacheMemory;
}

export function createConversationJobData(spec: ConversationSpec): ConversationJobData {
  return { spec, transcript: [], usage: { ...ZERO_USAGE } };
}

export interface ConversationExecutorOptions {
  caller: ModelCaller;
  /**
   * Awaited before the job reports done, so a job is only done once its conversation is stored.
   * Its errors propagate (throw ForgeError('output', …) to stop the run on a write failure).
   */
  onConversation?: (conversation: Conversation, job: Job<ConversationJobData>) => void | Promise<void>;
  /** Expected tokens per generated message, for the next request's output estimate. */
  tokensPerMessage?: number;
  /** The run's prompt-cache state (mode, shared-prefix gate, TTL plan). Default: caching auto, system clock. */
  cache?: RunCache;
}

/**
 * Runs one API request per step. `single` finishes in one step; `turns` answers `continue` with
 * the next turn's estimate until the conversation has all its messages. API errors propagate
 * untouched for `classify`; unusable output throws ForgeError('invalid_output') with its usage.
 */
export function createConversationExecutor(options: ConversationExecutorOptions): Executor<ConversationJobData> {
  const { caller, onConversation } = options;
  const cache = options.cache ?? new RunCache({ clock: systemClock });
  const tokensPerMessage = options.tokensPerMessage ?? DEFAULT_TOKENS_PER_MESSAGE;
  expectNumber('tokensPerMessage', tokensPerMessage, { above: 0 });

  const finish = async (job: Job<ConversationJobData>, messages: ChatMessage[], response: ModelResponse): Promise<StepResult> => {
    const conversation: Conversation = { messages };
    job.data.conversation = conversation;
    cache.outlook.ended(job.id);
    await onConversation?.(conversation, job);
    return { type: 'done', usage: response.usage, headers: response.headers };
  };

  return async (job, ctx) => {
    const data = job.data;
    const { spec } = data;
    if (data.conversation) {
      // Only reached when storing failed after the last request: deliver again, send nothing.
      await onConversation?.(data.conversation, job);
      return { type: 'done', usage: { ...ZERO_USAGE } };
    }

    const dispatch = {
      id: job.id,
      modelClass: job.modelClass,
      priority: job.priority,
      next: job.next,
      transcriptLength: data.transcript.length,
    };
    cache.outlook.stepped(job.id, job.modelClass, cache.clock.now());
    const settings = cache.settingsFor(spec, dispatch);
    const request = nextRequest(spec, data.transcript, settings);
    const response = await sendCached(caller, cache, spec, data, request, ctx.signal, ctx.onHeaders);
    data.usage = addUsage(data.usage, response.usage);

    if (spec.strategy === 'single') return finish(job, readSingleResponse(spec, response), response);

    const message = readTurnResponse(data.transcript, response);
    const transcript = [...data.transcript, message];
    if (transcript.length < spec.turns) {
      data.transcript = transcript;
      return {
        type: 'continue',
        usage: response.usage,
        headers: response.headers,
        next: estimateRequest(
          spec,
          transcript,
          undefined,
          tokensPerMessage,
          predictedRead(data.cached, nextRole(transcript), cache.clock.now()),
          cache.settingsFor(spec, { ...dispatch, transcriptLength: transcript.length }),
        ),
      };
    }
    // Rejecting the last turn (not the whole job) keeps the earlier turns if this ever fails.
    const verdict = validateConversation(transcript, spec.turns);
    if (!verdict.ok) throw invalidOutput(verdict.reason, response, rejectedOutput(transcript, verdict));
    data.transcript = transcript;
    return finish(job, transcript, response);
  };
}
