import * as assert from 'node:assert/strict';
import { DISCARD, offerResume, readRecord, RESUME, saveRecord } from '../../../src/vscode/run/run-record';
import { FakeState, FakeUi } from '../support/fakes';

describe('unfinished run record', () => {
  it('offers to resume an unfinished run and resumes its files', async () => {
    const state = new FakeState();
    const ui = new FakeUi();
    await saveRecord(state, { files: ['/w/a.forge.yaml'], finished: false, simulated: false, at: 1 });
    ui.buttonAnswers.push(RESUME);
    const resumed: (readonly string[])[] = [];
    assert.equal(await offerResume(state, ui, async (f) => void resumed.push(f)), 'resumed');
    assert.deepEqual(resumed, [['/w/a.forge.yaml']]);
    assert.deepEqual(ui.shown[0]!.buttons, [RESUME, DISCARD]);
  });

  it('Discard marks it finished so it is not offered again; finished runs are never offered', async () => {
    const state = new FakeState();
    const ui = new FakeUi();
    await saveRecord(state, { files: ['/w/a.forge.yaml'], finished: false, simulated: true, at: 1 });
    ui.buttonAnswers.push(DISCARD);
    assert.equal(await offerResume(state, ui, async () => assert.fail('resumed')), 'discarded');
    assert.match(ui.shown[0]!.message, /last dry run/);
    assert.equal(readRecord(state)?.finished, true);
    assert.equal(await offerResume(state, ui, async () => assert.fail('resumed')), 'none');
    assert.equal(ui.shown.length, 1);
  });
});
