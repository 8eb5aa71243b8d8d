// Edge validation for the viewer's and the report's messages, both directions (see guards.ts).
import {
  hasOnlyKeys,
  isArrayOf,
  isCount,
  isFiniteNumber,
  isFraction,
  isId,
  isNonNegative,
  isOneOf,
  isOptional,
  isRecord,
  isText,
  type Rec,
} from './checks';
import {
  SCAN_STATES,
  VIEWER_FLAGS,
  type HistogramView,
  type ReportHostMessage,
  type ReportView,
  type ReportWebviewMessage,
  type ViewerHostMessage,
  type ViewerItem,
  type ViewerQuery,
  type ViewerWebviewMessage,
} from './viewer-messages';
import { isFailedItem, isFailures } from './viewer-failed-guards';

const MAX_ITEMS = 500;
const MAX_TEXT = 1_000_000;
const ROLES = ['user', 'assistant'] as const;

function isRecordOf<T>(check: (y: unknown) => y is T, x: unknown, max = 10_000): x is Record<string, T> {
  return isRecord(x) && Object.keys(x).length <= max && Object.values(x).every((v) => check(v));
}
const isLine = (x: unknown): x is number => isCount(x) && x >= 1;
const isVariables = (x: unknown): x is Record<string, string> => isRecordOf((y): y is string => isText(y), x, 100);

export function isViewerQuery(x: unknown): x is ViewerQuery {
  return (
    isRecord(x) &&
    hasOnlyKeys(x, ['text', 'batch', 'variables', 'minTurns', 'maxTurns', 'flags', 'broken', 'failed']) &&
    isOptional((y): y is string => isText(y), x.text) &&
    isOptional((y): y is string => isText(y), x.batch) &&
    isOptional(isVariables, x.variables) &&
    isOptional(isCount, x.minTurns) &&
    isOptional(isCount, x.maxTurns) &&
    isOptional((y): y is unknown[] => isArrayOf((z): z is string => isOneOf(VIEWER_FLAGS, z), y, VIEWER_FLAGS.length), x.flags) &&
    isOptional((y): y is boolean => typeof y === 'boolean', x.broken) &&
    isOptional((y): y is boolean => typeof y === 'boolean', x.failed)
  );
}

function isTurn(x: unknown): boolean {
  return (
    isRecord(x) && hasOnlyKeys(x, ['role', 'content', 'cut']) && isOneOf(ROLES, x.role) && isText(x.content, MAX_TEXT) && isCount(x.cut)
  );
}

function isItem(x: unknown): x is ViewerItem {
  if (!isRecord(x)) return false;
  if (x.kind === 'broken') return hasOnlyKeys(x, ['kind', 'line', 'problem']) && isLine(x.line) && isText(x.problem);
  if (x.kind === 'failed') return isFailedItem(x);
  return (
    x.kind === 'conversation' &&
    hasOnlyKeys(x, ['kind', 'line', 'offset', 'system', 'turns', 'flags', 'id', 'batch', 'variables', 'duplicateOf', 'regenerated']) &&
    isLine(x.line) &&
    isCount(x.offset) &&
    isOptional((y): y is string => isText(y, MAX_TEXT), x.system) &&
    Array.isArray(x.turns) &&
    x.turns.every(isTurn) &&
    isArrayOf((z): z is string => isOneOf(VIEWER_FLAGS, z), x.flags, VIEWER_FLAGS.length) &&
    isOptional(isId, x.id) &&
    isOptional((y): y is string => isText(y), x.batch) &&
    isOptional(isVariables, x.variables) &&
    isOptional(isDuplicateRef, x.duplicateOf) &&
    isOptional(isLine, x.regenerated)
  );
}

function isDuplicateRef(x: unknown): x is unknown {
  return (
    isRecord(x) &&
    hasOnlyKeys(x, ['id', 'line', 'similarity', 'marked']) &&
    (x.id !== undefined || x.line !== undefined) &&
    isOptional(isId, x.id) &&
    isOptional(isLine, x.line) &&
    isFraction(x.similarity) &&
    typeof x.marked === 'boolean'
  );
}

