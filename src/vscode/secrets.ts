import { SECRET_KEY } from './ids';
import type { SecretStore, Ui } from './ports';

/**
 * The Anthropic API key lives only in SecretStorage, or comes from ANTHROPIC_API_KEY in the
 * extension host's environment. It never goes into settings, logs, notifications or the webview:
 * this module hands it to the caller factory and to nobody else.
 */
export type KeySource = 'secret-storage' | 'environment';

export interface ApiKey {
  readonly value: string;
  readonly source: KeySource;
}

/** Light shape check: Anthropic keys start `sk-ant-`; anything with spaces is a paste accident. */
export function checkKeyShape(value: string): string | undefined {
  const key = value.trim();
  if (key === '') return 'Enter the API key (it starts with sk-ant-).';
  if (/\s/.test(key)) return 'An API key has no spaces or line breaks.';
  if (!key.startsWith('sk-ant-')) return 'Anthropic API keys start with sk-ant-.';
  if (key.length < 20) return 'That is too short to be an API key.';
  return undefined;
}

export class ApiKeyStore {
  constructor(
    private readonly secrets: SecretStore,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {}

  /** The stored key wins over the environment (the user set it on purpose). */
  async get(): Promise<ApiKey | undefined> {
    const stored = await this.secrets.get(SECRET_KEY);
    if (stored) return { value: stored, source: 'secret-storage' };
    const fromEnv = this.env['ANTHROPIC_API_KEY']?.trim();
    if (fromEnv) return { value: fromEnv, source: 'environment' };
    return undefined;
  }

  async set(value: string): Promise<void> {
    const problem = checkKeyShape(value);
    if (problem) throw new Error(problem);
    await this.secrets.store(SECRET_KEY, value.trim());
  }

  async clear(): Promise<boolean> {
    const had = (await this.secrets.get(SECRET_KEY)) !== undefined;
    await this.secrets.delete(SECRET_KEY);
    return had;
  }

  /** Where a run would take its key from now, and nothing about the key itself. */
  async source(): Promise<'secret' | 'env' | 'none'> {
    const key = await this.get();
    return key === undefined ? 'none' : key.source === 'secret-storage' ? 'secret' : 'env';
  }

  get environmentHasKey(): boolean {
    return Boolean(this.env['ANTHROPIC_API_KEY']?.trim());
  }
}

/** Set API Key: a password input box; nothing about the key is echoed back. */
export async function promptForApiKey(ui: Ui, keys: ApiKeyStore): Promise<boolean> {
  const value = await ui.inputBox({
    title: 'Conversation Forge: Set API Key',
    prompt: 'Your Anthropic API key. It is kept in VS Code’s secret storage, never in settings.',
    placeHolder: 'sk-ant-…',
    password: true,
    ignoreFocusOut: true,
    validateInput: checkKeyShape,
  });
  if (value === undefined) return false;
  await keys.set(value);
  void ui.info('Conversation Forge: API key saved in secret storage.');
  return true;
}

export async function clearApiKey(ui: Ui, keys: ApiKeyStore): Promise<void> {
  const had = await keys.clear();
  const envNote = keys.environmentHasKey ? ' ANTHROPIC_API_KEY from the environment is still used.' : '';
  void ui.info(
    had ? `Conversation Forge: API key removed from secret storage.${envNote}` : `Conversation Forge: no API key was stored.${envNote}`,
  );
}
