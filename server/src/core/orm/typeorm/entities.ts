/**
 * TypeORM entities → HostModels, read from the tree-sitter syntax tree of a
 * TypeScript file (decorators, never patterns over the text):
 *
 * - `@Entity()`, `@Entity('name')`, `@Entity({ name, schema })` classes; the
 *   table as TypeORM names it (naming.ts);
 * - columns: `@PrimaryGeneratedColumn()` (`'increment'` → serial integer,
 *   `'uuid'`, `'identity'`), `@PrimaryColumn`, `@Column` with its type (first
 *   argument or `type`), `name`, `nullable` (TypeORM's default: NOT NULL),
 *   `unique`, `primary`, `length`; with no type, the property's TypeScript type
 *   as TypeORM maps it on PostgreSQL (PostgresDriver.normalizeType: string →
 *   character varying, number → integer, boolean → boolean, Date → timestamp
 *   without time zone); `@CreateDateColumn`/`@UpdateDateColumn`/
 *   `@DeleteDateColumn` (timestamp without time zone, the delete column
 *   nullable), `@VersionColumn` (integer); an embedded entity
 *   (`@Column(() => Address, { prefix })`) is kept as `embeds`, its columns
 *   added under their prefixed names in resolve.ts;
 * - relations: `@ManyToOne(() => User)` and `@OneToOne(...)` + `@JoinColumn`
 *   (the owning side) give the join column (`userId`, or `@JoinColumn({ name })`)
 *   and its foreign key; `@OneToMany`, `@ManyToMany` are relation fields, the
 *   owning `@ManyToMany` side's `@JoinTable` options kept for its junction
 *   table (built in resolve.ts, where both tables' keys are known);
 * - indexes: `@Index(['a', 'b'])` / `@Index('name', ['a', 'b'], { unique })`
 *   on the class, `@Index()` on a property, `@Unique([...])`; property names
 *   become their columns (a relation's, its join column).
 *
 * Classes that are no entity but declare columns (`abstract class Base {
 * @PrimaryGeneratedColumn() id }`) are kept as bases without a table: an
 * entity extending one gets its columns when the workspace's models are
 * resolved (resolve.ts), which also types join columns after the referenced
 * key and applies a project-wide naming strategy.
 */
import type { ColumnDef, ForeignKeyDef, IndexKey, SchemaChange, Span } from '../../sql/model';
import type { SyntaxNode } from '../../host/treesitter';
import type { HostModel, ModelField } from '../../host/types';
import { argsOf } from '../../host/typescript/syntax';
import { columnNameOf, defaultIndexName, joinColumnNameOf, tableNameOf } from './naming';

type Node = SyntaxNode;

/** A decorator as written: `@Index(['a'], { unique: true })` → { name: 'Index', args }. */
export interface Decorator {
  name: string;
  args: Node[];
  node: Node;
}

/** What the decorators of a property say, before the workspace is known (resolve.ts finishes it). */
export interface EntityColumn {
  property: string;
  /** `name` given in the code (kept by every naming strategy). */
  given?: string;
  column: string;
  def: ColumnDef;
  /** A join column: the relation property it belongs to. */
  relation?: string;
}

const COLUMN_DECORATORS = new Set(['Column', 'PrimaryColumn', 'PrimaryGeneratedColumn', 'CreateDateColumn', 'UpdateDateColumn', 'DeleteDateColumn', 'VersionColumn', 'ObjectIdColumn']);
const RELATIONS = new Set(['ManyToOne', 'OneToOne', 'OneToMany', 'ManyToMany']);

/** TypeORM's type aliases as PostgreSQL names them (PostgresDriver.normalizeType). */
const TYPE_ALIASES: Record<string, string> = {
  int: 'integer', int4: 'integer', integer: 'integer', varchar: 'character varying', 'character varying': 'character varying',
  timestamp: 'timestamp without time zone', timestamptz: 'timestamp with time zone', time: 'time without time zone',
  timetz: 'time with time zone', bool: 'boolean', boolean: 'boolean', 'simple-array': 'text', 'simple-json': 'text',
  int2: 'smallint', smallint: 'smallint', int8: 'bigint', bigint: 'bigint', decimal: 'numeric', numeric: 'numeric',
  float8: 'double precision', float: 'double precision', 'double precision': 'double precision', float4: 'real', real: 'real',
  char: 'character', 'simple-enum': 'enum', enum: 'enum',
};

