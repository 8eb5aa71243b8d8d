// The root tsconfig has no DOM lib (the engine must never touch the DOM), so callbacks that
// run inside the page reach it through this narrow, erased-at-runtime view of `globalThis`.
export interface PageNode {
  readonly textContent: string | null;
  readonly className: string;
  readonly tagName: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageNode | null;
}

export interface PageGlobals {
  document: {
    querySelector(selector: string): PageNode | null;
    querySelectorAll(selector: string): { readonly length: number };
    addEventListener(type: 'securitypolicyviolation', listener: (e: { violatedDirective: string; blockedURI: string }) => void): void;
  };
  customElements: { get(name: string): unknown };
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  postMessage(message: unknown, targetOrigin: string): void;
  acquireVsCodeApi?: () => unknown;
  __posted: { message: unknown; gaugeText: string | null }[];
  __csp: string[];
}
