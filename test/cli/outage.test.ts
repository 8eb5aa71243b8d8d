import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fakeApiKey } from '../support/fake-api-key';
import { journalRecords, SMALL_FILE, tempWorkspace } from './support';

const MAIN = path.resolve(__dirname, '../../src/cli/main.ts');
const node = (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcess =>
  spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), MAIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The simulator as its own process (so it can be killed like a real outage), ready when it says so. */
async function startSimulatorProcess(port: number): Promise<ChildProcess> {
  const child = node(['simulate', '--port', String(port), '--rpm', '6000', '--latency-ms', '40']);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('listening on')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`simulator exited with ${code} before listening: ${out}`)));
  });
  return child;
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('convforge generate rides out an outage of the API', function () {
  this.timeout(180_000);
  let sim: ChildProcess | undefined;
  afterEach(() => sim?.kill('SIGKILL'));

  const N = 200;
  it('the endpoint killed mid-run and back later: the run finishes by itself, exit 0, nothing failed, every conversation once', async () => {
    const port = await freePort();
    sim = await startSimulatorProcess(port);
    const ws = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('alpha', N) });
    const cli = node(['generate', 'a.forge.yaml', '--rpm', '1200', '--json', '--max-attempts', '2'], {
      cwd: ws,
      env: { ANTHROPIC_API_KEY: fakeApiKey('outage-test'), ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` },
    });
    let stderr = '';
    let stdout = '';
    cli.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    cli.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => cli.on('close', (code) => resolve(code)));
    const journal = path.join(ws, 'out/alpha.meta.jsonl');
    const written = () => (fs.existsSync(journal) ? fs.readFileSync(journal, 'utf8').split('\n').length - 1 : 0);
    // The endpoint killed 3 s into the run, back 12 s later on the same port: long enough for the
    // outage to be told and for the probes to back off, short enough to keep npm test quick.
    const startedAt = Date.now();
    await until(() => written() >= 1, 'the first conversation');
    await new Promise((r) => setTimeout(r, Math.max(0, startedAt + 3_000 - Date.now())));
    sim.kill('SIGKILL');
    const killedAt = Date.now();
    const atKill = written();
    await until(() => stderr.includes('cannot reach the API'), 'the outage to be reported');
    await new Promise((r) => setTimeout(r, Math.max(0, killedAt + 12_000 - Date.now())));
    const duringOutage = written();
    sim = await startSimulatorProcess(port);
    const backAt = Date.now();
    const code = await exited;
    process.stderr.write(
      `      (killed ${((killedAt - startedAt) / 1000).toFixed(1)} s in with ${atKill} of ${N} written, back ${((backAt - killedAt) / 1000).toFixed(1)} s later; ${duringOutage} written while down; done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s)\n`,
    );
    assert.equal(code, 0, stderr);
    let summary: { generated: number; failed: number };
    try {
      summary = JSON.parse(stdout) as { generated: number; failed: number };
    } catch {
      assert.fail(`the --json summary does not parse: ${JSON.stringify(stdout.slice(0, 300))}\n${stderr}`);
    }
    assert.equal(summary.failed, 0);
    assert.match(
      stderr,
      new RegExp(`cannot reach the API at http://127\\.0\\.0\\.1:${port} since \\d\\d:\\d\\d:\\d\\d; retrying in \\d+s`),
    );
    assert.match(stderr, /the API answers again: resumed after the outage/);
    assert.ok(duringOutage < N, 'the outage happened mid-run');
    const ids = (journalRecords(journal) as { id: string }[]).map((m) => m.id);
    assert.equal(ids.length, N);
    assert.equal(new Set(ids).size, N, 'every conversation exactly once');
    assert.equal(fs.existsSync(path.join(ws, 'out/alpha.failed.jsonl')), false);
  });
});
