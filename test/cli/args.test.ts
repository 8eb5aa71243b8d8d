import assert from 'node:assert/strict';
import { sharingFrom } from '../../src/cli/connect';
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
    [['generate', 'x', '--redis', ' '], /--redis: expected a redis:\/\/ URL, got an empty value/],
    [['generate', 'x', '--redis', 'redis://h', '--no-share'], /--redis and --no-share contradict each other/],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${argv.join(' ')}`, () => {
      assert.throws(() => parseCliArgs(argv), (e: unknown) => e instanceof UsageError && message.test(e.message));
    });
  }

  it('shares on this machine by default; --redis or CONVFORGE_REDIS_URL across machines; --no-share alone', () => {
    const env = { CONVFORGE_STATE_DIR: '/state' };
    assert.deepEqual(sharingFrom(parseCliArgs(['generate', 'x']), env), { mode: 'local', stateDir: '/state' });
    assert.deepEqual(sharingFrom(parseCliArgs(['generate', 'x', '--no-share']), { ...env, CONVFORGE_REDIS_URL: 'redis://e' }), { mode: 'off' });
    assert.deepEqual(sharingFrom(parseCliArgs(['generate', 'x']), { ...env, CONVFORGE_REDIS_URL: 'redis://e' }), {
      mode: 'redis',
      url: 'redis://e',
      source: 'CONVFORGE_REDIS_URL',
    });
    assert.deepEqual(sharingFrom(parseCliArgs(['generate', 'x', '--redis', 'redis://f:1']), { ...env, CONVFORGE_REDIS_URL: 'redis://e' }), {
      mode: 'redis',
      url: 'redis://f:1',
      source: '--redis',
    });
  });
});
