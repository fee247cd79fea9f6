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
});
