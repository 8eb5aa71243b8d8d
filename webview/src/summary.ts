// Run summary: overall progress bar, counts in the seed UI's terms (queue, active x/N, …),
// ETA, cost against estimate and budget, and the throughput sparkline.
import { el, setText, setWidthPercent } from './dom';
import { perMinute, timeLeftText } from '../../src/protocol/time-format';
import { formatCount, formatMoney, formatPercent } from './format';
import { buildSparkline } from './sparkline';
import { changed, type View } from './view';
import type { ViewState } from './view-state';

function stat(name: string, label: string): { element: HTMLElement; value: HTMLElement } {
  const value = el('span', { className: 'stat-value' });
  return {
    element: el('div', { className: `stat stat-${name}`, attrs: { 'data-stat': name } }, [
      el('span', { className: 'stat-label', text: label }),
      value,
    ]),
    value,
  };
}

export function createSummary(): View {
  const memo = {};
  const done = el('div', { className: 'progress-done' });
  const failed = el('div', { className: 'progress-failed' });
  const bar = el(
    'div',
    {
      className: 'progress-track',
      attrs: { role: 'progressbar', 'aria-label': 'Conversations done', 'aria-valuemin': '0', 'aria-valuemax': '100' },
    },
    [done, failed],
  );
  const progressText = el('span', { className: 'progress-text' });

  const stats = {
    queued: stat('queued', 'Queue'),
    active: stat('active', 'Active'),
    succeeded: stat('succeeded', 'Succeeded'),
    failed: stat('failed', 'Failed'),
    retrying: stat('retrying', 'Retrying'),
    skipped: stat('skipped', 'Skipped'),
    eta: stat('eta', 'Time left'),
    cost: stat('cost', 'Cost'),
  };
  const sparkHolder = el('div', { className: 'sparkline-holder' });
  const sparkLabel = el('span', { className: 'sparkline-label' });

  const element = el('section', { className: 'summary', attrs: { 'aria-label': 'Progress' } }, [
    el('div', { className: 'progress' }, [bar, progressText]),
    el(
      'div',
      { className: 'stats' },
      Object.values(stats).map((s) => s.element),
    ),
    el('div', { className: 'throughput' }, [el('span', { className: 'stat-label', text: 'Throughput' }), sparkHolder, sparkLabel]),
  ]);

  function update(state: ViewState): void {
    const p = state.panel;
    if (!changed(memo, p ? [p.progress, p.etaSeconds, p.cost, p.throughput, p.runState] : null)) return;
    if (!p) return;
    const { total, queued, active, maxActive, succeeded, failed: nFailed, retrying, skipped } = p.progress;
    const finished = succeeded + nFailed + skipped;
    setWidthPercent(done, total ? (succeeded + skipped) / total : 0);
    setWidthPercent(failed, total ? nFailed / total : 0);
    bar.setAttribute('aria-valuenow', String(total ? Math.round((finished / total) * 100) : 0));
    setText(progressText, `${formatCount(finished)} / ${formatCount(total)} (${formatPercent(total ? finished / total : 0)})`);

    setText(stats.queued.value, formatCount(queued));
    setText(stats.active.value, `${formatCount(active)}/${formatCount(maxActive)}`);
    setText(stats.succeeded.value, formatCount(succeeded));
    setText(stats.failed.value, formatCount(nFailed));
    stats.failed.element.classList.toggle('has-failures', nFailed > 0);
    setText(stats.retrying.value, formatCount(retrying));
    setText(stats.skipped.value, formatCount(skipped));
    const ended = p.runState === 'finished' || p.runState === 'stopped' || p.runState === 'idle';
    setText(stats.eta.value, ended ? '–' : timeLeftText(p.etaSeconds));
    const { spent, estimate, budget } = p.cost;
    const parts = [formatMoney(spent), `est. ${estimate === null ? '–' : formatMoney(estimate)}`];
    if (budget !== undefined) parts.push(`budget ${formatMoney(budget)}`);
    // Prompt caching: share of input read from the cache and the money that saved.
    if (p.cost.cache)
      parts.push(`cache ${Math.round(p.cost.cache.readShare * 100)}% of input, saved ${formatMoney(p.cost.cache.savedUsd)}`);
    setText(stats.cost.value, parts.join(' · '));
    stats.cost.element.classList.toggle('over-budget', budget !== undefined && estimate !== null && estimate > budget);

    sparkHolder.replaceChildren(buildSparkline(p.throughput));
    const last = p.throughput[p.throughput.length - 1];
    setText(sparkLabel, last === undefined ? 'not known yet' : perMinute(last));
  }

  return { element, update };
}
