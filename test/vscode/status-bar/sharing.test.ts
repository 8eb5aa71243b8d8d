import * as assert from 'node:assert/strict';
import type { LimiterSnapshot } from '../../../src/core/limiter/types';
import { isPanelState } from '../../../src/protocol/state-guards';
import type { PanelState } from '../../../src/protocol/messages';
import { renderStatusBar } from '../../../src/vscode/status-bar/status-bar-render';
import { sharingOf } from '../../../src/vscode/view-model/sharing-view';
import type { StatusFacts } from '../../../src/vscode/view-model/view-model';

const gauge = { limit: 1000, utilization: 0.5, health: 'healthy' as const };
function panel(sharing?: PanelState['sharing']): PanelState {
  return {
    simulated: false,
    runState: 'running',
    pausedUntil: null,
    pauseReason: null,
    limits: { requests: gauge, inputTokens: gauge, outputTokens: gauge },
    ...(sharing ? { sharing } : {}),
    health: 'healthy',
    pace: 'underLimit',
    heldBackBy: null,
    paceText: 'Running under the limits.',
    progress: { total: 10, queued: 5, active: 2, maxActive: 4, succeeded: 3, failed: 0, retrying: 0, skipped: 0 },
    etaSeconds: null,
    cost: { spent: 0, estimate: null },
    throughput: [],
    batches: [],
    events: [],
    lastUpdated: 0,
  };
}
function facts(p: PanelState): StatusFacts {
  return { panel: p, phase: 'running', queuedByPriority: { high: 0, normal: 5, low: 0 } };
}
function limiter(sharing?: LimiterSnapshot['sharing']): LimiterSnapshot {
  const d = { limit: 1, utilization: 0 };
  return {
    modelClass: 'haiku',
    limits: { requestsPerMinute: 1, inputTokensPerMinute: 1, outputTokensPerMinute: 1 },
    dimensions: { requests: d, inputTokens: d, outputTokens: d },
    utilization: 0,
    binding: 'requests',
    health: 'healthy',
    ...(sharing ? { sharing } : {}),
  };
}

describe('shared budget in the status bar and the panel state', () => {
  it("the tooltip says the budget is shared, with how many other processes, and that usage is everyone's", () => {
    const r = renderStatusBar(facts(panel({ scope: 'local', processes: 3, reachable: true, problem: null })), 0);
    assert.match(r.tooltip, /Budget shared on this machine: 2 other Forge processes; usage shown is everyone's\./);
    const alone = renderStatusBar(facts(panel()), 0);
    assert.doesNotMatch(alone.tooltip, /shared/);
  });

  it('while Redis is unreachable the tooltip says the run waits and why', () => {
    const r = renderStatusBar(
      facts(panel({ scope: 'redis', processes: 1, reachable: false, problem: 'Redis at redis://h unreachable: ECONNREFUSED' })),
      0,
    );
    assert.match(
      r.tooltip,
      /\*\*Waiting\*\*: Waiting for Redis: .*nothing is sent until it is back \(Redis at redis:\/\/h unreachable: ECONNREFUSED\)/,
    );
  });

  it('the panel state carries the sharing view from the limiters (any class out of reach: the run waits)', () => {
    assert.equal(sharingOf([limiter()]), undefined);
    const view = sharingOf([
      limiter({ scope: 'redis', processes: 2, reachable: true }),
      limiter({ scope: 'redis', processes: 4, reachable: false, unreachableSince: 5, problem: 'down' }),
    ]);
    assert.deepEqual(view, { scope: 'redis', processes: 4, reachable: false, problem: 'down' });
    assert.ok(isPanelState(panel(view)));
    assert.ok(!isPanelState({ ...panel(), sharing: { scope: 'lan', processes: 1, reachable: true, problem: null } }));
  });
});
