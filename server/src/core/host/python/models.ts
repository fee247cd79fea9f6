/**
 * SQLAlchemy declarative models → HostModel: the table as schema changes
 * (createTable, then createIndex for `index=True`, `__table_args__` and
 * module-level `Index(...)`), plus relationships with their `lazy=` setting.
 */
import type { ColumnDef, ForeignKeyDef, IndexKey, SchemaChange, Span } from '../../sql/model';
import type { HostModel, Relationship } from '../types';
import { tableNameFor, type TableNaming, tableNamingOf } from './table-names';
import { calleeName, isTrue, keywordArgs, keywordNode, type Node, positionalArgs, spanOf, stringList, stringValue, unwrap } from './nodes';

/** What queries need to know of a mapped class. */
export interface ModelInfo {
  className: string;
  table: string;
  /** Attribute → column name (differs with `Column('name', ...)`). */
  columns: Map<string, string>;
  primaryKey: string[];
  /** Relationship attribute → target class. */
  relationships: Map<string, string>;
  /** The class computes `__tablename__` for its subclasses (table-names.ts). */
  tableNaming?: TableNaming;
  /** Base classes by name, for a class that takes its table name from one. */
  bases?: string[];
}

/** A HostModel plus the attribute → column map (extra fields, same shape for the engine). */
export interface PythonModel extends HostModel {
  columnsByAttribute: Record<string, string>;
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'integer', int: 'integer', biginteger: 'bigint', smallinteger: 'smallint', string: 'varchar', str: 'varchar',
  unicode: 'varchar', text: 'text', unicodetext: 'text', boolean: 'boolean', bool: 'boolean', datetime: 'timestamp',
  timestamp: 'timestamp', date: 'date', time: 'time', float: 'float', numeric: 'numeric', decimal: 'numeric',
  json: 'json', jsonb: 'jsonb', uuid: 'uuid', largebinary: 'bytea', bytes: 'bytea', interval: 'interval', enum: 'enum',
  array: 'array', varchar: 'varchar', char: 'char', real: 'real', double: 'double precision',
  // pgvector.sqlalchemy: Vector(384) → vector(384)
  vector: 'vector', halfvec: 'halfvec', sparsevec: 'sparsevec',
};

/** `String(32)` → 'varchar(32)', `sa.Integer` → 'integer', `Mapped[Optional[int]]` inner `int` → 'integer'. */
export function sqlType(node: Node | undefined): string {
  if (!node) return '';
  const n = unwrap(node);
  const base = n.type === 'call' ? n.childForFieldName('function') : n;
  const name = base?.type === 'attribute' ? base.childForFieldName('attribute')?.text : base?.text;
  const mapped = name ? TYPE_NAMES[name.toLowerCase()] : undefined;
  if (!mapped) return (name ?? n.text).toLowerCase();
  const length = n.type === 'call' ? keywordArgs(n).get('length') : undefined;
  const size = n.type === 'call' ? [...positionalArgs(n), ...(length ? [length] : [])].filter((a) => a.type === 'integer').map((a) => a.text) : [];
  return size.length ? `${mapped}(${size.join(', ')})` : mapped;
}

/** `Mapped[Optional[str]]` → { inner: str node, optional: true }. */
function mappedInner(annotation: Node | null): { inner?: Node; optional: boolean; text: string } | undefined {
  const gen = annotation?.type === 'type' ? annotation.namedChildren[0] : annotation;
  if (!gen || gen.type !== 'generic_type' || gen.namedChildren[0]?.text !== 'Mapped') return undefined;
  let inner: Node | undefined = gen.namedChildren[1]?.namedChildren[0];
  if (inner?.type === 'type') inner = inner.namedChildren[0];
  let optional = false;
  if (inner?.type === 'generic_type' && inner.namedChildren[0]?.text === 'Optional') {
    optional = true;
    inner = inner.namedChildren[1]?.namedChildren[0];
    if (inner?.type === 'type') inner = inner.namedChildren[0];
  } else if (inner?.type === 'binary_operator' && inner.childForFieldName('right')?.text === 'None') {
    optional = true;
    inner = inner.childForFieldName('left') ?? undefined;
  }
  return { inner: inner ?? undefined, optional, text: inner?.text ?? '' };
}

/** `List["Agent"]` / `list[Agent]` / `"Agent"` → 'Agent'. */
function classInAnnotation(text: string): string | undefined {
  let t = text;
  const open = t.indexOf('[');
  if (open >= 0 && t.endsWith(']')) t = t.slice(open + 1, -1);
  t = t.split('"').join('').split("'").join('').trim();
  return t ? t : undefined;
}

