import * as assert from 'node:assert/strict';
import { covered, extractPython, loadParsers, py } from './helpers';
import { python } from '../../../../server/src/core/host/python/language';

describe('host/python: declarative models', () => {
  loadParsers();

  // Seed 001: the Worker model with one-column indexes only, and the composite Index after the class.
  const worker = py(`
    from sqlalchemy import Column, String, ForeignKey, Index
    from sqlalchemy.orm import relationship

    class Worker(Base):
        __tablename__ = 'workers'

        worker_id = Column(String(32), primary_key=True)
        planner_id = Column(String(32), ForeignKey('planners.planner_id'), nullable=False, index=True)
        task_status = Column(String(50), nullable=False, index=True)
        planner = relationship('Planner', back_populates='workers')
  `);

  it('turns the seed Worker model into createTable and two createIndex (SQLAlchemy ix_ names)', () => {
    const { models, errors } = extractPython(worker, 'models.py');
    assert.deepEqual(errors, []);
    assert.equal(models.length, 1);
    const m = models[0];
    assert.equal(m.className, 'Worker');
    assert.equal(m.table, 'workers');
    assert.deepEqual(m.changes.map((c) => c.kind), ['createTable', 'createIndex', 'createIndex']);
    const table = m.changes[0];
    assert.ok(table.kind === 'createTable');
    assert.ok(covered(worker, table.span).startsWith('class Worker(Base):'));
    assert.deepEqual(table.primaryKey, ['worker_id']);
    assert.deepEqual(table.columns.map((c) => [c.name, c.type, c.notNull]), [
      ['worker_id', 'varchar(32)', true], ['planner_id', 'varchar(32)', true], ['task_status', 'varchar(50)', true],
    ]);
    assert.deepEqual(table.columns[1].references, { table: 'planners', column: 'planner_id' });
    assert.equal(covered(worker, table.foreignKeys[0].span), "ForeignKey('planners.planner_id')");
    assert.deepEqual(table.foreignKeys[0].refColumns, ['planner_id']);
    assert.equal(covered(worker, table.columns[2].span), 'task_status = Column(String(50), nullable=False, index=True)');
    const [, ix1, ix2] = m.changes;
    assert.ok(ix1.kind === 'createIndex' && ix2.kind === 'createIndex');
    assert.equal(ix1.name, 'ix_workers_planner_id');
    assert.deepEqual(ix1.keys, [{ column: 'planner_id' }]);
    assert.equal(ix2.name, 'ix_workers_task_status');
    assert.equal(covered(worker, ix2.span), 'index=True');
    assert.deepEqual(m.relationships, [{ attribute: 'planner', target: 'Planner', lazy: 'select', span: m.relationships[0].span }]);
  });

  it('attaches a module-level Index(...) after the class to its model', () => {
    const text = worker + "\nIndex('idx_workers_planner_status', Worker.planner_id, Worker.task_status)\n";
    const m = extractPython(text, 'models.py').models[0];
    const last = m.changes[m.changes.length - 1];
    assert.ok(last.kind === 'createIndex');
    assert.equal(last.name, 'idx_workers_planner_status');
    assert.deepEqual(last.keys, [{ column: 'planner_id' }, { column: 'task_status' }]);
    assert.equal(covered(text, last.span), "Index('idx_workers_planner_status', Worker.planner_id, Worker.task_status)");
  });

  it('reads 2.0 Mapped annotations, renamed columns, __table_args__ and eager relationships', () => {
    const text = py(`
      class Agent(Base):
          __tablename__ = "agents"
          __table_args__ = (
              Index("idx_agents_tenant_slug", "tenant_id", "slug", unique=True),
              UniqueConstraint("tenant_id", "name", name="uq_agents_tenant_name"),
          )
          id: Mapped[int] = mapped_column(primary_key=True)
          tenant_id: Mapped[str] = mapped_column("tenant", String(32), ForeignKey("tenants.id"))
          slug: Mapped[Optional[str]]
          email: Mapped[str] = mapped_column(unique=True)
          conversations: Mapped[List["Conversation"]] = relationship(back_populates="agent", lazy="selectin")
    `);
    const m = extractPython(text, 'models.py').models[0];
    const table = m.changes[0];
    assert.ok(table.kind === 'createTable');
    assert.deepEqual(table.columns.map((c) => [c.name, c.type, c.notNull]), [
      ['id', 'integer', true], ['tenant', 'varchar(32)', true], ['slug', 'varchar', false], ['email', 'varchar', true],
    ]);
    assert.deepEqual(table.uniques, [{ columns: ['email'] }, { name: 'uq_agents_tenant_name', columns: ['tenant_id', 'name'] }]);
    const idx = m.changes[1];
    assert.ok(idx.kind === 'createIndex');
    assert.deepEqual([idx.name, idx.unique, idx.keys], ['idx_agents_tenant_slug', true, [{ column: 'tenant_id' }, { column: 'slug' }]]);
    assert.deepEqual(m.relationships.map((r) => [r.attribute, r.target, r.lazy]), [['conversations', 'Conversation', 'selectin']]);
    assert.equal((m as unknown as { columnsByAttribute: Record<string, string> }).columnsByAttribute.tenant_id, 'tenant');
  });
});

