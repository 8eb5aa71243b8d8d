// One gauge per rate-limit dimension: utilization, with the engine's three levels (its one health
// function, src/core/limiter/health.ts) as the host computed them, labelled as levels of use. At the limit is a batch run working as intended, so it is not drawn as an alarm.
import { LIMIT_DIMENSIONS, type Health, type LimitDimension, type SharingView } from '../../src/protocol/messages';
import { HEALTH_RANGE } from '../../src/protocol/health';
import { el, setText, setWidthPercent } from './dom';
import { formatCount, formatPercent } from './format';
import { changed, type View } from './view';
import type { ViewState } from './view-state';

const TITLE: Record<LimitDimension, string> = {
  requests: 'Requests / min',
  inputTokens: 'Input tokens / min',
  outputTokens: 'Output tokens / min',
};

export const UTILIZATION_LEVEL: Record<Health, string> = {
  healthy: `Utilization: healthy (${HEALTH_RANGE.healthy})`,
  approaching: `Utilization: approaching (${HEALTH_RANGE.approaching})`,
  throttled: `Utilization: at the limit (${HEALTH_RANGE.throttled})`,
};

/** Same facts as the status-bar tooltip: shared with whom, and whether the store answers. */
export function sharingText(s: SharingView | undefined): string {
  if (!s) return '';
  const where = s.scope === 'redis' ? 'across machines (Redis)' : 'on this machine';
  if (!s.reachable) {
    return `Waiting for ${s.scope === 'redis' ? 'Redis' : 'the shared limits file'}: nothing is sent until the shared budget can be checked${s.problem ? ` (${s.problem})` : ''}.`;
  }
  const others = s.processes - 1;
  return `Budget shared ${where} with ${others <= 0 ? 'no other Forge process right now' : `${others} other Forge process${others === 1 ? '' : 'es'}`}: the gauges show everyone's usage.`;
}

export function createGauges(): View {
  const memo = {};
  const sharingMemo = {};
  const sharing = el('p', { className: 'gauges-sharing', attrs: { 'aria-live': 'polite' } });
  const parts = LIMIT_DIMENSIONS.map((dimension) => {
    const percent = el('span', { className: 'gauge-percent' });
    const health = el('span', { className: 'gauge-health' });
    const limit = el('span', { className: 'gauge-limit' });
    const fill = el('div', { className: 'gauge-fill' });
    const track = el(
      'div',
      {
        className: 'gauge-track',
        attrs: { role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-label': `${TITLE[dimension]}, utilization` },
      },
      [fill],
    );
    const element = el('div', { className: 'gauge', attrs: { 'data-dimension': dimension } }, [
      el('div', { className: 'gauge-head' }, [el('span', { className: 'gauge-title', text: TITLE[dimension] }), percent]),
      track,
      el('div', { className: 'gauge-foot' }, [health, limit]),
    ]);
    return { dimension, element, percent, health, limit, fill, track };
  });

  // Forge holding itself below the limits: said under the gauges, so "Throttled" is never mistaken for the tier's ceiling.
  const note = el('p', { className: 'gauges-note' });
  const noteMemo = {};

  function update(state: ViewState): void {
    const self = state.panel?.selfThrottle;
    if (changed(noteMemo, self ?? null)) {
      setText(
        note,
        !self
          ? ''
          : self.reason === 'learning'
            ? 'Learning your limits: one request out until the API reports them.'
            : `Held at ${formatPercent(self.share)} of the limit after a 429 its headers did not explain; back to full as answers come in.`,
      );
    }
    const shared = state.panel?.sharing;
    if (changed(sharingMemo, shared ?? null)) {
      setText(sharing, sharingText(shared));
      sharing.className = `gauges-sharing${shared && !shared.reachable ? ' unreachable' : ''}`;
      sharing.hidden = !shared;
    }
    const limits = state.panel?.limits;
    if (!changed(memo, limits ?? null)) return;
    for (const p of parts) {
      const g = limits?.[p.dimension];
      p.element.className = `gauge health-${g?.health ?? 'unknown'}`;
      setText(p.percent, g ? formatPercent(g.utilization) : '–');
      setText(p.health, g ? UTILIZATION_LEVEL[g.health] : '');
      setText(p.limit, g?.limit != null ? `of ${formatCount(g.limit)}/min` : 'limit not reported yet');
      setWidthPercent(p.fill, g?.utilization ?? 0);
      p.track.setAttribute('aria-valuenow', String(Math.round((g?.utilization ?? 0) * 100)));
    }
  }

  return {
    element: el('section', { className: 'gauges', attrs: { 'aria-label': 'Rate limits' } }, [
      ...parts.map((p) => p.element),
      note,
      sharing,
    ]),
    update,
  };
}
