// The message maps of the dataset viewer (a custom editor) and the dataset report panel, shared by
// the extension host and their webviews. Plain serialisable types only (no engine imports).
//
// Viewer host contract:
// - On `ready` send `init`, then `index` updates while the line index builds, then answer queries.
// - `query` starts a new view (a streamed scan when it filters, cancelling any scan before it);
//   `page` asks for a page of the current view. Every answer echoes the `seq` of the query it
//   belongs to; the webview drops answers to older queries.

export type ViewerRole = 'user' | 'assistant';
export type ViewerFlag = 'refusal' | 'metaCommentary' | 'duplicate' | 'regenerated';
export const VIEWER_FLAGS: readonly ViewerFlag[] = ['refusal', 'metaCommentary', 'duplicate', 'regenerated'];

/** Lines (unfiltered) or matches (filtered) per page. */
export const VIEWER_PAGE_SIZE = 25;

export interface ViewerQuery {
  text?: string;
  batch?: string;
  variables?: Record<string, string>;
  minTurns?: number;
  maxTurns?: number;
  flags?: ViewerFlag[];
  broken?: boolean;
  /**
   * Show the conversations that failed validation instead of the dataset's lines: they are in the
   * failures file beside it (`x.failed.jsonl`), never in the dataset. Only `text` and the message
   * counts apply to them (the failures file keeps no batch, variables or flags).
   */
  failed?: boolean;
}

export interface ViewerTurn {
  role: ViewerRole;
  content: string;
  /** Characters cut for display. */
  cut: number;
}

export type ViewerItem =
  | {
      kind: 'conversation';
      line: number;
      offset: number;
      system?: string;
      turns: ViewerTurn[];
      flags: ViewerFlag[];
      id?: string;
      batch?: string;
      /** From the journal (absent for a dataset that is not Forge's): its record can be opened. */
      variables?: Record<string, string>;
      /**
       * The conversation this one duplicates: by id when the journal marks it (`marked`, what
       * `convforge dedup` and the report count), by line when the viewer's own search found it (a
       * dataset without a journal).
       */
      duplicateOf?: { id?: string; line?: number; similarity: number; marked: boolean };
      /** Made again by `convforge dedup --regenerate`: its regeneration round. */
      regenerated?: number;
    }
  | { kind: 'broken'; line: number; problem: string }
  | ViewerFailure;

/** A conversation that failed validation, from the failures file (the last word on its id). */
export interface ViewerFailure {
  kind: 'failed';
  /** Line in the failures file. */
  line: number;
  id: string;
  /** The conversation's index in its prompt file. */
  index: number;
  sourceFile: string;
  /** The error kind (`invalid_output` for a validation failure). */
  errorKind: string;
  reason: string;
  attempts: number;
  /** ISO 8601. */
  time: string;
  /** The last rejected attempt; absent when the line kept no text (written by an older version). */
  turns?: ViewerTurn[];
  /** The turns are the raw response: it could not be read as messages. */
  raw?: boolean;
  /** The validation rule that failed, when the validator knew it. */
  rule?: string;
  /** 0-based index of the offending message in `turns` (may be past them: see `omittedMessages`). */
  messageIndex?: number;
  /** Messages of the attempt past the ones kept. */
  omittedMessages?: number;
}

/** What the failed-validation filter can show: a count, or why there is nothing. */
export interface ViewerFailures {
  /** Conversations that failed validation (the last word per id in the failures file). */
  count: number;
  /** Why the filter shows nothing: no failures file, or it cannot be read. */
  unavailable?: string;
}

export interface ViewerFacets {
  batches: Record<string, number>;
  variables: Record<string, Record<string, number>>;
  /** The journal's marks, counted by record (absent until they are read). */
  marks?: { duplicates: number; dropped: number; regenerate: number };
}

export interface ViewerInit {
  /** File name as the Explorer shows it. */
  name: string;
  bytes: number;
  /** The dataset has Forge's journal: batch, variables and the journal record are known. */
  journal: boolean;
}

export interface ViewerIndexState {
  lines: number;
  bytes: number;
  totalBytes: number;
  complete: boolean;
}

export type ScanState = 'running' | 'done' | 'cancelled' | 'failed';
export const SCAN_STATES: readonly ScanState[] = ['running', 'done', 'cancelled', 'failed'];

