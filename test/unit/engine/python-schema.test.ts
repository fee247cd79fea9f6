/**
 * How Python code feeds the schema catalog: helper models inside an Alembic
 * revision, and table names a base class computes (`declared_attr`).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';

const ROOT = '/project';
const at = (rel: string) => path.join(ROOT, rel);

function workspace(files: Record<string, string>): Workspace {
  return Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, files);
}

function columnsOf(ws: Workspace, table: string): string[] {
  return [...(ws.catalog().getTable(table)?.columns.keys() ?? [])];
}

function indexesOf(ws: Workspace, table: string): string[] {
  return (ws.catalog().getTable(table)?.indexes ?? []).map((i) => i.name);
}

function rules(ws: Workspace, file: string, rule: string): string[] {
  return ws.analyze(at(file)).filter((f) => f.ruleId === rule).map((f) => f.message);
}

const ALEMBIC = { 'alembic.ini': '[alembic]\nscript_location = alembic\n', 'alembic/env.py': '', 'alembic/script.py.mako': '' };

const CREATE_DISHES = `from alembic import op
import sqlalchemy as sa

revision = 'a1'
down_revision = None


def upgrade():
    op.create_table(
        'dishes',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('title', sa.String(), nullable=False),
        sa.Column('cook_id', sa.Integer(), nullable=False),
        sa.Column('title_folded', sa.String(), nullable=True),
    )
    op.create_index('ix_dishes_cook_id', 'dishes', ['cook_id'])
`;

/** A data migration that declares the few columns it needs, three ways. */
const FOLD_TITLES = `from alembic import op
import sqlalchemy as sa
from sqlalchemy import orm, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

revision = 'b2'
down_revision = 'a1'


class HelperBase(DeclarativeBase):
    pass


class Dish(HelperBase):
    __tablename__ = 'dishes'
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    title_folded: Mapped[str] = mapped_column(sa.String, index=True)


dishes_core = sa.table('dishes', sa.column('id', sa.Integer), sa.column('title', sa.String))
dishes_meta = sa.Table('dishes', sa.MetaData(), sa.Column('id', sa.Integer, primary_key=True))


def upgrade():
    session = orm.Session(bind=op.get_bind())
    for dish in session.execute(select(Dish)).scalars():
        dish.title_folded = dish.title_folded.lower()
    session.commit()
`;

const DISH_MODEL = `from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Dish(Base):
    __tablename__ = 'dishes'
    id = Column(Integer, primary_key=True)
    title = Column(String, nullable=False)
    cook_id = Column(Integer, nullable=False, index=True)
    title_folded = Column(String)
`;

describe('engine: Python models and the schema catalog', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  describe('helper models inside an Alembic revision', () => {
    const files = { ...ALEMBIC, 'alembic/versions/a1_create_dishes.py': CREATE_DISHES, 'alembic/versions/b2_fold_titles.py': FOLD_TITLES, 'app/models.py': DISH_MODEL };

    it('leave the table the migrations built: every column and index stays', () => {
      const ws = workspace(files);
      assert.deepEqual(columnsOf(ws, 'dishes'), ['id', 'title', 'cook_id', 'title_folded']);
      assert.deepEqual(indexesOf(ws, 'dishes'), ['dishes_pkey', 'ix_dishes_cook_id']);
      assert.equal(ws.catalog().getTable('dishes')!.origin.file, at('alembic/versions/a1_create_dishes.py'));
    });

    it('do not make the application model look unmigrated', () => {
      assert.deepEqual(rules(workspace(files), 'app/models.py', 'unmigrated-model-index'), []);
    });

    it('still hint at an index the application model declares and no migration creates', () => {
      const unindexed = CREATE_DISHES.replace("    op.create_index('ix_dishes_cook_id', 'dishes', ['cook_id'])\n", '');
      const ws = workspace({ ...files, 'alembic/versions/a1_create_dishes.py': unindexed });
      assert.deepEqual(rules(ws, 'app/models.py', 'unmigrated-model-index').map((m) => m.split(':')[0]), [
        'Model Dish declares an index on dishes(cook_id), but no migration creates it',
      ]);
    });
  });

  describe('__tablename__ computed by a base class (declared_attr)', () => {
    const DB = `import re

from sqlalchemy.orm import DeclarativeBase, declared_attr


def table_name_of(name):
    return "_".join(part.lower() for part in re.split("(?=[A-Z])", name) if part)


class Base(DeclarativeBase):
    @declared_attr.directive
    def __tablename__(cls):
        return table_name_of(cls.__name__)


class OpaqueBase(DeclarativeBase):
    @declared_attr
    def __tablename__(cls):
        return naming.compute(cls)
`;
    const MODELS = `from sqlalchemy import Column, DateTime, Integer, String
from sqlalchemy.orm import DeclarativeBase, declared_attr

from app.db import Base, OpaqueBase


class TimestampMixin:
    created_at = Column(DateTime)


class ShiftReport(Base, TimestampMixin):
    id = Column(Integer, primary_key=True)
    crew_id = Column(Integer, index=True)
    summary = Column(String)


class NightShiftReport(ShiftReport):
    id = Column(Integer, primary_key=True)


class Note(Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)


class AuditBase(Base):
    __abstract__ = True
    id = Column(Integer, primary_key=True)


class Thing(OpaqueBase):
    id = Column(Integer, primary_key=True)


class Stranger(SomethingElse):
    id = Column(Integer, primary_key=True)


class LowerBase(DeclarativeBase):
    @declared_attr
    def __tablename__(cls):
        return cls.__name__.lower()


class HTTPLogEntry(LowerBase):
    id = Column(Integer, primary_key=True)


class WordsBase(DeclarativeBase):
    @declared_attr
    def __tablename__(cls):
        s1 = re.sub("(.)([A-Z][a-z]+)", r"\\1_\\2", cls.__name__)
        return re.sub("([a-z0-9])([A-Z])", r"\\1_\\2", s1).lower()


class DNSRecordSet(WordsBase):
    id = Column(Integer, primary_key=True)
`;
    const SERVICE = `from sqlalchemy import select

from app.models import ShiftReport


def search(session, q):
    return session.execute(select(ShiftReport).where(ShiftReport.summary.ilike(f"%{q}%"))).scalars().all()
`;
    const files = { 'app/db.py': DB, 'app/models.py': MODELS, 'app/service.py': SERVICE };

    it('names the tables of the subclasses the way the base computes it, in another file or the same', () => {
      const ws = workspace(files);
      assert.deepEqual([...ws.catalog().tables.keys()].sort(), ['dns_record_set', 'httplogentry', 'night_shift_report', 'notes', 'shift_report']);
      assert.deepEqual(columnsOf(ws, 'shift_report'), ['id', 'crew_id', 'summary']);
      assert.deepEqual(indexesOf(ws, 'shift_report'), ['shift_report_pkey', 'ix_shift_report_crew_id']);
    });

    it('knows the model in the files that query it', () => {
      const messages = rules(workspace(files), 'app/service.py', 'leading-wildcard-like');
      assert.equal(messages.length, 1);
      assert.match(messages[0]!, /sends shift_report\.summary ILIKE '%\{q\}%', which starts with a wildcard, so no B-tree index can serve it: every call scans shift_report\./);
    });

    it('takes no class for a table when the base is not known or its rule cannot be read', () => {
      const ws = workspace({ 'app/models.py': MODELS });
      // Without app/db.py, Base and OpaqueBase are unknown: only the explicit name and the rules of this file.
      assert.deepEqual([...ws.catalog().tables.keys()].sort(), ['dns_record_set', 'httplogentry', 'notes']);
    });
  });
});
