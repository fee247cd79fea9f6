/**
 * A schema finding (an unindexed foreign key, a redundant index) in a migration
 * that has shipped is the schema as it stands, not a change under review: it is
 * reported at info with the reason; in a migration still to ship it is a warning.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { defaultConfig } from '../../../server/src/core/config/types';
import { BENCHMARK_NOTE, SCRIPT_NOTE, SHIPPED_MODEL_NOTE, SHIPPED_SCHEMA_NOTE } from '../../../server/src/core/engine/analysis';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import type { MigrationHistory } from '../../../server/src/core/migrations/history';
import { initParsers } from '../../../server/src/core/sql/parse';

const ROOT = path.resolve('/shop');
const FIRST = 'migrations/20240301000000_orders.sql';
const SECOND = 'migrations/20240302000000_lines.sql';
const FILES = {
  [FIRST]: 'CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz NOT NULL);\n',
  [SECOND]: 'CREATE TABLE order_lines (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id), sku text NOT NULL);\n',
};

function fkFindings(history: MigrationHistory | undefined) {
  const ws = Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), dialect: 'postgres' }, history }, FILES);
  return ws.analyze(path.join(ROOT, SECOND)).filter((f) => f.ruleId === 'unindexed-foreign-key');
}

describe('schema findings in shipped history', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('a migration not shipped yet: the unindexed foreign key is a warning', () => {
    const [finding, ...rest] = fkFindings(undefined);
    assert.equal(rest.length, 0);
    assert.equal(finding!.severity, 'warning');
    assert.ok(!finding!.message.includes(SHIPPED_SCHEMA_NOTE));
    assert.match(finding!.message, /^Foreign key order_lines\(order_id\) → orders\(id\) has no index leading with order_id/);
  });

  it('the same migration shipped: info, with the reason, the same range and a fix that is a new migration', () => {
    const open = fkFindings(undefined)[0]!;
    const [shipped] = fkFindings({ isShipped: () => true });
    assert.equal(shipped!.severity, 'info');
    assert.equal(shipped!.message, `${open.message} ${SHIPPED_SCHEMA_NOTE}`);
    assert.deepEqual(shipped!.range, open.range);
    for (const fix of shipped!.fixes) for (const change of fix.changes) assert.equal(change.kind, 'create', `${fix.title} edits a shipped migration`);
  });

  it('an error severity set in the config is kept for a migration not shipped, and lowered to info for a shipped one', () => {
    const config = { ...defaultConfig(), dialect: 'postgres' as const, rules: { 'unindexed-foreign-key': 'error' as const } };
    const severity = (history?: MigrationHistory) =>
      Workspace.fromFiles({ root: ROOT, config, history }, FILES)
        .analyze(path.join(ROOT, SECOND))
        .filter((f) => f.ruleId === 'unindexed-foreign-key')
        .map((f) => f.severity);
    assert.deepEqual(severity(), ['error']);
    assert.deepEqual(severity({ isShipped: () => true }), ['info']);
  });
});

describe('one-off scripts in a data-migrations folder', () => {
  const files = {
    'migrations/20240301000000_notes.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL, tag text);\n',
    'db/data-migrations/backfill-tags.sql': "UPDATE notes SET tag = 'invoice' WHERE body ILIKE '%invoice%';\n",
    'queries/search.sql': "SELECT id FROM notes WHERE body ILIKE '%invoice%' LIMIT 20;\n",
  };
  const wildcards = (history?: MigrationHistory) => {
    const ws = Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), dialect: 'postgres' }, history }, files);
    return ['db/data-migrations/backfill-tags.sql', 'queries/search.sql'].map((f) =>
      ws.analyze(path.join(ROOT, f)).filter((x) => x.ruleId === 'leading-wildcard-like').length,
    );
  };

  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('committed, it has run once: no query rule there; the application query committed beside it still gets its finding', () => {
    assert.deepEqual(wildcards({ isShipped: () => true }), [0, 1]);
  });

  it('not committed yet, it is about to run: its queries are checked', () => {
    assert.deepEqual(wildcards(undefined), [1, 1]);
  });
});

describe('schema findings in a SQL migration the application applies itself (no known tool, a migrations folder)', () => {
  const files = {
    'db/old_migrations/patch-orders.sql': 'CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, placed_at DATETIME NOT NULL);\n',
    'db/old_migrations/patch-lines.sql':
      'CREATE TABLE order_lines (id INTEGER PRIMARY KEY AUTOINCREMENT, order_id INTEGER NOT NULL REFERENCES [orders]([id]) ON DELETE CASCADE, sku TEXT NOT NULL);\n',
  };
  const fk = (history?: MigrationHistory) =>
    Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), dialect: 'sqlite' }, history }, files)
      .analyze(path.join(ROOT, 'db/old_migrations/patch-lines.sql'))
      .filter((f) => f.ruleId === 'unindexed-foreign-key');

  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('committed: the schema as it stands, info with the reason', () => {
    const [open] = fk(undefined);
    const [shipped] = fk({ isShipped: () => true });
    assert.equal(open!.severity, 'warning');
    assert.match(open!.message, /^Foreign key order_lines\(order_id\) → orders\(id\) has no index leading with order_id/);
    assert.equal(shipped!.severity, 'info');
    assert.equal(shipped!.message, `${open!.message} ${SHIPPED_SCHEMA_NOTE}`);
    assert.deepEqual(shipped!.range, open!.range);
  });
});

describe('query findings in a scripts folder', () => {
  const search = "SELECT id FROM notes WHERE body ILIKE '%invoice%' LIMIT 20;\n";
  const files = {
    'migrations/20240301000000_notes.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL);\n',
    'scripts/find-invoices.sql': search,
    'app/queries/find-invoices.sql': search,
    'app/scripts_helper/find-invoices.sql': search,
    'app/manage.py': 'def find_note(session, body):\n    return session.execute(text("SELECT id FROM notes WHERE body = :b LIMIT 20"), {"b": body}).all()\n',
    'app/billing.py': 'def find_note(session, body):\n    return session.execute(text("SELECT id FROM notes WHERE body = :b LIMIT 20"), {"b": body}).all()\n',
  };

  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('are info with the reason in scripts/, warnings elsewhere (a folder merely named like it included)', () => {
    const ws = Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), dialect: 'postgres' } }, files);
    const found = (rel: string) => ws.analyze(path.join(ROOT, rel)).filter((f) => f.ruleId === 'leading-wildcard-like');
    const [inScript] = found('scripts/find-invoices.sql');
    const [inApp] = found('app/queries/find-invoices.sql');
    assert.equal(inApp!.severity, 'warning');
    assert.equal(inScript!.severity, 'info');
    assert.equal(inScript!.message, `${inApp!.message} ${SCRIPT_NOTE}`);
    assert.equal(found('app/scripts_helper/find-invoices.sql')[0]!.severity, 'warning');
  });

  it('the same in a benchmarks folder (perfTest/, benches/), with its own reason; a folder merely named like it is the application', () => {
    const ws = Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), dialect: 'postgres' } }, {
      ...files,
      'perfTest/find-invoices.sql': search,
      'crates/notes/benches/find-invoices.sql': search,
      'app/perf_report/find-invoices.sql': search,
    });
    const found = (rel: string) => ws.analyze(path.join(ROOT, rel)).filter((f) => f.ruleId === 'leading-wildcard-like');
    const [inApp] = found('app/queries/find-invoices.sql');
    for (const rel of ['perfTest/find-invoices.sql', 'crates/notes/benches/find-invoices.sql']) {
      const [inBench] = found(rel);
      assert.equal(inBench!.severity, 'info', rel);
      assert.equal(inBench!.message, `${inApp!.message} ${BENCHMARK_NOTE}`);
    }
    assert.equal(found('app/perf_report/find-invoices.sql')[0]!.severity, 'warning');
  });

  it('the same in a command-line entry file (manage.py): info with the reason; in another module: a warning', () => {
    const ws = Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), dialect: 'postgres' } }, files);
    const found = (rel: string) => ws.analyze(path.join(ROOT, rel)).filter((f) => f.ruleId === 'missing-index');
    const [inManage] = found('app/manage.py');
    const [inModule] = found('app/billing.py');
    assert.equal(inModule!.severity, 'warning');
    assert.equal(inManage!.severity, 'info');
    assert.equal(inManage!.message, `${inModule!.message} ${SCRIPT_NOTE}`);
  });
});

describe('schema findings in a committed model (its table made by create_all)', () => {
  const MODELS = `from sqlalchemy import Column, ForeignKey, Integer, String


class Crate(Base):
    __tablename__ = "crates"
    id = Column(Integer, primary_key=True)


class Bottle(Base):
    __tablename__ = "bottles"
    id = Column(Integer, primary_key=True)
    crate_id = Column(Integer, ForeignKey("crates.id"))
    label = Column(String)
`;
  const fk = (history: MigrationHistory | undefined, extra: Record<string, string> = {}) =>
    Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), dialect: 'postgres' }, history }, { 'app/models.py': MODELS, ...extra })
      .analyze(path.join(ROOT, 'app/models.py'))
      .filter((f) => f.ruleId === 'unindexed-foreign-key');

  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('a model under review (not committed, or changed): the unindexed foreign key is a warning', () => {
    const [finding, ...rest] = fk(undefined);
    assert.equal(rest.length, 0);
    assert.equal(finding!.severity, 'warning');
    assert.equal(finding!.message, 'Foreign key bottles(crate_id) → crates(id) has no index leading with crate_id: deleting or re-keying a crates row, and joining crates to bottles, scans bottles. Add an index on bottles(crate_id).');
  });

  it('the model committed unchanged: info, with the reason', () => {
    const open = fk(undefined)[0]!;
    const [shipped] = fk({ isShipped: (file) => file.endsWith('models.py') });
    assert.equal(shipped!.severity, 'info');
    assert.equal(shipped!.message, `${open.message} ${SHIPPED_MODEL_NOTE}`);
    assert.deepEqual(shipped!.range, open.range);
  });

  it('a query over the committed model is still judged as a query: its missing index stays a warning', () => {
    const service = 'from sqlalchemy import select\n\nfrom app.models import Bottle\n\n\ndef labelled(session, label):\n    return session.execute(select(Bottle).where(Bottle.label == label).limit(10)).scalars().all()\n';
    const ws = Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), dialect: 'postgres' }, history: { isShipped: () => true } }, { 'app/models.py': MODELS, 'app/service.py': service });
    assert.deepEqual(ws.analyze(path.join(ROOT, 'app/service.py')).map((f) => `${f.ruleId}/${f.severity}`), ['missing-index/warning']);
  });
});

describe('fixes in committed application code', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('are offered: only a shipped migration is history that no fix edits', () => {
    const files = {
      'migrations/20240301000000_notes.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL);\n',
      'app/notes.py': 'def save_all(session, notes):\n    for note in notes:\n        session.add(note)\n        session.commit()\n',
    };
    const ws = Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), dialect: 'postgres' }, history: { isShipped: () => true } }, files);
    const [finding] = ws.analyze(path.join(ROOT, 'app/notes.py'));
    assert.equal(finding!.ruleId, 'commit-in-loop');
    assert.deepEqual(finding!.fixes.map((f) => f.title), ['Move session.commit() after the loop']);
  });
});
