/**
 * Table health (issue 13, item 5): PgHero's standard checks beyond indexes and
 * the seeds' size and retention concerns, for the connection's schemas.
 *
 * - sizes (table with TOAST, its indexes), live and dead rows, last
 *   (auto)vacuum / analyze; dead rows past autovacuum's own trigger
 *   (threshold + scale factor × live rows, the server's settings);
 * - transaction-ID age of the database and of each table (PgHero: under
 *   10 million transactions left is critical; past autovacuum_freeze_max_age
 *   autovacuum is not keeping up);
 * - sequences of serial / identity columns near the column type's maximum
 *   (PgHero's 90 %; warning from 75 %);
 * - NOT VALID constraints (checked for new rows only);
 * - a bloat estimate from pg_class and pg_stats (rows × average width against
 *   the pages held; no pgstattuple): an estimate, labelled so;
 * - retention candidates: tables over a size (seed 001 alerts at 100 MB) with
 *   a timestamp column that no statement of the workspace deletes from,
 *   linked to the code that inserts into them;
 * - slow statements at the seed's presets (seed 000: 50 ms production, 20 ms
 *   high performance).
 * Options win over `.querylens.json`'s "health", which wins over the seeds' numbers.
 */
import type { HealthItem, Level, TableHealthReport, TableStats } from '../../../../shared/dashboard';
import { SLOW_PRESETS } from '../../core/config/health';
import type { Workspace } from '../../core/engine/workspace';
import { quoteIdent } from '../../core/migrations/writer';
import { dbError } from '../drivers/errors';
import type { Job } from '../explain/run';
import type { Driver } from '../types';
import { currentSchemas } from './catalog';
import { codeIndex, type CodeIndex } from './code';
import { formatBytes, qualified, tableName } from './indexes';
import { readOnlyJob } from './read-only';
import { slowStatements } from './statements';

/** Seed 001 "Database Size Monitoring": alert over 100 MB. */
export const RETENTION_BYTES = 100 * 1024 * 1024;
/** PgHero's transaction_id_danger: under 10 million transactions left. */
export const XID_DANGER_LEFT = 10_000_000;
export const XID_LIMIT = 2 ** 31 - 1;
/** PgHero's sequence_danger threshold; a warning from 75 %. */
export const SEQUENCE_CRITICAL = 0.9;
export const SEQUENCE_WARN = 0.75;
/** A bloat estimate is reported from this share of the heap and this size. */
export const BLOAT_SHARE = 0.5;
export const BLOAT_MIN_BYTES = 1024 * 1024;

const TYPE_MAX: Record<string, number> = { smallint: 32_767, integer: 2_147_483_647, bigint: 9_223_372_036_854_775_807 };

export interface TableHealthOptions {
  retentionBytes?: number;
  slowMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const TABLES_SQL = `
SELECT n.nspname AS schema, c.relname AS "table",
       pg_table_size(c.oid)::float8 AS table_bytes, pg_indexes_size(c.oid)::float8 AS index_bytes,
       coalesce(s.n_live_tup, 0)::float8 AS live, coalesce(s.n_dead_tup, 0)::float8 AS dead,
       s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze,
       age(c.relfrozenxid)::float8 AS xid_age,
       EXISTS (SELECT 1 FROM unnest(c.reloptions) o WHERE lower(o) IN ('autovacuum_enabled=false', 'autovacuum_enabled=off', 'autovacuum_enabled=0', 'autovacuum_enabled=no', 'autovacuum_enabled=f')) AS autovacuum_off,
       c.relpages::float8 AS pages, c.reltuples::float8 AS tuples, current_setting('block_size')::float8 AS block,
       coalesce((SELECT substring(o FROM 'fillfactor=(\\d+)')::int FROM unnest(c.reloptions) o WHERE o LIKE 'fillfactor=%' LIMIT 1), 100) AS fillfactor,
       (SELECT sum(st.avg_width)::float8 FROM pg_stats st WHERE st.schemaname = n.nspname AND st.tablename = c.relname) AS width,
       ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             AND a.atttypid IN ('timestamp'::regtype, 'timestamptz'::regtype, 'date'::regtype) ORDER BY a.attnum) AS time_columns
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'm') AND n.nspname = ANY (current_schemas(false))
ORDER BY pg_total_relation_size(c.oid) DESC, n.nspname, c.relname`;

const SEQUENCES_SQL = `
SELECT s.schemaname AS schema, s.sequencename AS sequence, s.last_value::float8 AS last, s.max_value::float8 AS max,
       s.increment_by::float8 AS increment, format_type(s.data_type, NULL) AS sequence_type,
       tn.nspname AS table_schema, t.relname AS "table", a.attname AS "column", format_type(a.atttypid, NULL) AS column_type, d.deptype AS dep
FROM pg_sequences s
JOIN pg_namespace sn ON sn.nspname = s.schemaname
JOIN pg_class sc ON sc.relname = s.sequencename AND sc.relnamespace = sn.oid
LEFT JOIN pg_depend d ON d.objid = sc.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
LEFT JOIN pg_class t ON t.oid = d.refobjid
LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE s.schemaname = ANY (current_schemas(false))
ORDER BY s.schemaname, s.sequencename`;

const NOT_VALID_SQL = `
SELECT n.nspname AS schema, t.relname AS "table", c.conname AS name, pg_get_constraintdef(c.oid, true) AS definition
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE NOT c.convalidated AND n.nspname = ANY (current_schemas(false))
ORDER BY n.nspname, t.relname, c.conname`;

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : undefined);

