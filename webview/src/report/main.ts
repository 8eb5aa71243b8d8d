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

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const fmt = (n: number) => n.toLocaleString('en-US');
const usd = (x: number) => (x === 0 ? '$0' : x < 0.01 ? `$${x.toFixed(5)}` : `$${x.toFixed(2)}`);

function section(title: string, children: Node[]): HTMLElement {
  return el('section', { className: 'report-section', attrs: { 'aria-label': title } }, [
    el('h2', { text: title }),
    el('div', { className: 'section-grid' }, children),
  ]);
}

function draw(r: ReportView, title: string): void {
  dataset = r.datasets[0];
  if (dataset !== undefined) api.setState({ dataset });
  setText(heading, `Report: ${title}`);
  setText(status, r.journal ? '' : 'No journal beside this dataset: counts by batch and variables, and cost, are unknown.');
  const dup = r.duplicates;
  const figures = [
    figure('Conversations', fmt(r.conversations)),
    figure('Unreadable lines', fmt(r.broken.count), undefined, r.broken.first[0] ? `first on line ${r.broken.first[0].line}` : undefined),
    figure('Near-duplicate rate', pct(dup.rate), dup.rate, `${fmt(dup.exact)} exact, ${fmt(dup.near)} near (Jaccard ≥ ${dup.threshold})`),
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
  body.replaceChildren(section('Overview', figures), section('Diversity', distinct), section('Shape', shape), section('Counts', counts));
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
