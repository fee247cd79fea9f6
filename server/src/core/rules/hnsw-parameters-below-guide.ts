/**
 * An HNSW index built with `m` or `ef_construction` below the seed guides'
 * values for its column's dimension (384 → 16/64, 768 → 16/128, 1536 →
 * 48/200): a sparser graph, or one built with a shorter candidate list, finds
 * fewer of the true nearest neighbours on wide vectors. Reported where the
 * index is declared (CREATE INDEX, op.create_index, a model's Index(...)).
 */
import { docsUrl } from '../../../../shared/types';
import { shownTableName } from '../catalog/build';
import { tablesDeclaringIn } from './query-helpers';
import type { Rule } from './types';
import { HNSW_DEFAULTS, seedHnswParameters, vectorType } from './vector-helpers';

const ID = 'hnsw-parameters-below-guide';

export const hnswParametersBelowGuide: Rule = {
  meta: {
    id: ID,
    description: "An HNSW index's m or ef_construction is below the seed guides' values for its column's dimension.",
    defaultSeverity: 'info',
    docs: docsUrl(ID),
    fixable: false,
    category: 'schema',
  },
  scope: 'file',
  check(ctx) {
    // The tables with an index declared in this file (looked up once per catalog), not the whole catalog per file.
    for (const table of tablesDeclaringIn(ctx.catalog, ctx.file)) {
      for (const index of table.indexes) {
        if (index.method !== 'hnsw' || index.origin.file !== ctx.file || !index.keys[0]?.column) continue;
        const column = index.keys[0].column;
        const dimension = vectorType(table.columns.get(column)?.type)?.dimension;
        if (!dimension) continue;
        const seed = seedHnswParameters(dimension);
        const m = Number(index.options?.m ?? HNSW_DEFAULTS.m);
        const ef = Number(index.options?.ef_construction ?? HNSW_DEFAULTS.ef_construction);
        if (!(m < seed.m || ef < seed.ef_construction)) continue;
        const written = index.options?.m !== undefined || index.options?.ef_construction !== undefined ? '' : " (pgvector's defaults)";
        ctx.report({
          span: index.origin.span,
          message:
            `HNSW index ${index.name} on ${shownTableName(table)}.${column} (${dimension} dimensions) is built with m = ${m}, ef_construction = ${ef}${written}; ` +
            `the seed guide's values for ${dimension} dimensions are m = ${seed.m}, ef_construction = ${seed.ef_construction}: ` +
            'a sparser graph finds fewer of the true nearest neighbours on vectors this wide. ' +
            `Build it WITH (m = ${seed.m}, ef_construction = ${seed.ef_construction}).`,
          explanation:
            'Seed values by dimension: 384 → m 16, ef_construction 64; 768 → 16/128; 1536 → 48/200. Larger values ' +
            'cost build time and memory (`maintenance_work_mem`) for recall. REINDEX keeps the parameters: create the ' +
            'new index CONCURRENTLY, then drop the old one.',
        });
      }
    }
  },
};
