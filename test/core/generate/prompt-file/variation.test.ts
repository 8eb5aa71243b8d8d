import assert from 'node:assert/strict';
import { expandConversations } from '../../../../src/core/generate/prompt-file';
import { VARIATION_CUES, variationFor } from '../../../../src/core/generate/prompt-file/variation';
import { planRequests } from '../../../../src/core/generate/strategies/request-plan';
import { messageBody } from '../../../../src/core/api/anthropic-caller';
import type { PromptFile } from '../../../../src/core/generate/types';

function file(
  count: number,
  strategy: PromptFile['strategy'],
  variables: Record<string, string[]> = { who: ['cook', 'pilot'], what: ['knives', 'storms'] },
): PromptFile {
  return {
    path: '/ws/a.forge.yaml',
    contentHash: 'c',
    promptHash: 'p'.repeat(64),
    name: 'a',
    model: 'claude-haiku-5-5',
    count,
    turns: 4,
    priority: 'normal',
    maxTokens: 1024,
    strategy,
    prompt: 'A {{who}} asks about {{what}}.',
    variables,
    output: { path: '/ws/a.jsonl', format: 'openai' },
  };
}

describe('prompt variations when count exceeds the combinations', () => {
  for (const strategy of ['single', 'turns'] as const) {
    it(`${strategy}: no two requests of a run are identical, with 4 combinations and count 400`, () => {
      const specs = expandConversations(file(400, strategy));
      const first = specs.map((s) => JSON.stringify(messageBody(planRequests(s)[0]!.request)));
      assert.equal(new Set(first).size, 400);
    });
  }

  it('the first pass is unchanged; repeats carry and record a variation; beyond the cue table the pass number keeps them apart', () => {
    const specs = expandConversations(file(4 * (VARIATION_CUES + 3), 'single'));
    assert.equal(specs[3]!.variation, undefined);
    assert.equal(specs[3]!.prompt, 'A pilot asks about storms.');
    assert.equal(specs[4]!.variation, variationFor(1));
    assert.match(specs[4]!.prompt, /^A cook asks about knives\.\n\nVariation 1: in this conversation the user /);
    const last = specs.at(-1)!;
    assert.match(last.variation!, new RegExp(`^Variation ${VARIATION_CUES + 2}:`));
    assert.equal(new Set(specs.map((s) => s.prompt)).size, specs.length);
  });

  it('a file without variables varies every conversation after the first', () => {
    const specs = expandConversations(file(3, 'single', {}));
    assert.deepEqual(
      specs.map((s) => s.variation === undefined),
      [true, false, false],
    );
  });
});

describe('regenerated conversations', () => {
  it('carry a recorded round that makes their request differ from the original, from other rounds and from every other conversation', () => {
    const base = file(12, 'single');
    const plain = expandConversations(base);
    const again = (round: number) => expandConversations({ ...base, regenerations: new Map([[5, round]]) });
    const first = again(1);
    const second = again(2);
    assert.match(first[5]!.variation!, /Regeneration 1: /);
    assert.equal(first[5]!.id, plain[5]!.id, 'the conversation keeps its id');
    const bodies = (specs: ReturnType<typeof expandConversations>) =>
      specs.map((s) => JSON.stringify(messageBody(planRequests(s)[0]!.request)));
    const all = new Set([...bodies(plain), bodies(first)[5], bodies(second)[5]]);
    assert.equal(all.size, 14);
    assert.deepEqual(
      bodies(first).filter((_, i) => i !== 5),
      bodies(plain).filter((_, i) => i !== 5),
      'the others are untouched',
    );
  });
});
