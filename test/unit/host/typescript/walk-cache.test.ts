import * as assert from 'node:assert/strict';
import { hostParser, initHostParsers } from '../../../../server/src/core/host/treesitter';
import type { HostExtraction } from '../../../../server/src/core/host/types';
import { builderQuery } from '../../../../server/src/core/host/typescript/builders';
import { extractTypeScript } from '../../../../server/src/core/host/typescript/extract';
import { hostQueryKey, WalkCache } from '../../../../server/src/core/host/walk-cache';

/**
 * Typing in a TypeScript file (the language server): each version is
 * extracted with the file's cache, which takes over the functions met before,
 * and must give exactly what a fresh extraction of that text gives.
 */
const SERVICE = [
  "import { Pool } from 'pg';",
  "import Knex from 'knex';",
  "import { Kysely, PostgresDialect, sql } from 'kysely';",
  '',
  'const pool = new Pool({ max: 10 });',
  "const knex = Knex({ client: 'pg' });",
  'const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });',
  "const ACTIVE_USERS = 'SELECT id, email FROM users WHERE active = true';",
  '',
  '/** Every project of an account, with its tasks. */',
  'export async function projectsWithTasks(accountId: number) {',
  "  const { rows: projects } = await pool.query('SELECT id, name FROM projects WHERE account_id = $1', [accountId]);",
  '  for (const project of projects) {',
  "    const { rows } = await pool.query('SELECT id, title FROM tasks WHERE project_id = $1', [project.id]);",
  '    project.tasks = rows;',
  '  }',
  '  return projects;',
  '}',
  '',
  "const TITLE_PATTERN = '%urgent%';",
  '',
  'export async function urgentTasks() {',
  "  const { rows } = await pool.query('SELECT id FROM tasks WHERE title LIKE $1', [TITLE_PATTERN]);",
  '  return rows;',
  '}',
  '',
  'export async function activeUsers() {',
  '  const { rows } = await pool.query(ACTIVE_USERS);',
  '  return rows;',
  '}',
  '',
  'export const searchTasks = async (q: string) =>',
  "  knex('tasks').where('title', 'like', `%${q}%`).select('id', 'title').limit(50);",
  '',
  '/** `store` is no knex instance the file knows of: not read as a query. */',
  'export async function archived(ids: number[]) {',
  "  return store('archive').whereIn('id', ids).select('id');",
  '}',
  '',
  'export async function assignAll(taskIds: number[], userId: number) {',
  '  await knex.transaction(async (trx) => {',
  '    for (const id of taskIds) {',
  "      await trx('assignments').insert({ task_id: id, user_id: userId });",
  '    }',
  '  });',
  '}',
  '',
  'export class CommentService {',
  '  async commentsOf(taskIds: number[]) {',
  '    return Promise.all(taskIds.map(async (id) => {',
  "      const { rows } = await pool.query('SELECT body FROM comments WHERE task_id = $1 ORDER BY created_at', [id]);",
  '      return rows;',
  '    }));',
  '  }',
  '',
  '  async latest(taskId: number) {',
  "    return db.selectFrom('comments').select(['id', 'body']).where('task_id', '=', taskId).orderBy('created_at', 'desc').executeTakeFirst();",
  '  }',
  '}',
  '',
  'export async function overdue(projectId: number) {',
  "  const tasks = await db.selectFrom('tasks').selectAll().where('project_id', '=', projectId).execute();",
  '  for (const task of tasks) {',
  "    await sql`UPDATE tasks SET overdue = true WHERE id = ${task.id}`.execute(db);",
  '  }',
  '}',
  '',
  'export async function importRows(rows: { email: string }[]) {',
  '  const client = await pool.connect();',
  '  for (const row of rows) {',
  "    await client.query('INSERT INTO users (email) VALUES ($1)', [row.email]);",
  '    await client.commit();',
  '  }',
  '}',
  '',
].join('\n');

