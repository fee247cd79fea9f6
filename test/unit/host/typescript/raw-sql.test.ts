import * as assert from 'node:assert/strict';
import { extractTypeScript } from '../../../../server/src/core/host/typescript/extract';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import { covered, sourceOf } from '../rust/helpers';

const sqlOf = (text: string, file = 'src/db.ts') => extractTypeScript(text, file).queries.map((q) => q.sql?.text);

describe('host/typescript: raw SQL', () => {
  before(() => initHostParsers());

  describe('node-postgres', () => {
    it('maps a string with escapes after non-ASCII text (UTF-16 offsets), spans the awaited call', () => {
      const text = [
        "import { Pool } from 'pg';",
        '// café 𝄞 — offsets count UTF-16 units',
        'const pool = new Pool();',
        'export async function find(id: number) {',
        "  const { rows } = await pool.query<User>('SELECT \"Name\", note\\n  FROM users WHERE city = \\'Zürich\\' AND id = $1', [id]);",
        '  return rows;',
        '}',
      ].join('\n');
      const x = extractTypeScript(text, 'src/users.ts');
      assert.equal(x.language, 'typescript');
      assert.deepEqual(x.errors, []);
      const [q] = x.queries;
      assert.equal(q.sql?.text, 'SELECT "Name", note\n  FROM users WHERE city = \'Zürich\' AND id = $1');
      assert.equal(q.sql?.dialect, 'postgres');
      assert.equal(covered(text, q.span), "await pool.query<User>('SELECT \"Name\", note\\n  FROM users WHERE city = \\'Zürich\\' AND id = $1', [id])");
      assert.equal(covered(text, q.sql!.literal), "'SELECT \"Name\", note\\n  FROM users WHERE city = \\'Zürich\\' AND id = $1'");
      assert.equal(sourceOf(text, q, 'users'), 'users');
      assert.equal(sourceOf(text, q, "Zürich' AND"), "Zürich\\' AND");
      assert.equal(sourceOf(text, q, '$1'), '$1');
      const newline = q.sql!.text.indexOf('\n');
      assert.equal(text.slice(q.sql!.offsets[newline], q.sql!.offsets[newline + 1]), '\\n');
      assert.equal(q.sql!.offsets.length, q.sql!.text.length + 1);
      assert.equal(text[q.sql!.offsets[q.sql!.text.length]!], "'", 'the final entry is the closing quote');
      assert.deepEqual([q.statementKind, q.terminal, q.assignedTo, q.parameterRoots], ['select', 'all', 'rows', ['id']]);
    });

    it('reads what the code takes from the result: rows, the first row, the row count', () => {
      const text = [
        "const pg = require('pg');",
        'const client = new pg.Client();',
        'async function f(id) {',
        "  const one = (await client.query('SELECT * FROM users WHERE id = $1', [id])).rows[0];",
        "  const { rows: [first] } = await client.query('SELECT * FROM orgs WHERE id = $1', [id]);",
        "  const { rowCount } = await client.query('DELETE FROM sessions WHERE user_id = $1', [id]);",
        "  const res = await client.query('SELECT * FROM teams');",
        '  console.log(res.rows.length);',
        "  const found = await client.query('SELECT * FROM members WHERE email = $1', [id]);",
        '  if (!found.rows[0]) return null;',
        "  const gone = await client.query('DELETE FROM tokens WHERE user_id = $1', [id]);",
        '  if (gone.rowCount === 0) return null;',
        "  return client.query('SELECT * FROM audit').then((r) => r.rows[0]);",
        '}',
      ].join('\n');
      const qs = extractTypeScript(text, 'a.js').queries;
      assert.deepEqual(qs.map((q) => [q.statementKind, q.terminal, q.assignedTo ?? null]), [
        ['select', 'first', null],
        ['select', 'first', 'first'],
        ['delete', 'execute', null],
        ['select', 'all', 'res'],
        ['select', 'first', 'found'],
        ['delete', 'execute', 'gone'],
        ['select', 'first', null],
      ]);
      assert.ok(qs.every((q) => q.sql?.dialect === 'postgres'));
    });

    it('reads { text, values } objects, inline and in a const, and a const query run twice once for the SQL rules', () => {
      const text = [
        "import { Pool } from 'pg';",
        'const pool = new Pool();',
        "const BY_ID = 'SELECT * FROM users WHERE id = $1';",
        'async function f(id: string, org: string) {',
        "  await pool.query({ text: 'SELECT * FROM orgs WHERE id = $1', values: [org] });",
        "  const q = { name: 'by-team', text: 'SELECT * FROM teams WHERE id = $1', values: [id] };",
        '  await pool.query(q);',
        '  const a = await pool.query(BY_ID, [id]);',
        '  const b = await pool.query(BY_ID, [org]);',
        '}',
      ].join('\n');
      const qs = extractTypeScript(text, 'a.ts').queries;
      assert.deepEqual(qs.map((q) => q.sql?.text), [
        'SELECT * FROM orgs WHERE id = $1',
        'SELECT * FROM teams WHERE id = $1',
        'SELECT * FROM users WHERE id = $1',
        'SELECT * FROM users WHERE id = $1',
      ]);
      assert.deepEqual(qs.map((q) => q.parameterRoots), [['org'], ['id'], ['id'], ['org']]);
      assert.equal(covered(text, qs[1].sql!.literal), "'SELECT * FROM teams WHERE id = $1'");
      assert.equal(covered(text, qs[1].span), 'await pool.query(q)');
      assert.equal(covered(text, qs[2].sql!.literal), "'SELECT * FROM users WHERE id = $1'");
      assert.deepEqual(qs.map((q) => q.preparedFrom), [undefined, undefined, undefined, 2]);
    });

    it('joins + concatenations and turns template holes into placeholders, with the offsets of each piece', () => {
      const text = [
        'async function f(db, table, id) {',
        "  await db.query('SELECT id ' +",
        "    'FROM users WHERE org_id = $1 AND ' + `kind = ${kind}`, [id]);",
        '}',
      ].join('\n');
      const [q] = extractTypeScript(text, 'a.js').queries;
      assert.equal(q.sql?.text, 'SELECT id FROM users WHERE org_id = $1 AND kind = $2');
      assert.equal(sourceOf(text, q, 'FROM'), 'FROM');
      assert.equal(sourceOf(text, q, '$2'), '${', 'a placeholder maps onto the hole it stands for');
      assert.equal(covered(text, q.sql!.literal), "'SELECT id ' +\n    'FROM users WHERE org_id = $1 AND ' + `kind = ${kind}`");
      assert.deepEqual(q.parameterRoots.sort(), ['id', 'kind']);
    });
  });

  it('reads a hole where a name goes as that name, not a parameter (graphile-worker\'s schema)', () => {
    const text = [
      'async function f(client, schema, table, ids) {',
      '  await client.query(`delete from ${schema}._private_jobs where id = any(${ids}::bigint[])`);',
      '  await client.query(`select * from ${table} where state = $1`, [s]);',
      '}',
    ].join('\n');
    const qs = extractTypeScript(text, 'a.ts').queries;
    assert.deepEqual(qs.map((q) => q.sql?.text), ['delete from schema._private_jobs where id = any($1::bigint[])', 'select * from table where state = $1']);
    assert.equal(sourceOf(text, qs[0]!, 'schema._private_jobs'), '${schema}._private_jobs');
  });

  describe('postgres.js', () => {
    it('binds each ${} hole as a $n parameter, spanning the hole', () => {
      const text = [
        "import postgres from 'postgres';",
        'const sql = postgres(process.env.DATABASE_URL);',
        'export async function search(q: string, org: number) {',
        "  return await sql`SELECT id, name FROM users WHERE org_id = ${org} AND name ILIKE ${'%' + q + '%'}`;",
        '}',
      ].join('\n');
      const [q] = extractTypeScript(text, 'a.ts').queries;
      assert.equal(q.sql?.text, 'SELECT id, name FROM users WHERE org_id = $1 AND name ILIKE $2');
      assert.equal(q.sql?.dialect, 'postgres');
      assert.equal(covered(text, q.span), "await sql`SELECT id, name FROM users WHERE org_id = ${org} AND name ILIKE ${'%' + q + '%'}`");
      assert.equal(sourceOf(text, q, '$1'), '${');
      assert.equal(q.sql!.offsets[q.sql!.text.indexOf('$2')], text.indexOf("${'%'"));
      assert.deepEqual(q.parameterRoots.sort(), ['org', 'q']);
      assert.equal(q.terminal, 'all');
    });

    it('skips queries whose text has fragments (sql(identifiers), nested sql``, a const fragment), quietly', () => {
      const text = [
        "import postgres from 'postgres';",
        'const sql = postgres();',
        'async function f(columns, id, desc) {',
        '  await sql`SELECT ${sql(columns)} FROM users`;',
        '  await sql`SELECT * FROM users ${desc ? sql`ORDER BY id DESC` : sql``}`;',
        '  const where = sql`WHERE id = ${id}`;',
        '  await sql`SELECT * FROM users ${where}`;',
        '  await sql`SELECT * FROM users WHERE data = ${sql.json(id)}`;',
        '}',
      ].join('\n');
      assert.deepEqual(sqlOf(text), ['SELECT * FROM users WHERE data = $1']);
    });

    it('takes the first row of `const [user] = await sql`, streams .cursor(), runs sql.unsafe and a query kept in a const', () => {
      const text = [
        "import postgres from 'postgres';",
        'const sql = postgres();',
        'async function f(id) {',
        '  const [user] = await sql`SELECT * FROM users WHERE id = ${id}`;',
        '  for await (const rows of sql`SELECT * FROM events`.cursor(100)) {}',
        "  await sql.unsafe('SELECT * FROM logs WHERE level = $1', ['warn']);",
        '  const pending = sql`SELECT * FROM jobs WHERE state = ${"pending"}`;',
        '  const jobs = await pending;',
        '  sql`SELECT 1`;',
        '}',
      ].join('\n');
      const qs = extractTypeScript(text, 'a.ts').queries;
      assert.deepEqual(qs.map((q) => [q.sql?.text, q.terminal, q.assignedTo ?? null]), [
        ['SELECT * FROM users WHERE id = $1', 'first', 'user'],
        ['SELECT * FROM events', 'iterate', null],
        ['SELECT * FROM logs WHERE level = $1', 'all', null],
        ['SELECT * FROM jobs WHERE state = $1', 'all', 'jobs'],
      ]);
      assert.equal(covered(text, qs[1].span), 'sql`SELECT * FROM events`.cursor(100)');
      assert.equal(covered(text, qs[3].span), 'await pending');
    });
  });

  describe('knex.raw', () => {
    it('numbers ? bindings for PostgreSQL, keeps them for MySQL and SQLite', () => {
      const pg = [
        "const knex = require('knex')({ client: 'pg' });",
        "async function f(a, b) { return knex.raw('SELECT * FROM users WHERE a = ? AND b = ? AND tags \\\\? \\'x\\'', [a, b]); }",
      ].join('\n');
      const [q] = extractTypeScript(pg, 'a.js').queries;
      assert.equal(q.sql?.text, "SELECT * FROM users WHERE a = $1 AND b = $2 AND tags ? 'x'");
      assert.equal(q.sql?.dialect, 'postgres');
      assert.equal(sourceOf(pg, q, '$2'), '?');
      assert.deepEqual(q.parameterRoots, ['a', 'b']);
      const mysql = "import Knex from 'knex';\nconst db = Knex({ client: 'mysql2' });\nawait db.raw('SELECT * FROM users WHERE a = ?', [a]);";
      assert.deepEqual(extractTypeScript(mysql, 'a.ts').queries.map((x) => [x.sql?.text, x.sql?.dialect]), [['SELECT * FROM users WHERE a = ?', 'mysql']]);
    });

    it('leaves raw fragments of builders and ?? identifier bindings alone', () => {
      const text = [
        "import knex from 'knex';",
        'const db = knex({ client: "pg" });',
        "await db('users').select(db.raw('count(*) as n')).whereRaw('a = ?', [1]);",
        "await db('users').whereIn('id', db.raw('SELECT user_id FROM members WHERE org = ?', [o]));",
        "await db.raw('SELECT * FROM ?? WHERE id = ?', [table, id]);",
      ].join('\n');
      assert.deepEqual(sqlOf(text), []);
    });
  });

  describe('Kysely', () => {
    it("reads sql`...`.execute(db), binds holes, and skips sql.ref / sql.raw holes and builder fragments", () => {
      const text = [
        "import { Kysely, PostgresDialect, sql } from 'kysely';",
        'const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });',
        'async function f(id: string, column: string) {',
        '  const { rows } = await sql<User>`SELECT * FROM users WHERE id = ${id}`.execute(db);',
        '  await sql`SELECT ${sql.ref(column)} FROM users`.execute(db);',
        '  await sql`SELECT * FROM ${sql.table("users")}`.execute(db);',
        "  await db.selectFrom('users').where(sql`lower(email)`, '=', id).execute();",
        '  const q = sql`DELETE FROM sessions WHERE user_id = ${id}`;',
        '  await q.execute(db);',
        '}',
      ].join('\n');
      const qs = extractTypeScript(text, 'a.ts').queries;
      assert.deepEqual(qs.map((q) => [q.sql?.text, q.sql?.dialect, q.terminal, q.assignedTo ?? null]), [
        ['SELECT * FROM users WHERE id = $1', 'postgres', 'all', 'rows'],
        ['DELETE FROM sessions WHERE user_id = $1', 'postgres', 'execute', null],
      ]);
      assert.equal(covered(text, qs[0].span), 'await sql<User>`SELECT * FROM users WHERE id = ${id}`.execute(db)');
      assert.equal(text.slice(qs[0].beforeTerminal), '.execute(db);' + text.slice(text.indexOf('\n', qs[0].span.end)));
    });
  });

  describe('SQLite and MySQL drivers', () => {
    it('better-sqlite3: prepare(..).all/get/run, a statement kept and run later, exec', () => {
      const text = [
        "import Database from 'better-sqlite3';",
        "const db = new Database('app.db');",
        "const byId = db.prepare('SELECT * FROM users WHERE id = ?');",
        'export function f(ids: number[]) {',
        "  const all = db.prepare('SELECT * FROM users WHERE org = @org').all({ org: 1 });",
        "  const n = db.prepare('SELECT count(*) FROM users').pluck().get();",
        '  const user = byId.get(ids[0]);',
        "  db.exec('CREATE TABLE IF NOT EXISTS t (a INTEGER)');",
        '}',
      ].join('\n');
      const qs = extractTypeScript(text, 'a.ts').queries;
      assert.deepEqual(qs.map((q) => [covered(text, q.span), q.terminal, q.sql?.dialect, q.preparedFrom ?? null]), [
        ["db.prepare('SELECT * FROM users WHERE id = ?')", 'unknown', 'sqlite', null],
        ["db.prepare('SELECT * FROM users WHERE org = @org').all({ org: 1 })", 'all', 'sqlite', null],
        ["db.prepare('SELECT count(*) FROM users').pluck().get()", 'first', 'sqlite', null],
        ['byId.get(ids[0])', 'first', 'sqlite', 0],
        ["db.exec('CREATE TABLE IF NOT EXISTS t (a INTEGER)')", 'execute', 'sqlite', null],
      ]);
      assert.equal(text.slice(qs[1].beforeTerminal, qs[1].span.end), '.all({ org: 1 })');
    });

    it('node:sqlite DatabaseSync and mysql2 [rows] results', () => {
      const sqlite = "import { DatabaseSync } from 'node:sqlite';\nconst db = new DatabaseSync(':memory:');\ndb.prepare('SELECT * FROM t').all();";
      assert.deepEqual(extractTypeScript(sqlite, 'a.mjs').queries.map((q) => q.sql?.dialect), ['sqlite']);
      const mysql = [
        "import mysql from 'mysql2/promise';",
        'const pool = mysql.createPool({});',
        'async function f(id) {',
        "  const [rows] = await pool.query('SELECT * FROM users WHERE org = ?', [id]);",
        "  const [[user]] = await pool.execute('SELECT * FROM users WHERE id = ?', [id]);",
        '}',
      ].join('\n');
      assert.deepEqual(extractTypeScript(mysql, 'a.js').queries.map((q) => [q.terminal, q.assignedTo, q.sql?.dialect]), [
        ['all', 'rows', 'mysql'],
        ['first', 'user', 'mysql'],
      ]);
    });
  });

  it('redbean-node R.getAll/getRow/exec; a dialect from the text only when the code names none', () => {
    const text = [
      'const { R } = require("redbean-node");',
      'async function f(id, client) {',
      '  const list = await R.getAll("SELECT * FROM monitor WHERE user_id = ? ORDER BY `weight`", [id]);',
      '  const row = await R.getRow("SELECT * FROM monitor WHERE id = ?", [id]);',
      '  await R.exec("DELETE FROM heartbeat WHERE monitor_id = ?", [id]);',
      "  await client.query('SELECT * FROM jobs WHERE id = $1', [id]);",
      '}',
    ].join('\n');
    assert.deepEqual(extractTypeScript(text, 'server/model.js').queries.map((q) => [q.terminal, q.sql?.dialect ?? null]), [
      ['all', 'sqlite'],
      ['first', 'sqlite'],
      ['execute', 'sqlite'],
      ['all', null],
    ]);
    assert.equal(extractTypeScript(text, 'server/model.js', { dialect: 'mysql' }).queries[0]!.sql?.dialect, undefined);
  });

  it('reads the text bound to LIKE parameters (values array, holes, a const), run-time parts as {}', () => {
    const text = [
      "import { Pool } from 'pg';",
      "import postgres from 'postgres';",
      'const pool = new Pool();',
      'const sql = postgres();',
      'async function f(q: string) {',
      '  await pool.query("SELECT * FROM users WHERE name ILIKE $2 AND org = $1", [org, `%${q}%`]);',
      "  await sql`SELECT * FROM users WHERE email LIKE ${'%@' + q}`;",
      "  const prefix = q + '%';",
      "  await pool.query('SELECT * FROM users WHERE name LIKE $1', [prefix]);",
      '}',
    ].join('\n');
    const qs = extractTypeScript(text, 'a.ts').queries;
    assert.deepEqual(qs.map((q) => (q.boundPatterns ?? []).map((b) => [covered(text, b.span), b.pattern])), [
      [['$2', '%{}%']],
      [["${'%@' + q}", '%@{}']],
      [],
    ]);
  });

  describe('text that is not SQL sent to a database', () => {
    it('log messages, errors, unused constants and non-driver calls are not SQL', () => {
      const text = [
        "import { Pool } from 'pg';",
        "const UNUSED = 'SELECT * FROM users';",
        'async function f(pool: Pool, id: string) {',
        "  console.log('SELECT failed for', id);",
        '  logger.info(`DELETE FROM users WHERE id = ${id} done`);',
        "  throw new Error('UPDATE users SET x = 1 failed');",
        "  const message = 'INSERT INTO queue (a) VALUES (1)';",
        "  await pool.query('select 1 from users where id = $1', [id]);",
        "  await pool.query('hello world');",
        "  cache.get('SELECT * FROM users');",
        '}',
      ].join('\n');
      assert.deepEqual(sqlOf(text), ['select 1 from users where id = $1']);
    });

    it('drizzle-orm sql templates are builders, not postgres.js queries', () => {
      const text = "import { sql } from 'drizzle-orm';\nawait db.execute(sql`SELECT * FROM users WHERE id = ${users.id}`);\nawait sql`SELECT 1 FROM users`;";
      assert.deepEqual(sqlOf(text), []);
    });

    it('Prisma: $queryRaw holes are parameters, Prisma.sql / Prisma.join make the text unknown', () => {
      const text = [
        "import { Prisma, PrismaClient } from '@prisma/client';",
        'const prisma = new PrismaClient();',
        'async function f(id: string, ids: string[]) {',
        '  await prisma.$queryRaw`SELECT * FROM "User" WHERE id = ${id}`;',
        '  await prisma.$queryRaw`SELECT * FROM "User" WHERE id IN (${Prisma.join(ids)})`;',
        "  await prisma.$executeRawUnsafe('DELETE FROM \"Session\" WHERE expires < now()');",
        '}',
      ].join('\n');
      assert.deepEqual(sqlOf(text), ['SELECT * FROM "User" WHERE id = $1', 'DELETE FROM "Session" WHERE expires < now()']);
    });
  });

  it('reads JavaScript, JSX and TSX files with their own grammar', () => {
    const tsx = "export const Page = async () => { const { rows } = await pool.query('SELECT * FROM users'); return <ul>{rows.map((r) => <li>{r.name}</li>)}</ul>; };";
    assert.deepEqual(sqlOf(tsx, 'app/page.tsx'), ['SELECT * FROM users']);
    assert.deepEqual(extractTypeScript(tsx, 'app/page.tsx').errors, []);
    assert.deepEqual(sqlOf(tsx, 'app/page.jsx'), ['SELECT * FROM users']);
    assert.deepEqual(sqlOf("exports.f = async (db) => db.query('SELECT * FROM t');", 'a.cjs'), ['SELECT * FROM t']);
  });
});
