/** Drizzle ORM in the TypeScript ORM list (host/typescript/orms.ts): its tables (schema.ts) and its queries (query.ts). */
import type { TypeScriptOrm } from '../../host/typescript/orms';
import { drizzleQuery, mayQueryDrizzle } from './query';
import { drizzleModels, mayDeclareDrizzleTables } from './schema';

export const drizzle: TypeScriptOrm = {
  id: 'drizzle',
  mayDeclareModels: mayDeclareDrizzleTables,
  models: (root, _text, _file, workspace) => drizzleModels(root, workspace),
  mayQuery: mayQueryDrizzle,
  query: drizzleQuery,
};
