// What the status-bar item shows, as a pure function of one state value and the time. The
// adapter (status-bar.ts) only copies the result onto the vscode StatusBarItem.
import { usd } from '../../protocol/money';
import { LIMIT_DIMENSIONS, type LimitDimension, type MessageBatchRow, type Pace, type PanelState } from '../../protocol/messages';
import { NOT_KNOWN_YET, perMinute } from '../../protocol/time-format';
import { estimateCheckLines, etaBasisText, timeLeftOf, workText } from '../../protocol/work-text';
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

export function secondsLeft(pausedUntil: number, now: number): number {
  return Math.max(0, Math.ceil((pausedUntil - now) / 1000));
}

function highestUtilization(p: PanelState): number {
  return Math.max(...LIMIT_DIMENSIONS.map((d) => p.limits[d].utilization));
}

function doneOf(p: PanelState): number {
  return p.progress.succeeded + p.progress.failed + p.progress.skipped;
}

/** The lead word of the status text per pace state: the state at a glance. */
const WORD: Record<Pace, string> = {
  idle: 'Conversation Forge',
  starting: 'Starting…',
  underLimit: 'Running',
  atLimit: 'Full speed',
  atApi: 'At the API',
  approaching: 'Near budget',
  heldBack: 'Held back',
  paused: 'Paused by you',
  finished: 'Finished',
  stopped: 'Stopped',
};

const ICON: Record<Pace, string> = {
  idle: '$(pulse)',
  starting: '$(loading~spin)',
  underLimit: '$(pulse)',
  atLimit: '$(pulse)',
  atApi: '$(cloud)',
  approaching: '$(warning)',
  heldBack: '$(debug-pause)',
  paused: '$(debug-pause)',
  finished: '$(check)',
  stopped: '$(error)',
};

const RUNNING: ReadonlySet<Pace> = new Set(['underLimit', 'atLimit', 'atApi', 'approaching', 'heldBack']);

function paceOf(f: StatusFacts): Pace {
  // A cancelled run ends as `stopped` in the panel; the status bar names it.
  return f.panel.pace;
}

function textOf(f: StatusFacts, now: number): string {
  const p = f.panel;
  const pace = paceOf(f);
  const dry = p.simulated ? 'DRY RUN · ' : '';
  const done = `${count(doneOf(p))}/${count(p.progress.total)} done`;
  const word = pace === 'stopped' && f.phase === 'cancelled' ? 'Cancelled' : WORD[pace];
  const icon = pace === 'stopped' && f.phase === 'cancelled' ? '$(circle-slash)' : ICON[pace];
  switch (pace) {
    case 'idle':
    case 'starting':
      return `${icon} ${dry}${word}`;
    case 'heldBack':
      if (p.pausedUntil !== null) return `${icon} ${dry}Held back by a 429 · resumes in ${secondsLeft(p.pausedUntil, now)} s`;
      return `${icon} ${dry}${word} · ${done}`;
    case 'underLimit':
    case 'atLimit':
    case 'approaching':
      return `${icon} ${dry}${word} · ${done} · ${percent(highestUtilization(p))} of limit`;
    case 'atApi': {
      const waiting = (p.messageBatches ?? []).filter((r) => r.state !== 'ended').length;
      return `${icon} ${dry}${word} · ${done} · ${count(waiting)} Message Batch${waiting === 1 ? '' : 'es'}`;
    }
    default:
      return `${icon} ${dry}${word} · ${done}`;
  }
}

/** Red only when the server holds the run back; yellow near a limit you set, or after a stop. */
function backgroundOf(f: StatusFacts): StatusBackground | undefined {
  switch (paceOf(f)) {
    case 'heldBack':
      return 'statusBarItem.errorBackground';
    case 'approaching':
      return 'statusBarItem.warningBackground';
    case 'stopped':
      return f.phase === 'stopped' ? 'statusBarItem.warningBackground' : undefined;
    default:
      return undefined;
  }
}

function headline(f: StatusFacts, now: number): string {
  const p = f.panel;
  const pace = paceOf(f);
  if (pace === 'heldBack' && p.pausedUntil !== null) {
    const s = secondsLeft(p.pausedUntil, now);
    return `**${p.paceText}** ${s > 0 ? `Resumes in ${s} s.` : 'Resuming…'}`;
  }
  if (RUNNING.has(pace) && p.sharing && !p.sharing.reachable) return `**Waiting**: ${sharingSentence(p.sharing)}`;
  if ((pace === 'finished' || pace === 'stopped') && f.summary) {
    const s = f.summary;
    const word = f.phase === 'finished' ? 'Finished' : f.phase === 'cancelled' ? 'Cancelled' : 'Stopped';
    const why = f.phase === 'stopped' && p.paceText.startsWith('Stopped: ') ? ` ${p.paceText.slice('Stopped: '.length)}` : '';
    return `**${word}**: ${count(s.generated)} generated, ${count(s.failed)} failed of ${count(s.total)}, ${usd(s.costUsd)}${p.simulated ? ' (simulated, not billed)' : ''}.${why ? ` Why:${why}` : ''}`;
  }
  return `**${p.paceText}**`;
}

