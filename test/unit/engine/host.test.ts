import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Finding } from '../../../shared/types';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';

const ROOT = '/project';
const at = (rel: string) => path.join(ROOT, rel);

const MODELS = `from sqlalchemy import Column, String, ForeignKey
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Planner(Base):
    __tablename__ = 'planners'
    planner_id = Column(String(32), primary_key=True)


class Worker(Base):
    __tablename__ = 'workers'
    worker_id = Column(String(32), primary_key=True)
    planner_id = Column(String(32), ForeignKey('planners.planner_id'), nullable=False, index=True)
    task_status = Column(String(50), nullable=False, index=True)
`;
const TASKS = `from app.models import Worker


def get_current_task(session, pid):
    return session.query(Worker).filter(Worker.planner_id == pid, Worker.task_status == 'pending').first()
`;

function workspace(files: Record<string, string>): Workspace {
  return Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, files);
}

/** The text each finding of `rule` underlines. */
function underlined(ws: Workspace, file: string, rule: string): string[] {
  const text = ws.textOf(at(file))!;
  const lines = text.split('\n');
  const pick = (f: Finding) => {
    const { start, end } = f.range;
    if (start.line !== end.line) return `${lines[start.line]!.slice(start.character)}…`;
    return lines[start.line]!.slice(start.character, end.character);
  };
  return ws.analyze(at(file)).filter((f) => f.ruleId === rule).map(pick);
}

