/**
 * TypeORM entities once the whole workspace's are known (entities.ts reads
 * one file):
 *
 * - an entity extending a class that declares columns (`class User extends
 *   BaseEntity` with `@PrimaryGeneratedColumn() id` in the base) gets the
 *   base's columns first, as TypeORM's metadata builder does; the bases
 *   themselves (no table) leave the list;
 * - a join column (`userId` of `@ManyToOne(() => User)`) gets the referenced
 *   column's type (a serial key's `integer`, a `uuid`) and its foreign key the
 *   target entity's table; a target QueryLens does not know drops the key;
 * - a project-wide `SnakeNamingStrategy` (typeorm-naming-strategies, set as the
 *   DataSource's `namingStrategy`: a file that does says so with a marker
 *   entry, `namingStrategy: 'snake'`) renames the columns the code does not
 *   name (`orgId` → `org_id`, join columns `user_id`), and the default index
 *   names with them. A column whose `name` is spelled exactly as its property
 *   is taken for a derived one (renamed too);
 * - an embedded entity's columns (`@Column(() => Address)`) join the table
 *   under their prefixed names (`withEmbedded`);
 * - the owning side of a `@ManyToMany` (`@JoinTable`) gets its junction table,
 *   a model of its own without a class (`junctionModels`).
 */
import type { ColumnDef, ForeignKeyDef, SchemaChange } from '../../sql/model';
import type { HostModel, ModelField } from '../../host/types';
import { camelCase, defaultIndexName, joinColumnNameOf, junctionColumnOf, junctionTableOf, snakeCase, type NamingStrategy } from './naming';

export function resolveTypeOrmModels(models: HostModel[]): HostModel[] {
  const own = models.filter((m) => m.orm === 'typeorm');
  if (own.length === 0) return models;
  const snake = own.some((m) => m.namingStrategy === 'snake');
  const byClass = new Map<string, HostModel>();
  for (const m of own) if (m.className && !byClass.has(m.className)) byClass.set(m.className, m);
  const inherited = new Map<HostModel, HostModel>();
  const withBases = (m: HostModel, seen: Set<HostModel> = new Set()): HostModel => {
    const done = inherited.get(m);
    if (done) return done;
    let out = m;
    const base = m.bases?.[0] ? byClass.get(m.bases[0]) : undefined;
    if (base && !seen.has(base)) {
      seen.add(m);
      out = inherit(m, withBases(base, seen));
    }
    inherited.set(m, out);
    return out;
  };
  const entities = own.filter((m) => m.table !== '').map((m) => withBases(m));
  const named = (snake ? entities.map(snakeNamed) : entities).map((m) => withEmbedded(m, byClass, snake ? 'snake' : 'default'));
  const tables = new Map(named.map((m) => [m.className, m]));
  const resolved = named.map((m) => withForeignKeys(m, tables));
  // A table an entity (or another junction) declares already is that one's.
  const taken = new Set(models.map((m) => m.table));
  const junctions = resolved.flatMap((m) => junctionModels(m, tables, snake ? 'snake' : 'default')).filter((j) => !taken.has(j.table) && taken.add(j.table));
  return [...models.filter((m) => m.orm !== 'typeorm'), ...resolved, ...junctions];
}

function createTableOf(m: HostModel): Extract<SchemaChange, { kind: 'createTable' }> | undefined {
  return m.changes.find((c): c is Extract<SchemaChange, { kind: 'createTable' }> => c.kind === 'createTable');
}

/** The entity with its base's columns first (a column the entity declares again wins), its keys and fields. */
function inherit(m: HostModel, base: HostModel): HostModel {
  const own = createTableOf(m);
  const from = createTableOf(base);
  if (!own || !from) return m;
  const names = new Set(own.columns.map((c) => c.name));
  const columns = [...from.columns.filter((c) => !names.has(c.name)), ...own.columns];
  const primaryKey = own.primaryKey ?? from.primaryKey;
  const foreignKeys = [...from.foreignKeys.filter((fk) => fk.columns.every((c) => !names.has(c))), ...own.foreignKeys];
  const table = m.table;
  const baseIndexes = base.changes
    .filter((c): c is Extract<SchemaChange, { kind: 'createIndex' }> => c.kind === 'createIndex')
    .map((c) => ({ ...c, table, name: c.name && c.table === '' ? defaultIndexName(table, c.keys.map((k) => k.column ?? ''), c.where) : c.name }));
  const createTable = { ...own, columns, ...(primaryKey ? { primaryKey } : {}), uniques: [...from.uniques, ...own.uniques], foreignKeys };
  const fieldNames = new Set((m.fields ?? []).map((f) => f.name));
  const fields = [...(base.fields ?? []).filter((f) => !fieldNames.has(f.name)), ...(m.fields ?? [])];
  return { ...m, changes: m.changes.map((c) => (c === own ? createTable : c)).concat(baseIndexes), fields };
}

