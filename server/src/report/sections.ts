/**
 * The review report's sections, each a pure formatter from the data the
 * dashboard shows (shared/dashboard.ts) to Markdown. Index health's is
 * db/health's own (formatIndexHealthMarkdown), written with its data. Paths are printed
 * relative to the workspace root: the report is pasted into a pull request.
 */
import * as path from 'node:path';
import type { BenchmarkRun, LatencyStats, MigrationsReport, MigrationStatus, PoolReport } from '../../../shared/dashboard';
import type { Finding, RuleMeta } from '../../../shared/types';
import { compareRuns, isRegression, sameQuery, STAT_LABELS } from '../db/bench';
import { block, cell, code, inline, ms, ratio, table } from './markdown';

/** Findings listed per rule before "and N more". */
const PER_RULE = 10;

/** `file` relative to the root, with forward slashes (absolute when outside it). */
export function relativeTo(root: string, file: string): string {
  const r = path.relative(root, file);
  return (r === '' || r.startsWith('..') || path.isAbsolute(r) ? file : r).split(path.sep).join('/');
}

export function formatFindingsMarkdown(root: string, findings: Finding[], rules: RuleMeta[], files: number): string {
  const out = ['## Findings by rule', ''];
  if (findings.length === 0) return [...out, `No problems in ${files} file(s).`].join('\n');
  const byRule = new Map<string, Finding[]>();
  for (const f of findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  const rank = { error: 0, warning: 1, info: 2, hint: 3 } as const;
  const order = [...byRule.entries()].sort(([a, fa], [b, fb]) => Math.min(...fa.map((f) => rank[f.severity])) - Math.min(...fb.map((f) => rank[f.severity])) || fb.length - fa.length || (a < b ? -1 : 1));
  const title = new Map(rules.map((r) => [r.id, r.description ?? '']));
  // Our own rule table's URLs (not user text): safe to link as they are.
  const docs = new Map(rules.map((r) => [r.id, r.docs]));
  out.push(`${findings.length} problem(s) in ${new Set(findings.map((f) => f.file)).size} of ${files} file(s).`, '');
  out.push(
    table(
      ['Rule', 'Severity', 'Findings', 'Files'],
      order.map(([id, fs]) => [docs.get(id) ? `[${code(id)}](${docs.get(id)})` : code(id), worstSeverity(fs), String(fs.length), String(new Set(fs.map((f) => f.file)).size)]),
      ['l', 'l', 'r', 'r'],
    ),
  );
  for (const [id, fs] of order) {
    out.push('', `### ${inline(id)} (${fs.length})`);
    if (title.get(id)) out.push('', inline(title.get(id)!));
    out.push('');
    for (const f of fs.slice(0, PER_RULE)) out.push(`- ${code(`${relativeTo(root, f.file)}:${f.range.start.line + 1}`)} ${cell(f.message)}`);
    if (fs.length > PER_RULE) out.push(`- … and ${fs.length - PER_RULE} more`);
  }
  return out.join('\n');
}

function worstSeverity(findings: Finding[]): string {
  for (const s of ['error', 'warning', 'info', 'hint'] as const) if (findings.some((f) => f.severity === s)) return s;
  return '';
}

const STATUS_MARK: Record<MigrationStatus, string> = { applied: '✅ applied', pending: '⏳ pending', modified: '⚠️ modified', missing: '❌ missing', failed: '❌ failed' };

export function formatMigrationsMarkdown(root: string, report: MigrationsReport): string {
  const out = ['## Migrations', '', `On ${code(report.connection)} at ${cell(report.at)}.`];
  if (report.sets.length === 0) return [...out, '', 'No migration folders found.'].join('\n');
  for (const set of report.sets) {
    const counts = new Map<MigrationStatus, number>();
    for (const row of set.rows) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
    out.push('', `### ${inline(set.tool)}: ${code(relativeTo(root, set.dir))}`, '');
    out.push(
      set.trackingTableFound
        ? `${[...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'no migrations'} (tracking table ${code(set.trackingTable)}).`
        : `Tracking table ${code(set.trackingTable)} not found: nothing applied yet.`,
    );
    const unreadable = (set as { error?: string }).error;
    if (unreadable) out.push('', `❌ The tracking table could not be read: ${cell(unreadable)}`);
    if (set.command && set.rows.some((r) => r.status === 'pending')) out.push('', `Apply with ${code(set.command)}.`);
    out.push(
      '',
      table(
        ['Version', 'Description', 'Status', 'Applied', 'Findings'],
        set.rows.map((row) => [
          code(row.version),
          cell(row.description),
          STATUS_MARK[row.status] + (row.status === 'modified' && row.checksum ? ` (file ${cell(row.checksum.file)}, recorded ${cell(row.checksum.recorded)})` : ''),
          cell(row.appliedAt) + (row.executionMs !== undefined ? ` (${ms(row.executionMs)})` : ''),
          row.findings.map((f) => `${code(f.ruleId)} line ${f.line + 1}`).join(', '),
        ]),
      ),
    );
    const heads = set.revisions?.filter((r) => r.head) ?? [];
    if (heads.length > 1) out.push('', `⚠️ ${heads.length} heads: ${heads.map((h) => code(h.revision)).join(', ')} (a branch to merge).`);
  }
  return out.join('\n');
}

export function formatPoolMarkdown(report: PoolReport): string {
  const out = ['## Connections', '', `On ${code(report.connection)} (${cell(report.driver)}) at ${cell(report.at)}.`];
  const pg = report.postgres;
  if (pg) {
    const mark = pg.level === 'ok' ? '✅' : pg.level === 'warn' ? '⚠️' : '❌';
    out.push('', `${mark} ${pg.total} of ${pg.maxConnections} connections (${Math.round(pg.utilisation * 100)} %; warn at 70 %, critical at 90 %).`, '');
    out.push(table(['State', 'Connections'], Object.entries(pg.byState).map(([s, n]) => [cell(s), String(n)]), ['l', 'r']));
    if (pg.longRunning.length) {
      out.push('', '### Long-running queries', '', table(['pid', 'Duration', 'State', 'Wait', 'Query'], pg.longRunning.map((s) => [String(s.pid), ms(s.durationMs), cell(s.state), cell(s.waitEvent), code(s.query.slice(0, 200))])));
    }
    if (pg.blocked.length) {
      out.push('', '### Blocked sessions', '', table(['pid', 'Blocked by', 'Duration', 'Query'], pg.blocked.map((s) => [String(s.pid), s.blockedBy.join(', '), ms(s.durationMs), code(s.query.slice(0, 200))])));
    }
  }
  if (report.sqlite) {
    out.push('', table(['Pragma', 'Value', 'Recommended', 'Fix'], report.sqlite.pragmas.map((p) => [code(p.name), cell(p.value), cell(p.recommended), p.ok ? '✅' : p.fix ? code(p.fix) : '⚠️'])));
  }
  if (report.ourPool) out.push('', `QueryLens's pool: ${report.ourPool.totalCount} open, ${report.ourPool.idleCount} idle, ${report.ourPool.waitingCount} waiting.`);
  return out.join('\n');
}

const STATS = STAT_LABELS;

function stat(metric: keyof LatencyStats, value: number): string {
  return metric === 'opsPerSec' ? value.toFixed(1) : metric === 'errors' ? String(value) : ms(value);
}

/** The latest run of every query, compared with the run before it when there is one, and judged against its targets. */
export function formatBenchmarksMarkdown(runs: BenchmarkRun[]): string {
  const out = ['## Benchmarks'];
  if (runs.length === 0) return [...out, '', 'No saved runs in `.querylens/benchmarks/` (run `querylens bench FILE:LINE`).'].join('\n');
  const groups: BenchmarkRun[][] = [];
  for (const run of runs) {
    const group = groups.find((g) => sameQuery(g[0]!, run));
    if (group) group.push(run);
    else groups.push([run]);
  }
  for (const [head, base] of groups) {
    out.push('', `### ${inline(head!.name)}`, '', describeRun(head!));
    if (base) {
      const c = compareRuns(base, head!);
      out.push('', `Compared with ${describeRun(base)}:`, '');
      out.push(
        table(
          ['', 'before', 'after', 'change'],
          STATS.map(([m, label]) => [label, stat(m, base.stats[m]), stat(m, head!.stats[m]), ratio(c.ratios[m]) + (isRegression(m, c.ratios[m]) ? ' ⚠️' : '')]),
          ['l', 'r', 'r', 'r'],
        ),
      );
    } else {
      out.push('', table(STATS.map(([, label]) => label), [STATS.map(([m]) => stat(m, head!.stats[m]))], STATS.map(() => 'r')));
    }
    if (head!.targets.length) {
      out.push('', head!.targets.map((t) => `${t.pass ? '✅' : '❌'} ${t.metric} ${t.max !== undefined ? `≤ ${t.max}` : ''}${t.min !== undefined ? `${t.max !== undefined ? ', ' : ''}≥ ${t.min}` : ''} (${stat(t.metric, head!.stats[t.metric])})`).join(' · '));
    }
    out.push('', block(head!.sql, 'sql'));
  }
  return out.join('\n');
}

function describeRun(run: BenchmarkRun): string {
  const where = run.source ? ` at ${code(`${run.source.file}:${run.source.line}`)}` : '';
  const git = run.git ? ` on ${code(run.git.branch ? `${run.git.branch}@${run.git.commit}` : run.git.commit)}` : '';
  return `${code(run.id)}${where}: ${run.iterations} iterations × ${run.concurrency} session(s) on ${code(run.connection)}${git}, ${cell(run.createdAt)}${run.rolledBack ? ', rolled back' : ''}`;
}
