/**
 * The index fix for a table declared by a SQLAlchemy model, with no migrations:
 * an `Index(...)` after the model's class. The edited file must compile.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Catalog, MigrationSet, TableInfo } from '../../../server/src/core/catalog/types';
import { makeIndexFixes } from '../../../server/src/core/engine/fixes';
import type { CoreFix, IndexSuggestion } from '../../../server/src/core/rules/types';
import { pyCompile } from './alembic-stub/run';

const seed: IndexSuggestion = { table: 'workers', columns: ['planner_id', 'task_status'] };
const file = path.resolve('/ws/app/models.py');

const MODELS = `"""Task manager models."""
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class Planner(Base):
    __tablename__ = 'planners'
    id = Column(Integer, primary_key=True)


class Worker(Base):
    """A worker.

Docstring lines may sit at any indentation.
    """

    __tablename__ = 'workers'
    id = Column(Integer, primary_key=True)
    planner_id = Column(
        Integer,
  ForeignKey('planners.id'),  # odd indentation inside brackets
        index=True,
    )
    status = Column('task_status', String(20), index=True)  # attribute named otherwise
    name = Column(String, doc='a # is not a comment \\' here')
    planner = relationship('Planner')

    # the last line of the body is this comment

# a comment about the next class, at column 0


class Task(Base):
    __tablename__ = 'tasks'
    id = Column(Integer, primary_key=True)
`;

/** Applies the fix's edits (back to front, as offsets into the original text). */
function apply(text: string, fix: CoreFix): string {
  const change = fix.changes[0];
  assert.equal(change.kind, 'edit');
  if (change.kind !== 'edit') return text;
  let out = text;
  for (const e of [...change.edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

function fixesFor(text: string, origin: number, suggestion = seed, migrations: MigrationSet[] = [], dialect: 'postgres' | 'sqlite' = 'postgres'): CoreFix[] {
  const table = { name: suggestion.table, origin: { file, span: { start: origin, end: origin + 5 }, order: 0 } } as TableInfo;
  const catalog: Catalog = { tables: new Map([[suggestion.table, table]]), getTable: (n) => (n === suggestion.table ? table : undefined) };
  return makeIndexFixes({ suggestion, near: { start: 0, end: 0 }, file: '/ws/app/service.py', dialect, catalog, migrations, textOf: (f) => (f === file ? text : undefined), now: new Date(0) });
}

describe('index fix for a SQLAlchemy model without migrations', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'querylens-model-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const compiles = (text: string) => {
    const f = path.join(tmp, `m_${Math.random().toString(16).slice(2)}.py`);
    fs.writeFileSync(f, text);
    pyCompile(f);
  };

  it('adds Index(...) after the class body, and the import, from the class line or __tablename__', () => {
    for (const origin of [MODELS.indexOf('class Worker'), MODELS.indexOf("__tablename__ = 'workers'")]) {
      const [fix] = fixesFor(MODELS, origin);
      assert.equal(fix.title, 'Add Index on workers(planner_id, task_status) to the Worker model');
      const out = apply(MODELS, fix);
      assert.equal(
        out,
        MODELS.replace('from sqlalchemy.orm import declarative_base, relationship\n', 'from sqlalchemy.orm import declarative_base, relationship\nfrom sqlalchemy import Index\n').replace(
          "    planner = relationship('Planner')\n",
          "    planner = relationship('Planner')\n\n\nIndex('idx_workers_planner_id_task_status', Worker.planner_id, Worker.status)\n",
        ),
      );
      compiles(out);
    }
  });

  it('uses an existing import (sa.Index), the last class of a file without a final newline, trigram options', () => {
    const text = "import sqlalchemy as sa\nfrom app.db import Base\n\n\nclass Worker(Base):\n    __tablename__ = 'workers'\n    id = sa.Column(sa.Integer, primary_key=True)\n    name = sa.Column(sa.String)";
    const [fix] = fixesFor(text, text.indexOf('class'), { table: 'workers', columns: ['name'], method: 'gin', opclass: 'gin_trgm_ops' });
    const out = apply(text, fix);
    assert.equal(
      out,
      text +
        "\n\n\n# Needs the pg_trgm extension: CREATE EXTENSION IF NOT EXISTS pg_trgm;\nsa.Index('idx_workers_name_trgm', Worker.name, postgresql_using='gin', postgresql_ops={'name': 'gin_trgm_ops'})\n",
    );
    compiles(out);
  });

  it('2.0 style models with Mapped annotations and a multi-line import list; unknown attributes through __table__.c', () => {
    const text = [
      'from sqlalchemy import (',
      '    Index,',
      '    String,',
      ')',
      'from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column',
      '',
      '',
      'class Base(DeclarativeBase):',
      '    pass',
      '',
      '',
      'class Worker(Base):',
      "    __tablename__ = 'workers'",
      '    id: Mapped[int] = mapped_column(primary_key=True)',
      '    planner_id: Mapped[int] = mapped_column(index=True)',
      '',
      '',
      'def helper():',
      '    return 1',
      '',
    ].join('\n');
    const out = apply(text, fixesFor(text, text.indexOf('class Worker'), seed, [], 'sqlite')[0]);
    assert.match(out, /\n {4}planner_id: Mapped\[int\] = mapped_column\(index=True\)\n\n\nIndex\('idx_workers_planner_id_task_status', Worker\.planner_id, Worker\.__table__\.c\['task_status'\]\)\n\n\ndef helper/);
    assert.equal(out.match(/import/g)!.length, 2); // no new import: Index was imported already
    compiles(out);
  });

  it('a file with no imports gets the import just above the Index line', () => {
    const text = "class Worker(Base):\n    __tablename__ = 'workers'\n    planner_id = Column(Integer)\n    task_status = Column(String)\n";
    const out = apply(text, fixesFor(text, 0)[0]);
    assert.equal(out, text.replace(/\n$/, '') + "\n\n\nfrom sqlalchemy import Index\nIndex('idx_workers_planner_id_task_status', Worker.planner_id, Worker.task_status)\n");
    compiles(out);
  });

  it('no fix for a nested class; an Alembic set wins over the model', () => {
    const nested = "class Models:\n    class Worker(Base):\n        __tablename__ = 'workers'\n";
    assert.deepEqual(fixesFor(nested, nested.indexOf('__tablename__')), []);
    const alembic: MigrationSet = { tool: 'alembic', dir: '/ws/alembic/versions', migrations: [], heads: [] };
    const sqlx: MigrationSet = { tool: 'sqlx', dir: '/ws/rust/migrations', migrations: [] };
    const [fix] = fixesFor(MODELS, MODELS.indexOf('class Worker'), seed, [sqlx, alembic]);
    assert.equal(fix.changes[0].kind, 'create');
    assert.match(fix.changes[0].file, /^\/ws\/alembic\/versions\/[0-9a-f]{12}_add_index_workers_planner_id_task_status\.py$/);
  });
});
