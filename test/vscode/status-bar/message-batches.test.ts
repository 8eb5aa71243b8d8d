import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunSnapshot } from '../../../src/core/generate/run/run-types';
import { datasetPathFor } from '../../../src/core/generate/run/dataset-path';
import { MessageBatchJournal, messageBatchJournalPath } from '../../../src/core/message-batches/message-batch-journal';
import type { MessageBatchSnapshot } from '../../../src/core/message-batches/snapshot';
import { offerMessageBatchPickup, COLLECT } from '../../../src/vscode/run/pending-message-batches';
import { renderStatusBar } from '../../../src/vscode/status-bar/status-bar-render';
import { toStatusFacts } from '../../../src/vscode/view-model/view-model';
import { newWorld, promptFile } from '../../core/message-batches/harness';
import { openHarness } from '../support/run-harness';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const MIN = 60_000;

describe('Message Batches in VS Code (status bar, panel state, activation pick-up)', function () {
  this.timeout(60_000);
  let real: RunSnapshot;

  before(async () => {
    const h = await openHarness({ files: { alpha: 1 } });
    try {
      const out = await h.controller.generate(await h.files());
      assert.ok(out.ok);
      await out.done;
      real = (await h.controller.snapshot())!;
    } finally {
      await h.close();
    }
  });

  it('the panel state carries each Message Batch and the tooltip lists id, state, counts, written, age and expiry', () => {
    const batches: MessageBatchSnapshot[] = [
      {
        id: 'msgbatch_01',
        file: '/ws/kb.forge.yaml',
        status: 'in_progress',
        requests: 40,
        written: 0,
        submittedAt: NOW - 12 * MIN,
        expiresAt: NOW + 24 * 60 * MIN - 12 * MIN,
      },
      {
        id: 'msgbatch_02',
        file: '/ws/kb.forge.yaml',
        status: 'ended',
        requests: 5,
        counts: { processing: 0, succeeded: 4, errored: 1, canceled: 0, expired: 0 },
        written: 4,
        submittedAt: NOW - 90 * MIN,
        expiresAt: NOW,
      },
    ];
    const snapshot: RunSnapshot = { ...real, state: 'running', messageBatches: batches, messageBatchCostUsd: 0.5 };
    const facts = toStatusFacts({
      status: { phase: 'running', simulated: false, health: 'healthy', files: ['kb.forge.yaml'] },
      snapshot,
      throughput: [],
      now: NOW,
      displayPath: (p) => path.basename(p),
    });
    assert.deepEqual(
      facts.panel.messageBatches?.map((r) => [r.id, r.sourceFile, r.state, r.counts?.succeeded ?? null, r.written]),
      [
        ['msgbatch_01', 'kb.forge.yaml', 'in_progress', null, 0],
        ['msgbatch_02', 'kb.forge.yaml', 'ended', 4, 4],
      ],
    );
    assert.ok(facts.panel.cost.spent >= 0.5, 'batch-priced spend is part of the cost shown');
    const r = renderStatusBar(facts, NOW);
    assert.match(r.tooltip, /Message Batches \(2\):/);
    assert.match(
      r.tooltip,
      /- `msgbatch_01` kb\.forge\.yaml: in progress, 40 processing, 0 written · submitted 12 min ago · expires in 23 h 48 min/,
    );
    assert.match(r.tooltip, /- `msgbatch_02` kb\.forge\.yaml: ended, 4 succeeded, 1 errored, 4 written · submitted 1 h 30 min ago$/m);
  });

  it('on activation, batches an earlier run left at Anthropic are counted and collected on request', async () => {
    const { dir } = newWorld();
    const file = promptFile(dir, 3);
    const journal = (await MessageBatchJournal.open(messageBatchJournalPath(datasetPathFor(file))))!;
    await journal.append({ t: 'intent', key: 'k', file: file.name, at: NOW, requests: [{ c: 'a', id: 'a', i: 0 }] }, true);
    await journal.append({ t: 'created', key: 'k', batchId: 'msgbatch_9', createdAt: NOW, expiresAt: NOW + 1 }, true);
    await journal.close();
    const messages: string[] = [];
    let collected: string[] = [];
    const n = await offerMessageBatchPickup(
      [file],
      false,
      { info: async (m: string) => (messages.push(m), COLLECT) },
      async (files) => void (collected = files.map((f) => f.name)),
    );
    assert.equal(n, 1);
    assert.match(messages[0]!, /1 Message Batch from an earlier run \(kb\) still processing or not yet collected/);
    assert.deepEqual(collected, ['kb']);
    // A dry run's datasets are others: nothing pending there.
    assert.equal(await offerMessageBatchPickup([file], true, { info: async () => undefined }, async () => undefined), 0);
    assert.ok(fs.existsSync(messageBatchJournalPath(datasetPathFor(file))));
  });
});