/** The TypeScript types TypeORM maps by reflection when `@Column()` gives none. */
const TS_TYPES: Record<string, string> = { string: 'character varying', number: 'integer', boolean: 'boolean', Date: 'timestamp without time zone' };

export function normalizeType(type: string): string {
  const t = type.trim().toLowerCase();
  return TYPE_ALIASES[t] ?? t;
}

// ---------------------------------------------------------------------------------------------

/** The entities (and column-declaring base classes) of a file. */
export function readEntities(root: Node): HostModel[] {
  const out: HostModel[] = [];
  for (const cls of root.descendantsOfType(['class_declaration', 'abstract_class_declaration', 'class'])) {
    const model = readClass(cls);
    if (model) out.push(model);
  }
  return out;
}

/** `@X(...)` decorators of a class (inside `export` they are the export statement's children) or a member. */
export function decoratorsOf(node: Node): Decorator[] {
  const holders = [node];
  if (node.parent?.type === 'export_statement') holders.unshift(node.parent);
  const out: Decorator[] = [];
  for (const holder of holders) {
    for (const child of holder.namedChildren) {
      if (child.type !== 'decorator') continue;
      const expr = child.namedChildren[0];
      if (!expr) continue;
      if (expr.type === 'call_expression') {
        const fn = expr.childForFieldName('function');
        const name = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : fn?.text;
        if (name) out.push({ name, args: argsOf(expr), node: child });
      } else if (expr.type === 'identifier') out.push({ name: expr.text, args: [], node: child });
    }
  }
  return out;
}

