import assert from 'node:assert/strict';
import { checkCspSource, createNonce, renderPanelHtml } from '../../src/vscode/panel/panel-html';

const base = {
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css',
  cspSource: 'https://*.vscode-cdn.net',
  nonce: createNonce(),
};

function cspOf(html: string): string {
  const m = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
  assert.ok(m, 'no CSP meta tag');
  return m[1]!.replace(/&#39;|&apos;/g, "'");
}

describe('renderPanelHtml', () => {
  it('locks the page down to the nonce script and the webview origin', () => {
    const csp = cspOf(renderPanelHtml(base)).split('; ');
    assert.deepEqual(csp, [
      "default-src 'none'",
      `script-src 'nonce-${base.nonce}'`,
      `style-src ${base.cspSource} 'nonce-${base.nonce}'`,
      `font-src ${base.cspSource}`,
      `img-src ${base.cspSource} data:`,
    ]);
    assert.ok(!csp.join(';').includes('unsafe'), 'no unsafe-inline / unsafe-eval');
  });

  it('loads exactly one script, with the nonce, and the stylesheet', () => {
    const html = renderPanelHtml(base);
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(scripts, [`<script nonce="${base.nonce}" src="${base.scriptUri}">`]);
    assert.match(html, new RegExp(`<link rel="stylesheet" href="${base.styleUri.replace(/[.+*]/g, '\\$&')}">`));
    assert.ok(!/\sstyle=|\son[a-z]+=/i.test(html), 'no inline styles or handlers');
    // FAST reads this to stamp its one probe <style>; see contentSecurityPolicy.
    assert.ok(html.includes(`<meta property="csp-nonce" content="${base.nonce}">`));
  });

  it('escapes URIs so a crafted path cannot break out of the attribute', () => {
    const html = renderPanelHtml({ ...base, scriptUri: 'x"><script>alert(1)</script>' });
    assert.ok(!html.includes('"><script>alert'));
    assert.equal([...html.matchAll(/<script\b/g)].length, 1);
  });

  it("takes a cspSource list as code-server gives it ('self' plus a host source)", () => {
    const cspSource = "'self' https://*.vscode-cdn.net";
    const csp = cspOf(renderPanelHtml({ ...base, cspSource })).split('; ');
    assert.deepEqual(csp, [
      "default-src 'none'",
      `script-src 'nonce-${base.nonce}'`,
      `style-src ${cspSource} 'nonce-${base.nonce}'`,
      `font-src ${cspSource}`,
      `img-src ${cspSource} data:`,
    ]);
    // extra spaces collapse; scheme and host sources with port and path are source expressions
    assert.equal(checkCspSource("  'self'   https://*.vscode-cdn.net "), "'self' https://*.vscode-cdn.net");
    assert.equal(
      checkCspSource('https: vscode-resource: http://127.0.0.1:8080/stable-x/static/'),
      'https: vscode-resource: http://127.0.0.1:8080/stable-x/static/',
    );
  });

  it('refuses a weak nonce or a cspSource that would inject directives', () => {
    assert.throws(() => renderPanelHtml({ ...base, nonce: 'abc' }), /nonce/);
    for (const cspSource of [
      "x; script-src 'unsafe-inline'",
      "'self' https://*.vscode-cdn.net; script-src *",
      'https://*.vscode-cdn.net;',
      'https://a.net, https://b.net',
      "'self' 'unsafe-inline'",
      "'unsafe-eval'",
      "'nonce-abcdefghijklmnop'",
      "'self",
      '"self"',
      "'self'\nscript-src *",
      "'self'\tdata:",
      'https://a.net/"><script>',
      '',
      '   ',
    ]) {
      assert.throws(() => renderPanelHtml({ ...base, cspSource }), /cspSource/, JSON.stringify(cspSource));
    }
  });
});

describe('createNonce', () => {
  it('is 128 bits of base64 and differs every call', () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    assert.equal(nonces.size, 100);
    for (const n of nonces) assert.match(n, /^[A-Za-z0-9+/]{22}==$/);
  });
});