const isMarkCounts = (x: unknown): x is unknown =>
  isRecord(x) &&
  hasOnlyKeys(x, ['duplicates', 'dropped', 'regenerate']) &&
  isCount(x.duplicates) &&
  isCount(x.dropped) &&
  isCount(x.regenerate);

const isCounts = (x: unknown): x is Record<string, number> => isRecordOf(isCount, x);

function hostPayload(x: Rec): boolean {
  switch (x.type) {
    case 'init': {
      const i = x.init;
      return (
        isRecord(i) && hasOnlyKeys(i, ['name', 'bytes', 'journal']) && isText(i.name) && isCount(i.bytes) && typeof i.journal === 'boolean'
      );
    }
    case 'facets': {
      const f = x.facets;
      return (
        isRecord(f) &&
        hasOnlyKeys(f, ['batches', 'variables', 'marks']) &&
        isCounts(f.batches) &&
        isRecordOf(isCounts, f.variables, 100) &&
        isOptional(isMarkCounts, f.marks)
      );
    }
    case 'index': {
      const i = x.index;
      return (
        isRecord(i) &&
        hasOnlyKeys(i, ['lines', 'bytes', 'totalBytes', 'complete']) &&
        isCount(i.lines) &&
        isCount(i.bytes) &&
        isCount(i.totalBytes) &&
        typeof i.complete === 'boolean'
      );
    }
    case 'scan': {
      const s = x.scan;
      return (
        isRecord(s) &&
        hasOnlyKeys(s, ['seq', 'state', 'bytes', 'totalBytes', 'matches', 'message']) &&
        isCount(s.seq) &&
        isOneOf(SCAN_STATES, s.state) &&
        isCount(s.bytes) &&
        isCount(s.totalBytes) &&
        isCount(s.matches) &&
        isOptional((y): y is string => isText(y), s.message)
      );
    }
    case 'page': {
      const p = x.page;
      return (
        isRecord(p) &&
        hasOnlyKeys(p, ['seq', 'start', 'filtered', 'total', 'items', 'approximate']) &&
        isOptional((y): y is boolean => typeof y === 'boolean', p.approximate) &&
        isCount(p.seq) &&
        isCount(p.start) &&
        typeof p.filtered === 'boolean' &&
        Number.isSafeInteger(p.total) &&
        (p.total as number) >= -1 &&
        isArrayOf(isItem, p.items, MAX_ITEMS)
      );
    }
    case 'error':
      return isText(x.error);
    case 'notice':
      return isText(x.notice);
    case 'reveal':
      return isLine(x.line);
    case 'failures':
      return isFailures(x.failures);
    default:
      return false;
  }
}

export function isViewerHostMessage(x: unknown): x is ViewerHostMessage {
  if (!isRecord(x) || typeof x.type !== 'string') return false;
  return hasOnlyKeys(x, ['type', x.type === 'reveal' ? 'line' : x.type]) && hostPayload(x);
}

export function isViewerWebviewMessage(x: unknown): x is ViewerWebviewMessage {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'ready':
    case 'cancelScan':
    case 'showReport':
      return hasOnlyKeys(x, ['type']);
    case 'query':
      return hasOnlyKeys(x, ['type', 'seq', 'query']) && isCount(x.seq) && isViewerQuery(x.query);
    case 'page':
      return hasOnlyKeys(x, ['type', 'seq', 'start']) && isCount(x.seq) && isCount(x.start);
    case 'openJournal':
      return hasOnlyKeys(x, ['type', 'offset']) && isCount(x.offset);
    case 'openLine':
      return hasOnlyKeys(x, ['type', 'line']) && isLine(x.line);
    case 'showOriginal':
      return (
        hasOnlyKeys(x, ['type', 'id', 'line']) &&
        (x.id !== undefined || x.line !== undefined) &&
        isOptional(isId, x.id) &&
        isOptional(isLine, x.line)
      );
    default:
      return false;
  }
}

