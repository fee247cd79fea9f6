/**
 * Handing a PostgreSQL plan to PEV2. PEV2 renders many plan fields through
 * innerHTML (Sort Key, Group Key, Output, Filter, relation and index names),
 * so every string value of the plan is HTML-escaped first: a table named
 * `<img src=x onerror=alert(1)>` reaches the page as text, and the page's CSP
 * stays a second line of defence, not the only one. Keys are PostgreSQL's own
 * (`Node Type`) and stay as they are. PEV2 is given no query text: the view
 * shows the SQL itself (#ql-sql, as text). DOM-free and tested in Node.
 */
import type { DomDocument, DomElement } from './dom';
import { escapeHtml } from './escape';

/** What `Vue.h(pev2.Plan, props)` gets. */
export interface Pev2Props {
  planSource: string;
  planQuery: string;
}

export interface VueApp {
  mount(target: DomElement): unknown;
  unmount(): void;
}

/** The globals vue.global.prod.js and pev2.umd.js define (absent when they did not load). */
export interface Pev2Libraries {
  Vue: { createApp(options: { render: () => unknown }): VueApp; h(component: unknown, props: Pev2Props): unknown };
  pev2: { Plan: unknown };
}

/** The plan with every string in it (at any depth) HTML-escaped. */
export function escapePlanStrings(value: unknown): unknown {
  if (typeof value === 'string') return escapeHtml(value);
  if (Array.isArray(value)) return value.map(escapePlanStrings);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, escapePlanStrings(item)]));
  }
  return value;
}

export function pev2Props(plan: unknown): Pev2Props {
  return { planSource: JSON.stringify(escapePlanStrings(plan), null, 2), planQuery: '' };
}

/** Mounts PEV2 on `target`; without PEV2, shows the raw plan as text. Returns the app to unmount. */
export function mountPev2(doc: DomDocument, target: DomElement, plan: unknown, libraries: Pev2Libraries | undefined): VueApp | undefined {
  if (!libraries) {
    const pre = doc.createElement('pre');
    pre.setAttribute('class', 'ql-code ql-raw-plan');
    pre.textContent = JSON.stringify(plan, null, 2);
    target.appendChild(pre);
    return undefined;
  }
  const { Vue, pev2 } = libraries;
  const props = pev2Props(plan);
  const app = Vue.createApp({ render: () => Vue.h(pev2.Plan, props) });
  app.mount(target);
  return app;
}
