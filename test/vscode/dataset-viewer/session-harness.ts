// A viewer session over a fake webview, for the session tests.
import type { ViewerHostMessage, ViewerWebviewMessage } from '../../../src/protocol';
import { ViewerSession } from '../../../src/vscode/dataset-viewer/viewer-session';

/** A session over a fake webview: records what the host posts, lets the test post as the webview. */
/** A fake webview: records what the host posts; `send` posts a message as the webview would. */
export function fakeWebview<M>() {
  const posted: M[] = [];
  let listener: ((m: unknown) => void) | undefined;
  const webview = {
    postMessage: async (m: M) => {
      posted.push(m);
      return true;
    },
    onDidReceiveMessage: (l: (m: unknown) => void) => {
      listener = l;
      return { dispose: () => (listener = undefined) };
    },
  };
  return { posted, webview, send: (m: unknown) => listener?.(m) };
}

/** A session over a fake webview: records what the host posts, lets the test post as the webview. */
export function harness(file: string, openPager?: ConstructorParameters<typeof ViewerSession>[3]) {
  const fake = fakeWebview<ViewerHostMessage>();
  const warnings: string[] = [];
  const opened: { file: string; line: number }[] = [];
  const session = new ViewerSession(
    file,
    fake.webview,
    {
      openText: async (f, line) => void opened.push({ file: f, line }),
      showReport: async () => undefined,
      log: { warn: (m) => warnings.push(m), debug: () => undefined },
    },
    openPager,
  );
  const send = async (m: ViewerWebviewMessage | Record<string, unknown>) => {
    fake.send(m);
    await session.idle;
  };
  return { session, posted: fake.posted, warnings, opened, send };
}

export async function until<T>(what: string, f: () => T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
