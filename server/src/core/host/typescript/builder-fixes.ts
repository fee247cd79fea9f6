/**
 * Fixes written in the builder's own terms: `.limit(n)` inserted into a knex or
 * Kysely chain where BuiltQuery.beforeTerminal points (before `.execute()`,
 * `.first()`, `.then(...)`, or at the end of an awaited knex chain). Both
 * libraries spell it the same way, and their typings accept it on every
 * select builder (checked with tsc against the real packages in tests).
 */
import type { BuiltQuery } from './builders';

export interface Insertion {
  at: number;
  text: string;
}

/** `.limit(n)` for a select chain that has none and whose terminal is known; undefined otherwise. */
export function limitInsertion(query: BuiltQuery, limit: number): Insertion | undefined {
  if (query.statementKind !== 'select' || query.model.limit || query.beforeTerminal === undefined) return undefined;
  if (!Number.isInteger(limit) || limit <= 0) return undefined;
  return { at: query.beforeTerminal, text: `.limit(${limit})` };
}
