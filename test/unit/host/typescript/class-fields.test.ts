import * as assert from 'node:assert/strict';
import { extractHost } from '../../../../server/src/core/host/extract';
import { extractTypeScript } from '../../../../server/src/core/host/typescript/extract';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import { nPlusOne } from '../../../../server/src/core/rules/n-plus-one';
import { hostRuleTester } from '../../rules/host-harness';
import { covered } from '../rust/helpers';

/** Each query as [the call it spans, the SQL literal, terminal, preparedFrom]. */
function queries(text: string, file = 'src/repo.ts'): [string, string | undefined, string, number | undefined][] {
  return extractHost(file, text)!.queries.map((q) => [covered(text, q.span), q.sql ? covered(text, q.sql.literal) : undefined, q.terminal, q.preparedFrom]);
}

describe('host/typescript: statements held by class fields and const objects', () => {
  before(() => initHostParsers());

  it('a repository class (NestJS style): readonly and static fields run through this.pool, Kysely and knex held as fields', () => {
    const text = [
      "import { Pool } from 'pg';",
      "import { Kysely } from 'kysely';",
      "import type { Knex } from 'knex';",
      'export class UserRepository {',
      "  private readonly findSql = 'SELECT * FROM users WHERE id = $1';",
      "  static readonly LIST = 'SELECT * FROM users ORDER BY id';",
      '  constructor(private readonly pool: Pool, private readonly db: Kysely<any>, private readonly knex: Knex) {}',
      '  async find(id: number) {',
      '    return (await this.pool.query(this.findSql, [id])).rows[0];',
      '  }',
      '  async list() {',
      '    return this.pool.query(UserRepository.LIST);',
      '  }',
      '  async byEmail(email: string) {',
      "    return this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();",
      '  }',
      '  async byOrg(org: number) {',
      "    return this.knex('users').where({ org_id: org });",
      '  }',
      '}',
    ].join('\n');
    assert.deepEqual(queries(text), [
      ['await this.pool.query(this.findSql, [id])', "'SELECT * FROM users WHERE id = $1'", 'first', undefined],
      ['this.pool.query(UserRepository.LIST)', "'SELECT * FROM users ORDER BY id'", 'all', undefined],
      ["this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()", undefined, 'first', undefined],
      ["this.knex('users').where({ org_id: org })", undefined, 'all', undefined],
    ]);
    const [find] = extractTypeScript(text, 'src/repo.ts').queries;
    assert.equal(find!.sql?.dialect, 'postgres');
    assert.deepEqual(find!.parameterRoots, ['id']);
  });

  it('better-sqlite3 statements prepared in fields and run from methods; private (#) fields in JavaScript', () => {
    const text = [
      "const Database = require('better-sqlite3');",
      'class Store {',
      "  db = new Database('app.db');",
      "  findUser = this.db.prepare('SELECT * FROM users WHERE id = ?');",
      "  #count = 'SELECT count(*) AS n FROM users';",
      '  user(id) { return this.findUser.get(id); }',
      '  all(ids) { return ids.map((id) => this.findUser.get(id)); }',
      '  count() { return this.db.prepare(this.#count).get(); }',
      '}',
      'module.exports = Store;',
    ].join('\n');
    assert.deepEqual(queries(text, 'store.js'), [
      ["this.db.prepare('SELECT * FROM users WHERE id = ?')", "'SELECT * FROM users WHERE id = ?'", 'unknown', undefined],
      ['this.findUser.get(id)', "'SELECT * FROM users WHERE id = ?'", 'first', 0],
      ['this.findUser.get(id)', "'SELECT * FROM users WHERE id = ?'", 'first', 0],
      ['this.db.prepare(this.#count).get()', "'SELECT count(*) AS n FROM users'", 'first', undefined],
    ]);
    assert.deepEqual(extractTypeScript(text, 'store.js').queries[2]!.loops.map((l) => [l.kind, l.iterable]), [['iterator-closure', 'ids']]);
  });

  it('statements made once in the constructor (this.x = ..) and run from methods; not one the class assigns again or only sometimes', () => {
    const text = [
      "import Database from 'better-sqlite3';",
      "import postgres from 'postgres';",
      "const sql = postgres('postgres://localhost/app');",
      'export class Store {',
      '  private findUser: Database.Statement;',
      '  constructor(db: Database.Database, reset: boolean) {',
      "    this.findUser = db.prepare('SELECT * FROM users WHERE id = ?');",
      "    this.teams = sql`SELECT id FROM teams`;",
      "    this.again = db.prepare('SELECT * FROM orgs WHERE id = ?');",
      "    if (reset) this.maybe = db.prepare('SELECT * FROM plans WHERE id = ?');",
      '  }',
      '  user(id: number) { return this.findUser.get(id); }',
      '  async teamList() { return await this.teams; }',
      "  reopen(db: Database.Database) { this.again = db.prepare('SELECT * FROM orgs WHERE name = ?'); }",
      '  org(id: number) { return this.again.get(id); }',
      '  plan(id: number) { return this.maybe.get(id); }',
      '}',
    ].join('\n');
    assert.deepEqual(queries(text), [
      ["db.prepare('SELECT * FROM users WHERE id = ?')", "'SELECT * FROM users WHERE id = ?'", 'unknown', undefined],
      ["db.prepare('SELECT * FROM orgs WHERE id = ?')", "'SELECT * FROM orgs WHERE id = ?'", 'unknown', undefined],
      ["db.prepare('SELECT * FROM plans WHERE id = ?')", "'SELECT * FROM plans WHERE id = ?'", 'unknown', undefined],
      ['this.findUser.get(id)', "'SELECT * FROM users WHERE id = ?'", 'first', 0],
      ['await this.teams', '`SELECT id FROM teams`', 'all', undefined],
      // `this.again` is assigned again in reopen(), `this.maybe` only under an `if`: their runs are not read.
      ["db.prepare('SELECT * FROM orgs WHERE name = ?')", "'SELECT * FROM orgs WHERE name = ?'", 'unknown', undefined],
    ]);
  });

  it('a property of a const object of queries; not a field the class assigns again, nor one of another class', () => {
    const text = [
      "import { Pool } from 'pg';",
      'const pool = new Pool();',
      "const QUERIES = { byOrg: 'SELECT * FROM users WHERE org_id = $1', count: 'SELECT count(*) FROM users' } as const;",
      'export const byOrg = (org: number) => pool.query(QUERIES.byOrg, [org]);',
      'class Mutable {',
      "  sql = 'SELECT * FROM users';",
      "  narrow() { this.sql += ' WHERE id = 1'; }",
      '  run() { return pool.query(this.sql); }',
      '}',
      'class Other {',
      "  static Q = 'SELECT * FROM teams';",
      '  run() { return pool.query(this.Q); }',
      '}',
      'export { Mutable, Other };',
    ].join('\n');
    assert.deepEqual(queries(text), [
      ['pool.query(QUERIES.byOrg, [org])', "'SELECT * FROM users WHERE org_id = $1'", 'all', undefined],
      // `this.Q` in an instance method is no static field: nothing is read.
    ]);
  });
});

