// `scenario(title, options, body)`: one mocha test per user scenario. Opens a fresh workspace,
// simulator and browser context, screenshots on failure, always tears down, records wall time.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { recordWallTime } from './harness';
import { openScenario, type Scenario, type ScenarioOptions } from './scenario';

export function scenario(title: string, options: ScenarioOptions, body: (s: Scenario) => Promise<void>, timeoutMs = 120_000): void {
  it(title, async function () {
    this.timeout(timeoutMs + 60_000);
    const started = Date.now();
    let s: Scenario | undefined;
    let state = 'failed';
    let why: string | undefined;
    try {
      s = await openScenario(title.split(':')[0]!.trim(), options);
      await body(s);
      state = 'passed';
    } catch (err) {
      why = firstLines(err);
      if (s) {
        const shot = await s.wb.screenshot('failure');
        const notes = await s.wb.notifications();
        const extra = [`screenshot: ${shot}`];
        if (notes.length > 0) extra.push(`notifications: ${JSON.stringify(notes)}`);
        const logs = keepServerLogs(s.harness.server.userDataDir, s.harness.server.logFile, shot);
        if (logs) extra.push(`server logs: ${logs}`);
        if (err instanceof Error) err.message += `\n      ${extra.join('\n      ')}`;
      }
      throw err;
    } finally {
      await s?.close();
      recordWallTime(title, Date.now() - started, state, why);
    }
  });
}

/**
 * The server's logs (extension hosts, remote agent, code-server) as they stand at the failure,
 * beside its screenshot: the run folder is removed at the end, and a failure that depends on load
 * is rarely seen twice.
 */
function keepServerLogs(userDataDir: string, serverLog: string, shot: string): string | undefined {
  try {
    const dir = path.join(path.dirname(shot), 'server-logs');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const logs = path.join(userDataDir, 'logs');
    if (fs.existsSync(logs)) fs.cpSync(logs, path.join(dir, 'logs'), { recursive: true });
    if (fs.existsSync(serverLog)) fs.copyFileSync(serverLog, path.join(dir, path.basename(serverLog)));
    return path.relative(process.cwd(), dir);
  } catch {
    return undefined;
  }
}

/** The message and the first frame in our own tests: enough to tell which check failed. */
function firstLines(err: unknown): string {
  if (!(err instanceof Error)) return String(err).slice(0, 400);
  const frame = err.stack?.split('\n').find((l) => /test\/e2e\//.test(l) && !/support\/define-scenario/.test(l));
  const message = err.message.split('\n').slice(0, 6).join('\n').slice(0, 600);
  return frame ? `${message}\n${frame.trim().replace(`${process.cwd()}/`, '')}` : message;
}
