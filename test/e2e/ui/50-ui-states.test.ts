// (k) The run as a user sees it, in the dark and the light theme: the queue panel and the status
// bar screenshotted at fixed states (start, at the limit, a 429 pause, paused by the user,
// finished), what each says checked, the grids' header and row cells measured for alignment at
// every state, and the notifications a run leaves (quiet: only the finished one).
import * as assert from 'node:assert/strict';
import { scenario } from '../support/define-scenario';
import { generateCurrent, openPanel, stats } from '../support/run-helpers';
import { waitFor } from '../support/scenario';
import { assertGridsAligned, shootState } from '../support/ui-states';

const CONVERSATIONS = 90;
const STATES_FILE = `# 90 one-request conversations: ~45 s at the simulator's 120 RPM.
name: states
model: claude-haiku-5-5
count: ${CONVERSATIONS}
turns: 2
priority: normal
max_tokens: 256
strategy: single
system: |
  You write short, realistic customer-support dialogues.
prompt: |
  A {{persona}} asks about {{topic}}.
variables:
  persona: [buyer, seller, reseller]
  topic: [a refund, a late delivery, a damaged item, a wrong size, an invoice, a discount]
output:
  path: datasets/states.jsonl
  format: openai
`;

const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern' } as const;

describe('the panel and the status bar at fixed states (screenshots)', () => {
  for (const [theme, colorTheme] of Object.entries(THEMES)) {
    scenario(
      `k-ui-states-${theme}: start, at the limit, a 429 pause, paused by the user, finished; grids aligned; quiet`,
      {
        files: { 'states.forge.yaml': STATES_FILE },
        // The account's limit configured, so no start-up burst draws 429s that cut the pace
        // (the run is to reach its limit here; the 429 pause is made on purpose below). The cap on
        // requests in flight is far above the ~2 that 120/min needs at 0.65 s answers: with 4, a
        // machine at load 20 answered so slowly that the run never reached its limit.
        settings: {
          'workbench.colorTheme': colorTheme,
          'conversationForge.maxConcurrency': 16,
          'conversationForge.limits.requestsPerMinute': 120,
        },
        simulator: {
          limits: { default: { requestsPerMinute: 120, inputTokensPerMinute: 400_000, outputTokensPerMinute: 80_000 } },
          // Enforced over 10 s rather than 1 s: a start-up 429 would cut the pace below the limit
          // for the rest of this short run, and the state to see here is pacing at it.
          burstSeconds: 10,
          latency: { baseMs: 400, perOutputTokenMs: 1, jitterMs: 50 },
        },
      },
      async (s) => {
        // Palette hygiene: no Pause without a run.
        await assert.rejects(s.wb.findInPalette('pause', 4_000), /has no "Conversation Forge: Pause"/);
        await s.wb.closeQuickInput();

        await generateCurrent(s, 'states.forge.yaml');
        const view = await openPanel(s);
        await s.wb.waitStatusItem(30_000);
        const status = async () => s.wb.readStatus();
        const texts: string[] = [];
        const note = async () => texts.push(`${(await status()).kind}: ${(await status()).text}`);

        // start: the first seconds, as soon as the run shows its batch
        await view.locator('.batch-row').first().waitFor({ timeout: 30_000 });
        await note();
        await shootState(s, 'start', theme);
        await view.locator('.job-row').first().waitFor({ timeout: 30_000 });
        await assertGridsAligned(view, 'start');

        // at the limit: pacing at 120/min as intended, not red. Utilization hovers around 90 %,
        // so the panel and the status bar are read together until both say so.
        await waitFor(
          'the panel and the status bar at the limit',
          async () => {
            const panelText = await view
              .locator('.pace.pace-atLimit')
              .innerText({ timeout: 1_000 })
              .catch(() => '');
            const st = await s.wb.readStatus();
            return /^Full speed: pacing at the requests limit \(120\/min\)/.test(panelText) &&
              /Full speed · \d+\/90 done · \d+% of limit/.test(st.text)
              ? (assert.equal(st.kind, 'standard', `at the limit the status bar is not coloured: ${st.text}`) ?? true)
              : undefined;
          },
          60_000,
          100,
        );
        await note();
        await shootState(s, 'at-limit', theme);
        await assertGridsAligned(view, 'at the limit');

        // a 429 pause: held back by the server, the only red
        s.sim.configure({ faults: { stormSeconds: 6, script: [{ kind: 'rate_limit_storm' }] } });
        await view.locator('.pace.pace-heldBack').waitFor({ timeout: 30_000 });
        const held = await s.wb.waitStatus((st) => st.kind === 'error' && /Held back/.test(st.text), 10_000);
        assert.ok(stats(s).rateLimited >= 1, 'the simulator sent no 429');
        texts.push(`${held.kind}: ${held.text}`);
        await shootState(s, '429-pause', theme);
        await view.locator('.pace.pace-atLimit, .pace.pace-underLimit').waitFor({ timeout: 60_000 });

        // paused by the user
        await view.locator('.pause-button').click();
        await view.locator('.pace.pace-paused').waitFor({ timeout: 15_000 });
        const paused = await s.wb.waitStatus((st) => /Paused by you · \d+\/90 done/.test(st.text), 10_000);
        assert.equal(paused.kind, 'standard');
        await note();
        await shootState(s, 'paused-by-user', theme);
        await assertGridsAligned(view, 'paused by the user');
        await view.locator('.resume-button').click();

        // finished: nothing of the run's pacing left
        await view.locator('.pace.pace-finished').waitFor({ timeout: 150_000 });
        const done = await s.wb.waitStatus((st) => st.text.includes(`Finished · ${CONVERSATIONS}/${CONVERSATIONS} done`), 15_000);
        assert.equal(done.kind, 'standard');
        assert.equal(await view.locator('.pause-countdown').isVisible(), false);
        assert.equal(await view.locator('.pace').innerText(), `Finished: ${CONVERSATIONS} of ${CONVERSATIONS} done.`);
        await waitFor(
          'final job states',
          async () => {
            const st = await view.locator('.job-row .job-state').allInnerTexts();
            return st.length > 0 && st.every((x) => x.trim() === 'succeeded') ? true : undefined;
          },
          15_000,
        );
        await note();
        await shootState(s, 'finished', theme);
        await assertGridsAligned(view, 'finished');

        // Quiet: the 429s and the pauses made no toasts; the one notification is the finish.
        const toasts = await s.wb.notifications();
        assert.ok(
          toasts.every((t) => /run finished/.test(t)),
          `unexpected notifications: ${JSON.stringify(toasts)}`,
        );
        console.log(`      status texts (${theme}): ${JSON.stringify(texts)}`);
      },
      300_000,
    );
  }
});
