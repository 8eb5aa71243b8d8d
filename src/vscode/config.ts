import { homedir } from 'node:os';
import type { EngineSettings } from '../engine';
import { defaultStateDir, type SharingSettings } from '../core/limiter/sharing';
import type { OutputFormat } from '../core/generate/types';
import { resolveModel, TIERS, type Tier } from '../core/models';
import { CONFIG_SECTION } from './ids';
import type { ConfigSource, Disposable, Event, LogSink } from './ports';
import { expectedText, numberWording, oneOfWording } from '../core/validate';
import { DEFAULT_DUPLICATE_THRESHOLD } from '../core/dataset/near-duplicates';

/**
 * Every `conversationForge.*` setting is read here and only here, into one typed, validated object.
 * A bad value gets one uniform message (shown once as a warning) and the default instead.
 */
export type NotificationLevel = 'all' | 'important' | 'none';

export interface ForgeConfig {
  readonly tier: Tier;
  /** Explicit per-minute limits; undefined = from the tier. */
  readonly limits: { readonly rpm?: number; readonly itpm?: number; readonly otpm?: number };
  /** undefined = derived from the limits and observed latency. */
  readonly maxConcurrency?: number;
  readonly defaultModel: string;
  readonly outputFormat: OutputFormat;
  /** undefined = no budget. */
  readonly budgetUsd?: number;
  readonly notifications: NotificationLevel;
  /** undefined = the SDK default (ANTHROPIC_BASE_URL, else the public API). */
  readonly endpoint?: string;
  readonly useSimulator: boolean;
  /** A run estimated above this asks first (modal); 0 = never ask. */
  readonly confirmAboveUsd: number;
  /** How long an unreachable API is waited out (probing with backoff) before a run stops, in minutes (the CLI's --patience). */
  readonly patienceMinutes: number;
  /** Share one budget per API key with this user's other Forge processes (windows, convforge). */
  readonly sharingEnabled: boolean;
  /** Share across machines through this Redis; undefined = CONVFORGE_REDIS_URL, else the local file. */
  readonly redisUrl?: string;
  /** Jaccard similarity from which two conversations are near-duplicates (the CLI's --threshold): Find Duplicates… and after a run. */
  readonly duplicateThreshold: number;
}

export const DEFAULT_CONFIG: ForgeConfig = {
  tier: 'start',
  limits: {},
  defaultModel: 'claude-haiku-5-5',
  outputFormat: 'openai',
  notifications: 'all',
  useSimulator: false,
  confirmAboveUsd: 10,
  patienceMinutes: 30,
  sharingEnabled: true,
  duplicateThreshold: DEFAULT_DUPLICATE_THRESHOLD,
};

