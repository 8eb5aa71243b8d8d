import * as os from 'node:os';
import * as path from 'node:path';
import { parsePromptFile } from '../../../../src/core/generate/prompt-file';
import type { PromptFile } from '../../../../src/core/generate/types';

/** A parsed single-strategy prompt file of `count` conversations. */
export function promptFileOf(name: string, count: number): PromptFile {
  const root = os.tmpdir();
  const text = `name: ${name}\nmodel: claude-haiku-5-5\ncount: ${count}\nturns: 2\nstrategy: single\nprompt: About {{topic}}.\nvariables:\n  topic: [tea, kites, rivers]\noutput:\n  path: ${name}.jsonl\n`;
  const parsed = parsePromptFile(text, { file: path.join(root, `${name}.forge.yaml`), workspaceRoot: root, knownModel: () => true });
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('; '));
  return parsed.file;
}
