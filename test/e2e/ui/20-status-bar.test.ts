// (b) The status-bar item through a run: healthy, throttled with a countdown while the simulator
// answers 429, healthy again, and the done/total count reaching the total.
import * as assert from 'node:assert/strict';
import { scenario } from '../support/define-scenario';
import { datasetFile, generateCurrent, stats, waitDatasetLines } from '../support/run-helpers';
import type { StatusSnapshot } from '../support/workbench';

const DONE_TOTAL = /(\d[\d,]*)\s*\/\s*(\d[\d,]*)/;
const PERCENT = /\d+\s*%/;
/** "12 s", "0:12", "12s" — a countdown during a 429 pause. */
const COUNTDOWN = /\b\d+\s*s\b|\b\d+:\d\d\b/;

function doneTotal(s: StatusSnapshot): [number, number] | undefined {
  const m = DONE_TOTAL.exec(s.text);
  return m ? [Number(m[1]!.replace(/,/g, '')), Number(m[2]!.replace(/,/g, ''))] : undefined;
}

describe('status bar', () => {
  scenario(
    'b-status-bar: healthy, throttled with a countdown during a 429 storm, healthy again',
    { settings: { 'conversationForge.maxConcurrency': 2 }, simulator: { latency: { baseMs: 500, perOutputTokenMs: 1, jitterMs: 50 } } },
    async (s) => {
      const seen: StatusSnapshot[] = [];
      await generateCurrent(s, 'long.forge.yaml');
      await s.wb.waitStatusItem(30_000);

      const healthy = await s.wb.waitStatus(
        (st) => doneTotal(st)?.[1] === 40 && doneTotal(st)![0] >= 1 && st.kind === 'standard',
        45_000,
        seen,
      );
      assert.match(healthy.text, PERCENT, `no utilization % in ${JSON.stringify(healthy.text)}`);
      await s.wb.step('healthy');

      // a 429 storm: every messages request is rate limited for 8 s, with retry-after
      s.sim.configure({ faults: { stormSeconds: 8, script: [{ kind: 'rate_limit_storm' }] } });
      const throttled = await s.wb.waitStatus((st) => st.kind === 'error' && COUNTDOWN.test(st.text), 30_000, seen);
      await s.wb.step('throttled');
      assert.ok(stats(s).rateLimited >= 1, 'the simulator sent no 429');
      // the countdown counts down
      const first = Number(/\d+/.exec(throttled.text.match(COUNTDOWN)![0])![0]);
      const later = await s.wb
        .waitStatus(
          (st) => {
            const m = st.text.match(COUNTDOWN);
            return m !== null && Number(/\d+/.exec(m[0])![0]) < first;
          },
          10_000,
          seen,
        )
        .catch(() => undefined);
      assert.ok(later, `the countdown did not count down from ${first}: ${JSON.stringify(seen.map((x) => x.text))}`);

      const recovered = await s.wb.waitStatus(
        (st) => st.kind === 'standard' && !COUNTDOWN.test(st.text.replace(DONE_TOTAL, '')),
        40_000,
        seen,
      );
      await s.wb.step('recovered');
      assert.ok(doneTotal(recovered), `no done/total after recovery: ${recovered.text}`);
      // a pause that honours retry-after sends few requests into the storm
      assert.ok(stats(s).rateLimited <= 6, `${stats(s).rateLimited} requests hit the storm: dispatch did not pause`);

      await waitDatasetLines(datasetFile(s, 'long'), 40, 120_000);
      const done = await s.wb.waitStatus((st) => doneTotal(st)?.[0] === 40, 15_000, seen);
      assert.equal(done.kind, 'standard');
      console.log(`      status texts: ${JSON.stringify([...new Set(seen.map((x) => `${x.kind}: ${x.text}`))].slice(0, 12))}`);
    },
    180_000,
  );
});
