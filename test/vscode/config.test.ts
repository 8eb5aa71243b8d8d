import * as assert from 'node:assert/strict';
import {
  ConfigStore,
  DEFAULT_CONFIG,
  engineSettings,
  readConfig,
  SETTING_KEYS,
  sharingSettings,
  type ConfigChange,
} from '../../src/vscode/config';
import { FakeConfig, FakeLog } from './support/fakes';

describe('configuration', () => {
  it('reads defaults when nothing is set', () => {
    const { config, problems } = readConfig(new FakeConfig());
    assert.deepEqual(config, DEFAULT_CONFIG);
    assert.deepEqual(problems, []);
  });

  it('reads valid values; 0 means "not set"', () => {
    const { config, problems } = readConfig(
      new FakeConfig({
        tier: 'scale',
        'limits.requestsPerMinute': 500,
        'limits.inputTokensPerMinute': 0,
        maxConcurrency: 8,
        budgetUsd: 2.5,
        defaultModel: 'claude-sonnet-5-5',
        outputFormat: 'sharegpt',
        notifications: 'important',
        endpoint: 'http://127.0.0.1:8787/',
        useSimulator: true,
        patienceMinutes: 5,
      }),
    );
    assert.deepEqual(problems, []);
    assert.equal(config.patienceMinutes, 5);
    assert.equal(config.tier, 'scale');
    assert.deepEqual(config.limits, { rpm: 500 });
    assert.equal(config.maxConcurrency, 8);
    assert.equal(config.budgetUsd, 2.5);
    assert.equal(config.endpoint, 'http://127.0.0.1:8787');
    const { sharing, ...rest } = engineSettings(config);
    assert.deepEqual(rest, { limits: { tier: 'scale', rpm: 500 }, maxConcurrency: 8, budgetUsd: 2.5, outagePatienceMs: 300_000 });
    assert.equal(sharing?.mode, 'local');
  });

  it('shares the budget on this machine by default; the Redis setting, else CONVFORGE_REDIS_URL, shares across machines', () => {
    const read = (values: Record<string, unknown>) => readConfig(new FakeConfig(values)).config;
    const env = { CONVFORGE_STATE_DIR: '/state' };
    assert.deepEqual(sharingSettings(read({}), env), { mode: 'local', stateDir: '/state' });
    assert.deepEqual(sharingSettings(read({ 'sharing.enabled': false }), { ...env, CONVFORGE_REDIS_URL: 'redis://h' }), { mode: 'off' });
    assert.deepEqual(sharingSettings(read({}), { ...env, CONVFORGE_REDIS_URL: ' redis://h:6379 ' }), {
      mode: 'redis',
      url: 'redis://h:6379',
      source: 'CONVFORGE_REDIS_URL',
    });
    assert.deepEqual(sharingSettings(read({ 'sharing.redisUrl': 'rediss://u:p@r:6380' }), { ...env, CONVFORGE_REDIS_URL: 'redis://h' }), {
      mode: 'redis',
      url: 'rediss://u:p@r:6380',
      source: 'conversationForge.sharing.redisUrl',
    });
    const bad = readConfig(new FakeConfig({ 'sharing.redisUrl': 42, 'sharing.enabled': 'yes' }));
    assert.equal(bad.config.redisUrl, undefined);
    assert.equal(bad.config.sharingEnabled, true);
    assert.equal(bad.problems.length, 2);
    assert.match(bad.problems.join('\n'), /conversationForge\.sharing\.redisUrl/);
  });

  it('bad values fall back to defaults with one uniform message each', () => {
    const { config, problems } = readConfig(
      new FakeConfig({
        tier: 'gold',
        maxConcurrency: 2.5,
        budgetUsd: -1,
        defaultModel: 'gpt-4',
        endpoint: 'not a url',
        useSimulator: 'yes',
        'limits.requestsPerMinute': '100',
        patienceMinutes: -3,
      }),
    );
    assert.equal(config.patienceMinutes, 30);
    assert.equal(config.tier, 'start');
    assert.equal(config.maxConcurrency, undefined);
    assert.equal(config.defaultModel, DEFAULT_CONFIG.defaultModel);
    assert.equal(config.endpoint, undefined);
    assert.equal(config.useSimulator, false);
    assert.deepEqual(problems, [
      'Expected `conversationForge.limits.requestsPerMinute` to be an integer from 0 and up (0 = not set), got `100` (string); using 0 (not set).',
      'Expected `conversationForge.maxConcurrency` to be an integer from 0 and up (0 = not set), got `2.5` (number); using 0 (not set).',
      'Expected `conversationForge.budgetUsd` to be a number from 0 and up (0 = not set), got `-1` (number); using 0 (not set).',
      'Expected `conversationForge.patienceMinutes` to be a number from 0 and up (0 = the default, 30), got `-3` (number); using 30 minutes.',
      'Expected `conversationForge.defaultModel` to be a known model id, got `gpt-4` (string); using `claude-haiku-5-5`.',
      'Expected `conversationForge.endpoint` to be an http(s) URL or empty, got `not a url` (string); using the default endpoint.',
      'Expected `conversationForge.tier` to be one of `start`, `build`, `scale`, got `gold` (string); using `start`.',
      'Expected `conversationForge.useSimulator` to be `true` or `false`, got `yes` (string); using `false`.',
    ]);
  });

  it('ConfigStore warns once per bad value, re-reads on change and reports what changed', async () => {
    const source = new FakeConfig({ tier: 'gold' });
    const warnings: string[] = [];
    const store = new ConfigStore(source, (m) => warnings.push(m), new FakeLog());
    const changes: ConfigChange[] = [];
    store.onDidChange((c) => changes.push(c));
    assert.equal(warnings.length, 1);
    source.values['limits.requestsPerMinute'] = 300;
    source.fire('limits.requestsPerMinute');
    assert.equal(warnings.length, 1, 'the same bad tier is not warned about again');
    assert.deepEqual([...changes[0]!.changed], ['limits.requestsPerMinute']);
    assert.equal(store.current.limits.rpm, 300);
    source.fire('limits.requestsPerMinute');
    assert.equal(changes.length, 1, 'no change, no event');
    await store.set('useSimulator', true);
    assert.equal(store.current.useSimulator, true);
    store.dispose();
  });

  it('duplicateThreshold: 0.8 by default, any number above 0 and at most 1, re-read on change; a bad one says so', () => {
    assert.equal(readConfig(new FakeConfig({})).config.duplicateThreshold, 0.8);
    assert.equal(readConfig(new FakeConfig({ duplicateThreshold: 0.65 })).config.duplicateThreshold, 0.65);
    for (const bad of [0, 1.5, '0.7']) {
      const { config, problems } = readConfig(new FakeConfig({ duplicateThreshold: bad }));
      assert.equal(config.duplicateThreshold, 0.8);
      assert.match(
        problems[0] ?? '',
        /Expected `conversationForge\.duplicateThreshold` to be a number above 0 and at most 1, got .*; using 0\.8\./,
      );
    }
    const source = new FakeConfig({});
    const store = new ConfigStore(source, () => undefined, new FakeLog());
    const changes: ConfigChange[] = [];
    store.onDidChange((c) => changes.push(c));
    source.values['duplicateThreshold'] = 0.9;
    source.fire('duplicateThreshold');
    assert.equal(store.current.duplicateThreshold, 0.9);
    assert.deepEqual([...changes[0]!.changed], ['duplicateThreshold']);
    store.dispose();
  });

  it('every setting key is declared in package.json', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require('../../package.json') as { contributes: { configuration: { properties: Record<string, unknown> } } };
    const declared = Object.keys(pkg.contributes.configuration.properties)
      .map((k) => k.replace(/^conversationForge\./, ''))
      .sort();
    assert.deepEqual([...SETTING_KEYS].sort(), declared);
  });
});
