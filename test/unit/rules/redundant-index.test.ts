import { redundantIndex } from '../../../server/src/core/rules/redundant-index';
import { ruleTester } from './harness';

const table = 'CREATE TABLE workers (worker_id text PRIMARY KEY, planner_id text, task_status text, email text);\n';

ruleTester(redundantIndex, {
  valid: [
    { name: 'different leading columns', code: table + 'CREATE INDEX a ON workers (planner_id);\nCREATE INDEX b ON workers (task_status, planner_id);' },
    { name: 'unique index is a constraint, not redundant', code: table + 'CREATE UNIQUE INDEX a ON workers (planner_id);\nCREATE INDEX b ON workers (planner_id, task_status);' },
    { name: 'partial index is not redundant', code: table + "CREATE INDEX a ON workers (planner_id) WHERE task_status = 'pending';\nCREATE INDEX b ON workers (planner_id, task_status);" },
    { name: 'a partial longer index does not make a full one redundant', code: table + "CREATE INDEX a ON workers (planner_id);\nCREATE INDEX b ON workers (planner_id, task_status) WHERE task_status = 'x';" },
    { name: 'expression index', code: table + 'CREATE INDEX a ON workers (lower(email));\nCREATE INDEX b ON workers (lower(email), planner_id);' },
    { name: 'different method', code: table + 'CREATE INDEX a ON workers USING hash (planner_id);\nCREATE INDEX b ON workers (planner_id, task_status);' },
    { name: 'different direction', code: table + 'CREATE INDEX a ON workers (planner_id DESC);\nCREATE INDEX b ON workers (planner_id, task_status);' },
    {
      name: 'created in another file: reported there',
      schema: table + 'CREATE INDEX a ON workers (planner_id);',
      code: 'CREATE INDEX b ON workers (planner_id, task_status);',
    },
  ],
  invalid: [
    {
      name: 'prefix of a longer index, removed with its line',
      code: table + 'CREATE INDEX idx_workers_planner ON workers (planner_id);\nCREATE INDEX idx_workers_planner_status ON workers (planner_id, task_status);\n',
      errors: [
        {
          message: [
            'Index idx_workers_planner on workers(planner_id) is redundant: idx_workers_planner_status (planner_id, task_status) starts with the same keys',
            'drop it',
          ],
          span: 'CREATE INDEX idx_workers_planner ON workers (planner_id)',
          fixes: ['Remove redundant index idx_workers_planner'],
          explanation: ['**Made redundant by:** `idx_workers_planner_status` (planner_id, task_status)'],
        },
      ],
      output: table + 'CREATE INDEX idx_workers_planner_status ON workers (planner_id, task_status);\n',
    },
    {
      name: 'an index on the primary key column duplicates the primary key',
      code: table + 'CREATE INDEX w_id ON workers (worker_id);',
      errors: [{ message: ['w_id', 'workers_pkey (worker_id) has the same keys'], span: 'CREATE INDEX w_id ON workers (worker_id)' }],
      output: table,
    },
    {
      name: 'two identical indexes: the later one is reported',
      code: table + 'CREATE INDEX first_one ON workers (task_status);\nCREATE INDEX second_one ON workers (task_status);',
      errors: [{ message: ['second_one', 'first_one (task_status) has the same keys'], span: 'CREATE INDEX second_one ON workers (task_status)' }],
      output: table + 'CREATE INDEX first_one ON workers (task_status);\n',
    },
    {
      name: 'redundant by an index created in a later migration: reported where it was created',
      migrations: [table + 'CREATE INDEX a ON workers (planner_id);', 'CREATE INDEX b ON workers (planner_id, task_status);'],
      code: table + 'CREATE INDEX a ON workers (planner_id);',
      asMigration: { index: 0 },
      // Not shipped yet (no history here): the CREATE INDEX is removed in place. A shipped one gets a new
      // migration instead (test/unit/history/shipped.test.ts, test/unit/engine/fix-placement.test.ts).
      errors: [{ message: ['Index a on workers(planner_id) is redundant: b', 'this migration has not shipped yet, so it can still be removed here'], span: 'CREATE INDEX a ON workers (planner_id)', fixes: ['Remove redundant index a'] }],
      output: table,
    },
    {
      name: 'sqlite',
      dialect: 'sqlite',
      code: 'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);\nCREATE INDEX ta ON t (a);\nCREATE INDEX tab ON t (a, b);',
      errors: [{ message: ['ta'], span: 'CREATE INDEX ta ON t (a)' }],
      output: 'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);\nCREATE INDEX tab ON t (a, b);',
    },
  ],
});
