import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type {
  CancellationSignal,
  ConfigSource,
  Disposable,
  InputBoxOptions,
  LogSink,
  PickItem,
  ProgressReporter,
  SecretStore,
  SourceText,
  StateStore,
  Ui,
  Workspace,
} from '../../../src/vscode/ports';

/** Fakes of the ports in src/vscode/ports.ts: they record what the adapters did. */
export function emitter<T>() {
  const listeners = new Set<(v: T) => void>();
  return {
    event: (l: (v: T) => void): Disposable => {
      listeners.add(l);
      return { dispose: () => void listeners.delete(l) };
    },
    fire: (v: T) => [...listeners].forEach((l) => l(v)),
    get count() {
      return listeners.size;
    },
  };
}

export interface Shown {
  level: 'info' | 'warn' | 'error';
  message: string;
  buttons: string[];
}

export class FakeUi implements Ui {
  readonly shown: Shown[] = [];
  /** Answers to message buttons, in order (undefined = dismissed). */
  readonly buttonAnswers: (string | undefined)[] = [];
  /**
   * Like VS Code: a message stays open (its promise pending) until `click` or `dismiss`.
   * Off: each message is answered at once from `buttonAnswers`.
   */
  holdMessages = false;
  private readonly held: { shown: Shown; answer: (choice: string | undefined) => void }[] = [];
  readonly inputAnswers: (string | undefined)[] = [];
  readonly inputs: InputBoxOptions[] = [];
  readonly picks: { items: PickItem<unknown>[]; updates: PickItem<unknown>[][]; options?: { title?: string; placeHolder?: string } }[] = [];
  /** Chooses from a pick: default all items marked picked (many) or the first (one). */
  pickAnswer: ((items: readonly PickItem<unknown>[]) => unknown[] | undefined) | undefined;
  /** Wait for live pick updates before answering. */
  pickDelayMs = 0;
  readonly progress: { title: string; messages: string[]; cancellable: boolean }[] = [];
  cancelProgress = false;

  private show(level: Shown['level'], message: string, buttons: string[]): Promise<string | undefined> {
    const shown = { level, message, buttons };
    this.shown.push(shown);
    if (!this.holdMessages) return Promise.resolve(this.buttonAnswers.shift());
    return new Promise((answer) => this.held.push({ shown, answer }));
  }
  /** Messages still open (holdMessages). */
  get open(): Shown[] {
    return this.held.map((h) => h.shown);
  }
  /** Clicks `button` on the oldest open message that has it. */
  click(button: string): void {
    const i = this.held.findIndex((h) => h.shown.buttons.includes(button));
    if (i < 0) throw new Error(`no open message has a ${JSON.stringify(button)} button: ${JSON.stringify(this.open)}`);
    this.held.splice(i, 1)[0]!.answer(button);
  }
  /** Closes every open message (their promises resolve undefined). */
  dismissAll(): void {
    for (const h of this.held.splice(0)) h.answer(undefined);
  }
  info(message: string, ...buttons: string[]) {
    return this.show('info', message, buttons);
  }
  warn(message: string, ...buttons: string[]) {
    return this.show('warn', message, buttons);
  }
  error(message: string, ...buttons: string[]) {
    return this.show('error', message, buttons);
  }
  /** Modal questions asked, and the answers to give them (default: the action). */
  readonly confirms: { message: string; detail: string; action: string }[] = [];
  readonly confirmAnswers: boolean[] = [];
  async confirm(message: string, detail: string, action: string) {
    this.confirms.push({ message, detail, action });
    return this.confirmAnswers.shift() ?? true;
  }
  async inputBox(options: InputBoxOptions) {
    this.inputs.push(options);
    return this.inputAnswers.shift();
  }
  async pickOne<T>(items: readonly PickItem<T>[]) {
    this.picks.push({ items: [...items], updates: [] });
    const chosen = this.pickAnswer ? this.pickAnswer(items) : [items[0]?.value];
    return chosen?.[0] as T | undefined;
  }
  async pickMany<T>(
    items: readonly PickItem<T>[],
    options: { title?: string; placeHolder?: string } | undefined,
    fill?: (live: { update(i: readonly PickItem<T>[]): void; signal: AbortSignal }) => void,
  ) {
    const record = { items: [...items] as PickItem<unknown>[], updates: [] as PickItem<unknown>[][], ...(options ? { options } : {}) };
    this.picks.push(record);
    const abort = new AbortController();
    let current = [...items];
    fill?.({ update: (next) => ((current = [...next]), record.updates.push([...next])), signal: abort.signal });
    if (this.pickDelayMs) await new Promise((r) => setTimeout(r, this.pickDelayMs));
    abort.abort();
    const chosen = this.pickAnswer ? this.pickAnswer(current) : current.filter((i) => i.picked).map((i) => i.value);
    return chosen as T[] | undefined;
  }
  async withProgress<R>(
    options: { title: string; cancellable: boolean },
    task: (p: ProgressReporter, t: CancellationSignal) => Promise<R>,
  ) {
    const entry = { title: options.title, messages: [] as string[], cancellable: options.cancellable };
    this.progress.push(entry);
    const cancel = emitter<void>();
    const token = { isCancellationRequested: false, onCancellationRequested: cancel.event };
    if (this.cancelProgress) {
      setTimeout(() => {
        token.isCancellationRequested = true;
        cancel.fire();
      }, 0);
    }
    return task({ report: (v) => v.message && entry.messages.push(v.message) }, token);
  }
  messages(level?: Shown['level']): string[] {
    return this.shown.filter((s) => !level || s.level === level).map((s) => s.message);
  }
}

