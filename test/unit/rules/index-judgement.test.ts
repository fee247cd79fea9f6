/**
 * Index advice with judgement (issue 10, cause 4): a selective index that
 * already narrows a lookup makes a composite index a plausible gain (info),
 * never "scans the table"; equality arriving through a join counts; columns of
 * few values (statuses, flags, kinds) are never proposed alone or first.
 */
import { missingCompositeIndex } from '../../../server/src/core/rules/missing-composite-index';
import { missingIndex } from '../../../server/src/core/rules/missing-index';
import { unpaginatedQuery } from '../../../server/src/core/rules/unpaginated-query';
import { ruleTester } from './harness';

const boards = 'CREATE TABLE boards (id bigint PRIMARY KEY, slug text UNIQUE, owner text);\n';
const tickets = (extra = '') =>
  boards +
  `CREATE TABLE tickets (
    id bigint PRIMARY KEY,
    board_id bigint NOT NULL REFERENCES boards (id),
    number int NOT NULL,
    assignee text,
    status text NOT NULL,
    is_archived boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    UNIQUE (board_id, number)
);
` + extra;

ruleTester(missingCompositeIndex, {
  valid: [
    {
      name: 'two columns of few values (a flag and a status): no index is worth it',
      schema: tickets(),
      code: "SELECT id FROM tickets WHERE is_archived = false AND status = 'open'",
    },
    {
      name: 'the unique key (board_id, number) leads the lookup',
      schema: tickets(),
      code: 'SELECT id FROM tickets WHERE board_id = $1 AND assignee = $2 AND number = $3',
    },
  ],
  invalid: [
    {
      name: 'no index on any filter column: warning, the table is scanned',
      schema: tickets().replace('    UNIQUE (board_id, number)\n', '    CHECK (number > 0)\n'),
      code: 'SELECT id FROM tickets WHERE assignee = $1 AND board_id = $2',
      errors: [
        {
          message: [
            'Query filters tickets on board_id and assignee, but no index leads with any of these columns: every call scans the table. Add an index on tickets(board_id, assignee).',
          ],
          span: 'assignee = $1 AND board_id = $2',
        },
      ],
    },
    {
      name: 'only an index on the status: warning, the selective column goes first, and no "scans the table"',
      schema: tickets('CREATE INDEX tickets_status ON tickets (status);\n').replace('    UNIQUE (board_id, number)\n', '    CHECK (number > 0)\n'),
      code: "SELECT id FROM tickets WHERE status = 'open' AND board_id = $1",
      errors: [
        {
          message: [
            'Query filters tickets on board_id and status, but the only index that applies (tickets_status on status) narrows it only to one value ' +
              'of a column with few values: every call reads all rows with that value. Add an index on tickets(board_id, status).',
          ],
          span: "status = 'open' AND board_id = $1",
        },
      ],
    },
    {
      name: 'an index on a selective column already narrows the rows: info, with the reason',
      schema: tickets('CREATE INDEX tickets_assignee ON tickets (assignee);\n'),
      code: "SELECT id FROM tickets WHERE assignee = $1 AND status = 'open'",
      errors: [
        {
          message: [
            "Query filters tickets on assignee and status; the index tickets_assignee on assignee already narrows it to the rows of one assignee, which are then filtered. Add an index on tickets(assignee, status) only if one assignee has many rows.",
          ],
          span: "assignee = $1 AND status = 'open'",
          tentative: true,
        },
      ],
    },
    {
      name: 'every matching row is returned (no LIMIT) and an index finds them by all the equality columns: info, only their sort is left',
      schema: tickets('CREATE INDEX tickets_status_archived ON tickets (status, is_archived);\n'),
      code: "SELECT id FROM tickets WHERE status = 'open' AND is_archived = false ORDER BY created_at",
      errors: [
        {
          message: [
            'Query filters tickets on status and is_archived and sorts by created_at; the index tickets_status_archived on status and is_archived finds every matching row, and the query returns them all: the new index would spare only their sort. Add an index on tickets(status, is_archived, created_at) only if one status and is_archived has many rows.',
          ],
          span: "status = 'open' AND is_archived = false ORDER BY created_at",
          tentative: true,
        },
      ],
    },
    {
      name: 'an index leading with a column of few values narrows by the key after it: info, naming the columns it seeks',
      schema: tickets('CREATE INDEX tickets_status_board_assignee ON tickets (status, board_id, assignee);\n'),
      code: "SELECT id FROM tickets WHERE board_id = $1 AND status = 'open' AND assignee = ANY($2::text[]) ORDER BY created_at LIMIT 20",
      errors: [
        {
          message: [
            'Query filters tickets on board_id, assignee and status and sorts by created_at; the index tickets_status_board_assignee on status, board_id and assignee already narrows it to the rows of one status, board_id and assignee, which are then filtered and sorted. Add an index on tickets(board_id, assignee, status, created_at) only if one status, board_id and assignee has many rows.',
          ],
          span: "board_id = $1 AND status = 'open' AND assignee = ANY($2::text[]) ORDER BY created_at",
          tentative: true,
        },
      ],
    },
    {
      name: "an index on a scope key (a project's) narrows to one project's rows: info, how many that is the code does not show",
      schema:
        'CREATE TABLE projects (id bigint PRIMARY KEY, name text);\n' +
        'CREATE TABLE score_configs (id bigint PRIMARY KEY, project_id bigint NOT NULL REFERENCES projects (id), name text NOT NULL, data_type text NOT NULL);\n' +
        'CREATE INDEX score_configs_project_id_idx ON score_configs (project_id);\n',
      code: "SELECT id FROM score_configs WHERE project_id = $1 AND name = $2 AND data_type = 'CATEGORICAL'",
      errors: [
        {
          message: [
            'Query filters score_configs on name, project_id and data_type; the index score_configs_project_id_idx on project_id already narrows it to the rows of one project_id, which are then filtered. Add an index on score_configs(name, project_id, data_type) only if one project_id has many rows.',
          ],
          span: "project_id = $1 AND name = $2 AND data_type = 'CATEGORICAL'",
          tentative: true,
        },
      ],
    },
    {
      name: 'narrowed through a join: the message says so',
      schema: tickets('CREATE INDEX tickets_board ON tickets (board_id);\n').replace('    UNIQUE (board_id, number)\n', '    CHECK (number > 0)\n'),
      code: 'SELECT t.id FROM boards b JOIN tickets t ON t.board_id = b.id WHERE b.slug = $1 AND t.assignee = $2 AND t.created_at > $3',
      errors: [
        {
          message: ['Query filters tickets on assignee and created_at; the index tickets_board on board_id, reached through the join, already narrows it to the rows of one board_id'],
          span: 't.assignee = $2 AND t.created_at > $3',
          tentative: true,
        },
      ],
    },
    {
      name: 'a status first and a sort: info, a partial index is the better fit',
      schema: tickets(),
      code: "SELECT id FROM tickets WHERE status = 'open' ORDER BY created_at LIMIT 20",
      errors: [
        {
          message: ['status has few distinct values: an index leading with it pays off only when the wanted value is rare', 'Add an index on tickets(status, created_at), or a partial index.'],
          span: "status = 'open' ORDER BY created_at",
          tentative: true,
        },
      ],
    },
  ],
});

