import type { FlagSpec } from './flag-spec';

/** Flags of the dataset commands (report, export, dedup). */
export const DATASET_FLAGS: readonly FlagSpec[] = [
  {
    name: 'format',
    kind: { type: 'choice', choices: ['hf', 'openai', 'sharegpt', 'bedrock', 'parquet'] },
    value: 'hf|openai|sharegpt|bedrock|parquet',
    commands: ['export'],
    group: 'options',
    help: 'hf: Hugging Face messages JSONL; openai: OpenAI fine-tuning; sharegpt; bedrock: Amazon Bedrock (Claude); parquet: HF messages in Parquet shards (default hf)',
  },
  {
    name: 'validation',
    kind: { type: 'number', above: -1 },
    value: 'FRACTION',
    commands: ['export'],
    group: 'options',
    help: 'share of conversations in validation.* (split by id, the same on every export; default 0)',
  },
  {
    name: 'include-duplicates',
    kind: { type: 'boolean' },
    commands: ['export'],
    group: 'options',
    help: 'keep exact and near-duplicates (left out by default)',
  },
  {
    name: 'include-flagged',
    kind: { type: 'boolean' },
    commands: ['export'],
    group: 'options',
    help: 'keep conversations flagged as refusals or meta-commentary (left out by default)',
  },
  {
    name: 'force',
    kind: { type: 'boolean' },
    commands: ['export'],
    group: 'options',
    help: 'replace the files of an earlier export in --out',
  },
  {
    name: 'threshold',
    kind: { type: 'number', above: 0 },
    value: 'J',
    commands: ['report', 'export', 'dedup', 'generate'],
    group: 'options',
    help: 'Jaccard similarity from which two conversations are near-duplicates (default 0.8; at most 1); generate: for the marking after the run',
  },
  {
    name: 'drop',
    kind: { type: 'boolean' },
    commands: ['dedup'],
    group: 'options',
    help: 'remove the duplicates found from their datasets (the journal keeps the rest; nothing else is rewritten)',
  },
  {
    name: 'regenerate',
    kind: { type: 'boolean' },
    commands: ['dedup'],
    group: 'options',
    help: 'remove the duplicates found and make them again with a new variation (runs their prompt files, like generate)',
  },
];
