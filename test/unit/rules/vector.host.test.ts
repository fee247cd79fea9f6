/**
 * The pgvector rules on host code: SQLAlchemy models with pgvector's Vector
 * type and an HNSW Index(...) in __table_args__, ORM chains ordering by
 * .cosine_distance(...) / .l2_distance(...) / .max_inner_product(...), and
 * sqlx raw SQL.
 */
import { extractPython } from '../../../server/src/core/host/python/extract';
import { extractRust } from '../../../server/src/core/host/rust/extract';
import { filteredVectorSearch } from '../../../server/src/core/rules/filtered-vector-search';
import { hnswParametersBelowGuide } from '../../../server/src/core/rules/hnsw-parameters-below-guide';
import { vectorIndexOperatorMismatch } from '../../../server/src/core/rules/vector-index-operator-mismatch';
import { vectorSearchWithoutIndex } from '../../../server/src/core/rules/vector-search-without-index';
import { vectorSearchWithoutLimit } from '../../../server/src/core/rules/vector-search-without-limit';
import { hostRuleTester } from './host-harness';
import { HNSW_COSINE, MEMORIES } from './vector-fixtures';

const python = (code: string) => extractPython(code, '/ws/app.py');
const rust = (code: string) => extractRust(code, '/ws/app.rs');

const model = (tableArgs: string) => `from pgvector.sqlalchemy import Vector
from sqlalchemy import BigInteger, Column, Index, Text, select


class Memory(Base):
    __tablename__ = "memories"
    id = Column(BigInteger, primary_key=True)
    tier = Column(Text, nullable=False)
    content = Column(Text, nullable=False)
    embedding = Column(Vector(768))
${tableArgs}
`;

const hnswArgs = `    __table_args__ = (
        Index("ix_memories_embedding", "embedding", postgresql_using="hnsw", postgresql_with={"m": 16, "ef_construction": 128}, postgresql_ops={"embedding": "vector_cosine_ops"}),
    )
`;
const indexed = model(hnswArgs);
const bare = model('');

const mapped = `from pgvector.sqlalchemy import Vector
from sqlalchemy import Index, select
from sqlalchemy.orm import Mapped, mapped_column


class Chunk(Base):
    __tablename__ = "chunks"
    id: Mapped[int] = mapped_column(primary_key=True)
    embedding: Mapped[list[float]] = mapped_column(Vector(1536))
`;

const search = (chain: string) => `\n\nasync def search(db, q):\n    return (await db.execute(${chain})).scalars().all()\n`;

hostRuleTester(vectorSearchWithoutLimit, 'SQLAlchemy', {
  valid: [{ name: '.limit(10) after the distance', code: indexed + search('select(Memory).order_by(Memory.embedding.cosine_distance(q)).limit(10)'), host: python }],
  invalid: [
    {
      name: '.order_by(Memory.embedding.cosine_distance(q)) without .limit: .limit(10) added',
      code: indexed + search('select(Memory).order_by(Memory.embedding.cosine_distance(q))'),
      host: python,
      errors: [{ message: ['Similarity search orders memories by cosine distance to embedding without LIMIT'], span: 'Memory.embedding.cosine_distance(q)', fixes: ['Add .limit(10)'] }],
      output: indexed + search('select(Memory).order_by(Memory.embedding.cosine_distance(q)).limit(10)'),
    },
  ],
});

hostRuleTester(vectorIndexOperatorMismatch, 'SQLAlchemy', {
  valid: [{ name: 'cosine_distance on the vector_cosine_ops model index', code: indexed + search('select(Memory).order_by(Memory.embedding.cosine_distance(q)).limit(10)'), host: python }],
  invalid: [
    {
      name: '.l2_distance(q) against the vector_cosine_ops model index',
      code: indexed + search('select(Memory).order_by(Memory.embedding.l2_distance(q)).limit(10)'),
      host: python,
      errors: [{ message: ['by L2 distance (<->), but the HNSW index ix_memories_embedding on embedding is built with vector_cosine_ops'], span: 'Memory.embedding.l2_distance(q)' }],
    },
  ],
});

