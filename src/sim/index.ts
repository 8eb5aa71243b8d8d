/**
 * The built-in Anthropic Messages API simulator: a protocol-faithful local server for tests,
 * free dry runs and benchmarks. Drive it with the real SDK:
 *   const sim = await startSimulator({ seed: 1 });
 *   const client = new Anthropic({ apiKey: 'sk-ant-sim', baseURL: sim.url, maxRetries: 0 });
 */
export { startSimulator, type SimulatorHandle } from './server';
export type {
  SimulatorOptions,
  SimulatorConfig,
  LatencyConfig,
  OutputConfig,
  FaultsConfig,
  FaultScriptEntry,
  LimitsConfig,
} from './options';
export { DEFAULT_LIMITS } from './options';
export {
  defaultMessageBatchConfig,
  BATCH_ERROR_TYPES,
  type MessageBatchConfig,
  type BatchOutcomes,
  type OutcomeRule,
  type BatchErrorType,
} from './message-batches/batch-options';
export type { MessageBatchStats } from './message-batches/batch-stats';
export { FAULT_KINDS, type FaultKind } from './fault-kinds';
export type { SimStats, ClassStats } from './stats';
export { countInputTokens, countTextTokens, REQUEST_OVERHEAD_TOKENS, MESSAGE_OVERHEAD_TOKENS } from './tokens';
export { KNOWN_MODELS, MODEL_CLASSES, type ModelClass } from './models';
