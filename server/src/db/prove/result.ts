/**
 * Raw proof → the shared IndexProof. Summaries come from plan analysis
 * (server/src/db/plan/: summarizePgPlan, and a SQLite summariser); the
 * caller passes one in, so this layer does not depend on that one.
 */
import type { IndexProof, PlanSummary, ProofSide } from '../../../../shared/explain';
import type { RawProof, RawProofSide } from './index';

export type SideSummariser = (side: RawProofSide, proof: RawProof) => PlanSummary;

function proofSide(side: RawProofSide, summary: PlanSummary): ProofSide {
  const executionMs = side.sqliteRun?.executionMs ?? summary.executionMs;
  return { summary, ...(side.analyzed && executionMs !== undefined ? { executionMs } : {}), ...(summary.totalCost !== undefined ? { totalCost: summary.totalCost } : {}) };
}

function describe(summary: PlanSummary): string {
  return summary.scans.length ? summary.scans.join(', ') : summary.topNode;
}

function measure(side: ProofSide): string {
  if (side.executionMs !== undefined) return `${side.executionMs < 10 ? side.executionMs.toFixed(2) : Math.round(side.executionMs)} ms`;
  return side.totalCost !== undefined ? `cost ${Math.round(side.totalCost)}` : 'unmeasured';
}

export function indexProofOf(raw: RawProof, summarise: SideSummariser): IndexProof {
  const before = proofSide(raw.before, summarise(raw.before, raw));
  const after = proofSide(raw.after, summarise(raw.after, raw));
  const planChange = `${describe(before.summary)} → ${describe(after.summary)}`;
  const how = raw.method === 'hypopg' ? ' (HypoPG hypothetical index)' : '';
  // Proven means the planner takes the index and it pays: less time (or, without timings, less cost).
  const faster = before.executionMs !== undefined && after.executionMs !== undefined ? after.executionMs < before.executionMs : (after.totalCost ?? 0) < (before.totalCost ?? 0);
  const verb = !raw.indexUsed ? 'not used' : faster ? 'proven' : 'used but not faster';
  return {
    connection: raw.connection,
    sql: raw.sql,
    index: raw.index,
    method: raw.method,
    before,
    after,
    planChange,
    indexUsed: raw.indexUsed,
    proven: raw.indexUsed && faster,
    headline: `${verb} on ${raw.connection}${how}: ${measure(before)} → ${measure(after)} (${planChange})`,
  };
}
