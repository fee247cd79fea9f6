/**
 * Judgement for index advice: which columns have few distinct values (an
 * index leading with them rarely beats a scan), which columns are selective
 * keys (a foreign key, an id, a unique column: equality on them leaves the
 * rows of one parent), and which existing index already narrows a lookup.
 * The index rules read this instead of proposing every column they see.
 */
import { leadingColumns } from '../catalog/build';
import type { Catalog, IndexInfo, TableInfo } from '../catalog/types';

/** Column names (or their last word) that hold a few fixed values: states, kinds, roles, flags. */
const FEW_VALUE_WORDS = new Set([
  'status', 'state', 'type', 'kind', 'role', 'category', 'level', 'priority', 'visibility', 'provider', 'processor', 'decision', 'platform',
  'source', 'trigger', 'mode', 'tier', 'gender', 'direction', 'method', 'stage', 'phase', 'flag', 'flags',
]);
/** Boolean-like column names. */
const FLAG_NAMES = /^(is|has|can|should|was|needs)_|^(enabled|disabled|active|inactive|deleted|archived|visible|hidden|public|private|verified|locked|paid|published|draft|default)$/;

/**
 * Whether a column has few distinct values: a boolean, an enum, named as a
 * state, kind, role or flag, or a key into a list of kinds or into a scope
 * (`fewValuesReason`).
 */
export function isLowCardinality(table: TableInfo, column: string): boolean {
  return fewValuesReason(table, column) !== undefined;
}

/**
 * Tables that split an installation's data into a few large parts (its
 * projects, environments, groups): there are a few, and each holds a large
 * share of every table's rows. Tenants and organizations of a hosted service
 * are many, and stay selective.
 */
const SCOPE_TABLE_NAMES = new Set(['project', 'projects', 'environment', 'environments', 'group', 'groups']);

/** Whether a table is a scope (`SCOPE_TABLE_NAMES`): a loop over all its rows runs a few times. */
export function isScopeTable(name: string): boolean {
  return SCOPE_TABLE_NAMES.has(snake(name));
}

/** Why a column has few distinct values: `text` is a clause for a message; a `scope` is narrowed only as far as one of its rows holds. */
export interface FewValues {
  kind: 'flag' | 'list' | 'scope';
  text: string;
}

/**
 * Why a column has few distinct values, or undefined when it may have many. A key column counts when the table it
 * points to (its foreign key's, else its name without `_id`) is a list of kinds
 * (`case_type_id`: as many values as there are case types) or a scope
 * (`project_id`: one project holds a large share of the rows).
 */
export function fewValuesReason(table: TableInfo, column: string): FewValues | undefined {
  const type = (table.columns.get(column)?.type ?? '').toLowerCase();
  if (['boolean', 'bool', 'bit'].includes(type)) return { kind: 'flag', text: `${column} is a boolean` };
  if (type.includes('enum')) return { kind: 'flag', text: `${column} is an enum` };
  const name = snake(column);
  const words = name.split('_');
  if (FEW_VALUE_WORDS.has(words[words.length - 1]!) || FLAG_NAMES.test(name)) return { kind: 'flag', text: `${column} has few distinct values` };
  const target = table.foreignKeys.find((fk) => fk.columns.length === 1 && fk.columns[0] === column)?.refTable ?? /^(.+)_id$/.exec(name)?.[1];
  if (!target) return undefined;
  const scope = snake(target);
  if (SCOPE_TABLE_NAMES.has(scope)) return { kind: 'scope', text: `${column} scopes the rows to one ${scope.replace(/s$/, '')}, which usually holds a large share of them` };
  if (isListName(target)) return { kind: 'list', text: `${column} points into ${target}, a list of kinds (few distinct values)` };
  return undefined;
}

/** `workspaceId` → `workspace_id`, as Kysely's CamelCasePlugin and knex's snake-case mappers name a column. */
export function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Last words of table names that hold a list of kinds (`incident_severity`, `case_type`, `app_settings`): a few rows. */
const REFERENCE_TABLE_WORDS = new Set([...FEW_VALUE_WORDS, 'severity', 'priorities', 'types', 'kinds', 'roles', 'statuses', 'categories', 'setting', 'settings', 'config', 'configuration']);

/**
 * Whether a table is a reference list (its name says it holds kinds, roles,
 * severities, settings): a few rows, where a scan is cheap. A table linking two
 * others (`user_roles`) is an association, not a list.
 */
export function isReferenceTable(table: TableInfo): boolean {
  return table.foreignKeys.length < 2 && isListName(table.name);
}

/** A table name whose last word says it lists kinds, roles, severities or settings (`case_type`; one word alone is not enough). */
function isListName(name: string): boolean {
  const words = snake(name).split('_');
  return words.length > 1 && REFERENCE_TABLE_WORDS.has(words[words.length - 1]!);
}