/** Replaces the first occurrence of `from` (which must be there). */
function replaced(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  assert.ok(at >= 0, `not in the text: ${from}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/**
 * The extraction of every version, with the cache and fresh; the two must be
 * the same. Fresh: each text parsed anew. With the cache: each version parsed
 * as an edit of the one before (the language server), the syntax tree's copy
 * taking over the unchanged statements, version after version.
 */
function typing(versions: string[]): HostExtraction[] {
  const parser = hostParser('typescript');
  const fresh = versions.map((text) => {
    parser.clear();
    return extractTypeScript(text, 'src/service.ts', { builderQuery });
  });
  parser.clear();
  const cache = new WalkCache();
  return versions.map((text, i) => {
    const incremental = extractTypeScript(text, 'src/service.ts', { builderQuery, walkCache: cache });
    assert.deepEqual(incremental, fresh[i], `version ${i}`);
    return incremental;
  });
}

/** The query whose text (SQL or chain) contains `needle`. */
function query(extraction: HostExtraction, text: string, needle: string) {
  const found = extraction.queries.find((q) => text.slice(q.span.start, q.span.end).includes(needle));
  assert.ok(found, `no query with ${needle}`);
  return found;
}

describe('host/typescript: the extraction cache (typing)', () => {
  before(() => initHostParsers());
  afterEach(() => hostParser('typescript').clear());

  it('reads the service the way the rules need it (the file the edits below start from)', () => {
    const [x] = typing([SERVICE]);
    assert.equal(x!.queries.length, 11);
    assert.deepEqual(query(x!, SERVICE, 'LIKE $1').boundPatterns?.map((b) => b.pattern), ['%urgent%']);
    const inner = query(x!, SERVICE, 'FROM tasks WHERE project_id');
    assert.equal(inner.loops.length, 1);
    assert.equal(inner.loops[0]!.iterableQuery, x!.queries.indexOf(query(x!, SERVICE, 'FROM projects')));
    assert.equal(query(x!, SERVICE, "trx('assignments')").kind, 'orm');
    assert.deepEqual(x!.writes.map((w) => [w.kind, SERVICE.slice(w.span.start, w.span.end)]), [
      ['insert', "await trx('assignments').insert({ task_id: id, user_id: userId })"],
      ['insert', "await client.query('INSERT INTO users (email) VALUES ($1)', [row.email])"],
      ['commit', 'await client.commit()'],
    ]);
  });

  it('takes over the functions an edit did not touch, moved to their new place, and reads the edited one again', () => {
    const v1 = replaced(SERVICE, 'SELECT id, name FROM projects', 'SELECT id, name, slug FROM projects');
    const v2 = replaced(v1, "const { rows } = await pool.query('SELECT body", "const {  rows } = await pool.query('SELECT body");
    const v3 = replaced(v2, '.limit(50)', '.limit(51)');
    const overdue = (x: HostExtraction, text: string) => query(x, text, 'UPDATE tasks SET overdue');
    // An untouched function: the same walk's queries, at their new offsets (a version holds until the next is read: see below).
    const [x0, x1] = typing([SERVICE, v1]);
    assert.equal(overdue(x0!, SERVICE).span.start + 6, overdue(x1!, v1).span.start);
    assert.equal(hostQueryKey(overdue(x1!, v1)), hostQueryKey(overdue(x0!, SERVICE)));
    assert.ok(hostQueryKey(overdue(x0!, SERVICE)));
    // The edited function: read again.
    assert.notEqual(hostQueryKey(query(x1!, v1, 'FROM projects')), hostQueryKey(query(x0!, SERVICE, 'FROM projects')));
    const [, y1, y2, y3] = typing([SERVICE, v1, v2, v3]);
    // A method edited: its class is read again, the functions around it are not.
    assert.notEqual(hostQueryKey(query(y2!, v2, "selectFrom('comments')")), hostQueryKey(query(y1!, v1, "selectFrom('comments')")));
    assert.equal(hostQueryKey(query(y2!, v2, "trx('assignments')")), hostQueryKey(query(y1!, v1, "trx('assignments')")));
    assert.equal(query(y3!, v3, "knex('tasks')").model?.limit?.value, 51);
    // SQL from a module-level const: the function depends on more than its text, and is read every time.
    assert.equal(hostQueryKey(query(y3!, v3, 'ACTIVE_USERS')), undefined);
  });

  it('moves a function it took over in place from its second move on: no copy of its queries per keystroke above it', () => {
    const v1 = replaced(SERVICE, 'SELECT id, name FROM projects', 'SELECT id, name, slug FROM projects');
    const v2 = replaced(v1, 'SELECT id, name, slug FROM projects', 'SELECT id,  name, slug FROM projects');
    const overdue = (x: HostExtraction, text: string) => query(x, text, 'UPDATE tasks SET overdue');
    const [x0, x1, x2] = typing([SERVICE, v1, v2]);
    const first = overdue(x0!, SERVICE);
    // The first move copies (the query as first read stays where it was read)...
    assert.ok(!x1!.queries.includes(first));
    assert.ok(SERVICE.slice(first.span.start, first.span.end).includes('UPDATE tasks SET overdue'));
    // ...the next moves that copy in place: the same objects, at the place the edit moved them to.
    const moved = overdue(x2!, v2);
    assert.ok(x1!.queries.includes(moved));
    assert.equal(moved.span.start, first.span.start + 7);
    assert.equal(moved.sql!.offsets[0], first.sql!.offsets[0]! + 7);
    assert.equal(hostQueryKey(moved), hostQueryKey(first));
  });

  it('reads every function again when what they share changes: an import, a module-level const, the knex verdict of a name', () => {
    const versions = [
      SERVICE,
      // The module-level SQL const.
      replaced(SERVICE, 'WHERE active = true', 'WHERE active = true AND deleted_at IS NULL'),
      // An import: `db` is no longer Kysely's.
      replaced(SERVICE, "import { Kysely, PostgresDialect, sql } from 'kysely';", "import { PostgresDialect, sql } from 'kysely';\nimport { Kysely } from './kysely';"),
      // `store` typed as knex in another function: `archived` sends a query now.
      replaced(SERVICE, 'export async function overdue(projectId: number) {', 'export async function overdue(projectId: number, store: Knex) {'),
      // The module-level const a function binds as a LIKE pattern.
      replaced(SERVICE, "'%urgent%'", "'urgent%'"),
      // A knex client configured in a function: the file's dialect, which Kysely's sql`` is read in.
      replaced(SERVICE, '  await knex.transaction(async (trx) => {', "  const sqlite = Knex({ client: 'sqlite3' });\n  await knex.transaction(async (trx) => {"),
      // A const declared between functions.
      replaced(SERVICE, 'export async function activeUsers() {', "const projectId = 'p1';\nexport async function activeUsers() {"),
    ];
    const x = typing(versions.flatMap((v) => [SERVICE, v]));
    assert.deepEqual([x[6]!, x[7]!].map((e) => e.queries.length), [11, 12]);
  });

  it('reads every function again when the file starts naming a builder: chains are read only in a file that may hold one', () => {
    const plain = [
      "import { Pool } from 'pg';",
      'const pool = new Pool();',
      'export async function archived(ids: number[]) {',
      "  return store('archive').whereIn('id', ids).select('id');",
      '}',
      'export async function count() {',
      "  const { rows } = await pool.query('SELECT count(*) FROM tasks');",
      '  return rows;',
      '}',
      '',
    ].join('\n');
    // `store` typed as knex in another function: the first text that names knex (`Knex`).
    const x = typing([plain, `${plain}export function keep(store: Knex) {}\n`, plain]);
    assert.deepEqual(x.map((e) => e.queries.length), [1, 2, 1]);
  });

  it('keeps to a fresh read through syntax errors, moved and removed functions and new ones', () => {
    const broken = replaced(SERVICE, "  return projects;\n}", '  return projects;\n');
    const unclosed = replaced(SERVICE, "'SELECT id, title FROM tasks WHERE project_id = $1'", "'SELECT id, title FROM tasks WHERE project_id = $1");
    const start = SERVICE.indexOf('export async function activeUsers');
    const end = SERVICE.indexOf('export const searchTasks');
    const moved = SERVICE.slice(0, start) + SERVICE.slice(end) + SERVICE.slice(start, end);
    const removed = SERVICE.slice(0, start) + SERVICE.slice(end);
    // A function moved above the const it reads: the const is no longer visible to it.
    const urgent = SERVICE.indexOf('export async function urgentTasks');
    const above = SERVICE.indexOf("const TITLE_PATTERN");
    const raised = SERVICE.slice(0, above) + SERVICE.slice(urgent, start) + SERVICE.slice(above, urgent) + SERVICE.slice(start);
    const twice = SERVICE + SERVICE.slice(SERVICE.indexOf('export async function overdue')).replace('overdue(', 'overdueAgain(');
    // A function no longer exported, then exported again: its declaration moves in and out of the export statement.
    const unexported = replaced(SERVICE, 'export async function overdue', 'async function overdue');
    const x = typing([SERVICE, broken, SERVICE, unclosed, SERVICE, moved, removed, SERVICE, twice, SERVICE, raised, SERVICE, unexported, SERVICE, unexported]);
    assert.equal(query(x[10]!, raised, 'LIKE $1').boundPatterns, undefined);
  });

  it('keeps to a fresh read keystroke after keystroke, in one function and across the file', () => {
    // Typing `WHERE` clauses and spaces at several places, each keystroke a version.
    const places = ['ORDER BY created_at', 'project.tasks = rows;', '.limit(50)', "selectAll()", 'return rows;\n}\n\nexport async function activeUsers'];
    const versions = [SERVICE];
    let text = SERVICE;
    for (const [i, place] of places.entries()) {
      for (const c of (i % 2 ? ' x ' : '  ')) {
        const at = text.indexOf(place) + Math.floor(place.length / 2);
        text = text.slice(0, at) + c + text.slice(at);
        versions.push(text);
      }
    }
    for (let i = 0; i < 6; i++) versions.push((text = text.replace('  ', ' ')));
    const x = typing(versions);
    assert.equal(x.length, versions.length);
  });
});
