/**
 * The language server's indexing reads a Python model file or an Alembic revision for the catalog from
 * its schema-only extraction (the models pass's) when that holds every schema change its whole
 * extraction would (Workspace `catalogStandIn`): the file is parsed once before the first catalog, not
 * a second time with the workspace's models. Where the whole extraction could differ (a class of
 * another file looked up, DDL in a SQL string, a dialect the code names) the file is extracted in
 * full, and the catalog is the same.
 * A file whose text names no model (an engine's) is not parsed for the workspace's models at all.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Catalog } from '../../../server/src/core/catalog/types';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { hostParser, initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';
import { runSteps } from '../../../server/src/core/steps';

const ROOT = '/project';
const at = (rel: string) => path.join(ROOT, rel);

function workspace(files: Record<string, string>): Workspace {
  return Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, files);
}

/** The catalog as text: every table, column, key and index with its origin (file, span, order). */
function catalogText(catalog: Catalog): string {
  return JSON.stringify([...catalog.tables], (_key, value: unknown) => (value instanceof Map ? [...value] : value));
}

/** The catalog as the language server's indexing builds it, before any file is analysed (`indexSteps`). */
function indexedCatalog(ws: Workspace): Catalog {
  runSteps(ws.indexSteps());
  return ws.catalog();
}

/** How many times each of `texts` is given to Python's parser while `run` runs. */
function parsesOf<T>(texts: string[], run: () => T): { result: T; parses: number[] } {
  const parser = hostParser('python');
  const parses = texts.map(() => 0);
  const parse = parser.parse;
  parser.parse = function (text, options) {
    const index = texts.indexOf(text);
    if (index >= 0) parses[index]!++;
    return parse.call(this, text, options);
  };
  try {
    return { result: run(), parses };
  } finally {
    parser.parse = parse;
  }
}

/**
 * The catalog of a workspace whose files in `analysed` are analysed first: they are then read from
 * their whole extraction's document, as before the stand-in (the reference the stand-in must equal).
 */
function catalogAfterAnalysing(files: Record<string, string>, analysed: string[]): string {
  const ws = workspace(files);
  for (const file of analysed) ws.analyze(at(file));
  return catalogText(ws.catalog());
}

const ALEMBIC = { 'alembic.ini': '[alembic]\nscript_location = alembic\n', 'alembic/env.py': '', 'alembic/script.py.mako': '' };

const BASE = `from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
`;

const USERS = `from sqlalchemy import Column, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.base import Base


class Timestamped:
    """A mixin: its columns make no table (a model without one, which the whole extraction leaves out)."""

    created_at = Column(Integer)


class User(Timestamped, Base):
    __tablename__ = "accounts"
    id = Column("account_id", Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    team: Mapped["Team"] = relationship(lazy="raise")
    nickname: Mapped[str]

    __table_args__ = (Index("ix_accounts_email_team", "email", "team_id"),)
`;

/** A model whose foreign key names a class of another file: its target's table and column are User's. */
const POSTS = `from sqlalchemy import Column, ForeignKey, Integer, String

from app.base import Base
from app.users import User


class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer, ForeignKey(User.id), nullable=False)
    title = Column(String)
`;

const REVISION = `from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None


def upgrade():
    op.create_table("teams", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String()))
    op.create_index("ix_teams_name", "teams", ["name"])
    op.execute("CREATE INDEX ix_teams_lower_name ON teams (lower(name))")
`;

const SERVICE = `from sqlalchemy import select

from app.users import User


async def by_email(session, email):
    return (await session.execute(select(User).where(User.email == email))).scalar_one()
`;

