/**
 * The pieces every dashboard tab is built of, on the plan view's element
 * tree (plan/view.ts): database strings only ever sit in `text`, which
 * plan/dom.ts renders with textContent. Pure.
 */
import type { Level } from '../../../../shared/dashboard';
import { el, text, type ViewNode, type ViewOptions, type ViewTag } from '../../plan/view';
import type { DashboardAction, Loaded } from '../messages';
import { formatClock } from '../model';

export type Node = ViewNode<DashboardAction>;
type Options = ViewOptions<DashboardAction>;

export function h(tag: ViewTag, options: Options | string = {}, ...children: (Node | false | undefined)[]): Node {
  return el<DashboardAction>(tag, options, ...children);
}

export function t(tag: ViewTag, value: string, options: Options = {}): Node {
  return text<DashboardAction>(tag, value, options);
}

export function button(label: string, action: DashboardAction, options: Options = {}): Node {
  return t('button', label, { ...options, action, classes: ['ql-button', ...(options.classes ?? [])] });
}

export const LEVEL_LABEL: Record<Level, string> = { ok: 'ok', warn: 'warning', critical: 'critical' };

export function levelBadge(level: Level, label = LEVEL_LABEL[level]): Node {
  return t('span', label, { classes: ['ql-badge', `ql-level-${level}`], data: { level } });
}

/** A fix or a command: a copyable code block. */
export function codeBlock(code: string, className: string): Node {
  return h('div', { classes: [className, 'ql-copyable'] },
    h('pre', { classes: ['ql-code'] }, t('code', code)),
    button('Copy', { type: 'copy', text: code }, { classes: ['ql-copy'], title: 'Copy to the clipboard' }));
}

export function fact(key: string, label: string, value: string | undefined, extra: Options = {}): Node | undefined {
  if (value === undefined) return undefined;
  return h('div', { ...extra, classes: ['ql-fact', ...(extra.classes ?? [])], data: { fact: key, ...extra.data } }, t('dt', label), t('dd', value));
}

/** A table: header labels, then rows (already built). */
export function table(options: Options, headers: string[], rows: Node[]): Node {
  return h('table', { ...options, classes: ['ql-table', ...(options.classes ?? [])] },
    h('thead', {}, h('tr', {}, ...headers.map((label) => t('th', label)))),
    h('tbody', {}, ...rows));
}

export function cells(...values: (string | Node)[]): Node[] {
  return values.map((v) => (typeof v === 'string' ? t('td', v) : v.tag === 'td' || v.tag === 'th' ? v : h('td', {}, v)));
}

/**
 * The line above a tab's content: when it was last read (`#ql-updated`,
 * `data-at` the ISO time), whether a read runs, the last error.
 */
export function statusLine(loaded: Loaded<unknown>, note?: string): Node {
  return h('div', { id: 'ql-status', classes: ['ql-status'], data: { loading: String(!!loaded.loading), error: String(!!loaded.error) } },
    t('span', `Last updated ${formatClock(loaded.at)}`, { id: 'ql-updated', data: { at: loaded.at ?? '' }, title: loaded.at ?? 'not read yet' }),
    loaded.loading && t('span', 'Reading…', { classes: ['ql-loading'], attrs: { 'aria-busy': 'true' } }),
    note !== undefined && t('span', note, { classes: ['ql-note'] }),
    loaded.error !== undefined && t('p', loaded.error, { id: 'ql-error', classes: ['ql-error'], attrs: { role: 'alert' } }));
}

/** What a tab shows before its first read. */
export function placeholder(message: string): Node {
  return t('p', message, { classes: ['ql-placeholder'] });
}
