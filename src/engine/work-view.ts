// The engine's progress and estimate check, as the panel protocol carries them.
import type { EstimateCheck } from '../core/generate/run/estimate-check';
import type { WorkProgress } from '../core/generate/run/run-progress';
import type { EstimateCheckView, WorkView } from '../protocol/messages';

export function workViewOf(p: WorkProgress): WorkView {
  return {
    stepsDone: p.stepsDone,
    stepsTotal: Math.max(p.stepsDone, p.stepsTotal),
    fraction: Math.min(1, Math.max(0, p.fraction)),
    etaBasis: p.etaMs === undefined ? null : (p.basis ?? null),
    binding: p.binding ?? null,
    bindingPerMinute: p.bindingPerMinute ?? null,
    messageBatches: p.messageBatches ? { ...p.messageBatches } : null,
  };
}

export function estimateCheckViewOf(c: EstimateCheck): EstimateCheckView {
  return {
    estimatedSeconds: c.estimatedSeconds,
    actualSeconds: c.actualSeconds,
    timeErrorPercent: c.timeErrorPercent,
    estimatedUsd: c.estimatedUsd,
    actualUsd: c.actualUsd,
    costErrorPercent: c.costErrorPercent ?? null,
    etaAtFifth: c.etaAtFifth ? { ...c.etaAtFifth } : null,
    messageBatches: c.messageBatches === true,
  };
}
