import assert from 'node:assert/strict';
import { CONTEXT, RunContextKeys } from '../../../src/vscode/run/run-context';
import { stateFixture } from '../../webview/support/fake-host';
import { emitter } from '../support/fakes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../../../package.json') as {
  contributes: { commands: { command: string; enablement?: string }[]; menus: { commandPalette: { command: string; when: string }[] } };
};

describe('palette hygiene: run commands only when they can act', () => {
  it('sets convforge.run from the pace, and only when it changes', () => {
    const changes = emitter<void>();
    let panel = stateFixture('dry-run').state;
    panel = { ...panel, pace: 'idle' };
    const set: [string, unknown][] = [];
    const keys = new RunContextKeys(
      { onChange: (l) => changes.event(() => l()), panelState: () => panel },
      (k, v) => void set.push([k, v]),
    );
    const to = (next: typeof panel) => {
      panel = next;
      changes.fire();
    };
    to({ ...panel, pace: 'starting' });
    to({ ...panel, pace: 'underLimit' });
    to({ ...panel, pace: 'atLimit' });
    to({ ...panel, pace: 'heldBack', heldBackBy: 'rateLimit' });
    to({ ...panel, pace: 'paused', heldBackBy: null });
    to({ ...panel, pace: 'finished' });
    assert.deepEqual(
      set.map(([, v]) => v),
      ['none', 'starting', 'running', 'paused', 'ended'],
    );
    assert.ok(set.every(([k]) => k === CONTEXT.run));
    keys.dispose();
    assert.equal(changes.count, 0);
  });

  it('package.json: Pause, Resume, Cancel and Retry Failed have enablement and palette when clauses on it', () => {
    const expected: Record<string, string> = {
      'convforge.pause': 'convforge.run == running',
      'convforge.resume': 'convforge.run == paused',
      'convforge.cancel': 'convforge.run == running || convforge.run == paused || convforge.run == starting',
      'convforge.retryFailed': 'convforge.run != running && convforge.run != paused && convforge.run != starting',
    };
    for (const [command, clause] of Object.entries(expected)) {
      assert.equal(pkg.contributes.commands.find((c) => c.command === command)?.enablement, clause, command);
      assert.equal(pkg.contributes.menus.commandPalette.find((m) => m.command === command)?.when, clause, command);
    }
  });
});
