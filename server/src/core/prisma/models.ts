/**
 * A Prisma data model as the catalog's schema changes, the way Prisma Migrate
 * creates the tables: one CREATE TABLE per model (`@@map`/`@map` names, the
 * column types of types.ts), its primary key, a CREATE (UNIQUE) INDEX per
 * `@unique`/`@@unique`/`@@index`, a foreign key per relation that holds
 * `fields:`/`references:`, and the join table of an implicit many-to-many
 * relation. Names Prisma generates follow its conventions (psl's
 * ConstraintNames): `Table_pkey`, `Table_col_key`, `Table_col_idx`,
 * `Table_col_fkey`, cut to the provider's identifier length.
 */
import type { Dialect } from '../../../../shared/types';
import type { HostModel, ModelField } from '../host/types';
import type { ColumnDef, IndexKey, SchemaChange, Span } from '../sql/model';
import type { AttributeLocation, BlockLocation, FieldLocation } from './locate';
import type { Datamodel, DmmfIndex, DmmfModel } from './parser';
import { columnType } from './types';

/** A model's block and the file it is in. */
export interface LocatedBlock {
  file: string;
  block: BlockLocation;
}

/** Prisma's identifier length limits (psl connectors' `max_identifier_length`). */
const IDENTIFIER_LIMIT: Record<Dialect, number> = { postgres: 63, mysql: 64, sqlite: 10000 };

/** Which index attribute declares each kind of DMMF index. */
const ATTRIBUTE_OF: Record<DmmfIndex['type'], string> = { id: 'id', unique: 'unique', normal: 'index', fulltext: 'fulltext' };

/** Every model of the data model with its file, as HostModel (className: the model's name). */
export function prismaModels(datamodel: Datamodel, dialect: Dialect, blocks: LocatedBlock[], options: { foreignKeys: boolean; relationJoins?: boolean }): { file: string; model: HostModel }[] {
  const out: { file: string; model: HostModel }[] = [];
  const limit = IDENTIFIER_LIMIT[dialect];
  const tableOf = (name: string) => {
    const model = datamodel.models.find((m) => m.name === name);
    return model?.dbName ?? name;
  };
  for (const model of datamodel.models) {
    const located = blocks.find((b) => b.block.name === model.name && (b.block.keyword === 'model' || b.block.keyword === 'view'));
    if (!located || located.block.keyword === 'view') continue; // a view is no table Migrate creates
    const { block } = located;
    const table = model.dbName ?? model.name;
    const fieldAt = (name: string) => block.fields.find((f) => f.name === name);
    const column = (name: string) => model.fields.find((f) => f.name === name)?.dbName ?? fieldAt(name)?.map ?? name;
    const spanOf = (name: string) => fieldAt(name)?.span ?? block.span;
    const changes: SchemaChange[] = [
      {
        kind: 'createTable',
        table,
        ...(model.schema ? { schema: model.schema } : {}),
        columns: columnsOf(model, block, dialect, datamodel),
        uniques: [],
        foreignKeys: [],
        ifNotExists: false,
        span: block.span,
      },
    ];
    const unmatched = [...block.attributes];
    // In the order they are written (Prisma's data model lists them by kind).
    const indexes = datamodel.indexes
      .filter((i) => i.model === model.name)
      .map((index) => ({ index, span: index.isDefinedOnField ? spanOf(index.fields[0]!.name) : (takeAttribute(unmatched, index)?.span ?? block.span) }))
      .sort((a, b) => a.span.start - b.span.start);
    for (const { index, span } of indexes) {
      const columns = index.fields.map((f) => column(f.name));
      if (index.type === 'id') {
        const name = index.dbName ?? withSuffix(table, '_pkey', limit);
        changes.push({ kind: 'addConstraint', table, constraint: { type: 'primaryKey', name, columns }, span });
        continue;
      }
      const unique = index.type === 'unique';
      const keys: IndexKey[] = index.fields.map((f) => ({
        column: column(f.name),
        ...(f.sortOrder === 'desc' ? { desc: true } : {}),
        ...(f.operatorClass ? { opclass: f.operatorClass.toLowerCase() } : {}),
      }));
      changes.push({
        kind: 'createIndex',
        name: index.dbName ?? withSuffix(`${table}_${columns.join('_')}`, unique ? '_key' : '_idx', limit),
        table,
        keys,
        unique,
        partial: false,
        method: index.type === 'fulltext' ? 'fulltext' : (index.algorithm ?? 'btree').toLowerCase(),
        concurrently: false,
        ifNotExists: false,
        span,
        keywordSpan: span,
      });
    }
    for (const field of model.fields) {
      // `relationMode = "prisma"`: Prisma Client keeps relations itself, the database has no foreign key.
      if (!options.foreignKeys || field.kind !== 'object' || !field.relationFromFields?.length) continue;
      const target = datamodel.models.find((m) => m.name === field.type);
      const columns = field.relationFromFields.map(column);
      const refColumns = (field.relationToFields ?? []).map((name) => target?.fields.find((f) => f.name === name)?.dbName ?? name);
      const span = spanOf(field.name);
      const name = fieldAt(field.name)?.relationMap ?? withSuffix(`${table}_${columns.join('_')}`, '_fkey', limit);
      changes.push({ kind: 'addConstraint', table, constraint: { type: 'foreignKey', fk: { name, columns, refTable: tableOf(field.type), refColumns, span } }, span });
    }
    out.push({ file: located.file, model: { className: model.name, table, span: block.span, changes, relationships: [], orm: 'prisma', fields: fieldsOf(model, datamodel, spanOf), ...(options.relationJoins ? { relationJoins: true as const } : {}) } });
  }
  out.push(...joinTables(datamodel, dialect, blocks, tableOf, options));
  return out;
}

