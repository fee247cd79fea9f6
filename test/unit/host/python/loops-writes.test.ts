import * as assert from 'node:assert/strict';
import { covered, extractPython, loadParsers, py } from './helpers';

describe('host/python: loops, writes and attribute reads', () => {
  loadParsers();

  it('links the seed N+1: a query per agent inside a loop over an earlier query', () => {
    const text = py(`
      async def bad(db):
          agents = await db.execute(select(Agent))
          for agent in agents:
              conversations = await db.execute(
                  select(Conversation).where(Conversation.agent_id == agent.id)
              )
    `);
    const { queries, accesses } = extractPython(text, 'n1.py');
    assert.equal(queries.length, 2);
    const [outer, inner] = queries;
    assert.deepEqual([outer.assignedTo, outer.terminal, outer.loops.length], ['agents', 'iterate', 0]);
    assert.equal(inner.loops.length, 1);
    const loop = inner.loops[0];
    assert.deepEqual([loop.kind, loop.targets, loop.iterable, loop.iterableQuery], ['for', ['agent'], 'agents', 0]);
    assert.deepEqual(inner.parameterRoots, ['agent']);
    assert.equal(covered(text, inner.model!.predicates[0].span), 'Conversation.agent_id == agent.id');
    assert.deepEqual(accesses.map((a) => [a.object, a.attribute, covered(text, a.span)]), [['agent', 'id', 'agent.id']]);
  });

  it('follows results through .scalars().all() and reads lazy attributes in comprehensions and async for', () => {
    const text = py(`
      async def f(session):
          result = await session.execute(select(Agent))
          agents = result.scalars().all()
          names = [c.title for a in agents for c in a.conversations]
          async for row in session.stream(select(Agent)):
              print(row.name)
          for w in session.query(Worker).all():
              pass
    `);
    const { queries, accesses } = extractPython(text, 'c.py');
    assert.equal(queries.length, 3);
    const comp = accesses.find((a) => a.attribute === 'conversations')!;
    assert.deepEqual([comp.loops[0].kind, comp.loops[0].targets, comp.loops[0].iterableQuery], ['comprehension', ['a', 'c'], 0]);
    const streamed = accesses.find((a) => a.attribute === 'name')!;
    assert.deepEqual([streamed.loops[0].kind, streamed.loops[0].iterableQuery], ['async-for', 1]);
    assert.equal(queries[2].loops.length, 0);
    assert.equal(queries[2].terminal, 'all');
  });

  it('records a commit per document in a loop (seed) and the adds and commits outside loops', () => {
    const text = py(`
      async def save(db, documents):
          for document in documents:
              db.add(document)
              await db.commit()
          seen = set()
          seen.add(1)
          db.add_all(documents)
          db.commit()
    `);
    const { writes } = extractPython(text, 'w.py');
    assert.deepEqual(writes.map((w) => [w.kind, w.loops.length, w.receiver, w.argument]), [
      ['add', 1, 'db', 'document'], ['commit', 1, 'db', undefined], ['add', 0, 'db', 'documents'], ['commit', 0, 'db', undefined],
    ]);
    assert.equal(covered(text, writes[1].span), 'db.commit()');
    assert.deepEqual(writes[0].loops[0].targets, ['document']);
  });

  it('counts while loops and INSERTs executed per item', () => {
    const text = py(`
      def load(conn, items):
          while items:
              item = items.pop()
              conn.execute("INSERT INTO items (name) VALUES (%s)", (item.name,))
    `);
    const { writes, queries } = extractPython(text, 'i.py');
    assert.deepEqual(writes.map((w) => [w.kind, w.query, w.loops[0].kind]), [['insert', 0, 'while']]);
    assert.equal(queries[0].sql!.text, 'INSERT INTO items (name) VALUES ($1)');
    assert.deepEqual(queries[0].parameterRoots, ['item']);
  });
});
