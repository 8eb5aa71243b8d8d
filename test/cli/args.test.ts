import assert from 'node:assert/strict';
import { HELP, parseCliArgs, UsageError } from '../../src/cli/args';

describe('cli args', () => {
  it('parses generate with limits, budget and flags', () => {
    const a = parseCliArgs(['generate', 'examples/', 'x.forge.yaml', '--rpm', '600', '--tier', 'build', '--budget', '2.5', '--json', '--retry-failed', '--simulate']);
    assert.equal(a.command, 'generate');
    assert.deepEqual(a.inputs, ['examples/', 'x.forge.yaml']);
    assert.deepEqual(a.limits, { tier: 'build', rpm: 600 });
    assert.equal(a.budget, 2.5);
    assert.equal(a.json, true);
    assert.equal(a.retryFailed, true);
    assert.equal(a.simulate, true);
    assert.equal(a.outputAccounting, 'actual');
    assert.equal(a.newVersion, false);
  });

  it('--new-version is off unless given, and documented in the help', () => {
    assert.equal(parseCliArgs(['generate', 'x.forge.yaml', '--new-version']).newVersion, true);
    assert.equal(parseCliArgs(['generate', 'x.forge.yaml']).newVersion, false);
    assert.match(HELP, /--new-version +after editing a prompt file/);
  });

  it('no command means help; --version wins', () => {
    assert.equal(parseCliArgs([]).command, 'help');
    assert.equal(parseCliArgs(['generate', 'x', '-v']).command, 'version');
  });

  const bad: Array<[string[], RegExp]> = [
    [['frobnicate'], /unknown command `frobnicate`/],
    [['generate'], /generate: name at least one prompt file/],
    [['generate', 'x', '--rpm', 'lots'], /--rpm: expected an integer from 1 up, got `lots`/],
    [['generate', 'x', '--rpm', '0'], /--rpm: expected an integer from 1 up, got `0`/],
    [['generate', 'x', '--tier', 'gold'], /--tier: expected one of start, build, scale, got `gold`/],
    [['generate', 'x', '--budget=-1'], /--budget: expected a number above 0/],
    [['generate', 'x', '--concurrency', '1.5'], /--concurrency: expected an integer from 1 up/],
    [['generate', 'x', '--output-accounting', 'both'], /--output-accounting: expected one of reserve, actual/],
    [['generate', 'x', '--nope'], /Unknown option '--nope'/],
    [['simulate', 'x'], /simulate: takes no files/],
    [['simulate', '--port', '70000'], /--port: expected an integer from 0 to 65535/],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${argv.join(' ')}`, () => {
      assert.throws(() => parseCliArgs(argv), (e: unknown) => e instanceof UsageError && message.test(e.message));
    });
  }
});
