import * as assert from 'node:assert/strict';
import { extractTypeScript } from '../../../server/src/core/host/typescript/extract';
import { commitInLoop } from '../../../server/src/core/rules/commit-in-loop';
import { leadingWildcardLike } from '../../../server/src/core/rules/leading-wildcard-like';
import { builderQuery } from '../../../server/src/core/host/typescript/builders';
import { missingCompositeIndex } from '../../../server/src/core/rules/missing-composite-index';
import { nPlusOne } from '../../../server/src/core/rules/n-plus-one';
import { selectStar } from '../../../server/src/core/rules/select-star';
import { unpaginatedQuery } from '../../../server/src/core/rules/unpaginated-query';
import { typecheck } from '../host/typescript/typecheck';
import { applyInFileFixes } from './harness';
import { hostRuleTester, runHostRule } from './host-harness';

// The host rules on TypeScript and JavaScript, with the real extractor: the seed's agent platform on node-postgres.
const schema = `
CREATE TABLE agents (id bigint PRIMARY KEY, organization_id bigint NOT NULL, name text NOT NULL);
CREATE INDEX agents_organization_id ON agents (organization_id);
CREATE TABLE memories (id bigint PRIMARY KEY, agent_id bigint NOT NULL REFERENCES agents (id), body text NOT NULL);
CREATE INDEX memories_agent_id ON memories (agent_id);
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL);
`;
const ts = (file = 'app.ts') => (code: string) => extractTypeScript(code, `/ws/${file}`);
const base = { language: 'typescript' as const, schema, host: ts() };

const PG = "import { Pool } from 'pg';\nconst pool = new Pool();\n";

const seed = PG + `
export async function memoriesPerAgent(org: number): Promise<void> {
  const { rows: agents } = await pool.query<{ id: number; name: string }>('SELECT id, name FROM agents WHERE organization_id = $1', [org]);
  for (const agent of agents) {
    const { rows: memories } = await pool.query('SELECT * FROM memories WHERE agent_id = $1', [agent.id]);
    console.log(agent.name, memories.length);
  }
}
`;
const seedFixed = seed.replace('  for (const agent of agents) {\n', [
  '  // QueryLens n-plus-one: one query for every agent; use these rows in the loop instead of its query.',
  '  const agent_ids = agents.map((agent) => agent.id);',
  "  const { rows: all_memories } = await pool.query('SELECT * FROM memories WHERE agent_id = ANY($1)', [agent_ids]);",
  '  for (const agent of agents) {',
  '',
].join('\n'));

// `.map` into Promise.all: still one query per row; the batched query goes above the statement.
const mapped = PG + `
export async function memoriesPerAgent(org: number): Promise<number[]> {
  const { rows: agents } = await pool.query<{ id: number }>('SELECT id FROM agents WHERE organization_id = $1', [org]);
  const results = await Promise.all(agents.map((agent) => pool.query('SELECT * FROM memories WHERE agent_id = $1', [agent.id])));
  return results.map((r) => r.rowCount ?? 0);
}
`;
const mappedFixed = mapped.replace('  const results = await Promise.all(', [
  '  // QueryLens n-plus-one: one query for every agent; use these rows in the loop instead of its query.',
  '  const agent_ids = agents.map((agent) => agent.id);',
  "  const { rows: all_memories } = await pool.query('SELECT * FROM memories WHERE agent_id = ANY($1)', [agent_ids]);",
  '  const results = await Promise.all(',
].join('\n'));

const postgresMapped = "import postgres from 'postgres';\nconst sql = postgres();\nexport async function f() {\n  const agents = await sql<{ id: number }[]>`SELECT id FROM agents`;\n  await Promise.all(agents.map(async (agent) => sql`SELECT * FROM memories WHERE agent_id = ${agent.id}`));\n}\n";
// A NestJS job on a timer.
const sweeper = PG + `import { Interval } from '@nestjs/schedule';
export class Sweeper {
  @Interval('sweep', 86400000)
  async sweep(): Promise<void> {
    const { rows: agents } = await pool.query<{ id: number }>('SELECT id FROM agents');
    for (const agent of agents) {
      await pool.query('SELECT * FROM memories WHERE agent_id = $1', [agent.id]);
    }
  }
}
`;

