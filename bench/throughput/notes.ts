import { applyConfigPatch, defaultConfig } from '../../src/sim/options';
import { fmt } from '../table';
import type { RunResult } from './harness';
import type { Ideal } from './ideal';
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
 * (burstSeconds, 1 s by default) would take 1 s, and it paces 2 % under the limit.
 */
export function forgeShortfall(s: Scenario, ideal: Ideal, forge: RunResult, runs: readonly RunResult[]): string[] {
  const best = runs.reduce((a, b) => (b.efficiency > a.efficiency ? b : a));
  const first = best === forge || best.efficiency <= forge.efficiency;
  if (forge.efficiency >= 0.97 && first) return [];
  const lines: string[] = [];
  // In requests: a job of k steps is k requests (conversations of several turns).
  const rate = ideal.jobsPerSecond * forge.steps; // requests/s the binding limit allows (initial limits)
  const burstSeconds = applyConfigPatch(defaultConfig(), s.sim).burstSeconds;
  const serverBurstJobs = rate * burstSeconds;
  const forgeBurstJobs = rate * 0.98 * 0.9;
  const margin = 0.98;
  const n = forge.jobs * forge.steps;
  // Forge's best case by design: its own 1 s bucket, then 98 % of the rate (of the limit in force).
  const designSeconds = forgeDesignSeconds(s, n, rate, margin, forgeBurstJobs) + ideal.meanLatencyMs / 1000;
  lines.push(
    `Forge ${fmt(forge.efficiency, 2)}${first ? '' : ` vs ${best.client} ${fmt(best.efficiency, 2)}`}: ` +
      `wall ${fmt(forge.wallSeconds, 1)} s vs ideal ${fmt(ideal.seconds, 1)} s.`,
  );
  {
    const burstLoss = (serverBurstJobs - forgeBurstJobs) / rate;
    lines.push(
      `  burst not used: the server admits ${fmt(serverBurstJobs)} requests at once (${burstSeconds} s window), Forge's limiter ` +
        `${fmt(forgeBurstJobs, 1)} (paceSeconds 1 less 0.1 s transit allowance) → ~${fmt(burstLoss, 2)} s; pacing at 98 % → ~${fmt(((n - forgeBurstJobs) / rate) * (1 / margin - 1), 2)} s. ` +
        `Best Forge can do by design: ${fmt(designSeconds, 1)} s = efficiency ${fmt(ideal.seconds / designSeconds, 2)}.`,
    );
    const rest = forge.projectedSeconds - designSeconds;
    const d = forge.diagnostics ?? {};
    lines.push(
      `  beyond that: ${fmt(rest, 1)} s` +
        (forge.steadyShare !== undefined ? `; steady rate ${fmt(100 * forge.steadyShare, 1)} % of the limit` : '') +
        `; concurrency ${d['concurrencyAt2s']} @2s → ${d['concurrencyAt5s']} @5s → peak ${d['peakConcurrency']} @${d['secondsToPeakConcurrency']}s` +
        ` (Little's law needs ~${fmt(Math.ceil(rate * (ideal.meanLatencyMs / 1000) * 1.25))} at ${fmt(rate, 1)} requests/s × ${fmt(ideal.meanLatencyMs / 1000, 2)} s × 1.25).`,
    );
  }
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
  if (forge.diagnostics && Number(forge.diagnostics['retries']) > 0) {
    lines.push(
      `  ${forge.diagnostics['retries']} retries: the simulator refuses a 529/500/reset before its rate limits, so it costs nothing there; ` +
        "Forge's limiter refunds the input of a 529/500 but keeps the request charged (whether the real API counts it is not " +
        'documented), and keeps a reset (it may have reached the model), so its request budget shrinks by the fault rate; ' +
        'retried jobs also wait a 0.5-1 s backoff, which lands in the tail.',
    );
  }
  if (!first) {
    lines.push(
      `  ${best.client} is ahead: ${best.http429} 429s of ${best.httpRequests} requests, ${best.lost} lost, first second ${best.firstSecondRequests} requests (Forge ${forge.firstSecondRequests}).`,
    );
  }
  return lines;
}

/** Seconds for Forge's own limiter to admit n jobs: its 1 s bucket, then 98 % of the (changing) rate. */
function forgeDesignSeconds(s: Scenario, n: number, rate: number, margin: number, burstJobs: number): number {
  const changes = s.limitChanges ?? [];
  let have = burstJobs;
  let at = 0;
  let perSecond = rate * margin;
  for (const c of changes) {
    const gain = ((c.atMs - at * 1000) / 1000) * perSecond;
    if (have + gain >= n) break;
    have += gain;
    at = c.atMs / 1000;
    // limit changes in the scenarios are to RPM, so the new rate scales with it
    perSecond = rate * margin * (c.limits.requestsPerMinute / s.limits.requestsPerMinute);
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