export interface ViewerScan {
  seq: number;
  state: ScanState;
  bytes: number;
  totalBytes: number;
  matches: number;
  message?: string;
}

export interface ViewerPage {
  seq: number;
  /** 1-based line (unfiltered) or 0-based match index (filtered). */
  start: number;
  filtered: boolean;
  /** Lines in the file (unfiltered, -1 while indexing) or matches (filtered). */
  total: number;
  items: ViewerItem[];
  /**
   * Sought by an estimated byte offset while the lines are still being counted: the lines near
   * `start`, numbered from it. The page comes again, numbered exactly, once they are counted.
   */
  approximate?: boolean;
}

export interface ViewerHostMessages {
  init: { type: 'init'; init: ViewerInit };
  index: { type: 'index'; index: ViewerIndexState };
  scan: { type: 'scan'; scan: ViewerScan };
  page: { type: 'page'; page: ViewerPage };
  /** Batches and variable values for the filter lists: after one pass over the journal. */
  facets: { type: 'facets'; facets: ViewerFacets };
  /** The dataset cannot be shown (gone, unreadable); the viewer says so instead of a blank page. */
  error: { type: 'error'; error: string };
  /** Show this line (the original a duplicate link asked for): the webview clears its filters and pages there. */
  reveal: { type: 'reveal'; line: number };
  /** Something the user asked for could not be done (not an error of the dataset). */
  notice: { type: 'notice'; notice: string };
  /** The failed-validation filter's count: after one pass over the failures file, sent after `init`. */
  failures: { type: 'failures'; failures: ViewerFailures };
}
export type ViewerHostMessage = ViewerHostMessages[keyof ViewerHostMessages];

export interface ViewerWebviewMessages {
  ready: { type: 'ready' };
  query: { type: 'query'; seq: number; query: ViewerQuery };
  page: { type: 'page'; seq: number; start: number };
  cancelScan: { type: 'cancelScan' };
  /** Open the journal record of the conversation at this byte offset. */
  openJournal: { type: 'openJournal'; offset: number };
  /** Open the dataset as text at this line (a broken line, or the raw JSON). */
  openLine: { type: 'openLine'; line: number };
  showReport: { type: 'showReport' };
  /** Show the conversation a duplicate duplicates: by journal id, or by line. */
  showOriginal: { type: 'showOriginal'; id?: string; line?: number };
}
export type ViewerWebviewMessage = ViewerWebviewMessages[keyof ViewerWebviewMessages];

// --- The report panel -------------------------------------------------------------------------

export interface HistogramView {
  count: number;
  min: number;
  max: number;
  mean: number;
  buckets: { label: string; count: number }[];
}

/** One dataset's headline figures in a report over several. */
export interface DatasetFiguresView {
  dataset: string;
  conversations: number;
  broken: number;
  duplicates: { exact: number; near: number; rate: number; marked: number };
  refusalRate: number;
  metaCommentaryRate: number;
  failures: number;
  cost: { totalUsd: number; perConversationUsd: number; conversationsWithCost: number };
}

/** `convforge report --json`, as drawn by the report panel. */
export interface ReportView {
  datasets: string[];
  /** Each dataset's figures; the rest is their total. */
  perDataset: DatasetFiguresView[];
  conversations: number;
  broken: { count: number; first: { dataset: string; line: number; problem: string }[] };
  journal: boolean;
  byBatch: Record<string, number>;
  byVariable: Record<string, Record<string, number>>;
  messagesPerConversation: HistogramView;
  tokensPerMessage: { user: HistogramView; assistant: HistogramView };
  distinct: { user: { distinct1: number; distinct2: number }; assistant: { distinct1: number; distinct2: number } };
  duplicates: { threshold: number; exact: number; near: number; rate: number; marked: number };
  refusalRate: number;
  metaCommentaryRate: number;
  failures: { total: number; byKind: Record<string, number> };
  cost: { totalUsd: number; perConversationUsd: number; conversationsWithCost: number };
}

export type ReportHostMessage =
  { type: 'reportStatus'; state: 'running' | 'failed'; message: string } | { type: 'report'; report: ReportView; title: string };

export type ReportWebviewMessage = { type: 'ready' } | { type: 'refresh' } | { type: 'openViewer'; dataset: string };
