/**
 * Command arguments arrive as JSON from the server (CodeLenses, code actions)
 * or from the webview: checked here before use. Pure.
 */
import type { SuggestedIndex } from '../../../shared/explain';
import type { QueryLocation } from '../../../shared/protocol';

/** A QueryLocation, copied field by field (nothing else travels on), or undefined. */
export function asQueryLocation(value: unknown): QueryLocation | undefined {
  const v = value as QueryLocation;
  if (typeof v !== 'object' || v === null || typeof v.uri !== 'string') return undefined;
  const p = v.position;
  if (typeof p !== 'object' || p === null || !Number.isInteger(p.line) || !Number.isInteger(p.character)) return undefined;
  return { uri: v.uri, position: { line: p.line, character: p.character } };
}

export function isSuggestedIndex(value: unknown): value is SuggestedIndex {
  const v = value as SuggestedIndex;
  return (
    typeof v === 'object' && v !== null && typeof v.table === 'string' && typeof v.ddl === 'string' &&
    Array.isArray(v.columns) && v.columns.every((c) => typeof c === 'string')
  );
}

/** A SuggestedIndex, copied field by field, or undefined. */
export function asSuggestedIndex(value: unknown): SuggestedIndex | undefined {
  return isSuggestedIndex(value) ? { table: value.table, columns: [...value.columns], ddl: value.ddl } : undefined;
}
