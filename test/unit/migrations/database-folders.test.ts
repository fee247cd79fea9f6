/**
 * wiki.js keeps two knex migration sets beside each other: `server/db/migrations/` (PostgreSQL, MySQL) and
 * `server/db/migrations-sqlite/`, run by the database configured. Both are migrations (no rule reads their
 * data fixes as application code), and the set in the folder named for one database is applied first, so the
 * plain set's tables are the catalog's: an index the plain set adds later is not lost to the other set's CREATE TABLE.
 */
import assert from 'node:assert/strict';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';

const CREATE = "exports.up = knex => knex.schema.createTable('users', t => {\n  t.increments('id')\n  t.string('email')\n})\nexports.down = knex => knex.schema.dropTable('users')\n";
const INDEX = "exports.up = knex => knex.schema.alterTable('users', t => {\n  t.index(['email'])\n})\nexports.down = knex => { }\n";
const LOWER = "exports.up = async knex => {\n  await knex('users').update({\n    email: knex.raw('LOWER(email)')\n  })\n}\nexports.down = knex => { }\n";
const QUERY = "export async function byEmail(knex, email) {\n  return knex('users').where({ email }).first()\n}\n";

function findings(files: Record<string, string>): string[] {
  const ws = Workspace.fromFiles({ root: '/project', config: defaultConfig() }, files);
  return Object.keys(files).flatMap((file) => ws.analyze(`/project/${file}`).map((f) => `${file}:${f.range.start.line + 1} ${f.severity} ${f.ruleId}`));
}

describe("migrations: a set in a folder named for one database (wiki.js's migrations-sqlite/)", () => {
  before(async () => {
    await Promise.all([initParsers(), initHostParsers()]);
  });

  it("is a migration set: a data fix in it is no application code's whole-table write", () => {
    assert.deepEqual(
      findings({ 'server/db/migrations-sqlite/2.0.0.js': CREATE, 'server/db/migrations-sqlite/2.5.128.js': LOWER }).filter((f) => f.includes('unfiltered-write')),
      [],
    );
  });

  it("is applied before the plain set: the index the plain set adds later stays the catalog's", () => {
    const files = {
      'server/db/migrations/2.0.0.js': CREATE,
      'server/db/migrations/2.1.0.js': INDEX,
      'server/db/migrations-sqlite/2.0.0.js': CREATE,
      'server/models/users.js': QUERY,
    };
    assert.deepEqual(findings(files).filter((f) => f.startsWith('server/models/')), []);
    // Without the plain set's index, the same query is told to add one: the test sees the catalog.
    const { ['server/db/migrations/2.1.0.js']: _index, ...withoutIndex } = files;
    assert.deepEqual(findings(withoutIndex).filter((f) => f.startsWith('server/models/')), ['server/models/users.js:2 warning missing-index']);
  });
});