/** Foreign keys to the target's table, join columns typed as the key they reference. */
function withForeignKeys(m: HostModel, byClass: Map<string, HostModel>): HostModel {
  const create = createTableOf(m);
  if (!create || !create.foreignKeys.some((fk) => fk.refTable.startsWith('\u0000'))) return m;
  const columns = create.columns.map((c) => ({ ...c }));
  const foreignKeys: ForeignKeyDef[] = [];
  for (const fk of create.foreignKeys) {
    if (!fk.refTable.startsWith('\u0000')) {
      foreignKeys.push(fk);
      continue;
    }
    const target = byClass.get(fk.refTable.slice(1));
    const targetCreate = target && createTableOf(target);
    if (!target || !targetCreate) continue;
    // `referencedColumnName` names the target's property; its column is the field's.
    const refColumns = fk.refColumns.map((p) => target.fields?.find((f) => f.name === p)?.column ?? p);
    const referenced = targetCreate.columns.find((c) => c.name === refColumns[0]);
    const column = columns.find((c) => c.name === fk.columns[0]);
    if (column && !column.type && referenced) column.type = referenced.type;
    foreignKeys.push({ ...fk, refTable: target.table, refColumns });
  }
  const createTable = { ...create, columns, foreignKeys };
  const fields = m.fields?.map((f): ModelField => {
    if (!f.relation || f.relation.columns.length === 0) return f;
    const target = byClass.get(f.relation.target);
    const references = f.relation.references.map((p) => target?.fields?.find((x) => x.name === p)?.column ?? p);
    return { ...f, relation: { ...f.relation, references } };
  });
  return { ...m, changes: m.changes.map((c) => (c === create ? createTable : c)), ...(fields ? { fields } : {}) };
}

/** SnakeNamingStrategy: derived column names in snake case. */
function snakeNamed(m: HostModel): HostModel {
  const rename = new Map<string, string>();
  const fields = m.fields?.map((f): ModelField => {
    let column = f.column;
    if (f.relation && f.relation.columns.length === 1 && f.relation.references.length === 1) {
      if (f.column === camelCase(`${f.name}_${f.relation.references[0]}`)) column = joinColumnNameOf(f.name, f.relation.references[0]!, 'snake');
    } else if (!f.relation && f.column === f.name) column = snakeCase(f.name);
    if (column === f.column) return f;
    rename.set(f.column, column);
    return { ...f, column, ...(f.relation ? { relation: { ...f.relation, columns: [column] } } : {}) };
  });
  if (rename.size === 0) return m;
  const r = (c: string) => rename.get(c) ?? c;
  const changes = m.changes.map((c): SchemaChange => {
    if (c.kind === 'createTable') {
      return {
        ...c,
        columns: oneEach(c.columns.map((col): ColumnDef => ({ ...col, name: r(col.name) }))),
        ...(c.primaryKey ? { primaryKey: [...new Set(c.primaryKey.map(r))] } : {}),
        uniques: c.uniques.map((u) => ({ ...u, columns: u.columns.map(r) })),
        foreignKeys: c.foreignKeys.map((fk) => ({ ...fk, columns: fk.columns.map(r) })),
      };
    }
    if (c.kind === 'createIndex') {
      const before = c.keys.map((k) => k.column ?? '');
      const keys = c.keys.map((k) => (k.column ? { ...k, column: r(k.column) } : k));
      const derived = c.name === defaultIndexName(c.table, before, c.where);
      return { ...c, keys, ...(derived ? { name: defaultIndexName(c.table, keys.map((k) => k.column ?? ''), c.where) } : {}) };
    }
    return c;
  });
  return { ...m, changes, ...(fields ? { fields } : {}) };
}

/** `@Column() userId` and `@JoinColumn({ name: 'user_id' })` are one column once snake-cased: the typed one (the `@Column`'s) is kept. */
function oneEach(columns: ColumnDef[]): ColumnDef[] {
  const out: ColumnDef[] = [];
  for (const c of columns) {
    const same = out.findIndex((d) => d.name === c.name);
    if (same < 0) out.push(c);
    else if (!out[same]!.type && c.type) out[same] = { ...c, primaryKey: c.primaryKey || out[same]!.primaryKey };
  }
  return out;
}

/**
 * The junction tables of an entity's owning `@ManyToMany` sides, as typeorm 1.1.1's JunctionEntityMetadataBuilder
 * makes them: named `@JoinTable({ name })` or `snakeCase(table_property_otherTable)`; for each primary key column of
 * either side a column `joinColumn.name` or `camelCase(table_key)` (snake case under a SnakeNamingStrategy; `_1` and
 * `_2` appended when both sides' names are the same, as for a self-reference), typed as that key, NOT NULL; a primary
 * key of them all, a foreign key to each side, and an index on each side's columns (TypeORM's default names).
 * A model without a class: code reaches it through the relation, never by name.
 */
