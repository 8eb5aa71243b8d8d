import { approxTokens } from '../generate/estimate/approx-tokens';
import { Histogram } from './histogram';
import { HyperLogLog } from './hyperloglog';
import { DEFAULT_DUPLICATE_THRESHOLD } from './near-duplicates';
import { failuresByKind, scanDatasets, type ScanOptions } from './scan-datasets';
import { fnv1a, words } from './shingles';

export interface DistinctN {
  /** Distinct unigrams / all unigrams. */
  distinct1: number;
  distinct2: number;
}

/** The headline figures of one dataset of a report over several. */
export interface DatasetFigures {
  dataset: string;
  conversations: number;
  broken: number;
  /** Found now (across all the report's datasets: a copy of another dataset's conversation counts here). */
  duplicates: { exact: number; near: number; rate: number; marked: number };
  refusalRate: number;
  metaCommentaryRate: number;
  failures: number;
  cost: { totalUsd: number; perConversationUsd: number; conversationsWithCost: number };
}

export interface DatasetReport {
  datasets: string[];
  /** Each dataset's figures, in the order given; the rest of the report is their total. */
  perDataset: DatasetFigures[];
  /** Lines that hold a conversation. */
  conversations: number;
  broken: { count: number; first: { dataset: string; line: number; problem: string }[] };
  /** False when no dataset had a journal: counts by batch and variables, and cost, are then unknown. */
  journal: boolean;
  byBatch: Record<string, number>;
  byVariable: Record<string, Record<string, number>>;
  messagesPerConversation: ReturnType<Histogram['toJSON']>;
  tokensPerMessage: { user: ReturnType<Histogram['toJSON']>; assistant: ReturnType<Histogram['toJSON']> };
  distinct: { user: DistinctN; assistant: DistinctN };
  /** Found now at `threshold`; `marked`: conversations the journals mark as duplicates (by a run or `dedup`). */
  duplicates: { threshold: number; exact: number; near: number; rate: number; marked: number };
  refusalRate: number;
  metaCommentaryRate: number;
  failures: { total: number; byKind: Record<string, number> };
  cost: { totalUsd: number; perConversationUsd: number; conversationsWithCost: number };
}

class DistinctCounter {
  private readonly uni = new HyperLogLog();
  private readonly bi = new HyperLogLog();
  private unigrams = 0;
  private bigrams = 0;

  add(text: string): void {
    const w = words(text);
    for (let i = 0; i < w.length; i++) {
      this.uni.add(fnv1a(w[i]!));
      this.unigrams++;
      if (i > 0) {
        this.bi.add(fnv1a(`${w[i - 1]} ${w[i]}`));
        this.bigrams++;
      }
    }
  }

  result(): DistinctN {
    return {
      distinct1: this.unigrams ? Math.min(1, this.uni.count() / this.unigrams) : 0,
      distinct2: this.bigrams ? Math.min(1, this.bi.count() / this.bigrams) : 0,
    };
  }
}

const MESSAGE_BOUNDS = [2, 4, 6, 8, 10, 14, 20, 30];
const TOKEN_BOUNDS = [25, 50, 100, 200, 400, 800, 1600];

