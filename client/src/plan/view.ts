/**
 * The plan view as data: a DOM-free tree of elements whose database and query
 * strings only ever sit in `text` (rendered with textContent by dom.ts, never
 * parsed as HTML). Pure: tested in Node, bundled into the webview.
 *
 * Hooks for tests and the end-to-end run: `#ql-summary` (`[data-fact=...]`
 * per fact), `#ql-problems` with `.ql-problem[data-kind][data-severity]`,
 * `#ql-sqlite-plan` with `.ql-plan-node[data-kind=scan|search|temp|other]`,
 * `#ql-pev2` (PEV2 mounts there), `#ql-proof` with `#ql-proof-headline`,
 * `#ql-empty` before anything ran.
 */
import { NOT_UNDONE } from '../../../shared/effects';
import type { ExplainResult, IndexProof, PlanProblem, PlanProblemKind, ProofSide, SqlitePlanNode, SuggestedIndex } from '../../../shared/explain';
import { formatBuffers, formatCost, formatCount, formatMs } from './format';
import type { PlanViewState } from './messages';

export type ViewTag =
  | 'section' | 'header' | 'div' | 'h1' | 'h2' | 'h3' | 'p' | 'span' | 'strong' | 'em' | 'small' | 'pre' | 'code'
  | 'ul' | 'ol' | 'li' | 'dl' | 'dt' | 'dd' | 'table' | 'thead' | 'tbody' | 'tr' | 'th' | 'td' | 'button' | 'nav' | 'meter';

/**
 * The only attributes a view may set besides id, class, data-* and title (dom.ts checks):
 * numbers of a `<meter>`, table spans and ARIA. Never src, href, style or event handlers.
 */
export type ViewAttr =
  | 'value' | 'min' | 'max' | 'low' | 'high' | 'optimum' | 'colspan'
  | 'role' | 'aria-selected' | 'aria-label' | 'aria-pressed' | 'aria-busy' | 'disabled';

/** What a button does: handled by the webview script (which asks the extension). */
export type ViewAction = { type: 'copy'; text: string } | { type: 'proveIndex'; index: SuggestedIndex };

/** A view's element; `A` is what its buttons do (the plan's ViewAction by default, the dashboard has its own). */
export interface ViewNode<A = ViewAction> {
  tag: ViewTag;
  id?: string;
  classes?: string[];
  /** `data-*` attributes (names are lower-case words). */
  data?: Record<string, string>;
  title?: string;
  attrs?: Partial<Record<ViewAttr, string>>;
  /** Text content: shown as text, whatever it holds. */
  text?: string;
  children?: ViewNode<A>[];
  action?: A;
}

export type ViewOptions<A = ViewAction> = Omit<ViewNode<A>, 'tag' | 'children' | 'text'>;

export function el<A = ViewAction>(tag: ViewTag, options: ViewOptions<A> | string = {}, ...children: (ViewNode<A> | false | undefined)[]): ViewNode<A> {
  const node: ViewNode<A> = typeof options === 'string' ? { tag, text: options } : { tag, ...options };
  const kept = children.filter((c): c is ViewNode<A> => !!c);
  if (kept.length) node.children = kept;
  return node;
}

export function text<A = ViewAction>(tag: ViewTag, value: string, options: ViewOptions<A> = {}): ViewNode<A> {
  return { tag, ...options, text: value };
}

export const PROBLEM_LABEL: Record<PlanProblemKind, string> = {
  'seq-scan-filter': 'Sequential scan discards most rows',
  'row-misestimate': 'Row estimate off by 10x or more',
  'disk-spill': 'Sort or hash spills to disk',
  'nested-loop': 'Nested loop with many iterations',
  'full-scan': 'Full table scan',
  'temp-btree': 'Temporary B-tree',
};

/** The whole view for a state. */
export function planView(state: PlanViewState): ViewNode[] {
  const { explain, proof } = state;
  if (!explain && !proof) {
    return [
      el('section', { id: 'ql-empty', classes: ['ql-section'] },
        text('p', 'Run Explain or Explain Analyze from the CodeLens above a query: its plan shows here.')),
    ];
  }
  const sections: ViewNode[] = [];
  if (explain) sections.push(summarySection(explain), problemsSection(explain));
  if (proof) sections.push(proofSection(proof));
  if (explain?.sqlitePlan) sections.push(sqlitePlanSection(explain.sqlitePlan));
  else if (explain?.pgPlan !== undefined) sections.push(pgPlanSection());
  return sections;
}

