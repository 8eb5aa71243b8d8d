import { modelLookup } from '../../engine';
import { formatDiagnostic, hasErrors, validatePromptFiles, type Diagnostic } from '../../core/generate/prompt-file';
import type { PromptFile } from '../../core/generate/types';
import { valuesReader } from '../../core/generate/values/values-reader';
import type { SourceText, Workspace } from '../ports';

/**
 * Reading and validating prompt files the way the editor sees them (unsaved text wins), with the
 * cross-file checks (duplicate batch names, shared datasets) run over every workspace file.
 */
export interface Validated {
  /** Every workspace file plus any extra path given, parsed. */
  readonly files: readonly PromptFile[];
  readonly diagnostics: readonly Diagnostic[];
  /** Every path that was checked (so files now clean get their old problems cleared). */
  readonly checked: readonly string[];
}

export async function validateWorkspace(workspace: Workspace, extra: readonly string[] = []): Promise<Validated> {
  const paths = [...new Set([...(await workspace.findPromptFiles()), ...extra])];
  const sources: SourceText[] = await Promise.all(paths.map((p) => workspace.read(p)));
  const byRoot = new Map<string, SourceText[]>();
  for (const s of sources) {
    const root = workspace.rootOf(s.path);
    byRoot.set(root, [...(byRoot.get(root) ?? []), s]);
  }
  const files: PromptFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const [root, group] of byRoot) {
    // Validation reads the real values files; a dry run rebinds to its own when it starts (ensureValues).
    const result = validatePromptFiles(group, { workspaceRoot: root, readValues: valuesReader(false), ...modelLookup() });
    files.push(...result.files);
    diagnostics.push(...result.diagnostics);
  }
  return { files, diagnostics, checked: paths };
}

export type Selection =
  | { readonly ok: true; readonly files: readonly PromptFile[]; readonly warnings: readonly Diagnostic[] }
  | { readonly ok: false; readonly errors: readonly Diagnostic[]; readonly firstError: string };

/** The parsed files for `paths`, or their errors (the first one formatted `file:line:col: field: message`). */
export function select(validated: Validated, paths: readonly string[], relativeTo?: string): Selection {
  const wanted = new Set(paths);
  const mine = validated.diagnostics.filter((d) => wanted.has(d.file));
  const errors = mine.filter((d) => d.severity === 'error');
  if (hasErrors(errors)) return { ok: false, errors, firstError: formatDiagnostic(errors[0]!, relativeTo) };
  const files = validated.files.filter((f) => wanted.has(f.path));
  return { ok: true, files, warnings: mine.filter((d) => d.severity === 'warning') };
}

export function groupByFile(validated: Validated): Map<string, Diagnostic[]> {
  const byFile = new Map<string, Diagnostic[]>(validated.checked.map((p) => [p, []]));
  for (const d of validated.diagnostics) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
  return byFile;
}
