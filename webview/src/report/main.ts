// Dataset report entry: draws `convforge report --json` as figures and charts.
import { isReportHostMessage } from '../../../src/protocol/viewer-guards';
import type { ReportView } from '../../../src/protocol/viewer-messages';
import { el, setText } from '../dom';
import { reportApi } from '../viewer/viewer-api';
import { bars, figure, histogram } from './charts';

const api = reportApi();
const app = document.getElementById('app')!;
const heading = el('h1', { className: 'viewer-title', text: 'Dataset report' });
const refresh = el('button', { className: 'secondary', text: 'Refresh', attrs: { type: 'button' } });
refresh.addEventListener('click', () => api.postMessage({ type: 'refresh' }));
const openViewer = el('button', { className: 'secondary', text: 'Open in viewer', attrs: { type: 'button' } });
const status = el('p', { className: 'report-status', attrs: { role: 'status' } });
const body = el('div', { className: 'report-body' });
app.append(el('header', { className: 'viewer-header' }, [heading, refresh, openViewer]), status, body);
let dataset: string | undefined;
openViewer.addEventListener('click', () => dataset && api.postMessage({ type: 'openViewer', dataset }));

/** A dataset as the table names it: its folder and file name (the full path in its tooltip). */
const shortName = (file: string) => file.split(/[\\/]/).slice(-2).join('/');

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const fmt = (n: number) => n.toLocaleString('en-US');
const usd = (x: number) => (x === 0 ? '$0' : x < 0.01 ? `$${x.toFixed(5)}` : `$${x.toFixed(2)}`);

function section(title: string, children: Node[]): HTMLElement {
  return el('section', { className: 'report-section', attrs: { 'aria-label': title } }, [
    el('h2', { text: title }),
    el('div', { className: 'section-grid' }, children),
  ]);
}

/** Each dataset's headline figures and their total, when the report covers several. */
function perDataset(r: ReportView): HTMLElement {
  const cells = (values: string[], header = false) =>
    values.map((v, i) => el(header ? 'th' : 'td', { text: v, ...(i > 0 ? { className: 'num' } : {}) }));
  const figures = (f: {
    conversations: number;
    broken: number;
    duplicates: { rate: number; marked: number };
    refusalRate: number;
    failures: number;
    cost: { perConversationUsd: number; conversationsWithCost: number };
  }) => [
    fmt(f.conversations),
    fmt(f.broken),
    pct(f.duplicates.rate),
    fmt(f.duplicates.marked),
    pct(f.refusalRate),
    fmt(f.failures),
    f.cost.conversationsWithCost ? usd(f.cost.perConversationUsd) : 'unknown',
  ];
  const rows = r.perDataset.map((f) => {
    const open = el('button', {
      className: 'link-button',
      text: 'Open',
      attrs: { type: 'button', 'aria-label': `Open ${shortName(f.dataset)} in the viewer` },
    });
    open.addEventListener('click', () => api.postMessage({ type: 'openViewer', dataset: f.dataset }));
    const name = el('th', { text: shortName(f.dataset), attrs: { scope: 'row', title: f.dataset } });
    return el('tr', { attrs: { 'data-dataset': f.dataset } }, [name, ...cells(figures(f)), el('td', {}, [open])]);
  });
  const total = el('tr', { className: 'total' }, [
    el('th', { text: 'Total', attrs: { scope: 'row' } }),
    ...cells(figures({ ...r, broken: r.broken.count, failures: r.failures.total })),
    el('td'),
  ]);
  const head = el('tr', {}, [
    ...[
      'Dataset',
      'Conversations',
      'Unreadable lines',
      'Near-duplicate rate',
      'Marked duplicates',
      'Refusal rate',
      'Failed',
      'Cost per conversation',
    ].map((h) => el('th', { text: h, attrs: { scope: 'col' } })),
    el('th', { text: 'Viewer', attrs: { scope: 'col' } }),
  ]);
  return el('section', { className: 'report-section', attrs: { 'aria-label': 'By dataset' } }, [
    el('h2', { text: 'By dataset' }),
    el('table', { className: 'per-dataset' }, [el('thead', {}, [head]), el('tbody', {}, [...rows, total])]),
  ]);
}

function draw(r: ReportView, title: string): void {
  dataset = r.datasets.length === 1 ? r.datasets[0] : undefined;
  openViewer.hidden = dataset === undefined;
  api.setState({ datasets: r.datasets });
  setText(heading, `Report: ${title}`);
  setText(status, r.journal ? '' : 'No journal beside this dataset: counts by batch and variables, and cost, are unknown.');
  const dup = r.duplicates;
  const figures = [
    figure('Conversations', fmt(r.conversations)),
    figure('Unreadable lines', fmt(r.broken.count), undefined, r.broken.first[0] ? `first on line ${r.broken.first[0].line}` : undefined),
    figure(
      'Near-duplicate rate',
      pct(dup.rate),
      dup.rate,
      `${fmt(dup.exact)} exact, ${fmt(dup.near)} near (Jaccard ≥ ${dup.threshold}); ${fmt(dup.marked)} marked in the journal`,
    ),
    figure('Refusal rate', pct(r.refusalRate), r.refusalRate),
    figure('Meta-commentary rate', pct(r.metaCommentaryRate), r.metaCommentaryRate),
    figure('Failed conversations', fmt(r.failures.total)),
    figure(
      'Cost per conversation',
      r.journal ? usd(r.cost.perConversationUsd) : 'unknown',
      undefined,
      r.journal ? `${usd(r.cost.totalUsd)} in all` : undefined,
    ),
  ];
  const distinct = [
    figure('User distinct-1', r.distinct.user.distinct1.toFixed(3), r.distinct.user.distinct1),
    figure('User distinct-2', r.distinct.user.distinct2.toFixed(3), r.distinct.user.distinct2),
    figure('Assistant distinct-1', r.distinct.assistant.distinct1.toFixed(3), r.distinct.assistant.distinct1),
    figure('Assistant distinct-2', r.distinct.assistant.distinct2.toFixed(3), r.distinct.assistant.distinct2),
  ];
  const shape = [
    histogram('Tokens per user message', r.tokensPerMessage.user, 'tokens'),
    histogram('Tokens per assistant message', r.tokensPerMessage.assistant, 'tokens'),
    histogram('Messages per conversation', r.messagesPerConversation, 'messages'),
  ];
  const counts = [
    bars('By batch', r.byBatch),
    ...Object.entries(r.byVariable).map(([name, c]) => bars(`By ${name}`, c)),
    bars('Failures by kind (validation and API)', r.failures.byKind),
  ];
  body.replaceChildren(
    ...(r.perDataset.length > 1 ? [perDataset(r)] : []),
    section(r.perDataset.length > 1 ? 'Overview (all datasets)' : 'Overview', figures),
    section('Diversity', distinct),
    section('Shape', shape),
    section('Counts', counts),
  );
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m = event.data;
  if (!isReportHostMessage(m)) return;
  if (m.type === 'report') draw(m.report, m.title);
  else {
    setText(status, m.message);
    if (m.state === 'failed') body.replaceChildren();
  }
});
api.postMessage({ type: 'ready' });
