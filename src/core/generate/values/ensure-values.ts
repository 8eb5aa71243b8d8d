import { ForgeError } from '../../errors';
import { formatDiagnostic, hasErrors, promptHashOf, type Diagnostic } from '../prompt-file';
import { resolveGeneratedValues, type ValuesReader } from '../prompt-file/generated-variables';
import type { PromptFile } from '../types';
import { filesNeedingValues, generateValues, type GenerateValuesOptions } from './generate-values';
import { valuesReader } from './values-reader';

/**
 * The file with its generated values read again through `read` (a dry run may read other values
 * than validation did), its promptHash recomputed from them. Files without generated variables pass.
 */
export function rebindValues(
  file: PromptFile,
  read: ValuesReader,
): { ok: true; file: PromptFile } | { ok: false; diagnostics: Diagnostic[] } {
  if (!file.generated?.length) return { ok: true, file };
  const resolved = resolveGeneratedValues(file.path, file.generated, read);
  if (hasErrors(resolved.diagnostics)) return { ok: false, diagnostics: resolved.diagnostics };
  const { pendingValues: _p, valuesFile: _v, ...rest } = file;
  const variables = { ...file.variables, ...resolved.values };
  return {
    ok: true,
    file: {
      ...rest,
      variables,
      promptHash: promptHashOf({ ...rest, variables }),
      ...(resolved.valuesFile ? { valuesFile: resolved.valuesFile } : {}),
      ...(resolved.pending.length ? { pendingValues: resolved.pending } : {}),
    },
  };
}

/** The files bound to the values this endpoint reads (a dry run's own, else the real ones); pending ones keep placeholders. */
export function bindValues(files: readonly PromptFile[], simulated: boolean): PromptFile[] {
  return bindAll(files, valuesReader(simulated));
}

function bindAll(files: readonly PromptFile[], read: ValuesReader): PromptFile[] {
  return files.map((f) => {
    const bound = rebindValues(f, read);
    if (!bound.ok) throw new ForgeError('invalid_request', formatDiagnostic(bound.diagnostics.find((d) => d.severity === 'error')!));
    return bound.file;
  });
}

/**
 * What a front end calls before a run: every generated variable bound to its values for this
 * endpoint, the missing ones asked for first. Throws ForgeError('invalid_request') naming file,
 * line and field when a values file is bad, or when Claude's values fell short of the count.
 */
export async function ensureValues(files: readonly PromptFile[], options: Omit<GenerateValuesOptions, 'files'>): Promise<PromptFile[]> {
  const read = valuesReader(options.simulated);
  const bound = bindAll(files, read);
  if (filesNeedingValues(bound).length === 0) return bound;
  await generateValues({ ...options, files: bound });
  return bindAll(bound, read);
}
