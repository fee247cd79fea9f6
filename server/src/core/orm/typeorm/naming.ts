/**
 * How TypeORM names tables, columns and indexes, as typeorm 1.1.1 does
 * (naming-strategy/DefaultNamingStrategy.js, util/StringUtils.js):
 *
 * - table: the `@Entity` name when given, else `snakeCase(ClassName)`
 *   (`UserProfile` → `user_profile`, `APIKey` → `api_key`);
 * - column: the `name` option when given, else the property name as written
 *   (`orgId` stays `orgId`, a quoted identifier on PostgreSQL);
 * - a relation's join column: `camelCase(property + '_' + referencedColumn)`
 *   (`user` → `userId`);
 * - a many-to-many junction table: `snakeCase(table + '_' + property + '_' + otherTable)`,
 *   its columns `camelCase(table + '_' + referencedColumn)`;
 * - an index without a name: `IDX_` + the first 26 hex digits of the SHA-1 of
 *   `<table>_<columns sorted, joined by _>` (`_<where>` appended for a partial one).
 *
 * typeorm-naming-strategies' `SnakeNamingStrategy` (set as the DataSource's
 * `namingStrategy`) keeps tables as they are and writes columns and join
 * columns in snake case (`orgId` → `org_id`, `user` → `user_id`); a name given
 * in the code is kept as written.
 */
import { createHash } from 'node:crypto';

export type NamingStrategy = 'default' | 'snake';

/** TypeORM's `snakeCase` (StringUtils.js). */
export function snakeCase(text: string): string {
  return text.replace(/([A-Z])([A-Z])([a-z])/g, '$1_$2$3').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** TypeORM's `camelCase` (StringUtils.js): `user_id` → `userId`. */
export function camelCase(text: string): string {
  return text.replace(/^([A-Z])|[\s\-_](\w)/g, (_m, p1: string | undefined, p2: string | undefined) => (p2 ? p2.toUpperCase() : p1!.toLowerCase()));
}

export function tableNameOf(className: string, given?: string): string {
  return given ?? snakeCase(className);
}

export function columnNameOf(property: string, given: string | undefined, naming: NamingStrategy): string {
  if (given) return given;
  return naming === 'snake' ? snakeCase(property) : property;
}

export function joinColumnNameOf(relation: string, referenced: string, naming: NamingStrategy): string {
  return naming === 'snake' ? snakeCase(`${relation}_${referenced}`) : camelCase(`${relation}_${referenced}`);
}

export function junctionTableOf(table: string, property: string, otherTable: string): string {
  return snakeCase(`${table}_${property.replace(/\./g, '_')}_${otherTable}`);
}

export function junctionColumnOf(table: string, referenced: string, naming: NamingStrategy): string {
  return naming === 'snake' ? snakeCase(`${table}_${referenced}`) : camelCase(`${table}_${referenced}`);
}

/** The name TypeORM gives an index declared without one (`@Index(['a', 'b'])`). */
export function defaultIndexName(table: string, columns: readonly string[], where?: string): string {
  const tableName = table.split('.').pop()!.replace('.', '_');
  let key = `${tableName}_${[...columns].sort().join('_')}`;
  if (where) key += `_${where}`;
  return 'IDX_' + createHash('sha1').update(key).digest('hex').slice(0, 26);
}
