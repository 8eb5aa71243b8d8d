// The dataset viewer and report in headless Chromium, wired to their real host sessions over a
// loopback bridge: the page's postMessage goes to the session (ViewerSession / ReportSession, the
// same code VS Code runs), the session's messages come back as window messages. Only VS Code is
// missing; the real HTML shell, CSP, bundles and engine are all there.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { createNonce, renderPanelHtml } from '../../../src/vscode/panel/panel-html';
import { ReportSession } from '../../../src/vscode/dataset-viewer/report-session';
import { ViewerSession } from '../../../src/vscode/dataset-viewer/viewer-session';
import { buildReport } from '../../../src/core/dataset/dataset-report';
import { cspViolations, launchChromium, openPanel, ROOT, type PanelPage } from './browser';
import { THEME_KINDS, themeCss, type ThemeKind } from './themes';

export async function buildViewerBundles(): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), 'convforge-viewer-bundle-'));
  const common = { bundle: true, logLevel: 'error' as const, sourcemap: true };
  await Promise.all([
    build({
      ...common,
      entryPoints: { viewer: join(ROOT, 'webview/src/viewer/main.ts'), report: join(ROOT, 'webview/src/report/main.ts') },
      outdir,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
    }),
    build({ ...common, entryPoints: [join(ROOT, 'webview/src/viewer/viewer.css')], outfile: join(outdir, 'viewer.css') }),
  ]);
  return outdir;
}

