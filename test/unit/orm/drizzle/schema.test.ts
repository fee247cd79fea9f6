import { strict as assert } from 'node:assert';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import { extractTypeScript } from '../../../../server/src/core/host/typescript/extract';
import type { HostModel } from '../../../../server/src/core/host/types';
import type { SchemaChange, Span } from '../../../../server/src/core/sql/model';

function models(code: string): HostModel[] {
  return extractTypeScript(code, 'schema.ts').models;
}

function at(code: string, text: string, nth = 0): Span {
  let start = -1;
  for (let i = 0; i <= nth; i++) start = code.indexOf(text, start + 1);
  assert.ok(start >= 0, `${text} not in code`);
  return { start, end: start + text.length };
}

/** Changes without spans, for comparing shapes. */
function shapes(changes: SchemaChange[]): unknown[] {
  return JSON.parse(JSON.stringify(changes, (key, value) => (key === 'span' || key === 'keywordSpan' ? undefined : value)));
}

describe('Drizzle tables as models', () => {
  before(() => initHostParsers());

  it('reads pgTable columns, their SQL types, keys, references and the array index callback', () => {
    const code = [
      "import { pgTable, serial, integer, text, varchar, timestamp, jsonb, uuid, index, uniqueIndex } from 'drizzle-orm/pg-core';",
      "export const planners = pgTable('planners', { id: serial('id').primaryKey(), name: text('name').notNull() });",
      "export const workers = pgTable('workers', {",
      "  id: uuid('id').primaryKey(),",
      "  plannerId: integer('planner_id').notNull().references(() => planners.id, { onDelete: 'cascade' }),",
      "  taskStatus: varchar('task_status', { length: 32 }).notNull(),",
      "  email: varchar({ length: 255 }).unique(),",
      "  data: jsonb('data'),",
      "  createdAt: timestamp('created_at', { withTimezone: true }).defaultNow(),",
      "}, (t) => [index('workers_lookup_idx').on(t.plannerId, t.taskStatus), uniqueIndex().on(t.createdAt.desc())]);",
      '',
    ].join('\n');
    const [planners, workers] = models(code);
    assert.equal(planners!.className, 'planners');
    assert.equal(workers!.className, 'workers');
    assert.equal(workers!.table, 'workers');
    assert.equal(workers!.orm, 'drizzle');
    assert.deepEqual(workers!.span, at(code, code.slice(code.indexOf("pgTable('workers'"), code.indexOf(');\n', code.indexOf("pgTable('workers'")) + 1)));
    assert.deepEqual(workers!.fields!.map((f) => [f.name, f.column]), [
      ['id', 'id'], ['plannerId', 'planner_id'], ['taskStatus', 'task_status'], ['email', 'email'], ['data', 'data'], ['createdAt', 'created_at'],
    ]);
    assert.deepEqual(shapes(workers!.changes), [
      {
        kind: 'createTable', table: 'workers',
        columns: [
          { name: 'id', type: 'uuid', notNull: true, primaryKey: true, unique: false },
          { name: 'planner_id', type: 'integer', notNull: true, primaryKey: false, unique: false, references: { table: 'planners', column: 'id' } },
          { name: 'task_status', type: 'varchar(32)', notNull: true, primaryKey: false, unique: false },
          { name: 'email', type: 'varchar(255)', notNull: false, primaryKey: false, unique: true },
          { name: 'data', type: 'jsonb', notNull: false, primaryKey: false, unique: false },
          { name: 'created_at', type: 'timestamptz', notNull: false, primaryKey: false, unique: false },
        ],
        uniques: [{ name: 'workers_email_unique', columns: ['email'] }],
        foreignKeys: [{ name: 'workers_planner_id_planners_id_fk', columns: ['planner_id'], refTable: 'planners', refColumns: ['id'] }],
        ifNotExists: false,
      },
      { kind: 'createIndex', name: 'workers_lookup_idx', table: 'workers', keys: [{ column: 'planner_id' }, { column: 'task_status' }], unique: false, partial: false, method: 'btree', concurrently: false, ifNotExists: false },
      { kind: 'createIndex', name: 'workers_created_at_index', table: 'workers', keys: [{ column: 'created_at', desc: true }], unique: true, partial: false, method: 'btree', concurrently: false, ifNotExists: false },
    ]);
    const index = workers!.changes[1]!;
    assert.equal(index.kind, 'createIndex');
    assert.deepEqual(index.span, at(code, 'index(\'workers_lookup_idx\').on(t.plannerId, t.taskStatus)'));
  });

  it('reads the older object callback, composite primary keys, pgSchema tables, enums, sqliteTable and mysqlTable', () => {
    const code = [
      "import { pgSchema, pgEnum, text, integer, primaryKey, index, unique } from 'drizzle-orm/pg-core';",
      "import { sqliteTable, integer as int } from 'drizzle-orm/sqlite-core';",
      "const app = pgSchema('app');",
      "export const status = pgEnum('task_status', ['pending', 'done']);",
      "export const members = app.table('members', { orgId: text('org_id').notNull(), userId: text('user_id').notNull(), state: status('state') }, (table) => {",
      "  return { pk: primaryKey({ columns: [table.orgId, table.userId] }), byUser: index('members_user_idx').using('hash', table.userId).where(sql`true`), u: unique('m_state').on(table.state) };",
      '});',
      "export const notes = sqliteTable('notes', { id: int('id').primaryKey() });",
      "export const other = someTable('x', { id: int('id') });",
      '',
    ].join('\n');
    const found = models(code);
    assert.deepEqual(found.map((m) => m.className), ['members', 'notes']);
    const [members, notes] = found;
    assert.deepEqual(shapes(members!.changes), [
      {
        kind: 'createTable', table: 'members', schema: 'app',
        columns: [
          { name: 'org_id', type: 'text', notNull: true, primaryKey: false, unique: false },
          { name: 'user_id', type: 'text', notNull: true, primaryKey: false, unique: false },
          { name: 'state', type: 'task_status', notNull: false, primaryKey: false, unique: false },
        ],
        primaryKey: ['org_id', 'user_id'],
        uniques: [{ name: 'm_state', columns: ['state'] }],
        foreignKeys: [],
        ifNotExists: false,
      },
      { kind: 'createIndex', name: 'members_user_idx', table: 'members', keys: [{ column: 'user_id' }], unique: false, partial: true, method: 'hash', concurrently: false, ifNotExists: false },
    ]);
    assert.deepEqual(shapes(notes!.changes), [
      { kind: 'createTable', table: 'notes', columns: [{ name: 'id', type: 'integer', notNull: true, primaryKey: true, unique: false }], uniques: [], foreignKeys: [], ifNotExists: false },
    ]);
  });

  it('reads nothing from tables of other libraries or from files without drizzle-orm', () => {
    assert.deepEqual(models("import { pgTable } from './my-orm';\nexport const t = pgTable('t', { id: serial('id') });\n"), []);
    assert.deepEqual(models("const t = pgTable('t', { id: serial('id') });\n"), []);
  });

  it("resolves a foreign key to another file's table through the workspace's models", () => {
    const planners = "import { pgTable, serial } from 'drizzle-orm/pg-core';\nexport const planners = pgTable('planner', { plannerId: serial('planner_id').primaryKey() });\n";
    const code = "import { pgTable, serial, integer } from 'drizzle-orm/pg-core';\nimport { planners } from './planners';\nexport const workers = pgTable('workers', { id: serial('id').primaryKey(), plannerId: integer('planner_id').references(() => planners.plannerId) });\n";
    const workspace = extractTypeScript(planners, 'planners.ts').models;
    const foreignKeys = (models: HostModel[]) => models.flatMap((m) => m.changes.flatMap((c) => (c.kind === 'createTable' ? c.foreignKeys.map((fk) => `${fk.name}: ${fk.columns} -> ${fk.refTable}(${fk.refColumns})`) : [])));
    assert.deepEqual(foreignKeys(extractTypeScript(code, 'workers.ts', { models: workspace }).models), ['workers_planner_id_planner_planner_id_fk: planner_id -> planner(planner_id)']);
    // The schema-only extraction (no workspace models yet) leaves it out rather than guess.
    assert.deepEqual(foreignKeys(extractTypeScript(code, 'workers.ts').models), []);
  });
});
