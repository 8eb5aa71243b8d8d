import * as path from 'node:path';
import { classify } from '../../core/errors';
import type { ConfigStore } from '../config';
import type { PromptDiagnostics } from '../prompt-files/diagnostics';
import type { EndpointProvider } from '../endpoint';
import type { CommandName } from '../ids';
import type { Editors, LogSink, Ui, Workspace } from '../ports';
import type { RunController } from '../run/run-controller';
import type { ApiKeyStore } from '../secrets';

/**
 * What every command group shares: its ports, the message prefix and button labels, and the few
 * helpers that shape how a command talks back (offers with buttons, paths relative to the workspace).
 */
export interface CommandDeps {
  ui: Ui;
  controller: RunController;
  keys: ApiKeyStore;
  config: ConfigStore;
  endpoints: EndpointProvider;
  workspace: Workspace;
  editors: Editors;
  diagnostics: PromptDiagnostics;
  log: LogSink;
  /** Files of the last run from workspaceState (Retry Failed after a reload). */
  lastRunFiles: () => readonly string[];
  /** The queue panel; undefined until the panel host exists. */
  showPanel?: () => void | Promise<void>;
}

export type CommandHandlers = Record<CommandName, () => Promise<void>>;

export const LABELS = {
  setApiKey: 'Set API Key',
  useSimulator: 'Use Built-in Simulator',
  showProblems: 'Show Problems',
  newPromptFile: 'New Prompt File',
  newVersion: 'Generate as New Version',
  startRun: 'Start Run',
  showLog: 'Show Log',
} as const;

export const PREFIX = 'Conversation Forge: ';

export type Offer = (shown: Promise<string | undefined>, actions: Readonly<Record<string, () => unknown>>) => void;

export interface CommandKit {
  readonly deps: CommandDeps;
  /** `p` relative to the workspace root with forward slashes, or as given when outside it. */
  rel(p: string): string;
  offer: Offer;
  /** The Show Problems button's action, for `offer`. */
  readonly showProblems: Readonly<Record<string, () => unknown>>;
  /** No key: say so, with the two ways out (the command that needed the key ends here). */
  explainNoKey(): void;
  /** Every group's handlers, read when a button is clicked: a group may offer another group's command. */
  readonly handlers: () => CommandHandlers;
}

export function createKit(deps: CommandDeps, handlers: () => CommandHandlers): CommandKit {
  const { ui, editors, log } = deps;

  const rel = (p: string) => {
    const root = editors.workspaceRoot();
    const r = root ? path.relative(root, p) : p;
    return (r.startsWith('..') || path.isAbsolute(r) ? p : r).split(path.sep).join('/');
  };

  /**
   * A message with buttons, not waited for: VS Code settles a notification's promise only when a
   * button is clicked or the notification is closed, so a command that awaited it would never
   * return (executeCommand would hang). The command finishes; a click runs its action later, and
   * an action that fails is logged and shown like a failed command.
   */
  const offer: Offer = (shown, actions) => {
    void shown
      .then(async (choice) => {
        if (choice !== undefined && Object.hasOwn(actions, choice)) await actions[choice]!();
      })
      .catch((error: unknown) => {
        const e = classify(error);
        log.error(`notification action failed: ${e.message}`);
        void ui.error(`${PREFIX}${e.message}`);
      });
  };

  const explainNoKey = () => {
    offer(ui.warn(`${PREFIX}no Anthropic API key is set.`, LABELS.setApiKey, LABELS.useSimulator), {
      [LABELS.setApiKey]: () => handlers().setApiKey(),
      [LABELS.useSimulator]: () => handlers().useSimulator(),
    });
  };

  return { deps, rel, offer, showProblems: { [LABELS.showProblems]: () => editors.showProblems() }, explainNoKey, handlers };
}

/** Runs a handler; anything it throws is shown once and logged, never swallowed. */
export function guarded(name: string, handler: () => Promise<void>, ui: Ui, log: LogSink): () => Promise<void> {
  return async () => {
    try {
      await handler();
    } catch (error) {
      const e = classify(error);
      log.error(`command ${name} failed: ${e.message}`);
      void ui.error(`${PREFIX}${e.message}`);
    }
  };
}
