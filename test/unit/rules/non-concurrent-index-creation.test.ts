import { nonConcurrentIndexCreation } from '../../../server/src/core/rules/non-concurrent-index-creation';
import { ruleTester } from './harness';

const createWorkers = 'CREATE TABLE workers (worker_id text PRIMARY KEY, planner_id text, task_status text);';

ruleTester(nonConcurrentIndexCreation, {
  valid: [
    { name: 'CONCURRENTLY', migrations: [createWorkers], code: 'CREATE INDEX CONCURRENTLY w_p ON workers (planner_id);', asMigration: { index: 1 } },
    { name: 'table created by the same migration', code: createWorkers + '\nCREATE INDEX w_p ON workers (planner_id);', asMigration: { index: 0 } },
    { name: 'not a migration', schema: createWorkers, code: 'CREATE INDEX w_p ON workers (planner_id);' },
    {
      name: 'down migration',
      migrations: [createWorkers, 'DROP INDEX w_p;'],
      code: 'CREATE INDEX w_p ON workers (planner_id);',
      asMigration: { index: 1, isDown: true },
    },
    { name: 'unknown table', migrations: ['SELECT 1;'], code: 'CREATE INDEX e_k ON events (kind);', asMigration: { index: 1 } },
    {
      name: 'sqlite has no CONCURRENTLY',
      dialect: 'sqlite',
      migrations: ['CREATE TABLE workers (worker_id TEXT PRIMARY KEY, planner_id TEXT);'],
      code: 'CREATE INDEX w_p ON workers (planner_id);',
      asMigration: { index: 1 },
    },
  ],
  invalid: [
    {
      name: 'index on a table from an earlier migration',
      migrations: [createWorkers],
      code: 'CREATE INDEX idx_workers_planner ON workers (planner_id);\n',
      asMigration: { index: 1 },
      errors: [
        {
          message: [
            'CREATE INDEX idx_workers_planner on existing table workers without CONCURRENTLY blocks every write to workers',
            'cannot run inside a transaction block',
          ],
          span: 'CREATE INDEX',
          fixes: ['Add CONCURRENTLY'],
        },
      ],
      output: 'CREATE INDEX CONCURRENTLY idx_workers_planner ON workers (planner_id);\n',
    },
    {
      name: 'unique index, inside BEGIN ... COMMIT',
      migrations: [createWorkers],
      code: 'BEGIN;\nCREATE UNIQUE INDEX w_ps ON workers (planner_id, task_status);\nCOMMIT;\n',
      asMigration: { index: 1 },
      // CONCURRENTLY would fail there: no fix, the message says what to do.
      errors: [{ message: ['inside a BEGIN ... COMMIT block in this file: move it out'], span: 'CREATE UNIQUE INDEX', fixes: [] }],
    },
    {
      name: 'next to another statement of its file: no fix (one query, one implicit transaction)',
      migrations: [createWorkers],
      code: 'ALTER TABLE workers ADD COLUMN note text;\nCREATE INDEX w_p ON workers (planner_id);\n',
      asMigration: { index: 1 },
      errors: [{ message: ['without CONCURRENTLY'], span: 'CREATE INDEX', fixes: [] }],
    },
  ],
});
