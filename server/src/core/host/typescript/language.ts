/** TypeScript and JavaScript in the host-language registry (host/languages.ts): node-postgres, postgres.js, mysql2, knex, Kysely, better-sqlite3. */
import type { HostLanguageSupport } from '../languages';
import { typescriptAdapter } from './adapter';
import { builderQuery } from './builders';
import { extractTypeScript } from './extract';
import { packageDialect, TYPESCRIPT_MANIFESTS } from './manifest';

export const typescript = {
  id: 'typescript',
  // Query builders (knex, Kysely): extract.ts offers every call chain that is not raw SQL to `builderQuery`.
  extract: (file, text, options) => extractTypeScript(text, file, { dialect: options.dialect, builderQuery, walkCache: options.walkCache }),
  adapter: typescriptAdapter,
  manifests: { files: TYPESCRIPT_MANIFESTS, dialectOf: packageDialect },
} as const satisfies HostLanguageSupport;
