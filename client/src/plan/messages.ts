/**
 * Everything the plan webview and the extension say to each other, declared
 * once: the view state (also what the webview keeps with setState, so it
 * survives being hidden and reloaded) and the messages each side sends.
 */
import type { ExplainResult, IndexProof, SuggestedIndex } from '../../../shared/explain';
import type { QueryLocation } from '../../../shared/protocol';
import { isSuggestedIndex } from '../db/arguments';

/** What the plan view shows. */
export interface PlanViewState {
  /** Bumped on every change: the webview skips a state it already shows. */
  seq: number;
  /** QueryInfo.key of the query shown, to keep a plan and its index proof together. */
  queryKey?: string;
  /** Where the query is: what the view's "Prove index" buttons run on. */
  location?: QueryLocation;
  explain?: ExplainResult;
  proof?: IndexProof;
}

export const EMPTY_PLAN_STATE: PlanViewState = { seq: 0 };

/** Sent by the extension. */
export type ExtensionToWebview = { type: 'show'; state: PlanViewState };

/** Sent by the webview. */
export type WebviewToExtension =
  /** The page loaded (first time, or again after being hidden): send the current state. */
  | { type: 'ready'; seq: number }
  /** The user clicked "Copy" on a fix. */
  | { type: 'copy'; text: string }
  /** The user clicked "Prove index" on a problem. */
  | { type: 'proveIndex'; index: SuggestedIndex };

/** A message from the webview, checked: the page shows database text, so the extension trusts nothing it sends. */
export function isWebviewMessage(value: unknown): value is WebviewToExtension {
  const v = value as Record<string, unknown>;
  if (typeof v !== 'object' || v === null) return false;
  switch (v.type) {
    case 'ready':
      return typeof v.seq === 'number';
    case 'copy':
      return typeof v.text === 'string';
    case 'proveIndex':
      return isSuggestedIndex(v.index);
    default:
      return false;
  }
}

/** A message from the extension, checked on the webview side. */
export function isExtensionMessage(value: unknown): value is ExtensionToWebview {
  const v = value as Record<string, unknown>;
  return typeof v === 'object' && v !== null && v.type === 'show' && typeof v.state === 'object' && v.state !== null &&
    typeof (v.state as PlanViewState).seq === 'number';
}

/**
 * The state after a new plan or proof: a proof joins the plan of the same
 * query, a plan keeps the proof of the same query; another query starts over.
 */
export function nextPlanState(
  current: PlanViewState,
  update: { queryKey: string; location: QueryLocation; explain?: ExplainResult; proof?: IndexProof },
): PlanViewState {
  const same = current.queryKey === update.queryKey;
  return {
    seq: current.seq + 1,
    queryKey: update.queryKey,
    location: update.location,
    explain: update.explain ?? (same ? current.explain : undefined),
    proof: update.proof ?? (same ? current.proof : undefined),
  };
}
