import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A minimal prompt file of `count` single-request conversations, writing into `dir`. */
export function writePromptFile(dir: string, name: string, count: number, maxTokens = 400): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.forge.yaml`);
  writeFileSync(
    file,
    [
      `name: ${name}`,
      'model: claude-haiku-5-5',
      `count: ${count}`,
      'turns: 2',
      `max_tokens: ${maxTokens}`,
      'strategy: single',
      'prompt: A short exchange about {{topic}}.',
      'variables:',
      '  topic: [tea, rivers, clocks, kites]',
      'output:',
      `  path: ${name}.jsonl`,
      '  format: anthropic',
      '',
    ].join('\n'),
  );
  return file;
}
