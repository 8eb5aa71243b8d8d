import { unexpected } from '../validate';

/**
 * A prompt file's Message Batches work in one run:
 * - running: submitting, polling and downloading;
 * - draining: nothing new submitted (the budget refused it), what is out still waited for and downloaded;
 * - cancelling: remote batches cancelled, what they had already finished still downloaded, nothing new submitted;
 * - leaving: the process stops waiting (Ctrl-C, closing VS Code); batches go on at Anthropic, their ids stay journaled;
 * - finished / left / stopped: ended (stopped: an error that waiting cannot cure, e.g. spend cap, authentication).
 */
export type RunnerPhase = 'running' | 'draining' | 'cancelling' | 'leaving' | 'finished' | 'left' | 'stopped';

const MOVES: Readonly<Record<RunnerPhase, readonly RunnerPhase[]>> = {
  running: ['draining', 'cancelling', 'leaving', 'finished', 'stopped'],
  draining: ['cancelling', 'leaving', 'stopped'],
  cancelling: ['leaving', 'finished', 'stopped'],
  leaving: ['left', 'stopped'],
  finished: [],
  left: [],
  stopped: [],
};

export function assertRunnerMove(from: RunnerPhase, to: RunnerPhase): RunnerPhase {
  if (!MOVES[from].includes(to)) throw unexpected('the Message Batches runner', MOVES[from].join(' or ') || 'no move', `${from} → ${to}`);
  return to;
}

export function isRunnerEnded(phase: RunnerPhase): boolean {
  return phase === 'finished' || phase === 'left' || phase === 'stopped';
}
