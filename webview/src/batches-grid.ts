// Batch grid: one row per prompt file, with per-batch controls. Rows are keyed by batch id
// and updated in place, so a snapshot every few hundred ms does not close an open dropdown.
import { PRIORITIES, type BatchRow, type Priority } from '../../src/protocol/messages';
import { button, el, setText } from './dom';
import { formatCount } from './format';
import { createTable, dropdown, syncDropdown } from './grid';
import { changed, type Actions, type View } from './view';
import { PAGE_SIZE, type ViewState } from './view-state';

interface RowParts {
  row: HTMLElement;
  name: HTMLElement;
  source: HTMLElement;
  priority: HTMLElement & { value: string };
  state: HTMLElement;
  done: HTMLElement;
  failed: HTMLElement;
  queued: HTMLElement;
  pause: HTMLElement;
  resume: HTMLElement;
  cancel: HTMLElement;
  retry: HTMLElement;
}

const PRIORITY_OPTIONS = PRIORITIES.map((p) => ({ value: p, label: p }));

export function createBatchesGrid(actions: Actions): View {
  const memo = {};
  const table = createTable('Batches', [
    { key: 'batch', header: 'Batch' },
    { key: 'priority', header: 'Priority' },
    { key: 'state', header: 'State' },
    { key: 'done', header: 'Done', numeric: true },
    { key: 'failed', header: 'Failed', numeric: true },
    { key: 'queued', header: 'Queued', numeric: true },
    { key: 'actions', header: 'Actions' },
  ]);
  const empty = el('p', { className: 'empty', text: 'No batches yet.' });
  let rows = new Map<string, RowParts>();
  let order = '';

  function makeRow(batchId: string): RowParts {
    const name = el('span', { className: 'batch-name' });
    const source = el('span', { className: 'batch-source' });
    const priority = dropdown(
      PRIORITY_OPTIONS,
      (value) => {
        if ((PRIORITIES as readonly string[]).includes(value)) {
          actions.post({ type: 'setBatchPriority', batchId, priority: value as Priority });
        }
      },
      `Priority of ${batchId}`,
    );
    priority.classList.add('batch-priority');
    const pause = button('Pause', () => actions.post({ type: 'pauseBatch', batchId }));
    const resume = button('Resume', () => actions.post({ type: 'resumeBatch', batchId }));
    const cancel = button('Cancel', () => actions.post({ type: 'cancelBatch', batchId }));
    const retry = button('Retry failed', () => actions.post({ type: 'retryFailed', batchId }));
    const jobs = button('Jobs', () => actions.setQuery({ offset: 0, limit: PAGE_SIZE, filter: { batchId } }));
    const open = button('Open dataset', () => actions.post({ type: 'openDataset', batchId }));
    const state = el('span', { className: 'batch-state' });
    const done = el('span');
    const failed = el('span');
    const queued = el('span');
    const row = table.row([
      el('div', { className: 'batch-cell' }, [name, source]),
      priority,
      state,
      done,
      failed,
      queued,
      el('div', { className: 'row-actions' }, [pause, resume, cancel, retry, jobs, open]),
    ]);
    row.classList.add('batch-row');
    row.dataset.batchId = batchId;
    return { row, name, source, priority, state, done, failed, queued, pause, resume, cancel, retry };
  }

  function fill(parts: RowParts, b: BatchRow): void {
    setText(parts.name, b.name);
    setText(parts.source, b.sourceFile);
    parts.source.title = b.sourceFile;
    syncDropdown(parts.priority, b.priority);
    setText(parts.state, b.state);
    parts.state.className = `batch-state batch-${b.state}`;
    setText(parts.done, `${formatCount(b.succeeded)} / ${formatCount(b.total)}`);
    setText(parts.failed, formatCount(b.failed));
    setText(parts.queued, formatCount(b.queued));
    const live = b.state === 'running' || b.state === 'pending';
    // Controls that do not apply are left out rather than shown as pale disabled blocks.
    parts.pause.toggleAttribute('hidden', !live);
    parts.resume.toggleAttribute('hidden', b.state !== 'paused');
    parts.cancel.toggleAttribute('hidden', !(live || b.state === 'paused'));
    parts.retry.toggleAttribute('hidden', b.failed === 0);
  }

  function update(state: ViewState): void {
    const batches = state.panel?.batches ?? [];
    if (!changed(memo, batches)) return;
    const nextOrder = batches.map((b) => b.id).join('\u0000');
    if (nextOrder !== order) {
      const next = new Map<string, RowParts>();
      for (const b of batches) next.set(b.id, rows.get(b.id) ?? makeRow(b.id));
      for (const [id, parts] of rows) if (!next.has(id)) parts.row.remove();
      for (const parts of next.values()) table.body.append(parts.row);
      rows = next;
      order = nextOrder;
    }
    for (const b of batches) fill(rows.get(b.id)!, b);
    empty.toggleAttribute('hidden', batches.length > 0);
    table.element.toggleAttribute('hidden', batches.length === 0);
    table.collapse(
      'failed',
      batches.every((b) => b.failed === 0),
    );
  }

  return {
    element: el('section', { className: 'batches' }, [
      el('h2', { text: 'Batches' }),
      el('div', { className: 'grid-scroll' }, [table.element]),
      empty,
    ]),
    update,
  };
}
