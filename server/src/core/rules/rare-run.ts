/**
 * Judgement for index advice on host code: queries whose place in the code
 * says they run rarely, where a scan costs little next to what an index costs
 * on every write. The index rules read this and report such a need at `info`
 * with the reason, instead of a warning:
 * - a seed script (development data, written once);
 * - a staff tool (an admin folder): staff call it now and then, users never;
 * - a write over every child row of one parent, in the function that changes
 *   that parent too (`disableUser`: the user is disabled and its tokens
 *   expired): it runs once per change of one parent (disabling, deleting),
 *   and what it needs is the index of the foreign key, as for ON DELETE CASCADE.
 */
import type { TableInfo } from '../catalog/types';
import type { HostExtraction, HostQuery } from '../host/types';
import type { Statement } from '../sql/model';
import { adminFolder, hostQueryOf, seedFile } from './host-helpers';
import type { FileContext } from './types';

/** Why the query at `statement` runs rarely, as a clause for a message (`It runs in a seed script ...`), or undefined. */
export function rareRunReason(ctx: FileContext, statement: Statement, table: TableInfo, filterColumns: readonly string[]): string | undefined {
  const hostQuery = hostQueryOf(ctx, statement);
  if (!hostQuery || !ctx.host) return undefined;
  const seed = seedFile(ctx.file);
  if (seed) return `it runs in a seed script (${seed}): development data written once, where a scan costs nothing that matters`;
  const admin = adminFolder(ctx.file);
  if (admin) return `it runs in a staff tool (folder ${admin}/): staff call it now and then, not users on every request, so an index pays off only if they call it often`;
  const change = parentChange(ctx.host, hostQuery, table, filterColumns);
  if (change) {
    return (
      `it ${hostQuery.statementKind}s every row of one ${change.parent} (${change.column}, its key to ${change.parent}) in ${change.fn}, which changes that ${change.parent} too: ` +
      `it runs once per change of a ${change.parent} (disabling, deleting it), rarely next to reads, and the index it needs is the foreign key's, as for ON DELETE CASCADE`
    );
  }
  return undefined;
}

/**
 * An UPDATE or DELETE filtered by one foreign key alone, in a function that
 * also updates or deletes rows of the table that key points to: the write of
 * a parent's children alongside the change of the parent. The parent's name,
 * the key column and the function's.
 */
export function parentChange(
  host: HostExtraction,
  query: HostQuery,
  table: TableInfo,
  filterColumns: readonly string[],
): { parent: string; column: string; fn: string } | undefined {
  if (query.statementKind !== 'update' && query.statementKind !== 'delete') return undefined;
  if (new Set(filterColumns).size !== 1) return undefined;
  const column = filterColumns[0]!;
  const fk = table.foreignKeys.find((k) => k.columns.length === 1 && k.columns[0] === column);
  const fn = namedFunction(query);
  if (!fk || !fn) return undefined;
  const parent = fk.refTable.toLowerCase();
  const changed = host.queries.some(
    (other) =>
      other !== query &&
      (other.statementKind === 'update' || other.statementKind === 'delete') &&
      other.model?.tables[0]?.name.toLowerCase() === parent &&
      namedFunction(other) === fn,
  );
  return changed ? { parent: fk.refTable, column, fn } : undefined;
}

/** The innermost named function around a query (an arrow passed to `$transaction` has none of its own). */
function namedFunction(query: HostQuery): string | undefined {
  return query.functions?.find((f) => f.name !== '')?.name;
}
