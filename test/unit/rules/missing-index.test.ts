import { missingIndex } from '../../../server/src/core/rules/missing-index';
import { AGENT_SCHEMA } from './fixtures';
import { ruleTester } from './harness';

const schema = AGENT_SCHEMA + `
CREATE TABLE routers (router_id text PRIMARY KEY, status text, hostname text, created_at timestamptz);
CREATE TABLE router_planner_links (link_id text PRIMARY KEY, router_id text NOT NULL, planner_id text NOT NULL);
`;

/** Rules and their assignments to evaluators (langfuse's evaluation rules): a to-one relation from assignments to rules. */
const RULES_SCHEMA =
  'CREATE TABLE rules (id text PRIMARY KEY, target text NOT NULL);' +
  ' CREATE TABLE assignments (id text PRIMARY KEY, evaluator_id text NOT NULL, rule_id text NOT NULL REFERENCES rules (id), note text);' +
  ' CREATE INDEX assignments_evaluator_id ON assignments (evaluator_id);';

ruleTester(missingIndex, {
  valid: [
    {
      name: "IS NULL seeks like equality: an index on (sent_at, window_ends_at) serves the batches not sent yet whose window ended (midday's)",
      schema: 'CREATE TABLE batches (id int PRIMARY KEY, sent_at timestamptz, window_ends_at timestamptz NOT NULL);\nCREATE INDEX batches_due ON batches (sent_at, window_ends_at);',
      code: 'SELECT id FROM batches WHERE sent_at IS NULL AND window_ends_at <= now() LIMIT 100',
    },
    {
      name: "a to-one relation filter (Prisma's evaluationRule: { targetObject }) in a query an index narrows: each row looks its parent up by key, the filter sifts",
      schema: RULES_SCHEMA,
      code: "SELECT id FROM assignments WHERE evaluator_id = $1 AND rule_id IN (SELECT id FROM rules WHERE target IN ('event', 'experiment'))",
    },
    { name: 'indexed column', schema, code: 'SELECT worker_id FROM workers WHERE planner_id = $1 LIMIT 10' },
    { name: 'primary key lookup', schema, code: 'SELECT * FROM planners WHERE planner_id = $1' },
    { name: 'two columns belong to missing-composite-index', schema, code: 'SELECT link_id FROM router_planner_links WHERE router_id = $1 AND planner_id = $2' },
    { name: 'equality plus ORDER BY belongs to missing-composite-index', schema, code: 'SELECT * FROM routers WHERE status = $1 ORDER BY created_at' },
    { name: 'unknown table: no guessing', schema, code: 'SELECT * FROM events WHERE kind = $1' },
    {
      name: 'joined by an indexed key to a table its own filter narrows: entered through the join, the filter sifts the joined rows',
      schema:
        'CREATE TABLE users (id int PRIMARY KEY, name text UNIQUE); CREATE TABLE notifications (id int PRIMARY KEY, tx int NOT NULL REFERENCES users (id), rx int NOT NULL, heading text);' +
        ' CREATE INDEX notifications_tx ON notifications (tx);',
      code: 'SELECT n.heading FROM notifications n JOIN users ON n.tx = users.id WHERE users.name = $1 AND n.rx = $2',
    },
    {
      name: 'a boolean flag alone is not worth an index',
      schema: 'CREATE TABLE agents (id int PRIMARY KEY, active boolean NOT NULL);',
      code: 'SELECT id FROM agents WHERE active = true LIMIT 50',
    },
    { name: 'disjunctive filter', schema, code: "SELECT * FROM routers WHERE status = 'up' OR router_id = $1" },
    {
      name: 'a comparison of two columns of the row gives no value to seek (graphile-worker: attempts = max_attempts)',
      schema: 'CREATE TABLE jobs (id bigint PRIMARY KEY, attempts int NOT NULL, max_attempts int NOT NULL, locked_at timestamptz);',
      code: 'DELETE FROM jobs WHERE attempts = max_attempts',
    },
    { name: 'leading wildcard LIKE is another rule', schema, code: "SELECT * FROM routers WHERE status LIKE '%up'" },
    { name: 'join on a primary key', schema, code: 'SELECT w.worker_id FROM workers w JOIN planners p ON p.planner_id = w.planner_id WHERE w.task_status = $1' },
    {
      name: 'a joined table with its own indexed filter is entered through the filter',
      schema,
      code: 'SELECT l.link_id FROM planners p JOIN router_planner_links l ON l.planner_id = p.planner_id WHERE l.link_id = $1',
    },
    { name: 'ORDER BY without LIMIT on its own is not a lookup', schema, code: 'SELECT * FROM routers ORDER BY created_at' },
    {
      name: 'a wide range filter with ORDER BY ... LIMIT served by an index on the sort column (walked in order, stops early)',
      schema: 'CREATE TABLE runs (id bigint PRIMARY KEY, duration bigint NOT NULL, started_at timestamptz NOT NULL);\nCREATE INDEX runs_started_at ON runs (started_at);',
      code: 'SELECT id FROM runs WHERE duration >= 0 ORDER BY started_at DESC LIMIT 1',
    },
    { name: 'ORDER BY LIMIT on the primary key', schema, code: 'SELECT * FROM routers ORDER BY router_id LIMIT 20' },
    {
      name: 'hash index serves equality',
      schema: schema + 'CREATE INDEX r_status ON routers USING hash (status);',
      code: 'SELECT * FROM routers WHERE status = $1',
    },
    {
      name: 'a stub table (only seen in CREATE INDEX) is not guessed about',
      schema: 'CREATE INDEX e_kind ON events (kind);',
      code: 'SELECT * FROM events WHERE id = $1',
    },
  ],
  invalid: [
    {
      name: 'IS NULL is no column to suggest: a soft-deleted filter beside the one that wants its index',
      schema: 'CREATE TABLE notes (id int PRIMARY KEY, title text NOT NULL, deleted_at timestamptz);',
      code: 'SELECT id FROM notes WHERE deleted_at IS NULL AND title = $1',
      errors: [{ message: ['Query filters notes on title, but no index leads with it: every call scans the table. Add an index on notes(title).'], span: 'title = $1' }],
    },
    {
      name: 'a to-one relation filter in a query no index of its own narrows: the parent table is searched by the filter, which wants its index',
      schema: RULES_SCHEMA,
      code: "SELECT id FROM assignments WHERE note = $1 AND rule_id IN (SELECT id FROM rules WHERE target = 'event')",
      errors: [{ message: ['Query filters rules on target, but no index leads with it'], span: "target = 'event'" }],
    },
    {
      name: "a table created with a quoted mixed-case name (Prisma's raw SQL): its filters are read like any other's",
      schema: 'CREATE TABLE "OrganisationClaim" (id text PRIMARY KEY, "originalSubscriptionClaimId" text, flags jsonb);',
      code: 'UPDATE "OrganisationClaim" SET flags = flags || $1::jsonb WHERE "originalSubscriptionClaimId" = $2',
      errors: [{ message: ['Query filters OrganisationClaim on originalSubscriptionClaimId, but no index leads with it'], span: '"originalSubscriptionClaimId" = $2' }],
    },
    {
      name: "joined by an indexed key to a table with no filter of its own (mCaptcha's notifications of one receiver, with their senders): the filter still wants its index",
      schema:
        'CREATE TABLE users (id int PRIMARY KEY, name text); CREATE TABLE notifications (id int PRIMARY KEY, tx int NOT NULL REFERENCES users (id), rx int NOT NULL, heading text);' +
        ' CREATE INDEX notifications_tx ON notifications (tx);',
      code: 'SELECT n.heading, users.name FROM notifications n JOIN users ON n.tx = users.id WHERE n.rx = $1',
      errors: [{ message: ['Query filters notifications on rx, but no index leads with it'], span: 'n.rx = $1' }],
    },
    {
      name: "a correlated subquery's comparison with the outer row's column seeks the inner table once per outer row",
      schema: 'CREATE TABLE payouts (id bigint PRIMARY KEY, status text NOT NULL); CREATE TABLE attempts (id bigint PRIMARY KEY, payout_id bigint NOT NULL);',
      code: "SELECT id FROM payouts WHERE status = 'pending' AND NOT EXISTS (SELECT 1 FROM attempts WHERE attempts.payout_id = payouts.id) LIMIT 50",
      errors: [{ message: ['Query filters attempts on payout_id, but no index leads with it'], span: 'attempts.payout_id = payouts.id' }],
    },
    {
      name: 'the same range filter without an index on the sort column: reported',
      schema: 'CREATE TABLE runs (id bigint PRIMARY KEY, duration bigint NOT NULL, started_at timestamptz NOT NULL);',
      code: 'SELECT id FROM runs WHERE duration >= 0 ORDER BY started_at DESC LIMIT 1',
      errors: [{ message: ['Query filters runs on duration, but no index leads with it'], span: 'duration >= 0' }],
    },
    {
      name: 'equality on an unindexed column',
      schema,
      code: 'SELECT router_id FROM routers WHERE hostname = $1',
      errors: [
        {
          message: ['Query filters routers on hostname, but no index leads with it: every call scans the table.', 'Add an index on routers(hostname).'],
          span: 'hostname = $1',
          fixes: ['Add CREATE INDEX on routers(hostname) after the CREATE TABLE'],
          explanation: ['`hostname` — equality', '`routers_pkey` (router_id) — primary key'],
        },
      ],
    },
    {
      name: 'range on an unindexed column',
      schema,
      code: 'SELECT router_id FROM routers WHERE created_at >= $1 LIMIT 50',
      errors: [{ message: ['routers(created_at)'], span: 'created_at >= $1', explanation: ['`created_at` — range'] }],
    },
    {
      name: 'a hash index does not serve a range',
      schema: schema + 'CREATE INDEX r_created ON routers USING hash (created_at);',
      code: 'SELECT router_id FROM routers WHERE created_at >= $1',
      errors: [{ message: ['routers(created_at)'], span: 'created_at >= $1' }],
    },
    {
      name: 'a second-position column does not lead',
      schema: schema + 'CREATE INDEX l_rp ON router_planner_links (router_id, planner_id);',
      code: 'SELECT link_id FROM router_planner_links WHERE planner_id = $1',
      errors: [{ message: ['router_planner_links(planner_id)'], span: 'planner_id = $1', explanation: ['`l_rp` (router_id, planner_id)'] }],
    },
    {
      name: 'JOIN condition column on the joined table (aliases)',
      schema,
      code: 'SELECT l.link_id FROM planners p JOIN router_planner_links l ON l.planner_id = p.planner_id WHERE p.planner_id = $1',
      errors: [
        {
          message: ['Query joins router_planner_links on planner_id', 'each joined row scans router_planner_links', 'router_planner_links(planner_id)'],
          span: 'l.planner_id',
          explanation: ['JOIN condition'],
        },
      ],
    },
    {
      name: 'ORDER BY ... LIMIT without a filter',
      schema,
      code: 'SELECT * FROM routers ORDER BY created_at DESC LIMIT 20',
      errors: [{ message: ['takes the first rows of routers by created_at', 'routers(created_at)'], span: 'created_at' }],
    },
    {
      name: 'filter in an EXISTS subquery',
      schema,
      code: 'SELECT name FROM planners p WHERE EXISTS (SELECT 1 FROM routers r WHERE r.hostname = $1)',
      errors: [{ message: ['routers(hostname)'], span: 'r.hostname = $1' }],
    },
    {
      name: 'partial index on another column does not help; schema in the same file gets the fix',
      code: "CREATE TABLE jobs (id int PRIMARY KEY, state text, queue text, owner int);\nCREATE INDEX jobs_owner ON jobs (owner) WHERE state = 'open';\nSELECT id FROM jobs WHERE queue = $1;\n",
      errors: [{ message: ['jobs(queue)'], span: 'queue = $1', fixes: ['Add CREATE INDEX on jobs(queue) after the CREATE TABLE'] }],
      output: "CREATE TABLE jobs (id int PRIMARY KEY, state text, queue text, owner int);\nCREATE INDEX idx_jobs_queue ON jobs (queue);\n\nCREATE INDEX jobs_owner ON jobs (owner) WHERE state = 'open';\nSELECT id FROM jobs WHERE queue = $1;\n",
    },
    {
      name: 'sqlite with ? parameters',
      dialect: 'sqlite',
      schema: 'CREATE TABLE routers (router_id TEXT PRIMARY KEY, hostname TEXT);',
      code: 'SELECT router_id FROM routers WHERE hostname = ?',
      errors: [{ message: ['routers(hostname)'], span: 'hostname = ?' }],
    },
  ],
});
