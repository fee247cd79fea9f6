import { unpaginatedQuery } from '../../../server/src/core/rules/unpaginated-query';
import { AGENT_SCHEMA } from './fixtures';
import { ruleTester } from './harness';

const schema = AGENT_SCHEMA;

const MYSQL_NOTIFICATIONS =
  'CREATE TABLE users (id integer PRIMARY KEY, name varchar(100) NOT NULL UNIQUE);\nCREATE TABLE notifications (id integer PRIMARY KEY, rx integer NOT NULL, heading text, FOREIGN KEY (rx) REFERENCES users (id));';

ruleTester(unpaginatedQuery, {
  valid: [
    { name: 'LIMIT', schema, code: 'SELECT * FROM workers WHERE planner_id = $1 LIMIT 20' },
    { name: 'FETCH FIRST', schema, code: 'SELECT * FROM workers ORDER BY created_at FETCH FIRST 10 ROWS ONLY' },
    { name: 'aggregate', schema, code: 'SELECT count(*) FROM workers WHERE planner_id = $1' },
    { name: 'GROUP BY', schema, code: 'SELECT task_status, count(*) FROM workers GROUP BY task_status' },
    { name: 'primary key lookup', schema, code: 'SELECT * FROM planners WHERE planner_id = $1' },
    { name: 'batched primary key lookup (= ANY)', schema, code: 'SELECT * FROM planners WHERE planner_id = ANY($1)' },
    { name: 'batched primary key lookup (IN list)', schema, code: "SELECT * FROM planners WHERE planner_id IN ('a', 'b')" },
    { name: 'unique key lookup', schema: 'CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE);', code: 'SELECT id FROM users WHERE email = $1' },
    {
      name: "primary key lookup of a table created with a quoted mixed-case name (Prisma's raw SQL)",
      schema: 'CREATE TABLE "Organization" (id text PRIMARY KEY, "featureFlags" jsonb);',
      code: 'SELECT "featureFlags" FROM "Organization" WHERE "id" = $1 FOR UPDATE',
    },
    { name: 'INSERT ... SELECT', schema, code: "INSERT INTO planners (planner_id, name) SELECT planner_id, 'x' FROM workers" },
    { name: 'EXISTS and IN subqueries', schema, code: 'SELECT name FROM planners WHERE planner_id = $1 AND EXISTS (SELECT 1 FROM workers)' },
    { name: 'unknown table', schema, code: 'SELECT * FROM events' },
    { name: 'DISTINCT: as many rows as values, like GROUP BY', schema, code: 'SELECT DISTINCT task_status FROM workers' },
    { name: 'FROM-less select', schema, code: 'SELECT 1' },
    {
      name: 'migration files run once over everything on purpose',
      migrations: [AGENT_SCHEMA],
      code: 'SELECT * FROM workers',
      asMigration: { index: 1 },
    },
  ],
  invalid: [
    {
      name: 'filter on a non-key column',
      schema,
      code: "SELECT worker_id FROM workers WHERE task_status = 'pending';",
      errors: [
        {
          message: ['Query reads workers without LIMIT', 'returns every matching row', 'paginate (LIMIT plus a keyset'],
          span: 'SELECT worker_id FROM workers',
          fixes: ['Add LIMIT 100'],
        },
      ],
      output: "SELECT worker_id FROM workers WHERE task_status = 'pending' LIMIT 100;",
    },
    {
      name: "the rows of one parent given by a scalar subquery on a unique key (mCaptcha's unread notifications of one user): info",
      schema: `${schema}\nCREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL UNIQUE);\nCREATE TABLE notifications (id integer PRIMARY KEY, rx integer NOT NULL REFERENCES users (id), heading text, read boolean);`,
      code: 'SELECT id, heading FROM notifications WHERE rx = (SELECT id FROM users WHERE name = $1) AND read IS NULL',
      errors: [{ message: ['(It reads the rows of one rx, often a bounded set: this matters only if one rx can have many.)'], span: 'SELECT id, heading FROM notifications', tentative: true }],
      output: 'SELECT id, heading FROM notifications WHERE rx = (SELECT id FROM users WHERE name = $1) AND read IS NULL LIMIT 100',
    },
    {
      name: 'PostgreSQL, IN (SELECT ...) on a unique key: info',
      schema: MYSQL_NOTIFICATIONS,
      code: 'SELECT id, heading FROM notifications WHERE rx IN (SELECT id FROM users WHERE name = $1)',
      errors: [{ message: ['(It reads the rows of one rx, often a bounded set: this matters only if one rx can have many.)'], span: 'SELECT id, heading FROM notifications', tentative: true }],
      output: 'SELECT id, heading FROM notifications WHERE rx IN (SELECT id FROM users WHERE name = $1) LIMIT 100',
    },
    {
      name: "a key in the rows a subquery takes of one parent (a user's organizations, Prisma's `members: { some: { userId } }`): info",
      schema:
        'CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE organizations (id int PRIMARY KEY, title text);' +
        ' CREATE TABLE members (id int PRIMARY KEY, organization_id int NOT NULL REFERENCES organizations (id), user_id int NOT NULL REFERENCES users (id));',
      code: 'SELECT id, title FROM organizations WHERE id IN (SELECT organization_id FROM members WHERE user_id = $1)',
      errors: [{ message: ['(It reads the rows of one user_id, often a bounded set: this matters only if one user_id can have many.)'], span: 'SELECT id, title FROM organizations', tentative: true }],
      output: 'SELECT id, title FROM organizations WHERE id IN (SELECT organization_id FROM members WHERE user_id = $1) LIMIT 100',
    },
    {
      name: 'the same in MySQL (node-sql-parser): info',
      dialect: 'mysql',
      schema: MYSQL_NOTIFICATIONS,
      code: 'SELECT id, heading FROM notifications WHERE rx = (SELECT id FROM users WHERE name = ?)',
      errors: [{ message: ['(It reads the rows of one rx, often a bounded set: this matters only if one rx can have many.)'], span: 'SELECT id, heading FROM notifications', tentative: true }],
      output: 'SELECT id, heading FROM notifications WHERE rx = (SELECT id FROM users WHERE name = ?) LIMIT 100',
    },
    {
      name: 'MySQL, IN (SELECT ...) on a unique key: info',
      dialect: 'mysql',
      schema: MYSQL_NOTIFICATIONS,
      code: 'SELECT id, heading FROM notifications WHERE rx IN (SELECT id FROM users WHERE name = ?)',
      errors: [{ message: ['(It reads the rows of one rx, often a bounded set: this matters only if one rx can have many.)'], span: 'SELECT id, heading FROM notifications', tentative: true }],
      output: 'SELECT id, heading FROM notifications WHERE rx IN (SELECT id FROM users WHERE name = ?) LIMIT 100',
    },
    {
      name: 'a scalar subquery on a column that is no key pins nothing: warning',
      schema: `${schema}\nCREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);\nCREATE TABLE notifications (id integer PRIMARY KEY, rx integer NOT NULL REFERENCES users (id), heading text, read boolean);`,
      code: 'SELECT id, heading FROM notifications WHERE rx = (SELECT id FROM users WHERE name = $1) AND read IS NULL',
      errors: [{ message: ['Query reads notifications without LIMIT'], span: 'SELECT id, heading FROM notifications', fixes: ['Add LIMIT 100'] }],
      output: 'SELECT id, heading FROM notifications WHERE rx = (SELECT id FROM users WHERE name = $1) AND read IS NULL LIMIT 100',
    },
    {
      name: 'LIMIT goes after ORDER BY',
      schema,
      code: 'SELECT * FROM planner_messages WHERE agent_id = $1 ORDER BY created_at\n',
      errors: [{ message: ['planner_messages', '(It reads the rows of one agent_id, often a bounded set: this matters only if one agent_id can have many.)'], span: 'SELECT * FROM planner_messages', tentative: true }],
      output: 'SELECT * FROM planner_messages WHERE agent_id = $1 ORDER BY created_at LIMIT 100\n',
    },
    {
      name: 'join with aliases, key lookup on one side only: the rows of one planner (info)',
      schema,
      code: 'SELECT w.* FROM planners p JOIN workers w ON w.planner_id = p.planner_id WHERE p.planner_id = $1;',
      errors: [{ message: ['reads planners, workers', 'It reads the rows of one planner_id'], span: 'SELECT w.* FROM planners', tentative: true }],
      output: 'SELECT w.* FROM planners p JOIN workers w ON w.planner_id = p.planner_id WHERE p.planner_id = $1 LIMIT 100;',
    },
    {
      // dokploy's apps/dokploy/server/api/routers/user.ts:292 (listSessions): the sessions of one organization's members.
      name: 'a joined table narrowed by a key the query is given: the rows linked to one parent (info)',
      schema:
        'CREATE TABLE sessions (id text PRIMARY KEY, user_id text NOT NULL, created_at timestamptz NOT NULL);\n' +
        'CREATE TABLE members (id text PRIMARY KEY, user_id text NOT NULL, organization_id text NOT NULL);',
      code: 'SELECT s.id FROM sessions s JOIN members m ON m.user_id = s.user_id AND m.organization_id = $1 ORDER BY s.created_at DESC',
      errors: [
        {
          message: [
            'Query reads sessions, members without LIMIT, so it returns every matching row. It gets slower and heavier as the table grows: ' +
              'paginate (LIMIT plus a keyset: WHERE id > $last ORDER BY id), or narrow it to one row by key. ' +
              '(It reads the rows of one organization_id, often a bounded set: this matters only if one organization_id can have many.)',
          ],
          span: 'SELECT s.id FROM sessions',
          tentative: true,
        },
      ],
      output: 'SELECT s.id FROM sessions s JOIN members m ON m.user_id = s.user_id AND m.organization_id = $1 ORDER BY s.created_at DESC LIMIT 100',
    },
    {
      name: 'a partial primary key is not a single-row lookup',
      schema: 'CREATE TABLE memberships (org_id int, user_id int, role text, PRIMARY KEY (org_id, user_id));',
      code: 'SELECT role FROM memberships WHERE org_id = $1',
      errors: [{ message: ['memberships'], span: 'SELECT role FROM memberships', tentative: true }],
      output: 'SELECT role FROM memberships WHERE org_id = $1 LIMIT 100',
    },
    {
      name: 'locking clause: no automatic fix',
      schema,
      code: "SELECT worker_id FROM workers WHERE task_status = 'pending' FOR UPDATE",
      errors: [{ message: ['workers'], span: 'SELECT worker_id FROM workers', fixes: [] }],
    },
    {
      name: 'sqlite with ? parameters',
      dialect: 'sqlite',
      schema: 'CREATE TABLE workers (worker_id TEXT PRIMARY KEY, planner_id TEXT);',
      code: 'SELECT worker_id FROM workers WHERE planner_id = ?;',
      errors: [{ message: ['workers'], span: 'SELECT worker_id FROM workers', tentative: true }],
      output: 'SELECT worker_id FROM workers WHERE planner_id = ? LIMIT 100;',
    },
  ],
});
