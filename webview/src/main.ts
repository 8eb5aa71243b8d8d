// Queue panel entry: restore the last state and draw it at once, then tell the host we are
// ready. Everything on screen is a function of one ViewState: setState(s) then render().
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeDataGrid,
  vsCodeDataGridCell,
  vsCodeDataGridRow,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
} from '@vscode/webview-ui-toolkit';
import { isHostMessage } from '../../src/protocol/guards';
import type { HostMessage, JobsPage, RunState, WebviewMessage } from '../../src/protocol/messages';
import { createBatchesGrid } from './batches-grid';
import { msUntilNextTick } from './countdown';
import { el } from './dom';
import { createEventsList } from './events-list';
import { createMessageBatchesList } from './message-batches-list';
import { createGauges } from './gauges';
import { createHeader } from './header';
import { createJobsGrid } from './jobs-grid';
import { createSummary } from './summary';
import type { Actions, View } from './view';
import { pageMatches, restoreViewState, type JobQuery, type ViewState } from './view-state';
import { vscodeApi } from './vscode-api';

provideVSCodeDesignSystem().register(
  vsCodeButton(),
  vsCodeDataGrid(),
  vsCodeDataGridRow(),
  vsCodeDataGridCell(),
  vsCodeDivider(),
  vsCodeDropdown(),
  vsCodeOption(),
  vsCodeProgressRing(),
);

// While a run is live the visible job page goes stale; re-ask at most this often, piggybacking
// on state snapshots so an idle panel sends nothing. When the run state changes (above all when
// the run ends: finished, stopped) the page is asked for once more at once, so the grid shows
// the jobs' final states rather than the last page seen while running.
const JOBS_REFRESH_MS = 2000;

const api = vscodeApi();
let state: ViewState = restoreViewState(api.getState());
let lastJobsRequestAt = 0;
/** The run state of the last host snapshot this page saw (not the restored one). */
let lastRunState: RunState | undefined;

function post(message: WebviewMessage): void {
  api.postMessage(message);
}

function requestJobs(): void {
  lastJobsRequestAt = Date.now();
  const { offset, limit, filter } = state.query;
  const hasFilter = filter.state !== undefined || filter.batchId !== undefined;
  post(hasFilter ? { type: 'requestJobs', offset, limit, filter } : { type: 'requestJobs', offset, limit });
}

const actions: Actions = {
  post,
  setQuery(query: JobQuery) {
    setState({ ...state, query });
    requestJobs();
  },
};

const header = createHeader(actions);
const views: View[] = [
  header,
  createGauges(),
  createSummary(),
  createBatchesGrid(actions),
  createMessageBatchesList(),
  createJobsGrid(actions),
  createEventsList(),
];

function render(): void {
  for (const view of views) view.update(state);
}

// Several messages can land between two frames (a burst after the panel was busy);
// drawing and persisting once per frame keeps that from costing one full render each.
let frameQueued = false;

function flush(): void {
  frameQueued = false;
  api.setState(state);
  render();
}

function setState(next: ViewState): void {
  state = next;
  if (!frameQueued) {
    frameQueued = true;
    requestAnimationFrame(flush);
  }
}

function onJobsPage(page: JobsPage): void {
  if (!pageMatches(page, state.query)) return;
  // The set shrank under us (e.g. failed jobs were retried): step back to the last page.
  if (page.rows.length === 0 && page.offset > 0 && page.total > 0) {
    const lastPage = Math.floor((page.total - 1) / page.limit) * page.limit;
    actions.setQuery({ ...state.query, offset: lastPage });
    return;
  }
  setState({ ...state, jobs: page });
}

function onHostMessage(message: HostMessage): void {
  switch (message.type) {
    case 'state': {
      setState({ ...state, panel: message.state, clockOffsetMs: message.state.lastUpdated - Date.now() });
      const { runState } = message.state;
      const changed = lastRunState !== undefined && runState !== lastRunState;
      lastRunState = runState;
      const live = runState === 'running' || runState === 'paused';
      if (changed || (live && Date.now() - lastJobsRequestAt >= JOBS_REFRESH_MS)) requestJobs();
      return;
    }
    case 'jobs':
      onJobsPage(message.page);
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostMessage(event.data)) onHostMessage(event.data);
  else console.warn('Conversation Forge panel: ignored a malformed host message');
});

const app = document.getElementById('app') ?? document.body.appendChild(el('main', { attrs: { id: 'app' } }));
app.replaceChildren(
  el('h1', { className: 'visually-hidden', text: 'Conversation Forge queue' }),
  ...views.flatMap((v, i) => (i === 0 ? [v.element] : [el('vscode-divider'), v.element])),
);
render();
// The countdown is derived from pausedUntil and the local clock, so it ticks with no host
// traffic: a 1 s timer, aligned to the moments the shown second changes.
function tick(): void {
  header.tick(state);
  setTimeout(tick, msUntilNextTick(state.panel, state.clockOffsetMs, Date.now()));
}
tick();
post({ type: 'ready' });
requestJobs();