function foreignKeyTarget(call: Node, resolve: (cls: string) => ModelInfo | undefined): { table: string; column?: string } | undefined {
  const arg = positionalArgs(call)[0];
  if (!arg) return undefined;
  const s = stringValue(arg);
  if (s !== undefined) {
    const parts = s.split('.');
    return parts.length >= 2 ? { table: parts[parts.length - 2], column: parts[parts.length - 1] } : { table: s };
  }
  const a = unwrap(arg);
  if (a.type === 'attribute') {
    const info = resolve(a.childForFieldName('object')?.text ?? '');
    const attr = a.childForFieldName('attribute')?.text ?? '';
    if (info) return { table: info.table, column: info.columns.get(attr) ?? attr };
  }
  return undefined;
}

interface ClassParts {
  table: string;
  body: Node;
}

/** `name = value` statements of a class body, by name. */
function classAssignments(body: Node | null): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const stmt of body?.namedChildren ?? []) {
    const assign = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    const left = assign?.type === 'assignment' ? assign.childForFieldName('left') : undefined;
    const right = assign?.childForFieldName('right');
    if (left?.type === 'identifier' && right) out.set(left.text, right);
  }
  return out;
}

/** Whether a class body maps columns (`Column(...)`, `mapped_column(...)`, `x: Mapped[int]`). */
function mapsColumns(body: Node): boolean {
  return body.namedChildren.some((stmt) => {
    const assign = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    if (assign?.type !== 'assignment') return false;
    const value = assign.childForFieldName('right');
    const callee = value && unwrap(value).type === 'call' ? calleeName(unwrap(value)) : undefined;
    return callee === 'Column' || callee === 'mapped_column' || !!mappedInner(assign.childForFieldName('type'));
  });
}

function baseNames(cls: Node): string[] {
  const list = cls.childForFieldName('superclasses');
  return (list?.namedChildren ?? []).filter((b) => b.type === 'identifier' || b.type === 'attribute').map((b) => b.text.split('.').pop()!);
}

/** The naming rule a class inherits through its bases (depth-first, as Python's MRO finds the first). */
export function inheritedNaming(bases: string[] | undefined, lookup: (cls: string) => { tableNaming?: TableNaming; bases?: string[] } | undefined, depth = 0): TableNaming | undefined {
  if (!bases || depth > 8) return undefined;
  for (const base of bases) {
    const info = lookup(base);
    const naming = info?.tableNaming ?? inheritedNaming(info?.bases, lookup, depth + 1);
    if (naming) return naming;
  }
  return undefined;
}

/** Keys of an `Index(...)`: strings are column names, `Model.attr` resolved, anything else an expression. */
function indexKeys(args: Node[], columnOf: (n: Node) => string | undefined): IndexKey[] {
  return args.map((a) => {
    const s = stringValue(a);
    if (s !== undefined) return { column: s };
    let n = unwrap(a);
    let desc = false;
    if (n.type === 'call' && (calleeName(n) === 'desc' || calleeName(n) === 'asc')) {
      const recv = n.childForFieldName('function')?.childForFieldName('object');
      desc = calleeName(n) === 'desc';
      n = recv ?? positionalArgs(n)[0] ?? n;
    }
    const col = columnOf(n);
    return col ? { column: col, ...(desc ? { desc } : {}) } : { expression: n.text };
  });
}

/** `postgresql_with={"m": 16, "ef_construction": 64}`: the index's storage parameters, as `{ options }` to spread. */
export function indexOptions(node: Node | undefined): { options?: Record<string, string> } {
  const dict = node ? unwrap(node) : undefined;
  if (dict?.type !== 'dictionary') return {};
  const options: Record<string, string> = {};
  for (const pair of dict.namedChildren) {
    const key = stringValue(pair.childForFieldName('key'));
    const value = pair.childForFieldName('value');
    if (key !== undefined && value) options[key.toLowerCase()] = stringValue(value) ?? value.text;
  }
  return Object.keys(options).length ? { options } : {};
}

/** `postgresql_ops={"col": "text_pattern_ops"}`: the operator class of each named key. */
export function withOpclasses(keys: IndexKey[], ops: Node | undefined): IndexKey[] {
  const dict = ops ? unwrap(ops) : undefined;
  if (dict?.type !== 'dictionary') return keys;
  const byColumn = new Map<string, string>();
  for (const pair of dict.namedChildren) {
    const column = stringValue(pair.childForFieldName('key'));
    const opclass = stringValue(pair.childForFieldName('value'));
    if (column !== undefined && opclass !== undefined) byColumn.set(column, opclass);
  }
  return keys.map((k) => (k.column !== undefined && byColumn.has(k.column) ? { ...k, opclass: byColumn.get(k.column)! } : k));
}

