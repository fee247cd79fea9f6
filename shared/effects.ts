/**
 * What a rollback does not undo when QueryLens runs a statement (issue 9),
 * said in the same words by the production confirmation and the plan view;
 * the README's safety section says the same. What QueryLens refuses instead
 * (dblink, backend and WAL control, advisory locks, nextval ...) is listed in
 * server/src/db/explain/effects.ts.
 */
export const NOT_UNDONE = {
  /** Explain Analyze and benchmarks of a write. */
  write: 'sequences it advances (serial and identity columns, defaults calling nextval) stay advanced',
  /** An index proof with a real index (not HypoPG). */
  proof: "building the index locks the table against writes until the rollback, and ANALYZE's row estimate (reltuples) and analyze count stay updated",
} as const;
