/**
 * Alembic revision files → AlembicRevision: the revision identifiers and the
 * schema changes of `upgrade()` in order (`op.create_table`, `op.add_column`,
 * `op.create_index`, ..., `op.execute("...")` through the SQL core).
 */
import type { Dialect } from '../../../../../shared/types';
import { parseDocument } from '../../sql/parse';
import type { ColumnDef, ForeignKeyDef, IndexKey, SchemaChange, Span } from '../../sql/model';
import type { AlembicRevision } from '../types';
import { indexOptions, sqlType, withOpclasses } from './models';
import { calleeName, descendants, isTrue, keywordArgs, type Node, positionalArgs, receiverOf, spanOf, stringList, stringValue, unwrap } from './nodes';
import { spansToFile } from '../offsets';
import { embeddedSql, isStringLiteral } from './sql-strings';

function moduleAssignments(root: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const stmt of root.namedChildren) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : undefined;
    const right = a?.childForFieldName('right');
    if (left?.type === 'identifier' && right) out.set(left.text, right);
  }
  return out;
}

function upgradeFunction(root: Node): Node | undefined {
  for (const stmt of root.namedChildren) {
    const fn = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (fn?.type === 'function_definition' && fn.childForFieldName('name')?.text === 'upgrade') return fn;
  }
  return undefined;
}

/** Whether the module looks like an Alembic revision: `revision = '...'` and `def upgrade()`. */
export function isAlembicRevision(root: Node): boolean {
  return stringValue(moduleAssignments(root).get('revision')) !== undefined && !!upgradeFunction(root);
}

function refParts(ref: string): { table: string; column: string } {
  const parts = ref.split('.');
  return { table: parts[parts.length - 2] ?? '', column: parts[parts.length - 1] };
}

/** `sa.Column('name', sa.String(32), sa.ForeignKey('t.c'), nullable=False)`. */
function columnDef(call: Node): { def: ColumnDef; index: boolean; fk?: ForeignKeyDef } | undefined {
  const args = positionalArgs(call);
  const name = stringValue(args[0]);
  if (name === undefined) return undefined;
  const kw = keywordArgs(call);
  const fkCall = args.find((a) => a.type === 'call' && calleeName(a) === 'ForeignKey');
  const typeNode = args.slice(1).find((a) => a.id !== fkCall?.id && !(a.type === 'call' && ['Sequence', 'Identity', 'Computed'].includes(calleeName(a) ?? '')));
  const primaryKey = isTrue(kw.get('primary_key'));
  const def: ColumnDef = {
    name, type: sqlType(typeNode), primaryKey, unique: isTrue(kw.get('unique')),
    notNull: primaryKey || kw.get('nullable')?.type === 'false', span: spanOf(call),
  };
  let fk: ForeignKeyDef | undefined;
  const target = fkCall ? nameValue(positionalArgs(fkCall)[0]) : undefined;
  if (target) {
    const { table, column } = refParts(target);
    def.references = { table, column };
    fk = { columns: [name], refTable: table, refColumns: [column], span: spanOf(fkCall!) };
  }
  return { def, index: isTrue(kw.get('index')), ...(fk ? { fk } : {}) };
}

/** `op.f('ix_name')` → 'ix_name'. */
function nameOf(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.type === 'call' && calleeName(n) === 'f') return nameValue(positionalArgs(n)[0]);
  return nameValue(n);
}

/**
 * A name as written, or the name a configured prefix is put in: fief writes `f"{table_prefix}users"` and
 * `f"ix_{table_prefix}users_email"` (`table_prefix` from the migration context), where its models name the
 * table `users` and put the same prefix in when the program runs; read without it (`users`, `ix_users_email`),
 * the revisions and the models agree. Only interpolations of a name with `prefix` in it are left out.
 */
function nameValue(node: Node | undefined | null): string | undefined {
  const plain = stringValue(node);
  if (plain !== undefined || !node) return plain;
  const n = unwrap(node);
  if (n.type !== 'string') return undefined;
  const parts = n.namedChildren.filter((c) => c.type === 'interpolation' || c.type === 'string_content');
  const prefix = (c: Node) => c.type === 'interpolation' && c.namedChildren[0]?.type === 'identifier' && /prefix/i.test(c.namedChildren[0].text);
  if (!parts.some(prefix) || !parts.every((c) => c.type === 'string_content' || prefix(c))) return undefined;
  const name = parts.filter((c) => c.type === 'string_content').map((c) => c.text).join('');
  return /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)?$/.test(name) ? name : undefined;
}