/** Heap bytes beyond what the live rows need: rows × (24-byte header + 4-byte pointer + average width) per page at the fill factor. */
export function bloatEstimate(r: { pages: number; tuples: number; block: number; fillfactor: number; width: number | null }): number | undefined {
  if (r.width === null || r.tuples < 0) return undefined; // never analysed: no widths, reltuples -1
  const perPage = Math.max(1, Math.floor((r.block * r.fillfactor / 100 - 24) / (24 + 4 + r.width)));
  const needed = Math.ceil(r.tuples / perPage);
  return Math.max(0, r.pages - needed) * r.block;
}

interface TableRow extends TableStats {
  timeColumns: string[];
}

async function readTables(job: Job): Promise<TableRow[]> {
  return (await job.q(TABLES_SQL)).rows.map((r) => {
    const bloat = bloatEstimate({ pages: Number(r.pages), tuples: Number(r.tuples), block: Number(r.block), fillfactor: Number(r.fillfactor), width: r.width === null ? null : Number(r.width) });
    const times = { lastVacuum: iso(r.last_vacuum), lastAutovacuum: iso(r.last_autovacuum), lastAnalyze: iso(r.last_analyze), lastAutoanalyze: iso(r.last_autoanalyze) };
    return {
      schema: String(r.schema),
      table: String(r.table),
      tableBytes: Number(r.table_bytes),
      indexBytes: Number(r.index_bytes),
      liveRows: Number(r.live),
      deadRows: Number(r.dead),
      ...Object.fromEntries(Object.entries(times).filter(([, v]) => v !== undefined)),
      xidAge: Number(r.xid_age),
      ...(bloat !== undefined ? { bloatBytes: bloat } : {}),
      ...(r.autovacuum_off ? { autovacuumOff: true } : {}),
      timeColumns: r.time_columns as string[],
    };
  });
}

function links(code: CodeIndex | undefined, table: string): Pick<HealthItem, 'code'> {
  const found = code?.table(table) ?? [];
  return found.length > 0 ? { code: found } : {};
}

function deadTupleItems(tables: TableRow[], threshold: number, scale: number, code?: CodeIndex): HealthItem[] {
  return tables.filter((t) => t.deadRows > threshold + scale * t.liveRows).map((t) => {
    const name = tableName(t.schema, t.table);
    const last = t.lastAutovacuum ?? t.lastVacuum;
    const why = t.autovacuumOff
      ? 'Autovacuum is disabled for this table (autovacuum_enabled = false): nothing reclaims the space of deleted and updated rows.'
      : `Autovacuum should have run past ${count(threshold)} + ${scale} × live rows; ${last ? `it last ran ${last}` : 'it has never run'}: it may be blocked by a long transaction or too slow for the write rate.`;
    return {
      kind: 'dead-tuples',
      level: 'warn' as Level,
      table: name,
      bytes: t.tableBytes,
      message: `${count(t.deadRows)} dead rows next to ${count(t.liveRows)} live ones. ${why} Every scan still reads them.`,
      fix: `${t.autovacuumOff ? `ALTER TABLE ${qualified(t.schema, t.table)} RESET (autovacuum_enabled);\n` : ''}VACUUM (ANALYZE) ${qualified(t.schema, t.table)};`,
      ...links(code, name),
    };
  });
}