/**
 * The model's fields as Prisma Client names them: a scalar → its column (after `@map`);
 * a relation → the related model, whether it is a list, and the key columns on both
 * sides (the side without `fields:` takes them from the back-relation: its own
 * columns are the ones the other table references, `references` the other
 * table's key columns). An implicit many-to-many relation has none (a join table).
 */
/** Defaults Prisma's engine computes and sends (not the database's): `now()`, `cuid()`, `uuid()`, `nanoid()`, `ulid()`. */
const ENGINE_DEFAULTS = new Set(['now', 'cuid', 'uuid', 'nanoid', 'ulid']);

function fieldsOf(model: DmmfModel, datamodel: Datamodel, spanOf: (name: string) => Span): ModelField[] {
  const columnOf = (m: DmmfModel | undefined, name: string) => m?.fields.find((f) => f.name === name)?.dbName ?? name;
  const out: ModelField[] = [];
  for (const field of model.fields) {
    const span = spanOf(field.name);
    if (field.kind !== 'object') {
      const auto = field.isUpdatedAt ? 'updateDate' : ENGINE_DEFAULTS.has((field.default as { name?: string } | undefined)?.name ?? '') ? 'generated' : undefined;
      out.push({ name: field.name, column: field.dbName ?? field.name, span, ...(auto ? { auto } : {}) });
      continue;
    }
    const target = datamodel.models.find((m) => m.name === field.type);
    let columns: string[] = [];
    let references: string[] = [];
    if (field.relationFromFields?.length) {
      columns = field.relationFromFields.map((f) => columnOf(model, f));
      references = (field.relationToFields ?? []).map((f) => columnOf(target, f));
    } else {
      const back = target?.fields.find((f) => f.kind === 'object' && f.relationName === field.relationName && f !== field && f.relationFromFields?.length);
      if (back) {
        columns = (back.relationToFields ?? []).map((f) => columnOf(model, f));
        references = (back.relationFromFields ?? []).map((f) => columnOf(target, f));
      }
    }
    out.push({ name: field.name, column: field.name, span, relation: { target: field.type, many: field.isList, columns, references } });
  }
  return out;
}

function columnsOf(model: DmmfModel, block: BlockLocation, dialect: Dialect, datamodel: Datamodel): ColumnDef[] {
  const columns: { at: number; column: ColumnDef }[] = [];
  const order = (name: string) => {
    const at = block.fields.findIndex((f) => f.name === name);
    return at < 0 ? block.fields.length : at;
  };
  for (const field of model.fields) {
    if (field.kind !== 'scalar' && field.kind !== 'enum') continue;
    const location = block.fields.find((f) => f.name === field.name);
    columns.push({ at: order(field.name), column: columnDef(field.dbName ?? field.name, columnType(field, dialect, datamodel.enums), field.isRequired && !field.isList, location, block) });
  }
  // Prisma's data model leaves Unsupported fields out; the migration still creates their columns.
  for (const location of block.fields) {
    if (!location.unsupported || model.fields.some((f) => f.name === location.name)) continue;
    const { type, optional, list } = location.unsupported;
    columns.push({ at: order(location.name), column: columnDef(location.map ?? location.name, `${type.toLowerCase()}${list ? '[]' : ''}`, !optional && !list, location, block) });
  }
  return columns.sort((a, b) => a.at - b.at).map((c) => c.column);
}

