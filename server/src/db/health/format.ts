/**
 * Pool and index-health reports as plain text (the CLI's `querylens pool`)
 * and Markdown (`querylens report`, pasted into a pull request). Strings from
 * the database are printed as they are; in Markdown they sit in code spans and
 * fenced blocks, so a table named `<img src=x onerror=...>` shows as text.
 */
import type { HealthItem, IndexHealthReport, Level, PoolReport, SessionInfo } from '../../../../shared/dashboard';
import { formatBytes } from './indexes';
import { POOL_STATES } from './pool';
import { UTILISATION_CRITICAL, UTILISATION_WARN } from './thresholds';
import { configuredSummary, poolLabel, poolSizeText, settingsText, TABLE_HEALTH_KIND_LABEL } from '../../../../shared/judge';

export const LEVEL_WORD: Record<Level, string> = { ok: 'ok', warn: 'WARNING', critical: 'CRITICAL' };

const KIND_TITLE: Record<string, string> = {
  'invalid-index': 'Invalid indexes',
  'unused-index': 'Unused indexes',
  'duplicate-index': 'Duplicate indexes',
  'redundant-index': 'Redundant indexes',
  'unindexed-foreign-key': 'Foreign keys without an index',
  'seq-scan-table': 'Tables read mostly by sequential scans',
  'low-cache-hit': 'Cache hit ratio',
  ...TABLE_HEALTH_KIND_LABEL,
  'slow-statement': 'Slowest statements (pg_stat_statements)',
};

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}

function duration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function oneLine(sql: string, max = 120): string {
  const text = sql.replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function sessionLine(s: SessionInfo): string {
  return `  pid ${s.pid}  ${duration(s.durationMs).padStart(8)}  ${s.state}${s.waitEvent ? ` (${s.waitEvent})` : ''}  ${s.application || '(unnamed)'}  ${oneLine(s.query)}`;
}

export function formatPoolText(report: PoolReport): string {
  const out: string[] = [`Pool of ${report.connection} (${report.driver}) at ${report.at}`];
  const pg = report.postgres;
  if (pg) {
    out.push(
      `Utilisation: ${percent(pg.utilisation)} (${pg.total} of max_connections ${pg.maxConnections}) ${LEVEL_WORD[pg.level]}; warning from ${UTILISATION_WARN * 100} %, critical from ${UTILISATION_CRITICAL * 100} %`,
      'Connections by state:',
      ...[...POOL_STATES, ...Object.keys(pg.byState).filter((s) => !(POOL_STATES as readonly string[]).includes(s))]
        .map((s) => `  ${s.padEnd(30)} ${pg.byState[s] ?? 0}`),
      'Connections by application:',
      ...(pg.byApplication.length === 0 ? ['  none'] : pg.byApplication.map((a) => `  ${(a.application || '(unnamed)').padEnd(30)} ${(a.client ?? '').padEnd(15)} ${a.count}`)),
      `Long-running queries (over ${duration(pg.longRunningThresholdMs ?? 0)}): ${pg.longRunning.length}`,
      ...pg.longRunning.map(sessionLine),
      `Blocked sessions: ${pg.blocked.length}`,
      ...pg.blocked.map((b) => `${sessionLine(b)}\n      blocked by ${b.blockedBy.join(', ')}${b.lock ? `, waiting for ${b.lock}` : ''}`),
    );
    if (pg.blocking && pg.blocking.length > 0) out.push('Blocking sessions:', ...pg.blocking.map(sessionLine));
  }
  if (report.sqlite) {
    out.push('SQLite pragmas (recommended by the seed):');
    for (const p of report.sqlite.pragmas) {
      out.push(`  ${p.ok ? 'ok  ' : 'FIX '} ${p.name.padEnd(13)} ${p.value.padEnd(22)} recommended ${p.recommended}`);
      if (!p.ok) out.push(`       ${p.fix ?? ''}  ${p.why}`);
    }
  }
  if (report.configured?.length) {
    out.push('Pools in the code:');
    for (const p of report.configured) out.push(`  ${`${p.file}:${p.line}`.padEnd(30)} ${poolLabel(p).padEnd(40)} ${poolSizeText(p).padEnd(22)} ${settingsText(p.settings)}`);
    const summary = pg && configuredSummary(report.configured, pg);
    if (summary) out.push(summary.text);
  }
  if (report.ourPool) {
    const o = report.ourPool;
    out.push(`QueryLens's own pool: ${o.totalCount} connections, ${o.idleCount} idle, ${o.waitingCount} requests waiting`);
  }
  return `${out.join('\n')}\n`;
}

function groups(items: HealthItem[]): [string, HealthItem[]][] {
  const kinds = [...new Set(items.map((i) => i.kind))].sort((a, b) => order(a) - order(b));
  return kinds.map((k) => [k, items.filter((i) => i.kind === k)]);
}

function order(kind: string): number {
  const i = Object.keys(KIND_TITLE).indexOf(kind);
  return i === -1 ? 99 : i;
}

function subject(item: HealthItem): string {
  return [item.table && `table ${item.table}`, item.index && `index ${item.index}`, item.bytes !== undefined && formatBytes(item.bytes)].filter(Boolean).join(', ');
}

function statementsLine(report: IndexHealthReport): string {
  return report.statements.available
    ? `pg_stat_statements: available${report.statements.rule ? ` (${report.statements.rule})` : ''}`
    : `pg_stat_statements: not available: ${report.statements.reason}`;
}

export function formatIndexHealthText(report: IndexHealthReport): string {
  const out = [`Index health of ${report.connection}${report.schemas ? ` (schemas ${report.schemas.join(', ')})` : ''} at ${report.at}`];
  out.push(`Cache hit ratio: ${report.cacheHitRatio === undefined ? 'no reads yet' : `${percent(report.cacheHitRatio)} (target 99 %)`}`, statementsLine(report));
  out.push(...itemLines(report.items));
  return `${out.join('\n')}\n`;
}

/** Health items grouped by kind under their headings (`No problems found.` when none), for the terminal. */
export function itemLines(all: HealthItem[]): string[] {
  const out: string[] = [];
  if (all.length === 0) out.push('No problems found.');
  for (const [kind, items] of groups(all)) {
    out.push('', `${KIND_TITLE[kind] ?? kind} (${items.length})`);
    for (const item of items) {
      out.push(`  [${LEVEL_WORD[item.level]}] ${subject(item)}`.trimEnd(), `    ${item.message}`);
      if (item.fix) out.push(...item.fix.split('\n').map((line, i) => `    ${i === 0 ? 'fix: ' : '     '}${line}`));
      for (const c of item.code ?? []) out.push(`    code: ${c.file}:${c.line + 1}`);
    }
  }
  return out;
}

/** A code span that holds any text: the fence is longer than the longest run of backticks inside. */
function codeSpan(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\n/g, ' ')}${pad}${fence}`;
}

/** Prose with database strings in it: every ASCII punctuation that Markdown or HTML could read is backslash-escaped (CommonMark shows it as is). */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>()#+\-!|&~]/g, (c) => `\\${c}`).replace(/\n/g, ' ');
}

function codeBlock(text: string): string {
  const runs = text.match(/`{3,}/g) ?? [];
  const fence = '`'.repeat(Math.max(2, ...runs.map((r) => r.length)) + 1);
  return `${fence}sql\n${text}\n${fence}`;
}

