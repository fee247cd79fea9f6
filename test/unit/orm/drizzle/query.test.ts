import { strict as assert } from 'node:assert';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import { extractTypeScript } from '../../../../server/src/core/host/typescript/extract';
import { typescript } from '../../../../server/src/core/host/typescript/language';
import type { HostQuery } from '../../../../server/src/core/host/types';
import type { Span } from '../../../../server/src/core/sql/model';

const SCHEMA = [
  "import { pgTable, serial, integer, text, varchar, timestamp } from 'drizzle-orm/pg-core';",
  "export const planners = pgTable('planners', { id: serial('id').primaryKey(), name: text('name') });",
  "export const workers = pgTable('workers', {",
  "  id: serial('id').primaryKey(),",
  "  plannerId: integer('planner_id').notNull(),",
  "  taskStatus: varchar('task_status', { length: 32 }),",
  "  email: text('email'),",
  "  createdAt: timestamp('created_at'),",
  '});',
  '',
].join('\n');

const HEADER = "import { and, or, eq, ne, gt, inArray, ilike, isNull, desc, asc, count, sql } from 'drizzle-orm';\nimport { planners, workers } from './schema';\n";

function queries(body: string): { code: string; queries: HostQuery[] } {
  const models = extractTypeScript(SCHEMA, 'schema.ts').models;
  const code = HEADER + body;
  return { code, queries: typescript.extract('app.ts', code, { models }).queries };
}

function at(code: string, text: string, nth = 0): Span {
  let start = -1;
  for (let i = 0; i <= nth; i++) start = code.indexOf(text, start + 1);
  assert.ok(start >= 0, `${text} not in code`);
  return { start, end: start + text.length };
}

