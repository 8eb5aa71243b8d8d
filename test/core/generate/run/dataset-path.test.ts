import assert from 'node:assert/strict';
import * as path from 'node:path';
import { datasetPathFor } from '../../../../src/core/generate/run/dataset-path';
import type { PromptFile } from '../../../../src/core/generate/types';

const file = { output: { path: path.resolve('/ws/datasets/support.jsonl'), format: 'openai' } } as PromptFile;

describe('dataset path', () => {
  it('uses output.path by default', () => {
    assert.equal(datasetPathFor(file), path.resolve('/ws/datasets/support.jsonl'));
  });
  it('--out replaces the folder, keeps the file name', () => {
    assert.equal(datasetPathFor(file, { outDir: '/tmp/out' }), path.resolve('/tmp/out/support.jsonl'));
  });
  it('a dry run never writes the real dataset', () => {
    assert.equal(datasetPathFor(file, { simulated: true }), path.resolve('/ws/datasets/support.simulated.jsonl'));
  });
});
