// The queue panel's HTML shell. Pure (no vscode import): the adapter passes the
// asWebviewUri results and webview.cspSource in, so this can be unit-tested anywhere.
import { randomBytes } from 'node:crypto';

export interface PanelHtmlOptions {
  scriptUri: string;
  styleUri: string;
  cspSource: string;
  nonce: string;
}

/** A per-render nonce; crypto-grade because it is the only thing that authorises a script. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

const NONCE_PATTERN = /^[A-Za-z0-9+/=_-]{16,}$/;

function escapeAttr(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  // No 'unsafe-inline' for styles. The toolkit (FAST) styles its components and writes its
  // design tokens through constructable stylesheets (adoptedStyleSheets) and sets grid
  // columns through CSSOM (element.style.x = …); style-src governs neither, and VS Code's
  // Chromium supports both, so FAST never falls back to <style> elements for them.
  // One thing FAST does inject: a throw-away <style> probing `:focus-visible` support
  // (fast-web-utilities canUseFocusVisible). Blocked, it degrades to `:focus` (focus rings
  // after every mouse click) and logs a CSP error. FAST stamps that probe with the nonce
  // from <meta property="csp-nonce">, so the style-src nonce admits exactly that element.
  // The browser test fails on any CSP violation.
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export function renderPanelHtml(options: PanelHtmlOptions): string {
  const { scriptUri, styleUri, cspSource, nonce } = options;
  if (!NONCE_PATTERN.test(nonce)) {
    throw new Error(`Expected \`nonce\` to be at least 16 base64 characters, got \`${nonce}\` (${typeof nonce})`);
  }
  if (/[;'"\s]/.test(cspSource.trim()) || cspSource.trim() === '') {
    throw new Error(`Expected \`cspSource\` to be one CSP source expression, got \`${cspSource}\``);
  }
  const csp = contentSecurityPolicy(cspSource.trim(), nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
  <meta property="csp-nonce" content="${escapeAttr(nonce)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${escapeAttr(styleUri)}">
  <title>Conversation Forge Queue</title>
</head>
<body>
  <main id="app" aria-live="off"></main>
  <script nonce="${escapeAttr(nonce)}" src="${escapeAttr(scriptUri)}"></script>
</body>
</html>
`;
}
