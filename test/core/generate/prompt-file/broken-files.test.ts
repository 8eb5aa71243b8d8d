import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatDiagnostic, parsePromptFile } from '../../../../src/core/generate/prompt-file';
import { FIXTURES, optionsFor } from './helpers';

/** file (in broken/) -> the error it must produce: position, field and a fragment of the message. */
const EXPECTED: Array<[file: string, line: number, column: number, field: string, fragment: string]> = [
  ['yaml-syntax', 10, 1, '(file)', 'YAML syntax error: missing closing "quote'],
  ['empty', 1, 1, '(file)', 'file is empty'],
  ['only-comments', 1, 1, '(file)', 'file is empty'],
  ['not-a-mapping', 1, 1, '(file)', 'expected a mapping of fields (model, count, prompt, ...), got a list'],
  ['multiple-documents', 9, 1, '(file)', 'expected one YAML document, got several'],
  ['tab-indentation', 7, 1, '(file)', 'tabs cannot indent YAML'],
  ['duplicate-key', 4, 1, 'count', 'duplicate key: expected each field once, got a second definition (the first is on line 2)'],
  ['unknown-field', 4, 1, 'priorty', 'unknown field: did you mean "priority"? got "priorty"'],
  ['missing-prompt', 1, 1, 'prompt', 'missing required field: expected a non-empty string'],
  [
    'turns-not-a-number',
    3,
    8,
    'turns',
    'expected an even integer from 2 to 100 (conversations end on the assistant), or a range {min, max}, got "six"',
  ],
  ['turns-odd', 3, 8, 'turns', 'expected an even integer from 2 to 100 (conversations end on the assistant), or a range {min, max}, got 5'],
  ['turns-min-above-max', 3, 8, 'turns', 'expected min <= max, got min 8 and max 4'],
  ['turns-below-two', 3, 14, 'turns.min', 'expected an integer from 2 to 100, got 1'],
  ['turns-no-even-count', 3, 8, 'turns', 'expected a range that contains an even number'],
  ['turns-missing-max', 4, 3, 'turns.max', 'missing required field: expected an integer from 2 to 100'],
  ['count-zero', 2, 8, 'count', 'expected an integer from 1 to 1000000, got 0'],
  ['priority-unknown', 4, 11, 'priority', 'expected one of high, normal, low, got "urgent"'],
  ['strategy-unknown', 4, 11, 'strategy', 'expected one of single, turns, got "parallel"'],
  ['cache-unknown', 4, 8, 'cache', 'expected one of auto, off, 1h, got "2h"'],
  ['max-tokens-not-a-number', 4, 13, 'max_tokens', 'expected an integer from 1 to 128000, got "lots"'],
  ['name-invalid', 1, 7, 'name', `expected a name of letters, digits, '.', '_' and '-'`],
  [
    'temperature',
    4,
    1,
    'temperature',
    'not supported: the API version the SDK speaks (2026-10-21) rejects sampling parameters; vary the prompt or variables instead',
  ],
  ['top-p-under-output', 11, 3, 'output.top_p', 'not supported: the API version the SDK speaks (2026-10-21) rejects sampling parameters'],
  ['top-k-in-params-block', 10, 3, 'params.top_k', 'rejects sampling parameters'],
  ['tool-choice', 4, 1, 'tool_choice', 'not supported: current models reject forced tool use'],
  [
    'model-unknown',
    1,
    8,
    'model',
    'unknown model: expected a model id from the models table (did you mean "claude-haiku-5-5"?), got "claude-haiku-5"',
  ],
  ['output-format-unknown', 10, 11, 'output.format', 'expected one of openai, sharegpt, anthropic, got "xml"'],
  ['output-path-escapes', 10, 9, 'output.path', 'expected a path inside the workspace, got "../../etc/passwd.jsonl"'],
  ['output-path-absolute', 10, 9, 'output.path', 'expected a path inside the workspace, got "/etc/forge/out.jsonl"'],
  ['output-path-is-directory', 10, 9, 'output.path', 'expected a file, got ".", which is a directory'],
  [
    'variable-undefined',
    5,
    43,
    'prompt',
    'placeholder {{mood}} has no variable: expected one of the variables persona, topic, or add mood under variables',
  ],
  ['variable-empty-list', 8, 10, 'variables.topic', 'expected a non-empty list of values, got an empty list'],
  ['variable-bad-name', 9, 3, 'variables.first name', `expected a variable name of letters, digits and '_'`],
  ['variables-not-a-mapping', 6, 12, 'variables', 'expected a mapping, got a list'],
  [
    'placeholder-malformed',
    5,
    43,
    'prompt',
    'expected a placeholder {{name}} with a name of letters, digits and \'_\' (write {{{{ for a literal {{), got "{{first name}}"',
  ],
];

