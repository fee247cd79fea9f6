/**
 * The Settings tab: where the RAM the advice is for comes from (`#ql-ram`),
 * one row per setting (`tr.ql-setting[data-setting][data-status]`: current,
 * advised, why, the ALTER SYSTEM line to copy), and the index and buffer
 * cache hit ratios against seed 004's 95 % / 99 % (`#ql-index-hit`,
 * `#ql-buffer-hit`, `data-level`). Pure.
 */
import type { HitRatio, SettingRow, SettingsReport } from '../../../../shared/dashboard';
import { formatBytes, formatPercent } from '../model';
import { cells, codeBlock, h, levelBadge, placeholder, t, table, type Node } from './nodes';

export function settingsTab(report: SettingsReport | undefined): Node[] {
  if (!report) return [placeholder('The server settings have not been read yet.')];
  const changes = report.rows.filter((r) => r.status === 'warn').length;
  return [
    h('section', { id: 'ql-hit-ratios', classes: ['ql-section', 'ql-facts-row'] },
      hit('ql-index-hit', 'Index hit ratio', report.indexHit, 'Index blocks found in shared buffers (pg_statio_user_indexes); seed 004: above 95 %'),
      hit('ql-buffer-hit', 'Buffer cache hit ratio', report.bufferHit, "The database's blocks found in shared buffers (pg_stat_database); seed 004: above 99 %")),
    h('section', { id: 'ql-settings', classes: ['ql-section'], data: { changes: String(changes) } },
      h('header', { classes: ['ql-header'] },
        t('h2', 'Server settings'),
        changes === 0 ? levelBadge('ok', 'as advised') : levelBadge('warn', `${changes} to change`)),
      report.ram
        ? t('p', `Advice for ${formatBytes(report.ram.bytes)} of RAM (from ${report.ram.source}).`, { id: 'ql-ram', data: { bytes: String(report.ram.bytes) } })
        : t('p', 'RAM unknown: set "ram" on the connection (querylens.connections), e.g. "16GB".', { id: 'ql-ram', classes: ['ql-level-warn'], data: { bytes: '' } }),
      table({}, ['Setting', 'Current', 'Advised', 'Why', 'Change'], report.rows.map(settingRow)),
      t('p', 'QueryLens never runs ALTER SYSTEM: run a line as a superuser, then reload (SELECT pg_reload_conf();) or restart as it says.', { classes: ['ql-legend'] })),
  ];
}

function hit(id: string, label: string, ratio: HitRatio, title: string): Node {
  if (ratio.ratio === undefined) return t('div', `${label}: nothing read yet (target ${formatPercent(ratio.target)})`, { id, classes: ['ql-fact'], data: { level: 'unknown' }, title });
  const level = ratio.level ?? 'ok';
  return h('div', { id, classes: ['ql-fact', `ql-level-${level}`], data: { level, ratio: String(ratio.ratio) }, title },
    t('span', `${label} `), t('strong', formatPercent(ratio.ratio)), t('span', ` target ${formatPercent(ratio.target)} `), levelBadge(level));
}

function settingRow(r: SettingRow): Node {
  return h('tr', { classes: ['ql-setting', `ql-status-${r.status}`], data: { setting: r.name, status: r.status } },
    ...cells(
      t('td', r.name, { classes: ['ql-setting-name'] }),
      t('td', r.current, { classes: ['ql-setting-current'] }),
      t('td', r.advised, { classes: ['ql-setting-advised'] }),
      r.why,
      r.alterSystem
        ? h('td', {}, codeBlock(r.alterSystem, 'ql-fix'), t('span', r.applies === 'restart' ? 'then restart the server' : 'then SELECT pg_reload_conf();', { classes: ['ql-legend'] }))
        : t('td', r.status === 'ok' ? 'ok' : '—'),
    ));
}