ruleTester(missingIndex, {
  valid: [
    { name: 'a status alone is not proposed', schema: tickets(), code: 'SELECT id FROM tickets WHERE status = $1' },
    { name: 'a flag alone is not proposed', schema: tickets(), code: 'SELECT id FROM tickets WHERE is_archived = true' },
    {
      name: 'equality through the join plus the filter is the unique key (board_id, number)',
      schema: tickets(),
      code: 'SELECT t.id FROM tickets t JOIN boards b ON b.id = t.board_id WHERE b.slug = $1 AND t.number = $2',
    },
    {
      name: 'a foreign-key index narrows a composite lookup too (no missing-index for the second column)',
      schema: tickets('CREATE INDEX tickets_board ON tickets (board_id);\n').replace('    UNIQUE (board_id, number)\n', '    CHECK (number > 0)\n'),
      code: 'SELECT id FROM tickets WHERE board_id = $1 AND assignee = $2',
    },
    {
      name: 'the joined table is entered through its indexed join column',
      schema: tickets('CREATE INDEX tickets_board ON tickets (board_id);\n').replace('    UNIQUE (board_id, number)\n', '    CHECK (number > 0)\n'),
      code: 'SELECT t.id FROM boards b JOIN tickets t ON t.board_id = b.id WHERE b.slug = $1 AND t.assignee = $2',
    },
  ],
  invalid: [
    {
      name: 'a migration dropped the index on the column (none re-created): info, saying so',
      schema: tickets('CREATE INDEX tickets_assignee ON tickets (assignee);\nDROP INDEX tickets_assignee;\n'),
      code: 'SELECT id FROM tickets WHERE assignee = $1',
      errors: [
        {
          message: [
            'Query filters tickets on assignee, but no index leads with it: every call scans the table. Add an index on tickets(assignee). ' +
              '(But a migration (schema.sql) dropped tickets_assignee, an index leading with assignee: the project took it away, perhaps on purpose ' +
              '(unused, or too costly to keep up on writes), so check why before adding one back.)',
          ],
          span: 'assignee = $1',
          tentative: true,
        },
      ],
    },
    {
      name: 'dropped and re-created under another name: the index serves it, nothing to report',
      schema: tickets('CREATE INDEX tickets_assignee ON tickets (assignee);\nDROP INDEX tickets_assignee;\nCREATE INDEX tickets_assignee_status ON tickets (assignee, status);\n'),
      code: 'SELECT id FROM tickets WHERE assignee = $1 AND board_id = $2 AND number = $3',
      errors: [],
    },
    {
      name: 'a reference list of kinds (a few rows): info, with the reason',
      schema: boards + 'CREATE TABLE ticket_priority (id bigint PRIMARY KEY, board_id bigint REFERENCES boards (id), name text);',
      code: 'SELECT id, name FROM ticket_priority WHERE board_id = $1',
      errors: [
        {
          message: ['Query filters ticket_priority on board_id, but no index leads with it', 'ticket_priority looks like a reference list of kinds, usually a few rows'],
          span: 'board_id = $1',
          tentative: true,
        },
      ],
    },
    {
      name: "a reference list named in camelCase, quoted (dokploy's webServerSettings): read by the words of its name as created",
      schema: 'CREATE TABLE "webServerSettings" (id text PRIMARY KEY, created_at timestamptz NOT NULL, domain text);',
      code: 'SELECT id, domain FROM "webServerSettings" ORDER BY created_at LIMIT 1',
      errors: [{ message: ['webServerSettings looks like a reference list of kinds, usually a few rows'], span: 'created_at', tentative: true }],
    },
    {
      name: 'an association table named for roles is not a reference list: warning',
      schema: boards + 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE board_roles (id bigint PRIMARY KEY, board_id bigint REFERENCES boards (id), user_id bigint REFERENCES users (id));',
      code: 'SELECT id FROM board_roles WHERE user_id = $1',
      errors: [{ message: ['Query filters board_roles on user_id, but no index leads with it: every call scans the table. Add an index on board_roles(user_id).'], span: 'user_id = $1' }],
    },
    {
      name: 'a selective column alone with no index: still a warning',
      schema: tickets(),
      code: 'SELECT id FROM tickets WHERE assignee = $1',
      errors: [{ message: ['Query filters tickets on assignee, but no index leads with it: every call scans the table.'], span: 'assignee = $1' }],
    },
  ],
});

