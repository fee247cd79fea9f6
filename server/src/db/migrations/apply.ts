/**
 * applyMigrations: for the SQL-file tools (sqlx, golang-migrate, Flyway,
 * plain), apply every pending migration in order, or revert the last applied
 * one with its down / undo file, writing the tool's own tracking rows
 * (tools/*.ts) so that the tool, run next, finds the database as if it had
 * done the work itself. Each file runs in a transaction with its tracking
 * write unless the file says it cannot (script.ts).
 *
 * Refused (DbError 'refused', before anything runs): a read-only connection;
 * an ORM tool (the error names the command to run); a set with a failed /
 * dirty, modified or missing migration, which the tool itself would stop on.
 * Asking before touching a production connection is the client's job.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { MigrationActionResult, MigrationStatus } from '../../../../shared/dashboard';
import type { Migration } from '../../core/catalog/types';
import type { Workspace } from '../../core/engine/workspace';
import { dbError } from '../drivers/errors';
import { rollback, withJob, type Job } from '../explain/run';
import { DbError, type Driver } from '../types';
import { runScript, transactionMode } from './script';
import { migrationSetsOf } from './sets';
import { TOOLS } from './tools';
import { sqlxLockId } from './tools/sqlx';
import type { AnySet, Step, StatusRow, ToolContext, TrackingWriter } from './tools/types';

export interface MigrationActionOptions {
  /** The connection is read-only (`readOnly` in its settings): everything is refused. */
  readOnly?: boolean;
  /** Per statement, ms; none by default (a migration may take long). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const BLOCKING: Partial<Record<MigrationStatus, string>> = {
  failed: 'failed (dirty)',
  modified: 'modified after it was applied (its checksum differs)',
  missing: 'applied but its file is gone',
};

export async function applyMigrations(driver: Driver, workspace: Workspace, dir: string, action: 'apply' | 'revert', options: MigrationActionOptions = {}): Promise<MigrationActionResult> {
  const refuse = (what: string, advice?: string) => dbError('refused', driver.name, what, advice ? { advice } : {});
  if (options.readOnly) throw refuse(`QueryLens did not ${action} migrations: the connection is read-only`, 'Use a connection without "readOnly" to change its schema.');
  const wanted = path.resolve(workspace.root, dir);
  const set = migrationSetsOf(workspace).find((s) => s.dir === wanted);
  if (!set) throw refuse(`there is no migration folder at ${wanted}`);
  const tool = TOOLS[set.tool];
  const writer = tool.writer;
  if (!writer) throw refuse(`QueryLens does not ${action} ${set.tool} migrations itself`, `Run \`${tool.command}\`, which keeps ${tool.table} as ${set.tool} expects.`);

  return withJob(driver, { timeoutMs: options.timeoutMs ?? 0, ...(options.signal ? { signal: options.signal } : {}) }, async (job) => {
    const ctx: ToolContext & { connection: string } = { run: job.q, dialect: driver.dialect, root: workspace.root, connection: driver.name };
    const lock = set.tool === 'sqlx' && driver.dialect === 'postgres' ? sqlxLockId(String((await job.q('SELECT current_database() AS db')).rows[0]?.db)) : undefined;
    // sqlx's own lock: a `sqlx migrate run` started meanwhile waits for us, and we for it.
    if (lock) await job.q('SELECT pg_advisory_lock($1)', [lock]);
    try {
      const { rows } = await tool.status(set, ctx);
      const blocked = rows.filter((r) => BLOCKING[r.status]);
      if (blocked.length > 0) {
        const list = blocked.map((r) => `${r.version} is ${BLOCKING[r.status]}`).join('; ');
        throw refuse(`${set.tool} would stop here, so QueryLens does too: ${list}`, fixAdvice(set.tool));
      }
      const versions = action === 'apply' ? await applyPending(job, ctx, set, writer, rows, refuse) : await revertLast(job, ctx, set, writer, rows, refuse);
      const message =
        versions.length === 0
          ? 'nothing to apply: every migration is applied'
          : `${action === 'apply' ? 'applied' : 'reverted'} ${versions.join(', ')}; ${tool.table} updated as ${set.tool} writes it`;
      return { action, versions, message };
    } finally {
      if (lock) await job.session.query('SELECT pg_advisory_unlock($1)', [lock]).catch(() => undefined);
    }
  });
}

type Refuse = (what: string, advice?: string) => DbError;

async function applyPending(job: Job, ctx: ToolContext & { connection: string }, set: AnySet, writer: TrackingWriter, rows: StatusRow[], refuse: Refuse): Promise<string[]> {
  const pending = rows.filter((r) => r.status === 'pending');
  const why = writer.refuseApply?.(pending, rows);
  if (why) throw refuse(why);
  if (pending.length === 0) return [];
  await writer.ensureTable(ctx);
  const done: string[] = [];
  for (const row of pending) {
    const migration = set.migrations.find((m) => m.upFile === row.file)!;
    const step = stepOf(migration, migration.upFile);
    const mode = await transactionMode(scriptText(step), ctx.dialect, writer.noTransactionMarker);
    step.transactional = mode === 'wrapped';
    await runStep(job, ctx, step, mode, {
      before: () => writer.beforeApply?.(ctx, step),
      record: () => writer.recordApply(ctx, step),
      failed: writer.recordFailure && (() => writer.recordFailure!(ctx, step, 'apply')),
    }, TOOLS[set.tool].table);
    await writer.afterApply?.(ctx, step);
    done.push(migration.version);
  }
  return done;
}

async function revertLast(job: Job, ctx: ToolContext & { connection: string }, set: AnySet, writer: TrackingWriter, rows: StatusRow[], refuse: Refuse): Promise<string[]> {
  const last = rows.filter((r) => r.status === 'applied').at(-1);
  if (!last) throw refuse(`nothing to revert: no ${set.tool} migration of ${set.dir} is applied`);
  const index = set.migrations.findIndex((m) => m.upFile === last.file);
  const migration = set.migrations[index];
  if (!migration.downFile) {
    const expected = set.tool === 'flyway' ? `a U${migration.version}__ undo file` : set.tool === 'plain' ? 'a down file (plain migrations have none)' : `a ${migration.version}_*.down.sql file`;
    throw refuse(`${migration.version} (${path.basename(migration.upFile)}) has no down file`, `Reverting needs ${expected}.`);
  }
  const previous = index > 0 ? set.migrations[index - 1] : undefined;
  const step = stepOf(migration, migration.downFile);
  const mode = await transactionMode(scriptText(step), ctx.dialect, writer.noTransactionMarker);
  step.transactional = mode === 'wrapped';
  await runStep(job, ctx, step, mode, {
    before: () => writer.beforeRevert?.(ctx, step, previous),
    record: () => writer.recordRevert(ctx, step, previous),
    failed: writer.recordFailure && (() => writer.recordFailure!(ctx, step, 'revert')),
  }, TOOLS[set.tool].table);
  return [migration.version];
}

/** The SQL to send: a byte-order mark is no SQL (Flyway drops it when reading; PostgreSQL would choke on it). */
function scriptText(step: Step): string {
  return step.bytes.toString('utf8').replace(/^\uFEFF/, '');
}

