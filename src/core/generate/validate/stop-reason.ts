import type { StopReason } from '../../api/types';

/**
 * Why a response cannot be accepted whatever its text says, or undefined when its stop reason
 * is fine. `max_tokens` means the output was cut, so it is never a complete result.
 */
export function stopReasonProblem(stopReason: StopReason | null): string | undefined {
  switch (stopReason) {
    case null:
    case 'end_turn':
    case 'stop_sequence':
      return undefined;
    case 'max_tokens':
      return 'truncated at max_tokens (raise max_tokens)';
    case 'model_context_window_exceeded':
      return 'truncated: the model context window was exceeded';
    case 'refusal':
      return 'model refused';
    default:
      // tool_use / pause_turn cannot happen without tools; anything else is not a finished text.
      return `incomplete response (stop_reason ${stopReason})`;
  }
}
