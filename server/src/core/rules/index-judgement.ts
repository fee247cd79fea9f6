/**
 * Judgement for index advice: which columns have few distinct values (an
 * index leading with them rarely beats a scan), which columns are selective
 * keys (a foreign key, an id, a unique column: equality on them leaves the
 * rows of one parent), and which existing index already narrows a lookup.
 * The index rules read this instead of proposing every column they see.
 */
import { leadingColumns, shownTableName } from '../catalog/build';
import type { Catalog, IndexInfo, TableInfo } from '../catalog/types';
import type { QueryModel } from '../sql/model';

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

/**
 * Tables of tenants: the organizations, teams or workspaces users own or belong to. A hosted service has
 * many (each selective); one user, a few; a self-hosted install often one.
 */
const TENANT_TABLE_NAMES = new Set(['organization', 'organizations', 'organisation', 'organisations', 'org', 'orgs', 'team', 'teams', 'workspace', 'workspaces', 'tenant', 'tenants', 'company', 'companies']);
/** Columns naming the user a row belongs to (`owner_id`, `user_id`, `created_by`), when no foreign key says so. */
const USER_COLUMN = /^(owner|user|creator|created_by|owned_by)(_id)?$/;
const USER_TABLES = new Set(['user', 'users', 'account', 'accounts', 'member', 'members', 'person', 'people']);

/**
 * The tenants of one user: a query of a tenant table (`TENANT_TABLE_NAMES`)
 * pinned by equality on a column that points to a user (a foreign key to a
 * user table, or named `owner_id`, `user_id`, `created_by`). A user owns or
 * belongs to a few organizations, so a loop over those rows runs a few times,
 * however many tenants the service has. The column, or undefined.
 */
export function userTenantsColumn(query: QueryModel, catalog: Catalog): string | undefined {
  const table = query.tables[0] && catalog.getTable(query.tables[0].name);
  if (!table || query.tables.length !== 1 || !TENANT_TABLE_NAMES.has(snake(table.name))) return undefined;
  const pinned = query.predicates.find((p) => {
    if (p.op !== 'eq' || p.disjunctive || p.valueKind === 'subquery' || p.valueKind === 'column') return false;
    const column = p.column.column;
    if (!table.columns.has(column)) return false;
    const fk = table.foreignKeys.find((f) => f.columns.length === 1 && f.columns[0] === column);
    return fk ? USER_TABLES.has(snake(fk.refTable)) : USER_COLUMN.test(snake(column));
  });
  return pinned?.column.column;
}

/** Columns that name one person outside the database: their address, login or phone number. */
const PERSON_COLUMN = /^(e_?mail|email_address|user_?name|login|phone|phone_number)$/;

/**
 * Whether equality on a column leaves the rows of one person (`email`,
 * `username`): what one user has (their invitations, their tokens), a
 * bounded set, though no foreign key or unique constraint says so.
 */