/** Setting keys under `conversationForge.`, as package.json declares them. */
export const SETTING_KEYS = [
  'tier',
  'limits.requestsPerMinute',
  'limits.inputTokensPerMinute',
  'limits.outputTokensPerMinute',
  'maxConcurrency',
  'defaultModel',
  'outputFormat',
  'budgetUsd',
  'notifications',
  'endpoint',
  'useSimulator',
  'confirmAboveUsd',
  'patienceMinutes',
  'sharing.enabled',
  'sharing.redisUrl',
  'duplicateThreshold',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export interface ConfigRead {
  config: ForgeConfig;
  /** One uniform message per bad value. */
  problems: string[];
}

function problem(key: string, expected: string, value: unknown, fallback: string): string {
  return `${expectedText(`${CONFIG_SECTION}.${key}`, expected, value)}; using ${fallback}.`;
}

export function readConfig(source: Pick<ConfigSource, 'get'>): ConfigRead {
  const problems: string[] = [];
  const oneOf = <T extends string>(key: SettingKey, allowed: readonly T[], fallback: T): T => {
    const v = source.get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    problems.push(problem(key, oneOfWording(allowed), v, `\`${fallback}\``));
    return fallback;
  };
  /** 0 (the default) means "not set". */
  const optionalNumber = (key: SettingKey, integer: boolean): number | undefined => {
    const v = source.get(key);
    if (v === undefined || v === null || v === 0) return undefined;
    if (typeof v === 'number' && Number.isFinite(v) && v > 0 && (!integer || Number.isInteger(v))) return v;
    problems.push(problem(key, `${numberWording({ integer, min: 0 })} (0 = not set)`, v, '0 (not set)'));
    return undefined;
  };
  const bool = (key: SettingKey, fallback: boolean): boolean => {
    const v = source.get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'boolean') return v;
    problems.push(problem(key, '`true` or `false`', v, `\`${fallback}\``));
    return fallback;
  };

  const rpm = optionalNumber('limits.requestsPerMinute', true);
  const itpm = optionalNumber('limits.inputTokensPerMinute', true);
  const otpm = optionalNumber('limits.outputTokensPerMinute', true);
  const maxConcurrency = optionalNumber('maxConcurrency', true);
  const budgetUsd = optionalNumber('budgetUsd', false);
  // 0 (or unset) is the default patience, never "give up at once": an outage is always waited out a while.
  let patienceMinutes: number = DEFAULT_CONFIG.patienceMinutes;
  const patience = source.get('patienceMinutes');
  if (typeof patience === 'number' && Number.isFinite(patience) && patience > 0) patienceMinutes = patience;
  else if (patience !== undefined && patience !== null && patience !== 0) {
    const wording = `${numberWording({ min: 0 })} (0 = the default, ${DEFAULT_CONFIG.patienceMinutes})`;
    problems.push(problem('patienceMinutes', wording, patience, `${DEFAULT_CONFIG.patienceMinutes} minutes`));
  }
  // 0 is a real choice here (never ask), not "unset".
  const confirmAboveUsd = source.get('confirmAboveUsd') === 0 ? 0 : optionalNumber('confirmAboveUsd', false);

  let defaultModel = DEFAULT_CONFIG.defaultModel;
  const model = source.get('defaultModel');
  if (model !== undefined && model !== null && model !== '') {
    if (typeof model === 'string' && resolveModel(model) !== undefined) defaultModel = model;
    else problems.push(problem('defaultModel', 'a known model id', model, `\`${DEFAULT_CONFIG.defaultModel}\``));
  }

  let endpoint: string | undefined;
  const url = source.get('endpoint');
  if (url !== undefined && url !== null && url !== '') {
    if (typeof url === 'string' && /^https?:\/\/[^\s/]+/.test(url.trim())) endpoint = url.trim().replace(/\/+$/, '');
    else problems.push(problem('endpoint', 'an http(s) URL or empty', url, 'the default endpoint'));
  }

  let duplicateThreshold = DEFAULT_CONFIG.duplicateThreshold;
  const threshold = source.get('duplicateThreshold');
  if (threshold !== undefined && threshold !== null) {
    if (typeof threshold === 'number' && threshold > 0 && threshold <= 1) duplicateThreshold = threshold;
    else problems.push(problem('duplicateThreshold', 'a number above 0 and at most 1', threshold, `${DEFAULT_CONFIG.duplicateThreshold}`));
  }

  let redisUrl: string | undefined;
  const redis = source.get('sharing.redisUrl');
  if (redis !== undefined && redis !== null && redis !== '') {
    // Checked in full (and its password hidden in messages) when a run opens the store.
    if (typeof redis === 'string') redisUrl = redis.trim();
    else problems.push(problem('sharing.redisUrl', 'a redis:// URL or empty', redis, 'no Redis'));
  }

  const config: ForgeConfig = {
    tier: oneOf('tier', TIERS, DEFAULT_CONFIG.tier),
    limits: { ...(rpm ? { rpm } : {}), ...(itpm ? { itpm } : {}), ...(otpm ? { otpm } : {}) },
    ...(maxConcurrency ? { maxConcurrency } : {}),
    defaultModel,
    outputFormat: oneOf('outputFormat', ['openai', 'sharegpt', 'anthropic'] as const, DEFAULT_CONFIG.outputFormat),
    ...(budgetUsd ? { budgetUsd } : {}),
    notifications: oneOf('notifications', ['all', 'important', 'none'] as const, DEFAULT_CONFIG.notifications),
    ...(endpoint ? { endpoint } : {}),
    useSimulator: bool('useSimulator', DEFAULT_CONFIG.useSimulator),
    confirmAboveUsd: confirmAboveUsd ?? DEFAULT_CONFIG.confirmAboveUsd,
    patienceMinutes,
    sharingEnabled: bool('sharing.enabled', DEFAULT_CONFIG.sharingEnabled),
    ...(redisUrl ? { redisUrl } : {}),
    duplicateThreshold,
  };
  return { config, problems };
}

