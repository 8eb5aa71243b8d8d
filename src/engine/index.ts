/**
 * The one entry both front ends (src/cli, src/vscode) wire the engine through: an endpoint (the
 * API or the built-in simulator), a run assembled from settings, and the estimate priced and paced
 * as that run would be. A capability added to the engine is wired here once.
 */
export {
  applyLimits,
  assembleRun,
  createCallerFor,
  createMessageBatchApiFor,
  createLimiterFor,
  endpointName,
  openLimiterFor,
  openTokenCounter,
  limitsOf,
  modelLookup,
  type AssembledRun,
  type AssembleOptions,
  type Endpoint,
  type EngineSettings,
} from './assemble';
export {
  apiEndpoint,
  openSimulatorEndpoint,
  simulatorLimits,
  SIMULATOR_KEY,
  type OpenedEndpoint,
  type SimulatorEndpointOptions,
} from './endpoint';
export {
  conversationsOf,
  estimateConversations,
  estimateFiles,
  localCounter,
  messageBatchSpecs,
  type EstimateRequest,
  type LearnedLimits,
} from './estimate';
export { reportTargets, type ReportTargets, type TargetOptions } from './report-targets';