function indexKeys(node: Node | undefined): IndexKey[] {
  const n = node ? unwrap(node) : undefined;
  if (!n) return [];
  const items = n.type === 'list' || n.type === 'tuple' ? n.namedChildren : [n];
  return items.map((item) => {
    const s = stringValue(item);
    if (s !== undefined) return { column: s };
    const inner = unwrap(item);
    const textArg = inner.type === 'call' ? stringValue(positionalArgs(inner)[0]) : undefined;
    return { expression: textArg ?? inner.text };
  });
}


class UpgradeReader {
  readonly changes: SchemaChange[] = [];
  readonly indexCreations: AlembicRevision['indexCreations'] = [];
  constructor(
    private readonly dialect: Dialect,
    private readonly moduleVars: Map<string, Node> = new Map(),
  ) {}

  /**
   * The names a loop variable takes: `for name in INDEXES:` (a module-level
   * list, tuple, set or dict of strings, or its `.keys()`/`.items()`), or an
   * inline literal. Unknown: none.
   */
  private loopNames(variable: Node): string[] {
    const name = unwrap(variable).text;
    for (let p = variable.parent; p; p = p.parent) {
      if (p.type !== 'for_statement') continue;
      const left = p.childForFieldName('left');
      const first = left?.type === 'identifier' ? left : left?.namedChildren[0];
      if (first?.text !== name) continue;
      let right = p.childForFieldName('right');
      if (right?.type === 'call' && ['items', 'keys'].includes(calleeName(right) ?? '')) right = receiverOf(right) ?? null;
      if (right?.type === 'identifier') right = this.moduleVars.get(right.text) ?? null;
      if (!right) return [];
      const r = unwrap(right);
      if (r.type === 'dictionary') return r.namedChildren.map((pair) => stringValue(pair.childForFieldName('key'))).filter((k): k is string => k !== undefined);
      const items = r.type === 'list' || r.type === 'tuple' || r.type === 'set' ? r.namedChildren : [];
      return items.map((c) => stringValue(c)).filter((k): k is string => k !== undefined);
    }
    return [];
  }

  read(call: Node, op: string, batchTable?: string): void {
    const args = positionalArgs(call);
    const kw = keywordArgs(call);
    const span = spanOf(call);
    const str = (n: Node | string | undefined) => (typeof n === 'string' ? n : nameValue(n));
    // batch_op.add_column(col) has no table argument: it comes from batch_alter_table('t')
    const [tableArg, ...rest]: (Node | string)[] = batchTable !== undefined ? [batchTable, ...args] : args;
    const table = str(tableArg) ?? '';
    switch (op) {
      case 'create_table':
        return this.createTable(call, table, rest.filter((a): a is Node => typeof a !== 'string'));
      case 'add_column': {
        const col = rest[0] && typeof rest[0] !== 'string' ? columnDef(unwrap(rest[0])) : undefined;
        if (!col) return;
        this.changes.push({ kind: 'addColumn', table, column: col.def, span });
        if (col.index) this.changes.push(this.simpleIndex(table, col.def.name, span));
        return;
      }
      case 'drop_column':
        return void this.changes.push({ kind: 'dropColumn', table, column: str(rest[0]) ?? '', span });
      case 'drop_table':
        return void this.changes.push({ kind: 'dropTable', tables: [str(args[0]) ?? ''], span });
      case 'rename_table':
        return void this.changes.push({ kind: 'renameTable', from: str(args[0]) ?? '', to: str(args[1]) ?? '', span });
      case 'alter_column': {
        const to = stringValue(kw.get('new_column_name'));
        if (to) this.changes.push({ kind: 'renameColumn', table, from: str(rest[0]) ?? '', to, span });
        return;
      }
      case 'create_index': {
        const idxTable = batchTable ?? nameValue(args[1]) ?? nameValue(kw.get('table_name')) ?? '';
        const concurrently = isTrue(kw.get('postgresql_concurrently'));
        const where = kw.get('postgresql_where') ?? kw.get('sqlite_where');
        this.changes.push({
          kind: 'createIndex', name: nameOf(args[0] ?? kw.get('index_name')), table: idxTable,
          keys: withOpclasses(indexKeys(batchTable !== undefined ? args[1] : args[2] ?? kw.get('columns')), kw.get('postgresql_ops')),
          unique: isTrue(kw.get('unique')),
          partial: !!where, ...(where ? { where: where.text } : {}), method: stringValue(kw.get('postgresql_using')) ?? 'btree', ...indexOptions(kw.get('postgresql_with')),
          concurrently, ifNotExists: isTrue(kw.get('if_not_exists')), span, keywordSpan: spanOf(call.childForFieldName('function')!),
        });
        this.indexCreations.push({ span, table: idxTable, concurrently });
        return;
      }
      case 'drop_index': {
        const nameArg = args[0] ?? kw.get('index_name');
        const names = nameArg && unwrap(nameArg).type === 'identifier' ? this.loopNames(nameArg) : [nameOf(nameArg) ?? ''];
        return void this.changes.push({ kind: 'dropIndex', names, span });
      }
      case 'create_foreign_key': {
        const o = batchTable !== undefined ? 1 : 0;
        const src = batchTable ?? str(args[1]) ?? '';
        const fk: ForeignKeyDef = {
          ...(nameOf(args[0]) ? { name: nameOf(args[0]) } : {}), columns: stringList(args[3 - o] ?? kw.get('local_cols')),
          refTable: str(args[2 - o] ?? kw.get('referent_table')) ?? '', refColumns: stringList(args[4 - o] ?? kw.get('remote_cols')), span,
        };
        return void this.changes.push({ kind: 'addConstraint', table: src, constraint: { type: 'foreignKey', fk }, span });
      }
      case 'create_unique_constraint':
      case 'create_primary_key': {
        const t = batchTable ?? str(args[1]) ?? '';
        const cols = stringList(batchTable !== undefined ? args[1] : args[2]);
        const name = nameOf(args[0]);
        const type = op === 'create_unique_constraint' ? 'unique' : 'primaryKey';
        return void this.changes.push({ kind: 'addConstraint', table: t, constraint: { type, ...(name ? { name } : {}), columns: cols }, span });
      }
      case 'drop_constraint':
        return void this.changes.push({ kind: 'dropConstraint', table: batchTable ?? str(args[1]) ?? '', name: nameOf(args[0]) ?? '', span });
      case 'execute':
        return this.execute(args[0]);
    }
  }