const RAW_AJV = /must be|must have|must NOT|must match|should be/;

describe('prompt files: broken corpus', () => {
  const dir = path.join(FIXTURES, 'broken');

  it('has an expectation for every broken file but the warning-only one', () => {
    const files = fs
      .readdirSync(dir)
      .map((f) => f.replace(/\.forge\.yaml$/, ''))
      .filter((f) => f !== 'variable-unused');
    assert.deepEqual(files.sort(), EXPECTED.map((e) => e[0]).sort());
  });

  for (const [name, line, column, field, fragment] of EXPECTED) {
    it(`${name}: ${field} at ${line}:${column}`, () => {
      const file = path.join(dir, `${name}.forge.yaml`);
      const result = parsePromptFile(fs.readFileSync(file, 'utf8'), optionsFor(file));
      assert.equal(result.ok, false, `${name} should not parse`);
      const shown = result.diagnostics.map((d) => formatDiagnostic(d, FIXTURES));
      const match = result.diagnostics.find((d) => d.severity === 'error' && d.line === line && d.column === column && d.field === field);
      assert.ok(match, `no error at ${line}:${column} on ${field}; got:\n${shown.join('\n')}`);
      assert.ok(match.message.includes(fragment), `message ${JSON.stringify(match.message)} lacks ${JSON.stringify(fragment)}`);
      const text = formatDiagnostic(match, FIXTURES);
      assert.ok(text.startsWith(`broken/${name}.forge.yaml:${line}:${column}: ${field}: `), text);
      for (const s of shown) assert.doesNotMatch(s, RAW_AJV, 'raw ajv wording leaked');
    });
  }

  it('an unused variable is a warning: the file still parses', () => {
    const file = path.join(dir, 'variable-unused.forge.yaml');
    const result = parsePromptFile(fs.readFileSync(file, 'utf8'), optionsFor(file));
    assert.ok(result.ok);
    assert.deepEqual(
      result.diagnostics.map((d) => formatDiagnostic(d, FIXTURES)),
      [
        'broken/variable-unused.forge.yaml:9:3: warning: variables.tone: variable defined but never used: expected {{tone}} in prompt or system',
      ],
    );
  });

  it('reports every error of a file, sorted by position', () => {
    const text = [
      'model: claude-haiku-5', // 1
      'count: 0', //              2
      'turns: six', //            3
      'temperature: 1', //        4
      'prompt: "{{x}}"', //       5
      'output:', //               6
      '  format: xml', //         7
    ].join('\n');
    const result = parsePromptFile(text, optionsFor(path.join(FIXTURES, 'many.forge.yaml')));
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.line}:${d.column} ${d.field}`),
      ['1:8 model', '2:8 count', '3:8 turns', '4:1 temperature', '5:10 prompt', '7:11 output.format'],
    );
  });

  it('a model of the right shape passes when the models table knows it', () => {
    const text = 'model: claude-fable-5-2\ncount: 1\nprompt: hi\n';
    const file = path.join(FIXTURES, 'x.forge.yaml');
    assert.equal(parsePromptFile(text, optionsFor(file)).ok, false);
    assert.equal(parsePromptFile(text, { ...optionsFor(file), knownModel: () => true }).ok, true);
  });

  it('variables named like sampling parameters are just variables', () => {
    const text = 'model: claude-haiku-5-5\ncount: 2\nprompt: "a {{temperature}} day"\nvariables:\n  temperature: [hot, cold]\n';
    const result = parsePromptFile(text, optionsFor(path.join(FIXTURES, 'x.forge.yaml')));
    assert.ok(result.ok, JSON.stringify(result.diagnostics));
  });
});
