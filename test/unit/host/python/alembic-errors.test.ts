import * as assert from 'node:assert/strict';
import { covered, extractPython, loadParsers, py } from './helpers';

describe('host/python: Alembic revisions and broken files', () => {
  loadParsers();

  const revision = py(`
    """add agents

    Revision ID: abc123
    """
    from alembic import op
    import sqlalchemy as sa

    revision = 'abc123'
    down_revision = ('def456', 'ghi789')
    branch_labels = ('tenancy',)

    def upgrade():
        op.create_table(
            'agents',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('tenant_id', sa.String(length=32), nullable=False),
            sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name='fk_agents_tenant'),
            sa.PrimaryKeyConstraint('id'),
        )
        op.create_index(op.f('ix_agents_tenant_id'), 'agents', ['tenant_id'], unique=False)
        op.create_index('ix_agents_tenant_status', 'agents', ['tenant_id', 'status'], postgresql_concurrently=True)
        op.execute("CREATE INDEX idx_agents_created ON agents (created_at)")
        op.add_column('agents', sa.Column('slug', sa.String(64)))
        op.alter_column('agents', 'name', new_column_name='title')
        op.create_foreign_key('fk_conv_agent', 'conversations', 'agents', ['agent_id'], ['id'])
        with op.batch_alter_table('agents') as batch_op:
            batch_op.drop_column('legacy')

    def downgrade():
        op.drop_index('ix_agents_tenant_id', table_name='agents')
  `);

  it('reads the revision ids and the upgrade operations in order', () => {
    const { alembic } = extractPython(revision, 'versions/abc123_add_agents.py');
    assert.ok(alembic);
    assert.deepEqual([alembic.revision, alembic.downRevision, alembic.branchLabels], ['abc123', ['def456', 'ghi789'], ['tenancy']]);
    assert.deepEqual(alembic.changes.map((c) => c.kind), [
      'createTable', 'createIndex', 'createIndex', 'createIndex', 'addColumn', 'renameColumn', 'addConstraint', 'dropColumn',
    ]);
    const table = alembic.changes[0];
    assert.ok(table.kind === 'createTable');
    assert.deepEqual(table.primaryKey, ['id']);
    assert.deepEqual(table.columns.map((c) => [c.name, c.type, c.notNull]), [['id', 'integer', true], ['tenant_id', 'varchar(32)', true]]);
    assert.deepEqual(table.foreignKeys.map((f) => [f.name, f.columns, f.refTable, f.refColumns]), [['fk_agents_tenant', ['tenant_id'], 'tenants', ['id']]]);
    const [, ix, concurrent, fromSql] = alembic.changes;
    assert.ok(ix.kind === 'createIndex' && concurrent.kind === 'createIndex' && fromSql.kind === 'createIndex');
    assert.deepEqual([ix.name, ix.table, ix.keys], ['ix_agents_tenant_id', 'agents', [{ column: 'tenant_id' }]]);
    assert.equal(covered(revision, ix.span), "op.create_index(op.f('ix_agents_tenant_id'), 'agents', ['tenant_id'], unique=False)");
    assert.ok(concurrent.concurrently);
    assert.deepEqual([fromSql.name, fromSql.keys], ['idx_agents_created', [{ column: 'created_at' }]]);
    assert.equal(covered(revision, fromSql.span), 'CREATE INDEX idx_agents_created ON agents (created_at)');
    assert.equal(covered(revision, fromSql.keywordSpan), 'CREATE INDEX');
    assert.deepEqual(alembic.indexCreations.map((i) => [i.table, i.concurrently]), [['agents', false], ['agents', true]]);
    const rename = alembic.changes[5];
    assert.ok(rename.kind === 'renameColumn');
    assert.deepEqual([rename.from, rename.to], ['name', 'title']);
    const fk = alembic.changes[6];
    assert.ok(fk.kind === 'addConstraint' && fk.constraint.type === 'foreignKey');
    assert.deepEqual([fk.table, fk.constraint.fk.refTable, fk.constraint.fk.columns], ['conversations', 'agents', ['agent_id']]);
    const drop = alembic.changes[7];
    assert.ok(drop.kind === 'dropColumn');
    assert.deepEqual([drop.table, drop.column], ['agents', 'legacy']);
  });

  it("reads a table name after a configured prefix (fief's f\"{table_prefix}users\") as the name its models give; other f-strings stay unread", () => {
    const text = py(`
      from alembic import op
      import sqlalchemy as sa

      revision = 'a1'
      down_revision = None

      def upgrade():
          table_prefix = op.get_context().opts["table_prefix"]
          op.create_table(
              f"{table_prefix}users",
              sa.Column("tenant_id", sa.Integer(), nullable=False),
              sa.Column("id", sa.Integer(), nullable=False),
              sa.ForeignKeyConstraint(["tenant_id"], [f"{table_prefix}tenants.id"], ondelete="CASCADE"),
              sa.PrimaryKeyConstraint("id"),
          )
          op.create_index(op.f(f"ix_{table_prefix}users_email"), f"{table_prefix}users", ["email"], unique=False)
          op.create_table(f"{schema}.{name}", sa.Column("id", sa.Integer(), nullable=False))
          op.create_table(f"{tenant}_notes", sa.Column("id", sa.Integer(), nullable=False))
    `);
    const changes = extractPython(text, 'versions/a1_initial.py').alembic!.changes;
    assert.deepEqual(
      changes.map((c) => (c.kind === 'createTable' ? [c.kind, c.table, c.primaryKey, c.foreignKeys.map((f) => f.refTable)] : c.kind === 'createIndex' ? [c.kind, c.name, c.table] : [c.kind])),
      [['createTable', 'users', ['id'], ['tenants']], ['createIndex', 'ix_users_email', 'users'], ['createTable', '', undefined, []], ['createTable', '', undefined, []]],
    );
  });

  it('reads down_revision None and leaves ordinary modules alone', () => {
    const first = revision.split("('def456', 'ghi789')").join('None');
    assert.equal(extractPython(first, 'v.py').alembic?.downRevision, null);
    assert.equal(extractPython('x = 1\n', 'app.py').alembic, undefined);
  });

  it('still extracts what it can from a file with a syntax error', () => {
    const text = py(`
      class Worker(Base):
          __tablename__ = 'workers'
          worker_id = Column(String(32), primary_key=True)

      def broken(:
          pass

      def ok(session, pid):
          return session.query(Worker).filter(Worker.worker_id == pid).first()
    `);
    const ex = extractPython(text, 'broken.py');
    assert.ok(ex.errors.length >= 1);
    assert.equal(ex.models[0]?.table, 'workers');
    assert.equal(ex.queries.length, 1);
    assert.deepEqual(ex.queries[0].model!.predicates.map((p) => p.column.column), ['worker_id']);
    assert.equal(ex.queries[0].terminal, 'first');
  });

  it('never throws on odd input', () => {
    for (const text of ['', '\u0000', 'session.query(', 'for in :', '"""', 'text(f"{', 'op.create_index(']) {
      assert.doesNotThrow(() => extractPython(text, 'odd.py'));
    }
  });
});