hostRuleTester(nPlusOne, 'TypeScript', {
  valid: [
    { ...base, name: 'a query per id of a parameter list (not the rows of a query)', code: PG + "export async function f(ids: number[]) {\n  for (const id of ids) await pool.query('SELECT * FROM memories WHERE agent_id = $1', [id]);\n}\n" },
    { ...base, name: 'one query before the loop', code: PG + "export async function f() {\n  const { rows } = await pool.query('SELECT * FROM memories');\n  for (const m of rows) console.log(m);\n}\n" },
  ],
  invalid: [
    {
      ...base,
      name: 'the seed: the memories of each agent, one query each (node-postgres)',
      code: seed,
      errors: [{
        message: ['Query on memories runs once per agent of the query on line 5', '(WHERE agent_id = ANY($1))'],
        span: "await pool.query('SELECT * FROM memories WHERE agent_id = $1', [agent.id])",
        fixes: ['Insert one query for all agent rows above the loop (review, then use its rows)'],
      }],
      output: seedFixed,
    },
    {
      ...base,
      name: 'postgres.js in Promise.all(rows.map(..)): still one query per row, only sent together; the batched query awaited above the statement',
      code: postgresMapped,
      errors: [{ message: ['Query on memories runs once per agent of the query on line 4'], span: 'sql`SELECT * FROM memories WHERE agent_id = ${agent.id}`', fixes: ['Insert one query for all agent rows above the loop (review, then use its rows)'] }],
      output: postgresMapped.replace('  await Promise.all(', [
        '  // QueryLens n-plus-one: one query for every agent; use these rows in the loop instead of its query.',
        '  const agent_ids = agents.map((agent) => agent.id);',
        '  const all_memories = await sql`SELECT * FROM memories WHERE agent_id = ANY(${agent_ids})`;',
        '  await Promise.all(',
      ].join('\n')),
    },
    {
      ...base,
      name: "the latest rows of each agent (ORDER BY ... LIMIT per key): ranked per key in the advice, no rewrite (its LIMIT would cut all keys' rows)",
      code: seed.replace("'SELECT * FROM memories WHERE agent_id = $1'", "'SELECT * FROM memories WHERE agent_id = $1 ORDER BY id DESC LIMIT 20'"),
      errors: [{
        message: [
          'Query on memories runs once per agent of the query on line 5: N+1 round trips (one for the list, one per row), so the time grows with the rows. ' +
            "Fetch them in one query over the collected keys (WHERE agent_id = ANY($1), each key's first 20 rows ranked by ROW_NUMBER() OVER (PARTITION BY agent_id ORDER BY id DESC) <= 20: " +
            "a LIMIT would cut the whole result, not each key's rows) before the loop and match rows by agent_id inside it.",
        ],
        span: "await pool.query('SELECT * FROM memories WHERE agent_id = $1 ORDER BY id DESC LIMIT 20', [agent.id])",
        fixes: [],
      }],
    },
    {
      ...base,
      name: 'the latest row of each agent (LIMIT 1)',
      code: seed.replace("'SELECT * FROM memories WHERE agent_id = $1'", "'SELECT * FROM memories WHERE agent_id = $1 ORDER BY id DESC LIMIT 1'"),
      errors: [{
        message: ["(WHERE agent_id = ANY($1), each key's first row, ranked by ROW_NUMBER() OVER (PARTITION BY agent_id ORDER BY id DESC) = 1: a LIMIT would cut the whole result, not each key's rows)"],
        span: "await pool.query('SELECT * FROM memories WHERE agent_id = $1 ORDER BY id DESC LIMIT 1', [agent.id])",
        fixes: [],
      }],
    },
    {
      ...base,
      name: 'a count per agent: grouped by the key in the advice, no rewrite',
      code: seed.replace("'SELECT * FROM memories WHERE agent_id = $1'", "'SELECT count(*) FROM memories WHERE agent_id = $1'"),
      errors: [{
        message: ["(WHERE agent_id = ANY($1), GROUP BY agent_id: the aggregate would otherwise add up every key's rows)"],
        span: "await pool.query('SELECT count(*) FROM memories WHERE agent_id = $1', [agent.id])",
        fixes: [],
      }],
    },
    {
      ...base,
      name: 'in a scheduled job (@Interval): info, with the reason',
      code: sweeper,
      errors: [{
        message: [
          'Query on memories runs once per agent of the query on line 7',
          ' (It runs in the scheduled job sweep (@Interval), which no request waits for: worth batching only if the loop is long.)',
        ],
        span: "await pool.query('SELECT * FROM memories WHERE agent_id = $1', [agent.id])",
        fixes: ['Insert one query for all agent rows above the loop (review, then use its rows)'],
        tentative: true,
      }],
      output: sweeper.replace('    for (const agent of agents) {\n', [
        '    // QueryLens n-plus-one: one query for every agent; use these rows in the loop instead of its query.',
        '    const agent_ids = agents.map((agent) => agent.id);',
        "    const { rows: all_memories } = await pool.query('SELECT * FROM memories WHERE agent_id = ANY($1)', [agent_ids]);",
        '    for (const agent of agents) {',
        '',
      ].join('\n')),
    },
    {
      ...base,
      name: 'node-postgres in await Promise.all(rows.map((r) => pool.query(..))): one = ANY($1) query above the statement',
      code: mapped,
      errors: [{
        message: ['Query on memories runs once per agent of the query on line 5', '(WHERE agent_id = ANY($1))'],
        span: "pool.query('SELECT * FROM memories WHERE agent_id = $1', [agent.id])",
        fixes: ['Insert one query for all agent rows above the loop (review, then use its rows)'],
      }],
      output: mappedFixed,
    },
  ],
});

