// What the status-bar item shows, as a pure function of one state value and the time. The
// adapter (status-bar.ts) only copies the result onto the vscode StatusBarItem.
import { LIMIT_DIMENSIONS, type LimitDimension, type PanelState } from '../../protocol/messages';
import { sharingSentence } from '../../core/limiter/sharing-text';
import { COMMANDS } from '../ids';
import type { StatusFacts } from '../view-model/view-model';

export type StatusBackground = 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';

export interface StatusRender {
  readonly text: string;
  /** A ThemeColor id, or undefined for the normal background. */
  readonly background: StatusBackground | undefined;
  /** Markdown; command links only for `enabledCommands`. */
  readonly tooltip: string;
  readonly enabledCommands: readonly string[];
  /** For screen readers (the text is mostly icons and numbers). */
  readonly ariaLabel: string;
}

const DIMENSION_LABEL: Record<LimitDimension, string> = {
  requests: 'Requests',
  inputTokens: 'Input tokens',
  outputTokens: 'Output tokens',
};

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const percent = (u: number) => `${Math.round(u * 100)}%`;

export function usd(n: number): string {
  return n > 0 && n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}

/** "12 s", "3 min", "1.5 h" */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function secondsLeft(pausedUntil: number, now: number): number {
  return Math.max(0, Math.ceil((pausedUntil - now) / 1000));
}

function highestUtilization(p: PanelState): number {
  return Math.max(...LIMIT_DIMENSIONS.map((d) => p.limits[d].utilization));
}

function doneOf(p: PanelState): number {
  return p.progress.succeeded + p.progress.failed + p.progress.skipped;
}

type Mode = 'starting' | 'running' | 'rateLimited' | 'userPaused' | 'finished' | 'stopped' | 'cancelled' | 'idle';

function modeOf(f: StatusFacts): Mode {
  if (f.panel.pausedUntil !== null) return 'rateLimited';
  switch (f.phase) {
    case 'starting':
      return 'starting';
    case 'running':
      return 'running';
    case 'paused':
      return 'userPaused';
    case 'finished':
      return 'finished';
    case 'stopped':
      return 'stopped';
    case 'cancelled':
      return 'cancelled';
    default:
      return 'idle';
  }
}

function textOf(mode: Mode, f: StatusFacts, now: number): string {
  const p = f.panel;
  const dry = p.simulated ? 'DRY RUN · ' : '';
  const progress = `${count(doneOf(p))}/${count(p.progress.total)}`;
  switch (mode) {
    case 'starting':
      return `$(loading~spin) ${dry}Starting…`;
    case 'rateLimited':
      return `$(debug-pause) ${dry}429 · ${secondsLeft(p.pausedUntil!, now)}s`;
    case 'userPaused':
      return `$(debug-pause) ${dry}Paused · ${progress}`;
    case 'running':
      return `$(pulse) ${dry}${percent(highestUtilization(p))} · ${progress} · ${p.progress.active}/${p.progress.maxActive}`;
    case 'finished':
      return `$(check) ${dry}Done · ${progress}`;
    case 'stopped':
      return `$(error) ${dry}Stopped · ${progress}`;
    case 'cancelled':
      return `$(circle-slash) ${dry}Cancelled · ${progress}`;
    case 'idle':
      return `$(pulse) ${dry}Conversation Forge`;
  }
}

function backgroundOf(mode: Mode, f: StatusFacts): StatusBackground | undefined {
  if (mode === 'rateLimited') return 'statusBarItem.errorBackground';
  if (mode === 'stopped') return 'statusBarItem.warningBackground';
  if (mode !== 'running') return undefined;
  if (f.panel.health === 'throttled') return 'statusBarItem.errorBackground';
  if (f.panel.health === 'approaching') return 'statusBarItem.warningBackground';
  return undefined;
}

