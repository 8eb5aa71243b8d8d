/** The shape of one command-line flag; the table itself is flags.ts. */
export type Command =
  'generate' | 'estimate' | 'validate' | 'render' | 'report' | 'export' | 'dedup' | 'simulate' | 'init' | 'batches' | 'help' | 'version';

export type FlagKind =
  | { type: 'boolean' }
  | { type: 'integer'; min: number; max?: number }
  | { type: 'number'; above: number }
  | { type: 'choice'; choices: readonly string[] }
  | { type: 'text' };

export interface FlagSpec {
  name: string;
  short?: string;
  kind: FlagKind;
  /** Placeholder shown in the help, e.g. `N` or `USD`. */
  value?: string;
  commands: readonly Command[];
  group: 'limits' | 'options';
  help: string;
}

export const RUNS: readonly Command[] = ['generate', 'estimate'];
// dedup --regenerate runs the prompt files again, so it takes generate's run flags.
export const LIMITED: readonly Command[] = ['generate', 'estimate', 'simulate', 'dedup'];
export const ALL: readonly Command[] = [
  'generate',
  'estimate',
  'validate',
  'render',
  'report',
  'export',
  'dedup',
  'simulate',
  'init',
  'batches',
  'help',
  'version',
];