const repo = [
  "import { Pool } from 'pg';",
  'export class MemoryService {',
  "  private readonly agentsSql = 'SELECT id FROM agents WHERE organization_id = $1';",
  "  private readonly memoriesSql = 'SELECT * FROM memories WHERE agent_id = $1';",
  '  constructor(private readonly pool: Pool) {}',
  '  async perAgent(org: number) {',
  '    const { rows: agents } = await this.pool.query(this.agentsSql, [org]);',
  '    for (const agent of agents) {',
  '      const { rows } = await this.pool.query(this.memoriesSql, [agent.id]);',
  '      console.log(rows.length);',
  '    }',
  '  }',
  '}',
  '',
].join('\n');

hostRuleTester(nPlusOne, 'TypeScript class fields', {
  valid: [],
  invalid: [
    {
      name: 'the SQL in readonly fields, run through this.pool in a loop over the rows of the first',
      language: 'typescript',
      schema: 'CREATE TABLE agents (id bigint PRIMARY KEY, organization_id bigint); CREATE TABLE memories (id bigint PRIMARY KEY, agent_id bigint);',
      host: (code) => extractTypeScript(code, '/ws/app.ts'),
      code: repo,
      // The SQL is in a field, not in the call: the batched rewrite is not offered.
      errors: [{ message: ['Query on memories runs once per agent of the query on line 7'], span: 'await this.pool.query(this.memoriesSql, [agent.id])', fixes: [] }],
    },
  ],
});