function limitsTable(p: PanelState): string {
  const rows = LIMIT_DIMENSIONS.map((d) => {
    const g = p.limits[d];
    return `| ${DIMENSION_LABEL[d]} | ${percent(g.utilization)} | ${g.limit === null ? '–' : count(g.limit)} |`;
  });
  return ['| Limit | Utilization | Per minute |', '|:--|--:|--:|', ...rows].join('\n');
}

function costLine(p: PanelState): string {
  const { spent, estimate, budget } = p.cost;
  const parts = [`Cost: ${usd(spent)}`];
  if (estimate !== null) parts.push(`of ~${usd(estimate)} estimated`);
  if (budget !== undefined) parts.push(`· budget ${usd(budget)}`);
  if (p.simulated) parts.push('(simulated, not billed)');
  return parts.join(' ');
}

/** Each Message Batch: id, state, counts, written, time since submit and, while it can still run, time to expiry. */
function messageBatchLines(rows: readonly MessageBatchRow[], now: number): string {
  const span = (ms: number) => {
    if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s`;
    const m = Math.round(ms / 60_000);
    return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
  };
  const lines = rows.map((r) => {
    const counts = r.counts
      ? (['succeeded', 'errored', 'canceled', 'expired'] as const)
          .filter((k) => r.counts![k] > 0)
          .map((k) => `${count(r.counts![k])} ${k}`)
          .join(', ')
      : `${count(r.requests)} processing`;
    const expiry = r.expiresAt !== null && r.state !== 'ended' ? ` · expires in ${span(r.expiresAt - now)}` : '';
    return `- \`${r.id ?? 'creating…'}\` ${r.sourceFile}: ${r.state.replace('_', ' ')}, ${counts}, ${count(r.written)} written · submitted ${span(now - r.submittedAt)} ago${expiry}`;
  });
  return [`Message Batches (${rows.length}):`, ...lines].join('\n');
}

export function renderStatusBar(f: StatusFacts, now: number): StatusRender {
  const pace = paceOf(f);
  const p = f.panel;
  const live = RUNNING.has(pace) || pace === 'paused';
  const title = `**Conversation Forge**${p.simulated ? ' · DRY RUN against the built-in simulator' : ''}`;
  const parts = [title, headline(f, now)];
  if (pace === 'atApi') {
    // Nothing online left: the limits, the queue and the throughput say nothing; the batches below do.
    parts.push(`Time left: ${timeLeftOf(p.etaSeconds, p.work)}`);
    if (p.work) parts.push(`Work: ${workText(p.work)}`);
    parts.push(costLine(p));
  } else if (pace !== 'starting' && pace !== 'idle') {
    parts.push(limitsTable(p));
    if (p.sharing?.reachable) parts.push(sharingSentence(p.sharing));
    if (live) {
      const q = f.queuedByPriority;
      parts.push(
        `Queued: ${count(q.high)} high · ${count(q.normal)} normal · ${count(q.low)} low · in flight ${p.progress.active} of ${p.progress.maxActive}`,
      );
      const last = p.throughput[p.throughput.length - 1];
      const basis = p.work?.etaBasis && p.etaSeconds !== null ? ` ${etaBasisText(p.work)}` : '';
      parts.push(
        `Time left: ${timeLeftOf(p.etaSeconds, p.work)}${basis} · throughput: ${last === undefined ? NOT_KNOWN_YET : perMinute(last)}`,
      );
      if (p.work) parts.push(`Work: ${workText(p.work)}`);
    }
    parts.push(costLine(p));
    if (p.estimateCheck) parts.push(estimateCheckLines(p.estimateCheck, usd).join(' '));
  }
  if (p.messageBatches && p.messageBatches.length > 0) parts.push(messageBatchLines(p.messageBatches, now));
  const links = [`[Open panel](command:${COMMANDS.showPanel.id})`];
  const enabledCommands: string[] = [COMMANDS.showPanel.id];
  if (RUNNING.has(pace)) {
    links.push(`[Pause](command:${COMMANDS.pause.id})`);
    enabledCommands.push(COMMANDS.pause.id);
  } else if (pace === 'paused') {
    links.push(`[Resume](command:${COMMANDS.resume.id})`);
    enabledCommands.push(COMMANDS.resume.id);
  }
  parts.push(links.join(' · '));

  const progress = `${count(doneOf(p))} of ${count(p.progress.total)} done`;
  const aria =
    pace === 'heldBack' && p.pausedUntil !== null
      ? `Conversation Forge: held back by a rate limit, resuming in ${secondsLeft(p.pausedUntil, now)} seconds`
      : pace === 'idle' || pace === 'starting'
        ? `Conversation Forge: ${WORD[pace]}`
        : `Conversation Forge: ${p.paceText} ${progress}${RUNNING.has(pace) ? `, ${percent(highestUtilization(p))} of the tightest limit in use` : ''}`;
  return {
    text: textOf(f, now),
    background: backgroundOf(f),
    tooltip: parts.join('\n\n'),
    enabledCommands,
    ariaLabel: `${aria}${p.simulated ? ' (dry run)' : ''}`,
  };
}