describe('host/python: which files are read for their models (language.ts mayDefineSchema)', () => {
  loadParsers();

  const texts: Record<string, string> = {
    pydantic: py(`
      class OrderCreate(BaseModel):
          product_id: int
          tags: list[str] = []
    `),
    service: py(`
      class OrderService:
          async def list(self, session):
              return (await session.execute(select(Order))).scalars().all()
    `),
    declarative: py(`
      class Order(Base):
          __tablename__ = 'orders'
          id = Column(Integer, primary_key=True)
    `),
    mapped: py(`
      class Order(RecordModel):
          product_id: Mapped[int] = mapped_column(ForeignKey('products.id'))
    `),
    naming: py(`
      class Base(DeclarativeBase):
          @declared_attr.directive
          def __tablename__(cls) -> str:
              return cls.__name__.lower()
    `),
    revision: py(`
      revision = 'a1'
      down_revision = None
      def upgrade():
          op.create_index('ix_a', 'a', ['b'])
    `),
    engine: py(`
      from sqlalchemy import create_engine
      engine = create_engine('sqlite:///x.db', pool_size=5)
    `),
    // polar's SDK: the words inside longer names (an export's column enum, a typing helper).
    longerNames: py(`
      class OrderExportColumn(StrEnum):
          id = 'id'
      class Filter:
          clause: ColumnExpressionArgument[bool]
          unmapped_columns: list[str] = []
          MappedRows = dict
    `),
    attributeCallee: py(`
      class Order(Base):
          id = sa.Column(sa.Integer, primary_key=True)
    `),
  };

  it('skips files whose classes map no table (no __tablename__, Column, mapped_column or Mapped): most classes are no model', () => {
    assert.equal(python.models.mayDefineSchema(texts.pydantic!), false);
    assert.equal(python.models.mayDefineSchema(texts.service!), false);
    for (const name of ['declarative', 'mapped', 'naming', 'revision', 'engine', 'attributeCallee']) assert.equal(python.models.mayDefineSchema(texts[name]!), true, name);
  });

  it('reads the words as whole names: Column, Mapped or mapped_column inside a longer name maps no table', () => {
    assert.equal(python.models.mayDefineSchema(texts.longerNames!), false);
  });

  it('skips only files whose schema-only extraction is empty', () => {
    for (const [name, text] of Object.entries(texts)) {
      const x = extractPython(text, `${name}.py`, { schemaOnly: true });
      const found = x.models.length > 0 || x.alembic !== undefined || (x.pools?.length ?? 0) > 0;
      assert.equal(found, python.models.mayDefineSchema(text), name);
    }
  });
});