function readClass(cls: Node): HostModel | undefined {
  const className = cls.childForFieldName('name')?.text;
  const body = cls.childForFieldName('body');
  if (!className || !body) return undefined;
  const decorators = decoratorsOf(cls);
  const entity = decorators.find((d) => d.name === 'Entity');
  if (decorators.some((d) => d.name === 'ViewEntity' || d.name === 'ChildEntity')) return undefined;
  const members = body.namedChildren.filter((m) => m.type === 'public_field_definition');
  const memberDecorators = members.map((m) => ({ member: m, property: m.childForFieldName('name')?.text ?? '', decorators: decoratorsOf(m) }));
  const declaresColumns = memberDecorators.some((m) => m.decorators.some((d) => COLUMN_DECORATORS.has(d.name) || RELATIONS.has(d.name)));
  if (!entity && !declaresColumns) return undefined;

  const entityOptions = entity ? entityArgs(entity) : {};
  const table = entity ? tableNameOf(className, entityOptions.name) : '';
  const columns: EntityColumn[] = [];
  const fields: ModelField[] = [];
  const primaryKey: string[] = [];
  const uniques: { name?: string; columns: string[] }[] = [];
  const foreignKeys: ForeignKeyDef[] = [];
  const indexes: SchemaChange[] = [];
  /** Property-level `@Index()`, resolved once every column is known. */
  const propertyIndexes: { property: string; decorator: Decorator }[] = [];

  const embeds: NonNullable<HostModel['embeds']> = [];
  for (const { member, property, decorators: decs } of memberDecorators) {
    if (!property || !/^[A-Za-z_$][\w$]*$/.test(property)) continue;
    const type = member.childForFieldName('type')?.namedChildren[0];
    for (const d of decs) if (d.name === 'Index') propertyIndexes.push({ property, decorator: d });
    const columnDec = decs.find((d) => COLUMN_DECORATORS.has(d.name));
    const embedded = columnDec?.name === 'Column' ? embeddedOf(columnDec, property) : undefined;
    if (embedded) {
      embeds.push({ ...embedded, span: spanOf(member) });
      continue;
    }
    if (columnDec) {
      const col = columnOf(columnDec, property, type, decs);
      if (!col) continue;
      columns.push(col);
      const auto = autoOf(columnDec);
      fields.push({ name: property, column: col.column, span: spanOf(member), ...(auto ? { auto } : {}) });
      if (col.def.primaryKey) primaryKey.push(col.column);
      continue;
    }
    const rel = decs.find((d) => RELATIONS.has(d.name));
    if (!rel) continue;
    const target = relationTarget(rel.args[0]);
    if (!target) continue;
    const many = rel.name === 'OneToMany' || rel.name === 'ManyToMany';
    const join = decs.find((d) => d.name === 'JoinColumn');
    const owning = rel.name === 'ManyToOne' || (rel.name === 'OneToOne' && join !== undefined);
    if (!owning) {
      const joinTable = rel.name === 'ManyToMany' ? decs.find((d) => d.name === 'JoinTable') : undefined;
      const junction = joinTable ? joinTableArgs(joinTable) : undefined;
      fields.push({ name: property, column: property, span: spanOf(member), relation: { target, many, columns: [], references: [], ...(junction ? { junction } : {}) } });
      continue;
    }
    const joinOptions = join ? joinArgs(join) : {};
    const referenced = joinOptions.referencedColumnName ?? 'id';
    const column = joinOptions.name ?? joinColumnNameOf(property, referenced, 'default');
    const options = relationOptions(rel);
    const nullable = options.nullable ?? true;
    const primary = options.primary === true;
    const def: ColumnDef = { name: column, type: '', notNull: !nullable || primary, primaryKey: primary, unique: rel.name === 'OneToOne', span: spanOf(member) };
    columns.push({ property, ...(joinOptions.name ? { given: joinOptions.name } : {}), column, def, relation: property });
    if (primary) primaryKey.push(column);
    fields.push({ name: property, column, span: spanOf(member), relation: { target, many: false, columns: [column], references: [referenced] } });
    // The referenced table is the target entity's, known once the workspace's models are (resolve.ts).
    if (options.createForeignKeyConstraints !== false) foreignKeys.push({ columns: [column], refTable: `\u0000${target}`, refColumns: [referenced], span: spanOf(member) });
  }

  const columnOfProperty = (p: string) => columns.find((c) => c.property === p || c.column === p)?.column;
  for (const d of decorators) {
    if (d.name === 'Index') {
      if (unsynchronized(d)) continue;
      const index = classIndex(d, table, columnOfProperty);
      if (index) indexes.push(index);
    } else if (d.name === 'Unique') {
      const unique = uniqueOf(d, columnOfProperty);
      if (unique) uniques.push(unique);
    }
  }
  for (const { property, decorator } of propertyIndexes) {
    if (unsynchronized(decorator)) continue;
    const column = columnOfProperty(property);
    if (!column) continue;
    const { name, options } = indexArgs(decorator.args);
    indexes.push(indexChange(decorator, table, [column], name, options));
  }

  const createTable: SchemaChange = {
    kind: 'createTable',
    table,
    ...(entityOptions.schema ? { schema: entityOptions.schema } : {}),
    columns: tableColumns(columns),
    ...(primaryKey.length ? { primaryKey: [...new Set(primaryKey)] } : {}),
    uniques,
    foreignKeys,
    ifNotExists: false,
    span: spanOf(entity?.node ?? cls),
  };
  const heritage = cls.namedChildren.find((c) => c.type === 'class_heritage');
  const base = heritage?.descendantsOfType('extends_clause')[0]?.namedChildren[0];
  const baseName = base?.type === 'identifier' ? base.text : base?.type === 'call_expression' ? undefined : base?.text;
  return {
    className,
    table,
    span: spanOf(entity?.node ?? cls),
    changes: [createTable, ...indexes],
    relationships: [],
    orm: 'typeorm',
    fields,
    ...(baseName ? { bases: [baseName] } : {}),
    ...(embeds.length ? { embeds } : {}),
  };
}

