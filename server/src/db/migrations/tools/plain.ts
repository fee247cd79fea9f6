/**
 * Plain numbered folders (`001_init.sql`, ...) have no tool and so no tool
 * table. QueryLens keeps its own, `querylens_migrations`, written only when
 * QueryLens applies them: one row per file, keyed by the file's path under
 * the workspace root (two folders may both hold `001_init.sql`), with the
 * SHA-256 of its bytes (to tell an edited file), when and how long it ran,
 * and `success` (false: the file ran outside a transaction and failed
 * half-way). Plain files have no down file: revert is refused.
 */
import * as path from 'node:path';
import { workspacePath } from '../../../core/config/files';
import { compareVersions } from '../../../core/migrations/detect';
import { plainChecksum } from '../checksums';
import { bool, isoOf, numberOf, param, readBytes, tableExists, truthy, mergeStatuses, type FileSide, type Tracked } from './common';
import type { Step, ToolContext, ToolModule } from './types';

export const PLAIN_TABLE = 'querylens_migrations';

const DDL = {
  postgres: `CREATE TABLE IF NOT EXISTS ${PLAIN_TABLE} (
    script TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    description TEXT NOT NULL,
    checksum TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    execution_ms DOUBLE PRECISION NOT NULL,
    success BOOLEAN NOT NULL
)`,
  sqlite: `CREATE TABLE IF NOT EXISTS ${PLAIN_TABLE} (
    script TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    description TEXT NOT NULL,
    checksum TEXT NOT NULL,
    installed_on TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    execution_ms REAL NOT NULL,
    success BOOLEAN NOT NULL
)`,
};

/** The file's key: its path under the workspace root, `/`-separated. */
function scriptOf(ctx: ToolContext, file: string): string {
  return workspacePath(ctx.root, file);
}

export const plain: ToolModule = {
  tool: 'plain',
  table: PLAIN_TABLE,
  async status(set, ctx) {
    const found = await tableExists(ctx, PLAIN_TABLE);
    const tracked = new Map<string, Tracked>();
    const dirKey = scriptOf(ctx, set.dir) || '.';
    if (found) {
      const r = await ctx.run(`SELECT script, version, description, checksum, installed_on, execution_ms, success FROM ${PLAIN_TABLE} ORDER BY script`);
      for (const row of r.rows) {
        const script = String(row.script);
        // Only this folder's files: another plain folder keeps its rows in the same table.
        if (path.posix.dirname(script) !== dirKey) continue;
        tracked.set(script, {
          key: script,
          version: String(row.version),
          description: String(row.description),
          success: truthy(row.success),
          appliedAt: isoOf(row.installed_on),
          executionMs: numberOf(row.execution_ms),
          checksum: String(row.checksum),
        });
      }
    }
    const files: FileSide[] = set.migrations.map((m) => {
      const bytes = readBytes(m.upFile);
      return { key: scriptOf(ctx, m.upFile), migration: m, checksum: bytes ? plainChecksum(bytes) : undefined };
    });
    return { trackingTableFound: found, rows: mergeStatuses(files, tracked, compareVersions) };
  },
  writer: {
    async ensureTable(ctx) {
      await ctx.run(DDL[ctx.dialect]);
    },
    recordApply: (ctx, step) => insertRow(ctx, step, true),
    // Plain files have no down file: only an apply can fail half-way.
    recordFailure: (ctx, step) => insertRow(ctx, step, false),
    async recordRevert(ctx, step) {
      await ctx.run(`DELETE FROM ${PLAIN_TABLE} WHERE script = ${param(ctx.dialect, 1)}`, [scriptOf(ctx, step.migration.upFile)]);
    },
  },
};

async function insertRow(ctx: ToolContext, step: Step, success: boolean): Promise<void> {
  const p = (n: number) => param(ctx.dialect, n);
  await ctx.run(`INSERT INTO ${PLAIN_TABLE} (script, version, description, checksum, execution_ms, success) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${bool(ctx.dialect, success)})`, [
    scriptOf(ctx, step.migration.upFile),
    step.migration.version,
    step.migration.description,
    plainChecksum(step.bytes),
    step.elapsedMs,
  ]);
}
