// The run's Message Batches next to the online queue: id, state, counts, written, time since
// submit and time to expiry. Hidden while the run has none.
import type { MessageBatchRow } from '../../src/protocol/messages';
import { el } from './dom';
import { formatCount } from './format';
import { changed, type View } from './view';
import type { ViewState } from './view-state';

function span(ms: number): string {
  const m = Math.max(0, Math.round(ms / 60_000));
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function countsText(r: MessageBatchRow): string {
  if (!r.counts) return `${formatCount(r.requests)} processing`;
  const c = r.counts;
  return (['succeeded', 'errored', 'canceled', 'expired'] as const)
    .filter((k) => c[k] > 0)
    .map((k) => `${formatCount(c[k])} ${k}`)
    .join(', ');
}

export function createMessageBatchesList(now: () => number = () => Date.now()): View {
  const memo = {};
  const body = el('tbody');
  const table = el('table', { className: 'message-batches' }, [
    el('thead', {}, [
      el(
        'tr',
        {},
        ['Message Batch', 'Prompt file', 'State', 'Requests', 'Counts', 'Written', 'Submitted', 'Expires in'].map((h) =>
          el('th', { text: h, attrs: { scope: 'col' } }),
        ),
      ),
    ]),
    body,
  ]);
  const element = el('section', { className: 'message-batches-section', attrs: { 'aria-label': 'Message Batches' } }, [
    el('h2', { text: 'Message Batches' }),
    table,
  ]);
  element.hidden = true;

  function update(state: ViewState): void {
    const rows = state.panel?.messageBatches ?? [];
    // Times move on their own: the slice includes the minute so ages refresh without a new snapshot.
    if (!changed(memo, [rows, Math.floor(now() / 60_000)])) return;
    element.hidden = rows.length === 0;
    const t = now();
    body.replaceChildren(
      ...rows.map((r) =>
        el('tr', { className: `message-batch message-batch-${r.state}` }, [
          el('td', { text: r.id ?? 'creating…' }),
          el('td', { text: r.sourceFile }),
          el('td', { text: r.state.replace('_', ' ') }),
          el('td', { text: formatCount(r.requests) }),
          el('td', { text: countsText(r) }),
          el('td', { text: formatCount(r.written) }),
          el('td', { text: `${span(t - r.submittedAt)} ago` }),
          el('td', { text: r.expiresAt !== null && r.state !== 'ended' ? span(r.expiresAt - t) : '–' }),
        ]),
      ),
    );
  }

  return { element, update };
}
