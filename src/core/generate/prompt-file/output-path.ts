import * as fs from 'node:fs';
import * as path from 'node:path';

export type OutputPathResult = { ok: true; path: string; warning?: string } | { ok: false; message: string };

/**
 * Resolves the dataset path (relative to the prompt file) and keeps it inside the workspace:
 * first as written (`..`, absolute paths), then through symbolic links for the part that exists,
 * so a link inside the workspace cannot smuggle the write elsewhere.
 */
export function resolveOutputPath(written: string, promptFile: string, workspaceRoot: string): OutputPathResult {
  const root = path.resolve(workspaceRoot);
  const target = path.resolve(path.dirname(promptFile), written);
  const shown = JSON.stringify(written);
  if (!isInside(root, target)) {
    return { ok: false, message: `expected a path inside the workspace, got ${shown}, which resolves outside it` };
  }
  const realRoot = realpathOr(root);
  const realTarget = realpathOfNearest(target);
  if (!isInside(realRoot, realTarget)) {
    return { ok: false, message: `expected a path inside the workspace, got ${shown}, which leads outside it through a symbolic link` };
  }
  if (path.resolve(promptFile) === target || realTarget === realpathOr(path.resolve(promptFile))) {
    return { ok: false, message: `expected a dataset file, got ${shown}, which is the prompt file itself` };
  }
  if (isDirectory(realTarget)) {
    return { ok: false, message: `expected a file, got ${shown}, which is a directory` };
  }
  if (path.extname(target) !== '.jsonl') {
    return { ok: true, path: target, warning: `expected a .jsonl file (one JSON example per line), got ${shown}` };
  }
  return { ok: true, path: target };
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' ? false : !rel.startsWith('..') && !path.isAbsolute(rel);
}

function realpathOr(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return p;
  }
}

/**
 * realpath of the deepest existing ancestor, with the not-yet-existing rest appended. A dangling
 * link is followed by hand: writing through it would create its target, wherever that is.
 */
function realpathOfNearest(target: string, depth = 0): string {
  const rest: string[] = [];
  let current = target;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(current), ...rest);
    } catch {
      const link = readLink(current);
      if (link !== undefined && depth < 32) {
        return realpathOfNearest(path.join(path.resolve(path.dirname(current), link), ...rest), depth + 1);
      }
      const parent = path.dirname(current);
      if (parent === current) return target;
      rest.unshift(path.basename(current));
      current = parent;
    }
  }
}

function readLink(p: string): string | undefined {
  try {
    return fs.readlinkSync(p);
  } catch {
    return undefined;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
