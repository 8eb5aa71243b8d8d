/**
 * The small slices of the VS Code API the adapters use, as interfaces. src/vscode/host.ts implements
 * them over `vscode`; the unit tests implement them with fakes, so every adapter's logic runs
 * without VS Code. Nothing here imports vscode.
 */
export interface Disposable {
  dispose(): void;
}

/** VS Code's Event<T> shape: subscribe, get a Disposable back. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

export interface CancellationSignal {
  readonly isCancellationRequested: boolean;
  onCancellationRequested: Event<void>;
}

export interface ProgressReporter {
  report(value: { message?: string; increment?: number }): void;
}

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  picked?: boolean;
  value: T;
}

export interface LivePick<T> {
  /** Replaces the items shown (selection is kept by `value`). */
  update(items: readonly PickItem<T>[]): void;
  readonly signal: AbortSignal;
}

export interface InputBoxOptions {
  title?: string;
  prompt?: string;
  placeHolder?: string;
  password?: boolean;
  ignoreFocusOut?: boolean;
  validateInput?: (value: string) => string | undefined;
}

/** Messages, pickers and progress. Message buttons resolve to the chosen label or undefined. */
export interface Ui {
  info(message: string, ...buttons: string[]): Promise<string | undefined>;
  warn(message: string, ...buttons: string[]): Promise<string | undefined>;
  error(message: string, ...buttons: string[]): Promise<string | undefined>;
  /** A modal question with one action button (and VS Code's own Cancel); true when the action was chosen. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  inputBox(options: InputBoxOptions): Promise<string | undefined>;
  pickOne<T>(items: readonly PickItem<T>[], options: { title?: string; placeHolder?: string }): Promise<T | undefined>;
  /**
   * A multi-select pick shown at once; `fill` may keep updating its items (e.g. costs arriving) until
   * the pick closes (then `signal` aborts). Resolves to the chosen values, or undefined if dismissed.
   */
  pickMany<T>(
    items: readonly PickItem<T>[],
    options: { title?: string; placeHolder?: string },
    fill?: (live: LivePick<T>) => void,
  ): Promise<T[] | undefined>;
  /** A notification with progress; `cancellable` shows a Cancel button wired to the token. */
  withProgress<R>(
    options: { title: string; cancellable: boolean },
    task: (progress: ProgressReporter, token: CancellationSignal) => Promise<R>,
  ): Promise<R>;
}

/** SecretStorage. */
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  store(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  onDidChange: Event<{ key: string }>;
}

/** A LogOutputChannel. */
export interface LogSink {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  show?(preserveFocus?: boolean): void;
}

/** Memento (workspaceState). */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Promise<void>;
}

/** Raw `conversationForge.*` values: `get('limits.requestsPerMinute')`. */
export interface ConfigSource {
  get(key: string): unknown;
  /** Persists a setting (workspace scope when a folder is open, else user). */
  set(key: string, value: unknown): Promise<void>;
  onDidChange: Event<{ affects(key: string): boolean }>;
}

/** A prompt file as the editor sees it: the text may be unsaved. */
export interface SourceText {
  path: string;
  text: string;
}

/** Workspace files: discovery, reading (open editors win over disk), opening. */
export interface Workspace {
  /** Absolute paths of every `*.forge.yaml` in the workspace (excluding node_modules). */
  findPromptFiles(): Promise<string[]>;
  read(path: string): Promise<SourceText>;
  /** The folder prompt-file outputs must stay inside (the file's workspace folder). */
  rootOf(path: string): string;
}

/** The Problems panel for prompt files. Positions are 1-based (as the engine reports them). */
export interface DiagnosticsSink {
  /** Replaces every prompt-file problem shown with these, grouped by file. */
  replaceAll(byFile: ReadonlyMap<string, readonly import('../core/generate/prompt-file').Diagnostic[]>): void;
  clear(): void;
}

/** Editors and files the commands open or create. */
export interface Editors {
  /** The active text editor's document, if any. */
  active(): { readonly path: string; readonly untitled: boolean; save(): Promise<boolean> } | undefined;
  /** The first workspace folder, if a folder is open. */
  workspaceRoot(): string | undefined;
  openFile(path: string): Promise<void>;
  /** Creates a file with this content (refuses to overwrite) and opens it. */
  createFile(path: string, content: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  openUntitled(content: string, language: string): Promise<void>;
  /** Focuses the Problems panel. */
  showProblems(): void;
}