hostRuleTester(vectorSearchWithoutIndex, 'SQLAlchemy', {
  valid: [{ name: 'the model declares the HNSW index', code: indexed + search('select(Memory).order_by(Memory.embedding.max_inner_product(q)).limit(10)'), host: python }],
  invalid: [
    {
      name: 'no index: Index(...) with the seed parameters for 768 dimensions added to the model',
      code: bare + search('select(Memory).order_by(Memory.embedding.max_inner_product(q)).limit(10)'),
      host: python,
      errors: [
        {
          message: ['by negative inner product to embedding, but no HNSW or IVFFlat index', 'USING hnsw (embedding vector_ip_ops) WITH (m = 16, ef_construction = 128)'],
          span: 'Memory.embedding.max_inner_product(q)',
          fixes: ['Add Index on memories(embedding) using hnsw to the Memory model'],
        },
      ],
      output:
        bare.replace(
          '__tablename__ = "memories"\n',
          `__tablename__ = "memories"\n    __table_args__ = (Index('idx_memories_embedding', 'embedding', postgresql_using='hnsw', postgresql_ops={'embedding': 'vector_ip_ops'}, postgresql_with={'m': 16, 'ef_construction': 128}),)\n`,
        ) + search('select(Memory).order_by(Memory.embedding.max_inner_product(q)).limit(10)'),
    },
    {
      name: 'SQLAlchemy 2.0: Mapped[list[float]] = mapped_column(Vector(1536)): the seed parameters for 1536 dimensions',
      code: mapped + search('select(Chunk).order_by(Chunk.embedding.cosine_distance(q)).limit(5)'),
      host: python,
      errors: [{ message: ['orders chunks by cosine distance to embedding', 'USING hnsw (embedding vector_cosine_ops) WITH (m = 48, ef_construction = 200)'], span: 'Chunk.embedding.cosine_distance(q)' }],
      output:
        mapped.replace(
          '__tablename__ = "chunks"\n',
          `__tablename__ = "chunks"\n    __table_args__ = (Index('idx_chunks_embedding', 'embedding', postgresql_using='hnsw', postgresql_ops={'embedding': 'vector_cosine_ops'}, postgresql_with={'m': 48, 'ef_construction': 200}),)\n`,
        ) + search('select(Chunk).order_by(Chunk.embedding.cosine_distance(q)).limit(5)'),
    },
    {
      name: 'sqlx raw SQL on a migration-declared table',
      language: 'rust',
      schema: MEMORIES(1536),
      code: 'async fn f(pool: &PgPool, q: Vector) -> Result<()> {\n    let rows = sqlx::query("SELECT id FROM memories ORDER BY embedding <=> $1 LIMIT 10").bind(q).fetch_all(pool).await?;\n    Ok(())\n}\n',
      host: rust,
      errors: [{ message: ['USING hnsw (embedding vector_cosine_ops) WITH (m = 48, ef_construction = 200)'], span: 'embedding <=> $1', fixes: ['Add CREATE INDEX on memories(embedding) using hnsw after the CREATE TABLE'] }],
    },
  ],
});

hostRuleTester(hnswParametersBelowGuide, 'SQLAlchemy', {
  valid: [{ name: '16/128 on 768 dimensions', code: indexed, host: python }],
  invalid: [
    {
      name: 'postgresql_with below the guide on a 768-dimension Vector',
      code: model(hnswArgs.replace('"ef_construction": 128', '"ef_construction": 64')),
      host: python,
      errors: [
        {
          message: ['HNSW index ix_memories_embedding on memories.embedding (768 dimensions) is built with m = 16, ef_construction = 64;', 'm = 16, ef_construction = 128'],
          span: 'Index("ix_memories_embedding", "embedding", postgresql_using="hnsw", postgresql_with={"m": 16, "ef_construction": 64}, postgresql_ops={"embedding": "vector_cosine_ops"})',
        },
      ],
    },
  ],
});

hostRuleTester(filteredVectorSearch, 'sqlx', {
  valid: [],
  invalid: [
    {
      name: 'sqlx: WHERE tier = $2 with the HNSW index',
      language: 'rust',
      schema: MEMORIES() + HNSW_COSINE,
      code: 'async fn f(pool: &PgPool, q: Vector, t: &str) -> Result<()> {\n    let rows = sqlx::query("SELECT id FROM memories WHERE tier = $2 ORDER BY embedding <=> $1 LIMIT 10").bind(q).bind(t).fetch_all(pool).await?;\n    Ok(())\n}\n',
      host: rust,
      errors: [{ message: ['filters memories on tier', 'SET hnsw.iterative_scan = relaxed_order'], span: 'embedding <=> $1' }],
    },
  ],
});