/**
 * Why a table probably holds a few rows set up by hand, where a scan reads them
 * at once, or undefined when nothing in the schema says so:
 * - a reference list of kinds (`isReferenceTable`);
 * - a list of choices: a boolean `default` (`is_default`) column marks one row
 *   as the default among the others, which only a list picked from has;
 * - definitions: another table is named for their runs (`workflow` and
 *   `workflow_instance` pointing to it), so the growing data is there;
 * - parts of definitions: every foreign key points to a table of definitions
 *   (the events a plugin declares), and the table is not the runs' table itself.
 * A table that only belongs to a list of choices (a project) is not small: a
 * project holds a large share of the data.
 * The text ends a message, in parentheses.
 */
export function smallTableReason(table: TableInfo, catalog: Catalog): string | undefined {
  const scan = 'a scan reads them at once: an index is worth it only if it grows';
  if (isReferenceTable(table)) return `${table.name} looks like a reference list of kinds, usually a few rows that a scan reads at once: worth it only if it grows`;
  const choices = choicesFlag(table);
  if (choices) return `${table.name} has a boolean ${choices} column, so its rows are choices set up by hand, one of them the default: usually a few rows, and ${scan}`;
  const runs = runsTable(table, catalog);
  if (runs) return `${table.name} holds definitions whose runs are kept in ${runs.name}: usually a few rows set up by hand, and ${scan}`;
  if (!isRunsTable(table.name) && table.foreignKeys.length > 0) {
    const parents = table.foreignKeys.map((fk) => catalog.getTable(fk.refTable));
    if (parents.every((p) => p !== undefined && p.name !== table.name && runsTable(p, catalog))) {
      const names = [...new Set(parents.map((p) => p!.name))].join(' and ');
      return `every row of ${table.name} belongs to the definitions in ${names}: usually a few rows, and ${scan}`;
    }
  }
  return undefined;
}

/** The boolean column that marks the default row (`default`, `is_default`). */
function choicesFlag(table: TableInfo): string | undefined {
  for (const name of ['default', 'is_default']) {
    const type = (table.columns.get(name)?.type ?? '').toLowerCase();
    if (type === 'boolean' || type === 'bool') return table.columns.get(name)!.name;
  }
  return undefined;
}

/** Last words of a table of runs: each row one run, call or delivery of a definition (`workflow_instance`, `webhook_call`). */
const RUNS_SUFFIXES = ['_instance', '_instances', '_run', '_runs', '_execution', '_executions', '_call', '_calls', '_delivery', '_deliveries'];

function isRunsTable(name: string): boolean {
  return RUNS_SUFFIXES.some((suffix) => snake(name).endsWith(suffix));
}

/**
 * The table holding the runs of `table`'s definitions: named `<table>_instance` (or `_run`, `_call`, ...) and
 * pointing to it; also written as one word (`webhookcall`: Prisma's model WebhookCall in a catalog of folded names).
 */
function runsTable(table: TableInfo, catalog: Catalog): TableInfo | undefined {
  const base = snake(table.name).replace(/s$/, '');
  for (const suffix of RUNS_SUFFIXES) {
    const runs = catalog.getTable(base + suffix) ?? catalog.getTable(base + suffix.slice(1));
    if (!runs) continue;
    const key = `${base}_id`;
    if (runs.foreignKeys.some((fk) => fk.refTable.toLowerCase() === table.name) || runs.columns.has(key)) return runs;
  }
  return undefined;
}

/** Column names that identify a person or an account outside the database: an e-mail address, a user name, a phone number. */
const IDENTITY_NAMES = /^(e_?mail|email_address|user_?name|login|phone|phone_number)$/;

/**
 * Whether a column names who a row is about (an e-mail address, a user name): equality on it
 * leaves the rows of one person (the invitations sent to one address), a set that person's
 * own actions bound, even where the column is no key of the table.
 */
export function isIdentityColumn(column: string): boolean {
  return IDENTITY_NAMES.test(snake(column));
}

/** Whether equality on a column leaves the rows of one parent or one key: a foreign key, an id, a unique column. */
export function isSelectiveKey(table: TableInfo, column: string): boolean {
  if (table.foreignKeys.some((fk) => fk.columns[0] === column)) return true;
  if (table.primaryKey?.columns[0] === column || table.uniques.some((u) => u.columns[0] === column)) return true;
  return /(^|_)id$|[a-z]Id$/.test(column) || column === 'uuid';
}

/**
 * The existing index that already narrows an equality lookup on `columns`
 * by a selective leading column (not a low-cardinality one): the lookup then
 * reads only the rows of one parent or one key, not the table.
 */
export function narrowingIndex(table: TableInfo, columns: string[]): IndexInfo | undefined {
  const set = new Set(columns);
  return table.indexes.find((index) => {
    if (index.method && index.method !== 'btree' && index.method !== 'hash') return false;
    const lead = leadingColumns(index)[0];
    return lead !== undefined && set.has(lead) && !isLowCardinality(table, lead);
  });
}

/** Equality columns ordered for an index: keys (foreign keys, ids) first, columns of few values last (stable otherwise). */
export function selectiveFirst<T extends { column: string }>(table: TableInfo, columns: T[]): T[] {
  const rank = (c: string) => (isLowCardinality(table, c) ? 2 : isSelectiveKey(table, c) ? 0 : 1);
  return [...columns].sort((a, b) => rank(a.column) - rank(b.column));
}
