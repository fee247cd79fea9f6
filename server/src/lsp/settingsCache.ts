/**
 * Settings pulled from the client per resource (`workspace/configuration`),
 * cached per scope URI until the client says they changed.
 */
import type { Connection } from 'vscode-languageserver/node';
import { normalizeSettings, type QueryLensSettings } from '../../../shared/settings';

export interface FolderSettings {
  querylens: QueryLensSettings;
  /** `files.exclude` globs that are switched on. */
  filesExclude: string[];
}

function enabledGlobs(filesExclude: unknown): string[] {
  if (!filesExclude || typeof filesExclude !== 'object') return [];
  return Object.entries(filesExclude as Record<string, unknown>)
    .filter(([, on]) => on === true)
    .map(([glob]) => glob);
}

export class SettingsCache {
  private readonly cache = new Map<string, Promise<FolderSettings>>();
  /** Settings pushed with didChangeConfiguration, for clients that cannot be asked. */
  private pushed: unknown;

  constructor(
    private readonly connection: Connection,
    private readonly canPull: () => boolean,
  ) {}

  get(scopeUri: string | undefined): Promise<FolderSettings> {
    const key = scopeUri ?? '';
    let settings = this.cache.get(key);
    if (!settings) {
      settings = this.fetch(scopeUri);
      this.cache.set(key, settings);
    }
    return settings;
  }

  /** Forgets everything; `pushed` is the payload of didChangeConfiguration (used only without pull). */
  clear(pushed?: unknown): void {
    this.cache.clear();
    this.pushed = pushed;
  }

  private async fetch(scopeUri: string | undefined): Promise<FolderSettings> {
    if (!this.canPull()) {
      const pushed = (this.pushed ?? {}) as { querylens?: unknown; files?: { exclude?: unknown } };
      return { querylens: normalizeSettings(pushed.querylens), filesExclude: enabledGlobs(pushed.files?.exclude) };
    }
    const [querylens, filesExclude] = (await this.connection.workspace.getConfiguration([
      { scopeUri, section: 'querylens' },
      { scopeUri, section: 'files.exclude' },
    ])) as unknown[];
    return { querylens: normalizeSettings(querylens), filesExclude: enabledGlobs(filesExclude) };
  }
}