function isHistogram(x: unknown): x is HistogramView {
  return (
    isRecord(x) &&
    isCount(x.count) &&
    isFiniteNumber(x.min) &&
    isFiniteNumber(x.max) &&
    isFiniteNumber(x.mean) &&
    isArrayOf((b): b is unknown => isRecord(b) && isText(b.label, 100) && isCount(b.count), x.buckets, 100)
  );
}

const isDistinct = (x: unknown): boolean => isRecord(x) && isFraction(x.distinct1) && isFraction(x.distinct2);

const isCost = (x: unknown): boolean =>
  isRecord(x) && isNonNegative(x.totalUsd) && isNonNegative(x.perConversationUsd) && isCount(x.conversationsWithCost);

function isFigures(x: unknown): x is unknown {
  if (!isRecord(x)) return false;
  const d = x.duplicates;
  return (
    isText(x.dataset, 4096) &&
    isCount(x.conversations) &&
    isCount(x.broken) &&
    isRecord(d) &&
    isCount(d.exact) &&
    isCount(d.near) &&
    isFraction(d.rate) &&
    isCount(d.marked) &&
    isFraction(x.refusalRate) &&
    isFraction(x.metaCommentaryRate) &&
    isCount(x.failures) &&
    isCost(x.cost)
  );
}

export function isReportView(x: unknown): x is ReportView {
  if (!isRecord(x)) return false;
  const { broken, duplicates, failures, cost, tokensPerMessage: tokens, distinct } = x;
  return (
    isArrayOf((y): y is string => isText(y, 4096), x.datasets, 1000) &&
    isArrayOf(isFigures, x.perDataset, 1000) &&
    isCount(x.conversations) &&
    isRecord(broken) &&
    isCount(broken.count) &&
    isArrayOf((b): b is unknown => isRecord(b) && isText(b.dataset, 4096) && isLine(b.line) && isText(b.problem), broken.first, 100) &&
    typeof x.journal === 'boolean' &&
    isCounts(x.byBatch) &&
    isRecordOf(isCounts, x.byVariable, 100) &&
    isHistogram(x.messagesPerConversation) &&
    isRecord(tokens) &&
    isHistogram(tokens.user) &&
    isHistogram(tokens.assistant) &&
    isRecord(distinct) &&
    isDistinct(distinct.user) &&
    isDistinct(distinct.assistant) &&
    isRecord(duplicates) &&
    isFraction(duplicates.threshold) &&
    isCount(duplicates.exact) &&
    isCount(duplicates.near) &&
    isFraction(duplicates.rate) &&
    isCount(duplicates.marked) &&
    isFraction(x.refusalRate) &&
    isFraction(x.metaCommentaryRate) &&
    isRecord(failures) &&
    isCount(failures.total) &&
    isCounts(failures.byKind) &&
    isRecord(cost) &&
    isNonNegative(cost.totalUsd) &&
    isNonNegative(cost.perConversationUsd) &&
    isCount(cost.conversationsWithCost)
  );
}

export function isReportHostMessage(x: unknown): x is ReportHostMessage {
  if (!isRecord(x)) return false;
  if (x.type === 'report') return hasOnlyKeys(x, ['type', 'report', 'title']) && isText(x.title) && isReportView(x.report);
  return (
    x.type === 'reportStatus' &&
    hasOnlyKeys(x, ['type', 'state', 'message']) &&
    isOneOf(['running', 'failed'] as const, x.state) &&
    isText(x.message)
  );
}

export function isReportWebviewMessage(x: unknown): x is ReportWebviewMessage {
  if (!isRecord(x)) return false;
  if (x.type === 'ready' || x.type === 'refresh') return hasOnlyKeys(x, ['type']);
  return x.type === 'openViewer' && hasOnlyKeys(x, ['type', 'dataset']) && isText(x.dataset, 4096) && x.dataset !== '';
}
