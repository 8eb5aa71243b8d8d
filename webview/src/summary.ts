// Run summary: overall progress bar, counts in the seed UI's terms (queue, active x/N, …),
// ETA, cost against estimate and budget, and the throughput sparkline.
import { el, setText, setWidthPercent } from './dom';
import { perMinute } from '../../src/protocol/time-format';
import { estimateCheckLines, etaBasisText, timeLeftOf, workText } from '../../src/protocol/work-text';
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
      attrs: { role: 'progressbar', 'aria-label': 'Work done', 'aria-valuemin': '0', 'aria-valuemax': '100' },
    },
    [done, failed],
  );
  const progressText = el('span', { className: 'progress-text' });
  const workLine = el('span', { className: 'work-text' });
  const checkLine = el('p', { className: 'estimate-check' });

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
    workLine,
    el(
      'div',
      { className: 'stats' },
      Object.values(stats).map((s) => s.element),
    ),
    el('div', { className: 'throughput' }, [el('span', { className: 'stat-label', text: 'Throughput' }), sparkHolder, sparkLabel]),
    checkLine,
  ]);

  function update(state: ViewState): void {
    const p = state.panel;
    if (!changed(memo, p ? [p.progress, p.etaSeconds, p.cost, p.throughput, p.runState, p.work, p.estimateCheck] : null)) return;
    if (!p) return;
    const { total, queued, active, maxActive, succeeded, failed: nFailed, retrying, skipped } = p.progress;
    const finished = succeeded + nFailed + skipped;
    // The bar moves with requests (weighted by the binding limit), so a run of long conversations
    // advances as their messages arrive; the counts beside it stay in conversations.
    const failedShare = total ? nFailed / total : 0;
    const doneShare = p.work ? Math.max(0, p.work.fraction - failedShare) : total ? (succeeded + skipped) / total : 0;
    setWidthPercent(done, doneShare);
    setWidthPercent(failed, failedShare);
    const share = p.work ? p.work.fraction : total ? finished / total : 0;
    bar.setAttribute('aria-valuenow', String(Math.round(share * 100)));
    setText(
      progressText,
      `${formatCount(finished)} / ${formatCount(total)} conversations (${formatPercent(total ? finished / total : 0)})`,
    );
    setText(workLine, p.work ? workText(p.work) : '');
    const check = p.estimateCheck;
    setText(checkLine, check ? estimateCheckLines(check, formatMoney).join(' ') : '');
    checkLine.toggleAttribute('hidden', !check);

    setText(stats.queued.value, formatCount(queued));
    setText(stats.active.value, `${formatCount(active)}/${formatCount(maxActive)}`);
    setText(stats.succeeded.value, formatCount(succeeded));
    setText(stats.failed.value, formatCount(nFailed));
    stats.failed.element.classList.toggle('has-failures', nFailed > 0);
    setText(stats.retrying.value, formatCount(retrying));
    setText(stats.skipped.value, formatCount(skipped));
    const ended = p.runState === 'finished' || p.runState === 'stopped' || p.runState === 'idle';
    setText(stats.eta.value, ended ? '–' : timeLeftOf(p.etaSeconds, p.work));
    stats.eta.element.title = !ended && p.work && (p.work.etaBasis || p.work.messageBatches?.waiting) ? etaBasisText(p.work) : '';
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
