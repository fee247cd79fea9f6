import { hnswParametersBelowGuide } from '../../../server/src/core/rules/hnsw-parameters-below-guide';
import { ruleTester } from './harness';
import { MEMORIES } from './vector-fixtures';

const seedIndex = 'CREATE INDEX CONCURRENTLY memories_embedding_hnsw_idx\nON memories USING hnsw (embedding vector_cosine_ops)\nWITH (m = 16, ef_construction = 64);';

ruleTester(hnswParametersBelowGuide, {
  valid: [
    { name: 'seed 004 on 384 dimensions: 16/64 is the guide', code: MEMORIES(384) + seedIndex },
    { name: '1536 dimensions at 48/200', code: MEMORIES(1536) + 'CREATE INDEX m_idx ON memories USING hnsw (embedding vector_cosine_ops) WITH (m = 48, ef_construction = 200);' },
    { name: 'pgvector defaults on 384 dimensions', code: MEMORIES(384) + 'CREATE INDEX m_idx ON memories USING hnsw (embedding vector_cosine_ops);' },
    { name: 'IVFFlat has no m', code: MEMORIES(1536) + 'CREATE INDEX m_idx ON memories USING ivfflat (embedding vector_cosine_ops) WITH (lists = 100);' },
  ],
  invalid: [
    {
      name: "seed 004's index on the seed's 1536-dimension vectors",
      code: MEMORIES(1536) + seedIndex,
      errors: [
        {
          message: [
            'HNSW index memories_embedding_hnsw_idx on memories.embedding (1536 dimensions) is built with m = 16, ef_construction = 64;',
            "the seed guide's values for 1536 dimensions are m = 48, ef_construction = 200",
            'Build it WITH (m = 48, ef_construction = 200).',
          ],
          span: seedIndex.slice(0, -1),
          fixes: [],
        },
      ],
    },
    {
      name: "768 dimensions with pgvector's defaults",
      code: MEMORIES(768) + 'CREATE INDEX m_idx ON memories USING hnsw (embedding vector_l2_ops);',
      errors: [{ message: ["m = 16, ef_construction = 64 (pgvector's defaults)", 'm = 16, ef_construction = 128'], span: 'CREATE INDEX m_idx ON memories USING hnsw (embedding vector_l2_ops)' }],
    },
  ],
});