/**
 * The Index health section of the review report. `link` writes the place in
 * the code a finding is about (the report links it, relative to the
 * repository root, with report/markdown's fileLink); a code span by default.
 */
export function formatIndexHealthMarkdown(report: IndexHealthReport, link: (file: string, line: number) => string = (file, line) => codeSpan(`${file}:${line}`)): string {
  const out = ['## Index health', ''];
  out.push(`Connection ${codeSpan(report.connection)}${report.schemas ? `, schemas ${report.schemas.map(codeSpan).join(', ')}` : ''}, read ${report.at}.`, '');
  out.push(`- Cache hit ratio: ${report.cacheHitRatio === undefined ? 'no reads yet' : `**${percent(report.cacheHitRatio)}** (target 99 %)`}`);
  // The reason names the database, whose name is the server's: escaped like any database string.
  out.push(`- \`pg_stat_statements\`${escapeMarkdown(statementsLine(report).slice('pg_stat_statements'.length))}`, '');
  if (report.items.length === 0) out.push('No unused, duplicate or redundant indexes, unindexed foreign keys, sequential-scan tables or slow statements.', '');
  for (const [kind, items] of groups(report.items)) {
    out.push(`### ${KIND_TITLE[kind] ?? kind} (${items.length})`, '');
    for (const item of items) {
      const what = [item.table && `table ${codeSpan(item.table)}`, item.index && `index ${codeSpan(item.index)}`, item.bytes !== undefined && formatBytes(item.bytes)].filter(Boolean).join(', ');
      out.push(`- **${LEVEL_WORD[item.level]}**${what ? ` ${what}` : ''}: ${escapeMarkdown(item.message)}`);
      if (item.code?.length) out.push(`  In the code: ${item.code.map((c) => link(c.file, c.line + 1)).join(', ')}`);
      if (item.fix) out.push('', codeBlock(item.fix).split('\n').map((l) => `  ${l}`).join('\n'));
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
