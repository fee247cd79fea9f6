/** Drizzle ORM in the TypeScript ORM list (host/typescript/orms.ts): its tables (schema.ts), its `casing` (casing.ts) and its queries (query.ts). */
import type { TypeScriptOrm } from '../../host/typescript/orms';
import { drizzleQuery, mayQueryDrizzle } from './query';
import { drizzleModels, mayDeclareDrizzleTables } from './schema';
import { drizzleCasingMarkers, maySetDrizzleCasing, resolveDrizzleModels } from './casing';

export const drizzle: TypeScriptOrm = {
  id: 'drizzle',
  mayDeclareModels: (text) => mayDeclareDrizzleTables(text) || maySetDrizzleCasing(text),
  models: (root, text, _file, workspace) => [
    ...(mayDeclareDrizzleTables(text) ? drizzleModels(root, workspace) : []),
    ...(maySetDrizzleCasing(text) ? drizzleCasingMarkers(root) : []),
  ],
  resolve: resolveDrizzleModels,
  mayQuery: mayQueryDrizzle,
  query: drizzleQuery,
};
