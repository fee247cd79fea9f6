/**
 * PostgreSQL's `EXPLAIN (FORMAT JSON[, ANALYZE, BUFFERS])` output, read: the
 * nodes with their paths, inclusive and exclusive ("self") time and cost, and
 * the summary shown above the plan view.
 */
import type { BufferCounts, PlanSummary } from '../../../../shared/explain';

/** One plan node as PostgreSQL writes it (the fields QueryLens reads). */
export interface PgPlanNode {
  'Node Type': string;
  /** ModifyTable's `Insert`, `Update`, `Delete`, `Merge`. */
  Operation?: string;
  'Relation Name'?: string;
  Schema?: string;
  Alias?: string;
  'Index Name'?: string;
  'Parent Relationship'?: string;
  'Total Cost'?: number;
  'Plan Rows'?: number;
  'Actual Total Time'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Filter?: string;
  'Join Filter'?: string;
  'Index Cond'?: string;
  'Hash Cond'?: string;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Join Filter'?: number;
  'Sort Method'?: string;
  'Sort Space Used'?: number;
  'Sort Space Type'?: string;
  'Hash Batches'?: number;
  'Original Hash Batches'?: number;
  'Peak Memory Usage'?: number;
  'Disk Usage'?: number;
  'HashAgg Batches'?: number;
  'Workers Launched'?: number;
  Plans?: PgPlanNode[];
  [field: string]: unknown;
}

export interface PgExplain {
  Plan: PgPlanNode;
  'Planning Time'?: number;
  'Execution Time'?: number;
}

/** A node with where it sits and what it cost on its own. */
export interface PlanVisit {
  node: PgPlanNode;
  /** Child indexes from the root (`[]` for the root). */
  path: number[];
  parent?: PgPlanNode;
  /** Time the node took itself, children excluded, all loops (ms; ANALYZE only). */
  selfMs?: number;
  /** Cost the node adds over its children (the planner's estimate). */
  selfCost: number;
}

/** The one `{Plan, ...}` object of EXPLAIN JSON: accepts the array, the object, or the JSON text. */
export function pgExplainOf(json: unknown): PgExplain | undefined {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (Array.isArray(value)) value = value[0];
  if (value && typeof value === 'object' && 'Plan' in value) return value as PgExplain;
  return undefined;
}

export function isAnalyzed(node: PgPlanNode): boolean {
  return typeof node['Actual Loops'] === 'number';
}

/** Rows the node produced over all its loops (ANALYZE). */
export function actualRows(node: PgPlanNode): number {
  return (node['Actual Rows'] ?? 0) * loops(node);
}

export function loops(node: PgPlanNode): number {
  return node['Actual Loops'] ?? 1;
}

function inclusiveMs(node: PgPlanNode): number {
  return (node['Actual Total Time'] ?? 0) * loops(node);
}

/** Every node, root first, depth first. */
export function visitPlan(root: PgPlanNode): PlanVisit[] {
  const out: PlanVisit[] = [];
  const walk = (node: PgPlanNode, path: number[], parent?: PgPlanNode) => {
    const children = node.Plans ?? [];
    const childCost = children.reduce((sum, c) => sum + (c['Total Cost'] ?? 0), 0);
    const visit: PlanVisit = { node, path, parent, selfCost: Math.max(0, (node['Total Cost'] ?? 0) - childCost) };
    if (isAnalyzed(node)) {
      // A parallel node's loops count its workers, which ran at the same time as the leader: divide them back out.
      const sharers = (n: PgPlanNode) => (n['Parallel Aware'] ? 1 + (n['Workers Launched'] ?? 0) : 1);
      const childMs = children.reduce((sum, c) => sum + inclusiveMs(c) / sharers(c), 0);
      visit.selfMs = Math.max(0, inclusiveMs(node) / sharers(node) - childMs);
    }
    out.push(visit);
    children.forEach((child, i) => walk(child, [...path, i], node));
  };
  walk(root, []);
  return out;
}

/** `Seq Scan on workers`, `Index Scan using i on workers w`, `Bitmap Index Scan on i`, `Hash Join`. */
export function nodeLabel(node: PgPlanNode): string {
  // JSON says `ModifyTable` + `Operation`; EXPLAIN's text (and everyone reading plans) says `Delete on t`.
  const type = node['Node Type'] === 'ModifyTable' && node.Operation ? node.Operation : node['Node Type'];
  const relation = node['Relation Name'];
  const index = node['Index Name'];
  if (!relation) return index ? `${type} on ${index}` : type;
  return `${type}${index ? ` using ${index}` : ''} on ${relationLabel(node)}`;
}

/** `workers`, or `workers w` when the query gave it an alias. */
export function relationLabel(node: PgPlanNode): string {
  const relation = node['Relation Name'] ?? '';
  return node.Alias && node.Alias !== relation ? `${relation} ${node.Alias}` : relation;
}

const BUFFER_FIELDS: [keyof BufferCounts, string][] = [
  ['sharedHit', 'Shared Hit Blocks'],
  ['sharedRead', 'Shared Read Blocks'],
  ['sharedDirtied', 'Shared Dirtied Blocks'],
  ['sharedWritten', 'Shared Written Blocks'],
  ['tempRead', 'Temp Read Blocks'],
  ['tempWritten', 'Temp Written Blocks'],
];

/**
 * Buffers of the whole run: a node's counters already include its children's,
 * so the root's (plus planning's, when reported) are the total.
 */
function planBuffers(explain: PgExplain): BufferCounts | undefined {
  const root = explain.Plan;
  if (typeof root['Shared Hit Blocks'] !== 'number') return undefined;
  const planning = (explain as unknown as Record<string, Record<string, number> | undefined>).Planning;
  const counts = {} as BufferCounts;
  for (const [key, field] of BUFFER_FIELDS) counts[key] = Number(root[field] ?? 0) + Number(planning?.[field] ?? 0);
  return counts;
}

export function summarizePgPlan(json: unknown): PlanSummary {
  const explain = pgExplainOf(json);
  if (!explain) return { topNode: 'no plan', scans: [] };
  const root = explain.Plan;
  const summary: PlanSummary = {
    topNode: nodeLabel(root),
    scans: visitPlan(root)
      .map((v) => v.node)
      .filter((n) => n['Node Type'].endsWith('Scan'))
      .map(nodeLabel),
  };
  if (explain['Execution Time'] !== undefined) summary.executionMs = explain['Execution Time'];
  if (explain['Planning Time'] !== undefined) summary.planningMs = explain['Planning Time'];
  if (root['Total Cost'] !== undefined) summary.totalCost = root['Total Cost'];
  const rows = isAnalyzed(root) ? actualRows(root) : root['Plan Rows'];
  if (rows !== undefined) summary.rows = rows;
  const buffers = planBuffers(explain);
  if (buffers) summary.buffers = buffers;
  return summary;
}
