export { formatRecord, type AnthropicRecord, type OpenAiRecord, type ShareGptRecord, type TrainingRecord } from './formats';
export { openDataset } from './dataset-writer';
export { datasetFiles, type DatasetFiles } from './paths';
export { planResume, type ResumePlan } from './resume';
export type {
  AppendResult,
  DatasetStats,
  DatasetWriter,
  FailedEntry,
  FailureInput,
  FsyncPolicy,
  JournalEntry,
  OpenDatasetOptions,
  RecordMeta,
  RepairReport,
} from './types';
