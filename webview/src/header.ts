// Top strip: dry-run banner, which pace state holds and why (only "held back" is alarming),
// the live pause countdown, and the run-wide controls.
import type { PanelState } from '../../src/protocol/messages';
import { countdownText, pauseSecondsLeft } from './countdown';
import { button, el, setDisabled, setText } from './dom';
import type { Actions, View } from './view';
import type { ViewState } from './view-state';

/** The sentence's lead ("Held back by the API:") in bold, the reason after it. */
export function splitPaceText(text: string): [lead: string, rest: string] {
  const at = text.indexOf(': ');
  return at < 0 ? [text, ''] : [text.slice(0, at + 1), text.slice(at + 2)];
}

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
  const paceBadge = el('span', { className: 'pace-badge' });
  const paceText = el('span', { className: 'pace-text' });
  const pace = el('div', { className: 'pace', attrs: { role: 'status' } }, [paceBadge, document.createTextNode(' '), paceText]);
  const ring = el('vscode-progress-ring', { className: 'run-ring', attrs: { 'aria-label': 'Running' } });
  const runState = el('span', { className: 'run-state' });
  const countdown = el('span', { className: 'pause-countdown', attrs: { role: 'timer', hidden: '' } });

  const pauseButton = button('Pause', () => actions.post({ type: 'pause' }), 'primary');
  pauseButton.classList.add('pause-button');
  const resumeButton = button('Resume', () => actions.post({ type: 'resume' }), 'primary');
  resumeButton.classList.add('resume-button');
  const cancelButton = button('Cancel run', () => actions.post({ type: 'cancel' }));
  cancelButton.classList.add('cancel-button');
  const retryButton = button('Retry failed', () => actions.post({ type: 'retryFailed' }));
  retryButton.classList.add('retry-button');

  const status = el('div', { className: 'status-line' }, [ring, pace, runState, countdown]);
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
    element.dataset.pace = panel?.pace ?? 'unknown';
    // Lets tests (and a curious user in devtools) see which snapshot is on screen.
    element.dataset.updated = panel ? String(panel.lastUpdated) : '';
    const [lead, rest] = splitPaceText(panel ? panel.paceText : 'Waiting for the extension…');
    setText(paceBadge, lead);
    setText(paceText, rest);
    pace.className = `pace pace-${panel?.pace ?? 'unknown'}`;
    setText(runState, panel ? panel.runState : '');
    // The pace sentence says it for people; the word stays for screen readers and tests.
    runState.className = `run-state run-${panel?.runState ?? 'unknown'} visually-hidden`;
    ring.toggleAttribute('hidden', panel?.runState !== 'running');

    const run = panel?.runState;
    const live = run === 'running' || run === 'paused';
    // Controls that do not apply are left out, not shown as pale disabled blocks. Pause stays
    // during a 429 pause (it holds the run after the pause ends); Resume only for your own pause.
    const userPaused = run === 'paused' && panel?.pauseReason === 'user';
    pauseButton.toggleAttribute('hidden', !live || userPaused);
    resumeButton.toggleAttribute('hidden', !userPaused);
    setDisabled(pauseButton, !live || userPaused);
    cancelButton.toggleAttribute('hidden', !live);
    retryButton.toggleAttribute('hidden', !panel || panel.progress.failed === 0);
    tick(state);
  }

  return { element, update, tick };
}
