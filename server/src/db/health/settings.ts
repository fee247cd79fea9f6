/**
 * Server settings (issue 13, item 4): pg_settings against seed 004's rules for
 * the server's RAM ("Memory Sizing Guidelines": shared_buffers 25 %,
 * effective_cache_size 75 %, work_mem RAM/128 and maintenance_work_mem RAM/16,
 * its table for 16–128 GB; the 32 GB example's temp_buffers, huge_pages and
 * hash_mem_multiplier), max_connections against the pools the code configures,
 * and the index / buffer cache hit ratios against its 95 % / 99 % targets.
 * Only what the seeds advise is judged (they say nothing of random_page_cost,
 * effective_io_concurrency, wal_buffers or checkpoint_completion_target).
 *
 * Everything here reads catalogs in a READ ONLY transaction; the ALTER SYSTEM
 * lines are text for the user, never run.
 */
import { readFileSync } from 'node:fs';
import type { ResolvedConnection } from '../../../../shared/connections';
import type { ConfiguredPool, HitRatio, Level, SettingRow, SettingsReport } from '../../../../shared/dashboard';
import { configuredConnections } from '../../../../shared/judge';
import type { Driver } from '../types';
import { dbError } from '../drivers/errors';
import { readOnlyJob } from './read-only';
import { parseSize } from '../../core/config/health';

export { parseSize };

const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;
const TB = 1024 * GB;

/** Seed 004: index hit ratio target > 95 %, buffer cache hit > 99 %. */
export const INDEX_HIT_TARGET = 0.95;
export const BUFFER_HIT_TARGET = 0.99;

/** A current value within this share of the advised one is the advised one. */
const TOLERANCE = 0.1;

const SEED_TABLE = 'seed 004 "Memory Sizing Guidelines" (16 GB: 4GB / 12GB / 128MB / 1GB … 128 GB: 32GB / 96GB / 1GB / 8GB)';

