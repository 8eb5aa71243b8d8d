import assert from 'node:assert/strict';
import { parsePromptFile } from '../../../../src/core/generate/prompt-file';
import type { GeneratedVariable } from '../../../../src/core/generate/types';
import { formatValuesFile, parseValuesFile, valuesFileFor } from '../../../../src/core/generate/values/values-file';
import { optionsFor } from '../prompt-file/helpers';

const PERSONA: GeneratedVariable = { name: 'persona', count: 3, prompt: 'personas', model: 'claude-haiku-5-5', maxTokens: 1024 };
const FILE = '/ws/support.forge.values.yaml';

const PROMPT = `model: claude-haiku-5-5
count: 6
prompt: "A {{persona}} asks about {{topic}}."
variables:
  persona: { generate: 3, prompt: "customer personas" }
  topic: [brakes, gears]
`;

describe('generated values files', () => {
  it('sit beside the prompt file; a dry run has its own', () => {
    assert.equal(valuesFileFor('/ws/a/support.forge.yaml', false), '/ws/a/support.forge.values.yaml');
    assert.equal(valuesFileFor('/ws/a/support.forge.yaml', true), '/ws/a/support.forge.values.simulated.yaml');
  });

  it('a written file reads back as the same values', () => {
    const text = formatValuesFile('/ws/support.forge.yaml', { persona: ['a: colon', '  spaced ', '#hash'] });
    const parsed = parseValuesFile(text, FILE, [PERSONA]);
    assert.deepEqual(parsed.diagnostics, []);
    assert.deepEqual(parsed.values, { persona: ['a: colon', '  spaced ', '#hash'] });
  });

  it('a hand-edited file gets errors naming line and field: duplicates after case and spaces, empty values, too few, unknown variables', () => {
    const text = ['persona:', '  - A retired teacher', '  - a  RETIRED teacher', '  - ""', '  - A nurse', 'personas:', '  - x', ''].join(
      '\n',
    );
    const { values, diagnostics } = parseValuesFile(text, FILE, [PERSONA]);
    assert.deepEqual(values, {});
    const shown = diagnostics.map((d) => `${d.line}:${d.field}: ${d.message}`);
    assert.deepEqual(shown, [
      '3:persona[1]: duplicate of persona[0] once case and spaces are ignored: expected distinct values',
      '4:persona[2]: empty value: expected text (delete the line instead)',
      '6:personas: not a generated variable: did you mean "persona"?',
    ]);
    assert.ok(diagnostics.every((d) => d.file === FILE && d.severity === 'error'));
  });

  it('fewer values than generate asks for is an error on the variable, saying what to do', () => {
    const { diagnostics } = parseValuesFile('persona:\n  - one\n  - two\n', FILE, [PERSONA]);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]!.line, 1);
    assert.match(
      diagnostics[0]!.message,
      /expected at least 3 values \(generate: 3\), got 2: add values, lower generate, or delete persona/,
    );
  });

  it('not YAML, not a mapping, not a list: errors, never a throw', () => {
    assert.match(parseValuesFile('persona: [a, b\n', FILE, [PERSONA]).diagnostics[0]!.message, /./);
    assert.match(
      parseValuesFile('- a\n- b\n', FILE, [PERSONA]).diagnostics[0]!.message,
      /expected a mapping of persona to lists of values/,
    );
    const notList = parseValuesFile('persona: just one\n', FILE, [PERSONA]).diagnostics[0]!;
    assert.equal(notList.field, 'persona');
    assert.match(notList.message, /expected a list of values/);
  });

  it('the prompt file takes its values from the values file, and fails with the values file named when it is bad', () => {
    const good = parsePromptFile(PROMPT, {
      ...optionsFor('/ws/support.forge.yaml', '/ws'),
      readValues: () => ({ path: FILE, text: 'persona: [a cook, a pilot, a nurse]\n' }),
    });
    assert.ok(good.ok);
    assert.deepEqual(good.file.variables, { persona: ['a cook', 'a pilot', 'a nurse'], topic: ['brakes', 'gears'] });
    assert.equal(good.file.pendingValues, undefined);
    assert.equal(good.file.valuesFile, FILE);

    const bad = parsePromptFile(PROMPT, {
      ...optionsFor('/ws/support.forge.yaml', '/ws'),
      readValues: () => ({ path: FILE, text: 'persona: [a cook, A Cook, a nurse]\n' }),
    });
    assert.equal(bad.ok, false);
    assert.equal(bad.diagnostics.find((d) => d.severity === 'error')!.file, FILE);
  });

  it('without a values file the variable is pending, with placeholders an estimate can expand; values change the ids, edits elsewhere in the values file do not', () => {
    const pending = parsePromptFile(PROMPT, optionsFor('/ws/support.forge.yaml', '/ws'));
    assert.ok(pending.ok);
    assert.deepEqual(pending.file.pendingValues, ['persona']);
    assert.equal(pending.file.variables['persona']!.length, 3);
    const read = (text: string) =>
      parsePromptFile(PROMPT, { ...optionsFor('/ws/support.forge.yaml', '/ws'), readValues: () => ({ path: FILE, text }) });
    const a = read('persona: [a cook, a pilot, a nurse]\n');
    const b = read('# a comment\npersona:\n  - a cook\n  - a pilot\n  - a nurse\n');
    const c = read('persona: [a cook, a pilot, a surgeon]\n');
    assert.ok(a.ok && b.ok && c.ok);
    assert.equal(a.file.promptHash, b.file.promptHash);
    assert.notEqual(a.file.promptHash, c.file.promptHash);
  });

  it('the prompt file form is checked: generate needs a count and a prompt, a model must be known', () => {
    const bad = parsePromptFile(
      PROMPT.replace('persona: { generate: 3, prompt: "customer personas" }', 'persona: { generate: 1, model: claude-haiku-5-6 }'),
      optionsFor('/ws/support.forge.yaml', '/ws'),
    );
    assert.equal(bad.ok, false);
    const shown = bad.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.field}: ${d.message}`);
    assert.ok(
      shown.some((s) => /^5:variables\.persona\.generate: expected an integer from 2 to 1000, got 1$/.test(s)),
      shown.join('\n'),
    );
    assert.ok(
      shown.some((s) => /^5:variables\.persona\.prompt: missing required field/.test(s)),
      shown.join('\n'),
    );
    assert.ok(
      shown.some((s) => /^5:variables\.persona\.model: unknown model "claude-haiku-5-6": did you mean "claude-haiku-5-5"\?$/.test(s)),
      shown.join('\n'),
    );
    const notMapping = parsePromptFile(
      PROMPT.replace('persona: { generate: 3, prompt: "customer personas" }', 'persona: sixty'),
      optionsFor('/ws/support.forge.yaml', '/ws'),
    );
    assert.equal(notMapping.ok, false);
    assert.match(
      notMapping.diagnostics[0]!.message,
      /expected a non-empty list of values, or a mapping with generate and prompt, got "sixty"/,
    );
  });
});
