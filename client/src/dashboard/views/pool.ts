/**
 * The Pool tab. PostgreSQL: utilisation against max_connections
 * (`#ql-pool-utilisation[data-level]`, a meter with the 70 / 90 % marks),
 * connections by state (`.ql-pool-count[data-state]`) and by application,
 * the time series (`#ql-pool-chart`, drawn by the webview script), QueryLens's
 * own pool (`#ql-our-pool`), long-running queries (`#ql-long-running`) and
 * blocked sessions (`#ql-blocked`). SQLite: the pragmas against the
 * recommended values (`tr.ql-pragma[data-pragma][data-ok]`). Both: the pools
 * the code configures (`#ql-configured-pools`, `tr.ql-configured-pool`) and,
 * on PostgreSQL, their sum against max_connections (`#ql-configured-total`). Pure.
 */
import type { BlockedSession, ConfiguredPool, PoolReport, PostgresPoolReport, SessionInfo, SqlitePragma } from '../../../../shared/dashboard';
import { formatCount, formatMs } from '../../plan/format';
import type { PoolSample } from '../messages';
import { configuredSummary, poolLabel, poolSizeText, settingsText } from '../../../../shared/judge';
import { formatPercent, orderedStates, UTILISATION_CRITICAL, UTILISATION_WARN, utilisationLevel } from '../model';
import { cells, codeBlock, fact, h, levelBadge, placeholder, t, table, type Node } from './nodes';

export function poolTab(report: PoolReport | undefined, history: PoolSample[]): Node[] {
  if (!report) return [placeholder('The pool has not been read yet.')];
  const sections: Node[] = [];
  if (report.postgres) sections.push(...postgresSections(report.postgres, history));
  if (report.sqlite) sections.push(pragmaSection(report.sqlite.pragmas));
  if (report.configured?.length) sections.push(configuredSection(report.configured, report.postgres));
  if (report.ourPool) sections.push(ourPoolSection(report.ourPool));
  if (!report.postgres && !report.sqlite) {
    sections.push(placeholder(`No pool statistics for "${report.connection}" (${report.driver}).`));
  }
  return sections;
}

function postgresSections(pg: PostgresPoolReport, history: PoolSample[]): Node[] {
  const level = utilisationLevel(pg.utilisation);
  return [
    h('section', { id: 'ql-pool-utilisation', classes: ['ql-section', `ql-level-${level}`], data: { level, utilisation: String(pg.utilisation) } },
      h('header', { classes: ['ql-header'] }, t('h2', 'Utilisation'), levelBadge(level)),
      h('div', { classes: ['ql-gauge'] },
        t('meter', formatPercent(pg.utilisation), {
          classes: ['ql-meter'],
          attrs: { min: '0', max: '1', low: String(UTILISATION_WARN), high: String(UTILISATION_CRITICAL), optimum: '0', value: String(Math.min(1, Math.max(0, pg.utilisation))) },
        }),
        t('strong', formatPercent(pg.utilisation), { classes: ['ql-gauge-value'] })),
      t('p', `${formatCount(pg.total)} of ${formatCount(pg.maxConnections)} connections (max_connections). Warning from ${formatPercent(UTILISATION_WARN)}, critical from ${formatPercent(UTILISATION_CRITICAL)}.`,
        { id: 'ql-pool-total', data: { total: String(pg.total), max: String(pg.maxConnections) } })),
    h('section', { id: 'ql-pool-states', classes: ['ql-section'] },
      t('h2', 'Connections by state'),
      h('div', { classes: ['ql-counts'] }, ...orderedStates(Object.keys(pg.byState)).map((state) =>
        h('div', { classes: ['ql-count', `ql-state-${state.replace(/[^a-z]+/g, '-')}`] },
          t('strong', formatCount(pg.byState[state] ?? 0), { classes: ['ql-pool-count'], data: { state, count: String(pg.byState[state] ?? 0) } }),
          t('span', state, { classes: ['ql-count-label'] })))),
      h('div', { id: 'ql-pool-chart', classes: ['ql-chart'], data: { chart: 'pool', samples: String(history.length) } },
        history.length < 2 && t('p', 'Collecting samples: the chart fills in as the tab refreshes.', { classes: ['ql-placeholder'] }))),
    h('section', { id: 'ql-pool-applications', classes: ['ql-section'] },
      t('h2', 'Connections by application'),
      pg.byApplication.length === 0
        ? placeholder('No client connections.')
        : table({}, ['Application', 'Client', 'Connections'], pg.byApplication.map((a) =>
          h('tr', { classes: ['ql-application'], data: { application: a.application, count: String(a.count) } },
            ...cells(a.application || '(unnamed)', a.client ?? '—', formatCount(a.count)))))),
    h('section', { id: 'ql-long-running', classes: ['ql-section'], data: { count: String(pg.longRunning.length) } },
      t('h2', `Long-running queries (${pg.longRunning.length})`),
      pg.longRunning.length === 0
        ? placeholder('No query is running longer than the threshold.')
        : table({}, ['pid', 'Duration', 'State', 'Wait event', 'Application', 'Query'], pg.longRunning.map(sessionRow))),
    h('section', { id: 'ql-blocked', classes: ['ql-section'], data: { count: String(pg.blocked.length) } },
      t('h2', `Blocked sessions (${pg.blocked.length})`),
      pg.blocked.length === 0
        ? placeholder('No session waits on a lock.')
        : table({}, ['pid', 'Blocked by', 'Waiting for', 'Wait event', 'Application', 'Query'], pg.blocked.map(blockedRow))),
  ];
}

