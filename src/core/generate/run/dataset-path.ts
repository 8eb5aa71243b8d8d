import * as path from 'node:path';
import type { PromptFile } from '../types';

export interface DatasetPathOptions {
  /** Write every dataset into this folder instead of each file's output.path. */
  outDir?: string;
  /**
   * A dry run against the simulator writes `x.simulated.jsonl`: synthetic filler must never be
   * mistaken for (or resumed into) a real dataset.
   */
  simulated?: boolean;
}

export function datasetPathFor(file: PromptFile, options: DatasetPathOptions = {}): string {
  const configured = file.output.path;
  const dir = options.outDir !== undefined ? path.resolve(options.outDir) : path.dirname(configured);
  let base = path.basename(configured);
  if (options.simulated) {
    const ext = path.extname(base) || '.jsonl';
    base = `${base.slice(0, base.length - path.extname(base).length)}.simulated${ext}`;
  }
  return path.join(dir, base);
}