function indexChange(call: Node, table: string, plainKeys: IndexKey[]): SchemaChange {
  const kw = keywordArgs(call);
  const keys = withOpclasses(plainKeys, kw.get('postgresql_ops'));
  const where = kw.get('postgresql_where') ?? kw.get('sqlite_where');
  const fn = call.childForFieldName('function')!;
  return {
    kind: 'createIndex',
    name: stringValue(positionalArgs(call)[0]),
    table,
    keys,
    unique: isTrue(kw.get('unique')),
    partial: !!where,
    ...(where ? { where: where.text } : {}),
    method: stringValue(kw.get('postgresql_using')) ?? 'btree',
    ...indexOptions(kw.get('postgresql_with')),
    concurrently: false,
    ifNotExists: false,
    span: spanOf(call),
    keywordSpan: spanOf(fn),
  };
}

/** Extracts every declarative model of a module. `known` resolves classes of other files. */
export function extractModels(root: Node, known: (cls: string) => ModelInfo | undefined): { models: PythonModel[]; infos: Map<string, ModelInfo> } {
  const infos = new Map<string, ModelInfo>();
  const models: PythonModel[] = [];
  const resolve = (cls: string) => infos.get(cls) ?? known(cls);
  // The root answers type queries from one cached walk (treesitter.ts): cheaper than a generator walk.
  const classes = root.descendantsOfType('class_definition');
  // First pass: names, so ForeignKey(Other.id) and Index(Model.a) resolve regardless of order.
  const parts = new Map<Node, ClassParts>();
  const inheriting: Node[] = [];
  for (const cls of classes) {
    const name = cls.childForFieldName('name')?.text;
    const body = cls.childForFieldName('body');
    if (!name || !body) continue;
    const assigned = classAssignments(body);
    const table = stringValue(assigned.get('__tablename__'));
    const info: ModelInfo = { className: name, table: table ?? '', columns: new Map(), primaryKey: [], relationships: new Map() };
    if (table !== undefined) {
      parts.set(cls, { table, body });
      infos.set(name, info);
      continue;
    }
    const naming = tableNamingOf(cls, root);
    if (naming) info.tableNaming = naming;
    else if (assigned.has('__tablename__') || isTrue(assigned.get('__abstract__')) || !mapsColumns(body)) continue;
    else inheriting.push(cls);
    info.bases = baseNames(cls);
    infos.set(name, info);
    if (naming) models.push({ className: name, table: '', span: spanOf(cls), changes: [], relationships: [], tableNaming: naming, bases: info.bases, columnsByAttribute: {} });
  }
  // A class named by a base's rule: the table when the base is known here, else '' for the workspace to resolve (resolveInheritedTables).
  for (const cls of inheriting) {
    const info = infos.get(cls.childForFieldName('name')!.text)!;
    const naming = inheritedNaming(info.bases, resolve);
    if (naming) info.table = tableNameFor(naming, info.className);
    parts.set(cls, { table: info.table, body: cls.childForFieldName('body')! });
  }
  for (const [cls, p] of parts) {
    const info = infos.get(cls.childForFieldName('name')!.text)!;
    models.push({ ...modelOf(cls, p, info, resolve), ...(info.table === '' ? { bases: info.bases } : {}) });
  }
  attachModuleIndexes(root, models, infos);
  return { models, infos };
}

/**
 * The workspace's models with the tables of classes named by a base in another
 * file filled in; a class whose bases lead to no naming rule is dropped (not
 * known to be a table). Classes with a naming rule stay, for the files that
 * subclass them.
 */
export function resolveInheritedTables(models: HostModel[]): HostModel[] {
  if (!models.some((m) => m.table === '' && !m.tableNaming && !m.orm)) return models;
  const byClass = new Map<string, HostModel>();
  for (const m of models) if (!byClass.has(m.className)) byClass.set(m.className, m);
  const out: HostModel[] = [];
  for (const m of models) {
    if (m.table !== '' || m.tableNaming || m.orm) {
      out.push(m); // (a TypeScript ORM's entry without a table is resolved by its ORM: core/orm)
      continue;
    }
    const naming = inheritedNaming(m.bases, (cls) => byClass.get(cls));
    if (naming) out.push(withTable(m, tableNameFor(naming, m.className)));
  }
  return out;
}

