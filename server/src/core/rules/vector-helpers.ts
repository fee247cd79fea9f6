/**
 * What the pgvector rules share: the similarity searches of a file (a query
 * ordered by a distance to a vector column of a known table), the vector
 * indexes of a column and the distance each serves, and the seed guides'
 * HNSW parameters by dimension.
 */
import type { IndexInfo, TableInfo } from '../catalog/types';
import type { DistanceOperator, QueryModel, SimilarityOrder, Statement } from '../sql/model';
import { columnTable, eachQuery, knownTable } from './query-helpers';
import type { FileContext } from './types';

export const VECTOR_METHODS = new Set(['hnsw', 'ivfflat']);

/** What each distance operator measures, and the operator-class suffix of the indexes that serve it. */
const DISTANCES: Record<DistanceOperator, { name: string; ops: string }> = {
  '<->': { name: 'L2 distance', ops: 'l2_ops' },
  '<#>': { name: 'negative inner product', ops: 'ip_ops' },
  '<=>': { name: 'cosine distance', ops: 'cosine_ops' },
  '<+>': { name: 'L1 distance', ops: 'l1_ops' },
  '<~>': { name: 'Hamming distance', ops: 'hamming_ops' },
  '<%>': { name: 'Jaccard distance', ops: 'jaccard_ops' },
};

export function distanceName(operator: DistanceOperator): string {
  return DISTANCES[operator].name;
}

/** `vector(384)` / `halfvec(768)` / `sparsevec(1000)` → its type and dimension. */
export function vectorType(declared: string | undefined): { type: 'vector' | 'halfvec' | 'sparsevec' | 'bit'; dimension?: number } | undefined {
  const m = /^\s*(?:public\.)?(vector|halfvec|sparsevec|bit)\s*(?:\(\s*(\d+)\s*\))?\s*$/i.exec(declared ?? '');
  if (!m || (m[1].toLowerCase() === 'bit' && !m[2])) return undefined;
  return { type: m[1].toLowerCase() as 'vector', ...(m[2] ? { dimension: Number(m[2]) } : {}) };
}

/** The operator class that serves `operator` on a column of `type` (`vector_cosine_ops`, `halfvec_l2_ops`, `bit_hamming_ops`). */
export function opclassFor(operator: DistanceOperator, type = 'vector'): string {
  return `${operator === '<~>' || operator === '<%>' ? 'bit' : type}_${DISTANCES[operator].ops}`;
}

/** The operator an index key's operator class serves; pgvector's default class (no class written) is L2. */
export function operatorServed(opclass: string | undefined): DistanceOperator | undefined {
  const name = (opclass ?? 'vector_l2_ops').toLowerCase().split('.').pop()!;
  return (Object.keys(DISTANCES) as DistanceOperator[]).find((op) => name.endsWith(`_${DISTANCES[op].ops}`));
}

/** The HNSW and IVFFlat indexes leading with `column`. */
export function vectorIndexes(table: TableInfo, column: string): IndexInfo[] {
  return table.indexes.filter((i) => VECTOR_METHODS.has(i.method) && i.keys[0]?.column?.toLowerCase() === column.toLowerCase());
}

/**
 * The seed guides' HNSW build parameters by dimension (seed 004): 384 → m 16,
 * ef_construction 64; 768 → 16/128; 1536 → 48/200. A dimension between two
 * rows takes the larger row's values.
 */
export function seedHnswParameters(dimension: number): { m: number; ef_construction: number } {
  if (dimension <= 384) return { m: 16, ef_construction: 64 };
  if (dimension <= 768) return { m: 16, ef_construction: 128 };
  return { m: 48, ef_construction: 200 };
}

/** pgvector's HNSW defaults, when the index has no WITH. */
export const HNSW_DEFAULTS = { m: 16, ef_construction: 64 };

export interface SimilaritySearch {
  statement: Statement;
  query: QueryModel;
  /** The statement's own query, not a CTE or subquery (whose ORDER BY the outer LIMIT may bound). */
  topLevel: boolean;
  order: SimilarityOrder;
  table: TableInfo;
}

/** Every similarity search of the file on a table the catalog knows from its CREATE TABLE (or model). */
export function* similaritySearches(ctx: FileContext): Generator<SimilaritySearch> {
  for (const { query, statement, topLevel } of eachQuery(ctx.document.statements)) {
    for (const order of query.similarity ?? []) {
      const name = columnTable(query, order.column, ctx.catalog);
      const table = name ? knownTable(ctx.catalog, name) : undefined;
      if (table) yield { statement, query, topLevel, order, table };
    }
  }
}