/** Where the setting, else CONVFORGE_REDIS_URL, else this machine's state folder, says the budget is shared. */
export function sharingSettings(config: ForgeConfig, env: NodeJS.ProcessEnv = process.env): SharingSettings {
  if (!config.sharingEnabled) return { mode: 'off' };
  if (config.redisUrl) return { mode: 'redis', url: config.redisUrl, source: `${CONFIG_SECTION}.sharing.redisUrl` };
  const fromEnv = env['CONVFORGE_REDIS_URL']?.trim();
  if (fromEnv) return { mode: 'redis', url: fromEnv, source: 'CONVFORGE_REDIS_URL' };
  return { mode: 'local', stateDir: defaultStateDir(env, process.platform, homedir()) };
}

/** The engine's view of the configuration. */
export function engineSettings(config: ForgeConfig): EngineSettings {
  return {
    limits: { tier: config.tier, ...config.limits },
    sharing: sharingSettings(config),
    ...(config.maxConcurrency ? { maxConcurrency: config.maxConcurrency } : {}),
    ...(config.budgetUsd ? { budgetUsd: config.budgetUsd } : {}),
    outagePatienceMs: config.patienceMinutes * 60_000,
  };
}

export interface ConfigChange {
  readonly config: ForgeConfig;
  readonly previous: ForgeConfig;
  /** Which settings changed value. */
  readonly changed: ReadonlySet<SettingKey>;
}

/**
 * Holds the current configuration, re-reads it when VS Code says a `conversationForge.*` setting
 * changed, and tells listeners what changed. Each distinct problem is warned about once.
 */
export class ConfigStore implements Disposable {
  private value: ForgeConfig;
  private readonly warned = new Set<string>();
  private readonly listeners = new Set<(change: ConfigChange) => void>();
  private readonly subscription: Disposable;

  constructor(
    private readonly source: ConfigSource,
    private readonly warn: (message: string) => void,
    private readonly log?: LogSink,
  ) {
    this.value = this.read();
    this.subscription = source.onDidChange((e) => {
      if (e.affects(CONFIG_SECTION)) this.reload();
    });
  }

  get current(): ForgeConfig {
    return this.value;
  }

  readonly onDidChange: Event<ConfigChange> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };

  /** Persists a setting; the change arrives back through onDidChange. */
  set(key: SettingKey, value: unknown): Promise<void> {
    return this.source.set(key, value);
  }

  reload(): void {
    const previous = this.value;
    const next = this.read();
    const changed = new Set<SettingKey>();
    const flat = (c: ForgeConfig): Record<SettingKey, unknown> => ({
      tier: c.tier,
      'limits.requestsPerMinute': c.limits.rpm,
      'limits.inputTokensPerMinute': c.limits.itpm,
      'limits.outputTokensPerMinute': c.limits.otpm,
      maxConcurrency: c.maxConcurrency,
      defaultModel: c.defaultModel,
      outputFormat: c.outputFormat,
      budgetUsd: c.budgetUsd,
      patienceMinutes: c.patienceMinutes,
      notifications: c.notifications,
      endpoint: c.endpoint,
      useSimulator: c.useSimulator,
      confirmAboveUsd: c.confirmAboveUsd,
      'sharing.enabled': c.sharingEnabled,
      'sharing.redisUrl': c.redisUrl,
      duplicateThreshold: c.duplicateThreshold,
    });
    const a = flat(previous);
    const b = flat(next);
    for (const key of SETTING_KEYS) if (a[key] !== b[key]) changed.add(key);
    this.value = next;
    if (changed.size === 0) return;
    this.log?.info(`settings changed: ${[...changed].join(', ')}`);
    for (const l of [...this.listeners]) {
      try {
        l({ config: next, previous, changed });
      } catch (error) {
        this.log?.error(`a settings listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.listeners.clear();
  }

  private read(): ForgeConfig {
    const { config, problems } = readConfig(this.source);
    for (const p of problems) {
      if (this.warned.has(p)) continue;
      this.warned.add(p);
      this.log?.warn(p);
      this.warn(p);
    }
    return config;
  }
}

/** The settings whose change alters a running run's limits. */
export const LIMIT_KEYS: readonly SettingKey[] = [
  'tier',
  'limits.requestsPerMinute',
  'limits.inputTokensPerMinute',
  'limits.outputTokensPerMinute',
];
