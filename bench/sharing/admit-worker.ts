import { createRateLimiter } from '../../src/core/limiter';
import { LocalStore } from '../../src/core/limiter/stores/local-store';
import { systemClock } from '../../src/core/clock';

/**
 * One process hammering admit + settle on a shared LocalStore for `ms` once told to start, then
 * printing how many decisions it made (JSON on stdout). argv: file ms [inFlight]: `inFlight` loops
 * admit and settle at once, as a process with that many requests in flight does. It prints `ready` once
 * loaded and starts on the first line from stdin, so slow start-ups do not shorten the window.
 */
async function main(): Promise<void> {
  const [file, ms, inFlight] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4] ?? 1)];
  const store = new LocalStore({ file });
  const limiter = createRateLimiter({
    clock: systemClock,
    limits: () => ({ requestsPerMinute: 1e12, inputTokensPerMinute: 1e15, outputTokensPerMinute: 1e15 }),
    outputAccounting: 'actual',
    store,
  });
  const demand = { modelClass: 'haiku', inputTokens: 10, maxTokens: 10 };
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  let decisions = 0;
  const end = Date.now() + ms;
  const loop = async (): Promise<void> => {
    while (Date.now() < end) {
      const d = await limiter.admit(demand);
      decisions++;
      if (d.admitted) {
        await limiter.settle(d.permit, { outcome: 'not_sent' });
        decisions++;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  process.stdout.write(`${JSON.stringify({ decisions })}\n`);
}

void main();
