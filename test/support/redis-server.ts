import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, createConnection } from 'node:net';

/**
 * A real redis-server for one test file: a free loopback port, no persistence, stopped by its pid.
 * In CI (CI=true) a missing or failing redis-server fails the suite; elsewhere it is skipped with
 * a message, so `npm run test:redis` still runs on a machine with only Node and npm.
 */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
  /** Starts it again on the same port (state is gone: no persistence). */
  restart(): Promise<void>;
}

export function redisServerPath(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.once('error', () => done(false));
    sock.on('data', (d) => {
      answer += d.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG') || answer.startsWith('-NOAUTH'));
    });
    sock.once('connect', () => sock.write('PING\r\n'));
  });
}

async function launch(bin: string, port: number, extra: readonly string[]): Promise<ChildProcess> {
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} on port ${port}`);
    if (await ping(port)) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer on port ${port} within 15 s`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Call in a `before` hook: starts a server, or skips (outside CI) / fails (in CI) when it cannot. */
export async function startRedisServer(ctx: Mocha.Context, extra: readonly string[] = []): Promise<RedisServer> {
  const bin = redisServerPath();
  const inCi = process.env['CI'] === 'true';
  if (!bin) {
    if (inCi) throw new Error('redis-server not found: CI must install it (apt-get install redis-server)');
    process.stderr.write('  (skipped: redis-server is not installed; install it to run the Redis tests)\n');
    ctx.skip();
  }
  return launchRedisServer(bin!, extra);
}

/** Starts redis-server at `bin` on a free loopback port (benchmarks call this directly). */
export async function launchRedisServer(bin: string, extra: readonly string[] = []): Promise<RedisServer> {
  const port = await freePort();
  let child = await launch(bin, port, extra);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child.pid!;
    },
    stop: () => stopChild(child),
    restart: async () => {
      await stopChild(child);
      child = await launch(bin, port, extra);
    },
  };
}
