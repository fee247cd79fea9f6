import { vectorIndexOperatorMismatch } from '../../../server/src/core/rules/vector-index-operator-mismatch';
import { ruleTester } from './harness';
import { HNSW_COSINE, MEMORIES } from './vector-fixtures';

const schema = MEMORIES() + HNSW_COSINE;

ruleTester(vectorIndexOperatorMismatch, {
  valid: [
    { name: 'cosine search on a vector_cosine_ops index', schema, code: 'SELECT id FROM memories ORDER BY embedding <=> $1 LIMIT 10;' },
    { name: 'no vector index at all is vector-search-without-index\'s', schema: MEMORIES(), code: 'SELECT id FROM memories ORDER BY embedding <-> $1 LIMIT 10;' },
    {
      name: 'one of two indexes serves the operator',
      schema: schema + 'CREATE INDEX memories_embedding_l2 ON memories USING ivfflat (embedding vector_l2_ops) WITH (lists = 100);\n',
      code: 'SELECT id FROM memories ORDER BY embedding <-> $1 LIMIT 10;',
    },
    { name: 'an index without an operator class serves L2 (the default class)', schema: MEMORIES() + 'CREATE INDEX ON memories USING hnsw (embedding);\n', code: 'SELECT id FROM memories ORDER BY embedding <-> $1 LIMIT 10;' },
  ],
  invalid: [
    {
      name: 'seed 004: <-> against the vector_cosine_ops HNSW index',
      schema,
      code: "SELECT id, content, embedding <-> $1::vector as distance\nFROM memories\nWHERE tier = 'working'\nORDER BY embedding <-> $1::vector\nLIMIT 10;",
      errors: [
        {
          message: [
            'orders memories by L2 distance (<->), but the HNSW index memories_embedding_hnsw_idx on embedding is built with vector_cosine_ops, which serves only cosine distance (<=>)',
            'Search with <=>, or index embedding with vector_l2_ops.',
          ],
          span: 'embedding <-> $1::vector',
          start: "SELECT id, content, embedding <-> $1::vector as distance\nFROM memories\nWHERE tier = 'working'\nORDER BY ".length,
          fixes: [],
        },
      ],
    },
    {
      name: 'inner product against the default (L2) class',
      schema: MEMORIES(768) + 'CREATE INDEX mem_idx ON memories USING ivfflat (embedding) WITH (lists = 100);\n',
      code: 'SELECT id FROM memories ORDER BY embedding <#> $1 LIMIT 5;',
      errors: [{ message: ['negative inner product (<#>)', 'IVFFLAT index mem_idx', 'vector_l2_ops (the default), which serves only L2 distance (<->)', 'vector_ip_ops'], span: 'embedding <#> $1' }],
    },
  ],
});
