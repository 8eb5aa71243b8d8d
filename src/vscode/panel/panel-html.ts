// The queue panel's HTML shell. Pure (no vscode import): the adapter passes the
// asWebviewUri results and webview.cspSource in, so this can be unit-tested anywhere.
import { randomBytes } from 'node:crypto';
import { expectedText, invalidOption } from '../../core/validate';

export interface PanelHtmlOptions {
  scriptUri: string;
  styleUri: string;
  cspSource: string;
  nonce: string;
  /** The document title (the queue panel's unless given): the viewer and the report share this shell. */
  title?: string;
}

/** A per-render nonce; crypto-grade because it is the only thing that authorises a script. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

const NONCE_PATTERN = /^[A-Za-z0-9+/=_-]{16,}$/;

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// webview.cspSource is a list: VS Code desktop gives one host source
// (`https://*.vscode-cdn.net`), code-server two (`'self' https://*.vscode-cdn.net`).
// Each token must be a scheme source (`https:`), a host source (`https://*.example.net:443/path`)
// or `'self'`; no other keyword (`'unsafe-inline'` would undo the nonce), and nothing that can end a
// directive or an attribute (`;` `,` quotes, newlines).
const SCHEME_SOURCE = /^[a-z][a-z0-9+.-]*:$/i;
const HOST_SOURCE =
  /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(?:[0-9]+|\*))?(?:\/[A-Za-z0-9\-._~%!$&*+=:@/]*)?$/i;
const KEYWORD_SOURCES: ReadonlySet<string> = new Set(["'self'"]);

function isSourceExpression(token: string): boolean {
  return KEYWORD_SOURCES.has(token) || SCHEME_SOURCE.test(token) || HOST_SOURCE.test(token);
}

/** The source list, normalised to single spaces; throws on anything but source expressions. */
export function checkCspSource(cspSource: string): string {
  const tokens = cspSource.split(' ').filter((t) => t !== '');
  const bad = tokens.find((t) => !isSourceExpression(t));
  if (tokens.length === 0 || bad !== undefined) {
    const why = bad === undefined ? 'it is empty' : `\`${bad}\` is not one`;
    throw new Error(`${expectedText('cspSource', 'a space-separated list of CSP source expressions', cspSource)}: ${why}`);
  }
  return tokens.join(' ');
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
  const { scriptUri, styleUri, cspSource, nonce, title = 'Conversation Forge Queue' } = options;
  if (!NONCE_PATTERN.test(nonce)) {
    throw invalidOption('nonce', 'at least 16 base64 characters', nonce);
  }
  const csp = contentSecurityPolicy(checkCspSource(cspSource), nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
  <meta property="csp-nonce" content="${escapeAttr(nonce)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${escapeAttr(styleUri)}">
  <title>${escapeAttr(title)}</title>
</head>
<body>
  <main id="app" aria-live="off"></main>
  <script nonce="${escapeAttr(nonce)}" src="${escapeAttr(scriptUri)}"></script>
</body>
</html>
`;
}