/** One streaming pass over the datasets (plus their journals and failure logs) in bounded memory. */
export async function buildReport(named: readonly string[], options: ScanOptions = {}): Promise<DatasetReport> {
  // A dataset named twice would be compared with itself: reported once.
  const datasets = [...new Set(named)];
  const report: DatasetReport = {
    datasets: [...datasets],
    perDataset: [],
    conversations: 0,
    broken: { count: 0, first: [] },
    journal: false,
    byBatch: {},
    byVariable: {},
    messagesPerConversation: new Histogram(MESSAGE_BOUNDS).toJSON(),
    tokensPerMessage: { user: new Histogram(TOKEN_BOUNDS).toJSON(), assistant: new Histogram(TOKEN_BOUNDS).toJSON() },
    distinct: { user: { distinct1: 0, distinct2: 0 }, assistant: { distinct1: 0, distinct2: 0 } },
    duplicates: { threshold: options.threshold ?? DEFAULT_DUPLICATE_THRESHOLD, exact: 0, near: 0, rate: 0, marked: 0 },
    refusalRate: 0,
    metaCommentaryRate: 0,
    failures: { total: 0, byKind: {} },
    cost: { totalUsd: 0, perConversationUsd: 0, conversationsWithCost: 0 },
  };
  const messages = new Histogram(MESSAGE_BOUNDS);
  const tokens = { user: new Histogram(TOKEN_BOUNDS), assistant: new Histogram(TOKEN_BOUNDS) };
  const distinct = { user: new DistinctCounter(), assistant: new DistinctCounter() };
  let refusals = 0;
  let meta = 0;
  const figures = new Map(datasets.map((d) => [d, newFigures(d)]));
  for await (const s of scanDatasets(datasets, options)) {
    const f = figures.get(s.dataset)!;
    if (s.kind === 'broken') {
      f.broken++;
      report.broken.count++;
      if (report.broken.first.length < 20) report.broken.first.push({ dataset: s.dataset, line: s.line, problem: s.problem });
      continue;
    }
    report.conversations++;
    f.conversations++;
    if (s.duplicateOf?.exact) f.duplicates.exact++;
    else if (s.duplicateOf) f.duplicates.near++;
    if (s.marked) f.duplicates.marked++;
    if (s.flags.includes('refusal')) f.refusals++;
    if (s.flags.includes('metaCommentary')) f.meta++;
    if (s.meta) {
      f.cost.totalUsd += s.meta.costUsd;
      f.cost.conversationsWithCost++;
    }
    messages.add(s.record.turns.length);
    for (const t of s.record.turns) {
      tokens[t.role].add(approxTokens(t.content));
      distinct[t.role].add(t.content);
    }
    if (s.duplicateOf?.exact) report.duplicates.exact++;
    else if (s.duplicateOf) report.duplicates.near++;
    if (s.marked) report.duplicates.marked++;
    if (s.flags.includes('refusal')) refusals++;
    if (s.flags.includes('metaCommentary')) meta++;
    if (s.meta) {
      report.journal = true;
      const batch = s.meta.batch ?? '(unnamed)';
      report.byBatch[batch] = (report.byBatch[batch] ?? 0) + 1;
      for (const [name, value] of Object.entries(s.meta.variables)) {
        const counts = (report.byVariable[name] ??= {});
        counts[value] = (counts[value] ?? 0) + 1;
      }
      report.cost.totalUsd += s.meta.costUsd;
      report.cost.conversationsWithCost++;
    }
  }
  for (const d of datasets) {
    for (const [kind, n] of Object.entries(await failuresByKind(d))) {
      report.failures.byKind[kind] = (report.failures.byKind[kind] ?? 0) + n;
      report.failures.total += n;
      figures.get(d)!.failures += n;
    }
  }
  report.perDataset = [...figures.values()].map(finishFigures);
  const n = report.conversations;
  report.messagesPerConversation = messages.toJSON();
  report.tokensPerMessage = { user: tokens.user.toJSON(), assistant: tokens.assistant.toJSON() };
  report.distinct = { user: distinct.user.result(), assistant: distinct.assistant.result() };
  report.duplicates.rate = n ? (report.duplicates.exact + report.duplicates.near) / n : 0;
  report.refusalRate = n ? refusals / n : 0;
  report.metaCommentaryRate = n ? meta / n : 0;
  report.cost.perConversationUsd = report.cost.conversationsWithCost ? report.cost.totalUsd / report.cost.conversationsWithCost : 0;
  return report;
}

/** A dataset's figures while scanning: counts where the report has rates. */
type Tally = DatasetFigures & { refusals: number; meta: number };

function newFigures(dataset: string): Tally {
  return {
    dataset,
    refusals: 0,
    meta: 0,
    conversations: 0,
    broken: 0,
    duplicates: { exact: 0, near: 0, rate: 0, marked: 0 },
    refusalRate: 0,
    metaCommentaryRate: 0,
    failures: 0,
    cost: { totalUsd: 0, perConversationUsd: 0, conversationsWithCost: 0 },
  };
}

function finishFigures(t: Tally): DatasetFigures {
  const { refusals, meta, ...f } = t;
  const n = f.conversations;
  return {
    ...f,
    duplicates: { ...f.duplicates, rate: n ? (f.duplicates.exact + f.duplicates.near) / n : 0 },
    refusalRate: n ? refusals / n : 0,
    metaCommentaryRate: n ? meta / n : 0,
    cost: { ...f.cost, perConversationUsd: f.cost.conversationsWithCost ? f.cost.totalUsd / f.cost.conversationsWithCost : 0 },
  };
}
