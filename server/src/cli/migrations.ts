/**
 * `querylens migrations [path] [--connection C | --embedded] [--format text|json]
 * [--apply DIR | --revert DIR]`: the dashboard's Migrations tab in a terminal
 * or a CI job. Exit 1 when a migration is failed, modified or missing (what
 * the tools themselves stop on), so CI can fail on it.
 */
import * as path from 'node:path';
import type { MigrationActionResult, MigrationSetReport, MigrationsReport } from '../../../shared/dashboard';
import { loadConfig } from '../core/config/load';
import { Workspace } from '../core/engine/workspace';
import { initParsers } from '../core/sql/parse';
import { applyMigrations, migrationsReport } from '../db/migrations';
import { DatabaseService } from '../db/service';
import { resolveConnection } from './database';
import type { MigrationsCommand } from './migrations-args';
import { findRoot } from './root';
import { sqliteSyntaxOracle } from '../db/syntax-oracle';

export async function runMigrationsCommand(command: MigrationsCommand & { cwd: string; env: NodeJS.ProcessEnv; warn(m: string): void }): Promise<{ output: string; problems: boolean }> {
  const root = findRoot(path.resolve(command.cwd, command.path ?? '.'));
  const [loaded] = await Promise.all([loadConfig(root), initParsers()]);
  const workspace = await Workspace.create({ root, config: loaded.config, syntaxOracle: sqliteSyntaxOracle(), onError: (m) => command.warn(`internal error (analysis goes on): ${m}`) });
  const connection = resolveConnection(command.db);
  const service = new DatabaseService({ log: command.warn, env: command.env });
  try {
    const driver = await service.driverFor({ connection, workspace, root }, workspace.dialectOf(root));
    const timeout = command.db.timeoutMs ? { timeoutMs: command.db.timeoutMs } : {};
    if (command.action) {
      const dir = path.resolve(command.cwd, command.action.dir);
      const result = await applyMigrations(driver, workspace, dir, command.action.kind, { readOnly: connection.readOnly === true, ...timeout });
      return { output: command.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatAction(result), problems: false };
    }
    const report = await migrationsReport(driver, workspace, timeout);
    const problems = report.sets.some((s) => s.error !== undefined || s.rows.some((r) => r.status !== 'applied' && r.status !== 'pending'));
    return { output: command.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatMigrations(report, command.cwd), problems };
  } finally {
    await service.close();
  }
}

function formatAction(result: MigrationActionResult): string {
  return `${result.message}\n`;
}

/** One table per set (version, description, status, applied at, ms), the Alembic graph, a summary line. */
export function formatMigrations(report: MigrationsReport, cwd: string): string {
  const out: string[] = [];
  const counts = new Map<string, number>();
  for (const set of report.sets) {
    out.push(`${set.tool} ${path.relative(cwd, set.dir) || '.'} (${set.trackingTable}${set.trackingTableFound ? '' : ': not created yet, nothing applied'})`);
    if (set.error) out.push(`  could not read ${set.trackingTable}: ${set.error}`);
    out.push(...table(set));
    if (set.revisions) out.push(...graph(set));
    if (set.command) out.push(`  apply with: ${set.command}`);
    out.push('');
    for (const r of set.rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const parts = ['applied', 'pending', 'modified', 'missing', 'failed'].filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${s}`);
  out.push(report.sets.length === 0 ? `No migration folders found (on ${report.connection}).` : `${total} migrations in ${report.sets.length} set${report.sets.length === 1 ? '' : 's'} on ${report.connection}: ${parts.join(', ') || 'none'}.`);
  return `${out.join('\n')}\n`;
}

function table(set: MigrationSetReport): string[] {
  const header = ['version', 'description', 'status', 'applied at', 'ms'];
  const rows = set.rows.map((r) => [
    r.version,
    r.description + (r.findings.length ? ` (${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}: ${[...new Set(r.findings.map((f) => f.ruleId))].join(', ')})` : ''),
    r.status,
    r.appliedAt ? r.appliedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, 'Z') : '',
    r.executionMs !== undefined ? r.executionMs.toFixed(r.executionMs < 10 ? 2 : 0) : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

function graph(set: MigrationSetReport): string[] {
  const revisions = set.revisions ?? [];
  const heads = revisions.filter((r) => r.head).map((r) => r.revision);
  const current = revisions.filter((r) => r.current).map((r) => r.revision);
  return [
    `  graph (heads: ${heads.join(', ') || 'none'}; database at: ${current.join(', ') || 'nothing'}):`,
    ...revisions.map((r) => `    ${r.downRevisions.length ? r.downRevisions.join(' + ') : '(root)'} -> ${r.revision}${r.downRevisions.length > 1 ? ' (merge)' : ''}${r.head ? ' [head]' : ''}${r.current ? ' [current]' : ''}`),
  ];
}
