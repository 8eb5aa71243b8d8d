import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { FORGE_VERSION } from '../../src/core/version';
import { COMMANDS, DATASET_COMMANDS } from '../../src/vscode/ids';
import { promptFileText, TempWorkspace } from './support/fakes';

/**
 * extension.ts is wiring only; this checks the wiring against a minimal stand-in for the `vscode`
 * module: activation registers every command, validates the workspace into a diagnostic
 * collection, and deactivate() resolves. The real host is covered by test/e2e.
 */
function stubVscode(root: string) {
  const registered = new Map<string, () => Promise<void>>();
  const diagnostics = new Map<string, unknown[]>();
  const disposable = () => ({ dispose() {} });
  const event = () => disposable();
  class Disposable {
    constructor(private readonly f: () => void) {}
    dispose() {
      this.f();
    }
  }
  const uri = (fsPath: string) => ({ fsPath, scheme: 'file', toString: () => `file://${fsPath}` });
  const walk = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.forge.yaml') ? [path.join(dir, e.name)] : []));
  const messages: string[] = [];
  const logged: string[] = [];
  const vscode = {
    Disposable,
    Uri: { file: uri },
    Position: class {
      constructor(
        readonly line: number,
        readonly character: number,
      ) {}
      translate(l: number, c: number) {
        return new vscode.Position(this.line + l, this.character + c);
      }
    },
    Range: class {
      constructor(
        readonly start: unknown,
        readonly end: unknown,
      ) {}
    },
    Diagnostic: class {
      source?: string;
      code?: string;
      constructor(
        readonly range: unknown,
        readonly message: string,
        readonly severity: number,
      ) {}
    },
    DiagnosticSeverity: { Error: 0, Warning: 1 },
    ProgressLocation: { Notification: 15 },
    ConfigurationTarget: { Global: 1, Workspace: 2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ThemeColor: class {
      constructor(readonly id: string) {}
    },
    MarkdownString: class {
      isTrusted: unknown;
      supportThemeIcons = false;
      constructor(readonly value = '') {}
    },
    version: '1.100.3',
    env: { appHost: 'desktop', remoteName: undefined },
    window: {
      registerWebviewPanelSerializer: () => disposable(),
      registerCustomEditorProvider: () => disposable(),
      createStatusBarItem: () => ({ text: '', show() {}, hide() {}, dispose() {} }),
      createOutputChannel: () => ({ info: (m: string) => void logged.push(m), warn() {}, error() {}, debug() {}, show() {}, dispose() {} }),
      showInformationMessage: async (m: string) => void messages.push(m),
      showWarningMessage: async (m: string) => void messages.push(m),
      showErrorMessage: async (m: string) => void messages.push(m),
      activeTextEditor: undefined,
    },
    workspace: {
      workspaceFolders: [{ uri: uri(root) }],
      textDocuments: [],
      getConfiguration: () => ({ get: () => undefined, update: async () => undefined }),
      getWorkspaceFolder: () => ({ uri: uri(root) }),
      findFiles: async () => walk(root).map(uri),
      fs: { readFile: async (u: { fsPath: string }) => fs.readFileSync(u.fsPath) },
      onDidChangeConfiguration: event,
      onDidChangeTextDocument: event,
      onDidSaveTextDocument: event,
      onDidCloseTextDocument: event,
      onDidCreateFiles: event,
      onDidDeleteFiles: event,
      onDidRenameFiles: event,
    },
    languages: {
      createDiagnosticCollection: () => ({
        set: (u: { fsPath: string }, list: unknown[]) => diagnostics.set(u.fsPath, list),
        clear: () => diagnostics.clear(),
        dispose() {},
      }),
    },
    commands: {
      registerCommand: (id: string, f: () => Promise<void>) => (registered.set(id, f), disposable()),
      executeCommand: async () => undefined,
    },
  };
  return { vscode, registered, diagnostics, messages, logged };
}

describe('extension wiring (stub vscode module)', () => {
  it('activate registers every command and validates the workspace; deactivate resolves', async () => {
    const ws = new TempWorkspace({ 'a.forge.yaml': promptFileText('alpha', 4), 'bad.forge.yaml': 'name: bad\ncount: x\n' });
    const stub = stubVscode(ws.root);
    const M = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const load = M._load;
    M._load = (request: string, ...rest: unknown[]) => (request === 'vscode' ? stub.vscode : load(request, ...rest));
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const ext = require('../../src/extension') as typeof import('../../src/extension');
      const store = new Map<string, unknown>();
      const context = {
        subscriptions: [] as { dispose(): void }[],
        workspaceState: { get: (k: string) => store.get(k), update: async (k: string, v: unknown) => void store.set(k, v) },
        secrets: {
          get: async () => undefined,
          store: async () => undefined,
          delete: async () => undefined,
          onDidChange: () => ({ dispose() {} }),
        },
      };
      const api = ext.activate(context as never);
      assert.deepEqual(
        [...stub.registered.keys()].sort(),
        [...Object.values(COMMANDS), ...Object.values(DATASET_COMMANDS)].map((c) => c.id).sort(),
      );
      assert.equal(
        stub.logged[0],
        `Conversation Forge ${FORGE_VERSION} on VS Code 1.100.3 (desktop, local)`,
        'the log opens with the version',
      );
      await api.validateNow();
      assert.ok((stub.diagnostics.get(ws.path('bad.forge.yaml')) ?? []).length > 0);
      assert.equal(stub.diagnostics.has(ws.path('a.forge.yaml')), false);
      assert.equal(api.state().phase, 'idle');
      await stub.registered.get(COMMANDS.pause.id)!();
      assert.ok(stub.messages.includes('Conversation Forge: nothing is running.'));
      await ext.deactivate();
      for (const d of context.subscriptions) d.dispose();
    } finally {
      M._load = load;
      ws.dispose();
    }
  });
});
