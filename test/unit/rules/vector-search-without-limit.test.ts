import { vectorSearchWithoutLimit } from '../../../server/src/core/rules/vector-search-without-limit';
import { ruleTester } from './harness';
import { HNSW_COSINE, MEMORIES } from './vector-fixtures';

const schema = MEMORIES() + HNSW_COSINE;

ruleTester(vectorSearchWithoutLimit, {
  valid: [
    { name: 'seed 004: ORDER BY distance ... LIMIT 10', schema, code: 'SELECT id, content FROM memories ORDER BY embedding <=> $1::vector LIMIT 10;' },
    { name: 'LIMIT as a parameter', schema, code: 'SELECT id FROM memories ORDER BY embedding <-> $1 LIMIT $2;' },
    { name: 'an ordinary ORDER BY is unpaginated-query\'s', schema, code: 'SELECT id FROM memories ORDER BY id;' },
    { name: 'a table the catalog does not know (PostGIS <-> too)', schema, code: 'SELECT id FROM places ORDER BY geom <-> $1;' },
    { name: 'a subquery ordered by distance under an outer LIMIT', schema, code: 'SELECT id FROM (SELECT id, embedding <=> $1 AS d FROM memories ORDER BY d) nearest LIMIT 10;' },
  ],
  invalid: [
    {
      name: 'cosine distance without LIMIT: LIMIT 10 appended',
      schema,
      code: 'SELECT id, content FROM memories WHERE tier = $2 ORDER BY embedding <=> $1::vector;',
      errors: [{ message: ['Similarity search orders memories by cosine distance to embedding without LIMIT', 'Add LIMIT 10'], span: 'embedding <=> $1::vector', fixes: ['Add LIMIT 10'] }],
      output: 'SELECT id, content FROM memories WHERE tier = $2 ORDER BY embedding <=> $1::vector LIMIT 10;',
    },
    {
      name: 'ORDER BY the select-list alias of the distance',
      schema,
      code: 'SELECT id, embedding <-> $1 AS distance FROM memories ORDER BY distance;',
      errors: [{ message: ['by L2 distance to embedding without LIMIT'], span: 'embedding <-> $1', fixes: ['Add LIMIT 10'] }],
      output: 'SELECT id, embedding <-> $1 AS distance FROM memories ORDER BY distance LIMIT 10;',
    },
  ],
});
