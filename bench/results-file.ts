import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes one JSON result file under bench/results/ (git-ignored) and returns its path relative to the repo. */
export function writeResults(name: string, data: unknown): string {
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `${name}-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify({ name, at: new Date().toISOString(), node: process.version, data }, null, 2)}\n`);
  return join('bench', 'results', `${name}-${stamp}.json`);
}
