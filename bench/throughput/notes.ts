import { applyConfigPatch, defaultConfig } from '../../src/sim/options';
import { fmt } from '../table';
import type { RunResult } from './harness';
import type { Ideal } from './ideal';
import { latencyTailSeconds } from './latency-tail';
import type { Scenario } from './scenarios';

/** Short per-row notes, and the longer account of where Forge's time went. */
export function rowNote(r: RunResult): string {
  const parts: string[] = [];
  if (r.capped) parts.push(`capped at ${fmt(r.wallSeconds, 0)} s, ${r.succeeded}/${r.jobs} done, time extrapolated`);
  if (r.lost > 0) parts.push(`${r.lost} given up after retries`);
  const answers = (r.succeeded + r.duplicated) * r.steps;
  if (r.simMessages > answers) parts.push(`${r.simMessages - answers} answers served but not received`);
  if (r.httpRequests > 0 && r.http429 / r.httpRequests >= 0.01 && r.client === 'Conversation Forge') parts.push('429s ≥ 1%');
  return parts.join('; ');
}

/**
 * Splits Forge's shortfall into what its design costs by construction and what is left.
 * By construction: the limiter's buckets hold `paceSeconds` (1 s) less the transit allowance (0.1 s)
 * of refill at 98 % of the limit, so its first burst is 0.9 s of refill where the server's window
 * (burstSeconds, 1 s by default) would take 1 s, and it paces 2 % under the limit; not told the
 * limits, only one request goes out until the first headers (the probe, learning.ts); a fault the
 * server refused before its limits (529, 500, reset) stays charged. Not Forge's design but in every
 * client's time: the latest of the last answers finishes after the mean latency (latency-tail.ts).
 */
export function forgeShortfall(s: Scenario, ideal: Ideal, forge: RunResult, runs: readonly RunResult[]): string[] {
  const best = runs.reduce((a, b) => (b.efficiency > a.efficiency ? b : a));
  const first = best === forge || best.efficiency <= forge.efficiency;
  if (forge.efficiency >= 0.97 && first) return [];
  const lines: string[] = [];
  const config = applyConfigPatch(defaultConfig(), s.sim);
  const d = forge.diagnostics ?? {};
  // In requests: a job of k steps is k requests (conversations of several turns).
  const rate = ideal.jobsPerSecond * forge.steps; // requests/s the binding limit allows (initial limits)
  const burstSeconds = config.burstSeconds;
  const serverBurstJobs = rate * burstSeconds;
  const forgeBurstJobs = rate * 0.98 * 0.9;
  const margin = 0.98;
  // As the ideal counts them: a mid-stream overload is admitted and charged, so the jobs need 1/(1 − p_mid) requests.
  const n = (forge.jobs * forge.steps) / (1 - config.faults.rates.midstream_overload);
  const probe = Number(d['probeSeconds'] ?? 0);
  const charged = Number(d['chargedFaults'] ?? 0);
  const plain = forgeDesignSeconds(s, n, rate, margin, forgeBurstJobs, 0);
  const probed = forgeDesignSeconds(s, n, rate, margin, forgeBurstJobs, probe);
  const withFaults = forgeDesignSeconds(s, n + charged, rate, margin, forgeBurstJobs, probe);
  const endRate = rate * margin * rateScaleAtEnd(s);
  const tail = latencyTailSeconds(endRate, config.latency.jitterMs);
  const designSeconds = withFaults + ideal.meanLatencyMs / 1000 + tail;
  lines.push(
    `Forge ${fmt(forge.efficiency, 2)}${first ? '' : ` vs ${best.client} ${fmt(best.efficiency, 2)}`}: ` +
      `wall ${fmt(forge.wallSeconds, 1)} s vs ideal ${fmt(ideal.seconds, 1)} s.`,
  );
  const burstLoss = (serverBurstJobs - forgeBurstJobs) / rate;
  lines.push(
    `  burst not used: the server admits ${fmt(serverBurstJobs)} requests at once (${burstSeconds} s window), Forge's limiter ` +
      `${fmt(forgeBurstJobs, 1)} (paceSeconds 1 less 0.1 s transit allowance) → ~${fmt(burstLoss, 2)} s; pacing at 98 % → ~${fmt(((n - forgeBurstJobs) / rate) * (1 / margin - 1), 2)} s.`,
  );
  if (probe > 0)
    lines.push(
      `  probe (not told the limits, by design): one request until the first headers, at ${fmt(probe, 2)} s; ` +
        `what the limit would have admitted meanwhile goes out at the end, at the rate then in force → ~${fmt(probed - plain, 2)} s.`,
    );
  if (charged > 0)
    lines.push(
      `  ${charged} faults refused before the limits (529, 500, reset) stay charged in Forge's limiter (whether the real API counts ` +
        `a 5xx is not documented; a reset may have reached the model); the simulator charges them nothing → ~${fmt(withFaults - probed, 2)} s.`,
    );
  if (tail >= 0.05)
    lines.push(
      `  latency tail (every client's, not Forge's): answers take ${fmt(config.latency.baseMs / 1000, 1)}-${fmt((config.latency.baseMs + config.latency.jitterMs) / 1000, 1)} s ` +
        `(+ output time), so the last ones sent finish on average ${fmt(tail, 2)} s after the mean latency the ideal counts; ` +
        `a perfect client's expected time is ${fmt(ideal.seconds + latencyTailSeconds(rate * rateScaleAtEnd(s), config.latency.jitterMs), 1)} s.`,
    );
  lines.push(`  best Forge can do by design: ${fmt(designSeconds, 1)} s = efficiency ${fmt(ideal.seconds / designSeconds, 2)}.`);
  lines.push(
    `  beyond that: ${fmt(forge.projectedSeconds - designSeconds, 1)} s` +
      (forge.steadyShare !== undefined ? `; steady rate ${fmt(100 * forge.steadyShare, 1)} % of the limit` : '') +
      `; concurrency ${d['concurrencyAt2s']} @2s → ${d['concurrencyAt5s']} @5s → peak ${d['peakConcurrency']} @${d['secondsToPeakConcurrency']}s` +
      ` (Little's law needs ~${fmt(Math.ceil(rate * (ideal.meanLatencyMs / 1000) * 1.25))} at ${fmt(rate, 1)} requests/s × ${fmt(ideal.meanLatencyMs / 1000, 2)} s × 1.25).`,
  );
  if (forge.http429 > 0 && !s.limitChanges)
    lines.push(
      `  ${forge.http429} 429s, in the time beyond: each pauses the class for its retry-after (whole seconds, at least 1) and, when its ` +
        'headers show room, cuts the rate once per episode until answers prove room again (3 s answers: seconds). They come from ' +
        "requests the limiter spaced that reached the server bunched, past the 0.1 s transit allowance: the simulator shares the client's " +
        'event loop, so on a loaded machine a stall delivers what was sent before it together with what is sent after.',
    );
  if (s.told === false) {
    lines.push(
      `  not told the limits: Forge started from the Start preset (1,000 RPM) and learned ${fmt(s.limits.requestsPerMinute)} RPM from the headers; ` +
        `${forge.http429} 429s; 90 % of the true limit reached after ${forge.secondsTo90 !== undefined ? `${fmt(forge.secondsTo90, 1)} s` : 'never'}.`,
    );
  }
  if (s.limitChanges)
    lines.push(
      `  limits change mid-run: Forge adopts the new limit from the headers (${forge.http429} 429s); the design bound above follows the new limit.`,
    );
  if (Number(d['retries'] ?? 0) > 0) {
    lines.push(
      `  ${d['retries']} retries: a job's first fault amid answers is retried after a fifth of the backoff (50-100 ms), paid from a retry budget ` +
        '(one per ten answers, at most five in a row, retry-budget.ts); later faults of a job, or faults that come thick, wait the full 250-500 ms backoff and more.',
    );
  }
  if (!first) {
    lines.push(
      `  ${best.client} is ahead: ${best.http429} 429s of ${best.httpRequests} requests, ${best.lost} lost, first second ${best.firstSecondRequests} requests (Forge ${forge.firstSecondRequests}).`,
    );
  }
  return lines;
}