/**
 * Small tables set up by hand (issue 10, cause 4): what the schema shows about
 * a table of a few rows — a boolean `default` column (a list of choices), a
 * table named for its runs (definitions), every row belonging to definitions —
 * makes an index a plausible gain only: info, with the reason. The runs, and
 * the rows that merely belong to a list of choices, stay warnings.
 */
const choices = (defaultType: string) =>
  `CREATE TABLE warehouses (id bigint PRIMARY KEY, code text NOT NULL, "default" ${defaultType});\n` +
  'CREATE TABLE stock (id bigint PRIMARY KEY, warehouse_id bigint REFERENCES warehouses (id), sku text NOT NULL);\n';
const definitions =
  'CREATE TABLE pipeline (id bigint PRIMARY KEY, name text NOT NULL);\n' +
  'CREATE TABLE pipeline_step (id bigint PRIMARY KEY, pipeline_id bigint REFERENCES pipeline (id), name text NOT NULL);\n' +
  'CREATE TABLE pipeline_run (id bigint PRIMARY KEY, pipeline_id bigint REFERENCES pipeline (id), started_at timestamptz NOT NULL);\n';

ruleTester(missingIndex, {
  valid: [],
  invalid: [
    {
      name: 'a boolean "default" column: a list of choices, info with the reason',
      schema: choices('boolean NOT NULL DEFAULT false'),
      code: 'SELECT id FROM warehouses WHERE code = $1',
      errors: [
        {
          message: [
            'Query filters warehouses on code, but no index leads with it: every call scans the table. Add an index on warehouses(code). ' +
              '(warehouses has a boolean default column, so its rows are choices set up by hand, one of them the default: usually a few rows, ' +
              'and a scan reads them at once: an index is worth it only if it grows.)',
          ],
          span: 'code = $1',
          tentative: true,
        },
      ],
    },
    {
      name: 'a "default" column that is not a flag says nothing: warning',
      schema: choices('text'),
      code: 'SELECT id FROM warehouses WHERE code = $1',
      errors: [{ message: ['Query filters warehouses on code, but no index leads with it: every call scans the table. Add an index on warehouses(code).'], span: 'code = $1' }],
    },
    {
      name: 'rows belonging to a list of choices are not few: warning',
      schema: choices('boolean'),
      code: 'SELECT id FROM stock WHERE sku = $1',
      errors: [{ message: ['Query filters stock on sku, but no index leads with it: every call scans the table. Add an index on stock(sku).'], span: 'sku = $1' }],
    },
    {
      name: 'definitions whose runs have their own table: info, with the reason',
      schema: definitions,
      code: 'SELECT id FROM pipeline WHERE name = $1',
      errors: [
        {
          message: ['(pipeline holds definitions whose runs are kept in pipeline_run: usually a few rows set up by hand, and a scan reads them at once: an index is worth it only if it grows.)'],
          span: 'name = $1',
          tentative: true,
        },
      ],
    },
    {
      name: 'the parts of definitions: info, with the reason',
      schema: definitions,
      code: 'SELECT name FROM pipeline_step WHERE pipeline_id = $1',
      errors: [{ message: ['(every row of pipeline_step belongs to the definitions in pipeline: usually a few rows'], span: 'pipeline_id = $1', tentative: true }],
    },
    {
      name: 'the runs themselves are the growing data: warning',
      schema: definitions,
      code: 'SELECT id FROM pipeline_run WHERE pipeline_id = $1',
      errors: [{ message: ['Query filters pipeline_run on pipeline_id, but no index leads with it: every call scans the table. Add an index on pipeline_run(pipeline_id).'], span: 'pipeline_id = $1' }],
    },
  ],
});

