import { rename, writeFile } from 'node:fs/promises';
import type { ModelCaller } from '../../api/types';
import type { Clock } from '../../clock';
import { ForgeError, type ClassifiedError } from '../../errors';
import type { RateLimiter } from '../../limiter/types';
import { resolveModel } from '../../models';
import { QueueProcessor } from '../../queue/processor';
import type { Executor, Job } from '../../queue/types';
import { addUsage, ZERO_USAGE, type Usage } from '../../usage';
import type { GeneratedVariable, PromptFile } from '../types';
import { formatValuesFile, valuesFileFor } from './values-file';
import { worstValueRequest } from './estimate-values';
import { DEFAULT_VALUE_ROUNDS } from './value-rounds';
import { mergeValues, parseValuesAnswer, valuesRequest } from './values-request';

export { DEFAULT_VALUE_ROUNDS } from './value-rounds';

export interface GenerateValuesOptions {
  files: readonly PromptFile[];
  caller: ModelCaller;
  limiter: RateLimiter;
  clock: Clock;
  /** A dry run writes `*.forge.values.simulated.yaml` (see valuesFileFor). */
  simulated: boolean;
  maxRounds?: number;
  maxAttempts?: number;
  /** Told when a file's values are written. */
  onWritten?: (outcome: ValuesOutcome) => void;
  /** Aborting stops the requests in flight; nothing is written and it rejects with a cancelled error. */
  signal?: AbortSignal;
  /**
   * The run's `--budget`: a request is sent only when its worst case (max_tokens out, every listed
   * value in) fits in what the values have not spent yet. One that does not is not sent: the values
   * so far are written and it rejects with a budget error saying so.
   */
  budget?: ValuesBudget;
}

export interface ValuesBudget {
  limitUsd: number;
  priceOf: (model: string, usage: Usage) => number;
}

export interface VariableOutcome {
  name: string;
  wanted: number;
  got: number;
  requests: number;
  usage: Usage;
  model: string;
}

export interface ValuesOutcome {
  promptFile: string;
  valuesFile: string;
  variables: VariableOutcome[];
}

interface ValuesJobData {
  readonly variable: GeneratedVariable;
  have: string[];
  requests: number;
  usage: Usage;
}

/** Files whose generated variables still need values. */
export function filesNeedingValues(files: readonly PromptFile[]): PromptFile[] {
  return files.filter((f) => (f.pendingValues?.length ?? 0) > 0);
}

/**
 * Asks Claude for the missing values of every file that has some, through the engine's own queue
 * (limiter, retries and the error table, as conversations go), and writes each file's values file
 * (a new file renamed over the old, so an interrupted write never leaves half a file). Values short
 * of the count after `maxRounds` requests are written all the same (they were paid for): the values
 * file then fails validation with the count it lacks, and the user adds values or lowers `generate`.
 */
export async function generateValues(options: GenerateValuesOptions): Promise<ValuesOutcome[]> {
  const work = filesNeedingValues(options.files).map((file) => ({
    file,
    jobs: file.generated!.filter((g) => file.pendingValues!.includes(g.name)).map((variable) => newData(variable)),
  }));
  const all = work.flatMap((w) => w.jobs);
  if (all.length === 0) return [];
  const rounds = options.maxRounds ?? DEFAULT_VALUE_ROUNDS;
  let withheld: Withheld | undefined;
  for (let round = 0; round < rounds; round++) {
    const short = all.filter((d) => d.have.length < d.variable.count);
    if (short.length === 0) break;
    const { send, held } = withinBudget(short, round, all, options.budget);
    if (send.length > 0) await runRound(send, round, options);
    if (held) {
      withheld = held;
      break;
    }
  }
  const outcomes: ValuesOutcome[] = [];
  for (const { file, jobs } of work) {
    // A file none of whose requests were sent (the budget held them back) has nothing to write.
    if (jobs.every((j) => j.requests === 0)) continue;
    const values: Record<string, string[]> = {};
    for (const g of file.generated!) values[g.name] = jobs.find((j) => j.variable.name === g.name)?.have ?? file.variables[g.name]!;
    const target = valuesFileFor(file.path, options.simulated);
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, formatValuesFile(file.path, values), 'utf8');
    await rename(temp, target);
    const outcome: ValuesOutcome = {
      promptFile: file.path,
      valuesFile: target,
      variables: jobs.map((j) => ({
        name: j.variable.name,
        wanted: j.variable.count,
        got: j.have.length,
        requests: j.requests,
        usage: j.usage,
        model: j.variable.model,
      })),
    };
    options.onWritten?.(outcome);
    outcomes.push(outcome);
  }
  if (withheld) throw budgetError(withheld, all, options.budget!);
  return outcomes;
}

/** What the values have cost so far, priced as the budget prices them. */
export function valuesSpentUsd(outcomes: readonly ValuesOutcome[], priceOf: ValuesBudget['priceOf']): number {
  return outcomes.reduce((n, o) => n + o.variables.reduce((m, v) => m + priceOf(v.model, v.usage), 0), 0);
}

