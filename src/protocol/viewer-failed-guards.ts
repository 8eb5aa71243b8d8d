// Edge validation for what the viewer shows of the failures file (see viewer-guards.ts).
import { hasOnlyKeys, isCount, isId, isOptional, isRecord, isText } from './checks';
import type { ViewerFailure, ViewerFailures } from './viewer-messages';

const MAX_TEXT = 1_000_000;
const ROLES: readonly unknown[] = ['user', 'assistant'];
const MAX_TURNS = 500;

const isLine = (x: unknown): x is number => isCount(x) && x >= 1;
const isShortText = (x: unknown): x is string => isText(x);

function isTurn(x: unknown): boolean {
  return (
    isRecord(x) && hasOnlyKeys(x, ['role', 'content', 'cut']) && ROLES.includes(x.role) && isText(x.content, MAX_TEXT) && isCount(x.cut)
  );
}

export function isFailedItem(x: unknown): x is ViewerFailure {
  return (
    isRecord(x) &&
    x.kind === 'failed' &&
    hasOnlyKeys(x, [
      'kind',
      'line',
      'id',
      'index',
      'sourceFile',
      'errorKind',
      'reason',
      'attempts',
      'time',
      'turns',
      'raw',
      'rule',
      'messageIndex',
      'omittedMessages',
    ]) &&
    isLine(x.line) &&
    isId(x.id) &&
    isCount(x.index) &&
    isText(x.sourceFile, 4096) &&
    isText(x.errorKind, 100) &&
    isText(x.reason, 10_000) &&
    isCount(x.attempts) &&
    isText(x.time, 100) &&
    isOptional((y): y is unknown[] => Array.isArray(y) && y.length <= MAX_TURNS && y.every(isTurn), x.turns) &&
    isOptional((y): y is boolean => typeof y === 'boolean', x.raw) &&
    isOptional(isShortText, x.rule) &&
    isOptional(isCount, x.messageIndex) &&
    isOptional(isCount, x.omittedMessages)
  );
}

export function isFailures(x: unknown): x is ViewerFailures {
  return isRecord(x) && hasOnlyKeys(x, ['count', 'unavailable']) && isCount(x.count) && isOptional(isShortText, x.unavailable);
}