const inserts = PG + `
export async function save(items: { id: number; kind: string }[]): Promise<void> {
  for (const item of items) {
    await pool.query('INSERT INTO events (id, kind) VALUES ($1, $2)', [item.id, item.kind]);
  }
}
`;

hostRuleTester(commitInLoop, 'TypeScript', {
  valid: [
    { ...base, name: 'one INSERT after the loop', code: PG + "export async function f(items: { id: number }[]) {\n  const ids = items.map((i) => i.id);\n  await pool.query('INSERT INTO events (id, kind) SELECT unnest($1::bigint[]), $2', [ids, 'x']);\n}\n" },
  ],
  invalid: [
    {
      ...base,
      name: 'an INSERT per item: one multi-row INSERT instead',
      code: inserts,
      errors: [{
        message: ['INSERT runs once per item of items', 'one multi-row INSERT into the table (VALUES ($1, $2), ($3, $4), ...), postgres.js sql(rows), knex .insert(rows)'],
        span: "await pool.query('INSERT INTO events (id, kind) VALUES ($1, $2)', [item.id, item.kind])",
        fixes: ['Insert all of items with one INSERT'],
      }],
      output: inserts.replace(/  for \(const item[\s\S]*?\n  \}\n/, () => [
        '  // QueryLens commit-in-loop: one statement for all of items (PostgreSQL takes up to 65,535 parameters: chunk longer lists).',
        '  if (items.length > 0) {',
        '    await pool.query(',
        "      `INSERT INTO events (id, kind) VALUES ${items.map((_, i) => `($${i * 2 + 1}, $${i * 2 + 2})`).join(', ')}`,",
        '      items.flatMap((item) => [item.id, item.kind]),',
        '    );',
        '  }',
        '',
      ].join('\n')),
    },
    {
      ...base,
      name: 'a DELETE per key: one DELETE over all keys',
      code: PG + "export async function f(ids: number[]) {\n  for (const id of ids) await pool.query('DELETE FROM memories WHERE agent_id = $1', [id]);\n}\n",
      errors: [{ message: ['DELETE from memories runs once per id of ids', 'DELETE ... WHERE id = ANY($1)'], span: "await pool.query('DELETE FROM memories WHERE agent_id = $1', [id])", fixes: ['One DELETE for all of ids'] }],
      output: PG + "export async function f(ids: number[]) {\n  // QueryLens commit-in-loop: one DELETE for all of ids.\n  await pool.query('DELETE FROM memories WHERE agent_id = ANY($1)', [ids]);\n}\n",
    },
    {
      ...base,
      name: "a DELETE per key that keeps each key's latest rows (a LIMIT in its subquery): no IN list does that, info, no rewrite",
      code:
        PG +
        'export async function trim(ids: number[]) {\n' +
        '  for (const id of ids) {\n' +
        "    await pool.query('DELETE FROM memories WHERE agent_id = $1 AND id NOT IN (SELECT id FROM (SELECT id FROM memories WHERE agent_id = $1 ORDER BY id DESC LIMIT 100) AS kept)', [id]);\n" +
        '  }\n' +
        '}\n',
      errors: [{
        message: [
          'DELETE from memories runs once per id of ids: one round trip (and statement) per row. ' +
            "Its subquery takes or skips each item's first rows (LIMIT, OFFSET), so one statement over all keys would have to rank every key's rows " +
            '(ROW_NUMBER() OVER (PARTITION BY the key)) rather than list the keys: worth it only when the loop is long (info, no automatic rewrite).',
        ],
        span: "await pool.query('DELETE FROM memories WHERE agent_id = $1 AND id NOT IN (SELECT id FROM (SELECT id FROM memories WHERE agent_id = $1 ORDER BY id DESC LIMIT 100) AS kept)', [id])",
        fixes: [],
        tentative: true,
      }],
    },
    {
      ...base,
      name: 'the same with OFFSET (delete all but the newest rows of each key)',
      code:
        PG +
        'export async function trim(ids: number[], keep: number) {\n' +
        '  for (const id of ids) {\n' +
        "    await pool.query('DELETE FROM memories WHERE id IN (SELECT id FROM memories WHERE agent_id = $1 ORDER BY id DESC OFFSET $2)', [id, keep]);\n" +
        '  }\n' +
        '}\n',
      errors: [{
        message: ["Its subquery takes or skips each item's first rows (LIMIT, OFFSET)"],
        span: "await pool.query('DELETE FROM memories WHERE id IN (SELECT id FROM memories WHERE agent_id = $1 ORDER BY id DESC OFFSET $2)', [id, keep])",
        fixes: [],
        tentative: true,
      }],
    },
  ],
});

