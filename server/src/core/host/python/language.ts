/** Python in the host-language registry (host/languages.ts): SQLAlchemy, Alembic, raw SQL. */
import type { HostLanguageSupport } from '../languages';
import { SQLALCHEMY_ENGINE_FACTORIES } from '../pools';
import { pythonAdapter } from './adapter';
import { extractPython } from './extract';
import { PYTHON_MANIFESTS, pythonDialect } from './manifest';
import { resolveInheritedTables } from './models';

/** Words without which a Python file defines no model, no Alembic revision and no engine. */
const MAY_DEFINE_SCHEMA = new RegExp(['class', 'revision', ...SQLALCHEMY_ENGINE_FACTORIES].map((word) => `\\b${word}\\b`).join('|'));

export const python = {
  id: 'python',
  extract: (file, text, options) =>
    extractPython(text, file, { dialect: options.dialect, models: options.models?.filter((m) => m.orm === undefined), schemaOnly: options.schemaOnly, walkCache: options.walkCache }),
  adapter: pythonAdapter,
  models: { mayDefineSchema: (text) => MAY_DEFINE_SCHEMA.test(text), resolve: resolveInheritedTables, migrationTool: 'alembic' },
  manifests: { files: PYTHON_MANIFESTS, dialectOf: pythonDialect },
} as const satisfies HostLanguageSupport;
