/**
 * A query looks a table up by one column (a filter, a JOIN condition, or an
 * ORDER BY ... LIMIT without a filter) and no index leads with it. Lookups on
 * several columns belong to `missing-composite-index` (see `indexNeeds`).
 */
import { docsUrl } from '../../../../shared/types';
import { shownTableName } from '../catalog/build';
import { isLowCardinality } from './index-judgement';
import type { QueryModel } from '../sql/model';
import { formatColumns, reportIndexNeeds, type IndexNeed } from './query-helpers';
import type { Rule } from './types';

const ID = 'missing-index';

export const missingIndex: Rule = {
  meta: {
    id: ID,
    description: 'A query filters, joins or sorts a table by a column that no index leads with.',
    defaultSeverity: 'warning',
    docs: docsUrl(ID),
    fixable: true,
    category: 'query',
  },
  scope: 'statement',
  check(ctx) {
    reportIndexNeeds(ctx, 'single', singleMessage, (need, query) => !isFlagFilter(need) && !servedInOrder(need, query));
  },
};

/**
 * Only range filters, and `ORDER BY x LIMIT n` with an index leading with x: the
 * database walks that index in order and stops after n rows that pass the range,
 * which matches most rows when the range is wide (`duration >= 0`); an index on
 * the range column would not be chosen.
 */
function servedInOrder(need: IndexNeed, query: QueryModel): boolean {
  const first = query.orderBy[0]?.column.column;
  return (
    need.reason === 'filter' &&
    need.filters.every((f) => f.kind === 'range') &&
    !!query.limit &&
    first !== undefined &&
    need.table.indexes.some((index) => index.keys[0]?.column === first)
  );
}

/**
 * A filter on a column of few values alone (a boolean, an enum, a status or
 * kind): a B-tree on it rarely beats a scan; not worth an index suggestion (a
 * partial index on the rare value can be, but which value is rare the schema
 * does not tell).
 */
function isFlagFilter(need: IndexNeed): boolean {
  return need.reason === 'filter' && isLowCardinality(need.table, need.filters[0]!.column);
}

function singleMessage(need: IndexNeed): string {
  const table = shownTableName(need.table);
  const add = `Add an index on ${formatColumns(table, need.suggestion.columns)}.`;
  switch (need.reason) {
    case 'join':
      return `Query joins ${table} on ${need.join!.column}, but no index on ${table} leads with it: each joined row scans ${table}. ${add}`;
    case 'order':
      return `Query takes the first rows of ${table} by ${need.order.map((c) => c.column).join(', ')}, but no index leads with it: every call reads and sorts the whole table. ${add}`;
    default:
      if (need.purge === 'delete') {
        return (
          `Query deletes the rows of ${table} by a range on ${need.filters[0].column} alone, and no index leads with it: each run scans the table. ` +
          `A purge of old rows like this usually runs in the background, where a scan costs little until the table is large. ${add}`
        );
      }
      if (need.purge === 'update') {
        return (
          `Query updates the rows of ${table} by a range on ${need.filters[0].column} alone, and no index leads with it: each run scans the table. ` +
          `A sweep of stale rows like this (expired, or locked too long) usually runs in the background, where a scan costs little until the table is large. ${add}`
        );
      }
      return `Query filters ${table} on ${need.filters[0].column}, but no index leads with it: every call scans the table. ${add}`;
  }
}
