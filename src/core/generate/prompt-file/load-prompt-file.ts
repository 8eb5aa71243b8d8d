import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { FILE_FIELD } from './diagnostic';
import { parsePromptFile, type ParseOptions, type ParseResult } from './parse-prompt-file';

/** Reads a prompt file as UTF-8 (a byte-order mark is dropped) and parses it. */
export async function loadPromptFile(file: string, options: Omit<ParseOptions, 'file'>): Promise<ParseResult> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : String((err as Error).message);
    return {
      ok: false,
      diagnostics: [
        { file: absolute, line: 1, column: 1, field: FILE_FIELD, message: `cannot read the prompt file: ${why}`, severity: 'error' },
      ],
    };
  }
  return parsePromptFile(text, { ...options, file: absolute });
}
