/**
 * A query filters one table on several columns (or on equality plus an ORDER
 * BY) and no index leads with those columns: the seed case
 * `WHERE planner_id = ? AND task_status = 'pending'` with only single-column
 * indexes. Which need is composite is decided once, in `indexNeeds`.
 *
 * A warning only when nothing narrows the lookup. When an index on a
 * selective column (a foreign key, an id) already leaves the rows of one
 * parent, or the suggestion would lead with a column of few values (a
 * status), the gain is plausible, not sure: `info`, with the reason.
 */
import { docsUrl } from '../../../../shared/types';
import { leadingColumns, shownTableName } from '../catalog/build';
import { fewValuesReason } from './index-judgement';
import { formatColumns, listWords, MOST_INDEX_COLUMNS, reportIndexNeeds, type IndexNeed } from './query-helpers';
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
  const sifting = need.sifting
    ? ` The other ${need.sifting.length > 1 ? `columns (${listWords(need.sifting)}) only sift` : `column (${need.sifting[0]}) only sifts`} the rows it ` +
      `finds: an index of more than ${MOST_INDEX_COLUMNS} columns seldom pays off.`
    : '';
  return whyComposite(need) + sifting;
}

function whyComposite(need: IndexNeed): string {
  const table = shownTableName(need.table);
  const filterCols = need.filters.map((f) => f.column);
  const orderCols = need.order.map((c) => c.column);
  const what =
    orderCols.length > 0
      ? `Query filters ${table} on ${listWords(filterCols)} and sorts by ${listWords(orderCols)}`
      : `Query filters ${table} on ${listWords(filterCols)}`;
  const add = `Add an index on ${formatColumns(table, need.suggestion.columns)}`;
  const sorts = orderCols.length > 0 ? ' and sorts them' : '';
  if (need.narrowedBy) {
    const { index, on, sortOnly } = need.narrowedBy;
    const by = listWords(on);
    const throughJoin = on.some((c) => !need.filters.some((f) => f.column === c)) ? ', reached through the join,' : '';
    if (sortOnly) {
      return `${what}; the index ${index.name} on ${by} finds every matching row, and the query returns them all: the new index would spare only their sort. ${add} only if one ${by} has many rows.`;
    }
    return (
      `${what}; the index ${index.name} on ${by}${throughJoin} already narrows it to the rows of one ${by}, which are then ` +
      `filtered${orderCols.length > 0 ? ' and sorted' : ''}. ${add} only if one ${by} has many rows.`
    );
  }
  if (need.fewValuesLead) {
    const few = fewValuesReason(need.table, need.fewValuesLead);
    if (few?.kind === 'scope') {
      return (
        `${what}, and no index leads with these columns, but ${few.text}: whether an index pays off depends on how many ` +
        `there are and how large the table grows, which the code does not show. ${add} if one holds many rows.`
      );
    }
    return (
      `${what}, and no index leads with these columns, but ${few?.text ?? `${need.fewValuesLead} has few distinct values`}: an index ` +
      `leading with it pays off only when the wanted value is rare (then a partial index on that value is smaller). ${add}, or a partial index.`
    );
  }
  const covered = need.table.indexes.filter((i) => filterCols.includes(leadingColumns(i)[0] ?? ''));
  const why =
    covered.length > 0
      ? `the only index${covered.length > 1 ? 'es' : ''} that appl${covered.length > 1 ? 'y' : 'ies'} (${covered.map((i) => `${i.name} on ${leadingColumns(i)[0]}`).join(', ')}) ` +
        `narrow${covered.length > 1 ? '' : 's'} it only to one value of a column with few values: every call reads all rows with that value${sorts}`
      : orderCols.length > 0 && need.table.indexes.some((i) => orderCols.includes(leadingColumns(i)[0] ?? ''))
        ? 'no index leads with these columns in this order: every call reads all matching rows and sorts them'
        : `no index leads with any of these columns: every call scans the table${orderCols.length > 0 ? ' and sorts the rows it keeps' : ''}`;
  return `${what}, but ${why}. ${add}.`;
}
