// Grids as real tables: header cells and row cells share one set of columns by construction,
// at any panel width (the toolkit's data grid let rows drift a column off their headers). Cells
// can hold buttons and dropdowns; every host value still goes through textContent.
import { el } from './dom';

export interface Column {
  /** CSS class of the column's header and cells (`col-<key>`). */
  readonly key: string;
  readonly header: string;
  /** Right-aligned figures. */
  readonly numeric?: boolean;
}

export interface Table {
  readonly element: HTMLTableElement;
  readonly body: HTMLTableSectionElement;
  row(cells: (string | Node)[]): HTMLTableRowElement;
  /** Hides a column (header and cells) whose cells are all empty, and shows it again once one is not. */
  collapse(key: string, empty: boolean): void;
}

export function createTable(label: string, columns: readonly Column[]): Table {
  const cls = (c: Column) => `col-${c.key}${c.numeric ? ' num' : ''}`;
  const head = el(
    'tr',
    {},
    columns.map((c) => el('th', { className: cls(c), text: c.header, attrs: { scope: 'col' } })),
  );
  const body = el('tbody');
  const element = el('table', { className: 'grid', attrs: { 'aria-label': label } }, [el('thead', {}, [head]), body]);
  return {
    element,
    body,
    row(cells) {
      return el(
        'tr',
        {},
        cells.map((content, i) => {
          const c = columns[i]!;
          const td = el('td', { className: cls(c) });
          if (typeof content === 'string') td.textContent = content;
          else td.append(content);
          return td;
        }),
      );
    },
    collapse(key, empty) {
      element.classList.toggle(`hide-${key}`, empty);
    },
  };
}

export function dropdown(
  options: readonly { value: string; label: string }[],
  onChange: (value: string) => void,
  label?: string,
): HTMLElement & { value: string } {
  const d = el('vscode-dropdown', label ? { attrs: { 'aria-label': label } } : {}) as HTMLElement & { value: string };
  d.append(...options.map((o) => el('vscode-option', { text: o.label, attrs: { value: o.value } })));
  d.addEventListener('change', () => onChange(d.value));
  return d;
}

/** Sets a dropdown's value unless the user is interacting with it right now. */
export function syncDropdown(d: HTMLElement & { value: string }, value: string): void {
  if (d.contains(document.activeElement) || d.matches(':focus-within')) return;
  if (d.value !== value) d.value = value;
}
