import * as assert from 'node:assert/strict';
import { buildCatalog, indexCovers, leadingColumns } from '../../../server/src/core/catalog/build';
import type { IndexInfo } from '../../../server/src/core/catalog/types';
import type { ColumnDef, ParsedDocument, SchemaChange } from '../../../server/src/core/sql/model';

const span = { start: 0, end: 1 };

function doc(...changes: SchemaChange[]): ParsedDocument {
  return {
    dialect: 'postgres',
    statements: changes.map((c) => ({ kind: 'other_ddl' as const, span: c.span, text: '', changes: [c], inTransaction: false })),
    errors: [],
    metaCommands: [],
  };
}

function col(name: string, extra: Partial<ColumnDef> = {}): ColumnDef {
  return { name, type: 'int', notNull: false, primaryKey: false, unique: false, span, ...extra };
}

function table(name: string, columns: ColumnDef[], extra: Partial<Extract<SchemaChange, { kind: 'createTable' }>> = {}): SchemaChange {
  return { kind: 'createTable', table: name, columns, uniques: [], foreignKeys: [], ifNotExists: false, span: { start: 0, end: 10 }, ...extra };
}

function index(tableName: string, columns: string[], extra: Partial<Extract<SchemaChange, { kind: 'createIndex' }>> = {}): SchemaChange {
  return {
    kind: 'createIndex',
    table: tableName,
    keys: columns.map((column) => ({ column })),
    unique: false,
    partial: false,
    method: 'btree',
    concurrently: false,
    ifNotExists: false,
    span: { start: 20, end: 40 },
    keywordSpan: { start: 20, end: 32 },
    ...extra,
  };
}

const users = table('users', [col('id', { primaryKey: true }), col('email', { type: 'text', unique: true })]);
const workers = table('workers', [
  col('id', { primaryKey: true }),
  col('planner_id', { references: { table: 'users' } }),
  col('task_status', { type: 'text' }),
]);

function summary(ix: IndexInfo[]) {
  return ix.map((i) => `${i.name}(${i.keys.map((k) => k.column ?? k.expression).join(',')})${i.unique ? ' unique' : ''}${i.implicit ? ' ' + i.implicit : ''}`);
}

