/**
 * Explain in a monorepo (issue 10, scope): the shadow database and the query's
 * parameters follow the schema of the query's own package, not the whole
 * workspace's. Two crates each define `accounts` differently; Explain of a
 * query in either works against its own table (embedded PGlite).
 */
import assert from 'node:assert/strict';
import { defaultConfig } from '../../../server/src/core/config/types';
import { explainableQueries } from '../../../server/src/core/engine/explainable';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';
import { DatabaseService } from '../../../server/src/db/service';

const ROOT = '/mono';
const CARGO = (name: string) => `[package]\nname = "${name}"\n\n[dependencies]\nsqlx = { version = "0.8", features = ["postgres"] }\n`;

describe('db service: Explain against the schema of the query\'s package', function () {
  this.timeout(120_000);
  let ws: Workspace;
  const service = new DatabaseService({ log: () => undefined });

  before(async () => {
    await initParsers();
    await initHostParsers();
    ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, {
      'billing/Cargo.toml': CARGO('billing'),
      'billing/migrations/20240101000000_init.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY, owner_email text NOT NULL, plan text);\n',
      'billing/queries.sql': 'SELECT id, plan FROM accounts WHERE owner_email = $1;\n',
      'auth/Cargo.toml': CARGO('auth'),
      'auth/migrations/20240102000000_init.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY, login_count integer NOT NULL);\n',
      'auth/queries.sql': 'SELECT id FROM accounts WHERE login_count = $1;\n',
    });
  });

  after(() => service.close());

  for (const [crate, column, type] of [['billing', 'owner_email', 'text'], ['auth', 'login_count', 'integer']] as const) {
    it(`${crate}: the parameter is typed from its own accounts, and the plan reads it`, async () => {
      const file = `${ROOT}/${crate}/queries.sql`;
      const [query] = explainableQueries(ws, file);
      assert.deepEqual(query!.params, [{ name: '$1', column: `accounts.${column}`, type }]);
      const result = await service.explain({ workspace: ws, root: ROOT, query: query!, file, connection: { name: 'embedded', driver: 'embedded' }, analyze: false });
      assert.equal(result.summary.topNode, 'Seq Scan on accounts');
      assert.match(JSON.stringify(result.pgPlan), new RegExp(`"Filter":"\\(${column} = `));
    });
  }
});
