/**
 * pgvector in an Alembic project: the revision's Vector(n) column and its
 * op.create_index(..., postgresql_using="hnsw", postgresql_with={...},
 * postgresql_ops={...}) reach the catalog, and the missing HNSW index is
 * written as a new Alembic revision with the seed's parameters.
 */
import assert from 'node:assert/strict';
import { flaggedBy, initAllParsers, onlyFinding, seedWorkspace } from '../seeds/helpers';

const revision = (body: string) =>
  `from alembic import op\nimport sqlalchemy as sa\nfrom pgvector.sqlalchemy import Vector\n\nrevision = "a1"\ndown_revision = None\n\n\ndef upgrade():\n${body}\n\n\ndef downgrade():\n    pass\n`;

const createMemories = `    op.create_table(
        "memories",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("tier", sa.Text(), nullable=False),
        sa.Column("embedding", Vector(1536)),
    )`;
const hnsw = '    op.create_index("ix_memories_embedding", "memories", ["embedding"], postgresql_using="hnsw", postgresql_with={"m": 16, "ef_construction": 64}, postgresql_ops={"embedding": "vector_cosine_ops"})';

const query = 'from sqlalchemy import text\n\n\ndef search(session, q):\n    return session.execute(text("SELECT id FROM memories ORDER BY embedding <=> :q LIMIT 10"), {"q": q}).all()\n';

const files = (body: string) => ({
  'alembic.ini': '[alembic]\nscript_location = alembic\n',
  'alembic/env.py': '',
  'alembic/versions/a1_memories.py': revision(body),
  'app/search.py': query,
});

describe('pgvector on Alembic revisions', () => {
  before(initAllParsers);

  it('reads the HNSW parameters of op.create_index: below the guide for 1536 dimensions', () => {
    const ws = seedWorkspace(files(`${createMemories}\n${hnsw}`), 'postgres');
    assert.deepEqual(flaggedBy(ws, 'alembic/versions/a1_memories.py', 'hnsw-parameters-below-guide'), [hnsw.trim()]);
    assert.deepEqual(flaggedBy(ws, 'app/search.py', 'vector-search-without-index'), []);
  });

  it('a search without an index: the fix is a new revision creating the HNSW index concurrently with the seed parameters', () => {
    const ws = seedWorkspace(files(createMemories), 'postgres');
    const finding = onlyFinding(ws, 'app/search.py', 'vector-search-without-index');
    const fix = finding.fixes[0]!;
    assert.equal(fix.title, 'Add index on memories(embedding) using hnsw in a new migration');
    const created = fix.changes.flatMap((c) => (c.kind === 'create' ? [c.content] : []));
    assert.equal(created.length, 1);
    assert.ok(
      created[0].includes(
        `op.create_index('idx_memories_embedding', 'memories', ['embedding'], unique=False, postgresql_using='hnsw', postgresql_ops={'embedding': 'vector_cosine_ops'}, postgresql_with={'m': 48, 'ef_construction': 200}, postgresql_concurrently=True)`,
      ),
      created[0],
    );
  });
});
