// The engine's event log as the panel lists it: quiet by default. Utilization-level changes are
// left to the gauges, a 429 pause and the resume that ends it read as one line, and repeats of
// one kind of line (a burst of start-up 429s, a run of identical retries) become one row with a
// count, keeping the newest occurrence's time and wording.
import { redact } from '../../core/errors';
import type { LogEntry } from '../../core/metrics/metrics';
import type { EventLevel, PanelEvent } from '../../protocol/messages';

export const MAX_PANEL_EVENTS = 100;
const MAX_EVENT_CHARS = 2000;

function levelOf(e: LogEntry): EventLevel {
  switch (e.type) {
    case 'failed':
    case 'stopped':
      return 'error';
    case 'retrying':
    case 'cancelled':
      return 'warn';
    case 'paused':
      return /429/.test(e.message) ? 'warn' : 'info';
    default:
      return 'info';
  }
}

/** Lines that differ only in numbers or job ids are the same kind of line. */
function kindOf(e: LogEntry): string {
  const body = e.type === 'retrying' || e.type === 'failed' || e.type === 'cancelled' ? e.message.replace(/^[^:]*:\s*/, '') : e.message;
  return `${e.type}|${body.replace(/\d+(\.\d+)?/g, '#')}`;
}

/** `log` is newest first, as the engine keeps it; so is the result. */
export function eventsOf(log: readonly LogEntry[]): PanelEvent[] {
  const out: (PanelEvent & { kind: string })[] = [];
  // Oldest first, so a pause meets the resume that follows it.
  const entries = log.filter((e) => e.type !== 'health').reverse();
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    let message = e.message;
    let at = e.at;
    const next = entries[i + 1];
    if (e.type === 'paused' && /429/.test(e.message) && next?.type === 'resumed') {
      message = `${e.message}, then resumed`;
      at = next.at;
      i++;
    }
    const kind = kindOf({ ...e, message });
    const last = out[out.length - 1];
    if (last && last.kind === kind) {
      last.count = (last.count ?? 1) + 1;
      last.at = at;
      last.message = redact(message).slice(0, MAX_EVENT_CHARS);
      continue;
    }
    out.push({ kind, at, level: levelOf(e), message: redact(message).slice(0, MAX_EVENT_CHARS) });
  }
  return out
    .reverse()
    .slice(0, MAX_PANEL_EVENTS)
    .map(({ kind: _kind, ...event }) => event);
}