/** The request limit in force at the end over the starting one (limit changes in the scenarios are to RPM). */
function rateScaleAtEnd(s: Scenario): number {
  const last = s.limitChanges?.at(-1);
  return last ? last.limits.requestsPerMinute / s.limits.requestsPerMinute : 1;
}

/**
 * Seconds for Forge's own limiter to admit n requests: from `startAt` (the probe's end, else 0) its
 * 1 s bucket (plus the probe), then 98 % of the (changing) rate.
 */
function forgeDesignSeconds(s: Scenario, n: number, rate: number, margin: number, burstJobs: number, startAt: number): number {
  const scaleAt = (sec: number) => {
    const c = (s.limitChanges ?? []).filter((x) => x.atMs / 1000 <= sec).at(-1);
    return c ? c.limits.requestsPerMinute / s.limits.requestsPerMinute : 1;
  };
  let have = burstJobs + (startAt > 0 ? 1 : 0);
  let at = startAt;
  let perSecond = rate * margin * scaleAt(at);
  for (const c of s.limitChanges ?? []) {
    if (c.atMs / 1000 <= at) continue;
    const gain = (c.atMs / 1000 - at) * perSecond;
    if (have + gain >= n) break;
    have += gain;
    at = c.atMs / 1000;
    perSecond = rate * margin * scaleAt(at);
  }
  return at + Math.max(0, n - have) / perSecond;
}

/** A scenario's own note, with the figures that bear on it (generous-burst: Forge vs its what-if row). */
export function scenarioNote(s: Scenario, forge: RunResult | undefined, whatIf: RunResult | undefined): string[] {
  if (!s.note) return [];
  const lines = [s.note];
  if (forge && whatIf) {
    lines.push(
      `  here: Forge ${fmt(forge.efficiency, 2)} (${forge.http429} × 429, first second ${forge.firstSecondRequests} requests); ` +
        `what-if paceSeconds 6 ${fmt(whatIf.efficiency, 2)} (${whatIf.http429} × 429, first second ${whatIf.firstSecondRequests} requests).`,
    );
  }
  return lines;
}
