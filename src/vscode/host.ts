import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import type { Diagnostic as PromptDiagnostic } from '../core/generate/prompt-file';
import { CONFIG_SECTION, PROMPT_FILE_GLOB } from './ids';
import type {
  ConfigSource,
  DiagnosticsSink,
  Disposable,
  Editors,
  LivePick,
  PickItem,
  SecretStore,
  SourceText,
  StateStore,
  Ui,
  Workspace,
} from './ports';

/**
 * The ports of ports.ts over the real VS Code API. Thin on purpose: the logic they serve lives
 * in modules the unit tests load without VS Code.
 */
export function vscodeUi(): Ui {
  return {
    info: (m, ...b) => Promise.resolve(vscode.window.showInformationMessage(m, ...b)),
    warn: (m, ...b) => Promise.resolve(vscode.window.showWarningMessage(m, ...b)),
    error: (m, ...b) => Promise.resolve(vscode.window.showErrorMessage(m, ...b)),
    confirm: async (m, detail, action) => (await vscode.window.showWarningMessage(m, { modal: true, detail }, action)) === action,
    inputBox: (o) =>
      Promise.resolve(
        vscode.window.showInputBox({
          ...(o.title ? { title: o.title } : {}),
          ...(o.prompt ? { prompt: o.prompt } : {}),
          ...(o.placeHolder ? { placeHolder: o.placeHolder } : {}),
          password: o.password ?? false,
          ignoreFocusOut: o.ignoreFocusOut ?? false,
          ...(o.validateInput ? { validateInput: (v: string) => o.validateInput!(v) ?? null } : {}),
        }),
      ),
    async pickOne<T>(items: readonly PickItem<T>[], o: { title?: string; placeHolder?: string }) {
      const chosen = await vscode.window.showQuickPick(
        items.map((i) => ({ ...i })),
        { ...(o.title ? { title: o.title } : {}), ...(o.placeHolder ? { placeHolder: o.placeHolder } : {}) },
      );
      return chosen?.value;
    },
    pickMany<T>(items: readonly PickItem<T>[], o: { title?: string; placeHolder?: string }, fill?: (live: LivePick<T>) => void) {
      return new Promise<T[] | undefined>((resolve) => {
        type Item = vscode.QuickPickItem & { value: T };
        const qp = vscode.window.createQuickPick<Item>();
        qp.canSelectMany = true;
        qp.matchOnDescription = true;
        if (o.title) qp.title = o.title;
        if (o.placeHolder) qp.placeholder = o.placeHolder;
        const toItems = (list: readonly PickItem<T>[]): Item[] =>
          list.map((i) => ({
            label: i.label,
            ...(i.description ? { description: i.description } : {}),
            ...(i.detail ? { detail: i.detail } : {}),
            value: i.value,
          }));
        const setItems = (list: readonly PickItem<T>[], keepSelection: boolean) => {
          const selected = new Set(keepSelection ? qp.selectedItems.map((s) => s.value) : list.filter((i) => i.picked).map((i) => i.value));
          const next = toItems(list);
          qp.items = next;
          qp.selectedItems = next.filter((i) => selected.has(i.value));
        };
        setItems(items, false);
        const abort = new AbortController();
        let accepted = false;
        qp.onDidAccept(() => {
          accepted = true;
          resolve(qp.selectedItems.map((s) => s.value));
          qp.hide();
        });
        qp.onDidHide(() => {
          abort.abort();
          if (!accepted) resolve(undefined);
          qp.dispose();
        });
        qp.show();
        fill?.({ update: (list) => !abort.signal.aborted && setItems(list, true), signal: abort.signal });
      });
    },
    withProgress: (o, task) =>
      Promise.resolve(
        vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: o.title, cancellable: o.cancellable },
          (progress, token) => task(progress, token),
        ),
      ),
  };
}