function fact(key: string, label: string, value: string | undefined): ViewNode | undefined {
  if (value === undefined) return undefined;
  return el('div', { classes: ['ql-fact'], data: { fact: key } }, text('dt', label), text('dd', value));
}

function paramsText(result: ExplainResult): string {
  if (result.genericPlan) return 'Generic plan (no parameter values)';
  if (result.params.length === 0) return 'None';
  return result.params.map((v) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
}

function transactionText(result: ExplainResult): string {
  if (!result.analyzed) return 'Not executed';
  return result.rolledBack ? `Rolled back: the rows it wrote are gone; ${NOT_UNDONE.write}` : 'Ran read-only';
}

function summarySection(result: ExplainResult): ViewNode {
  const s = result.summary;
  return el('section', { id: 'ql-summary', classes: ['ql-section'], data: { analyzed: String(result.analyzed), dialect: result.dialect } },
    el('header', { classes: ['ql-header'] },
      text('h2', result.analyzed ? 'EXPLAIN ANALYZE' : 'EXPLAIN'),
      text('span', result.connection, { classes: ['ql-connection'], title: 'Connection' })),
    el('dl', { classes: ['ql-facts'] },
      fact('connection', 'Connection', `${result.connection} (${result.driver})`),
      fact('server', 'Server', result.serverVersion),
      fact('analyzed', 'Mode', result.analyzed ? 'Analyzed: the statement ran' : 'Estimated: planned, not run'),
      fact('params', 'Parameters', paramsText(result)),
      fact('transaction', 'Transaction', transactionText(result)),
      fact('execution', 'Execution time', s.executionMs === undefined ? undefined : formatMs(s.executionMs)),
      fact('planning', 'Planning time', s.planningMs === undefined ? undefined : formatMs(s.planningMs)),
      fact('cost', 'Total cost', s.totalCost === undefined ? undefined : formatCost(s.totalCost)),
      fact('rows', result.analyzed ? 'Rows' : 'Rows (estimated)', s.rows === undefined ? undefined : formatCount(s.rows)),
      fact('buffers', 'Buffers', s.buffers ? formatBuffers(s.buffers) : undefined),
      fact('top', 'Top node', s.topNode),
      fact('scans', 'Scans', s.scans.length ? s.scans.join(', ') : undefined),
      fact('wall', 'Time in QueryLens', formatMs(result.wallMs))),
    el('pre', { id: 'ql-sql', classes: ['ql-code'] }, text('code', result.sql)));
}

function problemsSection(result: ExplainResult): ViewNode {
  const { problems } = result;
  return el('section', { id: 'ql-problems', classes: ['ql-section'], data: { count: String(problems.length) } },
    text('h2', problems.length ? `Problems (${problems.length})` : 'Problems'),
    problems.length === 0 && text('p', 'No problems found in this plan.', { classes: ['ql-no-problems'] }),
    ...problems.map((p) => problemNode(p, result.connection)));
}

function problemNode(problem: PlanProblem, connection: string): ViewNode {
  return el('div', { classes: ['ql-problem', `ql-severity-${problem.severity}`], data: { kind: problem.kind, severity: problem.severity } },
    el('div', { classes: ['ql-problem-head'] },
      text('span', problem.severity, { classes: ['ql-badge', `ql-badge-${problem.severity}`] }),
      text('strong', PROBLEM_LABEL[problem.kind] ?? problem.kind, { classes: ['ql-problem-kind'] }),
      problem.selfMs !== undefined && text('span', `self ${formatMs(problem.selfMs)}`, { classes: ['ql-self-time'] })),
    text('p', problem.message, { classes: ['ql-problem-message'] }),
    codeBlock(problem.fix, 'ql-fix'),
    problem.index &&
      el('div', { classes: ['ql-actions'] },
        el('button', { classes: ['ql-prove'], action: { type: 'proveIndex', index: problem.index } , title: problem.index.ddl },
          text('span', `Prove index on ${connection}`))));
}

/** A fix or DDL: a copyable code block. */
function codeBlock(code: string, className: string): ViewNode {
  return el('div', { classes: [className, 'ql-copyable'] },
    el('pre', { classes: ['ql-code'] }, text('code', code)),
    text('button', 'Copy', { classes: ['ql-copy'], action: { type: 'copy', text: code }, title: 'Copy to the clipboard' }));
}

const NODE_BADGE: Record<SqlitePlanNode['kind'], string> = {
  scan: 'full scan',
  search: 'index',
  temp: 'temp b-tree',
  other: '',
};

function sqliteNode(node: SqlitePlanNode): ViewNode {
  const badge = node.kind === 'search' && node.covering ? 'covering index' : NODE_BADGE[node.kind];
  return el('li', { classes: ['ql-plan-node', `ql-node-${node.kind}`], data: { kind: node.kind } },
    el('div', { classes: ['ql-node-line'] },
      badge !== '' && text('span', badge, { classes: ['ql-badge', `ql-badge-${node.kind}`] }),
      text('span', node.detail, { classes: ['ql-node-detail'] })),
    node.children.length > 0 && el('ul', { classes: ['ql-tree'] }, ...node.children.map(sqliteNode)));
}

function sqlitePlanSection(roots: SqlitePlanNode[]): ViewNode {
  return el('section', { id: 'ql-sqlite-plan', classes: ['ql-section'] },
    text('h2', 'Query plan (EXPLAIN QUERY PLAN)'),
    text('p', 'SCAN reads the whole table; SEARCH … USING INDEX looks rows up.', { classes: ['ql-legend'] }),
    el('ul', { classes: ['ql-tree'] }, ...roots.map(sqliteNode)));
}

function pgPlanSection(): ViewNode {
  return el('section', { id: 'ql-pev2-section', classes: ['ql-section'] },
    text('h2', 'Plan'),
    el('div', { id: 'ql-pev2' }));
}

function sideCells(side: ProofSide): { time: string; cost: string; rows: string; top: string; scans: string } {
  const cost = side.totalCost ?? side.summary.totalCost;
  const time = side.executionMs ?? side.summary.executionMs;
  return {
    time: time === undefined ? '— (not executed)' : formatMs(time),
    cost: cost === undefined ? '—' : formatCost(cost),
    rows: side.summary.rows === undefined ? '—' : formatCount(side.summary.rows),
    top: side.summary.topNode,
    scans: side.summary.scans.join(', ') || '—',
  };
}

function proofSection(proof: IndexProof): ViewNode {
  const before = sideCells(proof.before);
  const after = sideCells(proof.after);
  const rows: [string, keyof typeof before][] = [
    ['Execution time', 'time'],
    ['Total cost', 'cost'],
    ['Rows', 'rows'],
    ['Top node', 'top'],
    ['Scans', 'scans'],
  ];
  const method =
    proof.method === 'hypopg'
      ? 'HypoPG hypothetical index: plain EXPLAIN, nothing built or locked (costs only, no times).'
      : `Real CREATE INDEX and ANALYZE inside a transaction that was rolled back: the index is gone; ${NOT_UNDONE.proof}.`;
  return el('section', { id: 'ql-proof', classes: ['ql-section'], data: { method: proof.method, 'index-used': String(proof.indexUsed) } },
    el('header', { classes: ['ql-header'] },
      text('h2', 'Index proof'),
      text('span', proof.connection, { classes: ['ql-connection'], title: 'Connection' })),
    text('p', proof.headline, { id: 'ql-proof-headline', classes: [proof.indexUsed ? 'ql-good' : 'ql-bad'] }),
    text('p', method, { classes: ['ql-proof-method'] }),
    codeBlock(proof.index.ddl, 'ql-proof-ddl'),
    el('table', { classes: ['ql-proof-table'] },
      el('thead', {}, el('tr', {}, text('th', ''), text('th', 'Before'), text('th', 'After'))),
      el('tbody', {}, ...rows.map(([label, key]) =>
        el('tr', { data: { row: key } }, text('th', label), text('td', before[key]), text('td', after[key]))))),
    text('p', proof.planChange, { classes: ['ql-plan-change'] }),
    text('p', proof.indexUsed ? 'The planner used the new index.' : 'The planner did not use the new index: it would not help this query as written.',
      { classes: ['ql-index-used', proof.indexUsed ? 'ql-good' : 'ql-bad'] }));
}
