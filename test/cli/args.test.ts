import assert from 'node:assert/strict';
import { sharingFrom } from '../../src/cli/connect';
import { HELP, helpText, parseCliArgs, UsageError } from '../../src/cli/args';
import { FLAGS } from '../../src/cli/flags';

describe('cli args', () => {
  it('parses generate with limits, budget and flags', () => {
    const a = parseCliArgs([
      'generate',
      'examples/',
      'x.forge.yaml',
      '--rpm',
      '600',
      '--tier',
      'build',
      '--budget',
      '2.5',
      '--json',
      '--retry-failed',
      '--simulate',
    ]);
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
    assert.match(helpText({ helpFor: 'generate' }), /--new-version +after editing a prompt file/);
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
    [['generate', 'x', '--output-accounting', 'both'], /--output-accounting: expected one of actual, reserve/],
    [['generate', 'x', '--nope'], /^unknown option `--nope`$/],
    [['generate', 'x', '--budgt', '5'], /unknown option `--budgt`; did you mean `--budget`\?/],
    [['generate', 'x', '--budget', '-5'], /--budget: expected a number above 0, got `-5`/],
    [['generate', 'x', '--budget'], /--budget: expected a value \(USD\)/],
    [['generate', 'x', '--json=yes'], /--json: takes no value/],
    [['generat', 'x'], /unknown command `generat`; did you mean `generate`\?/],
    [['generate', 'x', '--port', '3'], /--port is not an option of generate \(it belongs to simulate\)/],
    [['validate', 'x', '--budget', '3'], /--budget is not an option of validate/],
    [['estimate', 'x', '--tier', 'buld'], /did you mean `build`\?/],
    [['render'], /render: name a prompt file/],
    [['render', 'a', 'b'], /render: takes one prompt file, got 2/],
    [['render', 'a', '--index', '-1'], /--index: expected an integer from 0 up, got `-1`/],
    [['generate', 'x', '--limit', '0'], /--limit: expected an integer from 1 up, got `0`/],
    [['help', 'frob'], /help: unknown command `frob`/],
    [['simulate', 'x'], /simulate: takes no files/],
    [['simulate', '--port', '70000'], /--port: expected an integer from 0 to 65535/],
    [['generate', 'x', '--redis', ' '], /--redis: expected URL, got an empty value/],
    [['generate', 'x', '--redis', 'redis://h', '--no-share'], /--redis and --no-share contradict each other/],
    [['generate', 'x', '--redis', 'redis://h', '--simulate'], /--redis with --simulate: a dry run .* shares no limits/],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${argv.join(' ')}`, () => {
      assert.throws(
        () => parseCliArgs(argv),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
      );
    });
  }

  it('each command has its own help, listing only its own flags', () => {
    for (const command of ['generate', 'estimate', 'validate', 'render', 'simulate'] as const) {
      const viaFlag = parseCliArgs([command, '--help']);
      assert.equal(viaFlag.command, 'help');
      assert.equal(viaFlag.helpFor, command);
      assert.deepEqual(parseCliArgs(['help', command]).helpFor, command);
      const text = helpText(viaFlag).split('\nEnvironment:')[0]!;
      assert.match(text, new RegExp(`^convforge ${command} — `));
      for (const f of FLAGS) {
        const listed = new RegExp(`^  (-\\w, )?--${f.name}\\b`, 'm').test(text);
        assert.equal(listed, f.commands.includes(command) && f.name !== 'version', `${command} help and --${f.name}`);
      }
    }
    assert.doesNotMatch(HELP, /--budget/);
    assert.match(HELP, /convforge render <file>/);
  });

  it('value flags take the next token even when it starts with a dash, or name=value', () => {
    assert.equal(parseCliArgs(['generate', 'x', '--budget=2']).budget, 2);
    assert.equal(parseCliArgs(['render', 'x', '--index', '3']).index, 3);
    const trial = parseCliArgs(['generate', 'x', '--limit', '5', '--yes', '--confirm-above', '50', '--overrun', '0.25']);
    assert.deepEqual([trial.limit, trial.yes, trial.confirmAboveUsd, trial.overrun], [5, true, 50, 0.25]);
    assert.deepEqual(parseCliArgs(['generate', '--', '--odd-name.forge.yaml']).inputs, ['--odd-name.forge.yaml']);
  });

  it('shares on this machine by default; --redis or CONVFORGE_REDIS_URL across machines; --no-share alone', () => {
    const env = { CONVFORGE_STATE_DIR: '/state' };
    assert.deepEqual(sharingFrom(parseCliArgs(['generate', 'x']), env), { mode: 'local', stateDir: '/state' });
    assert.deepEqual(sharingFrom(parseCliArgs(['generate', 'x', '--no-share']), { ...env, CONVFORGE_REDIS_URL: 'redis://e' }), {
      mode: 'off',
    });
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
