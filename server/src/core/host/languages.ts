/**
 * The host languages, joined to their data in shared/languages.ts: for each,
 * its extractor, the adapter rules ask for fixes (host/adapter.ts), and
 * whether its files define models that other files' queries use. Everything
 * else (which files, which grammar, comment syntax, watched globs, the
 * client's selector, package.json) follows from shared/languages.ts.
 *
 * A new language: a folder server/src/core/host/<id>/ (its extractor and
 * `language.ts`), its entry in shared/languages.ts, and one line here
 * (CONTRIBUTING.md).
 */
import * as path from 'node:path';
import { languageDataOf, type HostLanguage } from '../../../../shared/languages';
import type { HostAdapter } from './adapter';
import { python } from './python/language';
import { rust } from './rust/language';
import { typescript } from './typescript/language';
import type { Dialect } from '../../../../shared/types';
import type { MigrationTool } from '../catalog/types';
import type { RevisionInfo } from '../migrations/alembic';
import type { HostExtraction, HostModel } from './types';
import type { WalkCache } from './walk-cache';

export type { HostLanguage } from '../../../../shared/languages';

export interface HostExtractOptions {
  dialect?: Dialect;
  /** Models of the whole workspace, for languages with cross-file models (`models` below). */
  models?: HostModel[];
  /** Only what the schema and the migration order need: models and migration operations. */
  schemaOnly?: boolean;
  /** Extract queries in test modules and test functions too. */
  includeTests?: boolean;
  /** The file's walk findings kept from its previous versions (Python and TypeScript: walk-cache.ts). */
  walkCache?: WalkCache;
  /**
   * The language's `models.mayDefineSchema` said no for this text (the workspace asks it first, for the
   * schema-only extraction): the extraction need not ask again (documenso: 1,950 files, 35 ms of a profiled check).
   */
  definesNoSchema?: boolean;
}

/**
 * Models that queries in other files use (SQLAlchemy's declarative classes):
 * the workspace collects each file's own from its schema-only extraction,
 * resolves them together once, and extracts queries with the result.
 */
export interface CrossFileModels {
  /**
   * A cheap test of a file's text: false means its schema-only extraction is
   * empty (no model, no migration revision, no pool), so it is not parsed for it.
   */
  mayDefineSchema(text: string): boolean;
  /**
   * A cheaper answer for models alone, where the schema-only extraction also reads what no model
   * is (Python: an Alembic revision, an engine): false means it holds no model. The workspace's
   * models are then read without parsing the file (its pools and revision are read when asked for).
   */
  mayDefineModels?(text: string): boolean;
  /** The workspace's models from the files' own (a table named by a base class in another file filled in). */
  resolve(models: HostModel[]): HostModel[];
  /** The migration tool that migrates these models (Alembic): an index fix for a model's table goes into its set. */
  migrationTool?: MigrationTool;
  /**
   * The ids of a migration revision (Alembic's) read from its text alone, for
   * the migration order: null when the text holds none, undefined when it is
   * not plain enough to tell (the file is extracted then). A revision defines
   * no model: its schema-only extraction is needed for nothing else.
   */
  revisionIdsOfText?(text: string): RevisionInfo | null | undefined;
  /** false: DDL in the language's SQL strings does not write the schema (only its models do); Python's does. */
  ddlInCode?: boolean;
}

export interface HostLanguageSupport {
  id: HostLanguage;
  extract(file: string, text: string, options: HostExtractOptions): HostExtraction | undefined;
  adapter: HostAdapter;
  /** Its files can define models other files' queries use (and so may write the schema). */
  models?: CrossFileModels;
  /** Manifests whose dependencies name the database (a driver): the package's dialect (engine/packages.ts). */
  manifests?: { files: readonly string[]; dialectOf(text: string): Dialect | undefined };
}

/** Every host language with data in shared/languages.ts: the compiler asks for an entry for each. */
const HOST_LANGUAGES: { [id in HostLanguage]: HostLanguageSupport & { id: id } } = { python, rust, typescript };

/** The host language a file is analysed as (by extension), if any. */
export function hostLanguageOf(file: string): HostLanguage | undefined {
  const id = languageDataOf(file)?.id;
  return id !== undefined && id in HOST_LANGUAGES ? (id as HostLanguage) : undefined;
}

export function hostSupportOf(file: string): HostLanguageSupport | undefined {
  const id = hostLanguageOf(file);
  return id && HOST_LANGUAGES[id];
}

/** The database a manifest's dependencies name, for the language whose manifest it is. */
export function manifestDialectOf(file: string, text: string): Dialect | undefined {
  const name = path.basename(file);
  const support = Object.values(HOST_LANGUAGES).find((s) => s.manifests?.files.includes(name));
  return support?.manifests?.dialectOf(text);
}

/** The adapter of an extraction's language. */
export function adapterOf(language: HostLanguage): HostAdapter {
  return HOST_LANGUAGES[language].adapter;
}

/** Whether `file` is host code of a language whose files define models other files use. */
export function hasCrossFileModels(file: string): boolean {
  return hostSupportOf(file)?.models !== undefined;
}

/**
 * The model registry: the workspace's models, each language's own resolved
 * together (`models` holds every file's own models, of languages with cross-file models).
 */
export function resolveWorkspaceModels(models: HostModel[]): HostModel[] {
  // Each language's resolve passes the others' models through (a model of an ORM, `orm`, has its table).
  return Object.values(HOST_LANGUAGES).reduce<HostModel[]>((all, support) => (support.models ? support.models.resolve(all) : all), models);
}
