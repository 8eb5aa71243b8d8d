import type { Dimension, Limits, OutputAccounting } from '../core/limiter/types';
import { TwoWindowLimit } from './two-window-limit';

/**
 * The three limits of one model class (each a minute and a short-interval bucket), the admission
 * rule and the rate-limit headers they imply.
 */
export interface Rejection {
  readonly dimension: Dimension;
  readonly limit: number;
  /** Whole seconds, ceil of the time until every bucket can pay. */
  readonly retryAfterSeconds: number;
}

const UNIT: Record<Dimension, string> = {
  requests: 'requests',
  inputTokens: 'input tokens',
  outputTokens: 'output tokens',
};

export function rejectionMessage(r: Rejection, modelClass: string): string {
  return (
    `This request would exceed your organization's rate limit of ${r.limit.toLocaleString('en-US')} ` +
    `${UNIT[r.dimension]} per minute (model class: ${modelClass}). For details, refer to: ` +
    'https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. ' +
    'Please reduce the prompt length or the maximum tokens requested, or try again later.'
  );
}

export class ClassLimiter {
  readonly requests: TwoWindowLimit;
  readonly inputTokens: TwoWindowLimit;
  readonly outputTokens: TwoWindowLimit;

  constructor(limits: Limits, burstSeconds: number, now: number) {
    this.requests = new TwoWindowLimit(limits.requestsPerMinute, burstSeconds, now);
    this.inputTokens = new TwoWindowLimit(limits.inputTokensPerMinute, burstSeconds, now);
    this.outputTokens = new TwoWindowLimit(limits.outputTokensPerMinute, burstSeconds, now);
  }

  reconfigure(limits: Limits, burstSeconds: number, now: number): void {
    this.requests.reconfigure(limits.requestsPerMinute, burstSeconds, now);
    this.inputTokens.reconfigure(limits.inputTokensPerMinute, burstSeconds, now);
    this.outputTokens.reconfigure(limits.outputTokensPerMinute, burstSeconds, now);
  }

  refill(now: number): void {
    for (const b of [this.requests, this.inputTokens, this.outputTokens]) b.refill(now);
  }

  /**
   * Takes what the request costs now, or names the dimension that keeps it waiting longest, with
   * retry-after the time until every bucket can pay. Output is charged later ('actual') or reserved
   * now as max_tokens ('reserve'); either way a bucket in debt admits nothing.
   */
  admit(inputTokens: number, maxTokens: number, accounting: OutputAccounting, now: number): Rejection | undefined {
    const waits: [Dimension, TwoWindowLimit, number][] = [
      ['requests', this.requests, this.requests.waitFor(1, now)],
      ['inputTokens', this.inputTokens, this.inputTokens.waitFor(inputTokens, now)],
      [
        'outputTokens',
        this.outputTokens,
        accounting === 'reserve' ? this.outputTokens.waitFor(maxTokens, now) : this.outputTokens.waitForSolvency(now),
      ],
    ];
    // the longest wait; on a tie the first in order, so one blocked dimension is always the one named
    const blocked = waits.reduce<(typeof waits)[number] | undefined>((worst, w) => (w[2] > (worst?.[2] ?? 0) ? w : worst), undefined);
    if (blocked) {
      const [dimension, bucket, wait] = blocked;
      return { dimension, limit: bucket.limit, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    }
    this.requests.take(1, now);
    this.inputTokens.take(inputTokens, now);
    if (accounting === 'reserve') this.outputTokens.take(maxTokens, now);
    return undefined;
  }

  /** Charges generated output; under 'reserve' the reservation is settled against it. */
  chargeOutput(outputTokens: number, reserved: number, now: number): void {
    if (reserved > 0) this.outputTokens.refund(reserved, now);
    this.outputTokens.take(outputTokens, now);
  }

  /**
   * The `anthropic-ratelimit-*` headers, as the real API sends them on every response: they
   * describe the minute buckets (the short-interval buckets only show up as 429s).
   */
  headers(now: number): Record<string, string> {
    const out: Record<string, string> = {};
    const put = (name: string, bucket: TwoWindowLimit, roundToThousand: boolean) => {
      const level = Math.max(0, bucket.remaining(now));
      const remaining = roundToThousand ? Math.round(level / 1000) * 1000 : Math.floor(level);
      out[`anthropic-ratelimit-${name}-limit`] = String(bucket.limit);
      out[`anthropic-ratelimit-${name}-remaining`] = String(remaining);
      out[`anthropic-ratelimit-${name}-reset`] = rfc3339(now + bucket.msUntilFull(now));
    };
    put('requests', this.requests, false);
    put('input-tokens', this.inputTokens, true);
    put('output-tokens', this.outputTokens, true);
    // tokens-* reports whichever token bucket is most restrictive right now, as the API documents
    put('tokens', this.outputTokens.fill(now) < this.inputTokens.fill(now) ? this.outputTokens : this.inputTokens, true);
    return out;
  }
}

/** RFC 3339 in whole seconds, rounded up so "full again" is never early. */
export function rfc3339(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
