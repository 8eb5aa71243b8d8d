import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../src/sim';
import { cli, SMALL_FILE, tempWorkspace } from './support';
import { fakeApiKey } from '../support/fake-api-key';

const KEY = fakeApiKey('api03-THIS-IS-A-TEST-KEY-THAT-MUST-NEVER-BE-PRINTED-0123456789');

describe('the API key never appears in CLI output', function () {
  this.timeout(60_000);
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startSimulator({ acceptKey: (k) => k !== KEY });
  });
  after(() => sim.close());

  it('a rejected key stops the run (auth) with a clear reason, and the key is printed nowhere', async () => {
    const ws = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('alpha', 5) });
    const env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: sim.url };
    for (const argv of [
      ['generate', '.', '--json'],
      ['generate', '.'],
      ['estimate', '.'],
    ]) {
      const r = await cli(argv, ws, { env });
      const everything = r.stdout + r.stderr;
      assert.ok(!everything.includes(KEY), `${argv.join(' ')} printed the key`);
      assert.ok(!everything.includes('THIS-IS-A-TEST-KEY'), `${argv.join(' ')} printed part of the key`);
      assert.notEqual(r.code, 0, argv.join(' '));
      assert.match(everything, /authentication/i, `${argv.join(' ')} printed: ${everything}`);
    }
    // Nor in anything written to disk.
    const out = path.join(ws, 'out');
    if (fs.existsSync(out)) {
      for (const f of fs.readdirSync(out)) assert.ok(!fs.readFileSync(path.join(out, f), 'utf8').includes(KEY), f);
    }
  });
});
