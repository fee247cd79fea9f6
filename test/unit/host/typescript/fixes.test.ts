import * as assert from 'node:assert/strict';
import { extractTypeScript } from '../../../../server/src/core/host/typescript/extract';
import { batchByKeysFix, batchLookupFix, multiRowInsertFix, type TextEdit } from '../../../../server/src/core/host/typescript/fixes';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import type { Dialect } from '../../../../shared/types';
import { typecheck } from './typecheck';

function apply(text: string, edit: TextEdit): string {
  return text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
}

/** The span of `needle` in `text` (the key comparison a rule reads from the SQL model). */
function spanOf(text: string, needle: string): { start: number; end: number } {
  const start = text.indexOf(needle);
  assert.ok(start >= 0, needle);
  return { start, end: start + needle.length };
}

/** The query of the file run in a loop, and the fix the builder makes for it. */
function lookup(text: string, predicate: string, table: string, dialect: Dialect = 'postgres'): string {
  const x = extractTypeScript(text, 'fixed.ts');
  const query = x.queries.find((q) => q.loops.length > 0)!;
  const loop = query.loops[query.loops.length - 1]!;
  const edit = batchLookupFix({ text, query, loop, target: loop.targets[0]!, predicate: spanOf(text, predicate), table, dialect });
  assert.ok(edit, 'a fix');
  return apply(text, edit);
}

function loopWrite(text: string, dialect: Dialect = 'postgres', predicate?: string): string {
  const x = extractTypeScript(text, 'fixed.ts');
  const query = x.queries.find((q) => q.loops.length > 0)!;
  const loop = query.loops[query.loops.length - 1]!;
  const prepared = query.preparedFrom === undefined ? undefined : x.queries[query.preparedFrom];
  const input = { text, query, loop, dialect, ...(prepared ? { prepared } : {}) };
  const edit = predicate ? batchByKeysFix({ ...input, target: loop.targets[0]!, predicate: spanOf(text, predicate) }) : multiRowInsertFix(input);
  assert.ok(edit, 'a fix');
  return apply(text, edit);
}

const PG = "import { Pool, PoolClient } from 'pg';\nconst pool = new Pool();\n";