function queryCell(query: string): Node {
  return h('td', { classes: ['ql-query'] }, h('pre', { classes: ['ql-code'] }, t('code', query)));
}

function sessionRow(s: SessionInfo): Node {
  return h('tr', { classes: ['ql-session'], data: { pid: String(s.pid), state: s.state } },
    ...cells(String(s.pid), formatMs(s.durationMs), s.state, s.waitEvent ?? '—', s.application || '(unnamed)', queryCell(s.query)));
}

function blockedRow(s: BlockedSession): Node {
  return h('tr', { classes: ['ql-session', 'ql-blocked-session'], data: { pid: String(s.pid), 'blocked-by': s.blockedBy.join(' ') } },
    ...cells(String(s.pid), s.blockedBy.join(', ') || '—', formatMs(s.durationMs), s.waitEvent ?? '—', s.application || '(unnamed)', queryCell(s.query)));
}

function ourPoolSection(pool: NonNullable<PoolReport['ourPool']>): Node {
  return h('section', { id: 'ql-our-pool', classes: ['ql-section'] },
    t('h2', "QueryLens's own pool"),
    h('dl', { classes: ['ql-facts'] },
      fact('totalCount', 'Connections', formatCount(pool.totalCount)),
      fact('idleCount', 'Idle', formatCount(pool.idleCount)),
      fact('waitingCount', 'Requests waiting', formatCount(pool.waitingCount), pool.waitingCount > 0 ? { classes: ['ql-level-warn'] } : {})));
}

function pragmaSection(pragmas: SqlitePragma[]): Node {
  const bad = pragmas.filter((p) => !p.ok).length;
  return h('section', { id: 'ql-pragmas', classes: ['ql-section'], data: { bad: String(bad) } },
    h('header', { classes: ['ql-header'] },
      t('h2', 'SQLite pragmas'),
      bad === 0 ? levelBadge('ok', 'all recommended') : levelBadge('warn', `${bad} to change`)),
    table({}, ['Pragma', 'Value', 'Recommended', 'Why', 'Fix'], pragmas.map((p) =>
      h('tr', { classes: ['ql-pragma', p.ok ? 'ql-ok' : 'ql-not-ok'], data: { pragma: p.name, ok: String(p.ok) } },
        ...cells(
          t('td', p.name, { classes: ['ql-pragma-name'] }),
          t('td', p.value, { classes: ['ql-pragma-value'] }),
          p.recommended,
          p.why,
          p.fix && !p.ok ? h('td', {}, codeBlock(p.fix, 'ql-fix')) : t('td', p.ok ? 'ok' : '—'),
        )))));
}

function configuredSection(pools: ConfiguredPool[], live: PostgresPoolReport | undefined): Node {
  const summary = live && configuredSummary(pools, live);
  return h('section', { id: 'ql-configured-pools', classes: ['ql-section'], data: { count: String(pools.length) } },
    t('h2', `Pools in the code (${pools.length})`),
    table({}, ['Where', 'Pool', 'Connections', 'Settings'], pools.map((p) =>
      h('tr', { classes: ['ql-configured-pool'], data: { file: p.file, line: String(p.line), size: poolSizeText(p) } },
        ...cells(`${p.file}:${p.line}`, poolLabel(p), poolSizeText(p), settingsText(p.settings))))),
    summary && t('p', summary.text, { id: 'ql-configured-total', data: { total: String(summary.total), max: String(live!.maxConnections) } }));
}
