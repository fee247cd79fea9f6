/**
 * The top problems of a PostgreSQL plan, each with the numbers that show it
 * and the fix: a sequential scan whose filter discards most rows (with the
 * index that would serve it), row estimates off by 10x or more, sorts and
 * hashes spilling to disk, nested loops running their inner side many times.
 * Most costly first: by the node's own time with ANALYZE, else its own cost.
 */
import type { PlanProblem, SuggestedIndex } from '../../../../shared/explain';
import type { Catalog } from '../../core/catalog/types';
import { createIndexSql } from '../../core/migrations/writer';
import { listWords } from '../../core/rules/query-helpers';
import { conditionModel, filteredColumns, suggestIndex } from './filter-index';
import { count, kb, percent, rows, workMemFor } from './format';
import { actualRows, isAnalyzed, loops, nodeLabel, pgExplainOf, relationLabel, visitPlan, type PgPlanNode, type PlanVisit } from './pg-plan';

export interface PgProblemOptions {
  /** The workspace's schema: index advice follows the indexes it already declares. */
  catalog?: Catalog;
  /** Rows per table (`pg_class.reltuples`), to judge scans of a plan without ANALYZE. */
  tableRows?: Record<string, number>;
}

/** A scan reading fewer rows than this is cheap whatever it discards. */
const LARGE_SCAN = 1_000;
const DISCARDED_SHARE = 0.9;
const MISESTIMATE = 10;
const MANY_LOOPS = 1_000;
/** A nested loop's inner side matters when it takes this share of the run. */
const LOOP_TIME_SHARE = 0.1;

interface Found {
  problem: PlanProblem;
  weight: number;
}

