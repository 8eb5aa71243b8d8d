import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { globToRegExp, isGlob, staticPrefix } from './glob';
import { PROMPT_FILE_SUFFIX } from './parse-prompt-file';

export interface FindProblem {
  pattern: string;
  message: string;
}

export interface FoundPromptFiles {
  /** Absolute paths, deduplicated and sorted. */
  files: string[];
  /** One per argument that matched nothing or could not be read. */
  problems: FindProblem[];
}

/**
 * Expands CLI-style inputs: a file is taken as named, a directory is searched recursively for
 * `*.forge.yaml`, a pattern with `*`, `**` or `?` is matched against files under its fixed prefix.
 * Directory walks skip node_modules and dot-folders (unless the pattern names one explicitly).
 */
export async function findPromptFiles(patternsOrDirs: readonly string[], cwd: string): Promise<FoundPromptFiles> {
  const files = new Set<string>();
  const problems: FindProblem[] = [];
  for (const pattern of patternsOrDirs) {
    const matched = isGlob(pattern) ? await expandGlob(pattern, cwd) : await expandPath(pattern, cwd);
    if (typeof matched === 'string') problems.push({ pattern, message: matched });
    else matched.forEach((f) => files.add(f));
  }
  return { files: [...files].sort(), problems };
}

async function expandPath(input: string, cwd: string): Promise<string[] | string> {
  const absolute = path.resolve(cwd, input);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) return `${JSON.stringify(input)}: no such file or directory`;
  if (info.isFile()) return [absolute];
  if (!info.isDirectory()) return `${JSON.stringify(input)}: expected a file or a directory`;
  const found = (await walk(absolute)).filter((f) => f.endsWith(PROMPT_FILE_SUFFIX));
  return found.length > 0 ? found : `${JSON.stringify(input)}: no *${PROMPT_FILE_SUFFIX} files in this directory`;
}

async function expandGlob(pattern: string, cwd: string): Promise<string[] | string> {
  const normalised = pattern.split(path.sep).join('/');
  const absolutePattern = path.isAbsolute(normalised);
  const prefix = staticPrefix(normalised);
  const root = path.resolve(cwd, prefix || '.');
  const rest = prefix ? normalised.slice(prefix.length).replace(/^\/+/, '') : normalised.replace(/^\.\//, '');
  const matcher = globToRegExp(rest);
  const matched = (await walk(root, explicitHidden(rest))).filter((f) => matcher.test(path.relative(root, f).split(path.sep).join('/')));
  if (matched.length > 0) return matched;
  return `${JSON.stringify(pattern)}: matches no files${absolutePattern ? '' : ` (relative to ${cwd})`}`;
}

// `.github/**` or `node_modules/x/*.forge.yaml` name a skipped folder on purpose: allow it.
function explicitHidden(rest: string): boolean {
  return rest.split('/').some((seg) => seg.startsWith('.') || seg === 'node_modules');
}

async function walk(dir: string, includeSkipped = false): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!includeSkipped && (entry.name.startsWith('.') || entry.name === 'node_modules')) continue;
      out.push(...(await walk(full, includeSkipped)));
    } else if (entry.isFile()) {
      out.push(full);
    }
  }
  return out;
}