describe('host/typescript: fixes that compile', function () {
  this.timeout(120_000);
  before(() => initHostParsers());

  const fixed: Record<string, string> = {};

  it('n-plus-one, node-postgres: the keys and one = ANY($1) query above the loop', () => {
    const text = PG + [
      'interface User { id: number; org_id: number }',
      'export async function report(): Promise<void> {',
      "  const { rows: users } = await pool.query<User>('SELECT id, org_id FROM users');",
      '  for (const user of users) {',
      "    const org = (await pool.query('SELECT * FROM orgs WHERE id = $1', [user.org_id])).rows[0];",
      '    console.log(org);',
      '  }',
      '}',
      '',
    ].join('\n');
    fixed['pg-lookup.ts'] = lookup(text, 'id = $1', 'orgs');
    assert.equal(fixed['pg-lookup.ts'], text.replace('  for (const user of users) {\n', [
      '  // QueryLens n-plus-one: one query for every user; use these rows in the loop instead of its query.',
      '  const orgIds = users.map((user) => user.org_id);',
      "  const { rows: allOrgs } = await pool.query('SELECT * FROM orgs WHERE id = ANY($1)', [orgIds]);",
      '  for (const user of users) {',
      '',
    ].join('\n')));
  });

  it('n-plus-one, postgres.js in Promise.all(rows.map(..)): = ANY(${keys})', () => {
    const text = [
      "import postgres from 'postgres';",
      'const sql = postgres();',
      'export async function sizes(): Promise<number[]> {',
      '  const teams = await sql<{ id: number }[]>`SELECT id FROM teams`;',
      '  return Promise.all(teams.map(async (team) => {',
      '    const members = await sql`SELECT * FROM members WHERE team_id = ${team.id}`;',
      '    return members.length;',
      '  }));',
      '}',
      '',
    ].join('\n');
    fixed['postgres-lookup.ts'] = lookup(text, 'team_id = ${team.id}', 'members');
    assert.equal(fixed['postgres-lookup.ts'], text.replace('  return Promise.all(', [
      '  // QueryLens n-plus-one: one query for every team; use these rows in the loop instead of its query.',
      '  const teamIds = teams.map((team) => team.id);',
      '  const allMembers = await sql`SELECT * FROM members WHERE team_id = ANY(${teamIds})`;',
      '  return Promise.all(',
    ].join('\n')));
  });

  it('n-plus-one, Kysely sql`` and knex.raw on PostgreSQL, the items being the keys themselves', () => {
    const kysely = [
      "import { Kysely, PostgresDialect, sql } from 'kysely';",
      "import { Pool } from 'pg';",
      'interface DB { users: { id: number } }',
      'const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new Pool() }) });',
      'export async function f(ids: number[]): Promise<void> {',
      '  for (const id of ids) {',
      '    const { rows } = await sql<{ id: number }>`SELECT * FROM users WHERE id = ${id}`.execute(db);',
      '    console.log(rows);',
      '  }',
      '}',
      '',
    ].join('\n');
    fixed['kysely-lookup.ts'] = lookup(kysely, 'id = ${id}', 'users');
    assert.ok(fixed['kysely-lookup.ts'].includes('  const { rows: allUsers } = await sql<{ id: number }>`SELECT * FROM users WHERE id = ANY(${ids})`.execute(db);\n  for (const id of ids) {'));
    const knex = [
      "import knex from 'knex';",
      "const db = knex({ client: 'pg' });",
      'export async function f(users: { id: number }[]): Promise<void> {',
      "  for (const u of users) await db.raw('SELECT * FROM orders WHERE user_id = ?', [u.id]);",
      '}',
      '',
    ].join('\n');
    fixed['knex-lookup.ts'] = lookup(knex, 'user_id = ?', 'orders');
    assert.ok(fixed['knex-lookup.ts'].includes("  const uIds = users.map((u) => u.id);\n  const { rows: allOrders } = await db.raw('SELECT * FROM orders WHERE user_id = ANY(?)', [uIds]);\n"));
  });

  it('n-plus-one, better-sqlite3: json_each over the keys, all rows', () => {
    const text = [
      "import Database from 'better-sqlite3';",
      "const db = new Database(':memory:');",
      'export function f(): void {',
      "  const posts = db.prepare('SELECT id, author_id FROM posts').all() as { id: number; author_id: number }[];",
      '  for (const post of posts) {',
      "    const author = db.prepare('SELECT * FROM users WHERE id = ?').get(post.author_id);",
      '    console.log(author);',
      '  }',
      '}',
      '',
    ].join('\n');
    fixed['sqlite-lookup.ts'] = lookup(text, 'id = ?', 'users', 'sqlite');
    assert.ok(fixed['sqlite-lookup.ts'].includes("  const authorIds = posts.map((post) => post.author_id);\n  const allUsers = db.prepare('SELECT * FROM users WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(authorIds));\n"));
  });

  it('an INSERT per item → one multi-row INSERT (node-postgres, postgres.js), better-sqlite3 runs in one transaction', () => {
    const pg = PG + [
      'export async function save(client: PoolClient, items: { id: number; kind: string }[]): Promise<void> {',
      '  for (const item of items) {',
      "    await client.query('INSERT INTO events (id, kind) VALUES ($1, $2) ON CONFLICT DO NOTHING', [item.id, item.kind]);",
      '  }',
      '}',
      '',
    ].join('\n');
    fixed['pg-insert.ts'] = loopWrite(pg);
    assert.equal(fixed['pg-insert.ts'], PG + [
      'export async function save(client: PoolClient, items: { id: number; kind: string }[]): Promise<void> {',
      '  // QueryLens commit-in-loop: one statement for all of items (PostgreSQL takes up to 65,535 parameters: chunk longer lists).',
      '  if (items.length > 0) {',
      '    await client.query(',
      '      `INSERT INTO events (id, kind) VALUES ${items.map((_, i) => `($${i * 2 + 1}, $${i * 2 + 2})`).join(\', \')} ON CONFLICT DO NOTHING`,',
      '      items.flatMap((item) => [item.id, item.kind]),',
      '    );',
      '  }',
      '}',
      '',
    ].join('\n'));
    // A value with a comma inside a string is one value of the row.
    const quoted = PG + [
      'export async function tag(client: PoolClient, items: { id: number }[]): Promise<void> {',
      "  for (const item of items) await client.query('INSERT INTO events (id, kind) VALUES ($1, $2)', [item.id, 'a, \\'b\\', c']);",
      '}',
      '',
    ].join('\n');
    fixed['pg-insert-quoted.ts'] = loopWrite(quoted);
    assert.ok(fixed['pg-insert-quoted.ts'].includes("      items.flatMap((item) => [item.id, 'a, \\'b\\', c']),\n"), fixed['pg-insert-quoted.ts']);
    const postgres = [
      "import postgres from 'postgres';",
      'const sql = postgres();',
      'export async function save(items: { id: number; kind: string }[]): Promise<void> {',
      '  for (const item of items) await sql`INSERT INTO events (id, kind) VALUES (${item.id}, ${item.kind})`;',
      '}',
      '',
    ].join('\n');
    fixed['postgres-insert.ts'] = loopWrite(postgres);
    assert.ok(fixed['postgres-insert.ts'].includes('  if (items.length > 0) {\n    await sql`INSERT INTO events ${sql(items.map((item) => ({ id: item.id, kind: item.kind })))}`;\n  }'));
    const sqlite = [
      "import Database from 'better-sqlite3';",
      "const db = new Database(':memory:');",
      'export function save(rows: { a: number; b: string }[]): void {',
      "  const insert = db.prepare('INSERT INTO t (a, b) VALUES (?, ?)');",
      '  for (const r of rows) {',
      '    insert.run(r.a, r.b);',
      '  }',
      '}',
      '',
    ].join('\n');
    fixed['sqlite-insert.ts'] = loopWrite(sqlite, 'sqlite');
    assert.ok(fixed['sqlite-insert.ts'].includes('  db.transaction(() => {\n    for (const r of rows) {\n      insert.run(r.a, r.b);\n    }\n  })();\n}'), fixed['sqlite-insert.ts']);
  });

  it('mysql2: VALUES ? with one array per item (execute becomes query, which expands it)', () => {
    const text = [
      "import mysql from 'mysql2/promise';",
      'const pool = mysql.createPool({});',
      'export async function save(items) {',
      "  for (const item of items) await pool.execute('INSERT INTO events (id, kind) VALUES (?, ?)', [item.id, item.kind]);",
      '}',
    ].join('\n');
    assert.ok(loopWrite(text, 'mysql').includes("    await pool.query('INSERT INTO events (id, kind) VALUES ?', [items.map((item) => [item.id, item.kind])]);"));
  });

  it('a DELETE per key → one DELETE over all keys', () => {
    const text = PG + [
      'export async function logout(ids: number[], users: { id: number }[]): Promise<void> {',
      "  for (const id of ids) await pool.query('DELETE FROM sessions WHERE user_id = $1', [id]);",
      '}',
      '',
    ].join('\n');
    fixed['pg-delete.ts'] = loopWrite(text, 'postgres', 'user_id = $1');
    assert.ok(fixed['pg-delete.ts'].includes("  // QueryLens commit-in-loop: one DELETE for all of ids.\n  await pool.query('DELETE FROM sessions WHERE user_id = ANY($1)', [ids]);\n}"));
  });

  it('leaves code it cannot rewrite safely alone', () => {
    // More in the loop than the INSERT: the loop stays.
    const text = PG + "export async function f(items: { id: number }[]) {\n  for (const item of items) {\n    await pool.query('INSERT INTO t (id) VALUES ($1)', [item.id]);\n    console.log(item);\n  }\n}\n";
    const x = extractTypeScript(text, 'a.ts');
    const query = x.queries[0]!;
    assert.equal(multiRowInsertFix({ text, query, loop: query.loops[0]!, dialect: 'postgres' }), undefined);
    // RETURNING rows per item cannot become one INSERT without changing what the loop reads.
    const returning = text.replace("VALUES ($1)'", "VALUES ($1) RETURNING id'").replace('    console.log(item);\n', '');
    const r = extractTypeScript(returning, 'a.ts').queries[0]!;
    assert.equal(multiRowInsertFix({ text: returning, query: r, loop: r.loops[0]!, dialect: 'postgres' }), undefined);
  });

  it('every fixed file compiles against the libraries\' type definitions (tsc --noEmit, strict)', () => {
    const names = Object.keys(fixed);
    assert.ok(names.length >= 8, names.join(', '));
    const errors = typecheck(fixed);
    assert.deepEqual(errors, Object.fromEntries(names.map((n) => [n, []])));
  });
});
