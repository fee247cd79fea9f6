import * as assert from 'node:assert/strict';
import { extractHost } from '../../../../server/src/core/host/extract';
import { mayAccessDatabase } from '../../../../server/src/core/host/python/data-access';
import type { HostModel } from '../../../../server/src/core/host/types';
import { extractPython, loadParsers } from './helpers';

/** A model of another file, as the workspace hands it over. */
const ORDER: HostModel = { className: 'Order', table: 'orders', span: { start: 0, end: 0 }, changes: [], relationships: [] };
const NAMES = new Set(['Order']);

describe('host/python: files that access no database are not parsed', () => {
  loadParsers();

  // Each reports a query or a write: the text test must let every one through.
  const accessing: [string, string][] = [
    ['a plain select', 'async def f(session):\n    return (await session.execute(select(Order))).all()\n'],
    ['select held, run later', 'def f(s):\n    stmt = select (  # the rows\n        Order)\n'],
    ['sa.select', 'import sqlalchemy as sa\ndef f(c):\n    q = sa.select(Order)\n'],
    ['a 1.x query', 'def f(db):\n    return db.query(Order).all()\n'],
    ["Flask-SQLAlchemy's Model.query", 'def f():\n    return Order.query.filter_by(id=1).first()\n'],
    ['raw SQL', 'def f(cur):\n    cur.execute("SELECT 1")\n'],
    ['text() held in a variable', 'q = text("SELECT * FROM orders")\n'],
    ['a commit behind a line continuation', 'def f(conn):\n    conn.commit \\\n        ()\n'],
    ['an add on a session', 'def f(session, o):\n    session.add(o)\n'],
    ['an add on a receiver that gets', 'def f(store, o):\n    store.get(o, 1)\n    store.add(o)\n'],
    ['a get by primary key', 'async def f(repo):\n    return await repo.get(\n        Order,  # by id\n        1)\n'],
    ['a get of a parenthesised class', 'def f(s):\n    return s.get((Order), 1)\n'],
    ['a get of an awaited class', 'async def f(s):\n    return await s.get(await Order, 1)\n'],
    ["Model.query behind a line continuation", 'def f():\n    return Order \\\n        .query.filter_by(id=1).first()\n'],
    ["Model.query with a comment before the dot", 'def f():\n    return (Order  # by id\n        .query.filter_by(id=1).first())\n'],
    ['a 1.x query called across lines', 'def f(db):\n    return (db\n        .query  # the orders\n        (Order).all())\n'],
    ["a repository's base statement", 'class R(Repository):\n    model = Order\n\n    def f(self):\n        statement = self.get_base_statement().where(Order.id == 1)\n        return self.get_all(statement)\n'],
  ];
  for (const [name, text] of accessing) {
    it(`lets through ${name}`, () => {
      const found = extractPython(text, 'app.py', { models: [ORDER] });
      assert.ok(found.queries.length + found.writes.length > 0, `the walk reports nothing for ${name}: the case shows no access`);
      assert.equal(mayAccessDatabase(text, NAMES), true);
    });
  }

  // Common Python that is no database access.
  const quiet: [string, string][] = [
    ['dict reads and updates', 'def f(d, key):\n    d.update(other)\n    return d.get(key, None)\n'],
    ['methods named like statements', 'class Client:\n    def update(self, x):\n        return x\n    async def delete(self, x):\n        return x\n'],
    ['a get of something else', 'def f(d):\n    return d.get(name, 1)\n'],
    ['a set add', 'def f(seen, x):\n    seen.add(x)\n'],
    ['words in a docstring', '"""Select the orders, update them, get some text."""\n'],
    // polar's SDK: a model's name imported, a get of something else, and a docstring whose sentence ends before a parameter named query.
    [
      'an HTTP client named like the models',
      'from app.models import (\n    Order,\n)\n\ndef get(self, url, query):\n    """List them.\n\n    Args:\n        url: where.\n        query: Filter by name.\n    """\n    return self._client.get(url, params=query)\n',
    ],
    ['a query attribute on something else', 'def f(request):\n    return request.query.get("page", 1)\n'],
    ['a get whose first argument is no name', 'def f(d):\n    return d.get(Order.id, 1)\n'],
  ];
  for (const [name, text] of quiet) {
    it(`leaves out ${name}`, () => {
      assert.equal(mayAccessDatabase(text, NAMES), false);
      const found = extractPython(text, 'app.py', { models: [ORDER] });
      assert.equal(found.queries.length + found.writes.length, 0);
    });
  }

  it('answers at once on long comment lines (a comment is matched one way only)', () => {
    const banner = `${'#'.repeat(60)}\n`;
    assert.equal(mayAccessDatabase(`def execute${'# # # # # # # # # # # # # # # # # # # # # # # # # # # #'}\n${banner.repeat(50)}x = 1\n`, NAMES), false);
  });

  it('gives a file it leaves out an empty extraction, and one that may define models a full one', () => {
    const quietFile = 'def f(d):\n    return d.get(name, 1)\n';
    assert.deepEqual(extractHost('app.py', quietFile, { models: [ORDER] }), { language: 'python', queries: [], writes: [], accesses: [], models: [], errors: [] });
    const model = 'class Order(Base):\n    __tablename__ = "orders"\n    id = Column(Integer, primary_key=True)\n';
    assert.equal(extractHost('models.py', model, { models: [ORDER] })?.models.length, 1);
  });
});