function xidLevel(age: number, freezeMax: number): Level | undefined {
  if (XID_LIMIT - age < XID_DANGER_LEFT) return 'critical';
  if (age > freezeMax) return 'warn';
  return undefined;
}

function xidItems(databaseAge: number, tables: TableRow[], freezeMax: number): HealthItem[] {
  const items: HealthItem[] = [];
  const dbLevel = xidLevel(databaseAge, freezeMax);
  if (dbLevel) {
    items.push({ kind: 'xid-wraparound', level: dbLevel, message: `The database's oldest unfrozen transaction ID is ${count(databaseAge)} transactions old: ${count(XID_LIMIT - databaseAge)} left before PostgreSQL stops accepting writes to prevent wraparound (autovacuum_freeze_max_age ${count(freezeMax)}).` });
  }
  for (const t of tables) {
    const level = xidLevel(t.xidAge, freezeMax);
    if (!level) continue;
    items.push({ kind: 'xid-wraparound', level, table: tableName(t.schema, t.table), message: `age(relfrozenxid) is ${count(t.xidAge)}: past autovacuum_freeze_max_age (${count(freezeMax)}), autovacuum is not keeping up with freezing it.`, fix: `VACUUM (FREEZE, ANALYZE) ${qualified(t.schema, t.table)};` });
  }
  return items;
}

async function sequenceItems(job: Job, code?: CodeIndex): Promise<HealthItem[]> {
  const items: HealthItem[] = [];
  for (const r of (await job.q(SEQUENCES_SQL)).rows) {
    if (r.last === null || Number(r.increment) <= 0) continue; // never used, or counting down
    const columnType = r.column_type === null ? undefined : String(r.column_type);
    const limit = Math.min(Number(r.max), TYPE_MAX[columnType ?? ''] ?? Infinity);
    const used = Number(r.last) / limit;
    const level: Level | undefined = used >= SEQUENCE_CRITICAL ? 'critical' : used >= SEQUENCE_WARN ? 'warn' : undefined;
    if (!level) continue;
    const sequence = qualified(String(r.schema), String(r.sequence));
    const widen = [
      r.column !== null && columnType !== 'bigint' ? `ALTER TABLE ${qualified(String(r.table_schema), String(r.table))} ALTER COLUMN ${quoteIdent(String(r.column), 'postgres')} TYPE bigint;` : undefined,
      String(r.sequence_type) !== 'bigint' ? `ALTER SEQUENCE ${sequence} AS bigint;` : undefined,
    ].filter((s): s is string => !!s);
    const owner = r.column !== null ? `${r.dep === 'i' ? 'identity' : 'serial'} column ${String(r.table)}.${String(r.column)} (${columnType})` : `sequence ${String(r.sequence)}`;
    const table = r.table !== null ? tableName(String(r.table_schema), String(r.table)) : undefined;
    items.push({
      kind: 'sequence-overflow',
      level,
      ...(table ? { table } : {}),
      message: `The ${owner} has used ${(used * 100).toFixed(1)} % of its values (${count(Number(r.last))} of ${count(limit)}): inserts fail once it reaches the maximum. Widening the column rewrites the table under an ACCESS EXCLUSIVE lock: plan it.`,
      ...(widen.length > 0 ? { fix: widen.join('\n') } : {}),
      ...(table ? links(code, table) : {}),
    });
  }
  return items;
}

async function notValidItems(job: Job, code?: CodeIndex): Promise<HealthItem[]> {
  return (await job.q(NOT_VALID_SQL)).rows.map((r) => {
    const table = tableName(String(r.schema), String(r.table));
    return {
      kind: 'not-valid-constraint',
      level: 'warn' as Level,
      table,
      message: `Constraint ${String(r.name)} (${String(r.definition)}) was added NOT VALID: new rows are checked, the rows already there never were. VALIDATE CONSTRAINT checks them under a SHARE UPDATE EXCLUSIVE lock, which lets reads and writes go on.`,
      fix: `ALTER TABLE ${qualified(String(r.schema), String(r.table))} VALIDATE CONSTRAINT ${quoteIdent(String(r.name), 'postgres')};`,
      ...links(code, table),
    };
  });
}

