// A loopback server standing in for the webview origin: it serves the real panel HTML
// (renderPanelHtml, so the real CSP applies), the freshly built bundle and a theme.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createNonce, renderPanelHtml } from '../../../src/vscode/panel/panel-html';
import { THEME_KINDS, themeCss, type ThemeKind } from './themes';

export interface PanelServer {
  url(theme: ThemeKind): string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export async function startPanelServer(bundleDir: string): Promise<PanelServer> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/panel') {
      const asked = url.searchParams.get('theme');
      const theme: ThemeKind = THEME_KINDS.find((k) => k === asked) ?? 'light';
      // VS Code injects the theme into the webview document; mimic that around our HTML.
      const html = renderPanelHtml({
        scriptUri: `${origin}/bundle/webview.js`,
        styleUri: `${origin}/bundle/webview.css`,
        cspSource: origin,
        nonce: createNonce(),
      })
        .replace('</head>', `  <link rel="stylesheet" href="${origin}/theme-${theme}.css">\n</head>`)
        .replace('<body>', `<body class="vscode-${theme}" data-vscode-theme-kind="vscode-${theme}">`);
      send(200, 'text/html; charset=utf-8', html);
      return;
    }
    const theme = /^\/theme-(light|dark|high-contrast)\.css$/.exec(url.pathname);
    if (theme) {
      send(200, 'text/css', themeCss(theme[1] as ThemeKind));
      return;
    }
    const asset = /^\/bundle\/(webview\.(?:js|css)(?:\.map)?)$/.exec(url.pathname);
    if (asset) {
      const name = asset[1]!;
      readFile(join(bundleDir, name)).then(
        (body) => send(200, TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream', body),
        () => send(404, 'text/plain', 'not built'),
      );
      return;
    }
    // A webview has no favicon; answer so the browser's request is not logged as an error.
    if (url.pathname === '/favicon.ico') {
      send(204, 'image/x-icon', '');
      return;
    }
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (theme) => `${origin}/panel?theme=${theme}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