export function vscodeSecrets(secrets: vscode.SecretStorage): SecretStore {
  return {
    get: (k) => Promise.resolve(secrets.get(k)),
    store: (k, v) => Promise.resolve(secrets.store(k, v)),
    delete: (k) => Promise.resolve(secrets.delete(k)),
    onDidChange: (l) => secrets.onDidChange((e) => l({ key: e.key })),
  };
}

export function vscodeState(memento: vscode.Memento): StateStore {
  return { get: (k) => memento.get(k), update: (k, v) => Promise.resolve(memento.update(k, v)) };
}

export function vscodeConfig(): ConfigSource {
  return {
    get: (key) => vscode.workspace.getConfiguration(CONFIG_SECTION).get(key),
    set: (key, value) => {
      const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      return Promise.resolve(vscode.workspace.getConfiguration(CONFIG_SECTION).update(key, value, target));
    },
    onDidChange: (l) => vscode.workspace.onDidChangeConfiguration((e) => l({ affects: (k) => e.affectsConfiguration(k) })),
  };
}

export function vscodeWorkspace(): Workspace {
  return {
    async findPromptFiles() {
      const uris = await vscode.workspace.findFiles(PROMPT_FILE_GLOB, '**/node_modules/**');
      return uris
        .filter((u) => u.scheme === 'file')
        .map((u) => u.fsPath)
        .sort();
    },
    async read(path): Promise<SourceText> {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === path);
      if (open) return { path, text: open.getText() };
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(path));
      return { path, text: new TextDecoder('utf-8').decode(bytes) };
    },
    rootOf(path) {
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path));
      return (folder ?? vscode.workspace.workspaceFolders?.[0])?.uri.fsPath ?? nodePath.dirname(path);
    },
  };
}

export function vscodeEditors(): Editors {
  return {
    active() {
      const doc = vscode.window.activeTextEditor?.document;
      if (!doc) return undefined;
      return {
        path: doc.uri.fsPath,
        untitled: doc.isUntitled || doc.uri.scheme !== 'file',
        save: () => (doc.isDirty ? Promise.resolve(doc.save()) : Promise.resolve(true)),
      };
    },
    workspaceRoot: () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    openFile: async (path) => void (await vscode.window.showTextDocument(vscode.Uri.file(path))),
    async createFile(path, content) {
      const uri = vscode.Uri.file(path);
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
      await vscode.window.showTextDocument(uri);
    },
    exists: (path) =>
      Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.file(path))).then(
        () => true,
        () => false,
      ),
    openUntitled: async (content, language) =>
      void (await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content, language }))),
    showProblems: () => void vscode.commands.executeCommand('workbench.actions.view.problems'),
  };
}

export function vscodeDiagnostics(collection: vscode.DiagnosticCollection): DiagnosticsSink {
  const toVscode = (d: PromptDiagnostic): vscode.Diagnostic => {
    const start = new vscode.Position(Math.max(0, d.line - 1), Math.max(0, d.column - 1));
    const endLine = Math.max(0, (d.endLine ?? d.line) - 1);
    const endCol = Math.max(0, (d.endColumn ?? d.column) - 1);
    const end = endLine === start.line && endCol <= start.character ? start.translate(0, 1) : new vscode.Position(endLine, endCol);
    const diag = new vscode.Diagnostic(
      new vscode.Range(start, end),
      `${d.field}: ${d.message}`,
      d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
    );
    diag.source = 'Conversation Forge';
    diag.code = d.field;
    return diag;
  };
  return {
    replaceAll(byFile) {
      collection.clear();
      for (const [file, list] of byFile) if (list.length > 0) collection.set(vscode.Uri.file(file), list.map(toVscode));
    },
    clear: () => collection.clear(),
  };
}

/** Bridges a ports Disposable to vscode's (for context.subscriptions). */
export function toVscodeDisposable(d: Disposable): vscode.Disposable {
  return new vscode.Disposable(() => d.dispose());
}