/** `@Column(() => Address)`, `@Column(() => Address, { prefix: 'home' })`, `{ prefix: false }`: an embedded entity's class and prefix. */
function embeddedOf(d: Decorator, property: string): { property: string; className: string; prefix?: string | false } | undefined {
  const first = d.args[0] ? unwrap(d.args[0]) : undefined;
  if (!first || (first.type !== 'arrow_function' && first.type !== 'function_expression')) return undefined;
  const className = relationTarget(first);
  if (!className) return undefined;
  const options = d.args.slice(1).map(unwrap).find((a) => a.type === 'object');
  const prefix = options ? propertiesOf(options).get('prefix') : undefined;
  const value = prefix ? unwrap(prefix) : undefined;
  // `prefix: true` or none: the property's name; `false` or '': none; a string: that one.
  const given = value?.type === 'false' || stringOf(value) === '' ? false : (stringOf(value) ?? undefined);
  return { property, className, ...(given !== undefined ? { prefix: given } : {}) };
}

/**
 * One definition a column: `@Column() userId` beside `@ManyToOne(() => User) @JoinColumn({ name: 'userId' }) user`
 * is one column, the `@Column`'s (its type, its nullability), whichever comes first.
 */
function tableColumns(columns: EntityColumn[]): ColumnDef[] {
  const out: ColumnDef[] = [];
  for (const c of columns) {
    const same = out.findIndex((d) => d.name === c.column);
    if (same < 0) out.push(c.def);
    else if (!c.relation) out[same] = { ...c.def, primaryKey: c.def.primaryKey || out[same]!.primaryKey };
  }
  return out;
}

/** How TypeORM writes the column itself (ModelField.auto): an increment key (the default strategy), the date and version columns. */
function autoOf(d: Decorator): ModelField['auto'] {
  if (d.name === 'PrimaryGeneratedColumn') {
    const strategy = d.args[0] ? stringOf(d.args[0]) : undefined;
    return strategy === undefined || strategy === 'increment' ? 'increment' : undefined;
  }
  const byDecorator: Record<string, ModelField['auto']> = { CreateDateColumn: 'createDate', UpdateDateColumn: 'updateDate', DeleteDateColumn: 'deleteDate', VersionColumn: 'version' };
  return byDecorator[d.name];
}

function columnOf(d: Decorator, property: string, tsType: Node | undefined, all: Decorator[]): EntityColumn | undefined {
  const first = d.args[0] ? unwrap(d.args[0]) : undefined;
  // `@Column(() => Address)`: an embedded entity (embeddedOf), its columns added by resolve.ts.
  if (first && (first.type === 'arrow_function' || first.type === 'function_expression')) return undefined;
  const options = d.args.map(unwrap).find((a) => a.type === 'object');
  const props = options ? propertiesOf(options) : new Map<string, Node>();
  const given = stringOf(props.get('name'));
  let type = stringOf(first) ?? stringOf(props.get('type'));
  const generated = d.name === 'PrimaryGeneratedColumn';
  if (generated) {
    const strategy = stringOf(first) ?? 'increment';
    type = stringOf(props.get('type')) ?? (strategy === 'uuid' ? 'uuid' : strategy === 'increment' || strategy === 'identity' ? 'integer' : strategy === 'rowid' ? 'integer' : undefined);
  }
  if (!type && (d.name === 'CreateDateColumn' || d.name === 'UpdateDateColumn' || d.name === 'DeleteDateColumn')) type = 'timestamp';
  if (!type && d.name === 'VersionColumn') type = 'integer';
  if (!type && props.has('enum')) type = 'enum';
  if (!type && tsType) type = TS_TYPES[tsType.text] ? TS_TYPES[tsType.text] : undefined;
  let sqlType = type ? normalizeType(type) : '';
  const length = props.get('length');
  const lengthValue = length ? (unwrap(length).type === 'number' ? unwrap(length).text : stringOf(length)) : undefined;
  if (lengthValue && sqlType === 'character varying') sqlType = `character varying(${lengthValue})`;
  if (props.get('array') && unwrap(props.get('array')!).type === 'true' && sqlType) sqlType += '[]';
  const primary = d.name === 'PrimaryColumn' || generated || isTrue(props.get('primary'));
  const nullableNode = props.get('nullable');
  const nullable = d.name === 'DeleteDateColumn' ? !isFalse(nullableNode) : isTrue(nullableNode);
  const column = columnNameOf(property, given, 'default');
  const unique = isTrue(props.get('unique')) || all.some((x) => x.name === 'Unique' && x.args.length === 0);
  const def: ColumnDef = { name: column, type: sqlType, notNull: !nullable || primary, primaryKey: primary, unique, span: spanOf(d.node) };
  return { property, ...(given ? { given } : {}), column, def };
}

