/**
 * The Index health tab: cache hit ratio (`#ql-cache-hit[data-level]`),
 * pg_stat_statements (`#ql-statements[data-available]`), then the items
 * grouped by kind (`section.ql-health-group[data-kind]`,
 * `div.ql-health-item[data-kind][data-level]`), each with its fix SQL to
 * copy and links to the code where QueryLens found the table or query. Pure.
 */
import type { HealthItem, IndexHealthReport } from '../../../../shared/dashboard';
import { cacheHitLevel, formatBytes, formatPercent, healthGroups } from '../model';
import { button, codeBlock, h, levelBadge, placeholder, t, type Node } from './nodes';

export function healthTab(report: IndexHealthReport | undefined): Node[] {
  if (!report) return [placeholder('Index health has not been read yet.')];
  return [
    h('section', { id: 'ql-health-summary', classes: ['ql-section', 'ql-facts-row'] },
      cacheHit(report.cacheHitRatio),
      statements(report.statements)),
    ...groupSections(report.items, 'No unused, duplicate or redundant indexes, no unindexed foreign keys, no table read mostly by sequential scans.'),
  ];
}

/** Findings grouped by kind (`section.ql-health-group[data-kind]`), or what it means that there are none. */
export function groupSections(items: HealthItem[], none: string): Node[] {
  const groups = healthGroups(items);
  if (groups.length === 0) return [placeholder(none)];
  return groups.map((group) =>
    h('section', { classes: ['ql-section', 'ql-health-group'], data: { kind: group.kind, count: String(group.items.length) } },
      t('h2', `${group.label} (${group.items.length})`),
      ...group.items.map(healthItem)));
}

function cacheHit(ratio: number | undefined): Node {
  if (ratio === undefined) return t('div', 'Cache hit ratio: not available', { id: 'ql-cache-hit', classes: ['ql-fact'], data: { level: 'unknown' } });
  const level = cacheHitLevel(ratio);
  return h('div', { id: 'ql-cache-hit', classes: ['ql-fact', `ql-level-${level}`], data: { level, ratio: String(ratio) }, title: 'Heap blocks found in shared buffers; aim for 99 % or more' },
    t('span', 'Cache hit ratio '), t('strong', formatPercent(ratio)), levelBadge(level));
}

function statements(availability: IndexHealthReport['statements']): Node {
  return h('div', { id: 'ql-statements', classes: ['ql-fact'], data: { available: String(availability.available) } },
    t('span', 'pg_stat_statements: '),
    availability.available
      ? t('strong', 'available (slowest statements below)')
      : t('span', `not available: ${availability.reason}`, { classes: ['ql-legend'] }));
}

/** One finding: level, subject, message, the fix to copy, links to the code (the Table health tab shows its findings the same way). */
export function healthItem(item: HealthItem): Node {
  const subject = [item.table && `table ${item.table}`, item.index && `index ${item.index}`, item.bytes !== undefined && formatBytes(item.bytes)]
    .filter((s): s is string => typeof s === 'string');
  return h('div', { classes: ['ql-health-item', `ql-level-${item.level}`], data: { kind: item.kind, level: item.level, table: item.table ?? '', index: item.index ?? '' } },
    h('div', { classes: ['ql-problem-head'] },
      levelBadge(item.level),
      subject.length > 0 && t('strong', subject.join(' · '), { classes: ['ql-subject'] })),
    t('p', item.message, { classes: ['ql-message'] }),
    item.fix !== undefined && codeBlock(item.fix, 'ql-fix'),
    item.code && item.code.length > 0 && h('div', { classes: ['ql-code-links'] },
      t('span', 'In the code: ', { classes: ['ql-legend'] }),
      ...item.code.map((c) => button(`${c.file.split(/[\\/]/).pop()}:${c.line + 1}`, { type: 'open', file: c.file, line: c.line }, { classes: ['ql-link'], title: c.file }))));
}