export class FakeLog implements LogSink {
  readonly lines: { level: string; message: string }[] = [];
  /** LogSink.show, when a test wants to see it called. */
  show?: (preserveFocus?: boolean) => void;
  info(m: string) {
    this.lines.push({ level: 'info', message: m });
  }
  warn(m: string) {
    this.lines.push({ level: 'warn', message: m });
  }
  error(m: string) {
    this.lines.push({ level: 'error', message: m });
  }
  debug(m: string) {
    this.lines.push({ level: 'debug', message: m });
  }
  text(): string {
    return this.lines.map((l) => `[${l.level}] ${l.message}`).join('\n');
  }
}

export class FakeSecrets implements SecretStore {
  readonly values = new Map<string, string>();
  private readonly changed = emitter<{ key: string }>();
  readonly onDidChange = this.changed.event;
  async get(key: string) {
    return this.values.get(key);
  }
  async store(key: string, value: string) {
    this.values.set(key, value);
    this.changed.fire({ key });
  }
  async delete(key: string) {
    this.values.delete(key);
    this.changed.fire({ key });
  }
}

export class FakeConfig implements ConfigSource {
  private readonly changed = emitter<{ affects(key: string): boolean }>();
  readonly onDidChange = this.changed.event;
  constructor(readonly values: Record<string, unknown> = {}) {}
  get(key: string) {
    return this.values[key];
  }
  async set(key: string, value: unknown) {
    this.values[key] = value;
    this.fire(key);
  }
  /** Simulates the user editing settings.json. */
  fire(key: string) {
    this.changed.fire({ affects: (k) => `conversationForge.${key}`.startsWith(k) });
  }
}

export class FakeState implements StateStore {
  readonly values = new Map<string, unknown>();
  get<T>(key: string) {
    return this.values.get(key) as T | undefined;
  }
  async update(key: string, value: unknown) {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
  }
}

/** A real folder with prompt files; open editors can override a file's text. */
export class TempWorkspace implements Workspace {
  readonly root: string;
  readonly unsaved = new Map<string, string>();
  constructor(files: Record<string, string> = {}) {
    this.root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'forge-vscode-')));
    for (const [rel, text] of Object.entries(files)) this.write(rel, text);
  }
  write(rel: string, text: string): string {
    const file = path.join(this.root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  }
  path(rel: string): string {
    return path.join(this.root, rel);
  }
  async findPromptFiles() {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) walk(full);
        else if (e.isFile() && e.name.endsWith('.forge.yaml')) out.push(full);
      }
    };
    walk(this.root);
    return out.sort();
  }
  async read(p: string): Promise<SourceText> {
    return { path: p, text: this.unsaved.get(p) ?? fs.readFileSync(p, 'utf8') };
  }
  rootOf(): string {
    return this.root;
  }
  dispose() {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

export function promptFileText(name: string, count: number, extra = ''): string {
  return `name: ${name}
model: claude-haiku-5-5
count: ${count}
turns: 2
strategy: single
max_tokens: 256
prompt: |
  A {{persona}} asks about {{topic}}.
variables:
  persona: [buyer, seller]
  topic: [a refund, a late delivery]
output:
  path: datasets/${name}.jsonl
  format: openai
${extra}`;
}

/** Waits for `predicate`; the default deadline is generous because a busy 2-core machine is slow, not broken. */
export function until(predicate: () => boolean, timeoutMs = 30_000, stepMs = 10): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (predicate()) return resolve();
      if (Date.now() - start > timeoutMs) return reject(new Error('timed out waiting'));
      setTimeout(check, stepMs);
    };
    check();
  });
}
