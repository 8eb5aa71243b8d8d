import { newId } from '../http-io';
import { usageOf } from '../messages-handler';
import type { PromptCache } from '../prompt-cache';
import type { Rng } from '../rng';
import type { ResolvedConfig } from '../options';
import { synthesizeAnswer } from '../synth';
import { answerRng } from '../answer-rng';
import { isFailure, validateRequest } from '../validate';
import type { MessageBatchStatsRecorder } from './batch-stats';
import { finalOutcome, type ResultLine, type SimBatch } from './batch-store';

/**
 * The results file of an ended batch, made once: bodies are validated as they run (an invalid one is
 * an `errored` line with invalid_request_error, as the API does), answers synthesized as for
 * /v1/messages with the prompt cache in play, lines shuffled (the API promises no order) and
 * counted into the batch stats once.
 */
export interface ResultsContext {
  readonly rng: Rng;
  /** The simulator's seed: answers draw from it and the request (answer-rng.ts), as on the Messages endpoint. */
  readonly seed: number;
  readonly config: ResolvedConfig;
  readonly promptCache: PromptCache;
  readonly stats: MessageBatchStatsRecorder;
}

export function resultLines(batch: SimBatch, ctx: ResultsContext): ResultLine[] {
  if (batch.lines) return batch.lines;
  const lines: ResultLine[] = [];
  // in the order requests finished, so the prompt cache sees writes before the reads that follow them
  const byDone = [...batch.requests].sort((a, b) => a.doneAt - b.doneAt);
  for (const r of byDone) {
    const outcome = finalOutcome(batch, r);
    if (outcome.type === 'canceled' || outcome.type === 'expired') {
      lines.push({ custom_id: r.customId, result: { type: outcome.type } });
      ctx.stats.result(outcome.type);
      continue;
    }
    if (outcome.type === 'errored') {
      lines.push(erroredLine(r.customId, outcome.errorType, erroredMessage(outcome.errorType)));
      ctx.stats.result('errored');
      continue;
    }
    const valid = validateRequest(r.params, batch.anthropicVersion);
    if (isFailure(valid)) {
      // Whatever the Messages endpoint would refuse (an unknown model too) needs a changed body.
      lines.push(erroredLine(r.customId, 'invalid_request_error', valid.message));
      ctx.stats.result('errored');
      continue;
    }
    const plan = ctx.promptCache.plan(valid.blocks, valid.minCacheTokens, r.doneAt);
    ctx.promptCache.commit(plan, valid.blocks, r.doneAt);
    ctx.promptCache.ready(plan);
    const cache = { readTokens: plan.readTokens, write5m: plan.write5m, write1h: plan.write1h };
    const answer = synthesizeAnswer(
      answerRng(ctx.seed, valid.body),
      ctx.config.output,
      valid.lastUserText,
      valid.maxTokens,
      ctx.config.thinking,
    );
    const content: unknown[] = [];
    if (answer.thinking) content.push({ type: 'thinking', thinking: answer.thinking.thinking, signature: answer.thinking.signature });
    if (answer.text !== '' || !answer.thinking) content.push({ type: 'text', text: answer.text });
    lines.push({
      custom_id: r.customId,
      result: {
        type: 'succeeded',
        message: {
          id: newId('msg'),
          type: 'message',
          role: 'assistant',
          model: valid.model,
          content,
          stop_reason: answer.stopReason,
          stop_sequence: null,
          usage: usageOf(plan.uncachedTokens, cache, answer.outputTokens),
        },
      },
    });
    ctx.stats.result('succeeded');
    ctx.stats.served(valid.modelClass, plan.uncachedTokens, answer.outputTokens, cache);
  }
  for (let i = lines.length - 1; i > 0; i--) {
    const j = ctx.rng.int(i + 1);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  batch.lines = lines;
  return lines;
}

function erroredLine(customId: string, type: string, message: string): ResultLine {
  return { custom_id: customId, result: { type: 'errored', error: { type: 'error', error: { type, message } } } };
}

function erroredMessage(type: string): string {
  return type === 'overloaded_error' ? 'Overloaded' : type === 'api_error' ? 'Internal server error' : `Simulated ${type}`;
}
