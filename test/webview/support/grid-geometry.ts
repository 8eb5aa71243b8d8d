// Column boxes of the panel's grids, measured in the page: each header cell against the cells of
// every row in its column. Runs inside the page (webview suite and real-host suite alike), so it
// uses only DOM calls through a narrow structural type (the root tsconfig has no DOM lib).

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}
interface Cell {
  getBoundingClientRect(): Box;
  readonly className: string;
  readonly textContent: string | null;
  readonly firstChild: unknown;
  readonly offsetParent: unknown;
}
interface Table {
  readonly scrollWidth: number;
  readonly parentElement: { readonly clientWidth: number } | null;
  querySelectorAll(selector: string): ArrayLike<Cell & { querySelectorAll(s: string): ArrayLike<Cell> }>;
  querySelector(selector: string): { querySelectorAll(s: string): ArrayLike<Cell> } | null;
}

export interface GridReport {
  /** Header cells measured (visible columns). */
  columns: number;
  rows: number;
  /** "row 3, column Job: header 0–120, cell 0–140" for every cell whose box leaves its header's. */
  misaligned: string[];
  /** Texts of id cells laid out on more than one line. */
  wrappedIds: string[];
  /** How far the table runs past its container (its scroller), in px; 0 when it fits. */
  overflowPx: number;
}

/** Pass to `evaluate` / `evaluateAll` with the table element. */
export function measureGrid(table: Table, tolerancePx = 1): GridReport {
  const visible = (c: Cell) => c.offsetParent !== null;
  const heads = Array.from(table.querySelector('thead tr')?.querySelectorAll('th') ?? []).filter(visible);
  const rows = Array.from(table.querySelectorAll('tbody tr'));
  const misaligned: string[] = [];
  const wrappedIds: string[] = [];
  rows.forEach((row, r) => {
    const cells = Array.from(row.querySelectorAll('td')).filter(visible);
    if (cells.length !== heads.length) misaligned.push(`row ${r + 1}: ${cells.length} cells under ${heads.length} headers`);
    heads.forEach((h, i) => {
      const cell = cells[i];
      if (!cell) return;
      const hb = h.getBoundingClientRect();
      const cb = cell.getBoundingClientRect();
      if (Math.abs(hb.left - cb.left) > tolerancePx || Math.abs(hb.right - cb.right) > tolerancePx) {
        misaligned.push(
          `row ${r + 1}, column ${h.textContent}: header ${Math.round(hb.left)}–${Math.round(hb.right)}, cell ${Math.round(cb.left)}–${Math.round(cb.right)}`,
        );
      }
      if (/\bcol-id\b/.test(cell.className)) {
        // One line box per line of text: more than one is a wrapped id.
        const doc = (
          globalThis as unknown as {
            document: { createRange(): { selectNodeContents(n: unknown): void; getClientRects(): { length: number } } };
          }
        ).document;
        const range = doc.createRange();
        range.selectNodeContents(cell);
        if (range.getClientRects().length > 1) wrappedIds.push(cell.textContent ?? '');
      }
    });
  });
  const room = table.parentElement?.clientWidth ?? table.scrollWidth;
  return { columns: heads.length, rows: rows.length, misaligned, wrappedIds, overflowPx: Math.max(0, table.scrollWidth - room) };
}

interface Evaluating {
  evaluate<R>(fn: (el: never) => R): Promise<R>;
}

/** measureGrid on a table locator. tsx names functions with an `__name` helper the page does not
 *  have; a no-op one is installed first. */
export async function gridReport(table: Evaluating): Promise<GridReport> {
  await table.evaluate(() => {
    const g = globalThis as unknown as { __name?: unknown };
    g.__name ??= (f: unknown) => f;
  });
  return table.evaluate(measureGrid as (el: never) => GridReport);
}
