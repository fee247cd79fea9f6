/**
 * Where a new-migration fix goes (issue 11, item 4): to the set whose
 * migrations created the table, in that set's dialect; a table no set created
 * gets no migration in some other set.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';

const ROOT = path.resolve('/mono');
const at = (rel: string) => path.join(ROOT, rel);

// A PostgreSQL server crate and a SQLite client crate in one workspace (PostgreSQL by majority).
const FILES = {
  'server/migrations/20240101000000_init.sql': 'CREATE TABLE owners (id BIGSERIAL PRIMARY KEY, meta JSONB);\n',
  'server/migrations/20240102000000_jobs.sql': 'CREATE TABLE jobs (id BIGSERIAL PRIMARY KEY, owner_id bigint NOT NULL REFERENCES owners (id));\n',
  'client/migrations/20240101000000_init.sqlite.sql':
    'CREATE TABLE folders (id INTEGER PRIMARY KEY);\nCREATE TABLE notes (id INTEGER PRIMARY KEY, folder_id INTEGER NOT NULL REFERENCES folders (id));\n',
};

describe('placement of new-migration fixes', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  const fkFix = (ws: Workspace, rel: string) => ws.analyze(at(rel)).find((f) => f.ruleId === 'unindexed-foreign-key')?.fixes[0];

  it('each fix goes to the set that created the table, in that set’s dialect', () => {
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, FILES);
    const server = fkFix(ws, 'server/migrations/20240102000000_jobs.sql')!;
    const client = fkFix(ws, 'client/migrations/20240101000000_init.sqlite.sql')!;
    assert.equal(path.dirname(server.open!), at('server/migrations'));
    assert.equal(path.dirname(client.open!), at('client/migrations'));
    const content = (fix: typeof server) => fix.changes.map((c) => (c.kind === 'create' ? c.content : '')).join('');
    assert.match(content(server), /^CREATE INDEX CONCURRENTLY idx_jobs_owner_id ON jobs \(owner_id\);$/m);
    assert.equal(content(client), 'CREATE INDEX idx_notes_folder_id ON notes (folder_id);\n');
  });

  it('a table no migration set created gets no new migration in another set', () => {
    const files = { ...FILES, 'schema/extra.sql': 'CREATE TABLE tags (id bigint PRIMARY KEY, owner_id bigint REFERENCES owners (id));\n' };
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, files);
    const fix = fkFix(ws, 'schema/extra.sql');
    assert.ok(fix);
    assert.deepEqual(fix.changes.map((c) => [c.kind, c.file]), [['edit', at('schema/extra.sql')]]);
  });
});