/** As PostgreSQL writes a size setting: the largest unit that divides it (`4GB`, `1536MB`, `64kB`). */
export function pgSize(bytes: number): string {
  for (const [unit, factor] of [['TB', TB], ['GB', GB], ['MB', MB], ['kB', KB]] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return `${Math.max(1, Math.round(bytes / KB))}kB`;
}

/** A value as a string literal of ALTER SYSTEM (quotes doubled); numbers bare. */
export function alterSystem(name: string, value: string | number): string {
  const literal = typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;
  return `ALTER SYSTEM SET ${name} = ${literal};`;
}

/** Whether the connection reaches a server on this machine (localhost, a loopback address, a unix socket). */
export function isLocal(connection: Pick<ResolvedConnection, 'url' | 'host'>): boolean {
  let host = connection.host;
  if (host === undefined && connection.url) {
    try {
      const url = new URL(connection.url);
      host = decodeURIComponent(url.hostname) || url.searchParams.get('host') || '';
    } catch {
      return false;
    }
  }
  host = (host ?? '').replace(/^\[|\]$/g, '');
  return host === '' || host.startsWith('/') || host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** MemTotal of /proc/meminfo (Linux), bytes. */
export function localRam(meminfo = '/proc/meminfo'): number | undefined {
  try {
    const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(readFileSync(meminfo, 'utf8'));
    return m ? Number(m[1]) * KB : undefined;
  } catch {
    return undefined;
  }
}

/** The RAM to advise for: given (`--ram`, the connection's `ram`), else read where the server is local. */
export function ramOf(connection: ResolvedConnection, given?: string): SettingsReport['ram'] {
  const stated = given ?? connection.ram;
  if (stated !== undefined) {
    const bytes = parseSize(stated);
    if (bytes === undefined) throw dbError('refused', connection.name, `"${stated}" is not an amount of RAM: write it as 16GB or 512MB`, {});
    return { bytes, source: given !== undefined ? '--ram' : `the connection's "ram" setting` };
  }
  if (connection.driver !== 'postgres' || !isLocal(connection)) return undefined;
  const bytes = localRam();
  return bytes === undefined ? undefined : { bytes, source: '/proc/meminfo (the server is local)' };
}

interface PgSetting {
  name: string;
  setting: string;
  unit: string | null;
  context: string;
  shown: string;
}

/** pg_settings' value in bytes (`setting` × `unit`: `8kB` pages, `kB`, `MB`). */
function bytesOf(s: PgSetting): number {
  const unit = s.unit ? parseSize(/^\d/.test(s.unit) ? s.unit : `1${s.unit}`) ?? 1 : 1;
  return Number(s.setting) * unit;
}

function appliesOf(s: PgSetting | undefined): SettingRow['applies'] {
  if (!s) return undefined;
  return s.context === 'postmaster' ? 'restart' : 'reload';
}

const SETTINGS = ['shared_buffers', 'effective_cache_size', 'work_mem', 'maintenance_work_mem', 'max_connections', 'superuser_reserved_connections', 'reserved_connections', 'temp_buffers', 'hash_mem_multiplier', 'huge_pages'];

interface MemoryRule {
  name: string;
  /** Share of the RAM. */
  share: number;
  why: string;
}

const MEMORY_RULES: MemoryRule[] = [
  { name: 'shared_buffers', share: 1 / 4, why: `25 % of RAM: ${SEED_TABLE}.` },
  { name: 'effective_cache_size', share: 3 / 4, why: `75 % of RAM (what the planner assumes the OS and PostgreSQL cache together): ${SEED_TABLE}.` },
  { name: 'work_mem', share: 1 / 128, why: `RAM / 128, per sort or hash of each query ("for vector operations"): ${SEED_TABLE}.` },
  { name: 'maintenance_work_mem', share: 1 / 16, why: `RAM / 16, for VACUUM and index builds ("critical for vector index builds"): ${SEED_TABLE}.` },
];

function near(current: number, advised: number): boolean {
  return Math.abs(current - advised) <= advised * TOLERANCE;
}

function memoryRow(rule: MemoryRule, s: PgSetting | undefined, ram: SettingsReport['ram']): SettingRow {
  const current = s?.shown ?? 'not set';
  if (!ram) return { name: rule.name, current, advised: 'RAM unknown: pass --ram', status: 'unknown', why: rule.why, ...(s ? { applies: appliesOf(s) } : {}) };
  // Whole MB, as the seed's table writes them: 16 GB / 128 is exactly 128MB.
  const advisedBytes = Math.max(MB, Math.round((ram.bytes * rule.share) / MB) * MB);
  const advised = pgSize(advisedBytes);
  const inTable = ram.bytes >= 16 * GB && ram.bytes <= 128 * GB;
  const why = inTable ? rule.why : `${rule.why} Outside the table's 16–128 GB: in proportion, as the seed says to adjust.`;
  const ok = s !== undefined && near(bytesOf(s), advisedBytes);
  return { name: rule.name, current, advised, status: ok ? 'ok' : 'warn', why, ...(ok ? {} : { alterSystem: alterSystem(rule.name, advised) }), ...(s ? { applies: appliesOf(s) } : {}) };
}

function maxConnectionsRow(byName: Map<string, PgSetting>, pools: ConfiguredPool[] | undefined): SettingRow {
  const s = byName.get('max_connections');
  const current = s?.shown ?? 'not set';
  const reserved = ['superuser_reserved_connections', 'reserved_connections'].reduce((sum, n) => sum + Number(byName.get(n)?.setting ?? 0), 0);
  const seed = 'Seed 004 runs max_connections = 200 ("pool + maintenance connections") behind PgBouncer in transaction mode.';
  const sum = pools ? configuredConnections(pools) : undefined;
  if (!sum) return { name: 'max_connections', current, advised: 'no sized PostgreSQL pool in the code', status: 'unknown', why: seed, ...(s ? { applies: appliesOf(s) } : {}) };
  const needed = sum.total + reserved;
  const ok = s !== undefined && Number(s.setting) >= needed;
  const why = `The pools configured in the code open up to ${sum.total} connections per instance (size + overflow), plus ${reserved} reserved for superusers: ${needed}. Multiply by the instances that run, or put PgBouncer in front. ${seed}`;
  return { name: 'max_connections', current, advised: `>= ${needed}`, status: ok ? 'ok' : 'warn', why, ...(ok ? {} : { alterSystem: alterSystem('max_connections', needed) }), ...(s ? { applies: appliesOf(s) } : {}) };
}

function fixedRow(name: string, s: PgSetting | undefined, advised: string, ok: (s: PgSetting) => boolean, why: string, numeric = false): SettingRow {
  const good = s !== undefined && ok(s);
  return {
    name,
    current: s?.shown ?? 'not set',
    advised,
    status: good ? 'ok' : 'warn',
    why,
    ...(good ? {} : { alterSystem: alterSystem(name, numeric ? Number(advised) : advised) }),
    ...(s ? { applies: appliesOf(s) } : {}),
  };
}

/** Judges settings already read: pure, so the rules are tested without a server. */
export function judgeSettings(settings: PgSetting[], ram: SettingsReport['ram'], pools?: ConfiguredPool[]): SettingRow[] {
  const byName = new Map(settings.map((s) => [s.name, s]));
  const example = 'seed 004 "PostgreSQL Memory Configuration" (its 32 GB example';
  return [
    ...MEMORY_RULES.map((rule) => memoryRow(rule, byName.get(rule.name), ram)),
    maxConnectionsRow(byName, pools),
    fixedRow('temp_buffers', byName.get('temp_buffers'), '128MB', (s) => near(bytesOf(s), 128 * MB), `Per-session memory for temporary tables: ${example}, "Temporary operations").`),
    fixedRow('hash_mem_multiplier', byName.get('hash_mem_multiplier'), '2', (s) => Number(s.setting) >= 2, `Hash tables may use this many times work_mem: ${example}, "Increase hash table memory").`, true),
    fixedRow('huge_pages', byName.get('huge_pages'), 'try', (s) => s.setting === 'try' || s.setting === 'on', `Shared buffers in huge pages when the OS has them: ${example}, "Use huge pages if available").`),
  ];
}

function hitRatio(hit: number, read: number, target: number): HitRatio {
  const total = hit + read;
  if (total <= 0) return { target };
  const ratio = hit / total;
  const level: Level = ratio >= target ? 'ok' : ratio >= target - 0.05 ? 'warn' : 'critical';
  return { ratio, target, level };
}

export interface SettingsOptions {
  ram?: SettingsReport['ram'];
  pools?: ConfiguredPool[];
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function settingsReport(driver: Driver, options: SettingsOptions = {}): Promise<SettingsReport> {
  if (driver.dialect !== 'postgres') {
    throw dbError('refused', driver.name, 'server settings are PostgreSQL settings (pg_settings); this is a SQLite database', {
      advice: 'SQLite pragmas are on the Pool tab (querylens pool).',
    });
  }
  if (driver.kind === 'embedded') {
    throw dbError('refused', driver.name, "the embedded shadow database is QueryLens's own PGlite: its settings say nothing of your server", {
      advice: 'Select a connection to your PostgreSQL server (QueryLens: Select Connection) to compare its settings with the advice.',
    });
  }
  const at = new Date().toISOString();
  return readOnlyJob(driver, options, async (job) => {
    const settings = (await job.q(`SELECT name, setting, unit, context, current_setting(name) AS shown FROM pg_settings WHERE name = ANY ($1::text[]) ORDER BY name`, [SETTINGS])).rows as unknown as PgSetting[];
    const index = (await job.q(`SELECT coalesce(sum(idx_blks_hit), 0)::float8 AS hit, coalesce(sum(idx_blks_read), 0)::float8 AS read FROM pg_statio_user_indexes`)).rows[0]!;
    const buffer = (await job.q(`SELECT coalesce(blks_hit, 0)::float8 AS hit, coalesce(blks_read, 0)::float8 AS read FROM pg_stat_database WHERE datname = current_database()`)).rows[0];
    return {
      connection: driver.name,
      at,
      ...(options.ram ? { ram: options.ram } : {}),
      rows: judgeSettings(settings, options.ram, options.pools),
      indexHit: hitRatio(Number(index.hit), Number(index.read), INDEX_HIT_TARGET),
      bufferHit: hitRatio(Number(buffer?.hit ?? 0), Number(buffer?.read ?? 0), BUFFER_HIT_TARGET),
    };
  });
}