export interface BundleServer {
  url(bundle: 'viewer' | 'report', theme: ThemeKind): string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export async function startViewerServer(bundleDir: string): Promise<BundleServer> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const page = /^\/(viewer|report)$/.exec(url.pathname);
    if (page) {
      const asked = url.searchParams.get('theme');
      const theme: ThemeKind = THEME_KINDS.find((k) => k === asked) ?? 'light';
      const html = renderPanelHtml({
        scriptUri: `${origin}/bundle/${page[1]}.js`,
        styleUri: `${origin}/bundle/viewer.css`,
        cspSource: origin,
        nonce: createNonce(),
        title: page[1] === 'viewer' ? 'Conversation Forge Dataset Viewer' : 'Conversation Forge Dataset Report',
      })
        .replace('</head>', `  <link rel="stylesheet" href="${origin}/theme-${theme}.css">\n</head>`)
        .replace('<body>', `<body class="vscode-${theme}" data-vscode-theme-kind="vscode-${theme}">`);
      send(200, 'text/html; charset=utf-8', html);
      return;
    }
    const theme = /^\/theme-(light|dark|high-contrast)\.css$/.exec(url.pathname);
    if (theme) return send(200, 'text/css', themeCss(theme[1] as ThemeKind));
    const asset = /^\/bundle\/((?:viewer|report)\.(?:js|css)(?:\.map)?)$/.exec(url.pathname);
    if (asset) {
      const name = asset[1]!;
      readFile(join(bundleDir, name)).then(
        (body) => send(200, TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream', body),
        () => send(404, 'text/plain', 'not built'),
      );
      return;
    }
    send(url.pathname === '/favicon.ico' ? 204 : 404, 'text/plain', '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (bundle, theme) => `${origin}/${bundle}?theme=${theme}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// Runs after the fake acquireVsCodeApi: every posted message also goes to the host bridge.
const BRIDGE = `(() => {
  const acquire = window.acquireVsCodeApi;
  window.acquireVsCodeApi = () => {
    const api = acquire();
    const post = api.postMessage;
    return { ...api, postMessage: (m) => { post(m); window.__toHost(JSON.parse(JSON.stringify(m))); } };
  };
})();`;

interface Listener {
  (m: unknown): void;
}

/** A port over a page: what the session posts lands in the page as a window message. */
function bridge(page: Page): {
  port: { postMessage(m: unknown): Promise<boolean>; onDidReceiveMessage(l: Listener): { dispose(): void } };
  deliver(m: unknown): void;
} {
  const listeners = new Set<Listener>();
  return {
    port: {
      postMessage: async (m) => {
        if (page.isClosed()) return false;
        await page
          .evaluate((msg) => (globalThis as unknown as { postMessage(x: unknown, o: string): void }).postMessage(msg, '*'), m)
          .catch(() => undefined);
        return true;
      },
      onDidReceiveMessage: (l) => {
        listeners.add(l);
        return { dispose: () => listeners.delete(l) };
      },
    },
    deliver: (m) => listeners.forEach((l) => l(m)),
  };
}

export interface ViewerPage extends PanelPage {
  session: ViewerSession;
  opened: { file: string; line: number }[];
  reports: string[];
}

export async function openViewer(browser: Browser, server: BundleServer, file: string, theme: ThemeKind = 'light'): Promise<ViewerPage> {
  const opened: { file: string; line: number }[] = [];
  const reports: string[] = [];
  let session: ViewerSession | undefined;
  const pending: unknown[] = [];
  const p = await openPanel(browser, server.url('viewer', theme), {
    waitFor: '.viewer-header',
    beforeLoad: async (page) => {
      const b = bridge(page);
      await page.exposeFunction('__toHost', (m: unknown) => (session ? b.deliver(m) : pending.push(m)));
      session = new ViewerSession(file, b.port as never, {
        openText: async (f, line) => void opened.push({ file: f, line }),
        showReport: async (f) => void reports.push(f),
        log: { warn: () => undefined, debug: () => undefined },
      });
      await page.addInitScript({ content: BRIDGE });
      // Messages the page posted before the session subscribed (none in practice: the page loads after).
      queueMicrotask(() => pending.splice(0).forEach((m) => b.deliver(m)));
    },
  });
  return { ...p, session: session!, opened, reports };
}

export interface ReportPage extends PanelPage {
  session: ReportSession;
  viewers: string[];
}

export async function openReport(
  browser: Browser,
  server: BundleServer,
  file: string | readonly string[],
  theme: ThemeKind = 'light',
): Promise<ReportPage> {
  const viewers: string[] = [];
  let session: ReportSession | undefined;
  const p = await openPanel(browser, server.url('report', theme), {
    waitFor: '.viewer-header',
    beforeLoad: async (page) => {
      const b = bridge(page);
      await page.exposeFunction('__toHost', (m: unknown) => b.deliver(m));
      session = new ReportSession(b.port as never, {
        build: (d, signal, onProgress) => buildReport(d, { signal, onProgress: (p) => onProgress(p.dataset, p.bytes) }),
        openViewer: async (d) => void viewers.push(d),
        log: { warn: () => undefined, debug: () => undefined },
      });
      await page.addInitScript({ content: BRIDGE });
    },
  });
  await session!.show(typeof file === 'string' ? [file] : file);
  return { ...p, session: session!, viewers };
}

/** What a viewer test suite opens once: the browser, the built bundles and their server, a scratch folder. */
export interface ViewerWorld {
  browser: Browser;
  server: BundleServer;
  dir: string;
  close(): Promise<void>;
}

export async function startViewerWorld(prefix: string): Promise<ViewerWorld> {
  const browser = await launchChromium((line) => console.log(`    ${line}`));
  const bundle = await buildViewerBundles();
  const server = await startViewerServer(bundle);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    browser,
    server,
    dir,
    close: async () => {
      await browser.close();
      await server.close();
      rmSync(bundle, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Closes the panels a test opened; after a test that passed, the CSP blocked nothing the page needs and it threw nothing. */
export async function closePanels(open: readonly (PanelPage & { session: { dispose(): void } })[], passed: boolean): Promise<void> {
  for (const p of open) {
    const violations = await cspViolations(p.page);
    p.session.dispose();
    await p.page.close();
    if (passed) {
      assert.deepEqual(violations, [], 'the CSP blocked something the page needs');
      assert.deepEqual(p.errors, [], 'page errors');
    }
  }
}