/** `@JoinTable()`, `@JoinTable({ name, joinColumn: { name }, inverseJoinColumn: { name } })`: the names the code gives. */
function joinTableArgs(d: Decorator): { table?: string; column?: string; inverseColumn?: string } {
  const options = d.args.map(unwrap).find((a) => a.type === 'object');
  const props = options ? propertiesOf(options) : new Map<string, Node>();
  const nameIn = (key: string) => {
    const value = props.get(key) && unwrap(props.get(key)!);
    return value?.type === 'object' ? stringOf(propertiesOf(value).get('name')) : undefined;
  };
  const table = stringOf(props.get('name'));
  const column = nameIn('joinColumn');
  const inverseColumn = nameIn('inverseJoinColumn');
  return { ...(table ? { table } : {}), ...(column ? { column } : {}), ...(inverseColumn ? { inverseColumn } : {}) };
}

/** `@Index(['a', 'b'])`, `@Index('name', ['a', 'b'], { unique: true })`, `@Index(['a'], { where: '...' })` on the class. */
function classIndex(d: Decorator, table: string, columnOfProperty: (p: string) => string | undefined): SchemaChange | undefined {
  const { name, list, options } = indexArgs(d.args);
  if (!list) return undefined;
  const properties = stringList(list);
  if (!properties || properties.length === 0) return undefined;
  const columns = properties.map(columnOfProperty);
  if (columns.some((c) => c === undefined)) return undefined;
  return indexChange(d, table, columns as string[], name, options);
}

/** `@Index('name', { synchronize: false })`: an index the project builds itself (an expression, say), which the decorator does not describe. */
function unsynchronized(d: Decorator): boolean {
  const options = d.args.map(unwrap).find((a) => a.type === 'object');
  return !!options && isFalse(propertiesOf(options).get('synchronize'));
}

function indexArgs(args: Node[]): { name?: string; list?: Node; options?: Node } {
  const items = args.map(unwrap);
  let i = 0;
  const name = items[i] && stringOf(items[i]) !== undefined ? stringOf(items[i++]) : undefined;
  const list = items[i]?.type === 'array' ? items[i++] : undefined;
  const options = items[i]?.type === 'object' ? items[i] : undefined;
  return { ...(name !== undefined ? { name } : {}), ...(list ? { list } : {}), ...(options ? { options } : {}) };
}

function indexChange(d: Decorator, table: string, columns: string[], name: string | undefined, options: Node | undefined): SchemaChange {
  const props = options ? propertiesOf(options) : new Map<string, Node>();
  const where = stringOf(props.get('where'));
  const keys: IndexKey[] = columns.map((column) => ({ column }));
  const method = isTrue(props.get('spatial')) ? 'gist' : 'btree';
  return {
    kind: 'createIndex',
    name: name ?? (table ? defaultIndexName(table, columns, where) : undefined),
    table,
    keys,
    unique: isTrue(props.get('unique')),
    partial: where !== undefined,
    ...(where !== undefined ? { where } : {}),
    method,
    concurrently: false,
    ifNotExists: false,
    span: spanOf(d.node),
    keywordSpan: spanOf(d.node),
  };
}

function uniqueOf(d: Decorator, columnOfProperty: (p: string) => string | undefined): { name?: string; columns: string[] } | undefined {
  const items = d.args.map(unwrap);
  const name = items[0] && stringOf(items[0]);
  const list = items.find((a) => a.type === 'array');
  const properties = list ? stringList(list) : undefined;
  if (!properties || properties.length === 0) return undefined;
  const columns = properties.map(columnOfProperty);
  if (columns.some((c) => c === undefined)) return undefined;
  return { ...(name ? { name } : {}), columns: columns as string[] };
}

