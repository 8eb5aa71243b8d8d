// Child processes for the harness: output captured to a log file, a clear error on failure.
import { spawn, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';

export interface RunOptions extends SpawnOptions {
  /** Appended to, so a failed step can be read after the fact. */
  logFile?: string;
  timeoutMs?: number;
}

export function run(cmd: string, args: string[], options: RunOptions = {}): Promise<string> {
  const { logFile, timeoutMs = 600_000, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const log = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
    log?.write(`\n$ ${cmd} ${args.join(' ')}\n`);
    const onData = (d: Buffer): void => {
      out += d.toString();
      log?.write(d);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${timeoutMs} ms${logFile ? ` (log: ${logFile})` : ''}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      log?.end();
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      log?.end();
      if (code === 0) resolve(out);
      else {
        const tail = out.split('\n').slice(-30).join('\n');
        reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}${logFile ? ` (log: ${logFile})` : ''}\n${tail}`));
      }
    });
  });
}

export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    const candidate = `${dir}/${name}`;
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