function bloatItems(tables: TableRow[], code?: CodeIndex): HealthItem[] {
  return tables.filter((t) => t.bloatBytes !== undefined && t.bloatBytes >= BLOAT_MIN_BYTES && t.bloatBytes >= BLOAT_SHARE * t.tableBytes).map((t) => {
    const name = tableName(t.schema, t.table);
    return {
      kind: 'bloat',
      level: 'warn' as Level,
      table: name,
      bytes: t.tableBytes,
      message: `About ${formatBytes(t.bloatBytes!)} of its ${formatBytes(t.tableBytes)} hold no live row (an estimate from pg_class and pg_stats, not pgstattuple). VACUUM makes the space reusable; only a rewrite (VACUUM FULL, which locks the table, or pg_repack) gives it back.`,
      fix: `VACUUM (ANALYZE) ${qualified(t.schema, t.table)};`,
      ...links(code, name),
    };
  });
}

function retentionItems(tables: TableRow[], minBytes: number, code?: CodeIndex): HealthItem[] {
  if (!code) return [];
  return tables.filter((t) => t.tableBytes + t.indexBytes >= minBytes && t.timeColumns.length > 0 && !code.deletesFrom(t.table)).map((t) => {
    const name = tableName(t.schema, t.table);
    const inserts = code.insertsInto(t.table);
    const column = t.timeColumns[0]!;
    return {
      kind: 'retention-candidate',
      level: 'warn' as Level,
      table: name,
      bytes: t.tableBytes + t.indexBytes,
      message: `${formatBytes(t.tableBytes + t.indexBytes)} (over ${formatBytes(minBytes)}) with a timestamp column (${t.timeColumns.join(', ')}), and no code in the workspace deletes from it${inserts.length ? `, while ${inserts.length} place(s) insert into it` : ''}: rows only accumulate. Seed 001: "Implement retention policies" (delete rows older than 30 days, in batches).`,
      fix: `DELETE FROM ${qualified(t.schema, t.table)} WHERE ${quoteIdent(column, 'postgres')} < now() - interval '30 days';`,
      ...(inserts.length ? { code: inserts } : links(code, name)),
    };
  });
}

async function setting(job: Job, name: string): Promise<number> {
  return Number((await job.q('SELECT current_setting($1) AS v', [name])).rows[0]?.v);
}

/** Table health of the connection's schemas; with a workspace, retention candidates and links to the code. */
export async function tableHealth(driver: Driver, workspace?: Workspace, options: TableHealthOptions = {}): Promise<TableHealthReport> {
  if (driver.dialect !== 'postgres') {
    throw dbError('refused', driver.name, 'table health reads PostgreSQL statistics (pg_stat_user_tables, pg_sequences); this is a SQLite database', {
      advice: 'Connect a PostgreSQL database to see table health.',
    });
  }
  const code = workspace ? codeIndex(workspace) : undefined;
  const retentionBytes = options.retentionBytes ?? workspace?.config().health?.retentionBytes ?? RETENTION_BYTES;
  const slowMs = options.slowMs ?? workspace?.config().health?.slowMs ?? SLOW_PRESETS.production!;
  const at = new Date().toISOString();
  return readOnlyJob(driver, options, async (job) => {
    const schemas = await currentSchemas(job);
    const rows = await readTables(job);
    const databaseXidAge = Number((await job.q('SELECT age(datfrozenxid)::float8 AS age FROM pg_database WHERE datname = current_database()')).rows[0]?.age);
    const freezeMax = await setting(job, 'autovacuum_freeze_max_age');
    const items: HealthItem[] = [
      ...deadTupleItems(rows, await setting(job, 'autovacuum_vacuum_threshold'), await setting(job, 'autovacuum_vacuum_scale_factor'), code),
      ...xidItems(databaseXidAge, rows, freezeMax),
      ...(await sequenceItems(job, code)),
      ...(await notValidItems(job, code)),
      ...bloatItems(rows, code),
      ...retentionItems(rows, retentionBytes, code),
    ];
    const statements = await slowStatements(job, { minMeanMs: slowMs, minCalls: 1, top: 10, queriesOnly: true }, code);
    items.push(...statements.items);
    const availability = statements.availability.available
      ? { available: true as const, rule: `mean time >= ${slowMs} ms (seed 000's presets: 50 ms production, 20 ms high performance), queries only, the 10 slowest` }
      : statements.availability;
    return {
      connection: driver.name,
      at,
      schemas,
      databaseXidAge,
      tables: rows.map(({ timeColumns: _, ...t }) => t),
      items,
      thresholds: { retentionBytes, slowMs },
      statements: availability,
    };
  });
}
