// Helpers for toolkit data grids built from light-DOM rows (no rowsData), so cells can hold
// buttons and dropdowns and every value still goes through textContent.
import { el } from './dom';

export function gridRow(cells: (string | Node)[], header = false): HTMLElement {
  return el('vscode-data-grid-row', { attrs: header ? { 'row-type': 'sticky-header' } : {} }, cells.map((content, i) => {
    const cell = el('vscode-data-grid-cell', { attrs: { 'grid-column': String(i + 1) } });
    if (header) cell.setAttribute('cell-type', 'columnheader');
    if (typeof content === 'string') cell.textContent = content;
    else cell.append(content);
    return cell;
  }));
}

export function dataGrid(label: string, columns: string): HTMLElement {
  return el('vscode-data-grid', { attrs: { 'aria-label': label, 'grid-template-columns': columns, 'generate-header': 'none' } });
}

export function dropdown(options: readonly { value: string; label: string }[], onChange: (value: string) => void): HTMLElement & { value: string } {
  const d = el('vscode-dropdown') as HTMLElement & { value: string };
  d.append(...options.map((o) => el('vscode-option', { text: o.label, attrs: { value: o.value } })));
  d.addEventListener('change', () => onChange(d.value));
  return d;
}

/** Sets a dropdown's value unless the user is interacting with it right now. */
export function syncDropdown(d: HTMLElement & { value: string }, value: string): void {
  if (d.contains(document.activeElement) || d.matches(':focus-within')) return;
  if (d.value !== value) d.value = value;
}