  private simpleIndex(table: string, column: string, span: Span): SchemaChange {
    return { kind: 'createIndex', name: `ix_${table}_${column}`, table, keys: [{ column }], unique: false, partial: false, method: 'btree', concurrently: false, ifNotExists: false, span, keywordSpan: span };
  }

  private createTable(call: Node, table: string, items: Node[]): void {
    const columns: ColumnDef[] = [];
    const foreignKeys: ForeignKeyDef[] = [];
    const uniques: { name?: string; columns: string[] }[] = [];
    const indexes: SchemaChange[] = [];
    let primaryKey: string[] | undefined;
    for (const raw of items) {
      const item = unwrap(raw);
      if (item.type !== 'call') continue;
      const name = stringValue(keywordArgs(item).get('name'));
      const args = positionalArgs(item);
      switch (calleeName(item)) {
        case 'Column': {
          const col = columnDef(item);
          if (!col) break;
          columns.push(col.def);
          if (col.fk) foreignKeys.push(col.fk);
          if (col.index) indexes.push(this.simpleIndex(table, col.def.name, spanOf(item)));
          break;
        }
        case 'PrimaryKeyConstraint':
          primaryKey = args.map((a) => stringValue(a) ?? '');
          break;
        case 'UniqueConstraint':
          uniques.push({ ...(name ? { name } : {}), columns: args.map((a) => stringValue(a) ?? '') });
          break;
        case 'ForeignKeyConstraint': {
          const refs = stringList(args[1], nameValue);
          foreignKeys.push({
            ...(name ? { name } : {}), columns: stringList(args[0]), refTable: refs[0] ? refParts(refs[0]).table : '',
            refColumns: refs.map((r) => refParts(r).column), span: spanOf(item),
          });
          break;
        }
      }
    }
    primaryKey ??= columns.filter((c) => c.primaryKey).map((c) => c.name);
    this.changes.push({ kind: 'createTable', table, columns, ...(primaryKey.length ? { primaryKey } : {}), uniques, foreignKeys, ifNotExists: false, span: spanOf(call) });
    this.changes.push(...indexes);
  }

  private execute(arg: Node | undefined): void {
    if (!arg) return;
    let literal = unwrap(arg);
    if (literal.type === 'call' && calleeName(literal) === 'text') literal = positionalArgs(literal)[0] ?? literal;
    if (!isStringLiteral(literal)) return;
    const sql = embeddedSql(literal, this.dialect);
    if (!sql) return;
    const doc = parseDocument(sql.text, this.dialect);
    for (const st of doc.statements) for (const c of st.changes) this.changes.push(spansToFile(c, sql));
  }
}

