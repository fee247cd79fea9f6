/**
 * A similarity search whose distance operator none of the column's vector
 * indexes serves: a `vector_cosine_ops` index answers only `<=>`, so a search
 * by `<->` (L2) on that column scans and sorts the whole table.
 */
import { docsUrl } from '../../../../shared/types';
import { shownTableName } from '../catalog/build';
import type { Rule } from './types';
import { distanceName, opclassFor, operatorServed, similaritySearches, vectorIndexes, vectorType } from './vector-helpers';

const ID = 'vector-index-operator-mismatch';

export const vectorIndexOperatorMismatch: Rule = {
  meta: {
    id: ID,
    description: "A similarity search uses a distance operator that the column's HNSW/IVFFlat index does not serve.",
    defaultSeverity: 'warning',
    docs: docsUrl(ID),
    fixable: false,
    category: 'query',
  },
  scope: 'statement',
  check(ctx) {
    for (const { query, order, table } of similaritySearches(ctx)) {
      // Without LIMIT no vector index serves the search, whatever its operator (vector-search-without-limit says so).
      if (!query.limit) continue;
      const column = order.column.column;
      const type = vectorType(table.columns.get(column)?.type);
      const indexes = vectorIndexes(table, column);
      if (!type || indexes.length === 0 || indexes.some((i) => operatorServed(i.keys[0]?.opclass) === order.operator)) continue;
      const index = indexes[0];
      const served = operatorServed(index.keys[0]?.opclass);
      const opclass = index.keys[0]?.opclass ?? `${type.type}_l2_ops (the default)`;
      ctx.report({
        span: order.span,
        message:
          `Similarity search orders ${shownTableName(table)} by ${distanceName(order.operator)} (${order.operator}), but the ${index.method.toUpperCase()} index ${index.name} on ${column} ` +
          `is built with ${opclass}, which serves only ${served ? `${distanceName(served)} (${served})` : 'another operator'}: every search scans and sorts the table. ` +
          `Search with ${served ?? 'the operator the index serves'}, or index ${column} with ${opclassFor(order.operator, type.type)}.`,
        explanation:
          'A pgvector index serves the one distance its operator class was built for: `vector_l2_ops` `<->`, ' +
          '`vector_ip_ops` `<#>`, `vector_cosine_ops` `<=>`, `vector_l1_ops` `<+>`. With normalised embeddings ' +
          '(OpenAI, most sentence transformers) the three give the same ranking, so the query can use the indexed one.',
      });
    }
  },
};
