import * as path from 'node:path';
import * as vscode from 'vscode';
import { reportTargets } from '../../engine';
import type { ViewerActions } from './viewer-session';

/**
 * The datasets Show Dataset Report covers: the ones named, those under a folder, and those a prompt
 * file writes (as `convforge report` takes them). What names none is said, not skipped silently.
 */
export async function reportDatasets(inputs: readonly string[], log: ViewerActions['log']): Promise<string[]> {
  if (inputs.length === 0) return [];
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  // Named as the Explorer shows them, so a problem reads "out/a.meta.jsonl: …".
  const named = inputs.map((i) => {
    const r = path.relative(root, i);
    return r === '' ? '.' : r.startsWith('..') || path.isAbsolute(r) ? i : r;
  });
  const { datasets, problems } = await reportTargets(named, root);
  for (const p of problems) log.warn(`dataset report: ${p}`);
  if (problems.length > 0) {
    void vscode.window.showWarningMessage(
      `Conversation Forge: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}${datasets.length ? '; the report covers the rest' : ''}.`,
    );
  }
  return datasets;
}

/** The datasets a restored report panel showed (its webview state); older panels kept one `dataset`. */
export function savedDatasets(state: unknown): string[] | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const s = state as { datasets?: unknown; dataset?: unknown };
  if (Array.isArray(s.datasets) && s.datasets.length > 0 && s.datasets.every((d) => typeof d === 'string')) return s.datasets as string[];
  return typeof s.dataset === 'string' ? [s.dataset] : undefined;
}