function columnDef(name: string, type: string, notNull: boolean, location: FieldLocation | undefined, block: BlockLocation): ColumnDef {
  return { name, type, notNull, primaryKey: false, unique: false, span: location?.span ?? block.span };
}

/** The `@@index`/`@@unique`/`@@id` written for a DMMF index (the first not yet taken with its fields), taken out of `attributes`. */
function takeAttribute(attributes: AttributeLocation[], index: DmmfIndex): AttributeLocation | undefined {
  const fields = index.fields.map((f) => f.name);
  const at = attributes.findIndex((a) => a.name === ATTRIBUTE_OF[index.type] && a.fields.length === fields.length && a.fields.every((f, i) => f === fields[i]));
  return at < 0 ? undefined : attributes.splice(at, 1)[0];
}

/**
 * The join table `_RelationName` of each implicit many-to-many relation (both
 * sides lists, neither holds the keys): column A references the model whose
 * name sorts first, B the other, with Prisma's `_X_AB_pkey` and `_X_B_index`.
 */
function joinTables(datamodel: Datamodel, dialect: Dialect, blocks: LocatedBlock[], tableOf: (model: string) => string, options: { foreignKeys: boolean }): { file: string; model: HostModel }[] {
  const out: { file: string; model: HostModel }[] = [];
  const done = new Set<string>();
  for (const model of datamodel.models) {
    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.isList || !field.relationName || done.has(field.relationName)) continue;
      const other = datamodel.models.find((m) => m.name === field.type);
      const back = other?.fields.find((f) => f.kind === 'object' && f.relationName === field.relationName && f !== field);
      if (!other || (back && !back.isList) || (back?.relationFromFields?.length ?? 0) > 0) continue;
      if (!back && other !== model) continue;
      done.add(field.relationName);
      const [first, second] = [model, other].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const located = blocks.find((b) => b.block.name === model.name);
      const span: Span = located?.block.fields.find((f) => f.name === field.name)?.span ?? located?.block.span ?? { start: 0, end: 0 };
      const table = `_${field.relationName}`;
      const idColumn = (m: DmmfModel, name: 'A' | 'B'): ColumnDef => {
        const id = m.fields.find((f) => f.isId) ?? m.fields.find((f) => m.primaryKey?.fields[0] === f.name);
        const type = id ? columnType({ ...id, default: undefined }, dialect, datamodel.enums) : 'integer';
        return { name, type, notNull: true, primaryKey: false, unique: false, span };
      };
      const idOf = (m: DmmfModel) => m.fields.find((f) => f.isId)?.dbName ?? m.fields.find((f) => f.isId)?.name ?? 'id';
      const changes: SchemaChange[] = [
        { kind: 'createTable', table, columns: [idColumn(first!, 'A'), idColumn(second!, 'B')], uniques: [], foreignKeys: [], ifNotExists: false, span },
        { kind: 'addConstraint', table, constraint: { type: 'primaryKey', name: `${table}_AB_pkey`, columns: ['A', 'B'] }, span },
        { kind: 'createIndex', name: `${table}_B_index`, table, keys: [{ column: 'B' }], unique: false, partial: false, method: 'btree', concurrently: false, ifNotExists: false, span, keywordSpan: span },
        ...(['A', 'B'] as const).filter(() => options.foreignKeys).map(
          (side, i): SchemaChange => ({
            kind: 'addConstraint',
            table,
            constraint: { type: 'foreignKey', fk: { name: `${table}_${side}_fkey`, columns: [side], refTable: tableOf([first!, second!][i]!.name), refColumns: [idOf([first!, second!][i]!)], span } },
            span,
          }),
        ),
      ];
      out.push({ file: located?.file ?? '', model: { className: table, table, span, changes, relationships: [], orm: 'prisma' } });
    }
  }
  return out;
}

/** The name Prisma Migrate gives `@@index([...])` without `map:` (`Table_col_idx`, cut to the provider's limit). */
export function prismaIndexName(table: string, columns: string[], dialect: Dialect): string {
  return withSuffix(`${table}_${columns.join('_')}`, '_idx', IDENTIFIER_LIMIT[dialect]);
}

/** `base` + `suffix`, `base` cut (at a character boundary) so the name fits Prisma's limit in bytes. */
function withSuffix(base: string, suffix: string, limit: number): string {
  const room = limit - suffix.length;
  if (Buffer.byteLength(base) < room) return base + suffix;
  let cut = '';
  for (const ch of base) {
    if (Buffer.byteLength(cut + ch) > room) break;
    cut += ch;
  }
  return cut + suffix;
}
