// Job grid: the host holds every job (100,000 of them); the panel holds one page and asks
// for others with requestJobs. The query lives in view state, the page arrives as a message.
import { JOB_STATES, type JobFilter, type JobRow, type JobState } from '../../src/protocol/messages';
import { button, el, setDisabled, setText } from './dom';
import { formatCount } from './format';
import { createTable, dropdown, syncDropdown, type Table } from './grid';
import { changed, type Actions, type View } from './view';
import { pageMatches, type ViewState } from './view-state';

const ALL = '*';

function jobRow(table: Table, j: JobRow): HTMLElement {
  const state = el('span', { className: `job-state job-${j.state}`, text: j.state });
  const error = el('span', { className: 'job-error', text: j.lastError ?? '' });
  if (j.lastError) error.title = j.lastError;
  const source = el('span', { className: 'job-source', text: j.sourceFile, attrs: { title: j.sourceFile } });
  const row = table.row([j.id, j.priority, state, j.attempts === 0 ? '–' : String(j.attempts), error, source]);
  row.classList.add('job-row');
  return row;
}

export function createJobsGrid(actions: Actions): View {
  const memo = {};
  const batchMemo = {};
  let current: ViewState | null = null;

  const withFilter = (change: (f: JobFilter) => JobFilter) => {
    if (!current) return;
    const { filter, limit } = current.query;
    actions.setQuery({ offset: 0, limit, filter: change({ ...filter }) });
  };
  const stateFilter = dropdown(
    [{ value: ALL, label: 'All states' }, ...JOB_STATES.map((s) => ({ value: s, label: s }))],
    (value) =>
      withFilter((f) => {
        if (value === ALL || !(JOB_STATES as readonly string[]).includes(value)) delete f.state;
        else f.state = value as JobState;
        return f;
      }),
    'Filter jobs by state',
  );
  stateFilter.classList.add('job-state-filter');
  const batchFilter = dropdown(
    [{ value: ALL, label: 'All batches' }],
    (value) =>
      withFilter((f) => {
        if (value === ALL) delete f.batchId;
        else f.batchId = value;
        return f;
      }),
    'Filter jobs by batch',
  );
  batchFilter.classList.add('job-batch-filter');

  const page = (delta: number) => {
    if (!current) return;
    const { offset, limit, filter } = current.query;
    actions.setQuery({ offset: Math.max(0, offset + delta * limit), limit, filter });
  };
  const prev = button('Prev', () => page(-1));
  prev.classList.add('jobs-prev');
  const next = button('Next', () => page(1));
  next.classList.add('jobs-next');
  const range = el('span', { className: 'jobs-range', attrs: { 'aria-live': 'polite' } });

  const table = createTable('Jobs', [
    { key: 'id', header: 'Job' },
    { key: 'priority', header: 'Priority' },
    { key: 'state', header: 'State' },
    { key: 'attempts', header: 'Attempts', numeric: true },
    { key: 'error', header: 'Last error' },
    { key: 'source', header: 'Source file' },
  ]);

  const element = el('section', { className: 'jobs' }, [
    el('h2', { text: 'Jobs' }),
    el('div', { className: 'jobs-toolbar' }, [stateFilter, batchFilter, prev, next, range]),
    el('div', { className: 'grid-scroll' }, [table.element]),
  ]);

  function syncBatchOptions(state: ViewState): void {
    const batches = state.panel?.batches ?? [];
    if (
      !changed(
        batchMemo,
        batches.map((b) => [b.id, b.name]),
      )
    )
      return;
    // The "All batches" option stays the same element: replaced, the dropdown would keep
    // pointing aria-activedescendant at an option that no longer exists.
    for (const option of [...batchFilter.children].slice(1)) option.remove();
    batchFilter.append(...batches.map((b) => el('vscode-option', { text: b.name, attrs: { value: b.id } })));
  }

  function update(state: ViewState): void {
    current = state;
    syncBatchOptions(state);
    const { query, jobs } = state;
    syncDropdown(stateFilter, query.filter.state ?? ALL);
    syncDropdown(batchFilter, query.filter.batchId ?? ALL);
    const shown = jobs && pageMatches(jobs, query) ? jobs : null;
    const total = shown?.total ?? jobs?.total ?? null;
    setDisabled(prev, query.offset === 0);
    setDisabled(next, total === null || query.offset + query.limit >= total);
    setText(
      range,
      shown === null
        ? 'Loading…'
        : shown.total === 0
          ? 'No matching jobs'
          : `${formatCount(shown.offset + 1)}–${formatCount(shown.offset + shown.rows.length)} of ${formatCount(shown.total)}`,
    );
    if (!changed(memo, shown)) return;
    const rows = shown?.rows ?? [];
    table.body.replaceChildren(...rows.map((j) => jobRow(table, j)));
    table.collapse(
      'error',
      rows.every((j) => !j.lastError),
    );
  }

  return { element, update };
}
