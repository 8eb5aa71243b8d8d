// Dataset viewer entry: one page of conversations at a time, asked for by position; the host
// streams everything else. State: the query and the page position (kept with setState).
import { isViewerHostMessage } from '../../../src/protocol/viewer-guards';
import type { ViewerHostMessage, ViewerIndexState, ViewerPage, ViewerQuery, ViewerScan } from '../../../src/protocol/viewer-messages';
import { el, setText } from '../dom';
import { renderItem } from './conversation-card';
import { createFilters } from './filters';
import { firstStart, lastStart, nextStart, prevStart, rangeText, type PagePosition } from './pager-logic';
import { restoreSaved, viewerApi, type ViewerSavedState } from './viewer-api';

const api = viewerApi();
let saved: ViewerSavedState = restoreSaved(api.getState());
let seq = 0;
let index: ViewerIndexState = { lines: 0, bytes: 0, totalBytes: 0, complete: false };
let position: PagePosition | undefined;
/** The page to go to once the first page of the restored query arrives. */
let restoreStart: number | undefined = saved.start;

const fmt = (n: number) => n.toLocaleString('en-US');
const app = document.getElementById('app')!;
const title = el('h1', { className: 'viewer-title', text: 'Dataset' });
const indexStatus = el('span', { className: 'index-status', attrs: { role: 'status' } });
const marksStatus = el('span', { className: 'marks-status muted', attrs: { role: 'status' } });
const reportButton = el('button', { className: 'secondary', text: 'Show report', attrs: { type: 'button' } });
reportButton.addEventListener('click', () => api.postMessage({ type: 'showReport' }));
const problem = el('div', { className: 'problem', attrs: { role: 'alert' } });
problem.hidden = true;
const notice = el('div', { className: 'notice', attrs: { role: 'status' } });
notice.hidden = true;
const filters = createFilters((q) => runQuery(q, firstStart(!isEmpty(q))));
const scanText = el('span');
const scanBar = el('progress', { attrs: { max: '1', value: '0', 'aria-label': 'Scanned' } });
const cancelButton = el('button', { className: 'secondary', text: 'Cancel', attrs: { type: 'button' } });
cancelButton.addEventListener('click', () => api.postMessage({ type: 'cancelScan' }));
const scanStatus = el('div', { className: 'scan-status', attrs: { role: 'status' } }, [scanText, scanBar, cancelButton]);
scanStatus.hidden = true;
const list = el('ol', { className: 'conversations', attrs: { 'aria-label': 'Conversations' } });

function pagerNav(where: string): { nav: HTMLElement; update(): void } {
  const mk = (label: string, aria: string, go: () => number | undefined) => {
    const b = el('button', { className: 'secondary', text: label, attrs: { type: 'button', 'aria-label': aria } });
    b.addEventListener('click', () => {
      const s = go();
      if (s !== undefined) requestPage(s);
    });
    return b;
  };
  const first = mk('First', 'First page', () => position && firstStart(position.filtered));
  const prev = mk('Previous', 'Previous page', () => position && prevStart(position));
  const next = mk('Next', 'Next page', () => position && nextStart(position));
  const last = mk('Last', 'Last page', () => position && lastStart(position));
  const range = el('span', { className: 'range' });
  const goto = el('input', { attrs: { type: 'number', min: '1', 'aria-label': 'Go to line', placeholder: 'Line' } });
  const gotoForm = el('form', { className: 'goto' }, [
    goto,
    el('button', { className: 'secondary', text: 'Go', attrs: { type: 'submit' } }),
  ]);
  gotoForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = Number(goto.value);
    if (position && !position.filtered && Number.isSafeInteger(n) && n >= 1) requestPage(n);
  });
  const nav = el('nav', { className: 'pager', attrs: { 'aria-label': `Pages (${where})` } }, [first, prev, range, next, last, gotoForm]);
  return {
    nav,
    update() {
      const p = position;
      setText(range, p ? rangeText(p, index.lines) : '');
      first.disabled = prev.disabled = !p || prevStart(p) === undefined;
      next.disabled = !p || nextStart(p) === undefined;
      last.disabled = !p || lastStart(p) === undefined || lastStart(p) === p.start;
      gotoForm.hidden = !p || p.filtered;
    },
  };
}
const topPager = pagerNav('top');
const bottomPager = pagerNav('bottom');

app.append(
  el('header', { className: 'viewer-header' }, [title, indexStatus, marksStatus, reportButton]),
  problem,
  notice,
  filters.element,
  scanStatus,
  topPager.nav,
  list,
  bottomPager.nav,
);

function isEmpty(q: ViewerQuery): boolean {
  return Object.keys(q).length === 0;
}

function save(): void {
  api.setState(saved);
}

function runQuery(query: ViewerQuery, start: number): void {
  seq++;
  saved = { query, start };
  save();
  restoreStart = start;
  position = undefined;
  list.replaceChildren();
  topPager.update();
  bottomPager.update();
  api.postMessage({ type: 'query', seq, query });
}

/** When the last page was asked for: the page's round trip is kept on the list (data-page-ms) for the host tests. */
let requestedAt = 0;

