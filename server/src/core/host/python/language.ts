/** Python in the host-language registry (host/languages.ts): SQLAlchemy, Alembic, raw SQL. */
import type { HostLanguageSupport } from '../languages';
import type { HostModel } from '../types';
import { SQLALCHEMY_ENGINE_FACTORIES } from '../pools';
import { pythonAdapter } from './adapter';
import { extractPython } from './extract';
import { PYTHON_MANIFESTS, pythonDialect } from './manifest';
import { resolveInheritedTables } from './models';

/** Words without which a Python file defines no model, no Alembic revision and no engine. */
const MAY_DEFINE_SCHEMA = new RegExp(['class', 'revision', ...SQLALCHEMY_ENGINE_FACTORIES].map((word) => `\\b${word}\\b`).join('|'));

/**
 * The SQLAlchemy models among the workspace's (the ORM models of TypeScript code left out), one
 * list per workspace list: the extraction's caches are keyed by that list (the walk cache's
 * context, the models read from it), and a new list per extraction made every edit miss them.
 */
const sqlalchemyByModels = new WeakMap<HostModel[], HostModel[]>();

function sqlalchemyModels(models: HostModel[] | undefined): HostModel[] | undefined {
  if (!models) return undefined;
  let own = sqlalchemyByModels.get(models);
  if (!own) sqlalchemyByModels.set(models, (own = models.filter((m) => m.orm === undefined)));
  return own;
}

export const python = {
  id: 'python',
  extract: (file, text, options) =>
    extractPython(text, file, { dialect: options.dialect, models: sqlalchemyModels(options.models), schemaOnly: options.schemaOnly, walkCache: options.walkCache }),
  adapter: pythonAdapter,
  models: { mayDefineSchema: (text) => MAY_DEFINE_SCHEMA.test(text), resolve: resolveInheritedTables, migrationTool: 'alembic' },
  manifests: { files: PYTHON_MANIFESTS, dialectOf: pythonDialect },
} as const satisfies HostLanguageSupport;
