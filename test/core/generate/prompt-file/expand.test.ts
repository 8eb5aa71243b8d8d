import assert from 'node:assert/strict';
import { expandConversations, renderTemplate } from '../../../../src/core/generate/prompt-file';
import type { PromptFile } from '../../../../src/core/generate/types';

function promptFile(over: Partial<PromptFile> = {}): PromptFile {
  return {
    path: '/ws/p.forge.yaml',
    contentHash: 'c'.repeat(64),
    promptHash: 'a'.repeat(64),
    name: 'Support Refunds: EU edition (v2)',
    model: 'claude-haiku-5-5',
    count: 7,
    turns: 6,
    priority: 'normal',
    maxTokens: 2048,
    strategy: 'single',
    system: 'You write for a {{persona}}.',
    prompt: 'A {{persona}} asks about {{topic}}.',
    variables: { persona: ['buyer', 'seller'], topic: ['refunds', 'delivery', 'damage'] },
    output: { path: '/ws/out.jsonl', format: 'openai' },
    ...over,
  };
}

describe('prompt files: expansion', () => {
  it('one spec per index, ids valid, distinct and stable across runs', () => {
    const a = expandConversations(promptFile({ count: 500 }));
    const b = expandConversations(promptFile({ count: 500 }));
    assert.equal(a.length, 500);
    assert.deepEqual(
      a.map((s) => s.index),
      [...Array(500).keys()],
    );
    for (const s of a) assert.match(s.id, /^[a-zA-Z0-9_-]{1,64}$/);
    assert.equal(new Set(a.map((s) => s.id)).size, 500);
    assert.deepEqual(
      a.map((s) => s.id),
      b.map((s) => s.id),
    );
    assert.match(a[0]!.id, /^support-refunds-eu-editi-[0-9a-f]{12}$/);
  });

  it('ids follow the prompt hash, not the raw file hash', () => {
    const before = expandConversations(promptFile()).map((s) => s.id);
    const newVersion = expandConversations(promptFile({ promptHash: 'b'.repeat(64) })).map((s) => s.id);
    assert.equal(before.filter((id) => newVersion.includes(id)).length, 0);
    const reformatted = expandConversations(promptFile({ contentHash: 'd'.repeat(64) })).map((s) => s.id);
    assert.deepEqual(reformatted, before);
  });

  it('cycles the cartesian product in file order, the last variable fastest', () => {
    const specs = expandConversations(promptFile());
    assert.deepEqual(
      specs.map((s) => `${s.variables['persona']}/${s.variables['topic']}`),
      ['buyer/refunds', 'buyer/delivery', 'buyer/damage', 'seller/refunds', 'seller/delivery', 'seller/damage', 'buyer/refunds'],
    );
  });

  it('renders placeholders in prompt and system', () => {
    const [first] = expandConversations(promptFile());
    assert.equal(first!.prompt, 'A buyer asks about refunds.');
    assert.equal(first!.system, 'You write for a buyer.');
    assert.equal(first!.batch, 'Support Refunds: EU edition (v2)');
  });

  it('{{{{ is a literal {{; spaces inside braces are allowed', () => {
    assert.equal(renderTemplate('{{{{x}} and {{ x }} and }}', { x: 'X' }), '{{x}} and X and }}');
    assert.equal(renderTemplate('{{{{{{x}}', { x: 'X' }), '{{X');
  });

  it('resolves a turn range per conversation to even counts inside it, deterministically', () => {
    const file = promptFile({ count: 300, turns: { min: 3, max: 9 } });
    const turns = expandConversations(file).map((s) => s.turns);
    assert.deepEqual(
      [...new Set(turns)].sort((x, y) => x - y),
      [4, 6, 8],
    );
    assert.deepEqual(
      expandConversations(file).map((s) => s.turns),
      turns,
    );
  });

  it('a fixed turn count is used as is', () => {
    assert.deepEqual([...new Set(expandConversations(promptFile()).map((s) => s.turns))], [6]);
  });

  it('no variables: the first conversation gets the prompt as written, the others a variation of it', () => {
    const specs = expandConversations(promptFile({ variables: {}, prompt: 'Hello', system: undefined, count: 3 }));
    assert.equal(specs[0]!.prompt, 'Hello');
    assert.match(specs[1]!.prompt, /^Hello\n\nVariation 1: /);
    assert.match(specs[2]!.prompt, /^Hello\n\nVariation 2: /);
    assert.equal(specs[0]!.system, undefined);
  });

  it('a huge product is never materialised', () => {
    const values = Array.from({ length: 100 }, (_, i) => `v${i}`);
    const variables = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`x${i}`, values]));
    const specs = expandConversations(promptFile({ variables, prompt: '{{x0}} {{x11}}', system: undefined, count: 102 }));
    assert.equal(specs[101]!.prompt, 'v0 v1');
  });
});
