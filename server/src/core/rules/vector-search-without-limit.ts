/**
 * A similarity search (`ORDER BY embedding <=> $1`, `.cosine_distance(q)`)
 * without LIMIT: PostgreSQL computes the distance to every row and sorts them
 * all, and no vector index can serve it (HNSW and IVFFlat serve only ORDER BY
 * distance ... LIMIT). Unlike a plain unpaginated read, a LIMIT is the right
 * fix: a nearest-neighbour search wants the k nearest rows, not all of them.
 */
import { docsUrl } from '../../../../shared/types';
import { shownTableName } from '../catalog/build';
import { addLimitFixes } from './unpaginated-query';
import type { Rule } from './types';
import { distanceName, similaritySearches, vectorType } from './vector-helpers';

const ID = 'vector-search-without-limit';
const NEAREST = 10;

export const vectorSearchWithoutLimit: Rule = {
  meta: {
    id: ID,
    description: 'A pgvector similarity search (ORDER BY a distance) without LIMIT computes and sorts the distance of every row.',
    defaultSeverity: 'warning',
    docs: docsUrl(ID),
    fixable: true,
    category: 'query',
  },
  scope: 'statement',
  check(ctx) {
    for (const { statement, query, topLevel, order, table } of similaritySearches(ctx)) {
      // A subquery's ORDER BY under an outer LIMIT is bounded by it (PostgreSQL pulls the subquery up).
      if (!topLevel || query.limit || !vectorType(table.columns.get(order.column.column)?.type)) continue;
      ctx.report({
        span: order.span,
        message:
          `Similarity search orders ${shownTableName(table)} by ${distanceName(order.operator)} to ${order.column.column} without LIMIT: ` +
          `every call computes the distance to every row and sorts them all, and no vector index can serve it. ` +
          `Add LIMIT ${NEAREST} (as many nearest rows as the caller uses).`,
        explanation:
          'HNSW and IVFFlat indexes answer `ORDER BY embedding <=> $1 LIMIT k` by walking the nearest candidates; ' +
          'without a LIMIT the planner must return every row in distance order, so it scans the table and sorts it. ' +
          'The seed guides: similarity queries always LIMIT.',
        fixes: addLimitFixes(ctx, statement, NEAREST, true),
      });
    }
  },
};
