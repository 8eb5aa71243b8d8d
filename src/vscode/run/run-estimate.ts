import type { ModelCaller } from '../../core/api/types';
import { classify } from '../../core/errors';
import type { GenerationRun } from '../../core/generate/run/generation-run';
import type { BatchProgress } from '../../core/generate/run/run-types';
import { estimateConversations, type EngineSettings } from '../../engine';
import type { Disposable, LogSink } from '../ports';
import { formatUsd } from './run-log';
import { DEFAULT_OVERRUN_FRACTION } from '../../core/generate/run/spend-gate';

/**
 * Estimates the conversations `batches` put in `run`, with count_tokens through the run's own
 * endpoint, while the run already works (unlike the CLI, a click should not wait on it). The
 * result goes to the run: the panel and status bar show the spend against it and the ETA starts
 * from its pace. Disposing (the run ended first) abandons it.
 */
export function estimateInBackground(
  run: GenerationRun,
  batches: readonly BatchProgress[],
  caller: Pick<ModelCaller, 'countTokens'>,
  settings: EngineSettings,
  log: LogSink,
): Disposable {
  const ids = new Set(batches.map((b) => b.id));
  const messageBatchFiles = new Set(batches.filter((b) => b.mode === 'batch').map((b) => b.id));
  // An even sample stands for all of a batch's conversations: a large run need not make every spec.
  const weights = new Map(
    run
      .estimateSample()
      .filter((s) => ids.has(s.spec.batch))
      .map((s) => [s.spec, s.weight]),
  );
  const specs = [...weights.keys()];
  const abort = new AbortController();
  if (specs.length > 0) {
    void estimateConversations({
      specs,
      settings,
      caller,
      signal: abort.signal,
      weightOf: (spec) => weights.get(spec) ?? 1,
      // Batch-mode files cost half: the estimate the spend is held against says so.
      isMessageBatch: (spec) => messageBatchFiles.has(spec.batch),
    }).then(
      (estimate) => {
        if (abort.signal.aborted) return;
        run.addEstimate(estimate);
        run.stopPastEstimate(DEFAULT_OVERRUN_FRACTION);
        log.info(`estimate for ${estimate.conversations} conversation(s): ~${formatUsd(estimate.costUsd)}; ${estimate.explanation}`);
      },
      (error: unknown) => {
        if (!abort.signal.aborted) log.warn(`no cost estimate for this run: ${classify(error).message}`);
      },
    );
  }
  return { dispose: () => abort.abort() };
}
