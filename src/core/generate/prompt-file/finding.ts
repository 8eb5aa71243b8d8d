import type { Severity } from './diagnostic';
import type { PathSegment, Span } from './yaml-source';

/**
 * A problem found by one of the checks, located by data path. Checks work on data; turning a
 * path into a line and column is done once, in `parse-prompt-file.ts`.
 */
export interface Finding {
  path: PathSegment[];
  /**
   * What to point at: the value (wrong type or range), the key (unknown field), the mapping that
   * holds the field (a missing field has no node of its own), or an exact `span` the check found.
   */
  at: 'value' | 'key' | 'parent' | 'span';
  span?: Span;
  message: string;
  severity: Severity;
}
