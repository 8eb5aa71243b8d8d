import assert from 'node:assert/strict';
import { cli, SMALL_FILE, tempWorkspace } from './support';

/**
 * Each dry run starts a simulator with the same seed; its texts follow the requests, so a second
 * dry run of other prompts does not repeat the first one's conversations.
 */
describe('dry runs do not repeat each other (against the built-in simulator)', function () {
  this.timeout(90_000);

  it('two dry runs of different prompt files, one after the other: no duplicates across their datasets', async () => {
    const ws = tempWorkspace({
      'a.forge.yaml': SMALL_FILE('a', 6),
      'b.forge.yaml': SMALL_FILE('b', 6).replace('A {{who}} asks about {{what}}.', 'A {{who}} complains about {{what}}.'),
    });
    for (const file of ['a.forge.yaml', 'b.forge.yaml']) {
      const r = await cli(['generate', file, '--simulate', '--quiet', '--json'], ws);
      assert.equal(r.code, 0, r.stderr);
    }
    const d = await cli(['dedup', 'out/a.simulated.jsonl', 'out/b.simulated.jsonl', '--json'], ws);
    assert.equal(d.code, 0, d.stderr);
    const found = JSON.parse(d.stdout) as { conversations: number; duplicates: unknown[] };
    assert.equal(found.conversations, 12);
    assert.deepEqual(found.duplicates, []);
  });
});
