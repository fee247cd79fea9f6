/**
 * golang-migrate (`migrate -path DIR -database URL up`): `schema_migrations`
 * holds a single row, the current version and whether it is dirty. Every file
 * up to that version counts as applied (the tool keeps no history, no times,
 * no checksums); a dirty version failed half-way and golang-migrate refuses
 * to move until `migrate force`; a current version with no file is missing
 * (golang-migrate stops with "no migration found for version").
 *
 * Writing it as the tool does: `SetVersion(v, dirty)` empties the table and
 * inserts the one row (no row at all for "nothing applied"). The tool sets
 * (v, dirty) before the body and (v, clean) after it; on revert the version
 * is the one before (the previous file's, or none). QueryLens runs the body
 * and the clean row in one transaction, so a failure leaves the old version,
 * clean; outside a transaction it marks the version dirty first, exactly as
 * the tool, so a half-run script is never reported clean.
 */
import { compareVersions } from '../../../core/migrations/detect';
import type { Migration } from '../../../core/catalog/types';
import { bool, param, tableExists, truthy } from './common';
import type { StatusRow, ToolContext, ToolModule } from './types';

const TABLE = 'schema_migrations';

const DDL = {
  postgres: 'CREATE TABLE IF NOT EXISTS "schema_migrations" (version bigint not null primary key, dirty boolean not null)',
  sqlite: 'CREATE TABLE IF NOT EXISTS schema_migrations (version uint64,dirty bool); CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version)',
};

async function setVersion(ctx: ToolContext, version: string | undefined, dirty: boolean): Promise<void> {
  await ctx.run(ctx.dialect === 'postgres' ? 'TRUNCATE "schema_migrations"' : 'DELETE FROM schema_migrations');
  // golang-migrate writes NilVersion (-1) only when it is dirty: a failed revert of the first migration.
  if (version === undefined && !dirty) return;
  await ctx.run(`INSERT INTO schema_migrations (version, dirty) VALUES (${param(ctx.dialect, 1)}, ${bool(ctx.dialect, dirty)})`, [
    ctx.dialect === 'postgres' ? BigInt(version ?? -1).toString() : BigInt(version ?? -1),
  ]);
}

const same = (a: string, b: string) => compareVersions(a, b) === 0;

export const golangMigrate: ToolModule = {
  tool: 'golang-migrate',
  table: TABLE,
  async status(set, ctx) {
    const found = await tableExists(ctx, TABLE);
    let current: { version: string; dirty: boolean } | undefined;
    if (found) {
      const r = await ctx.run(`SELECT version, dirty FROM ${TABLE} LIMIT 1`);
      const row = r.rows[0];
      if (row && (String(row.version) !== '-1' || truthy(row.dirty))) current = { version: String(row.version), dirty: truthy(row.dirty) };
    }
    const rows: StatusRow[] = set.migrations.map((m) => {
      const row: StatusRow = { version: m.version, description: m.description, file: m.upFile, status: 'pending' };
      if (m.downFile) row.downFile = m.downFile;
      if (current && compareVersions(m.version, current.version) <= 0) row.status = current.dirty && same(m.version, current.version) ? 'failed' : 'applied';
      return row;
    });
    if (current && !set.migrations.some((m) => same(m.version, current!.version))) {
      rows.push({ version: current.version, description: '', status: current.dirty ? 'failed' : 'missing' });
      rows.sort((a, b) => compareVersions(a.version, b.version));
    }
    return { trackingTableFound: found, rows };
  },
  writer: {
    async ensureTable(ctx) {
      if (ctx.dialect === 'postgres') await ctx.run(DDL.postgres);
      else for (const statement of DDL.sqlite.split('; ')) await ctx.run(statement);
    },
    async beforeApply(ctx, step) {
      await setVersion(ctx, step.migration.version, true);
    },
    async recordApply(ctx, step) {
      await setVersion(ctx, step.migration.version, false);
    },
    async beforeRevert(ctx, _step, previous) {
      await setVersion(ctx, previous?.version, true);
    },
    async recordRevert(ctx, _step, previous: Migration | undefined) {
      await setVersion(ctx, previous?.version, false);
    },
  },
};