describe('buildCatalog', () => {
  it('records tables, columns, keys, implicit indexes and inline references with origins', () => {
    const c = buildCatalog([{ file: '/w/m/001.sql', document: doc(users, workers), order: 0 }]);
    const u = c.getTable('USERS')!;
    assert.deepEqual([...u.columns.keys()], ['id', 'email']);
    assert.equal(u.columns.get('id')!.notNull, true);
    assert.deepEqual(u.primaryKey?.columns, ['id']);
    assert.deepEqual(summary(u.indexes), ['users_pkey(id) unique primaryKey', 'users_email_key(email) unique unique']);
    assert.deepEqual(u.origin, { file: '/w/m/001.sql', span: { start: 0, end: 10 }, order: 0 });
    const w = c.getTable('public.workers')!;
    assert.deepEqual(w.foreignKeys.map((f) => [f.name, f.columns, f.refTable, f.refColumns]), [
      ['workers_planner_id_fkey', ['planner_id'], 'users', ['id']],
    ]);
  });

  it('applies table-level constraints and explicit indexes of every shape', () => {
    const orders = table('orders', [col('a'), col('b'), col('c'), col('d')], {
      primaryKey: ['a', 'b'],
      uniques: [{ name: 'orders_cd', columns: ['c', 'd'] }],
      foreignKeys: [{ name: 'fk_d', columns: ['d'], refTable: 'users', refColumns: ['id'], span }],
    });
    const c = buildCatalog([
      {
        file: 'f',
        order: 0,
        document: doc(
          users,
          orders,
          index('orders', ['c', 'b'], { name: 'orders_c_b', unique: true }),
          index('orders', ['c'], { partial: true, where: 'c > 0' }),
          index('orders', [], { keys: [{ expression: 'lower(c)' }], method: 'GIN' }),
        ),
      },
    ]);
    const o = c.getTable('orders')!;
    assert.deepEqual(summary(o.indexes), [
      'orders_pkey(a,b) unique primaryKey',
      'orders_cd(c,d) unique unique',
      'orders_c_b(c,b) unique',
      'orders_c_idx(c)',
      'orders_expr_idx(lower(c))',
    ]);
    assert.equal(o.indexes[3].partial, true);
    assert.equal(o.indexes[4].method, 'gin');
    assert.deepEqual(o.foreignKeys.map((f) => f.name), ['fk_d']);
  });

  it('drops tables, indexes, columns (with the indexes and keys using them) and constraints', () => {
    const c = buildCatalog([
      { file: 'a', order: 0, document: doc(users, workers, index('workers', ['planner_id', 'task_status'], { name: 'w_pt' }), index('workers', ['task_status'], { name: 'w_t' })) },
      {
        file: 'b',
        order: 1,
        document: doc(
          { kind: 'dropColumn', table: 'workers', column: 'planner_id', span },
          { kind: 'dropIndex', names: ['public.w_t'], span },
          { kind: 'dropConstraint', table: 'users', name: 'users_email_key', span },
        ),
      },
    ]);
    const w = c.getTable('workers')!;
    assert.deepEqual([...w.columns.keys()], ['id', 'task_status']);
    assert.deepEqual(summary(w.indexes), ['workers_pkey(id) unique primaryKey']);
    assert.deepEqual(w.foreignKeys, []);
    assert.deepEqual(summary(c.getTable('users')!.indexes), ['users_pkey(id) unique primaryKey']);
    assert.deepEqual(c.getTable('users')!.uniques, []);

    const dropped = buildCatalog([{ file: 'a', order: 0, document: doc(users, workers, { kind: 'dropTable', tables: ['users'], span }) }]);
    assert.equal(dropped.getTable('users'), undefined);
    assert.deepEqual(dropped.getTable('workers')!.foreignKeys, []);
  });

  it('renames columns everywhere they are used, including other tables\' foreign keys', () => {
    const c = buildCatalog([
      {
        file: 'a',
        order: 0,
        document: doc(
          users,
          workers,
          index('workers', ['planner_id', 'task_status'], { name: 'w_pt' }),
          index('workers', [], { name: 'w_expr', keys: [{ expression: 'lower(task_status)' }] }),
          { kind: 'renameColumn', table: 'workers', from: 'task_status', to: 'status', span },
          { kind: 'renameColumn', table: 'users', from: 'id', to: 'user_id', span },
        ),
      },
    ]);
    const w = c.getTable('workers')!;
    assert.deepEqual([...w.columns.keys()], ['id', 'planner_id', 'status']);
    assert.equal(w.columns.get('status')!.name, 'status');
    assert.deepEqual(summary(w.indexes).slice(1), ['w_pt(planner_id,status)', 'w_expr(lower(status))']);
    assert.deepEqual(w.foreignKeys[0].refColumns, ['user_id']);
    assert.deepEqual(c.getTable('users')!.primaryKey!.columns, ['user_id']);
  });

  it('renames tables (updating FKs pointing at them) and indexes; adds and drops constraints', () => {
    const c = buildCatalog([
      {
        file: 'a',
        order: 0,
        document: doc(
          users,
          workers,
          { kind: 'renameTable', from: 'users', to: 'accounts', span },
          { kind: 'renameIndex', from: 'users_email_key', to: 'accounts_email_uq', span },
          { kind: 'addConstraint', table: 'workers', constraint: { type: 'unique', columns: ['planner_id', 'task_status'] }, span },
          { kind: 'addConstraint', table: 'workers', constraint: { type: 'foreignKey', fk: { name: 'w_fk2', columns: ['task_status'], refTable: 'accounts', refColumns: ['email'], span } }, span },
          { kind: 'dropConstraint', table: 'workers', name: 'workers_planner_id_fkey', span },
        ),
      },
    ]);
    assert.equal(c.getTable('users'), undefined);
    const a = c.getTable('accounts')!;
    assert.equal(a.name, 'accounts');
    assert.deepEqual(summary(a.indexes), ['users_pkey(id) unique primaryKey', 'accounts_email_uq(email) unique unique']);
    assert.deepEqual(a.uniques.map((k) => k.name), ['accounts_email_uq']);
    const w = c.getTable('workers')!;
    assert.deepEqual(w.foreignKeys.map((f) => `${f.name}->${f.refTable}`), ['w_fk2->accounts']);
    assert.deepEqual(summary(w.indexes).slice(1), ['workers_planner_id_task_status_key(planner_id,task_status) unique unique']);
  });

  it('knows an index by the name a rename gave it, and a table referenced by the name a rename gave it', () => {
    const c = buildCatalog([
      {
        file: 'a',
        order: 0,
        document: doc(
          users,
          index('users', ['email'], { name: 'by_email' }),
          { kind: 'renameIndex', from: 'BY_EMAIL', to: 'Users_Email_Idx', span },
          // The renamed name is taken: this one is a duplicate PostgreSQL would reject (the first kept).
          index('users', ['id', 'email'], { name: 'users_email_idx' }),
          // The generated name of an index on users(email) is taken too: the next number is.
          index('users', ['email'], { unique: true }),
          { kind: 'renameTable', from: 'users', to: 'accounts', span },
          table('orders', [col('id', { primaryKey: true }), col('account_id', { references: { table: 'accounts', column: 'id' } })]),
          table('audits', [col('id', { primaryKey: true }), col('email', { type: 'text', references: { table: 'accounts', column: 'email' } })]),
          { kind: 'renameColumn', table: 'accounts', from: 'email', to: 'mail', span },
          { kind: 'dropColumn', table: 'accounts', column: 'mail', span },
        ),
      },
      { file: 'b', order: 1, document: doc({ kind: 'dropTable', tables: ['accounts'], span }) },
    ]);
    assert.equal(c.getTable('accounts'), undefined);
    // Each key pointing at the dropped column went with it, then the one pointing at the dropped table.
    assert.deepEqual(c.getTable('audits')!.foreignKeys, []);
    assert.deepEqual(c.getTable('orders')!.foreignKeys, []);
    const kept = buildCatalog([{ file: 'a', order: 0, document: doc(users, index('users', ['email'], { name: 'by_email' }), { kind: 'renameIndex', from: 'by_email', to: 'Users_Email_Idx', span }, index('users', ['id', 'email'], { name: 'users_email_idx' }), index('users', ['email'], { unique: true })) }]);
    assert.deepEqual(summary(kept.getTable('users')!.indexes), ['users_pkey(id) unique primaryKey', 'users_email_key(email) unique unique', 'Users_Email_Idx(email)', 'users_email_idx1(email) unique']);
    // A key made before its table's rename goes with the table under its new name.
    const renamed = buildCatalog([{ file: 'a', order: 0, document: doc(users, workers, { kind: 'renameTable', from: 'users', to: 'accounts', span }, { kind: 'dropTable', tables: ['accounts'], span }) }]);
    assert.deepEqual(renamed.getTable('workers')!.foreignKeys, []);
  });

  it('adds columns with inline constraints, sorts inputs by order, and stubs unknown tables', () => {
    const c = buildCatalog([
      { file: 'b', order: 1, document: doc({ kind: 'addColumn', table: 'users', column: col('handle', { unique: true, notNull: true }), span }) },
      { file: 'a', order: 0, document: doc(users) },
      { file: 'c', order: 2, document: doc(index('events', ['kind'])) },
    ]);
    const u = c.getTable('users')!;
    assert.deepEqual([...u.columns.keys()], ['id', 'email', 'handle']);
    assert.deepEqual(u.uniques.map((k) => k.columns), [['email'], ['handle']]);
    const e = c.getTable('events')!;
    assert.equal(e.stub, true);
    assert.deepEqual(summary(e.indexes), ['events_kind_idx(kind)']);
    // A later CREATE TABLE fills the stub in and keeps its index.
    const filled = buildCatalog([
      { file: 'c', order: 0, document: doc(index('events', ['kind'])) },
      { file: 'd', order: 1, document: doc(table('events', [col('kind')])) },
    ]);
    assert.equal(filled.getTable('events')!.stub, undefined);
    assert.deepEqual(summary(filled.getTable('events')!.indexes), ['events_kind_idx(kind)']);
  });

  it('keeps the first table for CREATE TABLE IF NOT EXISTS and never throws on broken changes', () => {
    const c = buildCatalog([
      {
        file: 'a',
        order: 0,
        document: doc(users, table('users', [col('other')], { ifNotExists: true }), { kind: 'dropColumn', table: 'nope', column: 'x', span }, { kind: 'createTable', table: 'broken' } as unknown as SchemaChange),
      },
    ]);
    assert.deepEqual([...c.getTable('users')!.columns.keys()], ['id', 'email']);
  });
});

