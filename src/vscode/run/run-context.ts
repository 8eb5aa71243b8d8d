// Context keys for the palette: run commands are offered only when they can act (no Pause
// without a run, no Retry Failed while one runs: it would only say "once the run has finished"). package.json's `enablement` and `menus.commandPalette` `when` clauses read
// them. Set only when a value changes; no vscode import (the adapter passes setContext in).
import type { PanelState } from '../../protocol/messages';
import type { Disposable } from '../ports';

export const CONTEXT = {
  /** `none` | `starting` | `running` | `paused` (by you) | `ended`. */
  run: 'convforge.run',
} as const;

export type RunContext = 'none' | 'starting' | 'running' | 'paused' | 'ended';

export function runContextOf(panel: PanelState): RunContext {
  switch (panel.pace) {
    case 'idle':
      return 'none';
    case 'starting':
      return 'starting';
    case 'paused':
      return 'paused';
    case 'finished':
    case 'stopped':
      return 'ended';
    default:
      return 'running';
  }
}

export interface ContextSource {
  onChange(listener: () => void): Disposable;
  panelState(): PanelState;
}

export class RunContextKeys implements Disposable {
  private readonly values = new Map<string, unknown>();
  private readonly subscription: Disposable;

  constructor(
    source: ContextSource,
    private readonly setContext: (key: string, value: unknown) => void,
  ) {
    const update = () => {
      const panel = source.panelState();
      this.set(CONTEXT.run, runContextOf(panel));
    };
    this.subscription = source.onChange(update);
    update();
  }

  private set(key: string, value: unknown): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    this.setContext(key, value);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
