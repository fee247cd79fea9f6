/**
 * n-plus-one on models as real projects write them (issue 10): a relationship
 * declared through `@declared_attr` is a relationship, and a many-to-one to a
 * table no migration creates (made by `create_all`) is still known as
 * many-to-one from the model's own foreign key: one query per distinct parent
 * (the identity map), so info.
 */
import { extractPython } from '../../../server/src/core/host/python/extract';
import { nPlusOne } from '../../../server/src/core/rules/n-plus-one';
import { hostRuleTester } from './host-harness';

const python = (code: string) => extractPython(code, '/ws/app.py');

const MODELS = `from sqlalchemy import Column, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, declared_attr, relationship


class Shelf(Base):
    __tablename__ = "shelves"
    id = Column(Integer, primary_key=True)
    label = Column(String)


class Book(Base):
    __tablename__ = "books"
    id = Column(Integer, primary_key=True)
    shelf_id = Column(Integer, ForeignKey("shelves.id"))

    @declared_attr
    def shelf(cls) -> Mapped["Shelf"]:
        return relationship("Shelf")

    @declared_attr
    def pages(cls) -> Mapped[list["Page"]]:
        return relationship("Page", lazy="selectin")


class Page(Base):
    __tablename__ = "pages"
    id = Column(Integer, primary_key=True)
    book_id = Column(Integer, ForeignKey("books.id"))


def labels(db):
    books = db.execute(select(Book).where(Book.id > 10)).scalars().all()
`;

hostRuleTester(nPlusOne, 'declared_attr relationships, tables made by create_all', {
  valid: [
    {
      name: 'a declared_attr relationship loaded with selectin: no query per row',
      code: `${MODELS}    return [len(book.pages) for book in books]\n`,
      host: python,
    },
  ],
  invalid: [
    {
      name: 'a declared_attr many-to-one read per row, no migration for the tables: info, one query per distinct shelf',
      code: `${MODELS}    for book in books:\n        print(book.shelf.label)\n`,
      host: python,
      errors: [
        {
          message: ['book.shelf lazy-loads Book.shelf (many-to-one) on each book of the query on line 32', 'one query per distinct Shelf, up to one per row'],
          span: 'book.shelf',
          fixes: ['Load Book.shelf with the query (selectinload)'],
          tentative: true,
        },
      ],
      output: `${MODELS}    for book in books:\n        print(book.shelf.label)\n`
        .replace('from sqlalchemy.orm import Mapped, declared_attr, relationship\n', 'from sqlalchemy.orm import Mapped, declared_attr, relationship\nfrom sqlalchemy.orm import selectinload\n')
        .replace('Book.id > 10)', 'Book.id > 10).options(selectinload(Book.shelf))'),
    },
  ],
});

// The parent class is defined in another file, under a name a base class computes: the key names no known table.
const PARENT_ELSEWHERE = `from sqlalchemy import Boolean, Column, ForeignKey, Integer
from sqlalchemy.orm import relationship

from .registry import Plugin


class PluginInstance(Base):
    __tablename__ = "plugin_instance"
    id = Column(Integer, primary_key=True)
    enabled = Column(Boolean)
    plugin_id = Column(Integer, ForeignKey("plugin.id"))
    plugin = relationship(Plugin)


def slugs(db):
    instances = db.query(PluginInstance).filter(PluginInstance.enabled == True).all()
    for i in instances:
        print(i.plugin.slug)
`;

const GROUPS = `from sqlalchemy import Column, ForeignKey, Integer, String


class Group(Base):
    __tablename__ = "groups"
    id = Column(Integer, primary_key=True)


class Member(Base):
    __tablename__ = "members"
    id = Column(Integer, primary_key=True)
    group_id = Column(Integer, ForeignKey("groups.id"))
    name = Column(String)


def first_members(session):
    for group in session.query(Group).all():
        print(session.query(Member).filter(Member.group_id == group.id).first())
`;

hostRuleTester(nPlusOne, 'many-to-one by key name, loops over a scope', {
  valid: [],
  invalid: [
    {
      name: 'relationship plugin with a key column plugin_id: many-to-one (info), even where the key names no known table',
      code: PARENT_ELSEWHERE,
      host: python,
      errors: [{ message: ['i.plugin lazy-loads PluginInstance.plugin (many-to-one)', 'one query per distinct Plugin'], span: 'i.plugin', fixes: ['Load PluginInstance.plugin with the query (selectinload)'], tentative: true }],
      output: PARENT_ELSEWHERE.replace('from .registry import Plugin\n', 'from .registry import Plugin\nfrom sqlalchemy.orm import selectinload\n').replace(
        '.filter(PluginInstance.enabled == True).all()',
        '.filter(PluginInstance.enabled == True).options(selectinload(PluginInstance.plugin)).all()',
      ),
    },
    {
      name: 'a query per row of all groups: info, an installation has a few groups',
      code: GROUPS,
      host: python,
      errors: [{ message: ['Query on members runs once per group of the query on line 17', '(The loop walks groups, which splits an installation into a few parts: a few round trips, worth batching only if there are many.)'], span: 'session.query(Member).filter(Member.group_id == group.id).first()', tentative: true }],
      output: GROUPS,
    },
  ],
});
