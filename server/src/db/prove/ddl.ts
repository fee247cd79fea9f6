/**
 * The CREATE INDEX a proof runs: the suggestion's own DDL read by the SQL
 * core (so a trigram GIN suggestion keeps its method and operator class),
 * rebuilt plain (never CONCURRENTLY: it cannot run inside the proof's
 * transaction) under a unique temporary name.
 */
import type { SuggestedIndex } from '../../../../shared/explain';
import type { IndexKey } from '../../core/sql/model';
import { initParsers, parseDocument } from '../../core/sql/parse';
import { dbError } from '../drivers/errors';
import type { DbDialect } from '../types';

export interface ProofIndex {
  name: string;
  table: string;
  ddl: string;
}

const PLAIN = /^[a-z_][a-z0-9_$]*$/;

function ident(name: string): string {
  return PLAIN.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** `schema.table` → each part quoted when it needs it. */
export function qualified(name: string): string {
  return name.split('.').map(ident).join('.');
}

export async function proofIndex(index: SuggestedIndex, dialect: DbDialect, connection: string, tableName: (table: string) => string = (t) => t): Promise<ProofIndex> {
  await initParsers();
  const name = `querylens_proof_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const parsed = index.ddl ? parseDocument(index.ddl, dialect).statements.flatMap((s) => s.changes).find((c) => c.kind === 'createIndex') : undefined;
  let keys: IndexKey[] = index.columns.map((column) => ({ column }));
  let method = '';
  let where = '';
  let storage = '';
  let table = index.table;
  if (parsed && parsed.kind === 'createIndex') {
    keys = parsed.keys;
    table = parsed.table || table;
    if (dialect === 'postgres' && parsed.method && parsed.method !== 'btree') method = ` USING ${parsed.method}`;
    if (parsed.where) where = ` WHERE ${parsed.where}`;
    // HNSW's m and ef_construction, IVFFlat's lists: plain words and numbers only.
    const options = Object.entries(parsed.options ?? {}).filter(([k, v]) => /^\w+$/.test(k) && /^[\w.]+$/.test(v));
    if (dialect === 'postgres' && options.length) storage = ` WITH (${options.map(([k, v]) => `${k} = ${v}`).join(', ')})`;
  }
  if (keys.length === 0) throw dbError('refused', connection, `the suggested index on ${index.table} has no columns`, {});
  table = tableName(table);
  const parts = keys.map((k) => `${k.column !== undefined ? ident(k.column) : `(${k.expression})`}${k.opclass ? ` ${k.opclass}` : ''}${k.desc ? ' DESC' : ''}`);
  const ddl = `CREATE INDEX ${name} ON ${qualified(table)}${method} (${parts.join(', ')})${storage}${where}`;
  // What runs must itself read as one CREATE INDEX, nothing more.
  const check = parseDocument(ddl, dialect);
  if (check.errors.length || check.statements.length !== 1 || check.statements[0].kind !== 'create_index') {
    throw dbError('refused', connection, `the suggested index does not make a valid CREATE INDEX (${ddl})`, {});
  }
  return { name, table, ddl };
}
