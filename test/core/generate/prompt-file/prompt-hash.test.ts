import assert from 'node:assert/strict';
import * as path from 'node:path';
import { expandConversations, parsePromptFile } from '../../../../src/core/generate/prompt-file';
import type { PromptFile } from '../../../../src/core/generate/types';
import { FIXTURES, optionsFor } from './helpers';

const BASE = `# Support dialogues.
name: support
model: claude-haiku-5-5
count: 10
turns: {min: 2, max: 8}
priority: normal
max_tokens: 1024
strategy: single
system: You write for a {{persona}}.
prompt: A {{persona}} asks about {{topic}}.
variables:
  persona: [buyer, seller]
  topic: [refunds, delivery, damage]
output:
  path: datasets/support.jsonl
  format: openai
  system_prompt: You are helpful.
`;

function parse(text: string): PromptFile {
  const result = parsePromptFile(text, optionsFor(path.join(FIXTURES, 'versions.forge.yaml')));
  assert.ok(result.ok, JSON.stringify(result.diagnostics));
  return result.file;
}

function ids(text: string): string[] {
  return expandConversations(parse(text)).map((s) => s.id);
}

function edit(from: string, to: string): string {
  assert.ok(BASE.includes(from), `BASE has ${from}`);
  return BASE.replace(from, to);
}

describe('prompt files: prompt version and ids', () => {
  const base = ids(BASE);

  it('promptHash is a sha256, and differs from the raw content hash', () => {
    const f = parse(BASE);
    assert.match(f.promptHash, /^[0-9a-f]{64}$/);
    assert.notEqual(f.promptHash, f.contentHash);
  });

  const unchanged: Record<string, string> = {
    'a comment edited': edit('# Support dialogues.', '# Support dialogues, reviewed by Ana.'),
    'a comment added': edit('count: 10\n', 'count: 10 # enough for now\n'),
    'formatting (flow lists to block lists, quoting, blank lines)': edit(
      'variables:\n  persona: [buyer, seller]\n',
      '\nvariables:\n  persona:\n    - "buyer"\n    - seller\n',
    ),
    'key order': `${BASE.replace('model: claude-haiku-5-5\n', '')}model: claude-haiku-5-5\n`,
    priority: edit('priority: normal', 'priority: high'),
    'output.path': edit('path: datasets/support.jsonl', 'path: datasets/elsewhere.jsonl'),
    'a default written out vs left out': edit('strategy: single\n', ''),
  };
  for (const [what, text] of Object.entries(unchanged)) {
    it(`ids stay the same when only ${what} changes`, () => {
      assert.notEqual(parse(text).contentHash, parse(BASE).contentHash, 'the raw text did change');
      assert.deepEqual(ids(text), base);
    });
  }

  it('raising count keeps the first ids and adds new ones; lowering it keeps a prefix', () => {
    const more = ids(edit('count: 10', 'count: 15'));
    assert.equal(more.length, 15);
    assert.deepEqual(more.slice(0, 10), base);
    assert.equal(new Set(more).size, 15);
    assert.deepEqual(ids(edit('count: 10', 'count: 4')), base.slice(0, 4));
  });

  it('a conversation keeps its variables and turn count when count grows', () => {
    const before = expandConversations(parse(BASE));
    const after = expandConversations(parse(edit('count: 10', 'count: 30'))).slice(0, 10);
    assert.deepEqual(
      after.map((s) => [s.id, s.turns, s.prompt]),
      before.map((s) => [s.id, s.turns, s.prompt]),
    );
  });

  const changed: Record<string, string> = {
    name: edit('name: support', 'name: support-v2'),
    model: edit('model: claude-haiku-5-5', 'model: claude-sonnet-5-5'),
    strategy: edit('strategy: single', 'strategy: turns'),
    system: edit('system: You write for a {{persona}}.', 'system: You write briefly for a {{persona}}.'),
    'system removed': edit('system: You write for a {{persona}}.\n', ''),
    prompt: edit('prompt: A {{persona}} asks about {{topic}}.', 'prompt: A {{persona}} complains about {{topic}}.'),
    'a variable value': edit('[refunds, delivery, damage]', '[refunds, delivery, returns]'),
    'variable value order': edit('[refunds, delivery, damage]', '[delivery, refunds, damage]'),
    'variable order': edit(
      '  persona: [buyer, seller]\n  topic: [refunds, delivery, damage]\n',
      '  topic: [refunds, delivery, damage]\n  persona: [buyer, seller]\n',
    ),
    'a variable added': edit('  topic: [refunds, delivery, damage]\n', '  topic: [refunds, delivery, damage]\n  mood: [calm]\n'),
    'turns range': edit('turns: {min: 2, max: 8}', 'turns: {min: 2, max: 6}'),
    'turns fixed': edit('turns: {min: 2, max: 8}', 'turns: 4'),
    max_tokens: edit('max_tokens: 1024', 'max_tokens: 2048'),
    'output.format': edit('format: openai', 'format: sharegpt'),
    'output.system_prompt': edit('system_prompt: You are helpful.', 'system_prompt: You are terse.'),
  };
  for (const [what, text] of Object.entries(changed)) {
    it(`every id changes when ${what} changes`, () => {
      const after = ids(text);
      assert.notEqual(parse(text).promptHash, parse(BASE).promptHash);
      assert.equal(after.filter((id) => base.includes(id)).length, 0);
    });
  }
});
