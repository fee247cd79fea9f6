/**
 * The dashboard as data: the header (connection, `#ql-refresh`), the tab bar
 * (`button.ql-tab[data-tab]`, `aria-selected`), the status line
 * (`#ql-updated` with `data-at`) and the active tab's panel
 * (`section#ql-panel[data-tab]`), built by views/*. Pure: tested in Node,
 * rendered in the webview by plan/dom.ts (textContent only).
 */
import { DASHBOARD_TABS, TAB_LABEL, type DashboardState, type DashboardTab } from './messages';
import { benchmarksTab } from './views/benchmarks';
import { healthTab } from './views/health';
import { migrationsTab } from './views/migrations';
import { button, h, t, statusLine, type Node } from './views/nodes';
import { poolTab } from './views/pool';
import { settingsTab } from './views/settings';
import { tablesTab } from './views/tables';

export type { Node as DashboardNode } from './views/nodes';

export function dashboardView(state: DashboardState): Node[] {
  return [header(state), tabBar(state.tab), panel(state)];
}

function header(state: DashboardState): Node {
  const c = state.connection;
  const flags = c ? [c.production && 'production', c.readOnly && 'read-only'].filter((f): f is string => !!f) : [];
  return h('header', { id: 'ql-dash-header', classes: ['ql-header'] },
    t('h1', 'QueryLens Dashboard'),
    c
      ? h('span', { id: 'ql-connection', classes: ['ql-connection'], data: { connection: c.name, driver: c.driver, production: String(c.production) } },
        t('span', `${c.name} (${c.driver})`),
        ...flags.map((f) => t('span', f, { classes: ['ql-badge', f === 'production' ? 'ql-level-warn' : 'ql-level-ok'] })))
      : t('span', state.connectionError ?? 'No connection', { id: 'ql-connection', classes: ['ql-connection', 'ql-error'], data: { connection: '' } }),
    button('Refresh', { type: 'refresh', tab: state.tab }, { id: 'ql-refresh', title: `Read ${TAB_LABEL[state.tab]} again` }));
}

function tabBar(active: DashboardTab): Node {
  return h('nav', { id: 'ql-tabs', classes: ['ql-tabs'], attrs: { role: 'tablist' } },
    ...DASHBOARD_TABS.map((tab) =>
      t('button', TAB_LABEL[tab], {
        id: `ql-tab-${tab}`,
        classes: ['ql-tab', ...(tab === active ? ['ql-tab-active'] : [])],
        data: { tab },
        attrs: { role: 'tab', 'aria-selected': String(tab === active) },
        action: { type: 'tab', tab },
      })));
}

function panel(state: DashboardState): Node {
  const content = tabContent(state);
  return h('section', { id: 'ql-panel', classes: ['ql-panel'], data: { tab: state.tab }, attrs: { role: 'tabpanel' } }, ...content);
}

function tabContent(state: DashboardState): Node[] {
  switch (state.tab) {
    case 'migrations':
      return [statusLine(state.migrations), ...migrationsTab(state.migrations.value)];
    case 'pool': {
      const note = state.pool.error ? 'Auto-refresh paused after an error: Refresh to retry.' : `Refreshes every ${Math.round(state.poolRefreshMs / 1000)} s while this tab is visible.`;
      return [statusLine(state.pool, note), ...poolTab(state.pool.value, state.pool.history)];
    }
    case 'benchmarks':
      return [statusLine(state.benchmarks), ...benchmarksTab(state.benchmarks)];
    case 'health':
      return [statusLine(state.health), ...healthTab(state.health.value)];
    case 'tables':
      return [statusLine(state.tables, 'Growth is since the previous refresh.'), ...tablesTab(state.tables.value, state.tables.previous)];
    case 'settings':
      return [statusLine(state.settings), ...settingsTab(state.settings.value)];
  }
}
