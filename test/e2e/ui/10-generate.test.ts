// (a) Generate from the palette and get the dataset; (e) cancel mid-run and resume without duplicates.
import * as assert from 'node:assert/strict';
import { scenario } from '../support/define-scenario';
import {
  acceptStartPromptIfAny,
  assertOpenAiRecords,
  datasetFile,
  generateCurrent,
  sleep,
  stats,
  waitDatasetLines,
} from '../support/run-helpers';
import { waitFor } from '../support/scenario';
import { readJsonLines } from '../support/workbench';

describe('generate', () => {
  scenario('a-generate: Generate from Current Prompt File writes the dataset', {}, async (s) => {
    await generateCurrent(s, 'small.forge.yaml');
    const lines = await waitDatasetLines(datasetFile(s, 'small'), 6, 60_000);
    // no more than asked for, even after the run settles
    await sleep(1_000);
    const final = readJsonLines(datasetFile(s, 'small'));
    assert.equal(final.lines.length, 6);
    assert.deepEqual(final.invalid, []);
    assertOpenAiRecords(lines, 2);
    assert.ok(stats(s).messages >= 6, `simulator served ${stats(s).messages} messages`);
  });

  scenario(
    'e-cancel-resume: Cancel mid-run, run again, the dataset completes without duplicates',
    { settings: { 'conversationForge.maxConcurrency': 2 }, simulator: { latency: { baseMs: 600, perOutputTokenMs: 1, jitterMs: 50 } } },
    async (s) => {
      const file = datasetFile(s, 'long');
      await generateCurrent(s, 'long.forge.yaml');
      await waitDatasetLines(file, 4, 60_000);
      await s.wb.runCommand('cancel');
      await acceptStartPromptIfAny(s.wb); // a "cancel the run?" confirmation, if there is one
      // dispatch stops: the simulator sees no new requests
      const settled = await waitFor(
        'dispatch to stop after Cancel',
        async () => {
          const before = stats(s).requests;
          await sleep(2_000);
          return stats(s).requests === before ? before : undefined;
        },
        20_000,
        0,
      );
      const afterCancel = readJsonLines(file).lines.length;
      assert.ok(afterCancel < 40, `the run finished (${afterCancel} lines) before Cancel took effect; make it longer`);
      assert.ok(settled > 0);

      await generateCurrent(s, 'long.forge.yaml');
      const lines = await waitDatasetLines(file, 40, 120_000);
      await sleep(1_500);
      const final = readJsonLines(file).lines;
      assert.equal(final.length, 40, `expected 40 conversations, got ${final.length}`);
      const distinct = new Set(final.map((l) => JSON.stringify(l)));
      assert.equal(distinct.size, final.length, 'duplicate conversations in the dataset');
      assertOpenAiRecords(lines, 2);
      // resumed, not restarted: completed conversations were not generated again
      const served = stats(s).messages;
      assert.ok(served <= 40 + 2, `simulator served ${served} messages for 40 conversations: the re-run regenerated finished ones`);
    },
    180_000,
  );
});
