/**
 * Builds the shadow database on a session: asks the database which declared
 * types it lacks (they become text), then runs the script statement by
 * statement. A statement the database rejects is reported and the build goes
 * on: a shadow missing one index still explains every other query.
 */
import type { Catalog } from '../../core/catalog/types';
import type { DbSession } from '../types';
import { shadowScript, shadowSignature } from './script';
import type { FailedStatement, ShadowOptions, ShadowReport } from './types';
import { columnType } from './values';

export async function buildShadow(session: DbSession, catalog: Catalog, options: ShadowOptions): Promise<ShadowReport> {
  const started = performance.now();
  if (options.dialect === 'postgres' && hasVectorColumns(catalog)) await loadVectorExtension(session);
  const unknownTypes = options.dialect === 'postgres' ? await unknownPgTypes(session, catalog) : new Set<string>();
  const script = shadowScript(catalog, { ...options, unknownTypes });
  const failed: FailedStatement[] = [];
  const missingTables = new Set<string>();
  let executed = 0;
  for (const statement of script.statements) {
    if (statement.table && missingTables.has(statement.table)) {
      failed.push({ ...statement, error: `not run: table ${statement.table} could not be created` });
      continue;
    }
    try {
      await session.query(statement.sql);
      executed++;
    } catch (e) {
      failed.push({ ...statement, error: (e as Error)?.message ?? String(e) });
      if (statement.purpose === 'table' && statement.table) missingTables.add(statement.table);
    }
  }
  const fillFailed = new Set(failed.filter((f) => f.purpose === 'fill' || f.purpose === 'table').map((f) => f.table));
  return {
    dialect: options.dialect,
    signature: shadowSignature(catalog, options),
    tables: Object.entries(script.rows)
      .filter(([name]) => !missingTables.has(name))
      .map(([name, rows]) => ({ name, rows: fillFailed.has(name) ? 0 : rows })),
    executed,
    failed,
    skipped: script.skipped,
    fallbacks: script.fallbacks,
    ms: performance.now() - started,
  };
}

/**
 * The declared types PostgreSQL does not know here (`vector(1536)` without
 * pgvector, an enum whose CREATE TYPE the catalog does not model). Serial
 * types are not types (CREATE TABLE expands them), so they are not asked.
 */
async function unknownPgTypes(session: DbSession, catalog: Catalog): Promise<Set<string>> {
  const declared = new Set<string>();
  for (const table of catalog.tables.values()) {
    for (const column of table.columns.values()) {
      const type = column.type.trim().toLowerCase();
      if (type && columnType(type).family !== 'serial') declared.add(type);
    }
  }
  const unknown = new Set<string>();
  for (const type of declared) {
    try {
      const result = await session.query('SELECT to_regtype($1) IS NOT NULL AS known', [type]);
      if (result.rows[0]?.known !== true) unknown.add(type);
    } catch {
      unknown.add(type); // not even a type name PostgreSQL can parse
    }
  }
  return unknown;
}

function hasVectorColumns(catalog: Catalog): boolean {
  return [...catalog.tables.values()].some((t) => [...t.columns.values()].some((c) => columnType(c.type).family === 'vector'));
}

/**
 * pgvector, for the schema's vector columns: the embedded PGlite loads it
 * (@electric-sql/pglite-pgvector). Where it is missing the vector types stay
 * unknown and their columns become text (see unknownPgTypes): the shadow still
 * explains every query that does not measure a distance.
 */
async function loadVectorExtension(session: DbSession): Promise<void> {
  try {
    await session.query('CREATE EXTENSION IF NOT EXISTS vector');
  } catch {
    // not available here: reported through the fallbacks
  }
}
