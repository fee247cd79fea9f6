/**
 * What index health reads from a PostgreSQL catalog, limited to the
 * connection's own schemas (`current_schemas(false)`: its search_path
 * without pg_catalog), so a report speaks of the application's tables only.
 */
import type { Job } from '../explain/run';

export interface IndexRow {
  schema: string;
  table: string;
  index: string;
  unique: boolean;
  primary: boolean;
  valid: boolean;
  method: string;
  /** Key columns or expressions, as pg_get_indexdef writes each (with opclass, collation, DESC when not the default). */
  keys: string[];
  /** INCLUDE columns. */
  include: string[];
  /** WHERE of a partial index, '' when none. */
  predicate: string;
  /** The constraint (primary key, unique, exclusion) the index enforces, if any: dropping it means dropping the constraint. */
  constraint: string | null;
  bytes: number;
  /** pg_stat_user_indexes.idx_scan: scans since the statistics were last reset. */
  scans: number;
}

export interface ForeignKeyRow {
  schema: string;
  table: string;
  name: string;
  columns: string[];
  referenced: string;
  bytes: number;
}

export interface TableScanRow {
  schema: string;
  table: string;
  seqScans: number;
  idxScans: number;
  liveRows: number;
  bytes: number;
}

const INDEXES_SQL = `
SELECT n.nspname AS schema, t.relname AS "table", i.relname AS index,
       x.indisunique AS unique, x.indisprimary AS primary, x.indisvalid AS valid, am.amname AS method,
       ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) k ORDER BY k) AS keys,
       ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(x.indnkeyatts + 1, x.indnatts) k ORDER BY k) AS include,
       coalesce(pg_get_expr(x.indpred, x.indrelid, true), '') AS predicate,
       (SELECT c.conname FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u', 'x') LIMIT 1) AS constraint,
       pg_relation_size(x.indexrelid)::float8 AS bytes,
       coalesce(s.idx_scan, 0)::float8 AS scans
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_am am ON am.oid = i.relam
LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = x.indexrelid
WHERE n.nspname = ANY (current_schemas(false)) AND t.relkind IN ('r', 'm')
ORDER BY n.nspname, t.relname, i.relname`;

// An index serves a foreign key when the key's columns are its leading
// columns (in any order) and it is complete (not partial) and valid.
const UNINDEXED_FKS_SQL = `
SELECT n.nspname::text AS schema, t.relname::text AS "table", c.conname::text AS name,
       ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
       c.confrelid::regclass::text AS referenced,
       pg_relation_size(c.conrelid)::float8 AS bytes
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE c.contype = 'f' AND n.nspname = ANY (current_schemas(false))
  AND NOT EXISTS (
    SELECT 1 FROM pg_index x
    WHERE x.indrelid = c.conrelid AND x.indisvalid AND x.indpred IS NULL
      AND (string_to_array(x.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey
      AND (string_to_array(x.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] <@ c.conkey)
ORDER BY n.nspname, t.relname, c.conname`;

const TABLE_SCANS_SQL = `
SELECT schemaname AS schema, relname AS "table", coalesce(seq_scan, 0)::float8 AS seq_scans, coalesce(idx_scan, 0)::float8 AS idx_scans,
       n_live_tup::float8 AS live_rows, pg_relation_size(relid)::float8 AS bytes
FROM pg_stat_user_tables
WHERE schemaname = ANY (current_schemas(false))
ORDER BY schemaname, relname`;

const CACHE_SQL = `
SELECT coalesce(sum(heap_blks_hit), 0)::float8 AS hit, coalesce(sum(heap_blks_read), 0)::float8 AS read
FROM pg_statio_user_tables WHERE schemaname = ANY (current_schemas(false))`;

export async function currentSchemas(job: Job): Promise<string[]> {
  return (await job.q('SELECT current_schemas(false)::text[] AS s')).rows[0]?.s as string[];
}

export async function readIndexes(job: Job): Promise<IndexRow[]> {
  return (await job.q(INDEXES_SQL)).rows as unknown as IndexRow[];
}

export async function readUnindexedForeignKeys(job: Job): Promise<ForeignKeyRow[]> {
  return (await job.q(UNINDEXED_FKS_SQL)).rows as unknown as ForeignKeyRow[];
}

export async function readTableScans(job: Job): Promise<TableScanRow[]> {
  return (await job.q(TABLE_SCANS_SQL)).rows.map((r) => ({
    schema: String(r.schema),
    table: String(r.table),
    seqScans: Number(r.seq_scans),
    idxScans: Number(r.idx_scans),
    liveRows: Number(r.live_rows),
    bytes: Number(r.bytes),
  }));
}

/** Heap blocks found in shared buffers / all heap blocks read, or undefined before anything was read. */
export async function readCacheHitRatio(job: Job): Promise<number | undefined> {
  const row = (await job.q(CACHE_SQL)).rows[0]!;
  const hit = Number(row.hit);
  const total = hit + Number(row.read);
  return total > 0 ? hit / total : undefined;
}