describe('Drizzle queries', () => {
  before(() => initHostParsers());

  it('reads select/from/where/orderBy/limit with the columns the fields map to, spans on the code', () => {
    const { code, queries: [q] } = queries(
      'export async function f(pid: number, q: string) {\n' +
        "  return await db.select().from(workers).where(and(eq(workers.plannerId, pid), or(eq(workers.taskStatus, 'a'), isNull(workers.email)), ilike(workers.email, `%${q}`), sql`true`)).orderBy(desc(workers.createdAt), asc(workers.id)).limit(20);\n" +
        '}\n',
    );
    assert.equal(q!.kind, 'orm');
    assert.equal(q!.statementKind, 'select');
    assert.equal(q!.terminal, 'all');
    assert.deepEqual(q!.span, { start: code.indexOf('await db'), end: code.indexOf(';\n}') });
    assert.deepEqual(q!.parameterRoots, ['pid', 'q']);
    const m = q!.model!;
    assert.deepEqual(m.tables, [{ name: 'workers', span: { start: at(code, 'from(workers)').start + 5, end: at(code, 'from(workers)').end - 1 } }]);
    const col = (text: string, column: string, nth = 0) => ({ table: 'workers', qualifier: 'workers', column, span: at(code, text, nth) });
    assert.deepEqual(m.predicates, [
      { column: col('workers.plannerId', 'planner_id'), op: 'eq', valueKind: 'param', disjunctive: false, span: at(code, 'eq(workers.plannerId, pid)') },
      { column: col('workers.taskStatus', 'task_status'), op: 'eq', valueKind: 'literal', disjunctive: true, span: at(code, "eq(workers.taskStatus, 'a')") },
      { column: col('workers.email', 'email'), op: 'is_null', valueKind: 'null', disjunctive: true, span: at(code, 'isNull(workers.email)') },
      { column: col('workers.email', 'email', 1), op: 'ilike', valueKind: 'param', disjunctive: false, span: at(code, 'ilike(workers.email, `%${q}`)'), pattern: '%{q}' },
    ]);
    assert.deepEqual(m.orderBy, [{ column: col('workers.createdAt', 'created_at'), desc: true }, { column: col('workers.id', 'id'), desc: false }]);
    assert.deepEqual(m.limit, { span: at(code, 'limit(20)'), value: 20 });
    assert.equal(q!.beforeTerminal, code.indexOf(';\n}'));
  });

  it('reads joins, selected fields and aggregates, limit(1) as one row', () => {
    const { code, queries: [join, total, one] } = queries(
      'export async function f(ids: number[]) {\n' +
        '  const rows = await db.select({ id: workers.id, name: planners.name }).from(workers).innerJoin(planners, eq(workers.plannerId, planners.id)).where(inArray(workers.id, ids));\n' +
        '  const [{ n }] = await db.select({ n: count() }).from(workers).where(gt(workers.createdAt, new Date()));\n' +
        '  const [first] = await db.select().from(planners).where(ne(planners.name, "x")).limit(1);\n' +
        '  return [rows, n, first];\n' +
        '}\n',
    );
    const m = join!.model!;
    assert.deepEqual(m.columns.map((c) => `${c.table}.${c.column}`), ['workers.id', 'planners.name']);
    assert.deepEqual(m.joins.map((j) => [j.table.name, j.kind, j.conditions.map((c) => `${c.left.table}.${c.left.column}=${c.right.table}.${c.right.column}`)]), [['planners', 'inner', ['workers.planner_id=planners.id']]]);
    assert.deepEqual(m.predicates.map((p) => [p.column.column, p.op, p.valueKind]), [['id', 'in', 'param']]);
    assert.equal(join!.assignedTo, 'rows');
    assert.equal(total!.model!.isAggregate, true);
    assert.deepEqual(total!.model!.predicates.map((p) => [p.column.column, p.op]), [['created_at', 'range']]);
    assert.equal(one!.terminal, 'first');
    assert.deepEqual(one!.model!.limit, { span: at(code, 'limit(1)'), value: 1 });
  });

  it('reads writes: insert, update and delete with and without where; a delete whose where it cannot read is left alone', () => {
    const { code, queries: found } = queries(
      'export async function f(id: number, cond: any) {\n' +
        "  await db.insert(workers).values({ plannerId: id, taskStatus: 'new' });\n" +
        "  await db.update(workers).set({ taskStatus: 'done' }).where(eq(workers.id, id)).returning();\n" +
        '  await db.delete(workers);\n' +
        '  await db.delete(workers).where(cond);\n' +
        '}\n',
    );
    assert.deepEqual(found.map((q) => [q.statementKind, q.terminal, q.model!.tables.map((t) => t.name), q.model!.predicates.map((p) => `${p.column.column} ${p.op}`)]), [
      ['insert', 'execute', ['workers'], []],
      ['update', 'all', ['workers'], ['id eq']],
      ['delete', 'execute', ['workers'], []],
    ]);
    assert.deepEqual(found[2]!.span, at(code, 'await db.delete(workers)'));
  });

  it('reads the relational API: findMany with a where callback, orderBy, limit; findFirst as one row', () => {
    const { code, queries: [many, first] } = queries(
      'export async function f(pid: number) {\n' +
        '  const list = await db.query.workers.findMany({ where: (w, { eq: same, and }) => and(same(w.plannerId, pid), eq(w.taskStatus, "a")), orderBy: [desc(workers.createdAt)], limit: 10, with: { planner: true } });\n' +
        '  const one = await db.query.planners.findFirst({ where: eq(planners.id, pid) });\n' +
        '  return [list, one];\n' +
        '}\n',
    );
    assert.equal(many!.terminal, 'all');
    const m = many!.model!;
    assert.deepEqual(m.tables, [{ name: 'workers', span: at(code, 'workers', 1) }]);
    assert.deepEqual(m.predicates.map((p) => [p.column.column, p.op, p.valueKind, p.span]), [
      ['planner_id', 'eq', 'param', at(code, 'same(w.plannerId, pid)')],
      ['task_status', 'eq', 'literal', at(code, 'eq(w.taskStatus, "a")')],
    ]);
    assert.deepEqual(m.orderBy.map((o) => [o.column.column, o.desc]), [['created_at', true]]);
    assert.deepEqual(m.limit, { span: at(code, 'limit: 10'), value: 10 });
    assert.deepEqual(many!.parameterRoots, ['pid']);
    assert.equal(first!.terminal, 'first');
    assert.deepEqual(first!.model!.predicates.map((p) => [p.column.table, p.column.column]), [['planners', 'id']]);
  });

  it('leaves alone what it cannot read: dynamic chains, prepared queries, spread options, a where it cannot read at all, tables it does not know', () => {
    const { queries: found } = queries(
      'export async function f(opts: any, other: any) {\n' +
        '  const q = db.select().from(workers).$dynamic();\n' +
        "  const p = db.select().from(workers).where(eq(workers.id, sql.placeholder('id'))).prepare('p');\n" +
        '  await db.query.workers.findMany({ ...opts });\n' +
        '  await db.query.workers.findMany({ where: opts.where, limit: 5 });\n' +
        '  await db.select().from(workers).where(opts.cond).orderBy(desc(workers.createdAt)).limit(5);\n' +
        '  await db.select().from(other);\n' +
        "  await knex('workers').where({ id: 1 });\n" +
        '  return [q, p];\n' +
        '}\n',
    );
    assert.deepEqual(found.map((q) => q.model!.tables[0]!.name), ['workers']); // the knex chain only
  });
});
