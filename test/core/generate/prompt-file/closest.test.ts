import assert from 'node:assert/strict';
import { closest, nearest } from '../../../../src/core/generate/prompt-file/closest';
import { checkModel } from '../../../../src/core/generate/prompt-file/field-checks';

const IDS = ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5', 'claude-fable-5-2', 'claude-sonnet-5', 'claude-haiku-4-5'];

describe('closest and nearest ids', () => {
  it('closest takes only a plausible typo', () => {
    assert.equal(closest('claude-haiku-5', IDS), 'claude-haiku-5-5');
    assert.equal(closest('claude-3-5-sonnet-20241022', IDS), undefined);
  });

  it('nearest ranks ids sharing a word first, then by edits', () => {
    assert.deepEqual(nearest('claude-3-5-sonnet-20241022', IDS, 2), ['claude-sonnet-5', 'claude-sonnet-5-5']);
    assert.deepEqual(nearest('claude-3-haiku-20240307', IDS, 1), ['claude-haiku-4-5']);
  });

  it('an unknown model far from every id lists the closest ids', () => {
    const [f] = checkModel({ model: 'claude-3-5-sonnet-20241022' }, { knownModel: () => false, modelIds: IDS });
    assert.match(f!.message, /got "claude-3-5-sonnet-20241022"; closest ids: claude-sonnet-5, claude-sonnet-5-5, /);
    const [typo] = checkModel({ model: 'claude-haiku-5' }, { knownModel: () => false, modelIds: IDS });
    assert.match(typo!.message, /did you mean "claude-haiku-5-5"\?\), got "claude-haiku-5"$/);
  });
});
