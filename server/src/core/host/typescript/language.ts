/** TypeScript and JavaScript in the host-language registry (host/languages.ts): node-postgres, postgres.js, mysql2, knex, Kysely, better-sqlite3, and the ORMs of orms.ts. */
import type { HostLanguageSupport } from '../languages';
import type { HostModel } from '../types';
import { typescriptAdapter } from './adapter';
import { builderQuery } from './builders';
import { mayAccessDatabase } from './data-access';
import { extractTypeScript, type BuilderQuery } from './extract';
import { packageDialect, TYPESCRIPT_MANIFESTS } from './manifest';
import { mayDeclareOrmModels, ormQueryReaders, resolveOrmModels } from './orms';

export const typescript = {
  id: 'typescript',
  // Query builders (knex, Kysely), then the ORMs' query readers: extract.ts offers every call chain that is not raw SQL to `readQuery`.
  extract: (file, text, options) => {
    // Most files of a web project hold no database access: they are not parsed (data-access.ts).
    if (!mayAccessDatabase(file, text, options.models, options.definesNoSchema)) return { language: 'typescript', queries: [], writes: [], accesses: [], models: [], errors: [] };
    const readers = ormQueryReaders(text, options.models ?? []);
    const readQuery: BuilderQuery = readers.length === 0
      ? (node, source) => builderQuery(node, source)
      : (node, source, context) => builderQuery(node, source) ?? firstOf(readers, (read) => read(node, source, context));
    // A file's own models are read first (`schemaOnly`: the whole extraction, without the workspace's models), then its queries with them.
    return extractTypeScript(text, file, { dialect: options.dialect, builderQuery: readQuery, walkCache: options.walkCache, again: options.schemaOnly === true, ...(options.models ? { models: ormModelsOf(options.models) } : {}) });
  },
  adapter: typescriptAdapter,
  // The ORMs' models (Drizzle tables, TypeORM entities) are cross-file, as SQLAlchemy's: a file's own are
  // its schema-only extraction (which, in TypeScript, is the whole extraction: it is cheap, and holds its pools).
  models: { mayDefineSchema: mayDeclareOrmModels, resolve: resolveOrmModels, ddlInCode: false },
  manifests: { files: TYPESCRIPT_MANIFESTS, dialectOf: packageDialect },
} as const satisfies HostLanguageSupport;

function firstOf<T, R>(items: readonly T[], map: (item: T) => R | undefined): R | undefined {
  for (const item of items) {
    const result = map(item);
    if (result !== undefined) return result;
  }
  return undefined;
}

/** The ORMs' models of the workspace's (SQLAlchemy's left out), the same list for the same models (extract.ts keys its cache by it). */
const ORM_MODELS = new WeakMap<readonly HostModel[], HostModel[]>();
function ormModelsOf(models: readonly HostModel[]): HostModel[] {
  let own = ORM_MODELS.get(models);
  if (!own) ORM_MODELS.set(models, (own = models.filter((m) => m.orm !== undefined)));
  return own;
}
