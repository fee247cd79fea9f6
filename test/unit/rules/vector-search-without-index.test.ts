import assert from 'node:assert/strict';
import { vectorSearchWithoutIndex } from '../../../server/src/core/rules/vector-search-without-index';
import { migrationFile, ruleTester, runRule } from './harness';
import { HNSW_COSINE, MEMORIES } from './vector-fixtures';

ruleTester(vectorSearchWithoutIndex, {
  valid: [
    { name: 'the HNSW index is there', schema: MEMORIES() + HNSW_COSINE, code: 'SELECT id FROM memories ORDER BY embedding <=> $1 LIMIT 10;' },
    { name: 'an IVFFlat index counts', schema: MEMORIES() + 'CREATE INDEX ON memories USING ivfflat (embedding vector_cosine_ops) WITH (lists = 100);\n', code: 'SELECT id FROM memories ORDER BY embedding <=> $1 LIMIT 10;' },
    { name: 'a table the catalog does not know', code: 'SELECT id FROM memories ORDER BY embedding <=> $1 LIMIT 10;' },
    { name: 'a column that is not a vector', schema: 'CREATE TABLE places (id int, geom geometry);', code: 'SELECT id FROM places ORDER BY geom <-> $1 LIMIT 10;' },
  ],
  invalid: [
    {
      name: 'no vector index: the seed HNSW index inserted after the CREATE TABLE',
      schema: MEMORIES(384),
      code: 'SELECT id FROM memories ORDER BY embedding <=> $1 LIMIT 10;',
      errors: [
        {
          message: [
            'Similarity search orders memories by cosine distance to embedding, but no HNSW or IVFFlat index is on embedding',
            'Add an HNSW index: USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64).',
          ],
          span: 'embedding <=> $1',
          fixes: ['Add CREATE INDEX on memories(embedding) using hnsw after the CREATE TABLE'],
          explanation: ['384 → m 16, ef_construction 64; 768 → 16/128; 1536 → 48/200'],
        },
      ],
    },
  ],
});

describe('vector-search-without-index: the fix as a migration', () => {
  it('writes CREATE INDEX CONCURRENTLY ... USING hnsw (embedding vector_l2_ops) WITH (m = 48, ef_construction = 200) in a new migration', () => {
    const { reports } = runRule(vectorSearchWithoutIndex, { migrations: [MEMORIES(1536)], code: 'SELECT id FROM memories ORDER BY embedding <-> $1 LIMIT 10;' });
    assert.equal(reports.length, 1);
    const fix = reports[0].fixes![0];
    assert.equal(fix.title, 'Add index on memories(embedding) using hnsw in a new migration');
    const created = fix.changes.filter((c) => c.kind === 'create').map((c) => (c.kind === 'create' ? [c.file.replace(/.*\//, ''), c.content] : []));
    assert.ok(migrationFile(0).endsWith('.up.sql'));
    const up = created.find(([f]) => f.endsWith('.up.sql'))!;
    assert.match(up[1], /CREATE INDEX CONCURRENTLY idx_memories_embedding ON memories USING hnsw \(embedding vector_l2_ops\) WITH \(m = 48, ef_construction = 200\);/);
  });
});

describe('vector-search-without-index: a search without LIMIT', () => {
  it('is left to vector-search-without-limit (no index serves it)', () => {
    const { reports } = runRule(vectorSearchWithoutIndex, { schema: MEMORIES(384), code: 'SELECT id FROM memories ORDER BY embedding <=> $1;' });
    assert.deepEqual(reports, []);
  });
});
