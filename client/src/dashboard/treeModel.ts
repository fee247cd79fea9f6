/**
 * What the QueryLens activity-bar views show, as plain data: the Migrations
 * view (sets → migrations, with status icons; a click opens the file; the
 * context value says which actions a set offers) and the Connections view
 * (the embedded shadow database and the configured connections, the active
 * one marked; a click makes it active). Pure: trees.ts turns these into
 * vscode.TreeItems.
 */
import { EMBEDDED_CONNECTION, type ConnectionSetting } from '../../../shared/connections';
import type { MigrationRow, MigrationSetReport, MigrationStatus } from '../../../shared/dashboard';
import { lastApplied, shortPath, statusCounts, statusSummary } from './model';
import { STATUS_TITLE } from './views/migrations';

export interface TreeItemModel {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id, and the theme colour id it is drawn in. */
  icon: string;
  iconColor?: string;
  /** `view/item/context` menus match it (`viewItem =~ /apply/`). */
  contextValue?: string;
  /** Run on click. */
  command?: { command: string; title: string; arguments: unknown[] };
  expandable: boolean;
}

export const MIGRATION_ICON: Record<MigrationStatus, { icon: string; color: string }> = {
  applied: { icon: 'pass', color: 'testing.iconPassed' },
  pending: { icon: 'circle-large-outline', color: 'charts.blue' },
  modified: { icon: 'warning', color: 'list.warningForeground' },
  missing: { icon: 'question', color: 'list.errorForeground' },
  failed: { icon: 'error', color: 'list.errorForeground' },
};

/** `migrationSet apply revert` / `migrationSet orm`: the actions the set's context menu offers. */
export function migrationSetContext(set: MigrationSetReport): string {
  if (!set.canApply) return set.command ? 'migrationSet orm' : 'migrationSet';
  const parts = ['migrationSet'];
  if (statusCounts(set).pending > 0) parts.push('apply');
  if (lastApplied(set)?.downFile) parts.push('revert');
  return parts.join(' ');
}

export function migrationSetItem(set: MigrationSetReport): TreeItemModel {
  const counts = statusCounts(set);
  const trouble = counts.failed + counts.missing + counts.modified;
  return {
    id: `set:${set.dir}`,
    label: `${set.tool}: ${shortPath(set.dir)}`,
    description: statusSummary(set),
    tooltip: `${set.dir}\nTracking table ${set.trackingTable}${set.trackingTableFound ? '' : ' (not created yet)'}${set.command ? `\nApply with: ${set.command}` : ''}`,
    icon: trouble > 0 ? 'warning' : counts.pending > 0 ? 'database' : 'pass',
    iconColor: trouble > 0 ? 'list.warningForeground' : counts.pending > 0 ? 'charts.blue' : 'testing.iconPassed',
    contextValue: migrationSetContext(set),
    expandable: set.rows.length > 0,
  };
}

export function migrationRowItem(set: MigrationSetReport, row: MigrationRow): TreeItemModel {
  const { icon, color } = MIGRATION_ICON[row.status];
  const findings = row.findings.length ? ` · ${row.findings.length} finding(s)` : '';
  const lines = [STATUS_TITLE[row.status], row.appliedAt && `Applied ${row.appliedAt}`, row.file ?? 'The file is gone',
    ...row.findings.map((f) => `${f.severity} ${f.ruleId} (line ${f.line + 1}): ${f.message}`)];
  return {
    id: `migration:${set.dir}:${row.version}`,
    label: `${row.version} ${row.description}`.trim(),
    description: `${row.status}${findings}`,
    tooltip: lines.filter(Boolean).join('\n'),
    icon,
    iconColor: color,
    contextValue: `migration ${row.status}`,
    command: row.file ? { command: 'querylens.openFile', title: 'Open migration', arguments: [row.file] } : undefined,
    expandable: false,
  };
}

export function connectionItems(connections: ConnectionSetting[], activeName: string): TreeItemModel[] {
  const active = activeName.trim();
  const embeddedActive = active === '';
  const item = (setting: ConnectionSetting, name: string, isActive: boolean, label: string): TreeItemModel => ({
    id: `connection:${name}`,
    label,
    description: [isActive && 'active', setting.production && 'production', setting.readOnly && 'read-only', setting.driver].filter(Boolean).join(' · '),
    tooltip: `${label}${isActive ? ' (active)' : ''}\nClick to make it the active connection.`,
    icon: isActive ? 'pass-filled' : setting.production ? 'warning' : setting.readOnly ? 'lock' : 'database',
    iconColor: isActive ? 'testing.iconPassed' : setting.production ? 'list.warningForeground' : undefined,
    contextValue: `connection${isActive ? ' active' : ''}`,
    command: { command: 'querylens.useConnection', title: 'Use connection', arguments: [name] },
    expandable: false,
  });
  return [
    item(EMBEDDED_CONNECTION, '', embeddedActive, 'Embedded shadow database'),
    ...connections.map((c) => item(c, c.name, c.name === active, c.name)),
  ];
}
