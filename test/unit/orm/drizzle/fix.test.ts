/**
 * The missing-index fix on a Drizzle table when the project has no
 * migrations: `index(...).on(...)` in the table's callback (created when
 * absent, `index` imported), in each callback form; the result compiles
 * against drizzle-orm's type definitions. The fixes of queries in Drizzle
 * code too: the N+1 query over `inArray`, one `insert().values()` over all
 * items, `limit: 100` in a relational `findMany`.
 */
import { strict as assert } from 'node:assert';
import { drizzleBatchQuery, drizzleFindManyLimitEdit, drizzleIndexEdits, drizzleInsertAllEdit } from '../../../../server/src/core/orm/drizzle/fix';
import { extractTypeScript } from '../../../../server/src/core/host/typescript/extract';
import { typescript } from '../../../../server/src/core/host/typescript/language';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import type { IndexDefinition } from '../../../../shared/types';
import { typecheck } from '../../host/typescript/typecheck';

function fixed(text: string, index: IndexDefinition): string | undefined {
  const found = drizzleIndexEdits('schema.ts', text, index);
  if (!found) return undefined;
  let out = text;
  for (const e of [...found.edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

const LOOKUP: IndexDefinition = { name: 'workers_planner_status_idx', table: 'workers', keys: [{ column: 'planner_id' }, { column: 'task_status' }] };

describe('Drizzle fixes: the index on the table, and the queries', () => {
  before(() => initHostParsers());

  const cases: { name: string; before: string; after: string; index?: IndexDefinition }[] = [
    {
      name: 'creates the callback and imports index',
      before: [
        "import { pgTable, serial, integer, text } from 'drizzle-orm/pg-core';",
        "export const workers = pgTable('workers', {",
        "  id: serial('id').primaryKey(),",
        "  plannerId: integer('planner_id').notNull(),",
        "  taskStatus: text('task_status').notNull(),",
        '});',
        '',
      ].join('\n'),
      after: [
        "import { pgTable, serial, integer, text, index } from 'drizzle-orm/pg-core';",
        "export const workers = pgTable('workers', {",
        "  id: serial('id').primaryKey(),",
        "  plannerId: integer('planner_id').notNull(),",
        "  taskStatus: text('task_status').notNull(),",
        "}, (t) => [index('workers_planner_status_idx').on(t.plannerId, t.taskStatus)]);",
        '',
      ].join('\n'),
    },
    {
      name: 'adds to a multi-line array callback, in its layout, with its parameter name',
      before: [
        "import { pgTable, serial, integer, text, index as idx, uniqueIndex } from 'drizzle-orm/pg-core';",
        "export const workers = pgTable('workers', {",
        "  id: serial('id').primaryKey(),",
        "  plannerId: integer('planner_id').notNull(),",
        "  taskStatus: text('task_status').notNull(),",
        '}, (table) => [',
        "  uniqueIndex('workers_id_key').on(table.id),",
        ']);',
        '',
      ].join('\n'),
      after: [
        "import { pgTable, serial, integer, text, index as idx, uniqueIndex } from 'drizzle-orm/pg-core';",
        "export const workers = pgTable('workers', {",
        "  id: serial('id').primaryKey(),",
        "  plannerId: integer('planner_id').notNull(),",
        "  taskStatus: text('task_status').notNull(),",
        '}, (table) => [',
        "  uniqueIndex('workers_id_key').on(table.id),",
        "  idx('workers_planner_status_idx').on(table.plannerId, table.taskStatus),",
        ']);',
        '',
      ].join('\n'),
    },
    {
      name: 'adds a key to the older object callback; a trigram index with its method and operator class',
      index: { name: 'workers_status_trgm', table: 'workers', keys: [{ column: 'task_status', opclass: 'gin_trgm_ops' }], method: 'gin' },
      before: [
        "import { pgTable, serial, integer, text, index } from 'drizzle-orm/pg-core';",
        "export const workers = pgTable('workers', {",
        "  id: serial('id').primaryKey(),",
        "  plannerId: integer('planner_id').notNull(),",
        "  taskStatus: text('task_status').notNull(),",
        '}, (t) => ({ byPlanner: index().on(t.plannerId) }));',
        '',
      ].join('\n'),
      after: [
        "import { pgTable, serial, integer, text, index } from 'drizzle-orm/pg-core';",
        "export const workers = pgTable('workers', {",
        "  id: serial('id').primaryKey(),",
        "  plannerId: integer('planner_id').notNull(),",
        "  taskStatus: text('task_status').notNull(),",
        "}, (t) => ({ byPlanner: index().on(t.plannerId), workersStatusTrgm: index('workers_status_trgm').using('gin', t.taskStatus.op('gin_trgm_ops')) }));",
        '',
      ].join('\n'),
    },
  ];

  for (const c of cases) {
    it(c.name, () => assert.equal(fixed(c.before, c.index ?? LOOKUP), c.after));
  }

  it('compiles against drizzle-orm (tsc --noEmit)', function () {
    this.timeout(120_000);
    const files = Object.fromEntries(cases.map((c, i) => [`schema${i}.ts`, fixed(c.before, c.index ?? LOOKUP)!]));
    assert.deepEqual(typecheck(files), Object.fromEntries(Object.keys(files).map((f) => [f, []])));
  });

  it('offers nothing it cannot write: a column the table does not map, a table of another name, a local index', () => {
    const text = "import { pgTable, integer } from 'drizzle-orm/pg-core';\nconst index = 1;\nexport const workers = pgTable('workers', { plannerId: integer('planner_id') });\n";
    assert.equal(drizzleIndexEdits('schema.ts', text, LOOKUP), undefined);
    assert.equal(drizzleIndexEdits('schema.ts', text, { ...LOOKUP, table: 'agents', keys: [{ column: 'planner_id' }] }), undefined);
    assert.equal(drizzleIndexEdits('schema.ts', text, { ...LOOKUP, keys: [{ column: 'planner_id' }] }), undefined);
  });

  it('n-plus-one: the per-row query over the collected keys with inArray, imported when the file does not yet', () => {
    const schema = "import { pgTable, serial, integer } from 'drizzle-orm/pg-core';\nexport const tasks = pgTable('tasks', { id: serial('id').primaryKey(), agentId: integer('agent_id').notNull() });\n";
    const code = "import { eq } from 'drizzle-orm';\nimport { tasks } from './schema';\nexport async function f(db: any, list: { id: number }[]) {\n  for (const agent of list) {\n    const rows = await db\n      .select()\n      .from(tasks)\n      .where(eq(tasks.agentId, agent.id));\n    console.log(rows);\n  }\n}\n";
    const [query] = typescript.extract('app.ts', code, { models: extractTypeScript(schema, 'schema.ts').models }).queries;
    const built = drizzleBatchQuery(code, query!, query!.model!.predicates[0]!, { keys: 'agent_ids', rows: 'all_tasks' });
    assert.deepEqual(built, {
      statement: 'const all_tasks = await db.select().from(tasks).where(inArray(tasks.agentId, agent_ids));',
      importEdit: { span: { start: code.indexOf('eq }') + 2, end: code.indexOf('eq }') + 2 }, newText: ', inArray' },
    });
    assert.equal(drizzleBatchQuery(code, { ...query!, terminal: 'first' }, query!.model!.predicates[0]!, { keys: 'k', rows: 'r' }), undefined);
  });

  describe('commit-in-loop: one insert().values() over all items', () => {
    const schema = [
      "import { pgTable, serial, integer, text } from 'drizzle-orm/pg-core';",
      "export const documents = pgTable('documents', { id: serial('id').primaryKey(), agentId: integer('agent_id').notNull(), title: text('title').notNull().unique() });",
      '',
    ].join('\n');
    const head = "import type { NodePgDatabase } from 'drizzle-orm/node-postgres';\nimport { documents } from './schema.js';\n";
    /** The file with the fix of its one write applied, or undefined when none is offered. */
    function fixedWrite(code: string): string | undefined {
      const [query] = typescript.extract('app.ts', code, { models: extractTypeScript(schema, 'schema.ts').models }).queries.filter((q) => q.statementKind === 'insert');
      assert.equal(query?.loops.length, 1);
      const edit = drizzleInsertAllEdit(code, 'app.ts', query!, query!.loops[0]!);
      return edit && code.slice(0, edit.span.start) + edit.newText + code.slice(edit.span.end);
    }
    const cases = [
      {
        name: 'an object of the item (a destructured one), over lines, under a guard for the empty list',
        before: head + [
          'export async function importAll(db: NodePgDatabase, agentId: number, items: { title: string }[]): Promise<void> {',
          '  for (const { title } of items) {',
          '    await db.insert(documents).values({',
          '      agentId,',
          '      title,',
          '    });',
          '  }',
          '}',
          '',
        ].join('\n'),
        after: head + [
          'export async function importAll(db: NodePgDatabase, agentId: number, items: { title: string }[]): Promise<void> {',
          '  // QueryLens commit-in-loop: one INSERT for all of items (values() takes no empty list).',
          '  if (items.length > 0) await db.insert(documents).values(items.map(({ title }) => ({',
          '    agentId,',
          '    title,',
          '  })));',
          '}',
          '',
        ].join('\n'),
      },
      {
        name: 'the item itself, with onConflictDoNothing kept, in a loop without braces',
        before: head + [
          'export async function importRows(db: NodePgDatabase, rows: (typeof documents.$inferInsert)[]): Promise<void> {',
          '  for (const row of rows) await db.insert(documents).values(row).onConflictDoNothing();',
          '}',
          '',
        ].join('\n'),
        after: head + [
          'export async function importRows(db: NodePgDatabase, rows: (typeof documents.$inferInsert)[]): Promise<void> {',
          '  // QueryLens commit-in-loop: one INSERT for all of rows (values() takes no empty list).',
          '  if (rows.length > 0) await db.insert(documents).values(rows).onConflictDoNothing();',
          '}',
          '',
        ].join('\n'),
      },
      {
        name: 'the item itself, from a readonly array: a copy of it',
        before: head + [
          'export async function importRows(db: NodePgDatabase, rows: readonly (typeof documents.$inferInsert)[]): Promise<void> {',
          '  for (const row of rows) {',
          '    await db.insert(documents).values(row);',
          '  }',
          '}',
          '',
        ].join('\n'),
        after: head + [
          'export async function importRows(db: NodePgDatabase, rows: readonly (typeof documents.$inferInsert)[]): Promise<void> {',
          '  // QueryLens commit-in-loop: one INSERT for all of rows (values() takes no empty list).',
          '  if (rows.length > 0) await db.insert(documents).values([...rows]);',
          '}',
          '',
        ].join('\n'),
      },
    ];
    for (const c of cases) it(c.name, () => assert.equal(fixedWrite(c.before), c.after));

    it('compiles against drizzle-orm (tsc --noEmit)', function () {
      this.timeout(120_000);
      const files = { 'schema.ts': schema, ...Object.fromEntries(cases.map((c, i) => [`app${i}.ts`, fixedWrite(c.before)!])) };
      assert.deepEqual(typecheck(files), Object.fromEntries(Object.keys(files).map((f) => [f, []])));
    });

    it('offers nothing where the loop does more, uses the row, awaits in the values, updates on conflict, or walks a Set or pairs', () => {
      const loop = (body: string) => head + `export async function f(db: NodePgDatabase, items: { title: string }[], log: (n: number) => void, tr: (s: string) => Promise<string>) {\n  for (const item of items) {\n${body}\n  }\n}\n`;
      assert.equal(fixedWrite(loop('    await db.insert(documents).values({ agentId: 1, title: item.title });\n    log(1);')), undefined);
      assert.equal(fixedWrite(loop('    const [row] = await db.insert(documents).values({ agentId: 1, title: item.title }).returning();\n    log(row!.id);')), undefined);
      assert.equal(fixedWrite(loop('    await db.insert(documents).values({ agentId: 1, title: await tr(item.title) });')), undefined);
      assert.equal(fixedWrite(loop('    await db.insert(documents).values({ agentId: 1, title: item.title }).onConflictDoUpdate({ target: documents.title, set: { agentId: 1 } });')), undefined);
      // A Set or a Map's entries have no .map.
      const set = head + 'export async function f(db: NodePgDatabase, titles: Set<string>) {\n  for (const title of titles) await db.insert(documents).values({ agentId: 1, title });\n}\n';
      assert.equal(fixedWrite(set), undefined);
      assert.notEqual(fixedWrite(set.replace('Set<string>', 'string[]')), undefined);
      const map = head + 'export async function f(db: NodePgDatabase, byAgent: { agentId: number; title: string }[][]) {\n  for (const [first] of byAgent) await db.insert(documents).values({ agentId: first!.agentId, title: first!.title });\n}\n';
      assert.equal(fixedWrite(map), undefined);
    });
  });

  it('unpaginated-query: limit: 100 in the relational findMany config, created when there is none; it compiles', function () {
    this.timeout(120_000);
    const schema = "import { pgTable, serial, integer } from 'drizzle-orm/pg-core';\nexport const tasks = pgTable('tasks', { id: serial('id').primaryKey(), agentId: integer('agent_id').notNull() });\n";
    const code = [
      "import { eq } from 'drizzle-orm';",
      "import type { NodePgDatabase } from 'drizzle-orm/node-postgres';",
      "import * as schema from './schema.js';",
      'export async function f(db: NodePgDatabase<typeof schema>, agentId: number) {',
      '  const mine = await db.query.tasks.findMany({',
      '    where: eq(schema.tasks.agentId, agentId),',
      '  });',
      '  const all = await db.query.tasks.findMany();',
      '  return [mine, all, await db.select().from(schema.tasks)];',
      '}',
      '',
    ].join('\n');
    const queries = typescript.extract('app.ts', code, { models: extractTypeScript(schema, 'schema.ts').models }).queries;
    assert.equal(queries.length, 3);
    const edits = queries.map((q) => drizzleFindManyLimitEdit(code, 'app.ts', q, 100));
    assert.deepEqual(edits.map((e) => e && [e.title, e.newText]), [
      ['Add limit: 100 to the findMany config', '\n    limit: 100,'],
      ['Add limit: 100 to the findMany config', '{ limit: 100 }'],
      undefined,
    ]);
    let fixed = code;
    for (const e of edits.filter((e) => e !== undefined).sort((a, b) => b.span.start - a.span.start)) fixed = fixed.slice(0, e.span.start) + e.newText + fixed.slice(e.span.end);
    assert.equal(fixed, code.replace('agentId),\n  });', 'agentId),\n    limit: 100,\n  });').replace('findMany();', 'findMany({ limit: 100 });'));
    assert.deepEqual(typecheck({ 'schema.ts': schema, 'app.ts': fixed }), { 'schema.ts': [], 'app.ts': [] });
  });
});
