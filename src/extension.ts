import * as vscode from 'vscode';
import { systemClock } from './core/clock';
import { processLoopLag, stopProcessLoopLag } from './core/loop-lag';
import { FORGE_VERSION } from './core/version';
import { createCommands, guarded } from './vscode/commands';
import { ConfigStore, type ForgeConfig } from './vscode/config';
import { PromptDiagnostics } from './vscode/prompt-files/diagnostics';
import { createEndpointProvider } from './vscode/endpoint';
import {
  toVscodeDisposable,
  vscodeConfig,
  vscodeDiagnostics,
  vscodeEditors,
  vscodeSecrets,
  vscodeState,
  vscodeUi,
  vscodeWorkspace,
} from './vscode/host';
import { COMMANDS, OUTPUT_CHANNEL_NAME, type CommandName } from './vscode/ids';
import { Notifier } from './vscode/run/notifications';
import { registerQueuePanel } from './vscode/panel/panel';
import { registerDatasetViews } from './vscode/dataset-viewer/dataset-viewer';
import { select } from './vscode/prompt-files/prompt-files';
import { RunController, type ControllerStatus } from './vscode/run/run-controller';
import { safeLog } from './vscode/run/run-log';
import { offerResume, readRecord, saveRecord } from './vscode/run/run-record';
import { offerMessageBatchPickup } from './vscode/run/pending-message-batches';
import { ApiKeyStore } from './vscode/secrets';
import { createStatusBar } from './vscode/status-bar/status-bar';
import { RunViewSource } from './vscode/view-model/view-model-source';
import { RunContextKeys } from './vscode/run/run-context';

/**
 * Wiring only: ports over VS Code (src/vscode/host.ts) into the adapters, every long-lived object
 * into context.subscriptions. Per-run disposables live in the RunController.
 */

/** What activate() returns, for the in-host tests. Small on purpose. */
export interface ForgeApi {
  readonly controller: RunController;
  /** The validated settings as the extension sees them now. */
  config(): ForgeConfig;
  /** The controller's status (phase, simulated, health, pause, files, last summary). */
  state(): ControllerStatus;
  /** Re-validates every prompt file (as on activation) and resolves when Problems is updated. */
  validateNow(): Promise<void>;
  /** Where a run would take the API key from now (SecretStorage, ANTHROPIC_API_KEY, neither); never the key. */
  apiKeySource(): Promise<'secret' | 'env' | 'none'>;
  /** Write-only SecretStorage access, as Set / Clear API Key do it without their input box. */
  readonly apiKey: { set(value: string): Promise<void>; clear(): Promise<boolean> };
}

