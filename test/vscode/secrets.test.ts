import * as assert from 'node:assert/strict';
import { SECRET_KEY } from '../../src/vscode/ids';
import { ApiKeyStore, checkKeyShape, clearApiKey, promptForApiKey } from '../../src/vscode/secrets';
import { FakeSecrets, FakeUi } from './support/fakes';
import { fakeApiKey } from '../support/fake-api-key';

const KEY = fakeApiKey('api03-abcdefghijklmnopqrstuvwxyz');

describe('API key', () => {
  it('checks the shape lightly', () => {
    assert.equal(checkKeyShape(KEY), undefined);
    assert.match(checkKeyShape('')!, /Enter/);
    assert.match(checkKeyShape('sk-ant- x')!, /spaces/);
    assert.match(checkKeyShape('abc123456789012345678')!, /sk-ant-/);
    assert.match(checkKeyShape('sk-ant-1')!, /short/);
  });

  it('secret storage wins over ANTHROPIC_API_KEY; the environment is the fallback', async () => {
    const secrets = new FakeSecrets();
    const keys = new ApiKeyStore(secrets, { ANTHROPIC_API_KEY: fakeApiKey('from-environment-000') });
    assert.deepEqual(await keys.get(), { value: fakeApiKey('from-environment-000'), source: 'environment' });
    await keys.set(KEY);
    assert.deepEqual(await keys.get(), { value: KEY, source: 'secret-storage' });
    assert.equal(await keys.clear(), true);
    assert.equal((await keys.get())?.source, 'environment');
    assert.equal(await new ApiKeyStore(new FakeSecrets(), {}).get(), undefined);
  });

  it('source() names where the key comes from, never the key', async () => {
    const secrets = new FakeSecrets();
    const keys = new ApiKeyStore(secrets, { ANTHROPIC_API_KEY: fakeApiKey('from-environment-000') });
    assert.equal(await keys.source(), 'env');
    await keys.set(KEY);
    assert.equal(await keys.source(), 'secret');
    await keys.clear();
    assert.equal(await keys.source(), 'env');
    assert.equal(await new ApiKeyStore(new FakeSecrets(), { ANTHROPIC_API_KEY: '  ' }).source(), 'none');
  });

  it('Set API Key uses a password input box and never echoes the key', async () => {
    const ui = new FakeUi();
    const secrets = new FakeSecrets();
    const keys = new ApiKeyStore(secrets, {});
    ui.inputAnswers.push(`  ${KEY} `);
    assert.equal(await promptForApiKey(ui, keys), true);
    assert.equal(ui.inputs[0]!.password, true);
    assert.equal(ui.inputs[0]!.validateInput!('nope'), 'Anthropic API keys start with sk-ant-.');
    assert.equal(secrets.values.get(SECRET_KEY), KEY);
    assert.ok(ui.messages().every((m) => !m.includes(KEY)));
    ui.inputAnswers.push(undefined);
    assert.equal(await promptForApiKey(ui, keys), false);
  });

  it('Clear API Key says what it did, and that the environment key still applies', async () => {
    const ui = new FakeUi();
    const keys = new ApiKeyStore(new FakeSecrets(), { ANTHROPIC_API_KEY: 'sk-ant-env-00000000000000' });
    await clearApiKey(ui, keys);
    assert.match(ui.messages()[0]!, /no API key was stored\. ANTHROPIC_API_KEY from the environment is still used/);
  });
});
