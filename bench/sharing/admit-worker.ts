import { createRateLimiter } from '../../src/core/limiter';
import { LocalStore } from '../../src/core/limiter/stores/local-store';
import { systemClock } from '../../src/core/clock';

/**
 * One process hammering admit + settle on a shared LocalStore from `startAt` for `ms`, then
 * printing how many decisions it made (JSON on stdout). argv: file startAt ms.
 */
async function main(): Promise<void> {
  const [file, startAt, ms] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
  const store = new LocalStore({ file });
  const limiter = createRateLimiter({
    clock: systemClock,
    limits: () => ({ requestsPerMinute: 1e12, inputTokensPerMinute: 1e15, outputTokensPerMinute: 1e15 }),
    outputAccounting: 'actual',
    store,
  });
  const demand = { modelClass: 'haiku', inputTokens: 10, maxTokens: 10 };
  while (Date.now() < startAt) await new Promise((r) => setTimeout(r, 1));
  let decisions = 0;
  const end = startAt + ms;
  while (Date.now() < end) {
    const d = await limiter.admit(demand);
    decisions++;
    if (d.admitted) {
      await limiter.settle(d.permit, { outcome: 'not_sent' });
      decisions++;
    }
  }
  process.stdout.write(`${JSON.stringify({ decisions })}\n`);
}

void main();
