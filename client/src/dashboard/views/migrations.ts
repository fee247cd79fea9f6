/**
 * The Migrations tab: per migration set, its tool, tracking table, a table of
 * migrations (`tr.ql-migration-row[data-version][data-status]`, click opens
 * the file) with their QueryLens findings, the actions (apply pending /
 * revert last for SQL-file tools, the command for ORM tools) and, for
 * Alembic, the revision graph (`li.ql-revision[data-revision]`). Pure.
 */
import type { MigrationFinding, MigrationRow, MigrationSetReport, MigrationsReport } from '../../../../shared/dashboard';
import { formatMs } from '../../plan/format';
import { alembicGraph, formatDateTime, lastApplied, shortPath, statusCounts, statusSummary, type RevisionNode } from '../model';
import { button, cells, codeBlock, h, placeholder, t, table, type Node } from './nodes';

export const STATUS_TITLE: Record<MigrationRow['status'], string> = {
  applied: 'Applied: recorded in the tracking table, file unchanged',
  pending: 'Pending: not applied yet',
  modified: 'Modified: the file changed after it was applied (checksum differs)',
  missing: 'Missing: applied, but its file is gone',
  failed: 'Failed: the tool recorded a failure (or the database is dirty)',
};

export function migrationsTab(report: MigrationsReport | undefined): Node[] {
  if (!report) return [placeholder('Migrations have not been read yet.')];
  if (report.sets.length === 0) {
    return [placeholder('No migrations found in this workspace (Alembic, sqlx, Prisma, Knex, Kysely, Flyway, golang-migrate or numbered SQL files).')];
  }
  return report.sets.map(migrationSet);
}

function migrationSet(set: MigrationSetReport): Node {
  const counts = statusCounts(set);
  return h('section', { classes: ['ql-section', 'ql-migration-set'], data: { tool: set.tool, dir: set.dir, pending: String(counts.pending) } },
    h('header', { classes: ['ql-header'] },
      t('h2', `${set.tool} — ${shortPath(set.dir)}`, { title: set.dir }),
      t('span', statusSummary(set), { classes: ['ql-summary'] })),
    t('p', set.trackingTableFound
      ? `Status from the tracking table ${set.trackingTable}.`
      : `The tracking table ${set.trackingTable} does not exist yet: nothing has been applied.`, { classes: ['ql-legend'] }),
    set.error !== undefined && t('p', set.error, { classes: ['ql-error', 'ql-set-error'], attrs: { role: 'alert' } }),
    setActions(set),
    set.rows.length === 0
      ? placeholder('No migrations in this folder.')
      : table({ classes: ['ql-migrations'] }, ['Version', 'Description', 'Status', 'Applied at', 'Duration', 'Findings'], set.rows.flatMap(migrationRows)),
    set.revisions && set.revisions.length > 0 && revisionGraph(set.revisions));
}

function setActions(set: MigrationSetReport): Node | undefined {
  if (set.canApply) {
    const pending = statusCounts(set).pending;
    const last = lastApplied(set);
    if (pending === 0 && !last) return undefined;
    return h('div', { classes: ['ql-actions'] },
      pending > 0 && button(`Apply ${pending} pending`, { type: 'migration', dir: set.dir, action: 'apply' },
        { classes: ['ql-apply'], title: 'Runs every pending migration in order, in a transaction, and records it as the tool does' }),
      last && button(`Revert ${last.version}`, { type: 'migration', dir: set.dir, action: 'revert' },
        { classes: ['ql-revert'], title: last.downFile ? `Runs ${last.downFile}` : 'Reverts the last applied migration with its down file' }));
  }
  if (set.command) {
    return h('div', { classes: ['ql-actions', 'ql-orm-command'] },
      t('span', `QueryLens leaves ${set.tool} migrations to ${set.tool}: run`, { classes: ['ql-legend'] }),
      codeBlock(set.command, 'ql-command'));
  }
  return undefined;
}

function migrationRows(row: MigrationRow): Node[] {
  const open = row.file ? { type: 'open' as const, file: row.file } : undefined;
  const checksum = row.checksum && (row.checksum.file || row.checksum.recorded)
    ? `checksum of the file ${row.checksum.file ?? '—'}, recorded ${row.checksum.recorded ?? '—'}`
    : undefined;
  const main = h('tr', {
    classes: ['ql-migration-row', `ql-status-row-${row.status}`, ...(open ? ['ql-clickable'] : [])],
    data: { version: row.version, status: row.status, findings: String(row.findings.length) },
    title: row.file ?? 'The file is gone',
    action: open,
  },
    ...cells(
      t('td', row.version, { classes: ['ql-version'] }),
      row.description,
      h('td', {}, t('span', row.status, { classes: ['ql-badge', `ql-status-${row.status}`], data: { status: row.status }, title: checksum ? `${STATUS_TITLE[row.status]} (${checksum})` : STATUS_TITLE[row.status] })),
      formatDateTime(row.appliedAt),
      row.executionMs === undefined ? '—' : formatMs(row.executionMs),
      t('td', String(row.findings.length), { classes: ['ql-findings-count', ...(row.findings.length ? ['ql-has-findings'] : [])] }),
    ));
  if (row.findings.length === 0) return [main];
  const details = h('tr', { classes: ['ql-findings-row'], data: { version: row.version } },
    h('td', { attrs: { colspan: '6' } }, h('ul', { classes: ['ql-findings'] }, ...row.findings.map((f) => findingItem(f, row.file)))));
  return [main, details];
}

function findingItem(finding: MigrationFinding, file: string | undefined): Node {
  return h('li', { classes: ['ql-finding', `ql-severity-${finding.severity}`], data: { rule: finding.ruleId, severity: finding.severity } },
    t('span', finding.severity, { classes: ['ql-badge', `ql-badge-${finding.severity}`] }),
    t('code', finding.ruleId, { classes: ['ql-rule'] }),
    t('span', finding.message, { classes: ['ql-finding-message'] }),
    file !== undefined && button(`line ${finding.line + 1}`, { type: 'open', file, line: finding.line }, { classes: ['ql-link'] }));
}

function revisionGraph(revisions: MigrationSetReport['revisions'] & object): Node {
  const graph = alembicGraph(revisions);
  return h('section', { classes: ['ql-revisions'] },
    t('h3', 'Revision graph (newest first)'),
    h('ol', { classes: ['ql-revision-list'] }, ...graph.map(revisionItem)));
}

function revisionItem(node: RevisionNode): Node {
  const marks: [boolean, string, string][] = [
    [node.head, 'head', 'No revision builds on it'],
    [node.current, 'current', 'Recorded in alembic_version: the database is here'],
    [node.merge, 'merge', `Merges ${node.downRevisions.join(', ')}`],
    [node.branchPoint, 'branch point', `Revisions ${node.children.join(', ')} build on it`],
    [node.base, 'base', 'The first revision'],
  ];
  return h('li', {
    classes: ['ql-revision', 'ql-clickable'],
    data: { revision: node.revision, head: String(node.head), current: String(node.current), merge: String(node.merge), branch: String(node.branchPoint) },
    action: { type: 'open', file: node.file },
    title: node.file,
  },
    t('code', node.revision, { classes: ['ql-revision-id'] }),
    node.downRevisions.length > 0 && t('span', `← ${node.downRevisions.join(', ')}`, { classes: ['ql-down'] }),
    t('span', node.description, { classes: ['ql-description'] }),
    ...marks.filter(([on]) => on).map(([, label, title]) => t('span', label, { classes: ['ql-badge', 'ql-mark', `ql-mark-${label.replace(' ', '-')}`], title })));
}
