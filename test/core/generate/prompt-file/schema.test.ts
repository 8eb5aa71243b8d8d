import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { validatorSource, VALIDATOR_FILE } from '../../../../tools/schema/validator-source';
import { PROMPT_FILE_SCHEMA } from '../../../../src/core/generate/prompt-file';

type Node = Record<string, unknown>;

/** Every object schema with its path, through properties, additionalProperties and then/else. */
function objectSchemas(node: Node, at = '#'): Array<[string, Node]> {
  const out: Array<[string, Node]> = node['type'] === 'object' ? [[at, node]] : [];
  const props = (node['properties'] ?? {}) as Record<string, Node>;
  for (const [k, v] of Object.entries(props)) out.push(...objectSchemas(v, `${at}/${k}`));
  for (const k of ['then', 'else', 'additionalProperties'] as const) {
    const child = node[k];
    if (child && typeof child === 'object') out.push(...objectSchemas(child as Node, `${at}/${k}`));
  }
  return out;
}

describe('prompt files: JSON Schema (also served to the YAML extension)', () => {
  const schema = PROMPT_FILE_SCHEMA as Node;

  it('closes every mapping: additionalProperties false on each object with properties', () => {
    const objects = objectSchemas(schema).filter(([, n]) => n['properties']);
    assert.ok(objects.length >= 3);
    for (const [at, n] of objects) assert.equal(n['additionalProperties'], false, at);
  });

  it('describes every property, for hover', () => {
    const walk = (node: Node, at: string): void => {
      for (const [k, v] of Object.entries((node['properties'] ?? {}) as Record<string, Node>)) {
        assert.equal(typeof v['description'], 'string', `${at}/${k}`);
        walk(v, `${at}/${k}`);
        if (v['then']) walk(v['then'] as Node, `${at}/${k}/then`);
      }
    };
    walk(schema, '#');
  });

  it('offers enums for completion', () => {
    const props = schema['properties'] as Record<string, Node>;
    assert.deepEqual(props['priority']!['enum'], ['high', 'normal', 'low']);
    assert.deepEqual(props['strategy']!['enum'], ['single', 'turns']);
    assert.deepEqual((props['output']!['properties'] as Record<string, Node>)['format']!['enum'], ['openai', 'sharegpt', 'anthropic']);
  });

  it('has no sampling parameters', () => {
    const text = JSON.stringify(schema['properties']);
    for (const p of ['"temperature"', '"top_p"', '"top_k"', '"tool_choice"']) assert.ok(!text.includes(p), p);
  });
});

describe('prompt files: the validator compiled ahead', () => {
  it('is what the schema compiles to now (run `npm run generate:schema` after changing the schema)', () => {
    const kept = readFileSync(VALIDATOR_FILE, 'utf8');
    assert.ok(kept === validatorSource(), `${VALIDATOR_FILE} is stale: run \`npm run generate:schema\``);
  });
});