export function pgPlanProblems(json: unknown, options: PgProblemOptions = {}): PlanProblem[] {
  const explain = pgExplainOf(json);
  if (!explain) return [];
  const visits = visitPlan(explain.Plan);
  const totalMs = explain['Execution Time'] ?? visits[0].selfMs;
  const found: Found[] = [];
  for (const visit of visits) {
    const problems = [seqScanFilter(visit, options), misestimate(visit), diskSpill(visit), nestedLoop(visit, totalMs, options)];
    for (const problem of problems) {
      if (!problem) continue;
      if (visit.selfMs !== undefined) problem.selfMs = round(visit.selfMs);
      found.push({ problem, weight: problem.kind === 'nested-loop' ? subtreeWeight(visit.node.Plans?.[1]) : (visit.selfMs ?? visit.selfCost) });
    }
  }
  return found.sort((a, b) => b.weight - a.weight).map((f) => f.problem);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function subtreeWeight(node: PgPlanNode | undefined): number {
  if (!node) return 0;
  return isAnalyzed(node) ? (node['Actual Total Time'] ?? 0) * loops(node) : (node['Total Cost'] ?? 0);
}

function relationOf(node: PgPlanNode): { name: string; alias?: string } | undefined {
  const name = node['Relation Name'];
  return name ? { name, alias: node.Alias } : undefined;
}

/** `CREATE INDEX ...;`, and how to build it on a live table. */
function indexFix(index: SuggestedIndex, why: string): string {
  const concurrently = createIndexSql({ table: index.table, columns: index.columns }, 'postgres', { concurrently: true });
  return `${index.ddl} ${why} On a live production table use ${concurrently} (it does not block writes while it builds, but cannot run inside a transaction).`;
}

function seqScanFilter(visit: PlanVisit, options: PgProblemOptions): PlanProblem | undefined {
  const { node } = visit;
  const relation = relationOf(node);
  if (node['Node Type'] !== 'Seq Scan' || !node.Filter || !relation) return undefined;
  let read: number;
  let returned: number;
  let what: string;
  if (isAnalyzed(node)) {
    returned = actualRows(node);
    read = returned + (node['Rows Removed by Filter'] ?? 0) * loops(node);
    const times = loops(node) > 1 ? `runs ${count(loops(node))} times and reads ${rows(read)} in all` : `reads ${rows(read)}`;
    what = `${nodeLabel(node)} ${times} to return ${count(returned)}`;
  } else {
    const tableRows = options.tableRows?.[relation.name];
    if (tableRows === undefined) return undefined;
    read = tableRows;
    returned = Math.min(read, node['Plan Rows'] ?? 0);
    what = `${nodeLabel(node)} reads all ${rows(read)} of the table to return an estimated ${count(returned)}`;
  }
  const discarded = read - returned;
  if (read / loops(node) < LARGE_SCAN || discarded < read * DISCARDED_SHARE) return undefined;
  const model = conditionModel(relation, node.Filter, 'postgres');
  const columns = model ? filteredColumns(model) : [];
  const index = model && suggestIndex(model, relation.name, 'postgres', options.catalog);
  const on = columns.length > 0 ? ` on ${listWords(columns)}` : '';
  const problem: PlanProblem = {
    kind: 'seq-scan-filter',
    severity: read / loops(node) >= 100_000 ? 'critical' : 'warning',
    message: `${what}: its filter${on} discards ${percent(discarded, read)} of the rows it reads.`,
    fix: index
      ? indexFix(index, `lets the database read only the matching rows.`)
      : `An index leading with the filtered columns would let the database read only the matching rows.`,
    nodePath: visit.path,
  };
  if (index) problem.index = index;
  return problem;
}

function misestimate(visit: PlanVisit): PlanProblem | undefined {
  const { node } = visit;
  const ratio = estimateRatio(node);
  if (ratio === undefined || ratio < MISESTIMATE) return undefined;
  // Report where the error starts, not every node it travels up through.
  if ((node.Plans ?? []).some((child) => (estimateRatio(child) ?? 0) >= MISESTIMATE)) return undefined;
  const estimated = node['Plan Rows'] ?? 0;
  const actual = node['Actual Rows'] ?? 0;
  const direction = actual > estimated ? 'more' : 'fewer';
  const perLoop = loops(node) > 1 ? ' per loop' : '';
  return {
    kind: 'row-misestimate',
    severity: ratio >= 1000 ? 'critical' : 'warning',
    message: `${nodeLabel(node)} returned ${rows(actual)}${perLoop} where the planner estimated ${count(estimated)} (${count(ratio)}x ${direction}): plans built on wrong estimates pick the wrong scans, join methods and join orders.`,
    fix: statisticsFix(visit),
    nodePath: visit.path,
  };
}

/** How far the estimate is off (≥ 1), for nodes that ran. */
function estimateRatio(node: PgPlanNode): number | undefined {
  if (!isAnalyzed(node) || loops(node) === 0 || node['Plan Rows'] === undefined) return undefined;
  const estimated = Math.max(1, node['Plan Rows']);
  const actual = Math.max(1, node['Actual Rows'] ?? 0);
  return Math.max(estimated, actual) / Math.min(estimated, actual);
}

function statisticsFix(visit: PlanVisit): string {
  const { node } = visit;
  const relation = relationOf(node);
  if (!relation) {
    const tables = [...new Set(visitPlan(node).map((v) => v.node['Relation Name']).filter((n): n is string => !!n))];
    const analyze = tables.map((t) => `ANALYZE ${t};`).join(' ');
    return `${analyze || 'ANALYZE the tables below this node.'} Fresh statistics fix stale estimates; an estimate still off after that comes from columns that depend on each other across the join.`;
  }
  const conditions = [node['Index Cond'], node['Recheck Cond'], node.Filter].filter((c): c is string => typeof c === 'string');
  const model = conditions.length > 0 ? conditionModel(relation, conditions.map((c) => `(${c})`).join(' AND '), 'postgres') : undefined;
  const columns = model ? filteredColumns(model) : [];
  if (columns.length >= 2) {
    const name = `${relation.name}_${columns.join('_')}_stats`.slice(0, 63);
    return `The filtered columns ${listWords(columns)} depend on each other, which the planner assumes they do not: CREATE STATISTICS ${name} (dependencies, ndistinct, mcv) ON ${columns.join(', ')} FROM ${relation.name}; ANALYZE ${relation.name};`;
  }
  return `ANALYZE ${relation.name}; if the estimate stays off, raise the column's statistics target (ALTER TABLE ${relation.name} ALTER COLUMN ... SET STATISTICS 1000) and ANALYZE again.`;
}

function diskSpill(visit: PlanVisit): PlanProblem | undefined {
  const { node } = visit;
  const type = node['Node Type'];
  let message: string | undefined;
  let neededKb = 0;
  if (type === 'Sort' && (node['Sort Space Type'] === 'Disk' || /external/.test(node['Sort Method'] ?? ''))) {
    const used = node['Sort Space Used'] ?? 0;
    // Sorting in memory takes about twice what the sorted rows take on disk.
    neededKb = used * 2;
    message = `Sort spills ${kb(used)} to disk (${node['Sort Method'] ?? 'external sort'}): work_mem is smaller than the rows it sorts, so they are written out and merged back.`;
  } else if (type === 'Hash' && (node['Hash Batches'] ?? 1) > 1) {
    const batches = node['Hash Batches']!;
    const peak = node['Peak Memory Usage'] ?? 0;
    neededKb = peak * batches * 1.5;
    message = `Hash splits its ${rows(actualRows(node) || (node['Plan Rows'] ?? 0))} into ${count(batches)} batches on disk (peak memory ${kb(peak)}): work_mem is smaller than the hash table, so both join sides are written out and read back batch by batch.`;
  } else if (type === 'Aggregate' && ((node['HashAgg Batches'] ?? 1) > 1 || (node['Disk Usage'] ?? 0) > 0)) {
    const disk = node['Disk Usage'] ?? 0;
    neededKb = ((node['Peak Memory Usage'] ?? 0) + disk) * 1.5;
    message = `HashAggregate spills ${kb(disk)} to disk in ${count(node['HashAgg Batches'] ?? 1)} batches: work_mem is smaller than its groups.`;
  }
  if (!message) return undefined;
  const setting = workMemFor(neededKb);
  return {
    kind: 'disk-spill',
    severity: 'warning',
    message,
    fix: `Give this query more memory: SET LOCAL work_mem = '${setting}' in its transaction (or SET work_mem = '${setting}' for the session); work_mem applies per sort or hash of every running query, so raise it globally only with that in mind.`,
    nodePath: visit.path,
  };
}

function nestedLoop(visit: PlanVisit, totalMs: number | undefined, options: PgProblemOptions): PlanProblem | undefined {
  const { node } = visit;
  const [outer, inner] = node.Plans ?? [];
  if (node['Node Type'] !== 'Nested Loop' || !outer || !inner) return undefined;
  // Behind a Memoize, the inner side runs only on cache misses.
  const runner = inner['Node Type'] === 'Memoize' && inner.Plans?.[0] ? inner.Plans[0] : inner;
  const analyzed = isAnalyzed(runner);
  const runs = analyzed ? loops(runner) : (outer['Plan Rows'] ?? 0);
  if (runs < MANY_LOOPS) return undefined;
  if (analyzed && totalMs && subtreeWeight(inner) < totalMs * LOOP_TIME_SHARE) return undefined;
  const scan = visitPlan(runner).find((v) => v.node['Relation Name'])?.node;
  const label = nodeLabel(scan ?? runner);
  const outerRelation = visitPlan(outer).find((v) => v.node['Relation Name'])?.node;
  const perRow = outerRelation ? ` (once per row of ${relationLabel(outerRelation)})` : '';
  const message = `Nested Loop runs ${label} ${analyzed ? '' : 'an estimated '}${count(runs)} times${perRow}: the inner side is repeated for every outer row.`;
  const relation = scan && relationOf(scan);
  const problem: PlanProblem = { kind: 'nested-loop', severity: 'warning', message, fix: '', nodePath: visit.path };
  if (scan && relation && scan['Node Type'] === 'Seq Scan') {
    const condition = node['Join Filter'] ?? scan.Filter;
    const model = condition ? conditionModel(relation, condition, 'postgres', true) : undefined;
    const index = model && suggestIndex(model, relation.name, 'postgres', options.catalog);
    if (index) {
      problem.index = index;
      problem.fix = indexFix(index, `turns each repetition into an index lookup instead of a scan of ${relation.name}.`);
      return problem;
    }
  }
  const estimated = outer['Plan Rows'];
  const misjudged = analyzed && estimated !== undefined && actualRows(outer) >= estimated * MISESTIMATE;
  problem.fix =
    (misjudged ? `The planner expected ${rows(estimated!)} from the outer side and got ${count(actualRows(outer))}: ANALYZE its tables (or CREATE STATISTICS on its filtered columns) so that it sees the real count. ` : '') +
    'With this many outer rows a hash join reads the inner table once: check that enable_hashjoin is on and that work_mem holds the hash of the smaller side.';
  return problem;
}
