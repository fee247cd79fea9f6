import { filteredVectorSearch } from '../../../server/src/core/rules/filtered-vector-search';
import { ruleTester } from './harness';
import { HNSW_COSINE, MEMORIES } from './vector-fixtures';

const schema = MEMORIES() + HNSW_COSINE;

ruleTester(filteredVectorSearch, {
  valid: [
    { name: 'no filter', schema, code: 'SELECT id FROM memories ORDER BY embedding <=> $1 LIMIT 10;' },
    { name: 'no index serves the search (nothing filters after an index)', schema: MEMORIES(), code: "SELECT id FROM memories WHERE tier = 'working' ORDER BY embedding <=> $1 LIMIT 10;" },
    {
      name: 'a partial HNSW index for the filter',
      schema: MEMORIES() + "CREATE INDEX mem_working ON memories USING hnsw (embedding vector_cosine_ops) WHERE tier = 'working';\n",
      code: "SELECT id FROM memories WHERE tier = 'working' ORDER BY embedding <=> $1 LIMIT 10;",
    },
  ],
  invalid: [
    {
      name: "seed 004's \"filter early\" with the HNSW index",
      schema,
      code: "SELECT id, content FROM memories WHERE tier = 'working' ORDER BY embedding <=> $1::vector LIMIT 10;",
      errors: [
        {
          message: [
            'Similarity search filters memories on tier and takes the nearest by cosine distance through the HNSW index memories_embedding_hnsw_idx',
            'its hnsw.ef_search nearest candidates (40 by default)',
            'SET hnsw.iterative_scan = relaxed_order',
            'partial index for the filter (... WHERE tier = ...)',
          ],
          span: 'embedding <=> $1::vector',
          fixes: [],
        },
      ],
    },
  ],
});
