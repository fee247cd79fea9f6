/**
 * A similarity search served by an HNSW (or IVFFlat) index that also filters
 * (`WHERE tier = 'working' ORDER BY embedding <=> $1 LIMIT 10`): the index
 * hands over its nearest candidates (`hnsw.ef_search`, 40 by default) and the
 * filter runs after, so a selective filter can return fewer rows than the
 * LIMIT, or none. pgvector 0.8 scans on until enough rows pass with
 * `hnsw.iterative_scan`; a partial index per filter value avoids it too.
 */
import { docsUrl } from '../../../../shared/types';
import { shownTableName } from '../catalog/build';
import { columnTable } from './query-helpers';
import type { Rule } from './types';
import { distanceName, operatorServed, similaritySearches, vectorIndexes } from './vector-helpers';

const ID = 'filtered-vector-search';

export const filteredVectorSearch: Rule = {
  meta: {
    id: ID,
    description: 'A filtered similarity search through an HNSW/IVFFlat index can return fewer rows than its LIMIT.',
    defaultSeverity: 'info',
    docs: docsUrl(ID),
    fixable: false,
    category: 'query',
  },
  scope: 'statement',
  check(ctx) {
    for (const { query, order, table } of similaritySearches(ctx)) {
      if (!query.limit) continue;
      const column = order.column.column;
      const index = vectorIndexes(table, column).find((i) => operatorServed(i.keys[0]?.opclass) === order.operator);
      if (!index || index.partial) continue;
      const filters = query.predicates.filter(
        (p) => !p.disjunctive && p.column.column !== column && columnTable(query, p.column, ctx.catalog) === table.name,
      );
      if (filters.length === 0) continue;
      const names = [...new Set(filters.map((p) => p.column.column))].join(', ');
      const hnsw = index.method === 'hnsw';
      const setting = hnsw ? 'hnsw.iterative_scan' : 'ivfflat.iterative_scan';
      const candidates = hnsw ? 'its hnsw.ef_search nearest candidates (40 by default)' : 'the rows of its ivfflat.probes nearest lists (1 by default)';
      ctx.report({
        span: order.span,
        message:
          `Similarity search filters ${shownTableName(table)} on ${names} and takes the nearest by ${distanceName(order.operator)} through the ${index.method.toUpperCase()} index ${index.name}: ` +
          `the index hands over ${candidates} and the filter runs after, so it can return fewer rows than the LIMIT. ` +
          `On pgvector 0.8+ run SET ${setting} = relaxed_order (strict_order keeps exact order) before the search, or add a partial index for the filter (... WHERE ${filters[0].column.column} = ...).`,
        explanation:
          'Approximate indexes filter after the scan. `SET hnsw.iterative_scan = relaxed_order` (pgvector 0.8) makes the scan go on ' +
          'until enough rows pass the filter (up to `hnsw.max_scan_tuples`); a partial HNSW index per frequent filter value, ' +
          'or a larger `hnsw.ef_search`, are the alternatives on older versions.',
      });
    }
  },
};
