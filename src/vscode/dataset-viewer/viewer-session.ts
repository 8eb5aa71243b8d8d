// One open viewer: the dataset's pager, the current query and its scan, and the messages to and
// from its webview. No vscode import: the adapter (dataset-viewer.ts) maps a webview onto the port,
// so this is tested without VS Code.
import { basename } from 'node:path';
import { DatasetPager } from '../../core/dataset/viewer/dataset-pager';
import { scanQuery, type MatchList, type ScanProgress } from '../../core/dataset/viewer/query-scan';
import { isEmptyQuery, needsMarks } from '../../core/dataset/viewer/viewer-query';
import { failedPage, type FailedList } from '../../core/dataset/viewer/failed-list';
import { failuresOf, scanFailures, unreadableNotice } from './failed-view';
import { findInSiblings } from './find-original';
import {
  isViewerWebviewMessage,
  VIEWER_PAGE_SIZE,
  type ViewerHostMessage,
  type ScanState,
  type ViewerQuery,
  type ViewerWebviewMessage,
} from '../../protocol';

export interface Disposable {
  dispose(): void;
}

export interface ViewerPort {
  postMessage(message: ViewerHostMessage): Thenable<boolean> | Promise<boolean>;
  onDidReceiveMessage(listener: (message: unknown) => void): Disposable;
}

export interface ViewerActions {
  /** Opens a file as text at a 1-based line. */
  openText(file: string, line: number): Promise<void>;
  showReport(file: string): Promise<void>;
  /** The duplicate threshold setting: what a dataset without a journal is searched at. */
  threshold?: () => number;
  log: { warn(message: string): void; debug(message: string): void };
}

