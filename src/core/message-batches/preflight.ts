import * as fs from 'node:fs';
import { ForgeError } from '../errors';
import { formatDiagnostic, type Diagnostic } from '../generate/prompt-file';
import { parseYaml, valueSpan, type PathSegment } from '../generate/prompt-file/yaml-source';
import type { PromptFile } from '../generate/types';
import { MESSAGE_BATCH_ENVELOPE_BYTES } from '../api/message-batch-limits';
import { CUSTOM_ID_PATTERN } from './custom-ids';
import type { PackLimits } from './packing';
import type { PendingRequest } from './pending-requests';

/** Where a field sits in its prompt file, for the message (line 1 when the file cannot be read again). */
function at(file: PromptFile, field: PathSegment[]): Pick<Diagnostic, 'line' | 'column'> {
  try {
    const span = valueSpan(parseYaml(fs.readFileSync(file.path, 'utf8')), field);
    return { line: span.line, column: span.column };
  } catch {
    return { line: 1, column: 1 };
  }
}

/**
 * What the Message Batches API would refuse, found before anything is created: the whole create
 * would fail (or, for a body problem, every request would come back errored), so one bad request
 * must not cost a batch. Returns the first problem as a diagnostic naming file, line and field.
 */
export function preflightProblem(
  file: PromptFile,
  requests: readonly PendingRequest[],
  limits: PackLimits,
  sizeOf: (r: PendingRequest) => number,
): Diagnostic | undefined {
  for (const r of requests) {
    if (!CUSTOM_ID_PATTERN.test(r.customId)) {
      return {
        file: file.path,
        ...at(file, ['name']),
        field: 'name',
        message: `custom_id ${JSON.stringify(r.customId)} does not match ${CUSTOM_ID_PATTERN.source}`,
        severity: 'error',
      };
    }
    const bytes = sizeOf(r);
    if (bytes + MESSAGE_BATCH_ENVELOPE_BYTES > limits.maxBytes) {
      const field = (file.system?.length ?? 0) > file.prompt.length ? 'system' : 'prompt';
      return {
        file: file.path,
        ...at(file, [field]),
        field,
        message: `conversation ${r.ref.i} needs a ${bytes}-byte request, and a Message Batch holds at most ${limits.maxBytes} bytes: shorten it or use mode: online`,
        severity: 'error',
      };
    }
  }
  return undefined;
}

/** The refusal as the run reports it: the diagnostic's own one line. */
export function preflightError(d: Diagnostic): ForgeError {
  return new ForgeError('invalid_request', `refused before submitting any Message Batch: ${formatDiagnostic(d)}`);
}
