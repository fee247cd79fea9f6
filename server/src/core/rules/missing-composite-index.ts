/**
 * A query filters one table on several columns (or on equality plus an ORDER
 * BY) and no index leads with those columns: the seed case
 * `WHERE planner_id = ? AND task_status = 'pending'` with only single-column
 * indexes. Which need is composite is decided once, in `indexNeeds`.
 */
import { docsUrl } from '../../../../shared/types';
import { formatColumns, listWords, reportIndexNeeds, type IndexNeed } from './query-helpers';
import type { Rule } from './types';

const ID = 'missing-composite-index';

export const missingCompositeIndex: Rule = {
  meta: {
    id: ID,
    description: 'A query filters a table on several columns (or filters and sorts) and no index leads with them.',
    defaultSeverity: 'warning',
    docs: docsUrl(ID),
    fixable: true,
    category: 'query',
  },
  scope: 'statement',
  check(ctx) {
    reportIndexNeeds(ctx, 'composite', compositeMessage);
  },
};

function compositeMessage(need: IndexNeed): string {
  const table = need.table.name;
  const filterCols = need.filters.map((f) => f.column);
  const orderCols = need.order.map((c) => c.column);
  const what =
    orderCols.length > 0
      ? `Query filters ${table} on ${listWords(filterCols)} and sorts by ${listWords(orderCols)}`
      : `Query filters ${table} on ${listWords(filterCols)}`;
  const why =
    orderCols.length > 0
      ? 'no index leads with these columns in this order: every call reads all matching rows and sorts them'
      : 'no index leads with these columns: every call scans the table or most of an index';
  return `${what}, but ${why}. Add an index on ${formatColumns(table, need.suggestion.columns)}.`;
}
