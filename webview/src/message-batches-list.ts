// The run's Message Batches next to the online queue: id, state, counts, written, time since
// submit and time to expiry. Hidden while the run has none.
import type { MessageBatchRow } from '../../src/protocol/messages';
import { el } from './dom';
import { formatCount } from './format';
import { changed, type View } from './view';
import type { ViewState } from './view-state';

function span(ms: number): string {
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s`;
  const m = Math.round(ms / 60_000);
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

/** A cell of a main line and a muted second one, as the batches grid shows a batch and its file. */
function twoLines(className: string, main: string, second: string, title?: string): HTMLElement {
  return el('td', { className }, [
    el('div', { className: 'batch-cell' }, [
      el('span', { className: 'mb-main', text: main, ...(title ? { attrs: { title } } : {}) }),
      el('span', { className: 'mb-detail', text: second }),
    ]),
  ]);
}

export function createMessageBatchesList(now: () => number = () => Date.now()): View {
  const memo = {};
  const body = el('tbody');
  // Four columns, the prompt file and age under the id, the id cut with an ellipsis (its whole
  // text stays selectable, and in the tooltip): eight columns and a 37-character id ran off the
  // panel at its default width.
  const headers: [string, string][] = [
    ['Message Batch', 'col-mb'],
    ['State', 'col-state'],
    ['Written', 'col-done num'],
    ['Expires in', 'col-expiry'],
  ];
  const table = el('table', { className: 'grid message-batches' }, [
    el('thead', {}, [
      el(
        'tr',
        {},
        headers.map(([h, c]) => el('th', { text: h, className: c, attrs: { scope: 'col' } })),
      ),
    ]),
    body,
  ]);
  const element = el('section', { className: 'message-batches-section', attrs: { 'aria-label': 'Message Batches' } }, [
    el('h2', { text: 'Message Batches' }),
    el('div', { className: 'grid-scroll' }, [table]),
  ]);
  element.hidden = true;

  function update(state: ViewState): void {
    const rows = state.panel?.messageBatches ?? [];
    // Times move on their own: the slice includes the minute so ages refresh without a new snapshot.
    if (!changed(memo, [rows, Math.floor(now() / 60_000)])) return;
    element.hidden = rows.length === 0;
    const t = now();
    body.replaceChildren(
      ...rows.map((r) => {
        const id = r.id ?? 'creating…';
        return el('tr', { className: `message-batch message-batch-${r.state}` }, [
          twoLines('col-mb mb-id', id, `${r.sourceFile} · submitted ${span(t - r.submittedAt)} ago`, id),
          twoLines('col-state', r.state.replace('_', ' '), countsText(r)),
          el('td', { className: 'col-done num', text: `${formatCount(r.written)} / ${formatCount(r.requests)}` }),
          el('td', { className: 'col-expiry', text: r.expiresAt !== null && r.state !== 'ended' ? span(r.expiresAt - t) : '–' }),
        ]);
      }),
    );
  }

  return { element, update };
}