describe('engine: host code (Python, Rust)', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('flags the seed query in SQLAlchemy with a model from another file', () => {
    const ws = workspace({ 'app/models.py': MODELS, 'app/tasks.py': TASKS });
    assert.deepEqual(underlined(ws, 'app/tasks.py', 'missing-composite-index'), [
      "Worker.planner_id == pid, Worker.task_status == 'pending'",
    ]);
    const finding = ws.analyze(at('app/tasks.py')).find((f) => f.ruleId === 'missing-composite-index')!;
    assert.match(finding.message, /workers\(planner_id, task_status\)/);
    // No migrations: the fix adds the Index to the model's __table_args__.
    const change = finding.fixes[0]!.changes[0]!;
    assert.equal(change.kind, 'edit');
    if (change.kind === 'edit') {
      assert.equal(change.file, at('app/models.py'));
      assert.deepEqual(
        change.edits.map((e) => e.newText),
        ['from sqlalchemy import Index\n', "\n    __table_args__ = (Index('idx_workers_planner_id_task_status', 'planner_id', 'task_status'),)"],
      );
    }
  });

  it('re-analyses queries in other files when a model gains the index', () => {
    const ws = workspace({ 'app/models.py': MODELS, 'app/tasks.py': TASKS });
    assert.equal(underlined(ws, 'app/tasks.py', 'missing-composite-index').length, 1);
    ws.setFile(at('app/models.py'), MODELS + "\n\nIndex('idx_workers_planner_status', Worker.planner_id, Worker.task_status)\n");
    assert.ok(ws.affectedBy(at('app/models.py')).includes(at('app/tasks.py')));
    assert.deepEqual(underlined(ws, 'app/tasks.py', 'missing-composite-index'), []);
  });

  it('maps raw SQL findings into the string literal', () => {
    const ws = workspace({
      'app/models.py': MODELS,
      'app/raw.py': `from sqlalchemy import text\n\n\ndef search(conn):\n    return conn.execute(text("SELECT worker_id FROM workers WHERE task_status LIKE '%fail%' LIMIT 10")).all()\n`,
    });
    assert.deepEqual(underlined(ws, 'app/raw.py', 'leading-wildcard-like'), ["task_status LIKE '%fail%'"]);
  });

  it('migrations win over models: a SQL migration with the composite index silences the query', () => {
    const ws = workspace({
      'app/models.py': MODELS,
      'app/tasks.py': TASKS,
      'migrations/001_init.sql': `CREATE TABLE planners (planner_id text PRIMARY KEY);
CREATE TABLE workers (worker_id text PRIMARY KEY, planner_id text NOT NULL REFERENCES planners, task_status text NOT NULL);
CREATE INDEX idx_workers_planner_status ON workers (planner_id, task_status);
`,
    });
    assert.deepEqual(underlined(ws, 'app/tasks.py', 'missing-composite-index'), []);
  });

  it('orders Alembic revisions into the catalog and writes the index fix as a new revision', () => {
    const ws = workspace({
      'alembic.ini': '[alembic]\nscript_location = alembic\n',
      'alembic/env.py': '# env\n',
      'alembic/versions/aaa_init.py': `revision = 'aaa'
down_revision = None


def upgrade():
    op.create_table('workers', sa.Column('worker_id', sa.String(32), primary_key=True), sa.Column('planner_id', sa.String(32), nullable=False), sa.Column('task_status', sa.String(50), nullable=False))
`,
      'alembic/versions/bbb_indexes.py': `revision = 'bbb'
down_revision = 'aaa'


def upgrade():
    op.create_index('ix_workers_planner_id', 'workers', ['planner_id'])
    op.create_index('ix_workers_task_status', 'workers', ['task_status'])
`,
      'app/models.py': MODELS,
      'app/tasks.py': TASKS,
    });
    const sets = ws.migrationSets();
    assert.deepEqual(sets.map((s) => [s.tool, s.migrations.map((m) => m.version)]), [['alembic', ['aaa', 'bbb']]]);
    const finding = ws.analyze(at('app/tasks.py')).find((f) => f.ruleId === 'missing-composite-index')!;
    const fix = finding.fixes[0]!;
    assert.equal(fix.title, 'Add index on workers(planner_id, task_status) in a new migration');
    const created = fix.changes[0]!;
    assert.equal(created.kind, 'create');
    if (created.kind === 'create') {
      assert.equal(path.dirname(created.file), at('alembic/versions'));
      assert.match(created.content, /down_revision = 'bbb'/);
      assert.match(created.content, /op\.create_index\('idx_workers_planner_id_task_status', 'workers', \['planner_id', 'task_status'\]/);
    }
  });

  it('flags sqlx queries in Rust against SQL migrations, inside the string', () => {
    const ws = workspace({
      'migrations/20240101000000_init.sql': `CREATE TABLE memories (id bigserial PRIMARY KEY, agent_id text NOT NULL, kind text NOT NULL);
CREATE INDEX idx_memories_agent ON memories (agent_id);
CREATE INDEX idx_memories_kind ON memories (kind);
`,
      'src/db.rs': `pub async fn recall(pool: &PgPool, agent: &str) -> sqlx::Result<Vec<Memory>> {
    sqlx::query_as!(Memory, "SELECT id, agent_id, kind FROM memories WHERE agent_id = $1 AND kind = 'fact' LIMIT 50", agent)
        .fetch_all(pool)
        .await
}
`,
    });
    assert.deepEqual(underlined(ws, 'src/db.rs', 'missing-composite-index'), ["agent_id = $1 AND kind = 'fact'"]);
  });

  it('makes a non-concurrent Alembic create_index concurrent, in an autocommit block', () => {
    const revision = `revision = 'bbb'
down_revision = 'aaa'


def upgrade():
    op.create_index('ix_workers_task_status', 'workers',
                    ['task_status'])
`;
    const ws = workspace({
      'alembic/env.py': '# env\n',
      'alembic/versions/aaa_init.py': `revision = 'aaa'\ndown_revision = None\n\n\ndef upgrade():\n    op.create_table('workers', sa.Column('worker_id', sa.String(32), primary_key=True), sa.Column('task_status', sa.String(50)))\n`,
      'alembic/versions/bbb_index.py': revision,
    });
    const finding = ws.analyze(at('alembic/versions/bbb_index.py')).find((f) => f.ruleId === 'non-concurrent-index-creation')!;
    assert.ok(finding, 'flagged');
    assert.match(finding.message, /postgresql_concurrently=True/);
    const edit = finding.fixes[0]!.changes[0]!;
    assert.equal(edit.kind, 'edit');
    if (edit.kind !== 'edit') return;
    const e = edit.edits[0]!;
    const lines = revision.split('\n');
    const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    const fixed = revision.slice(0, offset(e.range.start)) + e.newText + revision.slice(offset(e.range.end));
    assert.equal(
      fixed,
      `revision = 'bbb'
down_revision = 'aaa'


def upgrade():
    with op.get_context().autocommit_block():
        op.create_index('ix_workers_task_status', 'workers',
                        ['task_status'], postgresql_concurrently=True)
`,
    );
    const tmp = path.join(mkdtempSync(path.join(tmpdir(), 'ql-alembic-')), 'bbb_index.py');
    writeFileSync(tmp, fixed);
    execFileSync('python3', ['-m', 'py_compile', tmp]);
  });
});
