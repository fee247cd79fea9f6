/** Drizzle ORM in the TypeScript ORM list (host/typescript/orms.ts): its tables (schema.ts), its `casing` (casing.ts), its `relations()` (relations.ts) and its queries (query.ts). */
import type { TypeScriptOrm } from '../../host/typescript/orms';
import { drizzleQuery, mayQueryDrizzle } from './query';
import { drizzleModels, mayDeclareDrizzleTables } from './schema';
import { drizzleCasingMarkers, maySetDrizzleCasing, resolveDrizzleModels } from './casing';
import { drizzleRelationEntries } from './relations';
import { DRIZZLE_INSERT_ADVICE, drizzleBatchQuery, drizzleFindManyLimitEdit, drizzleIndexEdits, drizzleInsertAllEdit } from './fix';
import { asOrmEdit } from '../../host/typescript/loop-write';
import { drizzleWithLoad } from './with';

function mayDeclareRelations(text: string): boolean {
  return text.includes('drizzle-orm') && /\brelations\s*\(/.test(text);
}

export const drizzle: TypeScriptOrm = {
  id: 'drizzle',
  mayDeclareModels: (text) => mayDeclareDrizzleTables(text) || maySetDrizzleCasing(text) || mayDeclareRelations(text),
  models: (root, text, _file, workspace) => [
    ...(mayDeclareDrizzleTables(text) ? drizzleModels(root, workspace) : []),
    ...(maySetDrizzleCasing(text) ? drizzleCasingMarkers(root) : []),
    ...(mayDeclareRelations(text) ? drizzleRelationEntries(root) : []),
  ],
  resolve: resolveDrizzleModels,
  mayQuery: mayQueryDrizzle,
  query: drizzleQuery,
  modelIndexEdits: (source, origin, index) => drizzleIndexEdits(source.file || 'schema.ts', source.text, index, origin),
  batchQuery: (source, query, key, _loopTargets, site) => drizzleBatchQuery(source.text, query, key, site),
  eagerLoad: (source, outer, query, column) => drizzleWithLoad(source, source.models ?? [], outer, query, column),
  // A loop whose body is one `db.insert(t).values({...})` of the item: one insert of all items; a relational findMany's `limit`.
  batchWriteAdvice: (kind) => (kind === 'insert' ? DRIZZLE_INSERT_ADVICE : undefined),
  batchWrite: ({ text, file }, query, loop) => asOrmEdit(drizzleInsertAllEdit(text, file, query, loop)),
  limit: ({ text, file }, query, limit) => asOrmEdit(drizzleFindManyLimitEdit(text, file, query, limit)),
};