export function isPersonKey(column: string): boolean {
  return PERSON_COLUMN.test(snake(column));
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

/**
 * The tenant table a column keys into (its foreign key's table, else its name
 * without `_id`: `workspace_id` → workspace), or undefined when it is no tenant key.
 */
export function tenantOf(table: TableInfo, column: string): string | undefined {
  const target = table.foreignKeys.find((fk) => fk.columns.length === 1 && fk.columns[0] === column)?.refTable ?? /^(.+)_id$/.exec(snake(column))?.[1];
  return target && TENANT_TABLE_NAMES.has(snake(target)) ? snake(target).replace(/s$/, '') : undefined;
}

/**
 * Why an index for an UPDATE or DELETE by a tenant key alone (`DELETE FROM
 * shares WHERE workspace_id = $1`) is a plausible gain only, or undefined: the
 * write changes every row one tenant has in the table, which happens when a
 * tenant changes a setting or leaves, rarely; and on an install with one tenant
 * every row matches, so no index helps there. Reads by the same key are judged
 * on their own (they run on every request).
 */
export function wholeTenantWriteReason(kind: string, table: TableInfo, filters: { column: string; kind: string }[]): string | undefined {
  if ((kind !== 'update' && kind !== 'delete') || filters.length !== 1 || filters[0]!.kind !== 'eq') return undefined;
  const tenant = tenantOf(table, filters[0]!.column);
  if (!tenant) return undefined;
  const verb = kind === 'delete' ? 'deletes' : 'updates';
  return (
    `it ${verb} every row one ${tenant} has in ${shownTableName(table)}, which happens when a ${tenant} changes a setting or is removed: rarely, ` +
    `and where there is one ${tenant} every row matches. Worth it when there are many ${tenant}s and the table is large`
  );
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
  return table.foreignKeys.length < 2 && isListName(shownTableName(table));
}

/**
 * A table name whose last word says it lists kinds, roles, severities or settings (`case_type`,
 * `webServerSettings`: the name as created, whose case the catalog's key folds; one word alone is not enough).
 */
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
 *   (the events a plugin declares), and the table is not the runs' table itself;
 * - integrations a tenant sets up by hand (`configuredByTenant`: `sso_provider` of an organization).
 * A table that only belongs to a list of choices (a project) is not small: a
 * project holds a large share of the data.
 * The text ends a message, in parentheses.
 */
export function smallTableReason(table: TableInfo, catalog: Catalog): string | undefined {
  const scan = 'a scan reads them at once: an index is worth it only if it grows';
  if (isReferenceTable(table)) return `${shownTableName(table)} looks like a reference list of kinds, usually a few rows that a scan reads at once: worth it only if it grows`;
  const choices = choicesFlag(table);
  if (choices) return `${shownTableName(table)} has a boolean ${choices} column, so its rows are choices set up by hand, one of them the default: usually a few rows, and ${scan}`;
  const configured = configuredByTenant(table);
  if (configured) return `${shownTableName(table)} holds the ${configured.what} one ${configured.tenant} sets up by hand: usually a few rows per ${configured.tenant}, and ${scan}`;
  const runs = runsTable(table, catalog);
  if (runs) return `${shownTableName(table)} holds definitions whose runs are kept in ${shownTableName(runs)}: usually a few rows set up by hand, and ${scan}`;
  if (!isRunsTable(shownTableName(table)) && table.foreignKeys.length > 0) {
    const parents = table.foreignKeys.map((fk) => catalog.getTable(fk.refTable));
    if (parents.every((p) => p !== undefined && p.name !== table.name && runsTable(p, catalog))) {
      const names = [...new Set(parents.map((p) => shownTableName(p!)))].join(' and ');
      return `every row of ${shownTableName(table)} belongs to the definitions in ${names}: usually a few rows, and ${scan}`;
    }
  }
  return undefined;
}

/** Last words of tables of the integrations a tenant connects: its identity, git or DNS providers. */
const INTEGRATION_WORDS = new Set(['provider', 'providers', 'integration', 'integrations']);

/**
 * A table of integrations one tenant sets up by hand (`sso_provider` with a
 * foreign key to `organization`, `team_integrations`): a few per tenant,
 * connected once in a settings page. What it holds and the tenant, or undefined.
 */
export function configuredByTenant(table: TableInfo): { what: string; tenant: string } | undefined {
  const words = snake(shownTableName(table)).split('_');
  const last = words[words.length - 1]!;
  const tenant = table.foreignKeys.find((fk) => TENANT_TABLE_NAMES.has(snake(fk.refTable)));
  if (words.length < 2 || !INTEGRATION_WORDS.has(last) || !tenant) return undefined;
  return { what: `${words.slice(0, -1).join(' ')} ${last.endsWith('s') ? last : `${last}s`}`, tenant: snake(tenant.refTable).replace(/s$/, '') };
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
  const snaked = snake(name);
  return RUNS_SUFFIXES.some((suffix) => snaked.endsWith(suffix));
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

/**
 * Why adding an index leading with `column` is the project's call: a migration dropped one
 * (`DROP INDEX` of an index on it, none re-created since), so the project took it away, perhaps on purpose
 * (unused, or too costly to keep up on writes). A clause for a message, or undefined.
 */
export function droppedIndexReason(table: TableInfo, column: string): string | undefined {
  // Replaced by another index leading with the column: not taken away.
  if (table.indexes.some((i) => leadingColumns(i)[0] === column)) return undefined;
  const dropped = [...(table.droppedIndexes ?? [])].reverse().find((d) => leadingColumns(d.index)[0] === column);
  if (!dropped) return undefined;
  const file = dropped.by.file.split(/[\\/]/).pop();
  return `a migration (${file}) dropped ${dropped.index.name}, an index leading with ${column}: the project took it away, perhaps on purpose (unused, or too costly to keep up on writes), so check why before adding one back`;
}

/** Whether equality on a column leaves the rows of one parent or one key: a foreign key, an id, a unique column. */
export function isSelectiveKey(table: TableInfo, column: string): boolean {
  if (table.foreignKeys.some((fk) => fk.columns[0] === column)) return true;
  if (table.primaryKey?.columns[0] === column || table.uniques.some((u) => u.columns[0] === column)) return true;
  return /(^|_)id$|[a-z]Id$/.test(column) || column === 'uuid';
}

/**
 * The existing index that already narrows an equality lookup on `columns`
 * by a selective column of the prefix they seek (not only flags and kinds):
 * the lookup then reads only the rows of one parent or one key, not the
 * table. A scope (`project_id`) counts: how many rows one project holds the
 * code does not show (langfuse's score configs and evaluation rules of one
 * project are a few; a self-hosted install's one project holds them all). The
 * index that seeks the most of them, with those columns: langfuse's comments
 * by (project_id, object_type, object_id) are those of one object.
 */
export function narrowingIndex(table: TableInfo, columns: string[]): { index: IndexInfo; on: string[] } | undefined {
  let best: { index: IndexInfo; on: string[] } | undefined;
  for (const index of table.indexes) {
    if (index.method && index.method !== 'btree' && index.method !== 'hash') continue;
    const on = seekPrefix(index, columns);
    if (on.length > (best?.on.length ?? 0) && on.some((c) => narrows(fewValuesReason(table, c)))) best = { index, on };
  }
  return best;
}

/** Whether equality on a column of these few values (or of many: undefined) narrows a lookup: a scope's does, a flag's or a kind's not. */
function narrows(few: FewValues | undefined): boolean {
  return few === undefined || few.kind === 'scope';
}

/** The leading columns of `index` that equality on `columns` sets, in the index's order: what a lookup by them seeks. */
export function seekPrefix(index: IndexInfo, columns: readonly string[]): string[] {
  const lead = leadingColumns(index);
  const at = lead.findIndex((c) => !columns.includes(c));
  return at < 0 ? lead : lead.slice(0, at);
}

/** Equality columns ordered for an index: keys (foreign keys, ids) first, columns of few values last (stable otherwise). */
export function selectiveFirst<T extends { column: string }>(table: TableInfo, columns: T[]): T[] {
  const rank = (c: string) => (isLowCardinality(table, c) ? 2 : isSelectiveKey(table, c) ? 0 : 1);
  return [...columns].sort((a, b) => rank(a.column) - rank(b.column));
}
