import type { Clock, TimerHandle } from '../clock';

/**
 * One abort signal for one API request that fires when the caller aborts or when the request has been
 * silent for too long. The SDK's own `timeout` only covers the wait for response headers; a stream
 * that stalls after its headers would otherwise hold a concurrency slot forever.
 */
export interface RequestDeadline {
  /** Pass this to the SDK instead of the caller's signal. */
  readonly signal: AbortSignal;
  /** True once the deadline (not the caller) aborted the request. */
  readonly expired: boolean;
  /** Restarts the countdown: a stream that keeps sending events is alive. */
  touch(): void;
  /** Stops the timer and unhooks the caller's signal; call when the request has settled. */
  dispose(): void;
}

export function startDeadline(clock: Clock, ms: number, parent?: AbortSignal): RequestDeadline {
  const controller = new AbortController();
  let expired = false;
  let timer: TimerHandle | undefined;

  const onParentAbort = () => {
    stopTimer();
    controller.abort(parent?.reason);
  };
  const stopTimer = () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
  };
  const arm = () => {
    stopTimer();
    if (controller.signal.aborted) return;
    timer = clock.setTimeout(() => {
      timer = undefined;
      expired = true;
      controller.abort();
    }, ms);
  };

  if (parent?.aborted) controller.abort(parent.reason);
  else {
    parent?.addEventListener('abort', onParentAbort, { once: true });
    arm();
  }

  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    touch: arm,
    dispose() {
      stopTimer();
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
