import type { ClassifiedError } from '../../errors';
import type { RunMessageBatches } from '../../message-batches/run-message-batches';
import type { QueueProcessor } from '../../queue/processor';
import type { ConversationJobData } from '../strategies/executor';
import type { RunPlans } from './run-plans';

/** Wakes the dispatch loop while it waits (Message Batches ended, a file joined). */
export class DispatchWake {
  private resolve: () => void = () => undefined;

  wake(): void {
    this.resolve();
  }

  /** Until woken, or `also` resolves. */
  wait(also?: Promise<unknown>): Promise<void> {
    return new Promise<void>((resolve) => {
      this.resolve = resolve;
      if (also) void also.then(() => resolve());
    });
  }
}

export interface DispatchInput {
  processor: QueueProcessor<ConversationJobData>;
  plans: RunPlans;
  messageBatches: RunMessageBatches;
  /** Files being added: the run waits for them before it may end. */
  joining: ReadonlySet<Promise<unknown>>;
  wake: DispatchWake;
  /** Why the run stops, as far as it knows. */
  stopError: () => ClassifiedError | undefined;
  keepStop: (error: ClassifiedError) => void;
}

/**
 * Runs the online queue and the Message Batches side by side until nothing is left to do or the run
 * stopped: held batches, files still joining and Message Batches still out keep it going.
 */
export async function dispatchUntilDone(i: DispatchInput): Promise<void> {
  const { processor, plans, messageBatches } = i;
  // Batch-mode files wait on Anthropic while the online ones run under the limiter.
  messageBatches.onRunnerEnd = () => i.wake.wake();
  // The budget refused a Message Batch: the run stops as it does when an online request would pass it.
  messageBatches.onBudgetStop = (error) => {
    i.keepStop(error);
    processor.halt(error);
    i.wake.wake();
  };
  messageBatches.start();
  plans.feed();
  for (;;) {
    await processor.onIdle();
    if (processor.state === 'stopped') {
      const why = i.stopError() ?? processor.stats.stopError;
      // A budget stop still waits for what is out (paid for, its reservation settles to its cost);
      // any other stop sends nothing more and leaves Message Batches at Anthropic for a later run.
      if (why?.kind === 'budget') messageBatches.drain(why);
      else messageBatches.leave();
      break;
    }
    if (i.joining.size > 0) {
      await Promise.allSettled([...i.joining]);
      continue;
    }
    // Safety net: work still planned for a batch that is not held goes in before the run may end.
    if (plans.feed() > 0) continue;
    if (plans.holds.empty && !messageBatches.active) break;
    // Held batches, and Message Batches still out, keep the run open; an online file may join meanwhile.
    await i.wake.wait(plans.holds.empty ? undefined : plans.holds.changed());
  }
}
