import * as assert from 'node:assert/strict';
import { covered, extractPython, loadParsers, py } from './helpers';

const MODELS = py(`
  class Worker(Base):
      __tablename__ = 'workers'
      worker_id = Column(String(32), primary_key=True)
      planner_id = Column(String(32), ForeignKey('planners.planner_id'), nullable=False, index=True)
      task_status = Column(String(50), nullable=False, index=True)

  class Agent(Base):
      __tablename__ = 'agents'
      id = Column(Integer, primary_key=True)
      tenant_id = Column(String(32))
      name = Column(String(100))
      conversations = relationship('Conversation', back_populates='agent')

  class Conversation(Base):
      __tablename__ = 'conversations'
      id = Column(Integer, primary_key=True)
      agent_id = Column(Integer, ForeignKey('agents.id'))
      created_at = Column(DateTime)
`);

describe('host/python: ORM queries', () => {
  loadParsers();

  it('models the seed task-manager lookup: eq/eq on workers.planner_id and task_status', () => {
    const text = MODELS + py(`
      def get_current_task(session, pid):
          return session.query(Worker).filter(Worker.planner_id == pid, Worker.task_status == 'pending').all()
    `);
    const [q] = extractPython(text, 'tasks.py').queries;
    assert.equal(q.kind, 'orm');
    assert.equal(covered(text, q.span), "session.query(Worker).filter(Worker.planner_id == pid, Worker.task_status == 'pending').all()");
    assert.equal(q.terminal, 'all');
    assert.equal(q.entity, 'Worker');
    assert.equal(text.slice(q.beforeTerminal!, q.beforeTerminal! + 6), '.all()');
    assert.deepEqual(q.parameterRoots, ['pid']);
    const m = q.model!;
    assert.deepEqual(m.tables.map((t) => t.name), ['workers']);
    assert.deepEqual(m.predicates.map((p) => [p.column.table, p.column.column, p.op, p.valueKind, p.disjunctive]), [
      ['workers', 'planner_id', 'eq', 'param', false], ['workers', 'task_status', 'eq', 'literal', false],
    ]);
    assert.equal(covered(text, m.predicates[0].span), 'Worker.planner_id == pid');
    assert.equal(covered(text, m.predicates[0].column.span), 'Worker.planner_id');
    assert.equal(m.limit, undefined);
  });

  it('reads operators, or_/and_, filter_by, order_by, limit, offset and get', () => {
    const text = MODELS + py(`
      def q(db, ids, agent_id):
          a = db.query(Agent).filter(or_(Agent.name.like('%test%'), Agent.id.in_(ids)), Agent.tenant_id.is_(None)).order_by(Agent.name.desc()).limit(10).offset(20).all()
          b = db.query(Agent).filter_by(tenant_id=agent_id).order_by(desc(Agent.id)).first()
          c = db.query(Agent).get(agent_id)
          d = db.query(Conversation).filter(Conversation.created_at >= since, Conversation.agent_id != None).count()
    `);
    const [a, b, c, d] = extractPython(text, 'q.py').queries;
    assert.deepEqual(a.model!.predicates.map((p) => [p.column.column, p.op, p.disjunctive, p.pattern]), [
      ['name', 'like', true, '%test%'], ['id', 'in', true, undefined], ['tenant_id', 'is_null', false, undefined],
    ]);
    assert.deepEqual(a.model!.orderBy.map((o) => [o.column.column, o.desc]), [['name', true]]);
    assert.deepEqual([a.model!.limit?.value, a.model!.offset?.value], [10, 20]);
    assert.equal(covered(text, a.model!.limit!.span), 'limit(10)');
    assert.deepEqual([a.assignedTo, a.parameterRoots], ['a', ['ids']]);
    assert.deepEqual(b.model!.predicates.map((p) => [p.column.table, p.column.column, p.op]), [['agents', 'tenant_id', 'eq']]);
    assert.equal(covered(text, b.model!.predicates[0].span), 'tenant_id=agent_id');
    assert.deepEqual(b.model!.orderBy.map((o) => [o.column.column, o.desc]), [['id', true]]);
    assert.equal(b.terminal, 'first');
    assert.equal(c.terminal, 'get');
    assert.deepEqual(c.model!.predicates.map((p) => [p.column.column, p.op]), [['id', 'eq']]);
    assert.equal(d.terminal, 'count');
    assert.ok(d.model!.isAggregate);
    assert.deepEqual(d.model!.predicates.map((p) => p.op), ['range', 'not_eq']);
  });

  it('follows a 2.0 statement built in a variable and run by session.scalars', () => {
    const text = MODELS + py(`
      def messages(session, agent_id):
          stmt = select(Conversation).where(Conversation.agent_id == agent_id)
          stmt = stmt.order_by(Conversation.created_at)
          rows = session.scalars(stmt).all()
          return rows
    `);
    const qs = extractPython(text, 'm.py').queries;
    assert.equal(qs.length, 1);
    const [q] = qs;
    assert.equal(covered(text, q.span), 'session.scalars(stmt).all()');
    assert.deepEqual([q.terminal, q.assignedTo, q.entity], ['all', 'rows', 'Conversation']);
    assert.deepEqual(q.model!.predicates.map((p) => [p.column.table, p.column.column]), [['conversations', 'agent_id']]);
    assert.deepEqual(q.model!.orderBy.map((o) => o.column.column), ['created_at']);
    assert.equal(text.slice(q.beforeTerminal! - 'order_by(Conversation.created_at)'.length, q.beforeTerminal!), 'order_by(Conversation.created_at)');
  });

  it('reads async sessions, eager loads and models from other files', () => {
    const text = py(`
      async def list_agents(db: AsyncSession, tenant_id):
          agents = await db.execute(
              select(Agent)
              .options(selectinload(Agent.conversations))
              .where(Agent.tenant_id == tenant_id)
          )
          one = (await db.execute(select(Agent).where(Agent.id == 1))).scalar_one_or_none()
          agent = await db.get(Agent, tenant_id)
    `);
    const [all, one, got] = extractPython(text, 'a.py', { modelTables: new Map([['Agent', 'agents']]) }).queries;
    assert.deepEqual(all.eagerLoads, ['Agent.conversations']);
    assert.equal(all.terminal, 'execute');
    assert.deepEqual(all.model!.tables.map((t) => t.name), ['agents']);
    assert.deepEqual(all.model!.predicates.map((p) => [p.column.table, p.column.column]), [['agents', 'tenant_id']]);
    assert.equal(one.terminal, 'one_or_none');
    assert.equal(got.terminal, 'get');
  });

  it('records 2.0 update/delete and insert writes', () => {
    const text = MODELS + py(`
      def bulk(session, rows):
          for row in rows:
              session.execute(insert(Agent).values(name=row.name))
          session.query(Agent).filter(Agent.id == 3).delete()
    `);
    const ex = extractPython(text, 'b.py');
    assert.deepEqual(ex.queries.map((q) => q.statementKind), ['insert', 'delete']);
    assert.deepEqual(ex.writes.map((w) => [w.kind, w.query, w.loops.length]), [['insert', 0, 1]]);
  });
});
