/**
 * Index checks over the catalog rows (catalog.ts): invalid, duplicate,
 * redundant and unused indexes, foreign keys without an index, tables read
 * mostly by sequential scans. Pure: each returns the items with their fixes.
 *
 * One item per index: an index that duplicates another is not also listed as
 * redundant or unused, so every DROP in the report is there once.
 */
import type { HealthItem } from '../../../../shared/dashboard';
import { createIndexSql, quoteIdent } from '../../core/migrations/writer';
import type { ForeignKeyRow, IndexRow, TableScanRow } from './catalog';
import type { CodeIndex } from './code';

/** `orders` in public, `app.orders` elsewhere: how people name their tables. */
export function tableName(schema: string, table: string): string {
  return schema === 'public' ? table : `${schema}.${table}`;
}

export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema, 'postgres')}.${quoteIdent(name, 'postgres')}`;
}

function columnsText(keys: string[]): string {
  return `(${keys.join(', ')})`;
}

/**
 * Dropping an index that enforces a constraint means dropping the constraint;
 * anything else goes with DROP INDEX CONCURRENTLY, which takes no lock that
 * blocks reads or writes.
 */
function dropFix(ix: IndexRow): string {
  if (ix.constraint) return `ALTER TABLE ${qualified(ix.schema, ix.table)} DROP CONSTRAINT ${quoteIdent(ix.constraint, 'postgres')};`;
  return `DROP INDEX CONCURRENTLY ${qualified(ix.schema, ix.index)};`;
}

function links(code: CodeIndex | undefined, table: string): Pick<HealthItem, 'code'> {
  const found = code?.table(table) ?? [];
  return found.length > 0 ? { code: found } : {};
}

/** Which of two identical indexes to keep: the one that enforces something, else the more used, else the first by name. */
function keepRank(ix: IndexRow): number[] {
  return [ix.primary ? 0 : 1, ix.constraint ? 0 : 1, ix.unique ? 0 : 1, -ix.scans];
}

function compareKeep(a: IndexRow, b: IndexRow): number {
  const ra = keepRank(a);
  const rb = keepRank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
  return a.index.localeCompare(b.index);
}

export function indexItems(indexes: IndexRow[], code?: CodeIndex): HealthItem[] {
  const items: HealthItem[] = [];
  const reported = new Set<string>();
  const id = (ix: IndexRow) => `${ix.schema}.${ix.index}`;

  // Invalid: a failed CREATE INDEX CONCURRENTLY leaves one behind. Writes keep it up to date, reads never use it.
  for (const ix of indexes.filter((i) => !i.valid)) {
    reported.add(id(ix));
    const table = tableName(ix.schema, ix.table);
    items.push({
      kind: 'invalid-index', level: 'warn', table, index: ix.index, bytes: ix.bytes,
      message: `Index ${ix.index} on ${table} is invalid (a CREATE INDEX CONCURRENTLY failed, e.g. on duplicate values): every write still pays for it, but no query can use it. Rebuild it, or drop it if it is not wanted.`,
      fix: `REINDEX INDEX CONCURRENTLY ${qualified(ix.schema, ix.index)};`,
      ...links(code, table),
    });
  }
  const valid = indexes.filter((i) => i.valid);

  // Duplicates: same table, method, key columns/expressions, INCLUDE list and predicate.
  const groups = new Map<string, IndexRow[]>();
  for (const ix of valid) {
    const key = JSON.stringify([ix.schema, ix.table, ix.method, ix.keys, ix.include, ix.predicate]);
    groups.set(key, [...(groups.get(key) ?? []), ix]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const [kept, ...extra] = [...group].sort(compareKeep);
    for (const ix of extra) {
      reported.add(id(ix));
      const table = tableName(ix.schema, ix.table);
      items.push({
        kind: 'duplicate-index', level: 'warn', table, index: ix.index, bytes: ix.bytes,
        message: `Index ${ix.index} on ${table} ${columnsText(ix.keys)} is the same as ${kept!.index}: every write updates both and both take memory, for no read that one cannot serve. Drop ${ix.index}.`,
        fix: dropFix(ix),
        ...links(code, table),
      });
    }
  }

  // Redundant: a b-tree whose key columns are the leading columns of another
  // b-tree on the table; the longer one serves every lookup the shorter does.
  // Unique and constraint indexes enforce something, partial and INCLUDE ones
  // serve different reads: those are left alone.
  const btrees = valid.filter((i) => i.method === 'btree' && i.predicate === '');
  for (const ix of btrees) {
    if (reported.has(id(ix)) || ix.unique || ix.constraint || ix.include.length > 0) continue;
    const wider = btrees.find((o) => o !== ix && !reported.has(id(o)) && o.schema === ix.schema && o.table === ix.table
      && o.keys.length > ix.keys.length && ix.keys.every((k, n) => o.keys[n] === k));
    if (!wider) continue;
    reported.add(id(ix));
    const table = tableName(ix.schema, ix.table);
    items.push({
      kind: 'redundant-index', level: 'warn', table, index: ix.index, bytes: ix.bytes,
      message: `Index ${ix.index} on ${table} ${columnsText(ix.keys)} is a prefix of ${wider.index} ${columnsText(wider.keys)}, which serves the same lookups: ${ix.index} only costs writes and memory. Drop it.`,
      fix: dropFix(ix),
      ...links(code, table),
    });
  }

  // Unused: never scanned since the statistics were reset. Unique and primary
  // indexes are used by every insert's uniqueness check even at idx_scan = 0.
  for (const ix of valid) {
    if (reported.has(id(ix)) || ix.unique || ix.primary || ix.constraint || ix.scans > 0) continue;
    const table = tableName(ix.schema, ix.table);
    items.push({
      kind: 'unused-index', level: 'warn', table, index: ix.index, bytes: ix.bytes,
      message: `Index ${ix.index} on ${table} ${columnsText(ix.keys)} has not been scanned since the statistics were last reset (pg_stat_user_indexes.idx_scan = 0): it costs every write and ${formatBytes(ix.bytes)} of storage for no read. Drop it if no query needs it (check replicas and rare jobs first).`,
      fix: dropFix(ix),
      ...links(code, table),
    });
  }
  return items;
}

export function foreignKeyItems(fks: ForeignKeyRow[], code?: CodeIndex): HealthItem[] {
  return fks.map((fk) => {
    const table = tableName(fk.schema, fk.table);
    return {
      kind: 'unindexed-foreign-key', level: 'warn', table, bytes: fk.bytes,
      message: `Foreign key ${fk.name} on ${table} (${fk.columns.join(', ')}) references ${fk.referenced}, but no index leads with these columns: joins on it scan ${table}, and every DELETE or key UPDATE on ${fk.referenced} scans it too to check for referencing rows. Add an index on ${table}(${fk.columns.join(', ')}).`,
      fix: createIndexSql({ table: `${fk.schema}.${fk.table}`, columns: fk.columns }, 'postgres', { concurrently: true }),
      ...links(code, table),
    };
  });
}

export interface SeqScanOptions {
  /** Tables with fewer live rows are ignored (PgHero: 10,000). */
  minRows: number;
}

/** Tables with more sequential scans than index scans, large enough for it to matter. */
export function seqScanItems(tables: TableScanRow[], options: SeqScanOptions, code?: CodeIndex): HealthItem[] {
  return tables
    .filter((t) => t.liveRows >= options.minRows && t.seqScans > t.idxScans)
    .map((t) => {
      const table = tableName(t.schema, t.table);
      const suggestion = code?.suggestedIndex(t.table);
      const share = t.seqScans / (t.seqScans + t.idxScans);
      return {
        kind: 'seq-scan-table', level: 'warn' as const, table, bytes: t.bytes,
        message: `${table} (${Math.round(t.liveRows).toLocaleString('en-US')} rows) was read by ${t.seqScans} sequential scans against ${t.idxScans} index scans (${Math.round(share * 100)} % sequential): each reads the whole table. `
          + (suggestion
            ? `QueryLens's rules suggest an index on ${t.table}(${suggestion.columns.join(', ')}) for a query in the code.`
            : 'Explain the queries on it (the links below) to find the columns they filter on, and index those.'),
        ...(suggestion ? { fix: createIndexSql({ ...suggestion, table: `${t.schema}.${t.table}` }, 'postgres', { concurrently: true }) } : {}),
        ...links(code, table),
      };
    });
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