/** A model built before its table was known ('' throughout, `ix__col` for `index=True`) with its table. */
function withTable(model: HostModel, table: string): HostModel {
  const changes = model.changes.map((c): SchemaChange => {
    if (c.kind === 'createTable' && c.table === '') return { ...c, table };
    if (c.kind === 'createIndex' && c.table === '') return { ...c, table, ...(c.name?.startsWith('ix__') ? { name: `ix_${table}_${c.name.slice(4)}` } : {}) };
    return c;
  });
  const { bases: _bases, ...rest } = model;
  return { ...rest, table, changes };
}

function modelOf(cls: Node, p: ClassParts, info: ModelInfo, resolve: (cls: string) => ModelInfo | undefined): PythonModel {
  const columns: ColumnDef[] = [];
  const foreignKeys: ForeignKeyDef[] = [];
  const uniques: { name?: string; columns: string[] }[] = [];
  const indexes: SchemaChange[] = [];
  const relationships: Relationship[] = [];
  let tableArgs: Node | undefined;
  for (const stmt of p.body.namedChildren) {
    const declared = declaredRelationship(stmt);
    if (declared) {
      relationships.push(declared);
      info.relationships.set(declared.attribute, declared.target);
      continue;
    }
    const assign = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    if (assign?.type !== 'assignment') continue;
    const left = assign.childForFieldName('left');
    if (left?.type !== 'identifier') continue;
    const attr = left.text;
    if (attr === '__table_args__') {
      tableArgs = assign.childForFieldName('right') ?? undefined;
      continue;
    }
    const value = assign.childForFieldName('right');
    const annotation = mappedInner(assign.childForFieldName('type'));
    const call = value && unwrap(value).type === 'call' ? unwrap(value) : undefined;
    const callee = call ? calleeName(call) : undefined;
    if (callee === 'relationship') {
      const rel = relationshipOf(attr, call!, annotation?.text, stmt);
      if (rel) {
        relationships.push(rel);
        info.relationships.set(attr, rel.target);
      }
      continue;
    }
    if (callee !== 'Column' && callee !== 'mapped_column' && !(annotation && !value)) continue;
    if (annotation && !call && classInAnnotation(annotation.text) && resolve(classInAnnotation(annotation.text)!)) continue;
    const args = call ? positionalArgs(call) : [];
    const kw = call ? keywordArgs(call) : new Map<string, Node>();
    const explicitName = stringValue(args[0]);
    const name = explicitName ?? attr;
    const typeNode = args.find((a) => stringValue(a) === undefined && !(a.type === 'call' && ['ForeignKey', 'Sequence', 'Identity', 'Computed'].includes(calleeName(a) ?? '')));
    const fkCall = args.find((a) => a.type === 'call' && calleeName(a) === 'ForeignKey');
    const primaryKey = isTrue(kw.get('primary_key'));
    const nullableNode = kw.get('nullable');
    const notNull = primaryKey || nullableNode?.type === 'false' || (nullableNode === undefined && !!annotation && !annotation.optional);
    const unique = isTrue(kw.get('unique'));
    const def: ColumnDef = { name, type: sqlType(typeNode ?? annotation?.inner), notNull, primaryKey, unique, span: spanOf(stmt) };
    const target = fkCall ? foreignKeyTarget(fkCall, resolve) : undefined;
    if (target) {
      def.references = target;
      foreignKeys.push({ columns: [name], refTable: target.table, refColumns: target.column ? [target.column] : [], span: spanOf(fkCall!) });
    }
    columns.push(def);
    info.columns.set(attr, name);
    if (primaryKey) info.primaryKey.push(name);
    const indexKw = call ? keywordNode(call, 'index') : undefined;
    if (indexKw && isTrue(kw.get('index'))) {
      indexes.push({
        kind: 'createIndex', name: `ix_${p.table}_${name}`, table: p.table, keys: [{ column: name }], unique,
        partial: false, method: 'btree', concurrently: false, ifNotExists: false, span: spanOf(indexKw), keywordSpan: spanOf(indexKw),
      });
    } else if (unique) uniques.push({ columns: [name] });
  }
  const columnOf = (n: Node) => columnOfAttribute(n, info);
  let tablePk: string[] | undefined;
  const argItems = tableArgs ? (['tuple', 'list'].includes(unwrap(tableArgs).type) ? unwrap(tableArgs).namedChildren : [tableArgs]) : [];
  for (const item of argItems) {
    const c = unwrap(item);
    if (c.type !== 'call') continue;
    const callee = calleeName(c);
    const args = positionalArgs(c);
    const name = stringValue(keywordArgs(c).get('name'));
    if (callee === 'Index') indexes.push(indexChange(c, p.table, indexKeys(args.slice(1), columnOf)));
    else if (callee === 'UniqueConstraint') uniques.push({ ...(name ? { name } : {}), columns: args.map((a) => stringValue(a) ?? columnOf(a) ?? a.text) });
    else if (callee === 'PrimaryKeyConstraint') tablePk = args.map((a) => stringValue(a) ?? columnOf(a) ?? a.text);
    else if (callee === 'ForeignKeyConstraint') {
      const refs = stringList(args[1]);
      const refTable = refs[0]?.split('.').slice(-2, -1)[0] ?? '';
      foreignKeys.push({ ...(name ? { name } : {}), columns: stringList(args[0]), refTable, refColumns: refs.map((r) => r.split('.').pop()!), span: spanOf(c) });
    }
  }
  if (tablePk) info.primaryKey.splice(0, info.primaryKey.length, ...tablePk);
  const pk = info.primaryKey.length ? [...info.primaryKey] : undefined;
  const createTable: SchemaChange = { kind: 'createTable', table: p.table, columns, ...(pk ? { primaryKey: pk } : {}), uniques, foreignKeys, ifNotExists: false, span: spanOf(cls) };
  return {
    className: info.className, table: p.table, span: spanOf(cls), changes: [createTable, ...indexes], relationships,
    columnsByAttribute: Object.fromEntries(info.columns),
  };
}

