/**
 * The pools a workspace's code configures, as the dashboard's Pool tab lists
 * them next to the live connections: where each is, its size (the library's
 * default where the code sets none) and its other settings. Engines of a
 * migration run or local to one function call (a script's) are left out:
 * they are not the application's pools.
 */
import type { ConfiguredPool } from '../../../../shared/dashboard';
import { workspacePath } from '../config/files';
import { POOL_DEFAULTS, type HostPool, type PoolDefaults, type PoolSettingName } from '../host/pools';
import type { Workspace } from './workspace';

const SIZES: { field: 'size' | 'overflow' | 'min'; setting: PoolSettingName; fallback: keyof PoolDefaults }[] = [
  { field: 'size', setting: 'max', fallback: 'max' },
  { field: 'overflow', setting: 'overflow', fallback: 'overflow' },
  { field: 'min', setting: 'min', fallback: 'min' },
];

export function configuredPools(workspace: Workspace, root: string): ConfiguredPool[] {
  return workspace
    .pools()
    .filter(({ pool }) => pool.kind === 'pool' && pool.pooled && !pool.inMemory && !pool.runsMigrations && !pool.functionLocal)
    .map(({ file, pool, lines }) => describe(pool, workspacePath(root, file), lines.rangeOf(pool.anchor).start.line + 1, workspace.textOf(file) ?? ''));
}

function describe(pool: HostPool, file: string, line: number, text: string): ConfiguredPool {
  const out: ConfiguredPool = { file, line, library: pool.library, name: text.slice(pool.anchor.start, pool.anchor.end), defaults: [], settings: {} };
  if (pool.dialect) out.dialect = pool.dialect;
  const defaults: PoolDefaults = POOL_DEFAULTS[pool.library];
  for (const { field, setting, fallback } of SIZES) {
    const written = pool.settings[setting];
    const fallbackValue = defaults[fallback];
    if (written?.number !== undefined) out[field] = written.number;
    else if (!written && fallbackValue !== undefined && !pool.opaque) {
      out[field] = fallbackValue;
      out.defaults.push(field);
    }
  }
  for (const [name, setting] of Object.entries(pool.settings)) {
    if (setting && !SIZES.some((s) => s.setting === name)) out.settings[name] = shortened(setting.value);
  }
  return out;
}

/** A setting's value on one line and at most 40 characters: `Duration::try_from_secs_f64(timeout).map_err(|e| {...})?` is not for a table cell. */
function shortened(value: string): string {
  const line = value.replace(/\s+/g, ' ');
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}