/** One sentence on the rate-limit situation; "paused" is kept for real pauses. */
function headline(mode: Mode, f: StatusFacts, now: number): string {
  const p = f.panel;
  switch (mode) {
    case 'rateLimited': {
      const s = secondsLeft(p.pausedUntil!, now);
      return `**Paused by a 429** (rate limit reached): ${s > 0 ? `resuming in ${s} s` : 'resuming…'}.`;
    }
    case 'userPaused':
      return '**Paused** by you. Nothing new is sent until you resume.';
    case 'starting':
      return '**Starting**: opening the datasets…';
    case 'finished':
    case 'stopped':
    case 'cancelled': {
      const s = f.summary;
      const word = mode === 'finished' ? 'Finished' : mode === 'stopped' ? 'Stopped' : 'Cancelled';
      if (!s) return `**${word}**.`;
      return `**${word}**: ${count(s.generated)} generated, ${count(s.failed)} failed of ${count(s.total)}, ${usd(s.costUsd)}${p.simulated ? ' (simulated, not billed)' : ''}.`;
    }
    default:
      if (p.sharing && !p.sharing.reachable) return `**Waiting**: ${sharingSentence(p.sharing)}`;
      if (p.health === 'throttled') return '**At the limit**: running as fast as your tier allows.';
      if (p.health === 'approaching') return '**Busy**: approaching your rate limit.';
      return '**Healthy**: well under your rate limits.';
  }
}

function limitsTable(p: PanelState): string {
  const rows = LIMIT_DIMENSIONS.map((d) => {
    const g = p.limits[d];
    return `| ${DIMENSION_LABEL[d]} | ${percent(g.utilization)} | ${g.limit === null ? '–' : count(g.limit)} |`;
  });
  return ['| Limit | Used | Per minute |', '|:--|--:|--:|', ...rows].join('\n');
}

function costLine(p: PanelState): string {
  const { spent, estimate, budget } = p.cost;
  const parts = [`Cost: ${usd(spent)}`];
  if (estimate !== null) parts.push(`of ~${usd(estimate)} estimated`);
  if (budget !== undefined) parts.push(`· budget ${usd(budget)}`);
  if (p.simulated) parts.push('(simulated, not billed)');
  return parts.join(' ');
}

export function renderStatusBar(f: StatusFacts, now: number): StatusRender {
  const mode = modeOf(f);
  const p = f.panel;
  const live = mode === 'running' || mode === 'rateLimited' || mode === 'userPaused' || mode === 'starting';
  const title = `**Conversation Forge**${p.simulated ? ' · DRY RUN against the built-in simulator' : ''}`;
  const parts = [title, headline(mode, f, now)];
  if (mode !== 'starting' && mode !== 'idle') {
    parts.push(limitsTable(p));
    if (p.sharing?.reachable) parts.push(sharingSentence(p.sharing));
    if (live) {
      const q = f.queuedByPriority;
      parts.push(`Queue: ${count(q.high)} high · ${count(q.normal)} normal · ${count(q.low)} low · active ${p.progress.active}/${p.progress.maxActive}`);
      const wait = f.meanWaitMs === null ? null : `Estimated wait: ~${duration(f.meanWaitMs / 1000)}`;
      const eta = p.etaSeconds === null ? null : `time left: ~${duration(p.etaSeconds)}`;
      if (wait || eta) parts.push([wait, eta].filter(Boolean).join(' · '));
    }
    parts.push(costLine(p));
  }
  const links = [`[Open panel](command:${COMMANDS.showPanel.id})`];
  const enabledCommands: string[] = [COMMANDS.showPanel.id];
  if (mode === 'running') {
    links.push(`[Pause](command:${COMMANDS.pause.id})`);
    enabledCommands.push(COMMANDS.pause.id);
  } else if (mode === 'userPaused') {
    links.push(`[Resume](command:${COMMANDS.resume.id})`);
    enabledCommands.push(COMMANDS.resume.id);
  }
  parts.push(links.join(' · '));

  const aria =
    mode === 'rateLimited'
      ? `Conversation Forge: paused by a rate limit, resuming in ${secondsLeft(p.pausedUntil!, now)} seconds`
      : mode === 'running'
        ? `Conversation Forge: ${percent(highestUtilization(p))} of the rate limit, ${count(doneOf(p))} of ${count(p.progress.total)} done, ${p.progress.active} of ${p.progress.maxActive} active`
        : `Conversation Forge: ${mode === 'userPaused' ? 'paused' : mode}, ${count(doneOf(p))} of ${count(p.progress.total)} done`;
  return {
    text: textOf(mode, f, now),
    background: backgroundOf(mode, f),
    tooltip: parts.join('\n\n'),
    enabledCommands,
    ariaLabel: `${aria}${p.simulated ? ' (dry run)' : ''}`,
  };
}
