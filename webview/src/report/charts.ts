// Plain SVG and CSS charts for the dataset report. Each chart carries its numbers as text too
// (an aria-label and visible labels), so a screen reader gets what the eye gets.
import type { HistogramView } from '../../../src/protocol/viewer-messages';
import { el, setWidthPercent, svgEl } from '../dom';

const fmt = (n: number) => n.toLocaleString('en-US');

/** A vertical-bar histogram: bucket labels under the bars, counts above them. */
export function histogram(title: string, h: HistogramView, unit: string): HTMLElement {
  const width = 360;
  const height = 150;
  const pad = { top: 16, bottom: 30, left: 4, right: 4 };
  const max = Math.max(1, ...h.buckets.map((b) => b.count));
  const slot = (width - pad.left - pad.right) / Math.max(1, h.buckets.length);
  const plot = height - pad.top - pad.bottom;
  const summary = h.buckets.map((b) => `${b.label}: ${fmt(b.count)}`).join(', ');
  const svg = svgEl('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `${title}. ${summary}`,
    class: 'chart histogram',
  });
  h.buckets.forEach((b, i) => {
    const barHeight = (b.count / max) * plot;
    const x = pad.left + i * slot;
    const y = pad.top + plot - barHeight;
    const rect = svgEl('rect', {
      x: String(x + 2),
      y: String(y),
      width: String(Math.max(1, slot - 4)),
      height: String(Math.max(b.count ? 1 : 0, barHeight)),
      class: 'bar',
    });
    rect.append(Object.assign(svgEl('title'), { textContent: `${b.label} ${unit}: ${fmt(b.count)}` }));
    const count = svgEl('text', { x: String(x + slot / 2), y: String(y - 3), class: 'bar-count', 'text-anchor': 'middle' });
    count.textContent = b.count ? fmt(b.count) : '';
    const label = svgEl('text', {
      x: String(x + slot / 2),
      y: String(height - pad.bottom + 14),
      class: 'bar-label',
      'text-anchor': 'middle',
    });
    label.textContent = b.label;
    svg.append(rect, count, label);
  });
  const axis = svgEl('line', {
    x1: String(pad.left),
    x2: String(width - pad.right),
    y1: String(pad.top + plot),
    y2: String(pad.top + plot),
    class: 'axis',
  });
  svg.append(axis);
  const stats = h.count ? `${fmt(h.count)} · min ${fmt(h.min)} · mean ${h.mean.toFixed(1)} · max ${fmt(h.max)}` : 'no data';
  return el('figure', { className: 'chart-box' }, [
    svg,
    el('figcaption', {}, [el('strong', { text: title }), el('span', { className: 'muted', text: ` ${unit}: ${stats}` })]),
  ]);
}

/** Horizontal bars for counts by name, largest first (at most `limit`, the rest summed). */
export function bars(title: string, counts: Record<string, number>, limit = 20): HTMLElement {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = entries.slice(0, limit);
  const rest = entries.slice(limit).reduce((s, [, n]) => s + n, 0);
  if (rest > 0) shown.push([`${entries.length - limit} more`, rest]);
  const max = Math.max(1, ...shown.map(([, n]) => n));
  const total = entries.reduce((s, [, n]) => s + n, 0);
  const rows = shown.map(([name, n]) => {
    const fill = el('span', { className: 'hbar-fill' });
    setWidthPercent(fill, n / max);
    return el('li', { className: 'hbar' }, [
      el('span', { className: 'hbar-name', text: name }),
      el('span', { className: 'hbar-track', attrs: { 'aria-hidden': 'true' } }, [fill]),
      el('span', { className: 'hbar-value', text: `${fmt(n)}${total ? ` (${((100 * n) / total).toFixed(1)}%)` : ''}` }),
    ]);
  });
  return el('figure', { className: 'chart-box' }, [
    el('figcaption', {}, [el('strong', { text: title })]),
    rows.length ? el('ul', { className: 'hbars', attrs: { 'aria-label': title } }, rows) : el('p', { className: 'muted', text: 'None' }),
  ]);
}

/** A headline figure with a meter when it is a share. */
export function figure(label: string, value: string, share?: number, note?: string): HTMLElement {
  const children: Node[] = [el('div', { className: 'figure-value', text: value }), el('div', { className: 'figure-label', text: label })];
  if (share !== undefined) {
    const fill = el('span', { className: 'meter-fill' });
    setWidthPercent(fill, share);
    children.push(el('span', { className: 'meter', attrs: { 'aria-hidden': 'true' } }, [fill]));
  }
  if (note) children.push(el('div', { className: 'figure-note muted', text: note }));
  return el('div', { className: 'figure', attrs: { 'data-figure': label } }, children);
}
