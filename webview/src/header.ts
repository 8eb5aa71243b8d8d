// Top strip: dry-run banner, overall rate health in the seed UI's words, the live pause
// countdown, and the run-wide controls.
import type { PanelState, PauseReason } from '../../src/protocol/messages';
import { countdownText, pauseSecondsLeft } from './countdown';
import { button, el, setDisabled, setText } from './dom';
import { HEALTH_LABEL } from './format';
import type { Actions, View } from './view';
import type { ViewState } from './view-state';

const REASON: Record<PauseReason, string> = {
  rateLimited: 'rate limit reached',
  overloaded: 'API overloaded',
  user: 'paused by you',
  budget: 'budget reached',
};

export interface HeaderView extends View {
  /** Called every second by the countdown timer; reads only local time and the last state. */
  tick(state: ViewState): void;
}

export function createHeader(actions: Actions): HeaderView {
  const banner = el('div', {
    className: 'dry-run-banner',
    text: 'DRY RUN — simulated API, nothing is billed',
    attrs: { role: 'status', hidden: '' },
  });
  const health = el('span', { className: 'health-label' });
  const ring = el('vscode-progress-ring', { className: 'run-ring', attrs: { 'aria-label': 'Running' } });
  const runState = el('span', { className: 'run-state' });
  const countdown = el('span', { className: 'pause-countdown', attrs: { role: 'timer', hidden: '' } });
  const reason = el('span', { className: 'pause-reason' });

  const pauseButton = button('Pause', () => actions.post({ type: 'pause' }), 'primary');
  pauseButton.classList.add('pause-button');
  const resumeButton = button('Resume', () => actions.post({ type: 'resume' }), 'primary');
  resumeButton.classList.add('resume-button');
  const cancelButton = button('Cancel run', () => actions.post({ type: 'cancel' }));
  cancelButton.classList.add('cancel-button');
  const retryButton = button('Retry failed', () => actions.post({ type: 'retryFailed' }));
  retryButton.classList.add('retry-button');

  const status = el('div', { className: 'status-line' }, [ring, health, runState, countdown, reason]);
  const controls = el('div', { className: 'controls' }, [pauseButton, resumeButton, cancelButton, retryButton]);
  const element = el('header', { className: 'panel-header' }, [banner, el('div', { className: 'header-row' }, [status, controls])]);

  function tick(state: ViewState): void {
    const panel = state.panel;
    const left = panel ? pauseSecondsLeft(panel, state.clockOffsetMs, Date.now()) : null;
    countdown.toggleAttribute('hidden', left === null);
    if (left !== null) setText(countdown, countdownText(left));
  }

  function update(state: ViewState): void {
    const panel: PanelState | null = state.panel;
    banner.toggleAttribute('hidden', !panel?.simulated);
    element.dataset.health = panel?.health ?? 'unknown';
    // Lets tests (and a curious user in devtools) see which snapshot is on screen.
    element.dataset.updated = panel ? String(panel.lastUpdated) : '';
    setText(health, panel ? `API Rate: ${HEALTH_LABEL[panel.health]}` : 'Waiting for the extension…');
    health.className = `health-label health-${panel?.health ?? 'unknown'}`;
    setText(runState, panel ? panel.runState : '');
    runState.className = `run-state run-${panel?.runState ?? 'unknown'}`;
    ring.toggleAttribute('hidden', panel?.runState !== 'running');
    setText(reason, panel?.pauseReason ? `(${REASON[panel.pauseReason]})` : '');

    const run = panel?.runState;
    const live = run === 'running' || run === 'paused';
    pauseButton.toggleAttribute('hidden', run === 'paused');
    resumeButton.toggleAttribute('hidden', run !== 'paused');
    setDisabled(pauseButton, run !== 'running');
    setDisabled(cancelButton, !live);
    setDisabled(retryButton, !panel || panel.progress.failed === 0);
    tick(state);
  }

  return { element, update, tick };
}
