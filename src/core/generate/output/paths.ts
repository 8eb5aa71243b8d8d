import * as path from 'node:path';

/** The files that live beside a dataset `x.jsonl`. */
export interface DatasetFiles {
  dataset: string;
  /** `x.meta.jsonl`: one line per committed record; the journal. */
  journal: string;
  /** `x.failed.jsonl`: one line per failed attempt to finish a job. */
  failed: string;
  /** `x.jsonl.lock`: held by the one process writing the dataset. */
  lock: string;
}

export function datasetFiles(datasetPath: string): DatasetFiles {
  const dataset = path.resolve(datasetPath);
  const ext = path.extname(dataset);
  const stem = ext ? dataset.slice(0, -ext.length) : dataset;
  const suffix = ext || '.jsonl';
  return {
    dataset,
    journal: `${stem}.meta${suffix}`,
    failed: `${stem}.failed${suffix}`,
    lock: `${dataset}.lock`,
  };
}