function requestPage(start: number): void {
  requestedAt = performance.now();
  api.postMessage({ type: 'page', seq, start });
}

function showIndex(): void {
  const pct = index.totalBytes ? Math.floor((100 * index.bytes) / index.totalBytes) : 100;
  setText(
    indexStatus,
    index.complete
      ? `${fmt(index.lines)} lines · ${(index.totalBytes / 1e6).toFixed(1)} MB`
      : `Counting lines… ${pct}% (${fmt(index.lines)} so far)`,
  );
}

function showScan(s: ViewerScan): void {
  if (s.seq !== seq) return;
  scanStatus.hidden = s.state === 'done';
  cancelButton.hidden = s.state !== 'running';
  scanBar.hidden = s.state !== 'running';
  scanBar.value = s.totalBytes ? s.bytes / s.totalBytes : 1;
  const pct = s.totalBytes ? Math.floor((100 * s.bytes) / s.totalBytes) : 100;
  setText(
    scanText,
    s.state === 'running'
      ? `Searching… ${pct}% · ${fmt(s.matches)} matches so far`
      : s.state === 'cancelled'
        ? 'Search cancelled. Apply again to search, or Clear to see every line.'
        : `Search failed: ${s.message ?? 'unknown error'}`,
  );
}

const cardActions = {
  openJournal: (offset: number) => api.postMessage({ type: 'openJournal', offset }),
  openLine: (line: number) => api.postMessage({ type: 'openLine', line }),
  showOriginal: (of: { id?: string; line?: number }) => {
    notice.hidden = true;
    api.postMessage({ type: 'showOriginal', ...of });
  },
};

/** The line a duplicate link asked to see: highlighted once its page arrives. */
let revealLine: number | undefined;

function reveal(line: number): void {
  // The original need not match the filters: show every line, from it.
  filters.show({});
  revealLine = line;
  runQuery({}, line);
}

function showMarks(m: { duplicates: number; dropped: number; regenerate: number } | undefined): void {
  const parts: string[] = [];
  if (m?.duplicates) parts.push(`${fmt(m.duplicates)} marked duplicate`);
  if (m?.dropped) parts.push(`${fmt(m.dropped)} dropped`);
  if (m?.regenerate) parts.push(`${fmt(m.regenerate)} dropped to regenerate`);
  setText(marksStatus, parts.length ? `Journal: ${parts.join(' · ')}` : '');
  marksStatus.title =
    m?.dropped || m?.regenerate ? 'Dropped conversations are no longer in the file; regenerated ones are flagged Regenerated.' : '';
}

function showPage(p: ViewerPage): void {
  if (p.seq !== seq) return;
  if (restoreStart !== undefined && restoreStart !== p.start) {
    const target = restoreStart;
    restoreStart = undefined;
    requestPage(target);
    return;
  }
  restoreStart = undefined;
  position = { start: p.start, filtered: p.filtered, total: p.total, ...(p.approximate ? { approximate: true } : {}) };
  saved = { ...saved, start: p.start };
  save();
  list.replaceChildren(...p.items.map((item) => renderItem(item, cardActions, p.approximate === true)));
  list.toggleAttribute('data-approximate', p.approximate === true);
  if (p.items.length === 0)
    list.append(el('li', { className: 'empty', text: p.filtered ? 'No conversation matches.' : 'Nothing on this page.' }));
  list.setAttribute('data-start', String(p.start));
  const target = revealLine === undefined ? undefined : list.querySelector<HTMLElement>(`[data-line="${revealLine}"]`);
  revealLine = undefined;
  if (target) {
    target.classList.add('revealed');
    target.tabIndex = -1;
  }
  list.setAttribute('data-page-ms', String(Math.round(performance.now() - requestedAt)));
  topPager.update();
  bottomPager.update();
  window.scrollTo(0, 0);
  target?.focus();
}

function handle(m: ViewerHostMessage): void {
  switch (m.type) {
    case 'init':
      setText(title, m.init.name);
      filters.setFacets({ batches: {}, variables: {} }, m.init.journal);
      filters.show(saved.query);
      runQuery(saved.query, saved.start);
      return;
    case 'index':
      index = m.index;
      showIndex();
      // The total becomes known when counting ends: let the pager offer the last page.
      if (m.index.complete && position && !position.filtered && position.total < 0) {
        position = { ...position, total: m.index.lines };
        topPager.update();
        bottomPager.update();
      }
      return;
    case 'facets':
      filters.setFacets(m.facets, true);
      showMarks(m.facets.marks);
      return;
    case 'failures':
      filters.setFailures(m.failures);
      return;
    case 'reveal':
      reveal(m.line);
      return;
    case 'notice':
      notice.hidden = false;
      setText(notice, m.notice);
      return;
    case 'scan':
      showScan(m.scan);
      return;
    case 'page':
      showPage(m.page);
      return;
    case 'error':
      problem.hidden = false;
      setText(problem, m.error);
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isViewerHostMessage(event.data)) handle(event.data);
});
topPager.update();
bottomPager.update();
api.postMessage({ type: 'ready' });