/** `Worker.planner_id` (or `planner_id` inside the class body) → the column name. */
function columnOfAttribute(n: Node, info: ModelInfo): string | undefined {
  if (n.type === 'identifier') return info.columns.get(n.text) ?? undefined;
  if (n.type !== 'attribute' || n.childForFieldName('object')?.text !== info.className) return undefined;
  const attr = n.childForFieldName('attribute')?.text ?? '';
  return info.columns.get(attr) ?? attr;
}

/**
 * A relationship a mixin or model declares through `@declared_attr`:
 * `def payment(cls) -> Mapped["Payment"]: return relationship("Payment", lazy="raise")`.
 */
function declaredRelationship(stmt: Node): Relationship | undefined {
  if (stmt.type !== 'decorated_definition' || !stmt.namedChildren.some((d) => d.type === 'decorator' && d.text.includes('declared_attr'))) return undefined;
  const fn = stmt.childForFieldName('definition');
  const name = fn?.type === 'function_definition' ? fn.childForFieldName('name')?.text : undefined;
  const body = fn?.childForFieldName('body');
  if (!name || !body) return undefined;
  const ret = body.namedChildren.find((s) => s.type === 'return_statement')?.namedChildren[0];
  const call = ret && unwrap(ret).type === 'call' ? unwrap(ret) : undefined;
  if (!call || calleeName(call) !== 'relationship') return undefined;
  return relationshipOf(name, call, mappedInner(fn!.childForFieldName('return_type'))?.text, stmt);
}

function relationshipOf(attr: string, call: Node, annotation: string | undefined, stmt: Node): Relationship | undefined {
  let targetNode: Node | undefined = positionalArgs(call)[0];
  if (targetNode?.type === 'lambda') targetNode = targetNode.childForFieldName('body') ?? undefined;
  const target = (targetNode && (stringValue(targetNode) ?? targetNode.text)) || (annotation ? classInAnnotation(annotation) : undefined);
  if (!target) return undefined;
  const lazyNode = keywordArgs(call).get('lazy');
  const lazy = lazyNode ? (stringValue(lazyNode) ?? lazyNode.text) : 'select';
  return { attribute: attr, target: target.split('.').pop()!, lazy, span: spanOf(stmt) };
}

/** `Index('name', Worker.a, Worker.b)` outside any class: attached to Worker's model. */
function attachModuleIndexes(root: Node, models: PythonModel[], infos: Map<string, ModelInfo>): void {
  if (models.length === 0) return; // nothing to attach to: skip the walk over every call
  for (const n of root.descendantsOfType('call')) {
    if (calleeName(n) !== 'Index') continue;
    if (insideClass(n)) continue;
    const args = positionalArgs(n).slice(1);
    const first = args.map(unwrap).find((a) => a.type === 'attribute');
    const owner = first ? infos.get(first.childForFieldName('object')?.text ?? '') : undefined;
    const model = owner && models.find((m) => m.className === owner.className);
    if (!owner || !model) continue;
    model.changes.push(indexChange(n, owner.table, indexKeys(args, (a) => columnOfAttribute(a, owner))));
  }
}

function insideClass(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'class_definition') return true;
  return false;
}

/** Resolves a relationship attribute (`Agent.conversations`) to its target class. */
export function relationshipTarget(infos: (cls: string) => ModelInfo | undefined, cls: string, attr: string): string | undefined {
  return infos(cls)?.relationships.get(attr);
}

export type { Span };
