/**
 * A similarity search on a vector column with no HNSW or IVFFlat index: each
 * search computes the distance to every row. The fix writes the index the seed
 * guides recommend (HNSW, the operator class of the query's distance, `m` and
 * `ef_construction` by dimension) the way the project writes schema changes
 * (a new migration, CONCURRENTLY on PostgreSQL).
 */
import { docsUrl } from '../../../../shared/types';
import { shownTableName } from '../catalog/build';
import type { IndexSuggestion, Rule } from './types';
import { distanceName, opclassFor, seedHnswParameters, similaritySearches, vectorIndexes, vectorType } from './vector-helpers';

const ID = 'vector-search-without-index';

export const vectorSearchWithoutIndex: Rule = {
  meta: {
    id: ID,
    description: 'A similarity search on a vector column that has no HNSW or IVFFlat index scans every row.',
    defaultSeverity: 'warning',
    docs: docsUrl(ID),
    fixable: true,
    category: 'query',
  },
  scope: 'statement',
  check(ctx) {
    for (const { statement, query, order, table } of similaritySearches(ctx)) {
      // Without LIMIT no vector index serves the search: vector-search-without-limit comes first.
      if (!query.limit) continue;
      const column = order.column.column;
      const type = vectorType(table.columns.get(column)?.type);
      if (!type || type.type === 'sparsevec' || vectorIndexes(table, column).length > 0) continue;
      const opclass = opclassFor(order.operator, type.type);
      const params = type.dimension ? seedHnswParameters(type.dimension) : undefined;
      const suggestion: IndexSuggestion = {
        table: table.name,
        columns: [column],
        method: 'hnsw',
        opclass,
        ...(params ? { options: { m: String(params.m), ef_construction: String(params.ef_construction) } } : {}),
      };
      const withText = params ? ` WITH (m = ${params.m}, ef_construction = ${params.ef_construction})` : '';
      ctx.report({
        span: order.span,
        message:
          `Similarity search orders ${shownTableName(table)} by ${distanceName(order.operator)} to ${column}, but no HNSW or IVFFlat index is on ${column}: ` +
          `every search computes the distance to every row. Add an HNSW index: USING hnsw (${column} ${opclass})${withText}.`,
        explanation: [
          `**Column:** \`${shownTableName(table)}.${column}\` ${type.type}${type.dimension ? `(${type.dimension})` : ''}`,
          '',
          'HNSW (the seed guides\' choice) builds slower and uses more memory than IVFFlat but answers with better recall and speed, ' +
            'and needs no data at build time. IVFFlat (`USING ivfflat (... ) WITH (lists = rows / 1000)`) builds faster; build it after the table is filled. ' +
            `Seed values by dimension: 384 → m 16, ef_construction 64; 768 → 16/128; 1536 → 48/200.`,
        ].join('\n'),
        indexFixes: { suggestion, near: statement.span },
        index: suggestion,
      });
    }
  },
};
