/**
 * Text output of `querylens explain` and `querylens prove-index`: the summary,
 * the plan tree and the problems with their fixes, readable in a terminal and
 * in a CI log. JSON output is the ExplainResult / IndexProof itself.
 */
import type { ExplainResult, IndexProof, PlanSummary, SqlitePlanNode } from '../../../../shared/explain';
import { nodeLabel, pgExplainOf, type PgPlanNode } from '../../db/plan/pg-plan';

const ms = (x: number | undefined) => (x === undefined ? undefined : `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`);
const count = (x: number) => x.toLocaleString('en-US');

export function formatExplain(result: ExplainResult, where: string): string {
  const lines: string[] = [];
  const mode = result.analyzed ? 'EXPLAIN ANALYZE' : result.genericPlan ? 'EXPLAIN (generic plan)' : 'EXPLAIN';
  const safety = result.rolledBack ? ', rolled back' : '';
  lines.push(`${where}  (${result.connection} · ${result.serverVersion} · ${mode}${safety})`);
  lines.push(result.sql);
  if (result.params.length > 0) lines.push(`params: ${result.params.map((p, i) => `[${i + 1}] ${JSON.stringify(p)}`).join(', ')}`);
  lines.push('', summaryLine(result.summary), '');
  if (result.pgPlan !== undefined) lines.push(...pgPlanLines(result.pgPlan));
  if (result.sqlitePlan) lines.push(...sqlitePlanLines(result.sqlitePlan, 0));
  lines.push('');
  if (result.problems.length === 0) lines.push('No problems found in this plan.');
  else {
    lines.push(`${result.problems.length} problem(s):`);
    for (const problem of result.problems) {
      lines.push(`  ${problem.severity} ${problem.kind}: ${problem.message}`);
      lines.push(`    fix: ${problem.fix}`);
    }
  }
  lines.push(`QueryLens time: ${ms(result.wallMs)}${result.summary.executionMs !== undefined ? ` (database: ${ms((result.summary.executionMs ?? 0) + (result.summary.planningMs ?? 0))})` : ''}`);
  return `${lines.join('\n')}\n`;
}

export function summaryLine(summary: PlanSummary): string {
  const parts = [summary.topNode];
  if (summary.rows !== undefined) parts.push(`rows ${count(summary.rows)}`);
  if (summary.totalCost !== undefined) parts.push(`cost ${summary.totalCost.toFixed(2)}`);
  if (summary.executionMs !== undefined) parts.push(`execution ${ms(summary.executionMs)}`);
  if (summary.planningMs !== undefined) parts.push(`planning ${ms(summary.planningMs)}`);
  if (summary.buffers) parts.push(`buffers ${count(summary.buffers.sharedHit)} hit, ${count(summary.buffers.sharedRead)} read`);
  return parts.join('   ');
}

/** EXPLAIN's own text layout, from the JSON plan. */
function pgPlanLines(plan: unknown): string[] {
  const root = pgExplainOf(plan)?.Plan;
  if (!root) return [];
  const lines: string[] = [];
  const visit = (node: PgPlanNode, depth: number) => {
    const pad = depth === 0 ? '' : `${'   '.repeat(depth - 1)}-> `;
    let figures = `(cost=${node['Total Cost']?.toFixed(2) ?? '?'} rows=${node['Plan Rows'] ?? '?'})`;
    if (node['Actual Total Time'] !== undefined) {
      figures += ` (actual time=${node['Actual Total Time'].toFixed(3)} rows=${node['Actual Rows']} loops=${node['Actual Loops']})`;
    }
    lines.push(`${pad}${nodeLabel(node)}  ${figures}`);
    const detail = `${'   '.repeat(depth)}   `;
    if (node['Index Cond']) lines.push(`${detail}Index Cond: ${node['Index Cond']}`);
    if (node.Filter) lines.push(`${detail}Filter: ${node.Filter}`);
    if (node['Rows Removed by Filter'] !== undefined) lines.push(`${detail}Rows Removed by Filter: ${count(node['Rows Removed by Filter'])}`);
    for (const child of node.Plans ?? []) visit(child, depth + 1);
  };
  visit(root, 0);
  return lines;
}

function sqlitePlanLines(nodes: SqlitePlanNode[], depth: number): string[] {
  return nodes.flatMap((node) => [`${'   '.repeat(depth)}${depth > 0 ? '-> ' : ''}${node.detail}`, ...sqlitePlanLines(node.children, depth + 1)]);
}

export function formatProof(proof: IndexProof, where: string): string {
  const side = (label: string, s: IndexProof['before']) =>
    `  ${label}: ${[ms(s.executionMs), s.totalCost !== undefined ? `cost ${s.totalCost.toFixed(2)}` : undefined, s.summary.topNode].filter(Boolean).join('   ')}`;
  const method =
    proof.method === 'hypopg'
      ? 'hypothetical index (HypoPG), plain EXPLAIN: costs only, nothing built'
      : 'real index built inside a transaction, measured with EXPLAIN ANALYZE (median of 5 runs per side), then rolled back';
  return [
    `${where}  (${proof.connection})`,
    proof.sql,
    '',
    `index: ${proof.index.ddl}`,
    `method: ${method}`,
    side('before', proof.before),
    side('after ', proof.after),
    `plan: ${proof.planChange}`,
    proof.indexUsed ? `=> ${proof.headline}` : `=> the planner did not use the index: ${proof.headline}`,
    '',
  ].join('\n');
}
