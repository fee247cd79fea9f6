import { unindexedForeignKey } from '../../../server/src/core/rules/unindexed-foreign-key';
import { ruleTester } from './harness';

const parents = 'CREATE TABLE planners (planner_id text PRIMARY KEY);\nCREATE TABLE orgs (id int, region int, PRIMARY KEY (id, region));\n';

ruleTester(unindexedForeignKey, {
  valid: [
    {
      name: 'indexed foreign key',
      code: parents + 'CREATE TABLE workers (worker_id text PRIMARY KEY, planner_id text REFERENCES planners (planner_id));\nCREATE INDEX w_p ON workers (planner_id);',
    },
    {
      name: 'the index is added by a later migration',
      migrations: [parents + 'CREATE TABLE workers (worker_id text PRIMARY KEY, planner_id text REFERENCES planners);', 'CREATE INDEX w_p ON workers (planner_id);'],
      code: parents + 'CREATE TABLE workers (worker_id text PRIMARY KEY, planner_id text REFERENCES planners);',
      asMigration: { index: 0 },
    },
    {
      name: 'composite key: an index leading with the columns in any order',
      code: parents + 'CREATE TABLE sites (id int PRIMARY KEY, org_id int, region int, FOREIGN KEY (org_id, region) REFERENCES orgs (id, region));\nCREATE INDEX s_ro ON sites (region, org_id, id);',
    },
    {
      name: 'the foreign key column leads the primary key',
      code: parents + 'CREATE TABLE planner_tags (planner_id text REFERENCES planners, tag text, PRIMARY KEY (planner_id, tag));',
    },
    {
      name: 'declared in another file: reported there',
      schema: parents + 'CREATE TABLE workers (worker_id text PRIMARY KEY, planner_id text REFERENCES planners);',
      code: 'SELECT 1',
    },
  ],
  invalid: [
    {
      name: 'inline REFERENCES without an index',
      code: parents + 'CREATE TABLE workers (\n  worker_id text PRIMARY KEY,\n  planner_id text NOT NULL REFERENCES planners (planner_id)\n);\n',
      errors: [
        {
          message: ['Foreign key workers(planner_id) → planners(planner_id) has no index leading with planner_id', 'scans workers', 'Add an index on workers(planner_id).'],
          span: 'planner_id text NOT NULL REFERENCES planners (planner_id)',
          fixes: ['Add CREATE INDEX on workers(planner_id) after the CREATE TABLE'],
          explanation: ['Indexes on `workers`:', '`workers_pkey` (worker_id)'],
        },
      ],
      output:
        parents +
        'CREATE TABLE workers (\n  worker_id text PRIMARY KEY,\n  planner_id text NOT NULL REFERENCES planners (planner_id)\n);\nCREATE INDEX idx_workers_planner_id ON workers (planner_id);\n\n',
    },
    {
      name: 'table-level composite foreign key, an index with only one of its columns',
      code: parents + 'CREATE TABLE sites (id int PRIMARY KEY, org_id int, region int, CONSTRAINT sites_org_fk FOREIGN KEY (org_id, region) REFERENCES orgs (id, region));\nCREATE INDEX s_o ON sites (org_id);',
      errors: [{ message: ['sites(org_id, region) → orgs(id, region)'], span: 'CONSTRAINT sites_org_fk FOREIGN KEY (org_id, region) REFERENCES orgs (id, region)' }],
      output:
        parents +
        'CREATE TABLE sites (id int PRIMARY KEY, org_id int, region int, CONSTRAINT sites_org_fk FOREIGN KEY (org_id, region) REFERENCES orgs (id, region));\nCREATE INDEX idx_sites_org_id_region ON sites (org_id, region);\n\nCREATE INDEX s_o ON sites (org_id);',
    },
    {
      name: 'ALTER TABLE ADD CONSTRAINT in a migration: the fix is a new migration',
      migrations: [parents + 'CREATE TABLE workers (worker_id text PRIMARY KEY, planner_id text);'],
      code: 'ALTER TABLE workers ADD CONSTRAINT w_fk FOREIGN KEY (planner_id) REFERENCES planners (planner_id);',
      asMigration: { index: 1 },
      errors: [{ message: ['workers(planner_id)'], span: 'ALTER TABLE workers ADD CONSTRAINT w_fk FOREIGN KEY (planner_id) REFERENCES planners (planner_id)', fixes: ['Add index on workers(planner_id) in a new migration'] }],
    },
    {
      name: 'sqlite',
      dialect: 'sqlite',
      code: 'CREATE TABLE planners (planner_id TEXT PRIMARY KEY);\nCREATE TABLE workers (worker_id TEXT PRIMARY KEY, planner_id TEXT REFERENCES planners (planner_id));',
      errors: [{ message: ['workers(planner_id)'], span: 'planner_id TEXT REFERENCES planners (planner_id)' }],
      output:
        'CREATE TABLE planners (planner_id TEXT PRIMARY KEY);\nCREATE TABLE workers (worker_id TEXT PRIMARY KEY, planner_id TEXT REFERENCES planners (planner_id));\nCREATE INDEX idx_workers_planner_id ON workers (planner_id);\n',
    },
  ],
});
