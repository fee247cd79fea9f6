import * as assert from 'node:assert/strict';
import type { SyntaxNode } from '../../../../server/src/core/host/treesitter';
import type { BuiltQuery } from '../../../../server/src/core/host/typescript/builders';
import { extractTypeScript } from '../../../../server/src/core/host/typescript/extract';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import type { QueryModel } from '../../../../server/src/core/sql/model';
import { covered } from '../rust/helpers';

const HEADER = "import { Pool } from 'pg';\nconst pool = new Pool();\n";

describe('host/typescript: loops, writes and functions', () => {
  before(() => initHostParsers());

  it('links a for...of over an earlier query\'s rows to that query, with its targets', () => {
    const text = HEADER + [
      'export async function report() {',
      "  const { rows: users } = await pool.query('SELECT id, org_id FROM users');",
      '  for (const { id, org_id: org } of users) {',
      "    await pool.query('SELECT * FROM orgs WHERE id = $1', [org]);",
      '  }',
      '}',
    ].join('\n');
    const [outer, inner] = extractTypeScript(text, 'a.ts').queries;
    assert.equal(outer.assignedTo, 'users');
    assert.deepEqual(outer.loops, []);
    assert.equal(inner.loops.length, 1);
    const loop = inner.loops[0]!;
    assert.equal(loop.kind, 'for');
    assert.deepEqual(loop.targets, ['id', 'org']);
    assert.equal(loop.iterable, 'users');
    assert.equal(loop.iterableQuery, 0);
    assert.ok(covered(text, loop.span).startsWith('for (const { id, org_id: org } of users) {'));
    assert.deepEqual(inner.parameterRoots, ['org']);
  });

  it('a .map callback loop knows the statement above which code can await once: in an async function only, never past another function', () => {
    const text = HEADER + [
      'export async function a(ids: number[]) {',
      "  const all = await Promise.all(ids.map((id) => pool.query('SELECT * FROM t WHERE id = $1', [id])));",
      '  return all;',
      '}',
      'export function b(ids: number[]) {',
      "  return Promise.all(ids.map((id) => pool.query('SELECT * FROM t WHERE id = $1', [id])));",
      '}',
      'export async function c(groups: number[][]) {',
      "  await Promise.all(groups.map((ids) => Promise.all(ids.map((id) => pool.query('SELECT * FROM t WHERE id = $1', [id])))));",
      '}',
    ].join('\n');
    const [first, second, third] = extractTypeScript(text, 'a.ts').queries;
    assert.equal(covered(text, { start: first!.loops[0]!.statementStart!, end: first!.loops[0]!.statementStart! + 10 }), 'const all ');
    assert.equal(second!.loops[0]!.statementStart, undefined);
    // The inner .map sits in the outer one's callback: only the outer loop has a statement above it.
    assert.deepEqual(third!.loops.map((l) => [l.iterable, l.statementStart === undefined ? undefined : covered(text, { start: l.statementStart, end: l.statementStart + 5 })]), [['groups', 'await'], ['ids', undefined]]);
  });

  it('reads for await, for...in, C-style for over rows[i], while and do...while', () => {
    const text = HEADER + [
      'async function f(stream, byId, rows) {',
      "  for await (const e of stream) await pool.query('SELECT * FROM a WHERE id = $1', [e.id]);",
      "  for (const key in byId) await pool.query('SELECT * FROM b WHERE id = $1', [key]);",
      '  for (let i = 0; i < rows.length; i++) {',
      '    const row = rows[i];',
      "    await pool.query('SELECT * FROM c WHERE id = $1', [row.id]);",
      '  }',
      "  while (more) await pool.query('SELECT * FROM d LIMIT 100');",
      "  do { await pool.query('SELECT * FROM e LIMIT 100'); } while (more);",
      '}',
    ].join('\n');
    const qs = extractTypeScript(text, 'a.ts').queries;
    assert.deepEqual(qs.map((q) => q.loops.map((l) => [l.kind, l.targets, l.iterable ?? null])), [
      [['async-for', ['e'], 'stream']],
      [['for', ['key'], 'Object.keys(byId)']],
      [['for', ['i', 'row'], 'rows']],
      [['while', [], null]],
      [['while', [], null]],
    ]);
  });

  it('counts forEach and map callbacks as loops, inside Promise.all too, and a query in the iterable as outside', () => {
    const text = HEADER + [
      'async function f(ids: string[]) {',
      "  const res = await pool.query('SELECT id FROM teams');",
      '  await Promise.all(res.rows.map(async (team) => {',
      "    await pool.query('SELECT * FROM members WHERE team_id = $1', [team.id]);",
      '  }));',
      "  ids.forEach((id) => pool.query('DELETE FROM sessions WHERE user_id = $1', [id]));",
      "  for (const r of (await pool.query('SELECT id FROM orgs')).rows) {}",
      "  setTimeout(() => pool.query('SELECT 1 FROM users'), 10);",
      '}',
    ].join('\n');
    const qs = extractTypeScript(text, 'a.ts').queries;
    assert.deepEqual(qs.map((q) => q.loops.map((l) => [l.kind, l.targets, l.iterable, l.iterableQuery ?? null])), [
      [],
      [['iterator-closure', ['team'], 'res.rows', 0]],
      [['iterator-closure', ['id'], 'ids', null]],
      [],
      [],
    ]);
    assert.equal(covered(text, qs[1].loops[0]!.span).split('\n')[0], 'res.rows.map(async (team) => {');
    // A callback that is no loop (setTimeout's) is a function: loops outside it do not count.
    assert.deepEqual(qs[4].functions?.map((fn) => fn.name), ['', 'f']);
  });

  it('sees through a transaction\'s callback, which runs once where it is called: a loop around the call repeats its queries', () => {
    const text = HEADER + [
      'export async function f(ids: number[], prisma, knex, db) {',
      '  for (const id of ids) {',
      "    await prisma.$transaction(async (tx) => { await pool.query('UPDATE a SET x = 1 WHERE id = $1', [id]); });",
      "    await knex.transaction(async (trx) => { await pool.query('UPDATE b SET x = 1 WHERE id = $1', [id]); });",
      "    await db.transaction().execute(async (trx) => { await pool.query('UPDATE c SET x = 1 WHERE id = $1', [id]); });",
      "    await run(async () => { await pool.query('UPDATE d SET x = 1 WHERE id = $1', [id]); });",
      '  }',
      "  await prisma.$transaction(async (tx) => { await pool.query('UPDATE e SET x = 1'); });",
      '}',
    ].join('\n');
    const queries = extractTypeScript(text, 'a.ts').queries;
    // Another callback (`run(...)`) may run any number of times, or later: it still ends the search.
    assert.deepEqual(queries.map((q) => [q.sql!.text.slice(7, 8), q.loops.map((l) => l.iterable)]), [['a', ['ids']], ['b', ['ids']], ['c', ['ids']], ['d', []], ['e', []]]);
  });

  it('records INSERTs per item and COMMITs in loops as writes; not the same statements outside loops', () => {
    const text = HEADER + [
      'async function f(client, items) {',
      "  await client.query('BEGIN');",
      '  for (const item of items) {',
      "    await client.query('INSERT INTO events (id, kind) VALUES ($1, $2)', [item.id, item.kind]);",
      "    await client.query('COMMIT');",
      '  }',
      "  await client.query('INSERT INTO runs (n) VALUES ($1)', [items.length]);",
      '}',
    ].join('\n');
    const x = extractTypeScript(text, 'a.ts');
    assert.deepEqual(x.writes.map((w) => [w.kind, covered(text, w.span), w.query ?? null]), [
      ['insert', "await client.query('INSERT INTO events (id, kind) VALUES ($1, $2)', [item.id, item.kind])", 1],
      ['commit', "await client.query('COMMIT')", null],
    ]);
    assert.equal(x.queries[1]!.statementKind, 'insert');
    assert.deepEqual(x.queries[1]!.parameterRoots, ['item']);
  });

  it('runs of a prepared statement in a loop get the loop and point at the prepare', () => {
    const text = [
      "import Database from 'better-sqlite3';",
      "const db = new Database('a.db');",
      'export function importAll(rows) {',
      "  const insert = db.prepare('INSERT INTO t (a, b) VALUES (?, ?)');",
      '  for (const r of rows) insert.run(r.a, r.b);',
      '}',
    ].join('\n');
    const x = extractTypeScript(text, 'a.ts');
    assert.deepEqual(x.queries.map((q) => [covered(text, q.span), q.preparedFrom ?? null, q.loops.length]), [
      ["db.prepare('INSERT INTO t (a, b) VALUES (?, ?)')", null, 0],
      ['insert.run(r.a, r.b)', 0, 1],
    ]);
    assert.deepEqual(x.writes.map((w) => [w.kind, w.query]), [['insert', 1]]);
  });

  describe('enclosing functions', () => {
    const roleOf = (text: string, file = 'src/a.ts') => extractTypeScript(text, file).queries.map((q) => q.functions?.[0]?.role ?? null);

    it('NestJS decorators: routes are requests, schedules are jobs', () => {
      const text = [
        "import { Pool } from 'pg';",
        '@Controller("users")',
        'export class UsersController {',
        '  constructor(private readonly pool: Pool) {}',
        "  @Get(':id')",
        '  async find(@Param("id") id: string) {',
        "    return this.pool.query('SELECT * FROM users WHERE id = $1', [id]);",
        '  }',
        "  @Cron('0 * * * *')",
        '  async sweep() {',
        "    await this.pool.query('DELETE FROM sessions WHERE expires_at < now()');",
        '  }',
        '}',
      ].join('\n');
      const qs = extractTypeScript(text, 'src/users.controller.ts').queries;
      assert.deepEqual(qs.map((q) => q.functions?.map((f) => [f.name, f.decorators])), [[['find', ["Get(':id')"]]], [['sweep', ["Cron('0 * * * *')"]]]]);
      assert.deepEqual(qs.map((q) => q.functions?.[0]?.role), [
        { kind: 'request', why: 'in the request handler find (@Get)', by: 'decorator' },
        { kind: 'batch', why: 'in the job sweep (@Cron)', by: 'decorator' },
      ]);
    });

    it('express, fastify and Next.js handlers are requests; graphile-worker tasks and main() are jobs', () => {
      const express = HEADER + "router.get('/users/:id', auth, async (req, res) => { res.json(await pool.query('SELECT * FROM users')); });";
      assert.deepEqual(roleOf(express), [{ kind: 'request', why: "in the request handler router.get('/users/:id')", by: 'decorator' }]);
      assert.deepEqual(extractTypeScript(express, 'a.ts').queries[0]!.functions?.[0]?.name, 'GET /users/:id');
      const fastify = HEADER + "fastify.route({ method: 'GET', url: '/items', handler: async (request, reply) => pool.query('SELECT * FROM items') });";
      assert.deepEqual(roleOf(fastify), [{ kind: 'request', why: "in the request handler fastify.route('/items')", by: 'decorator' }]);
      const plain = HEADER + "export async function list(req, res) { return pool.query('SELECT * FROM items'); }";
      assert.deepEqual(roleOf(plain), [{ kind: 'request', why: 'in the request handler list', by: 'signature' }]);
      const next = HEADER + "export async function GET(request) { return Response.json(await pool.query('SELECT * FROM items')); }";
      assert.deepEqual(roleOf(next, 'app/api/items/route.ts'), [{ kind: 'request', why: 'in the route handler GET', by: 'file' }]);
      assert.deepEqual(roleOf(next, 'src/lib/items.ts'), [null]);
      const typed = HEADER + "export const handler = async (event: NextApiRequest) => pool.query('SELECT * FROM items');";
      assert.deepEqual(roleOf(typed), [{ kind: 'request', why: 'in the request handler handler (a NextApiRequest parameter)', by: 'signature' }]);
      const task = HEADER + "export const rebuild: Task = async (payload, helpers) => { await pool.query('SELECT * FROM items'); };";
      assert.deepEqual(roleOf(task), [{ kind: 'batch', why: 'in the task rebuild', by: 'signature' }]);
      const main = HEADER + "async function main() { await pool.query('SELECT * FROM items'); }\nmain();";
      assert.deepEqual(roleOf(main), [{ kind: 'batch', why: 'in main, which by its name works over every row', by: 'name' }]);
      const socket = HEADER + "io.on('connection', (socket) => { socket.on('deleteTag', async (id, callback) => { await pool.query('DELETE FROM tag WHERE id = $1', [id]); }); });";
      assert.deepEqual(roleOf(socket), [{ kind: 'request', why: "in the request handler socket.on('deleteTag')", by: 'decorator' }]);
      const trpc = HEADER + "export const router = t.router({ list: publicProcedure.input(z.string()).query(async ({ input }) => pool.query('SELECT * FROM items')) });";
      assert.deepEqual(roleOf(trpc), [{ kind: 'request', why: 'in the tRPC query resolver of a tRPC procedure', by: 'decorator' }]);
    });
  });

  it('offers every call chain that is not raw SQL to the builder reader, whole, and gives its queries the same context', () => {
    const offered: string[] = [];
    const model = { tables: [{ name: 'users' }] } as unknown as QueryModel;
    const builderQuery = (node: SyntaxNode, text: string): BuiltQuery | undefined => {
      offered.push(text.slice(node.startIndex, node.endIndex));
      if (!node.text.includes("knex('users')")) return undefined;
      return { library: 'knex', model, statementKind: 'select', terminal: 'all', span: { start: node.startIndex, end: node.endIndex }, parameterRoots: ['org'] };
    };
    const text = [
      "import Knex from 'knex';",
      "const knex = Knex({ client: 'pg' });",
      "app.get('/orgs', async (req, res) => {",
      "  const orgs = await knex('orgs').select('id');",
      '  for (const org of orgs) {',
      "    const users = await knex('users').where({ org_id: org.id });",
      "    await knex.raw('SELECT 1 FROM users WHERE id = ?', [org.id]);",
      '  }',
      '});',
    ].join('\n');
    const x = extractTypeScript(text, 'a.ts', { builderQuery });
    // Not `app.get(..)`: it holds raw SQL found already.
    assert.deepEqual(offered, [
      "Knex({ client: 'pg' })",
      "await knex('orgs').select('id')",
      "await knex('users').where({ org_id: org.id })",
    ]);
    const [built, raw] = x.queries;
    assert.equal(built!.kind, 'orm');
    assert.equal(covered(text, built!.span), "await knex('users').where({ org_id: org.id })");
    assert.equal(built!.assignedTo, 'users');
    assert.deepEqual(built!.loops.map((l) => [l.targets, l.iterable]), [[['org'], 'orgs']]);
    assert.deepEqual(built!.functions?.map((f) => f.role?.kind), ['request']);
    assert.equal(raw!.kind, 'sql');
  });
});
