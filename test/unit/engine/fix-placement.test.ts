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

/** Two Alembic sets in one project (one per database schema): a model's index goes to the set whose revisions own its table. */
describe('placement of new-migration fixes among several Alembic sets', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  const revision = (id: string, body: string) => `from alembic import op\nimport sqlalchemy as sa\n\nrevision = '${id}'\ndown_revision = None\n\n\ndef upgrade():\n${body}`;
  const FILES = {
    'db/core/env.py': '',
    'db/core/versions/c1_plugins.py': revision('c1', "    op.create_table('plugin', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('slug', sa.String()))\n    op.create_index(op.f('ix_plugin_id'), 'plugin', ['id'])\n"),
    'db/tenant/env.py': '',
    'db/tenant/versions/t1_refs.py': revision('t1', "    op.add_column('event', sa.Column('external_ref', sa.String(), nullable=True))\n"),
    'db/tenant/versions/t2_plugin_fk.py': revision('t2', "    op.create_foreign_key(None, 'event', 'plugin', ['plugin_id'], ['id'])\n").replace("down_revision = None", "down_revision = 't1'"),
    'app/models.py': `from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Plugin(Base):
    __tablename__ = 'plugin'
    id = Column(Integer, primary_key=True)
    slug = Column(String)


class Event(Base):
    __tablename__ = 'event'
    id = Column(Integer, primary_key=True)
    plugin_id = Column(Integer, ForeignKey('plugin.id'))
    external_ref = Column(String)


class Note(Base):
    __tablename__ = 'note'
    id = Column(Integer, primary_key=True)
    body = Column(String)
`,
    'app/lookups.py': `from app.models import Event, Note, Plugin


def plugin_by_slug(session, slug):
    return session.query(Plugin).filter(Plugin.slug == slug).first()


def event_by_ref(session, ref):
    return session.query(Event).filter(Event.external_ref == ref).first()


def note_by_body(session, body):
    return session.query(Note).filter(Note.body == body).first()
`,
  };

  const indexFix = (table: string) => {
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, FILES);
    const finding = ws.analyze(at('app/lookups.py')).find((f) => f.ruleId === 'missing-index' && f.message.includes(`filters ${table} `));
    assert.ok(finding, `a missing-index finding on ${table}`);
    return finding.fixes[0]!;
  };

  it('a table a revision creates: a new revision in that set', () => {
    const fix = indexFix('plugin');
    assert.equal(fix.title, 'Add index on plugin(slug) in a new migration');
    assert.equal(path.dirname(fix.open!), at('db/core/versions'));
  });

  it('a table only one set’s revisions change (no revision creates it): a new revision in that set', () => {
    const fix = indexFix('event');
    assert.equal(fix.title, 'Add index on event(external_ref) in a new migration');
    assert.equal(path.dirname(fix.open!), at('db/tenant/versions'));
    const content = fix.changes.map((c) => (c.kind === 'create' ? c.content : '')).join('');
    assert.match(content, /down_revision = 't2'/);
    assert.match(content, /op\.create_index\('idx_event_external_ref', 'event', \['external_ref'\]/);
  });

  it('a table no revision names: the Index goes into the model, no revision in a set chosen at random', () => {
    const fix = indexFix('note');
    assert.equal(fix.title, 'Add Index on note(body) to the Note model');
    assert.deepEqual(fix.changes.map((c) => [c.kind, c.file]), [['edit', at('app/models.py')]]);
  });
});
