import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Loaded by mocha before every test file: shared limits (on by default) must never write into the
 * user's real per-user state folder, and runs of one test must not share a budget with another
 * test run on the same machine.
 */
if (!process.env['CONVFORGE_STATE_DIR']) {
  const dir = mkdtempSync(join(tmpdir(), 'forge-test-state-'));
  process.env['CONVFORGE_STATE_DIR'] = dir;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}