describe('engine: the catalog reads Python models from their schema-only extraction', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  const files = { ...ALEMBIC, 'alembic/versions/a1_teams.py': REVISION, 'app/base.py': BASE, 'app/users.py': USERS, 'app/service.py': SERVICE };

  /** The catalog with `file` set to `text`, which it must read from the file's whole extraction: parsed twice, the catalog its document builds. */
  function catalogReadInFull(file: string, text: string): Catalog {
    const withFile = { ...files, [file]: text };
    const ws = workspace(withFile);
    const { result: catalog, parses } = parsesOf([text], () => indexedCatalog(ws));
    assert.deepEqual(parses, [2]);
    assert.equal(catalogText(catalog), catalogAfterAnalysing(withFile, [file]));
    return catalog;
  }

  it('parses a model file and a revision once for the catalog, and builds the catalog their documents build', () => {
    const ws = workspace(files);
    const { result: catalog, parses } = parsesOf([USERS, REVISION], () => indexedCatalog(ws));
    assert.deepEqual(parses, [1, 1]);
    const accounts = catalog.getTable('accounts')!;
    assert.deepEqual([...accounts.columns.keys()], ['account_id', 'email', 'team_id', 'nickname']);
    assert.deepEqual(accounts.indexes.map((i) => i.name), ['accounts_pkey', 'accounts_email_key', 'ix_accounts_team_id', 'ix_accounts_email_team']);
    assert.deepEqual(accounts.foreignKeys.map((fk) => [fk.columns, fk.refTable, fk.refColumns]), [[['team_id'], 'teams', ['id']]]);
    assert.deepEqual(catalog.getTable('teams')!.indexes.map((i) => i.name), ['teams_pkey', 'ix_teams_name', 'ix_teams_lower_name']);
    assert.equal(catalogText(catalog), catalogAfterAnalysing(files, ['app/users.py', 'alembic/versions/a1_teams.py']));
  });

  it('gives the file analysed the findings it has when its models were read in full first', () => {
    const findings = (ws: Workspace) => JSON.stringify(ws.analyze(at('app/service.py')));
    const analysedFirst = workspace(files);
    analysedFirst.analyze(at('app/users.py'));
    assert.equal(findings(workspace(files)), findings(analysedFirst));
  });

  it('extracts in full a model whose foreign key names a class of another file: the key references that class table and column', () => {
    const withPosts = { ...files, 'app/posts.py': POSTS };
    const ws = workspace(withPosts);
    const { result: catalog, parses } = parsesOf([USERS, POSTS], () => indexedCatalog(ws));
    assert.deepEqual(parses, [1, 2]);
    assert.deepEqual(catalog.getTable('posts')!.foreignKeys.map((fk) => [fk.columns, fk.refTable, fk.refColumns]), [[['author_id'], 'accounts', ['account_id']]]);
    assert.equal(catalogText(catalog), catalogAfterAnalysing(withPosts, ['app/users.py', 'app/posts.py', 'alembic/versions/a1_teams.py']));
  });

  it('extracts in full a model file whose SQL strings may hold DDL: their index is in the catalog', () => {
    const ddl = `${USERS}

def add_search_index(conn):
    conn.execute(text("CREATE INDEX ix_accounts_nickname ON accounts (nickname)"))
`;
    const catalog = catalogReadInFull('app/users.py', ddl);
    assert.ok(catalog.getTable('accounts')!.indexes.some((i) => i.name === 'ix_accounts_nickname'));
  });

  it('extracts in full a model file whose code names a dialect: its SQL strings dialect is the catalog input dialect', () => {
    // MySQL backs a foreign key with an index of its own: the catalog has it when the file reads as MySQL.
    const mysql = `from sqlalchemy import Column, ForeignKey, Integer, create_engine, text

from app.base import Base

engine = create_engine("mysql+pymysql://app@localhost/app")


class Membership(Base):
    __tablename__ = "memberships"
    id = Column(Integer, primary_key=True)
    team_id = Column(Integer, ForeignKey("teams.id"))


def ping(conn):
    conn.execute(text("SELECT 1"))
`;
    const catalog = catalogReadInFull('app/memberships.py', mysql);
    assert.deepEqual(catalog.getTable('memberships')!.indexes.map((i) => [i.name, i.implicit]), [['memberships_pkey', 'primaryKey'], ['team_id', 'foreignKey']]);
  });

  it('does not parse a file that names an engine factory and no model for the workspace models: its pool is read when asked for', () => {
    const engine = `from sqlalchemy import create_engine

engine = create_engine("postgresql://app@localhost/app", pool_pre_ping=True)
`;
    const ws = workspace({ ...files, 'app/db.py': engine });
    const { result: catalog, parses } = parsesOf([engine], () => indexedCatalog(ws));
    assert.deepEqual(parses, [0]);
    assert.deepEqual([...catalog.tables.keys()], ['accounts', 'teams']);
    const { result: pools, parses: poolParses } = parsesOf([engine], () => ws.pools());
    assert.deepEqual(poolParses, [1]);
    assert.deepEqual(pools.map(({ file, pool }) => [file, pool.library, pool.url?.value]), [[at('app/db.py'), 'sqlalchemy', 'postgresql://app@localhost/app']]);
  });
});