let shutdown: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): ForgeApi {
  const sub = (...ds: vscode.Disposable[]) => context.subscriptions.push(...ds);
  const channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  sub(channel);
  const log = safeLog(channel);
  // The first line of every log says which build wrote it and where: bug reports start here.
  log.info(`Conversation Forge ${FORGE_VERSION} on VS Code ${vscode.version} (${vscode.env.appHost}, ${vscode.env.remoteName ?? 'local'})`);
  const ui = vscodeUi();
  const state = vscodeState(context.workspaceState);
  const workspace = vscodeWorkspace();
  const editors = vscodeEditors();

  const config = new ConfigStore(vscodeConfig(), (m) => void ui.warn(`Conversation Forge settings: ${m}`), log);
  const keys = new ApiKeyStore(vscodeSecrets(context.secrets));
  const endpoints = createEndpointProvider(keys);
  const controller = new RunController({
    clock: systemClock,
    loopLag: () => processLoopLag().lagMs(),
    config: () => config.current,
    endpoints,
    log,
    ui,
    saveRecord: (record) => saveRecord(state, record),
    loadFiles: async (paths) => {
      const picked = select(await diagnostics.refresh(paths), paths, editors.workspaceRoot());
      return picked.ok ? { ok: true, files: picked.files } : { ok: false, message: `cannot generate: ${picked.firstError}` };
    },
  });
  sub(toVscodeDisposable(config), toVscodeDisposable(controller), { dispose: stopProcessLoopLag });
  sub(toVscodeDisposable(config.onDidChange((change) => void controller.applyConfig(change))));

  const collection = vscode.languages.createDiagnosticCollection('conversation-forge');
  const diagnostics = new PromptDiagnostics(workspace, vscodeDiagnostics(collection), systemClock, log);
  sub(collection, toVscodeDisposable(diagnostics));
  // A values file (generated variables) is validated with its prompt file; it is read from disk, so its saves count.
  const isPromptFile = (doc: vscode.TextDocument) => /\.forge(\.values)?\.yaml$/.test(doc.fileName);
  sub(
    vscode.workspace.onDidChangeTextDocument((e) => isPromptFile(e.document) && diagnostics.changed()),
    vscode.workspace.onDidSaveTextDocument((d) => isPromptFile(d) && diagnostics.changed()),
    vscode.workspace.onDidCloseTextDocument((d) => isPromptFile(d) && diagnostics.changed()),
    vscode.workspace.onDidCreateFiles(() => diagnostics.changed()),
    vscode.workspace.onDidDeleteFiles(() => diagnostics.changed()),
    vscode.workspace.onDidRenameFiles(() => diagnostics.changed()),
  );

  // The run as the panel and the status bar see it (extension lifetime: keeps the throughput history).
  // Source files are shown relative to the workspace folder, as the Explorer shows them.
  const view = new RunViewSource(controller, systemClock, (path) => vscode.workspace.asRelativePath(path, false));
  sub(toVscodeDisposable(view), createStatusBar(view, systemClock));
  // Palette hygiene: run commands are enabled (and listed) only when they can act.
  sub(toVscodeDisposable(new RunContextKeys(view, (key, value) => void vscode.commands.executeCommand('setContext', key, value))));

  const handlers = createCommands({
    ui,
    controller,
    keys,
    config,
    endpoints,
    workspace,
    editors,
    diagnostics,
    log,
    lastRunFiles: () => readRecord(state)?.files ?? [],
    showPanel: () => queuePanel.show(),
  });
  for (const name of Object.keys(COMMANDS) as CommandName[]) {
    sub(vscode.commands.registerCommand(COMMANDS[name].id, guarded(name, handlers[name], ui, log)));
  }

  const datasetViews = registerDatasetViews(context, log, () => config.current.duplicateThreshold);

  const queuePanel = registerQueuePanel(context, {
    source: view,
    controller,
    retryFailed: async (batchId) => {
      // The whole run: the command (it also finds the files of a run before a reload); one batch:
      // the controller, saying why when it cannot.
      if (batchId === undefined) return guarded('retryFailed', handlers.retryFailed, ui, log)();
      const outcome = await controller.retryFailed(batchId);
      if (!outcome.ok) void ui.info(`Conversation Forge: ${outcome.message}.`);
    },
    // The panel's "Open dataset" opens the viewer; the viewer opens the text when asked.
    openFile: (path) => datasetViews.openViewer(path),
    clock: systemClock,
    log,
  });

  sub(
    toVscodeDisposable(
      new Notifier(
        controller,
        ui,
        systemClock,
        () => config.current.notifications,
        {
          openDataset: (path) => void editors.openFile(path),
          retryFailed: () => void vscode.commands.executeCommand(COMMANDS.retryFailed.id),
          setApiKey: () => void vscode.commands.executeCommand(COMMANDS.setApiKey.id),
          showOutput: () => channel.show(true),
        },
        view,
      ),
    ),
  );

  // Activation: every prompt file into Problems, then offer to resume an unfinished run.
  const validated = diagnostics.refresh();
  void validated
    .then(() =>
      offerResume(state, ui, async (files) => {
        const picked = select(await diagnostics.refresh(files), files, editors.workspaceRoot());
        if (!picked.ok) {
          void ui.error(`Conversation Forge: cannot resume: ${picked.firstError}`);
          return;
        }
        const outcome = await controller.generate(picked.files);
        if (!outcome.ok) void ui.warn(`Conversation Forge: cannot resume: ${outcome.message}`);
      }),
    )
    .then(async () => {
      // Message Batches left at Anthropic (a closed window, a kill): say how many, offer to collect them.
      const { files } = await validated;
      // A resumed run collects them itself.
      if (controller.isActive) return;
      await offerMessageBatchPickup(files, config.current.useSimulator, ui, async (pending) => {
        const outcome = await controller.generate(pending);
        if (!outcome.ok) void ui.warn(`Conversation Forge: cannot collect the Message Batches: ${outcome.message}`);
      });
    })
    .catch((e: unknown) => log.warn(`activation checks failed: ${e instanceof Error ? e.message : String(e)}`));

  shutdown = async () => {
    await controller.shutdown();
  };

  return {
    controller,
    config: () => config.current,
    state: () => controller.status(),
    validateNow: async () => void (await diagnostics.refresh()),
    apiKeySource: () => keys.source(),
    apiKey: { set: (value) => keys.set(value), clear: () => keys.clear() },
  };
}

/** Stops dispatch, aborts requests in flight and closes the datasets before VS Code unloads us. */
export function deactivate(): Promise<void> | undefined {
  const stop = shutdown;
  shutdown = undefined;
  return stop?.();
}