// Kysely with its CamelCasePlugin: the code names `workspaceId`, the database (and the migrations) `workspace_id`.
const camelSchema = `
CREATE TABLE labels (id uuid PRIMARY KEY, name varchar NOT NULL, type varchar NOT NULL, workspace_id uuid NOT NULL, creator_id uuid);
CREATE UNIQUE INDEX labels_workspace_id_type_name_unique ON labels (workspace_id, type, name);
`;
const KYSELY = "import { Kysely } from 'kysely';\ndeclare const db: Kysely<any>;\n";
const kysely = { ...base, schema: camelSchema, host: (code: string) => extractTypeScript(code, '/ws/app.ts', { builderQuery }) };

hostRuleTester(unpaginatedQuery, 'TypeScript', {
  valid: [
    { ...base, name: 'LIMIT', code: PG + "app.get('/agents', async (req, res) => res.json((await pool.query('SELECT * FROM agents LIMIT 50')).rows));\n" },
    { ...base, name: 'one row', code: PG + "app.get('/agents/:id', async (req, res) => res.json((await pool.query('SELECT * FROM agents WHERE name = $1', [req.params.id])).rows[0]));\n" },
    { ...base, name: 'a postgres.js cursor streams', code: "import postgres from 'postgres';\nconst sql = postgres();\nexport async function main() {\n  for await (const rows of sql`SELECT * FROM agents`.cursor(100)) console.log(rows);\n}\n" },
  ],
  invalid: [
    {
      ...base,
      name: 'in an express route: a warning, and LIMIT as a fix',
      code: PG + "app.get('/agents', async (req, res) => {\n  const { rows } = await pool.query('SELECT * FROM agents');\n  res.json(rows);\n});\n",
      errors: [{ message: ["Query reads agents without LIMIT in the request handler app.get('/agents')", 'Each request pays for the whole table'], span: 'SELECT * FROM agents', fixes: ['Add LIMIT 100'] }],
      output: PG + "app.get('/agents', async (req, res) => {\n  const { rows } = await pool.query('SELECT * FROM agents LIMIT 100');\n  res.json(rows);\n});\n",
    },
    {
      ...base,
      name: 'every row read, then filtered by the code: the filter belongs in the query, and no LIMIT (it would drop rows the code keeps)',
      code: PG + "app.get('/agents', async (req, res) => {\n  const { rows } = await pool.query('SELECT * FROM agents');\n  res.json(rows.filter((a) => a.organization_id === req.user.org));\n});\n",
      errors: [{
        message: [
          "Query reads every row of agents in the request handler app.get('/agents'), then the code keeps some of them (`rows.filter(...)` on line 5): " +
            'each call reads the whole table to return a part of it, and pays more as the table grows. Write that filter into the query, so that the ' +
            "database returns only the rows kept (and paginate those); a LIMIT before the code's filter would drop rows it keeps.",
        ],
        span: 'SELECT * FROM agents',
        fixes: [],
      }],
    },
    {
      ...kysely,
      name: 'a builder read whole, then filtered: the same, underlining the call',
      code: KYSELY + "export async function find(org: string) {\n  let labels = await db.selectFrom('labels').selectAll().execute();\n  labels = labels.filter((l) => l.workspaceId === org);\n  return labels;\n}\n",
      errors: [{
        message: ['Query reads every row of labels, then the code keeps some of them (`labels.filter(...)` on line 5)'],
        span: "await db.selectFrom('labels').selectAll().execute()",
        fixes: [],
        tentative: true,
      }],
    },
    {
      ...base,
      name: 'in a job (main): info, no LIMIT (a job must not drop rows), streaming advice',
      code: PG + "export async function main() {\n  const { rows } = await pool.query('SELECT * FROM agents');\n  console.log(rows.length);\n}\n",
      errors: [{ message: ['in main, which by its name works over every row', 'postgres.js .cursor()'], span: 'SELECT * FROM agents', fixes: [], tentative: true }],
    },
  ],
});

