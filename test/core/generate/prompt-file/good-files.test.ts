import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadPromptFile } from '../../../../src/core/generate/prompt-file';
import { FIXTURES, optionsFor } from './helpers';

const good = (name: string) => path.join(FIXTURES, 'good', `${name}.forge.yaml`);

describe('prompt files: good files', () => {
  it('reads every field of the documented format', async () => {
    const result = await loadPromptFile(good('support-refunds'), optionsFor(''));
    assert.ok(result.ok, JSON.stringify(result));
    const f = result.file;
    assert.equal(f.name, 'support-refunds');
    assert.equal(f.model, 'claude-haiku-5-5');
    assert.equal(f.count, 24);
    assert.equal(f.turns, 6);
    assert.equal(f.priority, 'normal');
    assert.equal(f.maxTokens, 2048);
    assert.equal(f.strategy, 'single');
    assert.match(f.system ?? '', /customer-support dialogues/);
    assert.deepEqual(Object.keys(f.variables), ['persona', 'topic']);
    assert.deepEqual(f.output, {
      path: path.join(FIXTURES, 'good', 'datasets', 'support-refunds.jsonl'),
      format: 'openai',
      systemPrompt: 'You are a helpful support agent for an online store.',
    });
    assert.match(f.contentHash, /^[0-9a-f]{64}$/);
    assert.deepEqual(result.diagnostics, []);
  });

  it('applies the defaults', async () => {
    const result = await loadPromptFile(good('defaults'), optionsFor(''));
    assert.ok(result.ok, JSON.stringify(result));
    const f = result.file;
    assert.equal(f.name, 'defaults');
    assert.equal(f.turns, 6);
    assert.equal(f.priority, 'normal');
    assert.equal(f.strategy, 'single');
    assert.equal(f.maxTokens, 4096);
    assert.equal(f.system, undefined);
    assert.deepEqual(f.variables, {});
    assert.deepEqual(f.output, { path: path.join(FIXTURES, 'good', 'defaults.jsonl'), format: 'openai' });
  });

  it('tolerates a byte-order mark; turns strategy gets its own max_tokens default; values become text', async () => {
    const result = await loadPromptFile(good('bom-range'), optionsFor(''));
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.file.maxTokens, 1024);
    assert.deepEqual(result.file.turns, { min: 3, max: 8 });
    assert.deepEqual(result.file.variables, { subject: ['algebra', '42', 'true'] });
  });

  it('a file that cannot be read is a diagnostic, not an exception', async () => {
    const result = await loadPromptFile(good('does-not-exist'), optionsFor(''));
    assert.equal(result.ok, false);
    assert.equal(result.diagnostics[0]?.field, '(file)');
    assert.match(result.diagnostics[0]?.message ?? '', /cannot read the prompt file: no such file/);
  });
});
