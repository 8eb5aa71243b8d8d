import type { ServerResponse } from 'node:http';
import { sleep, type Clock } from '../core/clock';
import { errorBody, type ApiFailure } from './api-failure';
import type { SynthAnswer } from './synth';

/**
 * Writes one answer as the Messages API's server-sent events, spreading the deltas over the
 * generation time, optionally breaking off with an `event: error` as an overloaded server does.
 */
export interface StreamPlan {
  readonly id: string;
  readonly model: string;
  readonly requestId: string;
  /** The `usage` object for a given output token count. */
  readonly usage: (outputTokens: number) => unknown;
  readonly answer: SynthAnswer;
  /** Total time over which the deltas are spread. */
  readonly generationMs: number;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** When set, stop after this many content deltas with this error. */
  readonly breakAfter?: { deltas: number; failure: ApiFailure };
}

/** Chunks of about 8 tokens: small enough that a stream visibly streams. */
function chunks(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 32) out.push(text.slice(i, i + 32));
  return out;
}

function event(res: ServerResponse, type: string, data: unknown): void {
  res.write(`event: ${type}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

/** Output tokens actually streamed (what an interrupted stream is charged). */
export async function writeStream(res: ServerResponse, plan: StreamPlan): Promise<{ outputTokens: number; broken: boolean }> {
  const { answer } = plan;
  const { usage } = plan;
  event(res, 'message_start', {
    type: 'message_start',
    message: {
      id: plan.id,
      type: 'message',
      role: 'assistant',
      model: plan.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usage(1),
    },
  });
  event(res, 'ping', { type: 'ping' });

  const blocks: { start: unknown; deltas: unknown[]; tokens: number[] }[] = [];
  if (answer.thinking) {
    const parts = chunks(answer.thinking.thinking);
    blocks.push({
      start: { type: 'thinking', thinking: '', signature: '' },
      deltas: [
        ...parts.map((thinking) => ({ type: 'thinking_delta', thinking })),
        { type: 'signature_delta', signature: answer.thinking.signature },
      ],
      tokens: [...parts.map((p) => p.length), 0],
    });
  }
  if (answer.text !== '' || !answer.thinking) {
    const parts = chunks(answer.text);
    blocks.push({
      start: { type: 'text', text: '' },
      deltas: parts.map((text) => ({ type: 'text_delta', text })),
      tokens: parts.map((p) => p.length),
    });
  }
  const totalDeltas = blocks.reduce((n, b) => n + b.deltas.length, 0);
  const perDeltaMs = totalDeltas > 0 ? plan.generationMs / totalDeltas : 0;

  let sentDeltas = 0;
  let sentChars = 0;
  for (const [index, block] of blocks.entries()) {
    event(res, 'content_block_start', { type: 'content_block_start', index, content_block: block.start });
    for (const [i, delta] of block.deltas.entries()) {
      if (plan.breakAfter && sentDeltas >= plan.breakAfter.deltas) {
        event(res, 'error', errorBody(plan.breakAfter.failure, plan.requestId));
        res.end();
        return { outputTokens: Math.ceil(sentChars / 4), broken: true };
      }
      if (perDeltaMs > 0) await sleep(plan.clock, perDeltaMs, plan.signal);
      event(res, 'content_block_delta', { type: 'content_block_delta', index, delta });
      sentDeltas++;
      sentChars += block.tokens[i]!;
      if (sentDeltas % 10 === 0) event(res, 'ping', { type: 'ping' });
    }
    event(res, 'content_block_stop', { type: 'content_block_stop', index });
  }
  if (plan.breakAfter) {
    // fewer deltas than the break point: the error still comes before the message completes
    event(res, 'error', errorBody(plan.breakAfter.failure, plan.requestId));
    res.end();
    return { outputTokens: answer.outputTokens, broken: true };
  }
  event(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: answer.stopReason, stop_sequence: null },
    usage: usage(answer.outputTokens),
  });
  event(res, 'message_stop', { type: 'message_stop' });
  res.end();
  return { outputTokens: answer.outputTokens, broken: false };
}