hostRuleTester(leadingWildcardLike, 'TypeScript', {
  valid: [
    { ...base, name: 'a prefix search', code: PG + "export async function f(q: string) {\n  return pool.query('SELECT id FROM agents WHERE name ILIKE $1 LIMIT 20', [`${q}%`]);\n}\n" },
  ],
  invalid: [
    {
      ...base,
      name: 'a contains search bound from a template',
      code: PG + "export async function f(q: string) {\n  return pool.query('SELECT id FROM agents WHERE name ILIKE $1 LIMIT 20', [`%${q}%`]);\n}\n",
      errors: [{ message: ["agents.name ILIKE '%{}%' starts with a wildcard", 'gin_trgm_ops'], span: 'name ILIKE $1', fixes: ['Add CREATE INDEX on agents(name) using gin after the CREATE TABLE'] }],
    },
  ],
});

describe('rules/TypeScript: fixed files compile', function () {
  this.timeout(120_000);
  it('the n-plus-one and commit-in-loop fixes type-check against pg', () => {
    const fixed: Record<string, string> = {};
    const cases = [['n-plus-one.ts', seed, nPlusOne], ['inserts.ts', inserts, commitInLoop], ['map-pg.ts', mapped, nPlusOne], ['map-postgres.ts', postgresMapped, nPlusOne]] as const;
    for (const [name, code, rule] of cases) {
      const { reports, file } = runHostRule(rule, { ...base, code });
      fixed[name] = applyInFileFixes(code, file, reports);
      assert.notEqual(fixed[name], code, name);
    }
    assert.deepEqual(typecheck(fixed), Object.fromEntries(cases.map(([name]) => [name, []])));
  });
});


hostRuleTester(missingCompositeIndex, 'TypeScript (Kysely, camelCase names)', {
  valid: [
    {
      ...kysely,
      name: 'workspaceId is the workspace_id the unique index leads with: served',
      code: KYSELY + "export async function find(name: string, type: string, workspaceId: string) {\n  return db.selectFrom('labels').selectAll().where('name', '=', name).where('type', '=', type).where('workspaceId', '=', workspaceId).executeTakeFirst();\n}\n",
    },
  ],
  invalid: [
    {
      ...kysely,
      name: 'creatorId and name: reported under the database names, creator_id first',
      code: KYSELY + "export async function mine(creatorId: string, name: string) {\n  return db.selectFrom('labels').selectAll().where('creatorId', '=', creatorId).where('name', '=', name).execute();\n}\n",
      errors: [{
        message: ['Query filters labels on creator_id and name, but no index leads with any of these columns: every call scans the table. Add an index on labels(creator_id, name).'],
        span: "where('creatorId', '=', creatorId).where('name', '=', name)",
      }],
    },
  ],
});

// dub's PlanetScale reads (`conn.execute("SELECT * FROM Domain ...")`): a quoted column name would close the string.
const quotedNameSchema = 'CREATE TABLE domains (id bigint PRIMARY KEY, slug text NOT NULL, "expiredUrl" text);';
hostRuleTester(selectStar, 'TypeScript (a column list in a host string)', {
  valid: [],
  invalid: [
    {
      ...base,
      schema: quotedNameSchema,
      name: 'a double-quoted string: the names that need quotes would close it, so no fix is offered',
      code: PG + 'export async function bySlug(slug: string) {\n  return pool.query("SELECT * FROM domains WHERE slug = $1", [slug]);\n}\n',
      errors: [{ message: ['List the columns you need (domains has 3).'], span: '*', fixes: [] }],
    },
    {
      ...base,
      schema: quotedNameSchema,
      name: 'a single-quoted string: the list goes in, its quoted name too',
      code: PG + "export async function bySlug(slug: string) {\n  return pool.query('SELECT * FROM domains WHERE slug = $1', [slug]);\n}\n",
      errors: [{ message: ['List the columns you need (domains has 3).'], span: '*', fixes: ['Replace * with the column list'] }],
      output: PG + "export async function bySlug(slug: string) {\n  return pool.query('SELECT id, slug, \"expiredUrl\" FROM domains WHERE slug = $1', [slug]);\n}\n",
    },
  ],
});