const tenants =
  'CREATE TABLE workspaces (id bigint PRIMARY KEY, name text NOT NULL);\n' +
  'CREATE TABLE shares (id bigint PRIMARY KEY, key text NOT NULL, workspace_id bigint NOT NULL REFERENCES workspaces (id), space_id bigint NOT NULL, org_id bigint);\n';

ruleTester(missingIndex, {
  valid: [],
  invalid: [
    {
      name: "a DELETE by a tenant key alone (all of one workspace's rows): info, with the reason",
      schema: tenants,
      code: 'DELETE FROM shares WHERE workspace_id = $1',
      errors: [
        {
          message: [
            'Query filters shares on workspace_id, but no index leads with it: every call scans the table. Add an index on shares(workspace_id). ' +
              '(it deletes every row one workspace has in shares, which happens when a workspace changes a setting or is removed: rarely, ' +
              'and where there is one workspace every row matches. Worth it when there are many workspaces and the table is large.)',
          ],
          span: 'workspace_id = $1',
          tentative: true,
        },
      ],
    },
    {
      name: 'an UPDATE by a tenant key named alone (org_id, no foreign key): info',
      schema: tenants,
      code: 'UPDATE shares SET key = $2 WHERE org_id = $1',
      errors: [{ message: ['(it updates every row one org has in shares'], span: 'org_id = $1', tentative: true }],
    },
    {
      name: 'a read by the tenant key runs on every request: warning',
      schema: tenants,
      code: 'SELECT id FROM shares WHERE workspace_id = $1',
      errors: [{ message: ['Query filters shares on workspace_id, but no index leads with it: every call scans the table. Add an index on shares(workspace_id).'], span: 'workspace_id = $1' }],
    },
    {
      name: 'a DELETE by a key that is no tenant (a space): warning',
      schema: tenants,
      code: 'DELETE FROM shares WHERE space_id = $1',
      errors: [{ message: ['Query filters shares on space_id, but no index leads with it: every call scans the table. Add an index on shares(space_id).'], span: 'space_id = $1' }],
    },
  ],
});

