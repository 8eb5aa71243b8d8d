import * as path from 'node:path';
import { classify } from '../core/errors';
import { formatDiagnostic } from '../core/generate/prompt-file';
import { createCallerFor } from '../core/generate/run/assemble';
import type { PromptFile } from '../core/generate/types';
import { engineSettings, type ConfigStore } from './config';
import type { PromptDiagnostics } from './diagnostics';
import type { EndpointProvider } from './endpoint';
import { estimateFiles } from './estimate';
import type { CommandName } from './ids';
import { batchNameOf, promptFileTemplate } from './new-prompt-file';
import type { Editors, LogSink, PickItem, Ui, Workspace } from './ports';
import { select } from './prompt-files';
import type { RunController } from './run-controller';
import { formatUsd } from './run-log';
import { clearApiKey, promptForApiKey, type ApiKeyStore } from './secrets';

/**
 * Every command's behaviour, against the ports only (extension.ts registers them with VS Code).
 * A command that cannot run now says why; none fails silently.
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
  showLog: 'Show Log',
} as const;

const PREFIX = 'Conversation Forge: ';

export function createCommands(deps: CommandDeps): CommandHandlers {
  const { ui, controller, editors, log } = deps;

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
  function offer(shown: Promise<string | undefined>, actions: Readonly<Record<string, () => unknown>>): void {
    void shown
      .then(async (choice) => {
        if (choice !== undefined && Object.hasOwn(actions, choice)) await actions[choice]!();
      })
      .catch((error: unknown) => {
        const e = classify(error);
        log.error(`notification action failed: ${e.message}`);
        void ui.error(`${PREFIX}${e.message}`);
      });
  }

  const showProblems = { [LABELS.showProblems]: () => editors.showProblems() };

  /** No key: say so, with the two ways out (the command that needed the key ends here). */
  function explainNoKey(): void {
    offer(ui.warn(`${PREFIX}no Anthropic API key is set.`, LABELS.setApiKey, LABELS.useSimulator), {
      [LABELS.setApiKey]: () => handlers.setApiKey(),
      [LABELS.useSimulator]: () => handlers.useSimulator(),
    });
  }

  /** Validates (publishing to Problems) and returns the parsed files, or says what is wrong. */
  async function prepare(paths: readonly string[]): Promise<PromptFile[] | undefined> {
    const validated = await deps.diagnostics.refresh(paths);
    const picked = select(validated, paths, editors.workspaceRoot());
    if (!picked.ok) {
      const more = picked.errors.length > 1 ? ` (and ${picked.errors.length - 1} more in the Problems panel)` : '';
      log.warn(`refusing to generate: ${picked.errors.map((d) => formatDiagnostic(d, editors.workspaceRoot())).join('; ')}`);
      offer(ui.error(`${PREFIX}cannot generate: ${picked.firstError}${more}`, LABELS.showProblems), showProblems);
      return undefined;
    }
    return [...picked.files];
  }

  async function generate(files: readonly PromptFile[], retryFailed = false, allowNewVersion = false): Promise<void> {
    const outcome = await controller.generate(files, { retryFailed, ...(allowNewVersion ? { allowNewVersion } : {}) });
    if (!outcome.ok) {
      if (outcome.reason === 'no-key') {
        explainNoKey();
        return;
      }
      if (outcome.reason === 'prompt-changed') {
        // The CLI's --new-version, offered where the refusal is shown.
        offer(ui.error(`${PREFIX}${outcome.message}`, LABELS.newVersion), {
          [LABELS.newVersion]: () => generate(files, retryFailed, true),
        });
        return;
      }
      void ui.error(`${PREFIX}${outcome.message}`);
      return;
    }
    const names = files.map((f) => f.name).join(', ');
    if (outcome.joined) {
      void ui.info(`${PREFIX}added ${names} to the run in progress (queued behind it at ${files.map((f) => f.priority).join('/')} priority).`);
    } else {
      const todo = outcome.batches.reduce((n, b) => n + b.total - b.skipped - b.skippedFailed, 0);
      const dry = controller.status().simulated ? 'DRY RUN: ' : '';
      log.info(`${dry}generating ${todo} conversations from ${names}`);
    }
  }

  const handlers: CommandHandlers = {
    async generateCurrent() {
      const doc = editors.active();
      if (!doc || doc.untitled || !doc.path.endsWith('.forge.yaml')) {
        void ui.warn(`${PREFIX}open a *.forge.yaml prompt file in the editor first (or use Generate from Workspace Prompt Files…).`);
        return;
      }
      if (!(await doc.save())) {
        void ui.warn(`${PREFIX}${rel(doc.path)} could not be saved; generation reads the file from disk.`);
        return;
      }
      const files = await prepare([doc.path]);
      if (files) await generate(files);
    },

    async generateWorkspace() {
      const validated = await deps.diagnostics.refresh();
      if (validated.checked.length === 0) {
        offer(ui.info(`${PREFIX}no *.forge.yaml prompt files in this workspace.`, LABELS.newPromptFile), {
          [LABELS.newPromptFile]: () => handlers.newPromptFile(),
        });
        return;
      }
      const broken = new Set(validated.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
      const good = validated.files.filter((f) => !broken.has(f.path));
      if (good.length === 0) {
        offer(ui.error(`${PREFIX}every prompt file has errors; fix them first.`, LABELS.showProblems), showProblems);
        return;
      }
      const item = (f: PromptFile, cost?: string): PickItem<string> => ({
        label: rel(f.path),
        description: `${f.count} conversations · ${f.model}${cost ? ` · ${cost}` : ' · estimating…'}`,
        picked: true,
        value: f.path,
      });
      const placeHolder = broken.size > 0 ? `${broken.size} file(s) with errors are not listed (see Problems)` : 'Choose the prompt files to generate';
      const chosen = await ui.pickMany(good.map((f) => item(f)), { title: 'Generate from Workspace Prompt Files', placeHolder }, (live) => {
        // Costs arrive as they are computed (locally: count_tokens would be too slow for a picker).
        const limits = engineSettings(deps.config.current).limits;
        const costs = new Map<string, string>();
        void (async () => {
          for (const f of good) {
            if (live.signal.aborted) return;
            try {
              const e = await estimateFiles([f], limits);
              costs.set(f.path, `~${formatUsd(e.costUsd)}`);
            } catch {
              costs.set(f.path, 'cost unknown');
            }
            if (!live.signal.aborted) live.update(good.map((g) => item(g, costs.get(g.path))));
          }
        })();
      });
      if (!chosen || chosen.length === 0) return;
      const files = await prepare(chosen);
      if (files) await generate(files);
    },

    async estimate() {
      const doc = editors.active();
      const current = doc && !doc.untitled && doc.path.endsWith('.forge.yaml') ? [doc.path] : undefined;
      const validated = await deps.diagnostics.refresh(current ?? []);
      const paths = current ?? validated.files.map((f) => f.path);
      if (paths.length === 0) {
        void ui.info(`${PREFIX}no valid prompt files to estimate (open one, or fix the problems listed).`);
        return;
      }
      const picked = select(validated, paths, editors.workspaceRoot());
      if (!picked.ok) {
        offer(ui.error(`${PREFIX}cannot estimate: ${picked.firstError}`, LABELS.showProblems), showProblems);
        return;
      }
      const config = deps.config.current;
      const opened = await deps.endpoints.open(config);
      const local = !opened.ok;
      try {
        const result = await ui.withProgress({ title: 'Conversation Forge: estimating cost', cancellable: true }, async (progress, token) => {
          const abort = new AbortController();
          const sub = token.onCancellationRequested(() => abort.abort());
          try {
            progress.report({ message: local ? 'local token estimate (no API key for count_tokens)' : 'counting tokens of sample prompts…' });
            const caller = opened.ok ? createCallerFor(opened.opened.endpoint) : undefined;
            return await estimateFiles(picked.files, engineSettings(config).limits, caller, abort.signal);
          } finally {
            sub.dispose();
          }
        });
        log.info(`estimate${local ? ' (local, without count_tokens)' : ''}${opened.ok && opened.opened.endpoint.simulated ? ' (simulator)' : ''}:`);
        for (const f of result.perFile) {
          log.info(`  ${rel(f.file)}: ${f.conversations} conversations, ${f.requests} requests, ${f.inputTokens} in / ${f.outputTokens} out tokens, ${formatUsd(f.costUsd)}`);
        }
        log.info(`  total: ${formatUsd(result.costUsd)}, ${result.explanation}`);
        offer(
          ui.info(
            `${PREFIX}estimated ${formatUsd(result.costUsd)} for ${result.conversations} conversations (${result.requests} requests), ${result.explanation}${local ? ' (local estimate)' : ''}.`,
            LABELS.showLog,
          ),
          { [LABELS.showLog]: () => log.show?.(true) },
        );
      } catch (error) {
        const e = classify(error);
        if (e.kind === 'cancelled') void ui.info(`${PREFIX}estimate cancelled.`);
        else if (e.kind === 'auth') explainNoKey();
        else void ui.error(`${PREFIX}estimate failed: ${e.message}`);
      } finally {
        if (opened.ok) await opened.opened.close();
      }
    },

    async validate() {
      const validated = await deps.diagnostics.refresh();
      const errors = validated.diagnostics.filter((d) => d.severity === 'error');
      const warnings = validated.diagnostics.length - errors.length;
      for (const d of validated.diagnostics) log.info(formatDiagnostic(d, editors.workspaceRoot()));
      const n = validated.checked.length;
      if (n === 0) {
        void ui.info(`${PREFIX}no *.forge.yaml prompt files in this workspace.`);
        return;
      }
      const text = `${PREFIX}${n} prompt file(s): ${errors.length} error(s), ${warnings} warning(s).`;
      if (errors.length === 0 && warnings === 0) void ui.info(text);
      else offer(errors.length > 0 ? ui.error(text, LABELS.showProblems) : ui.warn(text, LABELS.showProblems), showProblems);
    },

    async newPromptFile() {
      const { defaultModel, outputFormat } = deps.config.current;
      const root = editors.workspaceRoot();
      if (!root) {
        await editors.openUntitled(promptFileTemplate('new-batch', defaultModel, outputFormat), 'yaml');
        return;
      }
      const input = await ui.inputBox({
        title: 'New Prompt File',
        prompt: 'Batch name (the file is created as <name>.forge.yaml in the workspace root)',
        placeHolder: 'support-dialogues',
        validateInput: (v) => (batchNameOf(v) === '' ? 'Enter a name' : undefined),
      });
      if (input === undefined) return;
      const name = batchNameOf(input);
      let file = path.join(root, `${name}.forge.yaml`);
      for (let i = 2; await editors.exists(file); i++) file = path.join(root, `${name}-${i}.forge.yaml`);
      await editors.createFile(file, promptFileTemplate(path.basename(file, '.forge.yaml'), defaultModel, outputFormat));
    },

    async pause() {
      if (!controller.pause()) void ui.info(`${PREFIX}${controller.status().phase === 'paused' ? 'already paused' : 'nothing is running'}.`);
    },

    async resume() {
      if (!controller.resume()) void ui.info(`${PREFIX}${controller.status().phase === 'running' ? 'already running' : 'nothing is paused'}.`);
    },

    async cancel() {
      if (!controller.isActive) {
        void ui.info(`${PREFIX}nothing is running.`);
        return;
      }
      const summary = await controller.cancel();
      if (summary) void ui.info(`${PREFIX}run cancelled: ${summary.generated} generated, ${summary.remaining} left for a re-run.`);
    },

    async retryFailed() {
      if (controller.isActive) {
        void ui.info(`${PREFIX}Retry Failed runs once the run in progress has finished.`);
        return;
      }
      const fromLast = controller.failedFiles();
      const paths = fromLast.length > 0 ? fromLast : [...deps.lastRunFiles()];
      if (paths.length === 0) {
        void ui.info(`${PREFIX}no failed conversations to retry (no earlier run recorded failures).`);
        return;
      }
      const files = await prepare(paths);
      if (files) await generate(files, true);
    },

    async showPanel() {
      if (deps.showPanel) await deps.showPanel();
      else void ui.info(`${PREFIX}queue panel not available yet.`);
    },

    async setApiKey() {
      try {
        await promptForApiKey(ui, deps.keys);
      } catch (error) {
        void ui.error(`${PREFIX}${classify(error).message}`);
      }
    },

    async clearApiKey() {
      await clearApiKey(ui, deps.keys);
    },

    async useSimulator() {
      const on = !deps.config.current.useSimulator;
      await deps.config.set('useSimulator', on);
      const later = controller.isActive ? ' The run in progress keeps its endpoint; this applies from the next run.' : '';
      void ui.info(
        on
          ? `${PREFIX}DRY RUN: generating against the built-in simulator. Nothing is billed; datasets are written as *.simulated.jsonl.${later}`
          : `${PREFIX}built-in simulator off: runs use the Anthropic API.${later}`,
      );
    },
  };
  return handlers;
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
