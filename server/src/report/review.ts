/**
 * The review report (issue 5): one Markdown document for a pull request —
 * findings by rule, migration status, benchmark comparison, index health —
 * from the same data the dashboard shows. Sections that need a database say
 * why they are missing instead of disappearing.
 */
import * as path from 'node:path';
import type { BenchmarkComparison, BenchmarkRun, IndexHealthReport, MigrationsReport, PoolReport } from '../../../shared/dashboard';
import type { Finding, RuleMeta } from '../../../shared/types';
import { compareRuns, sameQuery } from '../db/bench';
import { workspacePath } from '../core/config/files';
import { cell, code, fileLink } from './markdown';
import { formatIndexHealthMarkdown } from '../db/health/format';
import { formatBenchmarksMarkdown, formatFindingsMarkdown, formatMigrationsMarkdown, formatPoolMarkdown, relativeTo } from './sections';

/** A database section: its report, or why there is none. */
export type Section<T> = { report: T } | { unavailable: string };

export interface ReviewInput {
  /** Absolute workspace root (paths are printed relative to it; only its name is printed). */
  root: string;
  files: number;
  findings: Finding[];
  rules: RuleMeta[];
  /** Saved benchmark runs, newest first. */
  runs: BenchmarkRun[];
  migrations: Section<MigrationsReport>;
  health: Section<IndexHealthReport>;
  pool?: Section<PoolReport>;
  git?: { commit: string; branch?: string };
  /** ISO time of the report. */
  at: string;
}

export function reviewMarkdown(input: ReviewInput): string {
  const git = input.git ? ` at ${code(input.git.branch ? `${input.git.branch}@${input.git.commit}` : input.git.commit)}` : '';
  const parts = [
    `# QueryLens review: ${cell(path.basename(input.root))}`,
    `${summaryLine(input)}${git} · ${cell(input.at)}`,
    formatFindingsMarkdown(input.root, input.findings, input.rules, input.files),
    section('## Migrations', input.migrations, (r) => formatMigrationsMarkdown(input.root, r)),
    ...(input.pool ? [section('## Connections', input.pool, formatPoolMarkdown)] : []),
    formatBenchmarksMarkdown(input.runs),
    section('## Index health', input.health, (r) => formatIndexHealthMarkdown(r, (file, line) => fileLink(relativeTo(input.root, file), line)).trimEnd()),
  ];
  return `${parts.join('\n\n')}\n`;
}

function section<T>(heading: string, s: Section<T>, format: (report: T) => string): string {
  return 'report' in s ? format(s.report) : `${heading}\n\n_Not available: ${cell(s.unavailable)}._`;
}

function summaryLine(input: ReviewInput): string {
  const errors = input.findings.filter((f) => f.severity === 'error').length;
  const warnings = input.findings.filter((f) => f.severity === 'warning').length;
  const latest = latestPerQuery(input.runs);
  const failed = latest.filter((r) => r.targets.some((t) => !t.pass)).length;
  const bits = [`${input.findings.length} finding(s) (${errors} error(s), ${warnings} warning(s)) in ${input.files} file(s)`];
  if (latest.length) bits.push(`${latest.length} benchmarked quer${latest.length === 1 ? 'y' : 'ies'}${failed ? `, ${failed} missing a target` : ''}`);
  return bits.join(' · ');
}

/** The newest run of each query. */
export function latestPerQuery(runs: BenchmarkRun[]): BenchmarkRun[] {
  const out: BenchmarkRun[] = [];
  for (const run of runs) if (!out.some((r) => sameQuery(r, run))) out.push(run);
  return out;
}

/** The review as JSON (`querylens report --format json`): the same sections, as data. */
export function reviewJson(input: ReviewInput): unknown {
  const byRule: Record<string, { severity: string; count: number; findings: { file: string; line: number; message: string }[] }> = {};
  for (const f of input.findings) {
    const entry = (byRule[f.ruleId] ??= { severity: f.severity, count: 0, findings: [] });
    entry.count++;
    entry.findings.push({ file: workspacePath(input.root, f.file), line: f.range.start.line + 1, message: f.message });
  }
  const benchmarks = latestPerQuery(input.runs).map((head) => {
    const base = input.runs.find((r) => r !== head && sameQuery(r, head) && r.createdAt <= head.createdAt);
    const comparison: BenchmarkComparison | undefined = base ? compareRuns(base, head) : undefined;
    return { head, ...(base ? { base: base.id, comparison } : {}) };
  });
  return {
    root: path.basename(input.root),
    at: input.at,
    ...(input.git ? { git: input.git } : {}),
    files: input.files,
    findingsByRule: byRule,
    migrations: input.migrations,
    ...(input.pool ? { pool: input.pool } : {}),
    benchmarks,
    indexHealth: input.health,
  };
}