/**
 * Integrations one tenant sets up by hand (Dokploy's sso_provider): a table
 * named for providers or integrations with a foreign key to the tenant is a few
 * rows per tenant, info with the reason; the same name without a tenant, or a
 * tenant's other rows, stay warnings.
 */
const tenantTables = 'CREATE TABLE organization (id text PRIMARY KEY);\nCREATE TABLE "user" (id text PRIMARY KEY);\n';
ruleTester(missingIndex, {
  valid: [],
  invalid: [
    {
      name: "an organization's SSO providers (two foreign keys): info, with the reason",
      schema: tenantTables + 'CREATE TABLE sso_provider (id text PRIMARY KEY, organization_id text REFERENCES organization (id), user_id text REFERENCES "user" (id), issuer text);',
      code: 'SELECT id FROM sso_provider WHERE issuer = $1',
      errors: [
        {
          message: [
            'Query filters sso_provider on issuer, but no index leads with it: every call scans the table. Add an index on sso_provider(issuer). ' +
              '(sso_provider holds the sso providers one organization sets up by hand: usually a few rows per organization, and a scan reads them at once: an index is worth it only if it grows.)',
          ],
          span: 'issuer = $1',
          tentative: true,
        },
      ],
    },
    {
      name: 'providers of no tenant (two foreign keys: no reference list either), and a tenant table of other rows: warnings',
      schema: tenantTables + 'CREATE TABLE wallet (id text PRIMARY KEY);\nCREATE TABLE payment_provider (id text PRIMARY KEY, user_id text REFERENCES "user" (id), wallet_id text REFERENCES wallet (id), code text);\nCREATE TABLE deployment (id text PRIMARY KEY, organization_id text REFERENCES organization (id), code text);',
      code: 'SELECT id FROM payment_provider WHERE code = $1;\nSELECT id FROM deployment WHERE code = $1;',
      errors: [
        { message: ['Query filters payment_provider on code, but no index leads with it: every call scans the table. Add an index on payment_provider(code).'], span: 'code = $1' },
        { message: ['Query filters deployment on code, but no index leads with it: every call scans the table. Add an index on deployment(code).'], span: 'code = $1', start: 'SELECT id FROM payment_provider WHERE code = $1;\nSELECT id FROM deployment WHERE '.length },
      ],
    },
  ],
});

ruleTester(unpaginatedQuery, {
  valid: [],
  invalid: [
    {
      name: "every organization's SSO providers: info, they grow only with the organizations that set them up",
      schema: tenantTables + 'CREATE TABLE sso_provider (id text PRIMARY KEY, organization_id text REFERENCES organization (id), user_id text REFERENCES "user" (id), domain text);',
      code: 'SELECT domain FROM sso_provider',
      output: 'SELECT domain FROM sso_provider LIMIT 100',
      errors: [
        {
          message: ['Query reads sso_provider without LIMIT', '(sso_provider holds the sso providers one organization sets up by hand: a few rows per organization, so it grows only with the organizations that set them up.)'],
          span: 'SELECT domain FROM sso_provider',
          fixes: ['Add LIMIT 100'],
          tentative: true,
        },
      ],
    },
  ],
});
