// The panel's vocabulary: every string union the host and the webview exchange, each with the
// list of its values that the guards (guards.ts, state-guards.ts) check incoming messages against.
// Plain types and constants only, like messages.ts, which re-exports them.

/**
 * Utilization level of a limit, as the engine's one health function decides it (health.ts; the
 * same union as the engine's, which the compiler checks where the host fills it in). A level of
 * use, not a verdict: a batch run pacing at its limit is working as intended. Whether anything is
 * wrong is `Pace`.
 */
export type Health = 'healthy' | 'approaching' | 'throttled';
export const HEALTH_VALUES: readonly Health[] = ['healthy', 'approaching', 'throttled'];

export type RunState = 'idle' | 'running' | 'paused' | 'stopped' | 'finished';
export const RUN_STATES: readonly RunState[] = ['idle', 'running', 'paused', 'stopped', 'finished'];

/** Why the run is paused; `user` pauses have no `pausedUntil` (they last until resumed). */
export type PauseReason = 'rateLimited' | 'overloaded' | 'outage' | 'user' | 'budget';
export const PAUSE_REASONS: readonly PauseReason[] = ['rateLimited', 'overloaded', 'outage', 'user', 'budget'];

/**
 * What governs the run's speed right now; the header and the status bar show it with `paceText`.
 * - `starting`: datasets opening, nothing sent yet.
 * - `underLimit`: running, below every limit.
 * - `atLimit`: running at full speed, pacing at a limit (what a batch generator is for).
 * - `atApi`: nothing online left to send; the run waits on its Message Batches at the API.
 * - `approaching`: close to a limit you set yourself to stay under (the budget).
 * - `heldBack`: the server holds the run back: a 429 pause, server errors with nothing in flight
 *   (an outage), or the pace cut after a 429 while nothing is sent. The only alarming state.
 * - `paused`: paused by you.
 * - `finished` / `stopped`: the run ended (stale pacing states never survive the end).
 * - `idle`: no run.
 */
export type Pace =
  'idle' | 'starting' | 'underLimit' | 'atLimit' | 'atApi' | 'approaching' | 'heldBack' | 'paused' | 'finished' | 'stopped';
export const PACES: readonly Pace[] = [
  'idle',
  'starting',
  'underLimit',
  'atLimit',
  'atApi',
  'approaching',
  'heldBack',
  'paused',
  'finished',
  'stopped',
];

/** What holds a `heldBack` run back: a 429 pause, failing requests (an outage), or the pace cut after 429s. */
export type HeldBackBy = 'rateLimit' | 'outage' | 'throttle';
export const HELD_BACK_BY: readonly HeldBackBy[] = ['rateLimit', 'outage', 'throttle'];

export type Priority = 'high' | 'normal' | 'low';
export const PRIORITIES: readonly Priority[] = ['high', 'normal', 'low'];

export type BatchState = 'pending' | 'running' | 'paused' | 'cancelled' | 'finished';
export const BATCH_STATES: readonly BatchState[] = ['pending', 'running', 'paused', 'cancelled', 'finished'];

export type JobState = 'queued' | 'active' | 'retrying' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
export const JOB_STATES: readonly JobState[] = ['queued', 'active', 'retrying', 'succeeded', 'failed', 'skipped', 'cancelled'];

export type EventLevel = 'info' | 'warn' | 'error';
export const EVENT_LEVELS: readonly EventLevel[] = ['info', 'warn', 'error'];

export type LimitDimension = 'requests' | 'inputTokens' | 'outputTokens';
export const LIMIT_DIMENSIONS: readonly LimitDimension[] = ['requests', 'inputTokens', 'outputTokens'];
