import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { systemClock, type Clock } from '../clock';
import type { LimiterStore } from './store';
import { LOCAL_SCHEMA, LocalStore } from './stores/local-store';
import { MemoryStore } from './stores/memory-store';
import { RedisStore } from './stores/redis-store';

/**
 * One budget per API key: how a run's limiter finds the processes it shares with. Front ends
 * decide the mode from their flags, settings and environment and pass it here as a plain value.
 */
export type SharingSettings =
  | { readonly mode: 'off' }
  /** This user's processes on this machine, through a state file in `stateDir`. */
  | { readonly mode: 'local'; readonly stateDir: string }
  /** Across machines; `source` names where the URL came from, for error messages. */
  | { readonly mode: 'redis'; readonly url: string; readonly source: string };

/**
 * The per-user folder both the extension and the CLI find (not VS Code's global storage, which
 * the CLI cannot know): CONVFORGE_STATE_DIR, else the platform's per-user state folder.
 */
export function defaultStateDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  const override = env['CONVFORGE_STATE_DIR']?.trim();
  if (override) return override;
  if (platform === 'win32') return join(env['LOCALAPPDATA']?.trim() || join(home, 'AppData', 'Local'), 'conversation-forge');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'conversation-forge');
  return join(env['XDG_STATE_HOME']?.trim() || join(home, '.local', 'state'), 'conversation-forge');
}

/**
 * Names one budget: the organization behind an API key at one endpoint. A one-way hash, so the
 * key never appears in a file name, a Redis key or a log; the endpoint is part of it because the
 * same key against another server (a simulator, a proxy) is another budget.
 */
export function budgetNamespace(apiKey: string, baseURL: string | undefined): string {
  return createHash('sha256')
    .update(`conversation-forge budget\n${baseURL ?? ''}\n${apiKey}`)
    .digest('hex')
    .slice(0, 32);
}

export function localStateFile(stateDir: string, namespace: string): string {
  // The schema is in the name: a build that keeps its state another way never reads this one.
  return join(stateDir, `limits-${namespace}.v${LOCAL_SCHEMA}.state`);
}

export interface OpenStoreOptions {
  readonly sharing: SharingSettings;
  readonly namespace: string;
  /** The memory store's clock (tests drive it); shared stores keep their own time. */
  readonly clock: Clock;
  readonly onNotice?: (message: string) => void;
}

/** The store for a run's limiter; throws ForgeError `store_config` for a bad Redis URL or password. */
export async function openLimiterStore(options: OpenStoreOptions): Promise<LimiterStore> {
  const { sharing } = options;
  switch (sharing.mode) {
    case 'off':
      return new MemoryStore(options.clock);
    case 'local':
      return new LocalStore({
        file: localStateFile(sharing.stateDir, options.namespace),
        clock: systemClock,
        ...(options.onNotice ? { onNotice: options.onNotice } : {}),
      });
    case 'redis':
      return RedisStore.open({ url: sharing.url, source: sharing.source, namespace: options.namespace });
  }
}
