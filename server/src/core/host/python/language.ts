/** Python in the host-language registry (host/languages.ts): SQLAlchemy, Alembic, raw SQL. */
import { forLastText, typedTextTest } from '../../last-text';
import type { HostLanguageSupport } from '../languages';
import type { HostModel } from '../types';
import { SQLALCHEMY_ENGINE_FACTORIES } from '../pools';
import { pythonAdapter } from './adapter';
import { mayAccessDatabase } from './data-access';
import { extractPython } from './extract';
import { revisionIdsOfText } from './alembic';
import { PYTHON_MANIFESTS, pythonDialect } from './manifest';
import { resolveInheritedTables } from './models';

/** Words without which a Python file holds no Alembic revision and no engine. */
const REVISION_OR_ENGINE = ['revision', ...SQLALCHEMY_ENGINE_FACTORIES];
const mayHoldRevisionOrEngine = typedTextTest(new RegExp(REVISION_OR_ENGINE.map((word) => `\\b${word}\\b`).join('|')), Math.max(...REVISION_OR_ENGINE.map((word) => word.length)));
const namesClass = typedTextTest(/\bclass\b/, 'class'.length);

/**
 * Names without which a class is no model (models.ts `extractModels`): a table name
 * (`__tablename__`, also a base's naming rule) or mapped columns (`Column(...)`,
 * `mapped_column(...)`, `Mapped[...]`), each read as a whole name (the callee's or
 * the annotation's last segment), not inside a longer one (`OrderExportColumn`,
 * `ColumnExpressionArgument`). Most classes of a project are no model (polar: 1,156
 * files with a class, 147 with these words), and each such file was parsed for its
 * models only to find none.
 */
const mayMapTable = typedTextTest(/\b(?:__tablename__|Column|mapped_column|Mapped)\b/, '__tablename__'.length);

/**
 * Whether a Python file may define a model, an Alembic revision or an engine (its schema-only
 * extraction is empty otherwise). Asked twice of each version of a file (its schema-only
 * extraction, then its whole one); each search of a whole text took most of a millisecond in
 * polar's service.py: a typed version is searched around the edit (`typedTextTest`).
 */
const mayDefineSchema = forLastText((text: string): boolean => mayHoldRevisionOrEngine(text) || (namesClass(text) && mayMapTable(text)));

/**
 * Whether a Python file may define a model (`mayDefineSchema` without the revision and the engine):
 * 95 of the 207 files polar's first start parsed for the workspace's models (0.77 M characters)
 * named an engine factory (`create_async_engine` of its own module) or a revision, and no model.
 */
const mayDefineModels = forLastText((text: string): boolean => namesClass(text) && mayMapTable(text));

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

/** The class names of a model list (`sqlalchemyModels`), for `mayAccessDatabase`. */
const namesByModels = new WeakMap<HostModel[], Set<string>>();
const NO_NAMES: ReadonlySet<string> = new Set();

function classNames(models: HostModel[] | undefined): ReadonlySet<string> {
  if (!models) return NO_NAMES;
  let names = namesByModels.get(models);
  if (!names) namesByModels.set(models, (names = new Set(models.map((m) => m.className))));
  return names;
}

export const python = {
  id: 'python',
  extract: (file, text, options) => {
    const models = sqlalchemyModels(options.models);
    // Most files of a project neither define the schema nor access the database: they are not parsed (data-access.ts).
    if (!options.schemaOnly && (options.definesNoSchema === true || !mayDefineSchema(text)) && !mayAccessDatabase(text, classNames(models))) return { language: 'python', queries: [], writes: [], accesses: [], models: [], errors: [] };
    return extractPython(text, file, { dialect: options.dialect, models, schemaOnly: options.schemaOnly, walkCache: options.walkCache });
  },
  adapter: pythonAdapter,
  models: { mayDefineSchema, mayDefineModels, resolve: resolveInheritedTables, migrationTool: 'alembic', revisionIdsOfText },
  manifests: { files: PYTHON_MANIFESTS, dialectOf: pythonDialect },
} as const satisfies HostLanguageSupport;