describe('indexCovers / leadingColumns', () => {
  const ix = (cols: (string | { expression: string })[], method = 'btree'): IndexInfo => ({
    name: 'i',
    table: 't',
    keys: cols.map((c) => (typeof c === 'string' ? { column: c } : c)),
    unique: false,
    partial: false,
    method,
    origin: { file: 'f', span, order: 0 },
  });

  it('leads with plain columns up to the first expression', () => {
    assert.deepEqual(leadingColumns(ix(['a', 'b', { expression: 'lower(c)' }, 'd'])), ['a', 'b']);
  });

  it('accepts equality columns in any order, then the range/sort columns in order', () => {
    assert.equal(indexCovers(ix(['task_status', 'planner_id']), ['planner_id', 'task_status']), true);
    assert.equal(indexCovers(ix(['planner_id', 'task_status', 'created_at']), ['task_status', 'planner_id'], ['created_at']), true);
    assert.equal(indexCovers(ix(['planner_id', 'created_at', 'task_status']), ['task_status', 'planner_id']), false);
    assert.equal(indexCovers(ix(['planner_id']), ['planner_id', 'task_status']), false);
    assert.equal(indexCovers(ix(['planner_id', 'x', 'created_at']), ['planner_id'], ['created_at']), false);
    assert.equal(indexCovers(ix(['created_at']), [], ['created_at']), true);
    assert.equal(indexCovers(ix(['a', 'b']), ['A']), true);
    assert.equal(indexCovers(ix(['a']), []), false);
  });

  it('only B-tree indexes serve ranges and composites; hash serves one equality', () => {
    assert.equal(indexCovers(ix(['a'], 'hash'), ['a']), true);
    assert.equal(indexCovers(ix(['a'], 'hash'), ['a'], ['b']), false);
    assert.equal(indexCovers(ix(['a'], 'gin'), ['a']), false);
    assert.equal(indexCovers(ix([{ expression: 'lower(a)' }]), ['a']), false);
  });
});
