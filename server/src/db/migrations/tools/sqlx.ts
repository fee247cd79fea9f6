/**
 * sqlx (`sqlx migrate run`, `sqlx::migrate!()`): `_sqlx_migrations` keyed by
 * the BIGINT version. What sqlx does, and so what QueryLens does:
 * - description: the file name after `<VERSION>_`, without `.sql` / `.up.sql`,
 *   underscores turned into spaces;
 * - apply, in one transaction unless the file starts with `-- no-transaction`:
 *   the SQL, then `INSERT (version, description, success, checksum,
 *   execution_time) VALUES (v, d, TRUE, sha384, -1)`; after the commit,
 *   `UPDATE ... SET execution_time = <nanoseconds>`;
 * - revert: the down file's SQL, then `DELETE ... WHERE version = v`;
 * - a `-- no-transaction` file that fails half-way: its row with
 *   `success = false` (a failed down file: its row set to false);
 * - a row with `success = false` is a dirty database; a checksum that differs
 *   is a version mismatch; an applied version with no file is missing.
 * On PostgreSQL sqlx holds `pg_advisory_lock(0x3d32ad9e * crc32(database))`
 * meanwhile; apply.ts takes the same lock, so sqlx and QueryLens never run at once.
 */
import * as path from 'node:path';
import { compareVersions } from '../../../core/migrations/detect';
import type { Migration } from '../../../core/catalog/types';
import { crc32, hexOf, sqlxChecksum } from '../checksums';
import { bool, isoOf, numberOf, param, readBytes, tableExists, truthy, mergeStatuses, type FileSide, type Tracked } from './common';
import type { Step, ToolContext, ToolModule } from './types';

const TABLE = '_sqlx_migrations';

const DDL = {
  postgres: `CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
)`,
  sqlite: `CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
)`,
};

/** sqlx's description: `20240101000000_add_users.up.sql` → `add users`. */
export function sqlxDescription(migration: Migration): string {
  const name = path.basename(migration.upFile);
  const rest = name.slice(name.indexOf('_') + 1);
  return rest.replace(/\.up\.sql$|\.sql$/i, '').replace(/_/g, ' ');
}

/** The version as sqlx parses it (an i64): `0001` and `1` are one version. */
function key(version: string): string {
  return /^\d+$/.test(version) ? BigInt(version).toString() : version;
}

export const sqlx: ToolModule = {
  tool: 'sqlx',
  table: TABLE,
  async status(set, ctx) {
    const found = await tableExists(ctx, TABLE);
    const tracked = new Map<string, Tracked>();
    if (found) {
      const r = await ctx.run(`SELECT version, description, installed_on, success, checksum, execution_time FROM ${TABLE} ORDER BY version`);
      for (const row of r.rows) {
        const ns = numberOf(row.execution_time);
        const version = String(row.version);
        tracked.set(key(version), {
          key: key(version),
          version,
          description: String(row.description ?? ''),
          success: truthy(row.success),
          appliedAt: isoOf(row.installed_on),
          // -1 until sqlx's UPDATE after the commit ran (or when that was lost).
          executionMs: ns !== undefined && ns >= 0 ? ns / 1e6 : undefined,
          checksum: hexOf(row.checksum),
        });
      }
    }
    const files: FileSide[] = set.migrations.map((m) => {
      const bytes = readBytes(m.upFile);
      return { key: key(m.version), migration: m, checksum: bytes ? sqlxChecksum(bytes).toString('hex') : undefined };
    });
    return { trackingTableFound: found, rows: mergeStatuses(files, tracked, compareVersions) };
  },
  writer: {
    async ensureTable(ctx) {
      await ctx.run(DDL[ctx.dialect]);
    },
    noTransactionMarker: (text) => text.startsWith('-- no-transaction'),
    recordApply: (ctx, step) => insertRow(ctx, step, true),
    // sqlx reads a row with success = false as a dirty, partly applied version and stops there.
    async recordFailure(ctx, step, action) {
      if (action === 'apply') await insertRow(ctx, step, false);
      else await ctx.run(`UPDATE ${TABLE} SET success = ${bool(ctx.dialect, false)} WHERE version = ${param(ctx.dialect, 1)}`, [versionParam(ctx, step.migration.version)]);
    },
    async afterApply(ctx, step) {
      const p = (n: number) => param(ctx.dialect, n);
      await ctx.run(`UPDATE ${TABLE} SET execution_time = ${p(1)} WHERE version = ${p(2)}`, [Math.round(step.elapsedMs * 1e6), versionParam(ctx, step.migration.version)]);
    },
    async recordRevert(ctx, step) {
      await ctx.run(`DELETE FROM ${TABLE} WHERE version = ${param(ctx.dialect, 1)}`, [versionParam(ctx, step.migration.version)]);
    },
  },
};

async function insertRow(ctx: ToolContext, step: Step, success: boolean): Promise<void> {
  const p = (n: number) => param(ctx.dialect, n);
  await ctx.run(`INSERT INTO ${TABLE} ( version, description, success, checksum, execution_time ) VALUES ( ${p(1)}, ${p(2)}, ${bool(ctx.dialect, success)}, ${p(3)}, -1 )`, [
    versionParam(ctx, step.migration.version),
    sqlxDescription(step.migration),
    sqlxChecksum(step.bytes),
  ]);
}

/** BIGINT versions travel as text to pg (no float rounding) and as a bigint to SQLite. */
function versionParam(ctx: ToolContext, version: string): unknown {
  return ctx.dialect === 'postgres' ? key(version) : BigInt(version);
}

/** sqlx's advisory lock id for a database name: `0x3d32ad9e * crc32(name)` (i64). */
export function sqlxLockId(database: string): string {
  return (0x3d32ad9en * BigInt(crc32(Buffer.from(database, 'utf8')))).toString();
}
