// Edge validation for both directions. The host must run isWebviewMessage on everything
// the webview posts (a webview is untrusted content); the webview checks host messages
// too, so a version skew after an extension update shows up as an ignored message, not a crash.
import { PRIORITIES, type HostMessage, type WebviewMessage } from './messages';
import { hasOnlyKeys, isCount, isId, isOneOf, isOptional, isRecord, type Rec } from './checks';
import { isJobFilter, isJobsPage, isPageLimit, isPanelState } from './state-guards';

export function isHostMessage(x: unknown): x is HostMessage {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'state':
      return hasOnlyKeys(x, ['type', 'state']) && isPanelState(x.state);
    case 'jobs':
      return hasOnlyKeys(x, ['type', 'page']) && isJobsPage(x.page);
    default:
      return false;
  }
}

function batchOnly(x: Rec): boolean {
  return hasOnlyKeys(x, ['type', 'batchId']) && isId(x.batchId);
}

export function isWebviewMessage(x: unknown): x is WebviewMessage {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'ready':
    case 'pause':
    case 'resume':
    case 'cancel':
      return hasOnlyKeys(x, ['type']);
    case 'retryFailed':
      return hasOnlyKeys(x, ['type', 'batchId']) && isOptional(isId, x.batchId);
    case 'pauseBatch':
    case 'resumeBatch':
    case 'cancelBatch':
    case 'openDataset':
      return batchOnly(x);
    case 'setBatchPriority':
      return hasOnlyKeys(x, ['type', 'batchId', 'priority']) && isId(x.batchId) && isOneOf(PRIORITIES, x.priority);
    case 'requestJobs':
      return (
        hasOnlyKeys(x, ['type', 'offset', 'limit', 'filter']) &&
        isCount(x.offset) &&
        isPageLimit(x.limit) &&
        isOptional(isJobFilter, x.filter)
      );
    default:
      return false;
  }
}
