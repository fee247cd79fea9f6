/**
 * Flyway (`flyway migrate`): `flyway_schema_history`, one row per execution,
 * ordered by `installed_rank`. Versions are compared numerically part by part
 * (`1.1` = `1.01`, trailing zeros ignored), as Flyway's MigrationVersion does.
 * A version's latest row decides: `success = false` → failed; an `UNDO_SQL`
 * row (Teams' `flyway undo`) → pending again; `BASELINE` → every file up to
 * it counts as applied. Rows without a version (repeatables `R__`, the
 * schema-creation marker) are not versioned migrations.
 *
 * Writing as Flyway does: the table with Flyway's DDL, then per migration
 * `installed_rank` = max + 1, `version`, `description` (name with `_` → space),
 * `type` 'SQL', `script` (file name), `checksum` (CRC32, checksums.ts),
 * `installed_by` (current_user; '' on SQLite, which has no users),
 * `execution_time` (ms), `success`. An undo appends an `UNDO_SQL` row for the
 * `U` file rather than deleting anything, as Flyway does. Flyway refuses a
 * pending version below the highest applied one unless `outOfOrder` is set;
 * QueryLens refuses it too.
 */
import * as path from 'node:path';
import type { Migration } from '../../../core/catalog/types';
import { flywayChecksum } from '../checksums';
import { bool, isoOf, numberOf, param, readBytes, tableExists, truthy, mergeStatuses, type FileSide, type Tracked } from './common';
import type { Step, ToolContext, ToolModule } from './types';

const TABLE = 'flyway_schema_history';

const DDL = {
  postgres: [
    `CREATE TABLE "${TABLE}" (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
)`,
    `ALTER TABLE "${TABLE}" ADD CONSTRAINT "${TABLE}_pk" PRIMARY KEY ("installed_rank")`,
    `CREATE INDEX "${TABLE}_s_idx" ON "${TABLE}" ("success")`,
  ],
  sqlite: [
    `CREATE TABLE "${TABLE}" (
    "installed_rank" INT NOT NULL PRIMARY KEY,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INT,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
    "execution_time" INT NOT NULL,
    "success" BOOLEAN NOT NULL
)`,
    `CREATE INDEX "${TABLE}_s_idx" ON "${TABLE}" ("success")`,
  ],
};

/** Flyway's MigrationVersion as a comparable key: `1.01.0` → `1.1`. */
export function flywayVersionKey(version: string): string {
  const parts = version.split(/[._]/).map((p) => (/^\d+$/.test(p) ? BigInt(p).toString() : p));
  while (parts.length > 1 && parts[parts.length - 1] === '0') parts.pop();
  return parts.join('.');
}

function compareFlyway(a: string, b: string): number {
  const pa = flywayVersionKey(a).split('.').map(BigInt);
  const pb = flywayVersionKey(b).split('.').map(BigInt);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0n;
    const y = pb[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** `V1_2__Add_users.sql` → `Add users`. */
function descriptionOf(file: string): string {
  const name = path.basename(file).replace(/\.sql$/i, '');
  return name.slice(name.indexOf('__') + 2).replace(/_/g, ' ');
}

export const flyway: ToolModule = {
  tool: 'flyway',
  table: TABLE,
  async status(set, ctx) {
    const found = await tableExists(ctx, TABLE);
    const tracked = new Map<string, Tracked>();
    let baseline: string | undefined;
    let baselineAt: string | undefined;
    if (found) {
      const r = await ctx.run(`SELECT installed_rank, version, description, type, checksum, installed_on, execution_time, success FROM "${TABLE}" ORDER BY installed_rank`);
      for (const row of r.rows) {
        if (row.version === null || row.version === undefined) continue;
        const version = String(row.version);
        const key = flywayVersionKey(version);
        const type = String(row.type);
        if (type === 'BASELINE') {
          baseline = version;
          baselineAt = isoOf(row.installed_on);
          continue;
        }
        // Rows come in rank order: the latest one per version wins.
        if (type === 'UNDO_SQL' && truthy(row.success)) {
          tracked.delete(key);
          continue;
        }
        tracked.set(key, {
          key,
          version,
          description: String(row.description ?? ''),
          success: truthy(row.success),
          appliedAt: isoOf(row.installed_on),
          executionMs: numberOf(row.execution_time),
          checksum: row.checksum === null || row.checksum === undefined ? undefined : String(Number(row.checksum)),
        });
      }
    }
    const files: FileSide[] = set.migrations.map((m) => {
      const bytes = readBytes(m.upFile);
      return { key: flywayVersionKey(m.version), migration: m, checksum: bytes ? String(flywayChecksum(bytes)) : undefined };
    });
    const rows = mergeStatuses(files, tracked, compareFlyway);
    if (baseline !== undefined) {
      for (const row of rows) {
        if (row.status !== 'pending' || compareFlyway(row.version, baseline) > 0) continue;
        row.status = 'applied'; // below the baseline: Flyway takes it as already in the database
        if (baselineAt) row.appliedAt = baselineAt;
      }
    }
    return { trackingTableFound: found, rows };
  },
  writer: {
    async ensureTable(ctx) {
      if (await tableExists(ctx, TABLE)) return;
      for (const statement of DDL[ctx.dialect]) await ctx.run(statement);
    },
    recordApply: (ctx, step) => insertRow(ctx, step, 'SQL'),
    recordRevert: (ctx, step) => insertRow(ctx, step, 'UNDO_SQL'),
    // Flyway records a failed migration that ran outside a transaction with success = false.
    recordFailure: (ctx, step, action) => insertRow(ctx, step, action === 'apply' ? 'SQL' : 'UNDO_SQL', false),
    refuseApply(pending, rows) {
      const applied = rows.filter((r) => r.status === 'applied').map((r) => r.version);
      const highest = applied.sort(compareFlyway).at(-1);
      const early = highest === undefined ? undefined : pending.find((r) => compareFlyway(r.version, highest) < 0);
      return early ? `pending version ${early.version} is below the applied version ${highest}: Flyway refuses it unless outOfOrder is set (run flyway -outOfOrder=true migrate)` : undefined;
    },
  },
};

async function insertRow(ctx: ToolContext, step: Step, type: 'SQL' | 'UNDO_SQL', success = true): Promise<void> {
  const p = (n: number) => param(ctx.dialect, n);
  const rank = await ctx.run(`SELECT COALESCE(MAX(installed_rank), 0) + 1 AS next FROM "${TABLE}"`);
  const user = ctx.dialect === 'postgres' ? String((await ctx.run('SELECT current_user AS u')).rows[0]?.u ?? '') : '';
  const m: Migration = step.migration;
  await ctx.run(
    `INSERT INTO "${TABLE}" ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "execution_time", "success") ` +
      `VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${bool(ctx.dialect, success)})`,
    [Number(rank.rows[0]?.next ?? 1), m.version, descriptionOf(step.file), type, path.basename(step.file), flywayChecksum(step.bytes), user, Math.round(step.elapsedMs)],
  );
}