function junctionModels(m: HostModel, byClass: Map<string, HostModel>, naming: NamingStrategy): HostModel[] {
  const own = createTableOf(m);
  const out: HostModel[] = [];
  for (const field of m.fields ?? []) {
    const junction = field.relation?.junction;
    const target = field.relation ? byClass.get(field.relation.target) : undefined;
    const other = target && createTableOf(target);
    if (!junction || !own?.primaryKey?.length || !other?.primaryKey?.length) continue;
    const table = junction.table ?? junctionTableOf(m.table, field.name, target!.table);
    const side = (of: string, create: typeof own, given: string | undefined) =>
      create.primaryKey!.map((key) => ({
        key,
        name: given && create.primaryKey!.length === 1 ? given : junctionColumnOf(of, key, naming),
        type: create.columns.find((c) => c.name === key)?.type ?? '',
      }));
    const mine = side(m.table, own, junction.column);
    const theirs = side(target!.table, other, junction.inverseColumn);
    for (const a of mine) {
      for (const b of theirs) {
        if (a.name !== b.name) continue;
        a.name += '_1';
        b.name += '_2';
      }
    }
    const span = field.span ?? m.span;
    const columns: ColumnDef[] = [...mine, ...theirs].map((c) => ({ name: c.name, type: c.type, notNull: true, primaryKey: true, unique: false, span }));
    const foreignKey = (cols: typeof mine, refTable: string): ForeignKeyDef => ({ columns: cols.map((c) => c.name), refTable, refColumns: cols.map((c) => c.key), span });
    const index = (cols: typeof mine): SchemaChange => {
      const names = cols.map((c) => c.name);
      const keys = names.map((column) => ({ column }));
      return { kind: 'createIndex', name: defaultIndexName(table, names), table, keys, unique: false, partial: false, method: 'btree', concurrently: false, ifNotExists: false, span, keywordSpan: span };
    };
    const createTable: SchemaChange = {
      kind: 'createTable',
      table,
      columns,
      primaryKey: columns.map((c) => c.name),
      uniques: [],
      foreignKeys: [foreignKey(mine, m.table), foreignKey(theirs, target!.table)],
      ifNotExists: false,
      span,
    };
    out.push({ className: '', table, span, changes: [createTable, index(mine), index(theirs)], relationships: [], orm: 'typeorm' });
  }
  return out;
}

/**
 * The columns of an entity's embedded entities (`@Column(() => Address, { prefix })`, nested ones too), named as
 * typeorm 1.1.1's DefaultNamingStrategy.columnName does: `camelCase(prefixes joined by _) + titleCase(name)`
 * (`address` + `city` → `addressCity`; titleCase lowers the rest: `postCode` → `addressPostcode`), the name itself
 * with no prefix; typeorm-naming-strategies' SnakeNamingStrategy: `snakeCase(prefixes + '' joined by _)` + the given
 * name or the snake-cased property (`address_city`). Their fields are named by the path (`address.city`).
 */
function withEmbedded(m: HostModel, byClass: Map<string, HostModel>, naming: NamingStrategy): HostModel {
  if (!m.embeds?.length) return m;
  const create = createTableOf(m);
  if (!create) return m;
  const columns = [...create.columns];
  const fields = [...(m.fields ?? [])];
  const add = (owner: HostModel, prefixes: string[], path: string, seen: Set<HostModel>) => {
    for (const embed of owner.embeds ?? []) {
      const inner = byClass.get(embed.className);
      const innerCreate = inner && createTableOf(inner);
      if (!inner || !innerCreate || seen.has(inner)) continue;
      const at = [...prefixes, ...(embed.prefix === false ? [] : [embed.prefix ?? embed.property])];
      const base = `${path}${embed.property}.`;
      for (const field of inner.fields ?? []) {
        const column = innerCreate.columns.find((c) => c.name === field.column);
        if (!column || field.relation) continue;
        const given = field.column !== field.name ? field.column : undefined;
        const name = embeddedColumnName(field.name, given, at, naming);
        if (columns.some((c) => c.name === name)) continue;
        columns.push({ ...column, name, primaryKey: false, span: embed.span });
        fields.push({ name: base + field.name, column: name, span: embed.span });
      }
      add(inner, at, base, new Set([...seen, inner]));
    }
  };
  add(m, [], '', new Set([m]));
  const createTable = { ...create, columns };
  return { ...m, changes: m.changes.map((c) => (c === create ? createTable : c)), fields };
}

function embeddedColumnName(property: string, given: string | undefined, prefixes: string[], naming: NamingStrategy): string {
  if (naming === 'snake') return snakeCase([...prefixes, ''].join('_')) + (given ?? snakeCase(property));
  const name = given ?? property;
  if (prefixes.length === 0) return name;
  return camelCase(prefixes.join('_')) + name.replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
}