function entityArgs(d: Decorator): { name?: string; schema?: string } {
  const items = d.args.map(unwrap);
  const name = items[0] ? stringOf(items[0]) : undefined;
  const options = items.find((a) => a.type === 'object');
  const props = options ? propertiesOf(options) : new Map<string, Node>();
  const given = name ?? stringOf(props.get('name'));
  const schema = stringOf(props.get('schema'));
  return { ...(given ? { name: given } : {}), ...(schema ? { schema } : {}) };
}

function joinArgs(d: Decorator): { name?: string; referencedColumnName?: string } {
  const options = d.args.map(unwrap).find((a) => a.type === 'object');
  if (!options) return {};
  const props = propertiesOf(options);
  const name = stringOf(props.get('name'));
  const referencedColumnName = stringOf(props.get('referencedColumnName'));
  return { ...(name ? { name } : {}), ...(referencedColumnName ? { referencedColumnName } : {}) };
}

function relationOptions(d: Decorator): { nullable?: boolean; primary?: boolean; createForeignKeyConstraints?: boolean } {
  const options = d.args.map(unwrap).find((a) => a.type === 'object');
  if (!options) return {};
  const props = propertiesOf(options);
  const bool = (key: string) => (isTrue(props.get(key)) ? true : isFalse(props.get(key)) ? false : undefined);
  const out: { nullable?: boolean; primary?: boolean; createForeignKeyConstraints?: boolean } = {};
  const nullable = bool('nullable');
  if (nullable !== undefined) out.nullable = nullable;
  const primary = bool('primary');
  if (primary !== undefined) out.primary = primary;
  const fk = bool('createForeignKeyConstraints');
  if (fk !== undefined) out.createForeignKeyConstraints = fk;
  return out;
}

/** `() => User`, `(type) => User`, `'User'` → 'User'. */
export function relationTarget(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.type === 'arrow_function') {
    const body = n.childForFieldName('body');
    const b = body ? unwrap(body) : undefined;
    return b?.type === 'identifier' ? b.text : b?.type === 'member_expression' ? b.childForFieldName('property')?.text : undefined;
  }
  return stringOf(n);
}

// ---------------------------------------------------------------------------------------------
// Small helpers over the syntax tree.

export function spanOf(node: Node): Span {
  return { start: node.startIndex, end: node.endIndex };
}

export function unwrap(node: Node): Node {
  let n = node;
  while ((n.type === 'parenthesized_expression' || n.type === 'as_expression' || n.type === 'satisfies_expression' || n.type === 'non_null_expression') && n.namedChildren[0]) n = n.namedChildren[0];
  return n;
}

export { argsOf };

/** A string literal's value, or a template without holes; undefined for anything else. */
export function stringOf(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.type === 'string') {
    const raw = n.text.slice(1, -1);
    return raw.includes('\\') ? raw.replace(/\\(.)/g, '$1') : raw;
  }
  if (n.type === 'template_string' && !n.namedChildren.some((c) => c.type === 'template_substitution')) return n.text.slice(1, -1);
  return undefined;
}

export function stringList(node: Node): string[] | undefined {
  const n = unwrap(node);
  if (n.type !== 'array') return undefined;
  const out: string[] = [];
  for (const item of n.namedChildren) {
    const s = stringOf(item);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

export function propertiesOf(object: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const p of object.namedChildren) {
    if (p.type === 'pair') {
      const key = p.childForFieldName('key');
      const value = p.childForFieldName('value');
      const name = key ? (stringOf(key) ?? key.text) : undefined;
      if (name && value) out.set(name, value);
    } else if (p.type === 'shorthand_property_identifier') out.set(p.text, p);
  }
  return out;
}

function isTrue(node: Node | undefined): boolean {
  return !!node && unwrap(node).type === 'true';
}

function isFalse(node: Node | undefined): boolean {
  return !!node && unwrap(node).type === 'false';
}
