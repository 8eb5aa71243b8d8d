// DOM building without innerHTML: every string from the host lands in textContent or an
// attribute, so a batch named `<img onerror=…>` stays text (the CSP would block it anyway).

export interface ElOptions {
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, options?: ElOptions, children?: Node[]): HTMLElementTagNameMap[K];
export function el(tag: string, options?: ElOptions, children?: Node[]): HTMLElement;
export function el(tag: string, options: ElOptions = {}, children: Node[] = []): HTMLElement {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [k, v] of Object.entries(options.attrs ?? {})) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string> = {}): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/** Updates text only when it changed, so screen readers and selection are not disturbed. */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

export function button(label: string, onClick: () => void, appearance: 'primary' | 'secondary' = 'secondary'): HTMLElement {
  const b = el('vscode-button', { text: label, attrs: { appearance } });
  b.addEventListener('click', () => {
    if (!b.hasAttribute('disabled')) onClick();
  });
  return b;
}

export function setDisabled(node: Element, disabled: boolean): void {
  node.toggleAttribute('disabled', disabled);
}

/** A CSSOM width, which the CSP allows (unlike a style attribute). */
export function setWidthPercent(node: HTMLElement, fraction: number): void {
  const pct = `${(Math.min(1, Math.max(0, fraction)) * 100).toFixed(2)}%`;
  if (node.style.width !== pct) node.style.width = pct;
}
