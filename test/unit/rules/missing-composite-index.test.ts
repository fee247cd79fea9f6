import assert from 'node:assert/strict';
import { missingCompositeIndex } from '../../../server/src/core/rules/missing-composite-index';
import { missingIndex } from '../../../server/src/core/rules/missing-index';
import { initParsers } from '../../../server/src/core/sql/parse';
import { AGENT_SCHEMA } from './fixtures';
import { ruleTester, runRule } from './harness';

const schema = AGENT_SCHEMA;
/** A table filtered on five columns at once (dokploy's webhook lookups): one key, three names, one flag. */
const WIDE_SCHEMA =
  'CREATE TABLE githubs (id int PRIMARY KEY);\n' +
  'CREATE TABLE deploys (id int PRIMARY KEY, github_id int REFERENCES githubs (id), repository text, branch text, label text, auto_deploy boolean);\n';
const SCHEMA_FIX = (cols: string) => `Add CREATE INDEX on ${cols} after the CREATE TABLE`;

ruleTester(missingCompositeIndex, {
  valid: [
    {
      name: 'an index on the three columns a wide filter would be given serves it',
      schema: WIDE_SCHEMA + 'CREATE INDEX deploys_lookup ON deploys (branch, github_id, repository);',
      code: 'SELECT id FROM deploys WHERE auto_deploy = true AND repository = $1 AND branch = $2 AND github_id = $3 AND label = $4',
    },
    { name: 'one filter column is missing-index territory', schema, code: 'SELECT * FROM workers WHERE task_status = $1' },
    {
      name: 'the composite index exists (equality columns in any order)',
      schema: schema + 'CREATE INDEX idx_ws ON workers (task_status, planner_id);',
      code: "SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = 'pending'",
    },
    {
      name: 'a longer index with the same leading columns serves',
      schema: schema + 'CREATE INDEX idx_w3 ON workers (planner_id, task_status, created_at);',
      code: "SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status IN ('a', 'b')",
    },
    {
      name: 'partial index with the columns counts',
      schema: schema + "CREATE INDEX idx_wp ON workers (planner_id, task_status) WHERE task_status <> 'done';",
      code: "SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = 'pending'",
    },
    {
      name: 'primary key equality pins one row',
      schema,
      code: "SELECT * FROM workers WHERE worker_id = $1 AND task_status = 'pending'",
    },
    {
      name: 'unique key equality pins one row',
      schema: 'CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE, org_id int, active boolean);',
      code: 'SELECT id FROM users WHERE email = $1 AND org_id = $2',
    },
    {
      name: 'disjunctive predicates cannot use a composite index',
      schema,
      code: "SELECT worker_id FROM workers WHERE planner_id = $1 OR task_status = 'pending'",
    },
    {
      name: 'equality plus ORDER BY served by the composite index',
      schema: schema + 'CREATE INDEX idx_pm ON planner_messages (agent_id, created_at);',
      code: 'SELECT * FROM planner_messages WHERE agent_id = $1 ORDER BY created_at',
    },
    { name: 'unknown table: no guessing', schema, code: 'SELECT * FROM events WHERE a = $1 AND b = $2' },
    {
      name: 'expression index does not count, but two plain columns are served by a plain index',
      schema: 'CREATE TABLE users (id int PRIMARY KEY, email text, org_id int);\nCREATE INDEX u_org_email ON users (org_id, email);',
      code: 'SELECT id FROM users WHERE org_id = $1 AND email = $2',
    },
  ],
  invalid: [
    {
      name: 'five equality columns: the index takes three, keys first and flags last, the others sift',
      schema: WIDE_SCHEMA,
      code: 'SELECT id FROM deploys WHERE auto_deploy = true AND repository = $1 AND branch = $2 AND github_id = $3 AND label = $4',
      errors: [
        {
          message: [
            'Query filters deploys on github_id, repository, branch, label and auto_deploy, but no index leads with any of these columns: every call ' +
              'scans the table. Add an index on deploys(github_id, repository, branch). The other columns (label and auto_deploy) only sift the ' +
              'rows it finds: an index of more than 3 columns seldom pays off.',
          ],
          span: 'auto_deploy = true AND repository = $1 AND branch = $2 AND github_id = $3 AND label = $4',
          fixes: [SCHEMA_FIX('deploys(github_id, repository, branch)')],
        },
      ],
    },
    {
      name: 'four equality columns: one column left to sift',
      schema: WIDE_SCHEMA,
      code: 'SELECT id FROM deploys WHERE label = $4 AND branch = $2 AND github_id = $3 AND repository = $1',
      errors: [
        {
          message: [
            'Add an index on deploys(github_id, label, branch). The other column (repository) only sifts the rows it finds: an index of more than 3 columns seldom pays off.',
          ],
          span: 'label = $4 AND branch = $2 AND github_id = $3 AND repository = $1',
          fixes: [SCHEMA_FIX('deploys(github_id, label, branch)')],
        },
      ],
    },
    {
      name: 'seed: pending task of a planner with only single-column indexes',
      schema,
      code: "SELECT worker_id FROM workers WHERE planner_id = ? AND task_status = 'pending'".replace('?', '$1'),
      errors: [
        {
          message: [
            'Query filters workers on planner_id and task_status; the index idx_workers_planner_id on planner_id already narrows it ' +
              'to the rows of one planner_id, which are then filtered. Add an index on workers(planner_id, task_status) only if one planner_id has many rows.',
          ],
          span: "planner_id = $1 AND task_status = 'pending'",
          fixes: [SCHEMA_FIX('workers(planner_id, task_status)')],
          explanation: ['`planner_id` — equality', '`task_status` — equality', '`idx_workers_planner_id` (planner_id)', '`workers_pkey` (worker_id) — primary key'],
          tentative: true,
        },
      ],
    },
    {
      name: 'seed: IN list counts as equality',
      schema,
      code: "SELECT * FROM workers WHERE planner_id = $1 AND task_status IN ('completed', 'failed_validation')",
      errors: [
        {
          message: ['on planner_id and task_status', 'workers(planner_id, task_status)'],
          span: "planner_id = $1 AND task_status IN ('completed', 'failed_validation')",
          explanation: ['`task_status` — IN list'],
          tentative: true,
        },
      ],
    },
    {
      name: 'seed: equality plus ORDER BY with an index on the equality column only',
      schema,
      code: 'SELECT * FROM planner_messages WHERE agent_id = $1 ORDER BY created_at',
      errors: [
        {
          message: ['filters planner_messages on agent_id and sorts by created_at', 'finds every matching row, and the query returns them all: the new index would spare only their sort', 'Add an index on planner_messages(agent_id, created_at) only if'],
          span: 'agent_id = $1 ORDER BY created_at',
          fixes: [SCHEMA_FIX('planner_messages(agent_id, created_at)')],
          explanation: ['`created_at` — ORDER BY'],
          tentative: true,
        },
      ],
    },
    {
      name: 'equality then one range column, the range column last',
      schema,
      code: 'SELECT worker_id FROM workers WHERE created_at > $2 AND planner_id = $1',
      errors: [{ message: ['workers(planner_id, created_at)'], span: 'created_at > $2 AND planner_id = $1', tentative: true }],
    },
    {
      name: 'LIKE prefix counts as the range column',
      schema,
      code: "SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status LIKE 'fail%'",
      errors: [{ message: ['workers(planner_id, task_status)'], span: "planner_id = $1 AND task_status LIKE 'fail%'", explanation: ['LIKE prefix'], tentative: true }],
    },
    {
      name: 'aliases and joins: filters on the aliased table',
      schema,
      code: "SELECT w.worker_id, p.name FROM workers w JOIN planners p ON p.planner_id = w.planner_id WHERE w.planner_id = $1 AND w.task_status = 'pending'",
      errors: [{ message: ['filters workers on planner_id and task_status'], span: "w.planner_id = $1 AND w.task_status = 'pending'", tentative: true }],
    },
    {
      name: 'inside a subquery',
      schema,
      code: "SELECT name FROM planners WHERE planner_id IN (SELECT planner_id FROM workers WHERE task_status = 'pending' AND created_at < $1)",
      errors: [{ message: ['workers(task_status, created_at)'], span: "task_status = 'pending' AND created_at < $1", tentative: true }],
    },
    {
      name: 'UPDATE and DELETE filter too',
      schema,
      code: "UPDATE workers SET task_status = 'done' WHERE planner_id = $1 AND task_status = 'pending';\nDELETE FROM workers WHERE task_status = 'recorded' AND created_at < $1;",
      errors: [
        { message: ['workers(planner_id, task_status)'], span: "planner_id = $1 AND task_status = 'pending'", tentative: true },
        { message: ['workers(task_status, created_at)'], span: "task_status = 'recorded' AND created_at < $1", tentative: true },
      ],
    },
    {
      name: 'an expression index does not serve plain columns',
      schema: 'CREATE TABLE users (id int PRIMARY KEY, email text, org_id int);\nCREATE INDEX u_lower ON users (org_id, lower(email));',
      code: 'SELECT id FROM users WHERE org_id = $1 AND email = $2',
      errors: [{ message: ['users(org_id, email)'], span: 'org_id = $1 AND email = $2', explanation: ['`u_lower` (org_id, (lower(email)))'], tentative: true }],
    },
    {
      name: 'schema in the same file: the fix inserts the index after its CREATE TABLE',
      code: 'CREATE TABLE t (id int PRIMARY KEY, a int, b int);\nSELECT id FROM t WHERE a = $1 AND b = $2;\n',
      errors: [{ message: ['t(a, b)'], span: 'a = $1 AND b = $2', fixes: [SCHEMA_FIX('t(a, b)')] }],
      output: 'CREATE TABLE t (id int PRIMARY KEY, a int, b int);\nCREATE INDEX idx_t_a_b ON t (a, b);\n\nSELECT id FROM t WHERE a = $1 AND b = $2;\n',
    },
    {
      name: 'with migrations the fix writes a new migration',
      migrations: ['CREATE TABLE t (id int PRIMARY KEY, a int, b int);'],
      code: 'SELECT id FROM t WHERE a = $1 AND b = $2',
      errors: [{ message: ['t(a, b)'], span: 'a = $1 AND b = $2', fixes: ['Add index on t(a, b) in a new migration'] }],
    },
    {
      name: 'sqlite with ? parameters',
      dialect: 'sqlite',
      schema: 'CREATE TABLE workers (worker_id TEXT PRIMARY KEY, planner_id TEXT NOT NULL, task_status TEXT NOT NULL);\nCREATE INDEX ix_planner ON workers (planner_id);',
      code: "SELECT worker_id FROM workers WHERE planner_id = ? AND task_status = 'pending'",
      errors: [{ message: ['workers(planner_id, task_status)'], span: "planner_id = ? AND task_status = 'pending'" , tentative: true }],
    },
  ],
});

describe('missing-index and missing-composite-index together', () => {
  const queries = [
    "SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = 'pending'",
    'SELECT * FROM planner_messages WHERE agent_id = $1 ORDER BY created_at',
    'SELECT * FROM planner_messages WHERE body = $1 ORDER BY created_at',
    'SELECT * FROM planner_messages WHERE created_at > $1 ORDER BY created_at LIMIT 5',
    'SELECT * FROM planner_messages ORDER BY created_at LIMIT 5',
    'SELECT w.worker_id FROM workers w JOIN planner_messages m ON m.body = w.worker_id WHERE m.created_at > $1 AND w.created_at > $2',
  ];
  before(() => initParsers());
  for (const code of queries) {
    it(`report one query once: ${code}`, () => {
      const spans = [missingIndex, missingCompositeIndex].flatMap((rule) => runRule(rule, { schema, code }).reports);
      const tables = spans.map((r) => r.message.match(/(?:filters|joins|rows of) (\w+)/)?.[1]);
      assert.equal(new Set(tables).size, tables.length, JSON.stringify(spans.map((r) => r.message)));
      assert.ok(spans.length > 0, 'each of these queries needs an index');
    });
  }
});