interface Withheld {
  variable: GeneratedVariable;
  worstUsd: number;
  round: number;
}

function spentOf(all: readonly ValuesJobData[], budget: ValuesBudget): number {
  return all.reduce((n, d) => n + budget.priceOf(d.variable.model, d.usage), 0);
}

/**
 * The requests of this round whose worst cases fit in the budget together (in file order), and the
 * first that does not: checked before sending, like the run's own reservations, never after.
 */
function withinBudget(
  short: ValuesJobData[],
  round: number,
  all: readonly ValuesJobData[],
  budget: ValuesBudget | undefined,
): { send: ValuesJobData[]; held?: Withheld } {
  if (!budget) return { send: short };
  let committed = spentOf(all, budget);
  const send: ValuesJobData[] = [];
  for (const d of short) {
    const worstUsd = worstValueRequest(d.variable, round, budget.priceOf).costUsd;
    if (committed + worstUsd > budget.limitUsd + 1e-12) return { send, held: { variable: d.variable, worstUsd, round } };
    committed += worstUsd;
    send.push(d);
  }
  return { send };
}

function budgetError(held: Withheld, all: readonly ValuesJobData[], budget: ValuesBudget): ForgeError {
  const spent = spentOf(all, budget);
  const which = held.round === 0 ? 'the values request' : `top-up ${held.round} of the values`;
  const d = all.find((x) => x.variable === held.variable)!;
  const got = d.have.length > 0 ? `; the ${d.have.length} value(s) it has are written` : '';
  // classify() puts the kind's label ("budget reached") in front.
  return new ForgeError(
    'budget',
    `${which} for ${held.variable.name} (worst case ${money(held.worstUsd)}) would pass the budget ` +
      `(${money(budget.limitUsd)}, ${money(spent)} spent on values) and was not sent${got}. ` +
      'Raise the budget, or write the values by hand in the values file; no conversation was started.',
  );
}

function newData(variable: GeneratedVariable): ValuesJobData {
  return { variable, have: [], requests: 0, usage: { ...ZERO_USAGE } };
}

async function runRound(short: ValuesJobData[], round: number, options: GenerateValuesOptions): Promise<void> {
  const executor: Executor<ValuesJobData> = async (job, ctx) => {
    const d = job.data;
    const request = valuesRequest(d.variable, d.have, d.variable.count - d.have.length);
    const response = await options.caller.send({ ...request, signal: ctx.signal, ...(ctx.onHeaders ? { onHeaders: ctx.onHeaders } : {}) });
    d.requests++;
    d.usage = addUsage(d.usage, response.usage);
    d.have = mergeValues(d.have, parseValuesAnswer(response.text), d.variable.count);
    return { type: 'done', usage: response.usage, headers: response.headers };
  };
  const processor = new QueueProcessor<ValuesJobData>({
    clock: options.clock,
    limiter: options.limiter,
    executor,
    backoff: { baseMs: 500, maxMs: 60_000, jitter: Math.random },
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
  let failure: ClassifiedError | undefined;
  let settled = false;
  // Disposing cancels, which reports itself as a stop: only what happened before then counts.
  processor.on('failed', ({ error }) => (failure ??= settled ? undefined : error));
  processor.on('stopped', ({ error }) => (failure ??= settled ? undefined : error));
  const abort = () => processor.cancel();
  options.signal?.addEventListener('abort', abort);
  try {
    if (options.signal?.aborted) throw new ForgeError('cancelled', 'generating values was cancelled');
    const now = options.clock.now();
    processor.add(short.map((d, i) => jobOf(d, round, i, now)));
    await processor.onIdle();
  } finally {
    settled = true;
    options.signal?.removeEventListener('abort', abort);
    processor.dispose();
  }
  if (options.signal?.aborted) throw new ForgeError('cancelled', 'generating values was cancelled: nothing was written');
  if (failure) {
    throw new ForgeError(failure.kind, `generating values failed: ${failure.message}`);
  }
}

function jobOf(d: ValuesJobData, round: number, i: number, now: number): Job<ValuesJobData> {
  const request = valuesRequest(d.variable, d.have, d.variable.count - d.have.length);
  const chars = request.messages.reduce((n, m) => n + m.content.length, 0);
  return {
    id: `values-${round}-${i}-${d.variable.name}`,
    batchId: `values:${d.variable.name}`,
    priority: 'high',
    model: d.variable.model,
    modelClass: resolveModel(d.variable.model)?.modelClass ?? d.variable.model,
    next: { inputTokens: Math.ceil(chars / 4), maxTokens: d.variable.maxTokens },
    attempts: 0,
    steps: 0,
    state: 'queued',
    enqueuedAt: now,
    data: d,
  };
}

/** Small sums keep two significant digits ($0.00031), larger ones cents. */
function money(usd: number): string {
  return usd >= 0.01 || usd === 0 ? `$${usd.toFixed(2)}` : `$${usd.toPrecision(2)}`;
}
