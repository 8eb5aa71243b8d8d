import Anthropic from '@anthropic-ai/sdk';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/sim/index';
import type { FakeClock } from '../support/fake-clock';

/** Fast defaults for tests: no latency unless a test asks for it. */
export const FAST: SimulatorOptions = { latency: { baseMs: 0, perOutputTokenMs: 0, jitterMs: 0 }, seed: 7 };

export interface SimFixture {
  sim: SimulatorHandle;
  client: Anthropic;
}

export async function startFixture(options: SimulatorOptions = {}): Promise<SimFixture> {
  const sim = await startSimulator({ ...FAST, ...options });
  const client = new Anthropic({ apiKey: 'sk-ant-test-key', baseURL: sim.url, maxRetries: 0 });
  return { sim, client };
}

export const HELLO = { model: 'claude-haiku-5-5', max_tokens: 400, messages: [{ role: 'user' as const, content: 'Hello there' }] };

/** Runs `fn` and returns what it threw (fails the test when it does not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

/**
 * Waits (in real time, generously) until the simulator running on `clock` has `count` timers
 * pending: its latency sleeps. Returns how far ahead the earliest one is due, so a test reads
 * the latency the simulator chose instead of timing requests on a machine that may be busy.
 */
export async function pendingLatency(clock: FakeClock, count = 1, deadlineMs = 10_000): Promise<number> {
  const until = Date.now() + deadlineMs;
  while (clock.pendingTimers < count) {
    if (Date.now() > until) throw new Error(`Timed out after ${deadlineMs} ms waiting for ${count} simulator timer(s)`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return clock.nextTimerAt()! - clock.now();
}
