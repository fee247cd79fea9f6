/** TypeScript and JavaScript in the host-language registry (host/languages.ts): node-postgres, postgres.js, mysql2, knex, Kysely, better-sqlite3. */
import type { HostLanguageSupport } from '../languages';
import { typescriptAdapter } from './adapter';
import { extractTypeScript } from './extract';
import { packageDialect, TYPESCRIPT_MANIFESTS } from './manifest';

export const typescript = {
  id: 'typescript',
  // Query builders: pass tsbuilders' `builderQuery` (./builders) as `builderQuery` here; extract.ts offers it every call chain that is not raw SQL.
  extract: (file, text, options) => extractTypeScript(text, file, { dialect: options.dialect }),
  adapter: typescriptAdapter,
  manifests: { files: TYPESCRIPT_MANIFESTS, dialectOf: packageDialect },
} as const satisfies HostLanguageSupport;