type View = { seq: number; query: ViewerQuery } & (
  | { kind: 'all' }
  | { kind: 'scanning'; abort: AbortController }
  | { kind: 'matches'; list: MatchList }
  | { kind: 'failed'; list: FailedList }
  | { kind: 'none' }
);

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class ViewerSession implements Disposable {
  private pager: DatasetPager | undefined;
  private readonly opened: Promise<DatasetPager | undefined>;
  private view: View = { seq: 0, query: {}, kind: 'all' };
  /** A line whose number was just counted exactly (a revealed original): its page is walked to. */
  private counted: number | undefined;
  /** The page last sent (to send it again once the journal's marks are read). */
  private shown: { seq: number; start: number } | undefined;
  private readonly subscription: Disposable;
  private disposed = false;
  private readonly abort = new AbortController();
  /** Settles when the last message handled is done (tests wait on it). */
  idle: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly port: ViewerPort,
    private readonly actions: ViewerActions,
    /** Tests give a pager whose line count they hold. */
    openPager: typeof DatasetPager.open = (f, o) => DatasetPager.open(f, o),
  ) {
    this.opened = openPager(file, {
      onIndexProgress: (p) => this.post({ type: 'index', index: { ...p, complete: p.bytes >= p.totalBytes } }),
    }).then(
      (pager) => {
        if (this.disposed) pager.dispose();
        else this.pager = pager;
        pager.indexed.then(
          (index) =>
            this.post({ type: 'index', index: { lines: index.lines, bytes: index.bytes, totalBytes: pager.size, complete: true } }),
          (e: unknown) => !this.disposed && this.post({ type: 'error', error: `cannot index ${basename(file)}: ${errorText(e)}` }),
        );
        return pager;
      },
      (e: unknown) => {
        this.post({ type: 'error', error: `cannot open ${basename(file)}: ${errorText(e)}` });
        return undefined;
      },
    );
    this.subscription = port.onDidReceiveMessage((m) => {
      if (!isViewerWebviewMessage(m)) {
        this.actions.log.warn(`dataset viewer: ignored a malformed message from the webview`);
        return;
      }
      this.idle = this.idle.then(() => this.handle(m)).catch((e: unknown) => this.post({ type: 'error', error: errorText(e) }));
    });
  }

  private post(message: ViewerHostMessage): void {
    if (this.disposed) return;
    void Promise.resolve(this.port.postMessage(message)).catch((e: unknown) =>
      this.actions.log.debug(`dataset viewer: post failed: ${errorText(e)}`),
    );
  }

  private async handle(m: ViewerWebviewMessage): Promise<void> {
    const pager = await this.opened;
    if (!pager || this.disposed) return;
    switch (m.type) {
      case 'ready': {
        this.post({ type: 'init', init: { name: basename(this.file), bytes: pager.size, journal: pager.journal !== undefined } });
        pager.journal?.read(this.abort.signal).then(
          ({ facets, marks }) => {
            this.post({ type: 'facets', facets: { ...facets, marks: marks.counts() } });
            const known = pager.marks !== undefined;
            pager.marks = marks;
            // The page shown before the marks were read comes again with them (once: a reloaded
            // webview's `ready` finds them read, and asks for its own page).
            if (!known && !marks.empty && this.shown !== undefined)
              this.later(async () => {
                if (this.shown && this.shown.seq === this.view.seq) await this.sendPage(pager, this.shown.start);
              });
          },
          (e: unknown) =>
            !this.disposed &&
            this.actions.log.warn(`dataset viewer: cannot read the journal's batches, variables and marks: ${errorText(e)}`),
        );
        failuresOf(this.file, this.abort.signal).then(
          (failures) => this.post({ type: 'failures', failures }),
          () => undefined, // only a dispose aborts it: failuresOf turns a read error into `unavailable`
        );
        const { index } = pager;
        this.post({ type: 'index', index: { lines: index.lines, bytes: index.bytes, totalBytes: pager.size, complete: index.complete } });
        return;
      }
      case 'query':
        this.startQuery(pager, m.seq, m.query);
        return;
      case 'page':
        if (m.seq === this.view.seq) await this.sendPage(pager, m.start);
        return;
      case 'cancelScan':
        if (this.view.kind === 'scanning') this.view.abort.abort();
        return;
      case 'openJournal': {
        const line = await pager.journal?.lineOf(m.offset);
        if (pager.journal && line !== undefined) await this.actions.openText(pager.journal.path, line);
        else this.actions.log.warn(`dataset viewer: no journal record for the conversation at byte ${m.offset}`);
        return;
      }
      case 'openLine':
        await this.actions.openText(this.file, m.line);
        return;
      case 'showReport':
        await this.actions.showReport(this.file);
        return;
      case 'showOriginal':
        await this.showOriginal(pager, m.id, m.line);
        return;
    }
  }

  /** Runs `task` after the messages being handled, in their order (as a message from the webview would). */
  private later(task: () => Promise<void>): void {
    this.idle = this.idle.then(task).catch((e: unknown) => this.post({ type: 'error', error: errorText(e) }));
  }

  /**
   * Pages to the conversation a duplicate duplicates. The journal's mark names it by id: found in
   * this dataset's journal, else in the journals of the datasets beside it (a run's datasets are
   * compared together), which then opens as text at its line.
   */
  private async showOriginal(pager: DatasetPager, id: string | undefined, line: number | undefined): Promise<void> {
    if (line !== undefined) {
      this.post({ type: 'reveal', line });
      return;
    }
    if (id === undefined) return;
    const offset = await pager.journal?.offsetOf(id, this.abort.signal);
    if (offset !== undefined && offset < pager.size) {
      const at = await pager.lineAt(offset);
      // Its number is exact (counted up to it): the page the webview asks for next is walked to, not sought.
      this.counted = at;
      this.post({ type: 'reveal', line: at });
      return;
    }
    const elsewhere = await findInSiblings(this.file, id, this.abort.signal);
    if (elsewhere) {
      await this.actions.openText(elsewhere.file, elsewhere.line);
      return;
    }
    this.post({
      type: 'notice',
      notice: `${id} is not in this dataset or in the datasets beside it: it may have been dropped since it was marked, or sit in a dataset of the run in another folder.`,
    });
  }

  private startQuery(pager: DatasetPager, seq: number, query: ViewerQuery): void {
    if (this.view.kind === 'scanning') this.view.abort.abort();
    if (isEmptyQuery(query) && !query.failed) {
      this.view = { seq, query, kind: 'all' };
      void this.sendPage(pager, 1);
      return;
    }
    const abort = new AbortController();
    this.view = { seq, query, kind: 'scanning', abort };
    // The failed view reads the failures file (small, read in one go): no byte progress to show.
    const totalBytes = query.failed ? 0 : pager.size;
    const scan = (state: ScanState, bytes: number, matches: number, message?: string) =>
      this.post({ type: 'scan', scan: { seq, state, bytes, totalBytes, matches, ...(message !== undefined ? { message } : {}) } });
    scan('running', 0, 0);
    const found: Promise<{ kind: 'matches'; list: MatchList } | { kind: 'failed'; list: FailedList }> = query.failed
      ? scanFailures(this.file, query, abort.signal).then((list) => ({ kind: 'failed', list }))
      : this.scanDataset(pager, query, abort.signal, (p) => p.bytes < totalBytes && scan('running', p.bytes, p.matches)).then((list) => ({
          kind: 'matches',
          list,
        }));
    found.then(
      async (view) => {
        if (this.view.seq !== seq || this.disposed) return;
        this.view = { seq, query, ...view };
        scan('done', totalBytes, view.list.lines.length);
        if (view.kind === 'failed' && view.list.unreadable.length > 0) this.post({ type: 'notice', notice: unreadableNotice(view.list) });
        await this.sendPage(pager, 0);
      },
      (e: unknown) => {
        if (this.view.seq !== seq) return;
        this.view = { seq, query, kind: 'none' };
        const cancelled = abort.signal.aborted;
        scan(cancelled ? 'cancelled' : 'failed', 0, 0, cancelled ? undefined : errorText(e));
      },
    );
  }

  private async scanDataset(pager: DatasetPager, query: ViewerQuery, signal: AbortSignal, onProgress: (p: ScanProgress) => void) {
    // The duplicate and regenerated flags are the journal's marks: read (once) before the scan.
    const marks = pager.journal && needsMarks(query) ? await pager.journal.marks(this.abort.signal) : undefined;
    return scanQuery(pager.file, query, {
      totalBytes: pager.size,
      ...(pager.journal ? { journal: pager.journal.path } : {}),
      ...(marks ? { marks } : {}),
      ...(this.actions.threshold !== undefined ? { threshold: this.actions.threshold() } : {}),
      signal,
      onProgress,
    });
  }

  /** `exact`: walk to the line even while counting (the count is known to be done). */
  private async sendPage(pager: DatasetPager, start: number, exact = false): Promise<void> {
    const { view } = this;
    this.shown = { seq: view.seq, start };
    if (view.kind === 'all') {
      const first = Math.max(1, start);
      const walk = exact || first === this.counted;
      const page = walk ? await pager.page(first, VIEWER_PAGE_SIZE) : await pager.pageNear(first, VIEWER_PAGE_SIZE);
      const total = pager.index.complete ? pager.index.lines : -1;
      const approximate = page.approximate !== undefined;
      this.post({
        type: 'page',
        page: { seq: view.seq, start: first, filtered: false, total, items: page.items, ...(approximate ? { approximate } : {}) },
      });
      if (page.approximate) this.numberWhenCounted(pager, view.seq, first, page.approximate.offset);
    } else if (view.kind === 'matches') {
      const page = await pager.matchPage(view.list, start, VIEWER_PAGE_SIZE);
      this.post({ type: 'page', page: { seq: view.seq, start, filtered: true, total: view.list.lines.length, items: page.items } });
    } else if (view.kind === 'failed') {
      const items = await failedPage(view.list, start, VIEWER_PAGE_SIZE);
      this.post({ type: 'page', page: { seq: view.seq, start, filtered: true, total: view.list.lines.length, items } });
    }
  }

  /**
   * A page sought by estimate is sent again, numbered exactly, once the lines are counted: the same
   * conversations (it starts at the same byte), unless the user has moved on meanwhile.
   */
  private numberWhenCounted(pager: DatasetPager, seq: number, start: number, offset: number): void {
    pager.indexed.then(
      () =>
        this.later(async () => {
          if (this.shown?.seq !== seq || this.shown.start !== start || this.view.seq !== seq) return;
          await this.sendPage(pager, await pager.lineAt(offset), true);
        }),
      () => undefined,
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.view.kind === 'scanning') this.view.abort.abort();
    this.abort.abort();
    this.subscription.dispose();
    this.pager?.dispose();
  }
}