/** Reads an Alembic revision module; undefined when the module is not one. */
export function extractAlembic(root: Node, dialect: Dialect): AlembicRevision | undefined {
  const vars = moduleAssignments(root);
  const revision = stringValue(vars.get('revision'));
  const upgrade = upgradeFunction(root);
  if (revision === undefined || !upgrade) return undefined;
  const down = vars.get('down_revision');
  const downRevision = !down || unwrap(down).type === 'none' ? null : (stringValue(down) ?? stringList(down));
  const labels = vars.get('branch_labels');
  const branchLabels = labels && unwrap(labels).type !== 'none' ? stringList(labels) : undefined;
  const reader = new UpgradeReader(dialect, vars);
  const batches = new Map<string, string>();
  const body = upgrade.childForFieldName('body');
  for (const n of body ? descendants(body) : []) {
    if (n.type === 'as_pattern') {
      const value = unwrap(n.namedChildren[0]);
      const alias = n.childForFieldName('alias')?.text ?? n.namedChildren[n.namedChildren.length - 1]?.text;
      if (value.type === 'call' && calleeName(value) === 'batch_alter_table' && alias) batches.set(alias, stringValue(positionalArgs(value)[0]) ?? '');
      continue;
    }
    if (n.type !== 'call') continue;
    const recv = receiverOf(n)?.text;
    const op = calleeName(n);
    if (!recv || !op) continue;
    if (recv === 'op') reader.read(n, op);
    else if (batches.has(recv)) reader.read(n, op, batches.get(recv));
  }
  return {
    revision, downRevision, ...(branchLabels ? { branchLabels } : {}),
    changes: reader.changes, indexCreations: reader.indexCreations,
  };
}

/** A module-level assignment line (`revision = ...`, `down_revision: str | None = ...`): its name and what follows `=`. */
const MODULE_ASSIGNMENT = /^(revision|down_revision)[ \t]*(?::[^=\n]*)?=(?!=)[ \t]*([^\n]*)$/gm;
/** `def upgrade(` at module level (decorated or async too: the `def` line starts the line). */
const UPGRADE_DEF = /^(?:async[ \t]+)?def[ \t]+upgrade[ \t]*\(/m;
/** A plain string literal: what `stringValue` reads the same without a syntax tree. */
const PLAIN_STRING = /^(?:"([\w.-]*)"|'([\w.-]*)')$/;

/**
 * An Alembic revision's identifiers read from its text alone, as `extractAlembic`
 * reads them from the syntax tree (the migration order needs nothing else, and
 * parsing every revision for it cost polar's start-up half a second): null when
 * the text holds no revision (no module-level `revision = '...'` with a
 * `def upgrade()`), undefined when it is not plain enough to tell (a value that
 * is no plain string, None or one-line tuple of strings; an id assigned twice):
 * the file is extracted then.
 */
export function revisionIdsOfText(text: string): { revision: string; downRevision: string | string[] | null } | null | undefined {
  const values = new Map<string, string>();
  for (const [, name, value] of text.matchAll(MODULE_ASSIGNMENT)) {
    if (values.has(name!)) return undefined;
    values.set(name!, value!.replace(/[ \t]+#.*$/, '').trimEnd());
  }
  const revisionText = values.get('revision');
  if (revisionText === undefined) return /^revision\b/m.test(text) ? undefined : null;
  const revision = plainString(revisionText);
  if (revision === undefined) return undefined;
  if (!UPGRADE_DEF.test(text)) return null;
  const downText = values.get('down_revision');
  if (downText === undefined || downText === 'None') return { revision, downRevision: null };
  const single = plainString(downText);
  if (single !== undefined) return { revision, downRevision: single };
  const list = /^[([]([^()[\]]*)[)\]]$/.exec(downText)?.[1];
  if (list === undefined) return undefined;
  const items = list.split(',').map((item) => item.trim()).filter((item, i, all) => item !== '' || i < all.length - 1);
  const ids = items.map(plainString);
  return ids.every((id): id is string => id !== undefined) ? { revision, downRevision: ids } : undefined;
}

function plainString(text: string): string | undefined {
  const match = PLAIN_STRING.exec(text);
  return match ? (match[1] ?? match[2]) : undefined;
}
