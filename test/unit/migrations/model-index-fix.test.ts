/**
 * The index fix for a table declared by a SQLAlchemy model, with no migrations:
 * an `Index(...)` in the model's `__table_args__`. The edited file must compile.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Catalog, MigrationSet, TableInfo } from '../../../server/src/core/catalog/types';
import { makeIndexFixes } from '../../../server/src/core/engine/fixes';
import type { CoreFix, IndexSuggestion } from '../../../server/src/core/rules/types';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { pyCompile } from './alembic-cli';

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
  const table = { name: suggestion.table, columns: new Map(), indexes: [], uniques: [], foreignKeys: [], origin: { file, span: { start: origin, end: origin + 5 }, order: 0 } } as TableInfo;
  const catalog: Catalog = { tables: new Map([[suggestion.table, table]]), getTable: (n) => (n === suggestion.table ? table : undefined) };
  return makeIndexFixes({ suggestion, near: { start: 0, end: 0 }, file: '/ws/app/service.py', dialect, catalog, migrations, textOf: (f) => (f === file ? text : undefined), now: new Date(0) });
}

describe('index fix for a SQLAlchemy model without migrations', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'querylens-model-'));
  before(initHostParsers);
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const compiles = (text: string) => {
    const f = path.join(tmp, `m_${Math.random().toString(16).slice(2)}.py`);
    fs.writeFileSync(f, text);
    pyCompile(f);
  };

  it('adds __table_args__ with the Index after __tablename__, and the import, from the class line or __tablename__', () => {
    for (const origin of [MODELS.indexOf('class Worker'), MODELS.indexOf("__tablename__ = 'workers'")]) {
      const [fix] = fixesFor(MODELS, origin);
      assert.equal(fix.title, 'Add Index on workers(planner_id, task_status) to the Worker model');
      const out = apply(MODELS, fix);
      assert.equal(
        out,
        MODELS.replace('from sqlalchemy.orm import declarative_base, relationship\n', 'from sqlalchemy.orm import declarative_base, relationship\nfrom sqlalchemy import Index\n').replace(
          "    __tablename__ = 'workers'\n",
          "    __tablename__ = 'workers'\n    __table_args__ = (Index('idx_workers_planner_id_task_status', 'planner_id', 'task_status'),)\n",
        ),
      );
      compiles(out);
    }
  });

  it('names Index through import sqlalchemy as sa; trigram options; a file without a final newline', () => {
    const text = "import sqlalchemy as sa\nfrom app.db import Base\n\n\nclass Worker(Base):\n    __tablename__ = 'workers'\n    id = sa.Column(sa.Integer, primary_key=True)\n    name = sa.Column(sa.String)";
    const [fix] = fixesFor(text, text.indexOf('class'), { table: 'workers', columns: ['name'], method: 'gin', opclass: 'gin_trgm_ops' });
    assert.equal(fix.title, 'Add Index on workers(name) using gin to the Worker model (needs the pg_trgm extension)');
    const out = apply(text, fix);
    assert.equal(
      out,
      text.replace(
        "__tablename__ = 'workers'\n",
        "__tablename__ = 'workers'\n    __table_args__ = (sa.Index('idx_workers_name_trgm', 'name', postgresql_using='gin', postgresql_ops={'name': 'gin_trgm_ops'}),)\n",
      ),
    );
    compiles(out);
  });

  it('adds to an existing __table_args__ tuple or dict; an Index imported in a multi-line list is reused', () => {
    const model = (tableArgs: string) =>
      [
        'from sqlalchemy import (',
        '    Index,',
        '    String,',
        '    UniqueConstraint,',
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
        `    __table_args__ = ${tableArgs}`,
        '    id: Mapped[int] = mapped_column(primary_key=True)',
        '    planner_id: Mapped[int] = mapped_column(index=True)',
        '',
      ].join('\n');
    const index = "Index('idx_workers_planner_id_task_status', 'planner_id', 'task_status')";
    const cases: [string, string][] = [
      ["(UniqueConstraint('planner_id', 'id'),)", `(${index}, UniqueConstraint('planner_id', 'id'),)`],
      ["(UniqueConstraint('id'), {'schema': 'ops'})", `(${index}, UniqueConstraint('id'), {'schema': 'ops'})`],
      ["{'schema': 'ops'}", `(${index}, {'schema': 'ops'})`],
      ['()', `(${index},)`],
    ];
    for (const [before, after] of cases) {
      const text = model(before);
      const out = apply(text, fixesFor(text, text.indexOf('class Worker'), seed, [], 'sqlite')[0]!);
      assert.equal(out, model(after));
      compiles(out);
    }
  });

  it('a file with no imports gets the import on its first line', () => {
    const text = "class Worker(Base):\n    __tablename__ = 'workers'\n    planner_id = Column(Integer)\n    task_status = Column(String)\n";
    const out = apply(text, fixesFor(text, 0)[0]!);
    assert.equal(
      out,
      "from sqlalchemy import Index\nclass Worker(Base):\n    __tablename__ = 'workers'\n    __table_args__ = (Index('idx_workers_planner_id_task_status', 'planner_id', 'task_status'),)\n    planner_id = Column(Integer)\n    task_status = Column(String)\n",
    );
    compiles(out);
  });

  it('no fix for a nested class or a computed __table_args__; an Alembic set wins over the model', () => {
    const nested = "class Models:\n    class Worker(Base):\n        __tablename__ = 'workers'\n";
    assert.deepEqual(fixesFor(nested, nested.indexOf('__tablename__')), []);
    const computed = "class Worker(Base):\n    __tablename__ = 'workers'\n    __table_args__ = table_args()\n";
    assert.deepEqual(fixesFor(computed, 0), []);
    const alembic: MigrationSet = { tool: 'alembic', dir: '/ws/alembic/versions', migrations: [], heads: [] };
    const sqlx: MigrationSet = { tool: 'sqlx', dir: '/ws/rust/migrations', migrations: [] };
    const [fix] = fixesFor(MODELS, MODELS.indexOf('class Worker'), seed, [sqlx, alembic]);
    assert.equal(fix!.changes[0]!.kind, 'create');
    assert.match(fix!.changes[0]!.file, /^\/ws\/alembic\/versions\/[0-9a-f]{12}_add_index_workers_planner_id_task_status\.py$/);
  });
});
