import * as path from 'node:path';
import type { ParseOptions } from '../../../../src/core/generate/prompt-file';

export const FIXTURES = path.resolve(__dirname, '../../../fixtures/prompt-files');

export const MODEL_IDS = ['claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-opus-5-5'] as const;

/** Options for a file under `root` (the fixtures folder stands in for the workspace). */
export function optionsFor(file: string, root = FIXTURES): ParseOptions {
  return { file, workspaceRoot: root, knownModel: (id) => (MODEL_IDS as readonly string[]).includes(id), modelIds: MODEL_IDS };
}