function stepOf(migration: Migration, file: string): Step {
  return { migration, file, bytes: readFileSync(file), elapsedMs: 0, transactional: true };
}

/**
 * The script and its tracking write: one transaction, or (outside one) the
 * tool's before-mark, the script, the record. A script that fails outside a
 * transaction leaves what ran before the failing statement applied: the
 * tool's failure mark records that (recordFailure), so the status reads
 * failed and the next apply stops, as the tool's would.
 */
async function runStep(
  job: Job,
  ctx: ToolContext & { connection: string },
  step: Step,
  mode: Awaited<ReturnType<typeof transactionMode>>,
  write: { before(): Promise<void> | void; record(): Promise<void>; failed?: () => Promise<void> },
  table: string,
): Promise<void> {
  const text = scriptText(step);
  if (mode === 'wrapped') await job.q('BEGIN');
  else await write.before();
  const started = performance.now();
  try {
    await runScript(job.session, text, ctx.dialect, mode);
    step.elapsedMs = performance.now() - started;
    await write.record();
    if (mode === 'wrapped') await job.q('COMMIT');
  } catch (error) {
    step.elapsedMs = performance.now() - started;
    // A file that manages its own transactions may have left one open and aborted.
    if (mode !== 'none') await rollback(job);
    const what = error instanceof Error ? error.message.replace(/^Connection "[^"]*": /, '').replace(/\.$/, '') : String(error);
    const kept = mode === 'wrapped' ? 'it ran in a transaction, rolled back: nothing of it was kept' : `it ran outside a transaction: the statements before the failing one stay applied; ${await markFailed(write.failed, table)}`;
    throw dbError(error instanceof DbError ? error.kind : 'sql', ctx.connection, `${path.basename(step.file)} failed: ${what} (${kept})`, { cause: error, advice: '' });
  }
}

async function markFailed(failed: (() => Promise<void>) | undefined, table: string): Promise<string> {
  if (!failed) return `${table} marks it dirty`;
  try {
    await failed();
    return `${table} marks it failed`;
  } catch (error) {
    return `and marking it failed in ${table} failed too (${error instanceof Error ? error.message : String(error)}): check the database by hand`;
  }
}

function fixAdvice(tool: string): string {
  switch (tool) {
    case 'golang-migrate':
      return 'Repair the database, then `migrate force <version>` (golang-migrate) clears the dirty flag.';
    case 'flyway':
      return 'Restore the file or run `flyway repair` after checking the database.';
    case 'sqlx':
      return 'Restore the file, or fix the database and the _sqlx_migrations row by hand (sqlx has no repair command).';
    default:
      return 'Restore the file, or repair the database and delete its querylens_migrations row (the file then runs again).';
  }
}
