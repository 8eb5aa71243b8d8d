import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * What makes a folder a workspace for the CLI: the same folders VS Code users open. The CLI looks
 * for them upward from each prompt file, so the same file is accepted or refused alike from any
 * current directory. `.convforge` is an empty file a user can add to mark a folder explicitly.
 */
export const WORKSPACE_MARKERS = ['.convforge', '.git', '.vscode', 'package.json'] as const;

/** The nearest folder, from the prompt file's own upward, holding a marker; else the file's folder. */
export function workspaceRootOf(promptFile: string, exists: (p: string) => boolean = fs.existsSync): string {
  const own = path.dirname(path.resolve(promptFile));
  for (let dir = own; ; dir = path.dirname(dir)) {
    if (WORKSPACE_MARKERS.some((m) => exists(path.join(dir, m)))) return dir;
    if (path.dirname(dir) === dir) return own;
  }
}
