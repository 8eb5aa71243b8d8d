import { classify, ForgeError } from '../../core/errors';
import { applyLimits, assembleRun } from '../../engine';
import type { ModelCaller } from '../../core/api/types';
import { DuplicatePrep } from '../../core/dataset/duplicate-prep';
import type { GenerationRun } from '../../core/generate/run/generation-run';
import type { RunSummary } from '../../core/generate/run/run-types';
import type { PromptFile } from '../../core/generate/types';
import type { RateLimiter } from '../../core/limiter/types';
import { engineSettings, LIMIT_KEYS, type ConfigChange } from '../config';
import type { EndpointResult, OpenedEndpoint } from '../endpoint';
import type { Disposable, LogSink } from '../ports';
import type { GenerateOptions, GenerateOutcome, RunControllerDeps } from './run-controller-types';

/** One run's engine: what opening a run yields and what a settings change can reach. */
export interface RunEngine {
  readonly run: GenerationRun;
  readonly limiter: RateLimiter;
  readonly endpoint: OpenedEndpoint;
  /** The run's own caller (values generated for a joining file). */
  readonly caller: ModelCaller;
  /** count_tokens through that caller, paced on the run's budget (the background estimate). */
  readonly counter: Pick<ModelCaller, 'countTokens'>;
  /** The run's conversations prepared as written, for the near-duplicate marking after it. */
  readonly duplicatePrep: DuplicatePrep;
}

/** A run in progress: its engine, its bucket of run-lifetime disposables, and its prompt files so far. */
export interface LiveRun extends RunEngine {
  readonly disposables: Disposable[];
  readonly done: Promise<RunSummary>;
  readonly files: string[];
}

export type OpenResult = ({ readonly ok: true } & RunEngine) | { readonly ok: false; readonly outcome: GenerateOutcome };

/**
 * Opens the endpoint (the API or the simulator) and assembles a run over `files` against it.
 * `starting` is told once the endpoint is up (so the status can say whether this is a dry run);
 * if assembly then fails the endpoint is closed before `abandoned` is told.
 */
export async function openRun(
  deps: Pick<RunControllerDeps, 'config' | 'endpoints' | 'clock' | 'caller' | 'loopLag'> & Partial<Pick<RunControllerDeps, 'log'>>,
  files: readonly PromptFile[],
  options: GenerateOptions,
  starting: (simulated: boolean) => void,
  abandoned: () => void,
): Promise<OpenResult> {
  const config = deps.config();
  let opened: EndpointResult;
  try {
    opened = await deps.endpoints.open(config);
  } catch (error) {
    return { ok: false, outcome: { ok: false, reason: 'error', message: `could not start the endpoint: ${classify(error).message}` } };
  }
  if (!opened.ok) {
    return { ok: false, outcome: { ok: false, reason: 'no-key', message: 'no Anthropic API key: set one, or use the built-in simulator' } };
  }
  const endpoint = opened.opened;
  starting(endpoint.endpoint.simulated);
  // At the threshold of now: a marking at another one (the setting changed meanwhile) prepares its own.
  const duplicatePrep = new DuplicatePrep(config.duplicateThreshold);
  try {
    const { run, limiter, caller, counter, store } = await assembleRun({
      duplicatePrep,
      files,
      settings: engineSettings(config),
      endpoint: endpoint.endpoint,
      clock: deps.clock,
      ...(options.retryFailed ? { retryFailed: true } : {}),
      ...(options.allowNewVersion ? { allowNewVersion: true } : {}),
      ...(deps.caller ? { caller: deps.caller } : {}),
      ...(deps.loopLag ? { loopLag: deps.loopLag } : {}),
      ...(deps.log ? { onNotice: (message: string) => deps.log!.warn(message) } : {}),
    });
    // The limiter's store (a shared-limits file or a Redis connection) lives as long as the endpoint.
    const withStore: OpenedEndpoint = {
      endpoint: endpoint.endpoint,
      setLimits: (limits) => endpoint.setLimits(limits),
      close: async () => {
        await store.dispose().catch(() => undefined);
        await endpoint.close();
      },
    };
    return { ok: true, run, limiter, endpoint: withStore, caller, counter, duplicatePrep };
  } catch (error) {
    await endpoint.close().catch(() => undefined);
    abandoned();
    const c = classify(error);
    const message = error instanceof ForgeError ? error.message : c.message;
    return {
      ok: false,
      outcome: {
        ok: false,
        reason: c.kind === 'prompt_changed' ? 'prompt-changed' : 'error',
        message: `could not open the run: ${message}`,
      },
    };
  }
}

/**
 * Applies changed settings to a run in progress where they can apply (rate limits); the rest
 * (concurrency, budget, outage patience, endpoint) is fixed when a run opens, and the log says so.
 */
export async function applyConfigToRun(engine: RunEngine, change: ConfigChange, log: LogSink): Promise<void> {
  if (LIMIT_KEYS.some((k) => change.changed.has(k))) {
    const limits = engineSettings(change.config).limits;
    try {
      await applyLimits(engine.limiter, limits);
      engine.endpoint.setLimits(limits);
      log.info('new rate limits applied to the run in progress');
    } catch (error) {
      log.warn(`could not apply the new limits: ${classify(error).message}`);
    }
  }
  const later = (['maxConcurrency', 'budgetUsd', 'patienceMinutes', 'useSimulator', 'endpoint'] as const).filter((k) =>
    change.changed.has(k),
  );
  if (later.length > 0) log.info(`${later.join(', ')}: applies from the next run`);
}
