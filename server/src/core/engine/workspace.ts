/**
 * The analysis engine: one workspace's SQL files, their parsed statements, the
 * schema catalog built from its migrations and DDL, and the findings of every
 * rule. Pure (no LSP, no vscode): the language server and the CLI both drive it.
 *
 * Incremental by construction: a file's parse is cached by its text (and the
 * parser caches statements), each statement's schema signature and rule reports
 * are cached by its text (see statementReports.ts), the catalog's content is
 * rebuilt only when a file's schema changes differ, and `affectedBy` tells the
 * caller which files' findings may have changed.
 */
import * as path from 'node:path';
import { SYNTAX_RULE_ID, type Dialect, type Finding, type Severity } from '../../../../shared/types';
import { buildCatalog, buildCatalogSteps, type CatalogInput, sameTables, tableKey } from '../catalog/build';
import type { Catalog, MigrationSet } from '../catalog/types';
import { ignorePatternMatcher, isAnalysedFile, isExcluded, isScriptMigrationPath, isOrmSchemaFile, isIgnoredByPatterns, isLeftOutTest, isWorkspaceFileKind, listWorkspaceFiles, takenBackMatcher, workspacePath } from '../config/files';
import { contentSkipReason, defaultSkipOf } from '../config/skipped';
import { MAX_SOURCE_BYTES, readTextFileSync } from '../config/read';
import { isInMigrationsFolder, scriptKindOf } from '../config/scope';
import { ruleSettingsOf, type RuleSettings } from '../config/overrides';
import type { QueryLensConfig } from '../config/types';
import { detectMigrations, migrationPositionOf, providerDialect } from '../migrations/detect';
import type { RevisionInfo } from '../migrations/alembic';
import { firstCheckedHistory, NOTHING_SHIPPED, type MigrationHistory } from '../migrations/history';
import type { MigrationPosition } from '../rules/types';
import type { ParsedDocument, SchemaChange } from '../sql/model';
import { otherEngineOf } from '../sql/dialect';
import { inferDialect, initParsers, parseDocument, parseDocumentSteps, type SyntaxOracle } from '../sql/parse';
import { hostGrammarOf, initHostParsers, treesNotKept } from '../host/treesitter';
import { languageDataOf } from '../../../../shared/languages';
import { type KnexfileMigrations, MAY_CALL_MIGRATOR, readKnexfile, readScriptMigration, type ScriptMigration } from '../host/typescript/migrations';
import { isKnexfile, isScriptFile, type ScriptFileInfo } from '../migrations/scripts';
import { extractHost, hasCrossFileModels, hostLanguageOf, workspaceModelsOf } from '../host/extract';
import { hostSupportOf } from '../host/languages';
import type { HostExtraction, HostModel } from '../host/types';
import type { HostPool } from '../host/pools';
import { WalkCache } from '../host/walk-cache';
import { analyzeFileSteps, type AnalysisHost } from './analysis';
import { runSteps, type Steps } from '../steps';
import { hostDocument, schemaDocument } from './hostDocument';
import { indexTables, tablesWrittenBy, touchesTables } from './dependents';
import { dialectSignals, Layout, type DialectSignals } from './layout';
import { isManifest, Packages } from './packages';
import { LineIndex } from './lineIndex';
import { StatementReportCache } from './statementReports';
import { isPrismaSchema, PrismaSchemas } from '../prisma/schemas';
import type { PrismaFile } from '../prisma/parser';

export interface WorkspaceOptions {
  /** Absolute path of the workspace root. */
  root: string;
  config: QueryLensConfig;
  /** Extra exclude globs (VS Code's `files.exclude`), relative to the root. */
  extraExcludes?: string[];
  /** Called when a rule throws: the rule is skipped for that file, the rest goes on. */
  onError?: (message: string) => void;
  /** Called for a listed file that could not be read (`reason` follows "skipped <file>: "). */
  onSkipped?: (file: string, reason: string) => void;
  /**
   * Keep per-statement parses and rule reports to re-analyse files after edits
   * (the language server). Off for one-shot runs (the CLI): each file is
   * analysed once, and the kept results would only cost time and memory.
   */
  incremental?: boolean;
  /**
   * Files longer than this many characters are held but not read as code: no
   * statements, findings, schema or queries come from them (the language
   * server's as-you-type limit; it shows a notice on them instead).
   */
  maxFileChars?: number;
  /** Which migrations have shipped (git, the tracking tables): computed by the caller; none by default. */
  history?: MigrationHistory;
  /**
   * What an earlier run (the check cache) read of this text of a Python file
   * (`factsOf`): used instead of extracting the file to order the migrations
   * and to know the models every Python file's queries are read with.
   */
  known?: (file: string, text: string) => FileFacts | undefined;
  /** The database's own parser, asked about a statement of a SQL file QueryLens's parsers reject (the hosts give SQLite's). */
  syntaxOracle?: SyntaxOracle;
}

export interface AnalyzeOptions {
  /** The file is not being edited (an editor's workspace diagnostics): its syntax tree is not kept for edits (`treesNotKept`). */
  readOnce?: boolean;
}

/** What a Python file tells the rest of the workspace: its Alembic revision and its SQLAlchemy models. */
export interface FileFacts {
  revision?: RevisionInfo;
  models: HostModel[];
}

interface FileEntry {
  text: string;
  lines?: LineIndex;
  document?: ParsedDocument;
  /** The previous version's parse, handed to the next parse to take over its unchanged statements. */
  replaced?: ParsedDocument;
  dialect?: Dialect;
  /** False when `dialect` is a guess (layout.ts): what does not parse in it is not reported. */
  dialectSure?: boolean;
  /** What a SQL file's own tokens say of its dialect (layout.ts). */
  signals?: DialectSignals;
  /** The file's schema changes as an earlier run read them (`useKnownSchema`), standing in for its document in the catalog. */
  knownSchema?: ParsedDocument;
  /** A Python file's schema from its schema-only extraction, standing in for its document in the catalog (`catalogStandIn`), with the workspace models it holds for. */
  standIn?: { models: HostModel[]; document: ParsedDocument };
  /** Schema changes of the file without positions: what the catalog depends on. */
  schemaSignature?: string;
  /** Whether the text matches MAY_HOLD_DDL (asked for every file each time the catalog's inputs are listed). */
  mayHoldDdl?: boolean;
  /**
   * Whether the text may define a model (CrossFileModels.mayDefineModels), asked once: `modelsOf` is asked for
   * every file each time the catalog's inputs are listed, and each text test cost polar's check 0.3-0.8 s.
   */
  mayDefineModels?: boolean;
  /**
   * Set by `setFile` until the new text is first read (`settle`): the schema
   * signature the workspace knew before it, undefined when that was never read.
   */
  unsettled?: { before?: string };
  /** Schema signature of each statement text, carried over from the file's previous version. */
  statementSignatures: Map<string, string>;
  /** Statement-scope rule reports, carried over from the file's previous version. */
  statementReports: StatementReportCache;
  findings?: Finding[];
  findingsCatalogVersion?: number;
  /** Host code (Python, Rust): the extraction on its own (no other file's models); cached by text. */
  base?: HostExtraction;
  /** Host code whose language's `mayDefineSchema` said no for this text (`baseExtraction`; HostExtractOptions.definesNoSchema). */
  definesNoSchema?: boolean;
  /** Host code: the extraction the document was built from (with the workspace's models). */
  host?: HostExtraction;
  /** Incremental: what the extraction found per top-level function (Python, TypeScript), carried over from the file's previous version. */
  walkCache?: WalkCache;
  /** A JavaScript or TypeScript module: the knex or Kysely migration it is (null: none). */
  script?: ScriptMigration | null;
}

/**
 * Edits `prepareForEdits` makes (each made and taken out again): one readies a
 * file's caches; the JavaScript engine compiles a function for speed only after
 * it ran a while, so the first file of the process gets a few more rounds, to
 * get the edit path there before typing starts.
 */
const PREPARE_ROUNDS = 3;

/** The catalog findings that must not read one are checked against (`syntaxFindingsSteps`). */
const EMPTY_CATALOG: Catalog = buildCatalog([]);
let editPathCompiled = false;
/** How many files `create` reads between two pauses. */
const READ_BATCH = 100;


export class Workspace {
  readonly root: string;
  private readonly entries = new Map<string, FileEntry>();
  private sets: MigrationSet[] = [];
  /** The files of the knex and Kysely sets: analysed like SQL migrations (their schema changes and migration rules). */
  private scriptMigrations = new Set<string>();
  /** The revisions of the sets of a host language's migration tool (Alembic's): they define no model. */
  private revisions = new Set<string>();
  /** What each knexfile of the workspace says of its migrations (their folders and table), read at each detection. */
  private knexfiles = new Map<string, KnexfileMigrations>();
  private layout!: Layout;
  private cachedCatalog?: Catalog;
  /** The schema changes of each SQL file `cachedCatalog` was built from, statement by statement (`catalogFollows`). */
  private catalogChanges = new Map<string, SchemaChange[][]>();
  /** Bumped by every change of a file, the layout or the schema: a catalog built in steps meanwhile is not kept. */
  private changes = 0;
  /** The key of the schema each package sees (`schemaKeyOf`), by the packages it sees. */
  private readonly packageSchemas = new Map<string, string>();
  /** `schemaKeyOf` by file (asked for each file and each finding's index), forgotten with `packageSchemas`. */
  private readonly schemaKeys = new Map<string, string>();
  /** The catalogs built for `schemaOf`, by schema key: files that see other packages but the same schema share one. */
  private readonly packageCatalogs = new Map<string, Catalog>();
  /**
   * `catalogInputs()` as `schemaOf` read them for the whole catalog it names, while no file
   * changed: each package's catalog read them again (polar: 25 times, 0.15-0.2 s of its check).
   */
  private packageInputs?: { changes: number; whole: Catalog; inputs: CatalogInput[] };
  /** `schemaPackages()` and when it was read: `changes`, `catalogVersion` and `layoutVersion` then. */
  private inputPackages?: { version: number[]; packages: Set<string> };
  /** Bumped on every catalog build, also when only positions moved: keys whole-file findings. */
  private catalogVersion = 0;
  /** Bumped when the catalog's content may have changed: cached statement reports then check their tables. */
  private schemaVersion = 0;
  /** Bumped when the migration sets or the dialect change: every cached statement report is dropped. */
  private layoutVersion = 0;
  private readonly analysisHost: AnalysisHost;
  /** `analysisHost` with every rule but syntax errors off (`syntaxFindingsSteps`). */
  private readonly syntaxOnlyHost: AnalysisHost;
  private workspaceDialect?: Dialect;
  /** SQLAlchemy models of every Python file; undefined until needed or after one changed. */
  private models?: HostModel[];
  /** Files whose last update changed the schema (their dependents are everything). */
  private readonly schemaChanged = new Set<string>();
  /** Files set but not yet read since: whether their schema changed is found out when they are (`settle`). */
  private readonly unsettled = new Set<string>();
  /** Host files `prepareForEdits` has readied. */
  private readonly prepared = new Set<string>();
  /** The default skips and `.querylens.json`'s `ignorePatterns`, compiled once. */
  private readonly ignored: (relativePath: string) => boolean;
  /** Whether a `!` pattern of `ignorePatterns` names a path: read whatever its content (skipped.ts). */
  private readonly takenBack: (relativePath: string) => boolean;
  /** Host files left unread for their content (too large, minified), with the reason. */
  private readonly skippedForContent = new Map<string, string>();
  /** Each file's rule settings: `.querylens.json`'s `rules` and the `overrides` that match it. */
  private readonly ruleSettings: (file: string) => RuleSettings;
  /** The caller's history, cut by `.querylens.json`'s `migrations.checkFrom`. */
  private shippedHistory: MigrationHistory = NOTHING_SHIPPED;
  /** The workspace's models changed: the code of languages with cross-file models (but `except`) is extracted again with the new ones. */
  private forgetModels(except?: string): void {
    this.models = undefined;
    for (const [other, e] of this.entries) {
      if (other === except || !hasCrossFileModels(other)) continue;
      e.document = undefined;
      e.host = undefined;
      e.findings = undefined;
    }
  }

  /** The Prisma schemas, read by Prisma's parser (core/prisma). */
  private readonly prisma = new PrismaSchemas();
  /** Schema changes an earlier run read (`useKnownSchema`). */
  private knownSchema?: (file: string, text: string) => SchemaChange[] | undefined;

  private constructor(private readonly options: WorkspaceOptions) {
    this.root = options.root;
    this.ruleSettings = ruleSettingsOf(options.root, options.config);
    this.ignored = ignorePatternMatcher(options.config.ignorePatterns);
    this.takenBack = takenBackMatcher(options.config.ignorePatterns);
    this.analysisHost = {
      severityFor: (ruleId, fallback, file) => this.severityFor(ruleId, fallback, file),
      textOf: (file) => this.textOf(file),
      onError: (message) => this.options.onError?.(message),
      // History is the migrations': a committed application file is edited like any other.
      isShipped: (file) => this.isShipped(file) && (migrationPositionOf(this.sets, file) !== undefined || isInMigrationsFolder(workspacePath(this.root, file))),
      isCommitted: (file) => this.isShipped(file),
      sureDialectOf: (file) => this.sureDialectOf(file),
      modelOf: (table) => this.modelOf(table),
      migrationFixes: new Map(),
      ...(options.config.server ? { server: options.config.server } : {}),
    };
    this.syntaxOnlyHost = {
      ...this.analysisHost,
      severityFor: (ruleId, fallback, file) => (ruleId === SYNTAX_RULE_ID ? this.severityFor(ruleId, fallback, file) : undefined),
    };
  }

  /** Scans the root for SQL files (respecting .gitignore, node_modules, excludes) and reads them; `listed`: the scan's files (`listFiles`), when the caller already has them. */
  static async create(options: WorkspaceOptions, listed?: string[]): Promise<Workspace> {
    const ws = new Workspace(options);
    const [files] = await Promise.all([
      listed ?? Workspace.listFiles(options),
      initParsers(),
    ]);
    // tree-sitter's grammars are loaded for host code (and knex/Kysely migrations) only, those of its languages:
    // a SQL-only workspace never compiles them, a TypeScript one neither Python's nor Rust's.
    const grammars = new Set(files.flatMap((file) => languageDataOf(file)?.grammars ?? []));
    if (grammars.size > 0) await initHostParsers([...grammars]);
    // Read synchronously, a batch at a time: a promise-based read of each file (open, stat, read, close)
    // cost polar's 3,123 files 0.5-0.7 s of CPU, these 0.1 s; a pause between batches lets an editor's requests in.
    for (let at = 0; at < files.length; at += READ_BATCH) {
      if (at > 0) await new Promise((resolve) => setImmediate(resolve));
      for (const file of files.slice(at, at + READ_BATCH)) {
        const read = readTextFileSync(file, { maxBytes: MAX_SOURCE_BYTES });
        if (read.text === undefined) options.onSkipped?.(file, read.error);
        else if (ws.skipsForContent(file, read.text)) options.onSkipped?.(file, ws.skippedForContent.get(file)!);
        else if (!ws.isOtherEngine(file, read.text)) ws.entries.set(file, newEntry(read.text));
      }
    }
    ws.detect();
    return ws;
  }

  /** An in-memory workspace over the given files (tests); `initParsers()` and `initHostParsers()` must have completed. */
  static fromFiles(options: WorkspaceOptions, files: Record<string, string>): Workspace {
    const ws = new Workspace(options);
    for (const [file, text] of Object.entries(files)) {
      const absolute = path.resolve(options.root, file);
      if (ws.leftOut(absolute) || ws.skipsForContent(absolute, text) || ws.isOtherEngine(absolute, text)) continue;
      ws.entries.set(absolute, newEntry(text));
    }
    ws.detect();
    return ws;
  }

  /** The files `create` reads (the check cache stats them first): `listed` there. */
  static listFiles(options: Pick<WorkspaceOptions, 'root' | 'config' | 'extraExcludes'>): Promise<string[]> {
    return listWorkspaceFiles(options.root, {
      include: options.config.include,
      exclude: options.config.exclude,
      extraExcludes: options.extraExcludes ?? [],
      includeTests: options.config.includeTests,
      ignorePatterns: options.config.ignorePatterns,
    });
  }

  /**
   * A SQL file of an engine QueryLens has no parser for (ClickHouse): left
   * alone, neither analysed nor read into the schema, never parsed as PostgreSQL.
   */
  private isOtherEngine(file: string, text?: string): boolean {
    return file.toLowerCase().endsWith('.sql') && otherEngineOf(path.relative(this.root, file), text) !== undefined;
  }

  /** Test code the config leaves out, or a file the default skips or its `ignorePatterns` name. */
  private leftOut(file: string): boolean {
    return isLeftOutTest(this.root, file, this.options.config.includeTests) || isIgnoredByPatterns(this.root, file, this.ignored);
  }

  /** Whether a host file is left unread for its text (skipped.ts), unless a `!` pattern of `ignorePatterns` takes it back; remembers why. */
  private skipsForContent(file: string, text: string): boolean {
    const reason = contentSkipReason(file, text);
    if (reason === undefined || this.takenBack(workspacePath(this.root, file))) return false;
    this.skippedForContent.set(file, reason);
    return true;
  }

  /**
   * Why a file under the root that is not read was skipped by default (a
   * folder such as `.yarn/`, a minified script, its size), with the way to
   * read it; undefined when it was not (excluded, ignored by the project, a test, another language).
   */
  skipReason(file: string): string | undefined {
    const rel = workspacePath(this.root, file);
    const content = this.skippedForContent.get(file);
    if (content !== undefined) return `${content}; add "!${rel}" to "ignorePatterns" in .querylens.json to read it`;
    if (this.entries.has(file) || !isIgnoredByPatterns(this.root, file, this.ignored)) return undefined;
    const rule = defaultSkipOf(rel);
    if (rule === undefined) return undefined;
    const folder = rule.endsWith('/');
    return `${folder ? `in ${rule}` : `a ${rule} file`}, skipped by default; add "!${folder ? rule : rel}" to "ignorePatterns" in .querylens.json to read it`;
  }

  /** The `.querylens.json` this workspace was built with. */
  config(): QueryLensConfig {
    return this.options.config;
  }

  /** Absolute paths of the SQL and host files the workspace analyses. */
  files(): string[] {
    return [...this.entries.keys()].filter((file) => this.analyses(file)).sort();
  }

  /** Every file the workspace read (manifests and lock files too), sorted: what its findings depend on. */
  inputFiles(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** What a Python file tells the rest of the workspace (WorkspaceOptions.known); undefined for other files. */
  factsOf(file: string): FileFacts | undefined {
    const entry = this.entries.get(file);
    if (!entry || !hasCrossFileModels(file)) return undefined;
    const known = this.options.known?.(file, entry.text);
    if (known) return known;
    const alembic = this.baseExtraction(file, entry)?.alembic;
    return { models: this.modelsOf(file, entry), ...(alembic ? { revision: { revision: alembic.revision, downRevision: alembic.downRevision } } : {}) };
  }

  /** A host file's own models, known from an earlier run or extracted. */
  /** The file and position of the TypeScript ORM model (a TypeORM entity, a Drizzle table) that declares `table`, when exactly one does. */
  private modelOf(table: string): { file: string; origin: number } | undefined {
    // Asked for every index fix: the sites are gathered once per version of the workspace (daily-api: 3 s of its fixes without).
    if (this.modelSites?.changes !== this.changes) {
      const byTable = new Map<string, { file: string; origin: number }[]>();
      for (const [file, entry] of this.entries) {
        if (!hasCrossFileModels(file) || !this.analyses(file) || this.isTooLarge(entry) || !(hostSupportOf(file)?.models?.mayDefineSchema(entry.text) ?? false)) continue;
        for (const m of this.modelsOf(file, entry)) {
          if (!m.orm) continue;
          const sites = byTable.get(tableKey(m.table));
          if (sites) sites.push({ file, origin: m.span.start });
          else byTable.set(tableKey(m.table), [{ file, origin: m.span.start }]);
        }
      }
      this.modelSites = { changes: this.changes, byTable };
    }
    const found = this.modelSites.byTable.get(tableKey(table));
    return found?.length === 1 ? found[0] : undefined;
  }

  /** `modelOf`'s sites of the ORM models by table, as of `changes`. */
  private modelSites?: { changes: number; byTable: Map<string, { file: string; origin: number }[]> };

  private modelsOf(file: string, entry: FileEntry): HostModel[] {
    const known = hasCrossFileModels(file) ? this.options.known?.(file, entry.text) : undefined;
    // A migration revision's classes are its data migration's helpers, no models (python/extract.ts): it is not parsed for them.
    if (!known && !entry.base && this.revisions.has(file)) return [];
    // Nor is a file whose text names no model (an engine's, a revision's the migrations do not list).
    if (!known && !entry.base && !(entry.mayDefineModels ??= hostSupportOf(file)?.models?.mayDefineModels?.(entry.text) ?? true)) return [];
    return known?.models ?? this.baseExtraction(file, entry)?.models ?? [];
  }

  /**
   * Whether a file's text may change other files' findings (the check cache's
   * catalog signature): every file but host code, migrations, and host code
   * that may define models, an Alembic revision, a pool or DDL. Cheap: a text
   * test, and at most the file's own schema-only extraction.
   */
  influencesOthers(file: string): boolean {
    const entry = this.entries.get(file);
    if (!entry) return false;
    if (!hostLanguageOf(file) || migrationPositionOf(this.sets, file) !== undefined || this.mayWriteSchema(file)) return true;
    const base = this.baseExtraction(file, entry);
    return base?.alembic !== undefined || (base?.pools?.length ?? 0) > 0;
  }

  textOf(file: string): string | undefined {
    return this.entries.get(file)?.text;
  }

  /** Adds or replaces a file's text (an open editor's buffer wins over the disk). */
  setFile(file: string, text: string): void {
    const previous = this.entries.get(file);
    if (previous && previous.text === text) return;
    if (this.isOtherEngine(file, text)) return this.deleteFile(file); // now another engine's SQL: left alone
    this.changes++; // its documents' statements may move (see catalogSteps)
    const entry = newEntry(text, previous);
    this.entries.set(file, entry);
    if (!previous || (isScriptFile(file) && scriptKind(this.scriptMigrationOf(file, previous)) !== scriptKind(this.scriptMigrationOf(file, entry)))) this.detect();
    else if ((isKnexfile(file) || (hostLanguageOf(file) === 'typescript' && (MAY_CALL_MIGRATOR.test(text) || MAY_CALL_MIGRATOR.test(previous.text)))) && JSON.stringify(this.knexfileSettings(file, previous.text) ?? null) !== JSON.stringify(this.knexfileSettings(file, text) ?? null)) this.detect();
    if (previous?.dialect !== undefined && previous.dialect !== this.dialectOf(file)) {
      // Typing changed the inferred dialect: statements parse (and are checked) differently.
      entry.statementSignatures = new Map();
      entry.statementReports = new StatementReportCache();
    }
    if (file.endsWith('migration_lock.toml')) this.invalidateSchema(file);
    if (isPrismaSchema(file)) this.prismaFileChanged(file);
    if (isManifest(file) && previous) {
      this.detect(); // dependencies or the named database may have changed
      this.invalidateSchema(file);
    }
    if (!this.analyses(file)) return;
    if (previous && hasCrossFileModels(file)) this.modelFileChanged(file, previous, entry);
    // The new text is parsed when first read (by `analyzeSteps`, in steps): a
    // large file's parse then never holds up the caller, and the schema
    // signatures are compared once it is parsed.
    entry.unsettled = { before: previous ? this.knownSignature(file, previous) : '' };
    this.unsettled.add(file);
  }

  /** The schema signature the workspace has read of this version of a file; undefined when it never read it. */
  private knownSignature(file: string, entry: FileEntry): string | undefined {
    if (entry.unsettled) return entry.unsettled.before;
    if (entry.schemaSignature !== undefined || entry.document || this.standInOf(entry)) return this.signatureOf(file, entry);
    return undefined; // never parsed since it was read or its dialect changed: no catalog was built from it
  }

  /**
   * `settle` in steps: the files set since they were last read are parsed in
   * steps first (the catalog every file is checked against depends on them).
   */
  private *settleSteps(): Steps<void> {
    for (;;) {
      const waiting = [...this.unsettled].find((file) => this.entries.get(file)?.document === undefined && this.entries.has(file));
      if (waiting === undefined) break;
      yield* this.parseSteps(waiting, this.entries.get(waiting)!);
    }
    this.settle();
  }

  /** Compares the schema of every file set since it was last read with the one before it (see `setFile`). */
  private settle(): void {
    for (const file of this.unsettled) {
      this.unsettled.delete(file);
      const entry = this.entries.get(file);
      if (!entry?.unsettled) continue;
      const { before } = entry.unsettled;
      entry.unsettled = undefined;
      const after = this.signatureOf(file, entry);
      if (before === undefined ? after !== '' : before !== after) this.invalidateSchema(file);
      else {
        this.schemaChanged.delete(file);
        // Same schema, but its DDL may have moved: the catalog's positions (which
        // fixes and schema findings point at) must follow the text.
        if (after !== '' && !this.catalogFollows(file, entry)) this.dropCatalog();
      }
    }
  }

  /**
   * Whether the catalog stays after an edit of a SQL file that left its schema as it was: when
   * its schema statements are the very ones the catalog was built from (the edit was elsewhere,
   * or in a statement without schema changes), which the parse moved in place, the catalog's
   * origins with them. It then stays as a new catalog over the same tables (`sameTables`),
   * counted as a new build; typing in a 5,000-line file of queries and DDL no longer rebuilds it
   * at each keystroke. An edit in one of those statements rebuilds it.
   */
  private catalogFollows(file: string, entry: FileEntry): boolean {
    const before = this.catalogChanges.get(file);
    if (!this.cachedCatalog || !before || !entry.document || !followsEdits(file)) return false;
    const after = schemaStatementsOf(entry.document);
    if (after.length !== before.length || after.some((changes, at) => changes !== before[at])) return false;
    this.catalogChanges.set(file, after);
    this.cachedCatalog = sameTables(this.cachedCatalog);
    this.packageCatalogs.clear();
    this.packageSchemas.clear();
    this.schemaKeys.clear();
    this.catalogVersion++;
    return true;
  }

  /**
   * A Python file's models feed every other Python file's queries, and its
   * Alembic revision ids the migration order: when either changed, those are
   * extracted (and the migrations detected) again.
   */
  private modelFileChanged(file: string, previous: FileEntry, entry: FileEntry): void {
    const before = previous.base ?? this.baseExtraction(file, previous);
    const after = this.baseExtraction(file, entry);
    if (withoutPositions(before?.models) !== withoutPositions(after?.models)) this.forgetModels(file);
    const revision = (x?: HostExtraction) => JSON.stringify([x?.alembic?.revision, x?.alembic?.downRevision]);
    if (revision(before) !== revision(after)) this.detect();
  }

  /**
   * Readies an open host file for typing, ahead of its first keystroke (the
   * language server calls it when it first publishes the file). A first edit
   * pays for what only edits use: the reuse map of the file's syntax tree,
   * moving the walk findings and statement reports of the code after the edit,
   * and the JavaScript engine compiling that code on first use — several times
   * an edit's usual cost on a large file. So an edit is made here (a few
   * rounds): a blank line before a top-level statement in the middle of the
   * file, taken out again, both versions analysed. The file ends as it was,
   * its findings too.
   * Only for files without schema changes (an edit there rebuilds the
   * catalog), once per file, and only when kept results are (`incremental`).
   */
  prepareForEdits(file: string): void {
    const entry = this.entries.get(file);
    if (!entry || !this.options.incremental || !hostLanguageOf(file) || this.prepared.has(file) || this.isTooLarge(entry)) return;
    this.prepared.add(file);
    this.settle();
    if (this.signatureOf(file, entry) !== '') return;
    const { text } = entry;
    const statementStart = /\n(?=[A-Za-z_@#])/g;
    statementStart.lastIndex = text.length >> 1;
    const at = statementStart.exec(text)?.index;
    if (at === undefined) return;
    const schemaChanged = this.schemaChanged.has(file);
    const edited = text.slice(0, at + 1) + '\n' + text.slice(at + 1);
    try {
      const rounds = editPathCompiled ? 1 : PREPARE_ROUNDS;
      editPathCompiled = true;
      for (let round = 0; round < rounds; round++) {
        this.setFile(file, edited);
        this.analyze(file);
        this.setFile(file, text);
        this.analyze(file);
      }
    } finally {
      this.setFile(file, text);
      if (schemaChanged) this.schemaChanged.add(file);
    }
  }

  /** Forgets a file (deleted, or excluded). */
  deleteFile(file: string): void {
    const previous = this.entries.get(file);
    if (!previous) return;
    const hadSchema = this.analyses(file) && this.knownSignature(file, previous) !== '';
    this.changes++;
    this.entries.delete(file);
    this.prepared.delete(file);
    if (hasCrossFileModels(file)) this.models = undefined;
    if (isPrismaSchema(file)) this.prismaFileChanged(file);
    this.detect();
    if (hadSchema) this.invalidateSchema(file);
  }

  /**
   * A Prisma schema is read whole: when one of its files changes, the others'
   * models and errors may too (a relation to a model now gone), so they are
   * read again and the catalog rebuilt. A lone schema.prisma is compared by
   * its schema signature like any file (`settle`).
   */
  private prismaFileChanged(file: string): void {
    // Code reading Prisma's models (Prisma Client's queries) is extracted again with the new ones.
    this.forgetModels();
    let others = false;
    for (const [other, entry] of this.entries) {
      if (other === file || !isPrismaSchema(other)) continue;
      others = true;
      entry.document = undefined;
      entry.schemaSignature = undefined;
      entry.findings = undefined;
    }
    if (others) this.invalidateSchema(file);
  }

  /** Every Prisma schema file of the workspace: a schema is read with all its files. */
  private prismaFiles(): PrismaFile[] {
    return [...this.entries].filter(([file]) => isPrismaSchema(file)).map(([file, entry]) => ({ file, text: entry.text }));
  }

  private prismaSchemaOf(file: string) {
    return this.prisma.of(file, this.prismaFiles(), this.options.config.dialect ?? this.workspaceDialect ?? 'postgres');
  }

  /**
   * Whether `file` belongs to this workspace: a known file, or a new one (a
   * migration a fix just wrote, a file opened in the editor) that the scan
   * would have listed. Nested .gitignore files are only read by the scan.
   */
  includes(file: string): boolean {
    if (this.entries.has(file)) return true;
    const rel = path.relative(this.root, file);
    if (rel.startsWith('..') || path.isAbsolute(rel) || !isWorkspaceFileKind(file, workspacePath(this.root, file))) return false;
    if (this.leftOut(file) || this.skippedForContent.has(file) || this.isOtherEngine(file)) return false;
    const { include, exclude } = this.options.config;
    if (isExcluded(this.root, file, [...exclude, ...(this.options.extraExcludes ?? [])])) return false;
    return include.length === 0 || !isAnalysedFile(file) || isOrmSchemaFile(file) || isExcluded(this.root, file, include);
  }

  /**
   * Files whose findings may change after `file`'s last update: just `file`
   * for a query file, every file when the update changed the schema.
   */
  affectedBy(file: string): string[] {
    this.settle();
    if (this.schemaChanged.has(file)) return this.files();
    return this.entries.has(file) && this.analyses(file) ? [file] : [];
  }

  /**
   * The analysed files, other than `changed`, whose findings depend on those
   * files (`check --changed`): the files whose statements read or write a
   * table that a changed file's schema changes touch (a migration, a DDL file,
   * an ORM model; an index dropped by name, its table; `deleted` files' last
   * versions too), and every analysed file in the folder of a changed manifest
   * or Prisma file. Files are read by a cheap text test first (a table's or
   * its model class's name must appear), and only those are parsed.
   */
  dependentsOf(changed: readonly string[], deleted: readonly { file: string; text: string }[] = []): string[] {
    const own = new Set(changed);
    const tables = new Set<string>();
    const folders: string[] = [];
    let indexes: Map<string, string> | undefined;
    const tableOfIndex = (name: string) => (indexes ??= indexTables(this.catalogInputs().map((input) => input.document))).get(tableKey(name));
    for (const file of changed) {
      const entry = this.entries.get(file);
      if (!entry) continue;
      if (!this.analyses(file)) folders.push(path.dirname(file) + path.sep);
      else if (this.signatureOf(file, entry) !== '') for (const table of tablesWrittenBy(this.parse(file, entry), tableOfIndex)) tables.add(table);
    }
    // A deleted model's class no longer resolves, so code naming it is found by the name alone.
    const goneClasses: RegExp[] = [];
    for (const { file, text } of deleted) {
      const { document, classes } = this.schemaOfText(file, text);
      for (const table of tablesWrittenBy(document, tableOfIndex)) tables.add(table);
      goneClasses.push(...classes.filter((name) => /^\w+$/.test(name)).map((name) => new RegExp(`\\b${name}\\b`)));
    }
    const names = [...tables, ...(tables.size > 0 ? this.workspaceModels() : []).filter((m) => tables.has(tableKey(m.table))).map((m) => m.className.toLowerCase())];
    return this.files().filter((file) => {
      if (own.has(file)) return false;
      if (folders.some((folder) => file.startsWith(folder))) return true;
      const entry = this.entries.get(file)!;
      if (goneClasses.some((name) => name.test(entry.text))) return true;
      if (names.length === 0 || this.isTooLarge(entry)) return false;
      const lower = entry.text.toLowerCase();
      return names.some((name) => lower.includes(name)) && touchesTables(this.parse(file, entry), tables);
    });
  }

  /** The statements of a text no longer in the workspace (a deleted file's last version), read for its schema changes only, and its model classes. */
  private schemaOfText(file: string, text: string): { document: ParsedDocument; classes: string[] } {
    const dialect = this.dialectOf(file);
    if (!hostLanguageOf(file)) return { document: parseDocument(text, dialect, undefined, { syntaxOracle: this.options.syntaxOracle }), classes: [] };
    const extraction = extractHost(file, text, { dialect: this.options.config.dialect, schemaOnly: true, includeTests: this.options.config.includeTests });
    if (!extraction) return { document: { dialect, statements: [], errors: [], metaCommands: [] }, classes: [] };
    return { document: hostDocument(text, extraction, dialect), classes: extraction.models.map((m) => m.className) };
  }

  /** The current schema catalog, built from migrations (in order) then other DDL files. */
  catalog(): Catalog {
    this.settle();
    return runSteps(this.catalogSteps())!;
  }

  /**
   * The catalog, built in steps when it is not known (the files settled).
   * Undefined when a file or the schema changed meanwhile: it is not kept.
   */
  private *catalogSteps(): Steps<Catalog | undefined> {
    if (this.cachedCatalog) return this.cachedCatalog;
    yield* this.readCatalogInputsSteps();
    if (this.cachedCatalog) return this.cachedCatalog;
    const before = this.changes;
    const inputs = this.catalogInputs();
    const built = yield* buildCatalogSteps(inputs);
    if (this.cachedCatalog) return this.cachedCatalog; // built meanwhile by a caller that could not wait
    if (this.changes !== before) return undefined;
    this.packageCatalogs.clear();
    this.packageSchemas.clear();
    this.schemaKeys.clear();
    this.catalogChanges = new Map(inputs.filter(({ file }) => followsEdits(file)).map(({ file, document }) => [file, schemaStatementsOf(document)]));
    this.cachedCatalog = built;
    this.catalogVersion++;
    return built;
  }

  private dropCatalog(): void {
    this.cachedCatalog = undefined;
    this.changes++;
  }

  /**
   * The catalog code in `file` is checked against: the schema of its package,
   * the packages it depends on and those it sits in. The whole workspace's
   * when those hold no table at all (a package that names its schema's
   * package in no way QueryLens reads).
   */
  catalogFor(file: string): Catalog {
    return this.schemaOf(file).catalog;
  }

  /**
   * The schema `file` sees, as one key, without building the catalog: '' for the whole workspace's, else the
   * packages among those it sees that hold the schema's files (its models, migrations and SQL). Two files that
   * see other packages but the same schema's files (a monorepo's apps over one shared schema package) have one
   * key: one schema, one catalog. `schemaOf(file).key` is the same, or '' when that catalog is whole after all.
   */
  schemaKeyOf(file: string): string {
    const known = this.schemaKeys.get(file);
    if (known !== undefined) return known;
    const visible = this.layout.visiblePackages(file);
    const seenKey = visible.join('\n');
    let key = this.packageSchemas.get(seenKey);
    if (key === undefined) {
      const all = this.schemaPackages();
      const packages = visible.filter((pkg) => all.has(pkg));
      // Seeing every package that holds schema files, or none: the whole workspace's catalog (see schemaOf).
      key = packages.length === all.size || packages.length === 0 ? '' : packages.sort().join('\n');
      this.packageSchemas.set(seenKey, key);
    }
    this.schemaKeys.set(file, key);
    return key;
  }

  /**
   * The packages holding the catalog's input files (`catalogInputs`), for `schemaKeyOf`: read again
   * only when a file, the catalog or the layout changed. Each package set seen asked for them
   * (documenso: 16 times, each a walk of its 2,115 files: 60 MB of garbage, 55 ms of a profiled check).
   */
  private schemaPackages(): Set<string> {
    const version = [this.changes, this.catalogVersion, this.layoutVersion];
    if (!this.inputPackages || this.inputPackages.version.some((n, at) => n !== version[at])) {
      this.inputPackages = { version, packages: new Set(this.catalogInputs().map((input) => this.layout.packages.packageOf(input.file))) };
    }
    return this.inputPackages.packages;
  }

  /**
   * The catalog of `file` (see catalogFor), or the whole workspace's without
   * a file, with a key naming it (`schemaKeyOf`): '' for the whole workspace's,
   * else the packages holding its files (a shadow database is built once per key).
   */
  schemaOf(file?: string): { catalog: Catalog; key: string } {
    const whole = this.catalog();
    if (file === undefined) return { catalog: whole, key: '' };
    const key = this.schemaKeyOf(file);
    if (key === '') return { catalog: whole, key: '' };
    let catalog = this.packageCatalogs.get(key);
    if (!catalog) {
      const seen = new Set(key.split('\n'));
      if (this.packageInputs?.changes !== this.changes || this.packageInputs.whole !== whole) this.packageInputs = { changes: this.changes, whole, inputs: this.catalogInputs() };
      const { inputs } = this.packageInputs;
      const own = inputs.filter((input) => seen.has(this.layout.packages.packageOf(input.file)));
      own.push(...this.migrationsOfModels(own, inputs));
      catalog = own.length === inputs.length ? whole : buildCatalog(own);
      if (catalog.tables.size === 0) catalog = whole;
      this.packageCatalogs.set(key, catalog);
    }
    // Whole after all (its models' migrations hold every table, or it holds none): '' as for the whole workspace.
    return { catalog, key: catalog === whole ? '' : key };
  }

  migrationSets(): MigrationSet[] {
    return this.sets;
  }

  /**
   * The sets a file's schema comes from: its packages' (layout.ts), and the sets of other
   * packages whose migrations its catalog holds (`migrationsOfModels`): where its index fixes go.
   */
  private setsSeenBy(file: string, catalog: Catalog): MigrationSet[] {
    const own = this.layout.setsFor(file);
    if (own.length === this.sets.length) return own;
    let origins = this.catalogOrigins.get(catalog);
    if (!origins) this.catalogOrigins.set(catalog, (origins = new Set([...catalog.tables.values()].map((t) => t.origin.file))));
    const seen = origins;
    return this.sets.filter((set) => own.includes(set) || set.migrations.some((m) => seen.has(m.upFile)));
  }

  /** The files the tables of each catalog come from (per built catalog, for `setsSeenBy`). */
  private readonly catalogOrigins = new WeakMap<Catalog, Set<string>>();

  /**
   * The migrations, in other packages, of the sets that create the tables of
   * the ORM models among `own`: a monorepo's app may migrate its library's
   * Drizzle or Prisma schema (migrations win over models, wherever they are).
   */
  private migrationsOfModels(own: CatalogInput[], inputs: CatalogInput[]): CatalogInput[] {
    const modelTables = new Set<string>();
    for (const input of own) {
      if (!hostLanguageOf(input.file) || migrationPositionOf(this.sets, input.file)) continue;
      for (const statement of input.document.statements) for (const change of statement.changes) if (change.kind === 'createTable') modelTables.add(tableKey(change.table));
    }
    if (modelTables.size === 0) return [];
    const mine = new Set(own.map((input) => input.file));
    const wanted = new Set<MigrationSet>();
    for (const input of inputs) {
      const position = mine.has(input.file) ? undefined : migrationPositionOf(this.sets, input.file);
      if (!position || wanted.has(position.set)) continue;
      if (input.document.statements.some((st) => st.changes.some((c) => c.kind === 'createTable' && modelTables.has(tableKey(c.table))))) wanted.add(position.set);
    }
    return inputs.filter((input) => !mine.has(input.file) && wanted.has(migrationPositionOf(this.sets, input.file)?.set as MigrationSet));
  }

  /** Whether a file is committed and unchanged, or recorded as applied (see migrations/history.ts): a migration so is shipped. */
  isShipped(file: string): boolean {
    return this.shippedHistory.isShipped(file);
  }

  /** New facts about what has shipped (a commit, a checkout, a connected database): findings are worked out again. */
  setHistory(history: MigrationHistory): void {
    this.options.history = history;
    this.detect();
  }

  /** The file's dialect when configuration, its package or its set says it; undefined when only guessed. */
  sureDialectOf(file: string): Dialect | undefined {
    const entry = this.entries.get(file);
    if (!entry) return this.options.config.dialect;
    const dialect = this.entryDialect(file, entry);
    return entry.dialectSure ? dialect : undefined;
  }

  dialectOf(file: string): Dialect {
    const entry = this.entries.get(file);
    if (!entry) return this.options.config.dialect ?? this.workspaceDialect ?? 'postgres';
    return this.entryDialect(file, entry);
  }

  /** The dialect of one version of a file (a previous version may have been inferred differently). */
  private entryDialect(file: string, entry: FileEntry): Dialect {
    if (entry.dialect) return entry.dialect;
    const host = hostLanguageOf(file) !== undefined;
    // Host code: the SQL it sends says which database (engine URL, pool type), else its package's.
    const queries = host ? ((entry.host ?? this.baseExtraction(file, entry))?.queries ?? []) : [];
    // A dialect read from the SQL's text only (`?` parameters) gives way to a workspace on MySQL, whose SQL has them too.
    const told = queries.find((q) => q.sql?.dialect && !(q.sql.dialectGuessed && this.workspaceDialect === 'mysql'))?.sql?.dialect;
    const { dialect, sure } = this.layout.dialectOf(file, host, told);
    entry.dialectSure = sure;
    return (entry.dialect = dialect);
  }

  /**
   * The parsed statements of a file (cached by text). Valid until the file's
   * next `setFile`: the next parse takes its unchanged statements over.
   */
  document(file: string): ParsedDocument | undefined {
    const entry = this.entries.get(file);
    if (!entry || !this.analyses(file)) return undefined;
    return this.parse(file, entry);
  }

  /** Whether `file` is over the `maxFileChars` limit (see WorkspaceOptions). */
  tooLarge(file: string): boolean {
    const entry = this.entries.get(file);
    return entry !== undefined && this.isTooLarge(entry);
  }

  private isTooLarge(entry: FileEntry): boolean {
    return this.options.maxFileChars !== undefined && entry.text.length > this.options.maxFileChars;
  }

  private parse(file: string, entry: FileEntry): ParsedDocument {
    return runSteps(this.parseSteps(file, entry))!;
  }

  /**
   * `parse` in steps: a SQL file one statement per step (host code in one).
   * Undefined when the file got another text meanwhile: this version is no
   * longer wanted. Stopped half-way, the statements it took over from the
   * previous version stay for the next parse.
   */
  private *parseSteps(file: string, entry: FileEntry): Steps<ParsedDocument | undefined> {
    if (!entry.document && this.isTooLarge(entry)) entry.document = { dialect: this.entryDialect(file, entry), statements: [], errors: [], metaCommands: [] };
    if (!entry.document && isPrismaSchema(file)) entry.document = this.prismaSchemaOf(file)?.document ?? { dialect: this.entryDialect(file, entry), statements: [], errors: [], metaCommands: [] };
    // A knex or Kysely migration: its schema changes, beside its queries when its language is analysed as host code.
    const script = entry.document ? undefined : this.scriptMigrationOf(file, entry);
    if (!entry.document && hostLanguageOf(file)) {
      entry.host = this.hostExtraction(file, entry);
      entry.document = hostDocument(entry.text, entry.host, this.entryDialect(file, entry), script?.changes);
    } else if (script) entry.document = schemaDocument(entry.text, script.changes, this.entryDialect(file, entry));
    if (entry.document) return entry.document;
    // An older version (its schema compared with the new one's) is parsed to the end.
    const wasCurrent = this.entries.get(file) === entry;
    const replaced = () => wasCurrent && this.entries.get(file) !== entry;
    const dialect = this.entryDialect(file, entry);
    const steps = parseDocumentSteps(entry.text, dialect, this.options.incremental ? { previous: entry.replaced } : undefined, {
      dialectGuessed: !entry.dialectSure,
      syntaxOracle: this.options.syntaxOracle,
    });
    for (;;) {
      const step = steps.next();
      if (step.done) {
        entry.document = step.value;
        entry.replaced = undefined; // its statements now belong to entry.document
        return entry.document;
      }
      yield;
      if (!replaced() && !entry.document && entry.dialect === dialect) continue;
      // Replaced, parsed meanwhile (a caller that could not wait), or to be read in another dialect.
      steps.return(undefined as never);
      if (replaced()) return undefined;
      return yield* this.parseSteps(file, entry);
    }
  }

  /**
   * A host file's extraction on its own: for Python only its models and Alembic
   * revision (what the catalog, the other files and the migration order need),
   * for Rust everything.
   */
  private baseExtraction(file: string, entry: FileEntry): HostExtraction | undefined {
    const support = entry.base ? undefined : hostSupportOf(file);
    if (support?.models && !support.models.mayDefineSchema(entry.text)) {
      // No class, no revision, no engine: no model, no Alembic revision, no pool, nothing to parse for the schema.
      entry.base = { language: support.id, queries: [], writes: [], accesses: [], models: [], errors: [] };
      entry.definesNoSchema = true;
    }
    if (!entry.base && hostLanguageOf(file) && !this.isTooLarge(entry)) {
      // Without cross-file models this is the whole extraction (TypeScript, Rust): typing reads only the function typed in.
      const walkCache = this.options.incremental && !hasCrossFileModels(file) ? (entry.walkCache ??= new WalkCache()) : undefined;
      entry.base = extractHost(file, entry.text, { dialect: this.options.config.dialect, schemaOnly: true, includeTests: this.options.config.includeTests, ...(walkCache ? { walkCache } : {}) });
    }
    return entry.base;
  }

  /**
   * The extraction a host file's document is built from: Python queries on
   * classes of other files need those files' models, so Python queries are
   * extracted with every model of the workspace.
   */
  private hostExtraction(file: string, entry: FileEntry): HostExtraction {
    const base = this.baseExtraction(file, entry)!;
    if (!hasCrossFileModels(file)) return base;
    const models = this.workspaceModels();
    if (this.options.incremental) entry.walkCache ??= new WalkCache();
    const extraction = extractHost(file, entry.text, { dialect: this.options.config.dialect, models, walkCache: entry.walkCache, ...(entry.definesNoSchema ? { definesNoSchema: true } : {}) }) ?? base;
    return { ...extraction, workspaceModels: models };
  }

  /** `workspaceModels` in steps, one Python file per step; started over when a file changed meanwhile. */
  private *workspaceModelsSteps(): Steps<HostModel[]> {
    while (!this.models) {
      const before = this.changes;
      const models: HostModel[] = [];
      for (const [file, entry] of [...this.entries]) {
        if (isPrismaSchema(file)) {
          // schema.prisma's models, for Prisma Client's queries in TypeScript (their table and column names).
          if (this.analyses(file) && !this.isTooLarge(entry)) models.push(...(this.prismaSchemaOf(file)?.models ?? []));
          continue;
        }
        if (!hasCrossFileModels(file)) continue;
        const had = entry.base !== undefined;
        models.push(...this.modelsOf(file, entry));
        if (!had) yield;
      }
      if (!this.models && this.changes === before) this.models = workspaceModelsOf(models);
    }
    return this.models;
  }

  /**
   * Reads, one file per step (a SQL file one statement per step), what
   * `catalogInputs` reads at once: the Python models, then every file that
   * may change the schema. What is read is kept, so `catalogInputs` then
   * finds it all parsed. `standIns`: the files are read for the catalog alone (indexing), a Python file
   * from its schema-only extraction when that says all (`catalogStandIn`), its document made when it
   * is analysed. Without, for a caller that analyses each file next (check), the document is made at
   * once (its parse takes the schema-only one's tree over: treesitter.ts `keepTreesForReuse`): a
   * stand-in would save that caller no parse.
   */
  private *readCatalogInputsSteps(progress?: (read: number, total: number) => void, standIns = false): Steps<void> {
    yield* this.workspaceModelsSteps();
    const order = this.migrationOrder();
    const files = this.files().filter((file) => this.mayBeCatalogInput(file, order));
    let read = 0;
    for (const file of files) {
      const entry = this.entries.get(file);
      if (entry && !entry.document && this.analyses(file) && !this.knownSchemaOf(file, entry) && !this.standInOf(entry)) {
        const parsed = entry.base !== undefined;
        if (standIns && this.catalogStandIn(file, entry)) {
          if (!parsed) yield; // an Alembic revision, which the models pass does not parse
        } else yield* this.parseSteps(file, entry);
      }
      progress?.(++read, files.length);
    }
  }

  /** Whether the catalog reads `file`: a migration, a SQL file, or code of a language with cross-file models that may hold models or DDL (`catalogInputs` keeps those with schema changes). */
  private mayBeCatalogInput(file: string, order = this.migrationOrder()): boolean {
    return order.has(file) || (hasCrossFileModels(file) ? this.mayWriteSchema(file) : !hostLanguageOf(file));
  }

  /**
   * Takes the schema changes an earlier run read of files whose text has not
   * changed (the check cache, while the catalog's signature is the same): the
   * catalog is then built without parsing or extracting those files again.
   */
  useKnownSchema(changesOf: (file: string, text: string) => SchemaChange[] | undefined): void {
    this.knownSchema = changesOf;
  }

  /**
   * Whether the schema an earlier run read is taken (`useKnownSchema`): the
   * catalog is then built without parsing the files it read, its findings
   * already those of the whole workspace (an editor need not wait for indexing).
   */
  knowsSchema(): boolean {
    return this.knownSchema !== undefined;
  }

  /**
   * The schema changes of `file` in its statements' order, for an earlier
   * run's `useKnownSchema`: when the catalog reads the file and its document
   * (or its known schema) is at hand; undefined otherwise, nothing is parsed.
   */
  schemaChangesOf(file: string): SchemaChange[] | undefined {
    const entry = this.entries.get(file);
    if (!entry || !this.analyses(file) || this.isTooLarge(entry)) return undefined;
    const document = entry.document ?? entry.knownSchema ?? this.standInOf(entry);
    if (!document || !this.mayBeCatalogInput(file)) return undefined;
    return document.statements.flatMap((statement) => statement.changes);
  }

  /**
   * Whether an edited file (no migration) says what it said of the schema
   * before: its schema changes (positions aside), and a SQL file its dialect
   * signals, code with cross-file models (Python) its models and Alembic revision, are `before`'s.
   * Then the other files' schema, read by an earlier run, still holds
   * (`useKnownSchema`): an edited query file re-reads none of them.
   */
  saysTheSameOfSchema(file: string, before: { schema?: SchemaChange[]; signals?: DialectSignals; facts?: FileFacts }): boolean {
    const entry = this.entries.get(file);
    if (!entry || !this.analyses(file) || migrationPositionOf(this.sets, file) !== undefined || this.isTooLarge(entry)) return false;
    const host = hostLanguageOf(file);
    if (host && hasCrossFileModels(file)) {
      const facts = this.factsOf(file);
      if (!facts || withoutPositions(facts.models) !== withoutPositions(before.facts?.models ?? []) || withoutPositions(facts.revision) !== withoutPositions(before.facts?.revision)) return false;
    } else if (host) return false;
    else {
      const signals = this.signalsOf(file);
      if (signals?.own !== before.signals?.own || (signals?.mixed ?? false) !== (before.signals?.mixed ?? false)) return false;
    }
    // Not read for the schema, now as before (code that sends queries only).
    if (!this.mayBeCatalogInput(file)) return before.schema === undefined;
    const document = before.schema && this.document(file);
    return document !== undefined && withoutPositions(document.statements.flatMap((statement) => statement.changes)) === withoutPositions(before.schema);
  }

  /** What a SQL file's own tokens say of its dialect (layout.ts); undefined for host code. */
  dialectSignalsOf(file: string): DialectSignals | undefined {
    return hostLanguageOf(file) || !this.entries.has(file) ? undefined : this.signalsOf(file);
  }

  /** The stand-in document of a file whose schema changes an earlier run read (`useKnownSchema`), if any. */
  private knownSchemaOf(file: string, entry: FileEntry): ParsedDocument | undefined {
    if (entry.knownSchema || !this.knownSchema || this.isTooLarge(entry)) return entry.knownSchema;
    const changes = this.knownSchema(file, entry.text);
    if (!changes) return undefined;
    const statements = changes.length > 0 ? [{ kind: 'other' as const, span: { start: 0, end: 0 }, text: '', changes, inTransaction: false }] : [];
    entry.knownSchema = { dialect: entry.dialect ?? 'postgres', statements, errors: [], metaCommands: [] };
    return entry.knownSchema;
  }

  /** What the catalog reads of a file: its document, or its known schema changes. */
  private catalogDocument(file: string): ParsedDocument | undefined {
    const entry = this.entries.get(file);
    if (!entry || !this.analyses(file)) return undefined;
    return entry.document ?? this.knownSchemaOf(file, entry) ?? this.standInOf(entry) ?? this.document(file);
  }

  /**
   * What the catalog reads of a Python file not analysed yet, built from its schema-only extraction
   * (the models pass's) when that holds every schema change its whole extraction would: its models
   * (those with a table), when the workspace models none of the classes they looked up outside the
   * file (a `ForeignKey(Other.id)`, a base's table naming then resolve in neither), or its Alembic
   * changes. Undefined, the file extracted in full, when its SQL strings may hold DDL, its code names
   * a dialect (its SQL strings' then, the file's: `entryDialect`), or the workspace models a class its
   * models looked up. The file's document, the same schema changes, is built when it is analysed.
   */
  private catalogStandIn(file: string, entry: FileEntry): ParsedDocument | undefined {
    if (!hasCrossFileModels(file) || this.isTooLarge(entry)) return undefined;
    const base = this.baseExtraction(file, entry);
    const told = base?.schemaOnly;
    if (!told || told.namesDialect || this.scriptMigrationOf(file, entry)) return undefined;
    const models = this.workspaceModels();
    if (entry.standIn?.models === models) return entry.standIn.document;
    // A revision's models are none and its SQL strings' DDL is among its Alembic changes (hostDocument): those hold whatever it looked up.
    if (!base.alembic) {
      if ((entry.mayHoldDdl ??= MAY_HOLD_DDL.test(entry.text)) || MAY_RENAME_TABLE.test(entry.text)) return undefined;
      const modelled = classNamesOf(models);
      if (told.lookedUp.some((name) => modelled.has(name))) return undefined;
    }
    // The whole extraction keeps the models with a table only (python/extract.ts).
    const document = hostDocument(entry.text, { ...base, models: base.models.filter((m) => m.table !== '') }, this.entryDialect(file, entry));
    entry.standIn = { models, document };
    return document;
  }

  /** The stand-in the catalog read of a file (`catalogStandIn`), while the workspace's models are those it holds for. */
  private standInOf(entry: FileEntry): ParsedDocument | undefined {
    return entry.standIn && entry.standIn.models === this.models ? entry.standIn.document : undefined;
  }

  /** Every SQLAlchemy model of the workspace (cached until a Python file's models change). */
  private workspaceModels(): HostModel[] {
    return runSteps(this.workspaceModelsSteps());
  }

  /** The connection pools the workspace's code configures (host/pools.ts), in file order. */
  pools(): { file: string; pool: HostPool; lines: LineIndex }[] {
    const out: { file: string; pool: HostPool; lines: LineIndex }[] = [];
    for (const file of this.files()) {
      const entry = this.entries.get(file)!;
      const pools = hostLanguageOf(file) ? this.baseExtraction(file, entry)?.pools : undefined;
      if (pools?.length) for (const pool of pools) out.push({ file, pool, lines: (entry.lines ??= new LineIndex(entry.text)) });
    }
    return out;
  }

  /** All findings of one file (syntax errors included), severities and suppressions applied. */
  analyze(file: string, options?: AnalyzeOptions): Finding[] {
    return runSteps(this.analyzeSteps(file, options)) ?? [];
  }

  /**
   * `analyze` in steps (core/steps.ts), for a caller that must stay
   * responsive: it pauses between steps, and may stop when the result is no
   * longer wanted. Undefined when `file` got another text meanwhile; what the
   * steps computed so far (parsed statements, rule reports) serves the next
   * analysis. Changes to the schema meanwhile start the analysis over.
   */
  analyzeSteps(file: string, options?: AnalyzeOptions): Steps<Finding[] | undefined> {
    return options?.readOnce ? treesNotKept(this.fileAnalysisSteps(file)) : this.fileAnalysisSteps(file);
  }

  /**
   * Reads `file` as its analysis starts (the workspace's models for code that uses them, then the file's
   * document), without its findings: nothing of it asks the history (`isShipped`), so a caller can read
   * the files while the history is still being found out (the CLI, while git answers).
   */
  readAhead(file: string): void {
    const entry = this.entries.get(file);
    if (entry && this.analyses(file)) runSteps(this.documentSteps(file, entry));
  }

  private *documentSteps(file: string, entry: FileEntry): Steps<ParsedDocument | undefined> {
    if (!entry.document && hasCrossFileModels(file)) yield* this.workspaceModelsSteps();
    return yield* this.parseSteps(file, entry);
  }

  private *fileAnalysisSteps(file: string): Steps<Finding[] | undefined> {
    const entry = this.entries.get(file);
    if (!entry || !this.analyses(file)) return [];
    const document = yield* this.documentSteps(file, entry);
    if (!document || this.entries.get(file) !== entry) return undefined;
    if (this.isTooLarge(entry)) return [];
    yield* this.settleSteps();
    if (this.entries.get(file) !== entry) return undefined;
    if (!(yield* this.catalogSteps())) return yield* this.fileAnalysisSteps(file); // something changed meanwhile
    if (this.entries.get(file) !== entry) return undefined;
    const catalog = this.catalogFor(file);
    const catalogVersion = this.catalogVersion;
    if (entry.findings && entry.findingsCatalogVersion === catalogVersion) return entry.findings;
    const steps = this.findingSteps(file, entry, document, catalog);
    for (;;) {
      const step = steps.next();
      if (step.done) {
        entry.findings = step.value;
        entry.findingsCatalogVersion = catalogVersion;
        return entry.findings;
      }
      yield;
      const current = this.entries.get(file) === entry && this.cachedCatalog !== undefined && this.catalogVersion === catalogVersion;
      const finished = entry.findings !== undefined && entry.findingsCatalogVersion === catalogVersion;
      if (current && !finished) continue;
      steps.return(undefined as never);
      if (this.entries.get(file) !== entry) return undefined;
      return yield* this.fileAnalysisSteps(file); // finished meanwhile (then this returns it), or the schema changed
    }
  }

  private findingSteps(file: string, entry: FileEntry, document: ParsedDocument, catalog: Catalog, partial?: { host: HostExtraction | undefined }): Steps<Finding[]> {
    const migration = this.migrationPosition(file);
    const relative = workspacePath(this.root, file);
    return analyzeFileSteps(
      {
        file,
        text: entry.text,
        dialect: this.dialectOf(file),
        document,
        lines: (entry.lines ??= new LineIndex(entry.text)),
        catalog,
        migration,
        // A committed SQL file in a migrations folder that is no migration set (`db/data-migrations/x.sql`): a one-off script that has run.
        shippedScript: !migration && file.endsWith('.sql') && isInMigrationsFolder(relative) && this.isShipped(file),
        inScripts: scriptKindOf(relative),
        migrations: this.setsSeenBy(file, catalog),
        host: partial ? partial.host : entry.host,
        ...(isPrismaSchema(file) ? { models: this.prismaSchemaOf(file)?.models ?? [] } : {}),
        reports: this.options.incremental && !partial ? entry.statementReports : undefined,
        schemaVersion: this.schemaVersion,
        layoutVersion: this.layoutVersion,
      },
      partial ? this.syntaxOnlyHost : this.analysisHost,
    );
  }

  /**
   * Whether the catalog every file is checked against is known: the whole
   * workspace has been read (`indexSteps`) and nothing changed since.
   */
  indexed(): boolean {
    return this.cachedCatalog !== undefined && this.unsettled.size === 0;
  }

  /**
   * Reads the whole workspace and builds its catalog, in steps (the language
   * server runs them in the background after start-up). `progress` is told
   * how many of the files the catalog may need have been read.
   */
  indexSteps(progress?: (read: number, total: number) => void): Steps<void> {
    // Files read for the catalog are not typed in: their syntax trees are not kept for edits.
    return treesNotKept(this.readAllSteps(progress));
  }

  private *readAllSteps(progress?: (read: number, total: number) => void): Steps<void> {
    for (;;) {
      yield* this.settleSteps();
      yield* this.readCatalogInputsSteps(progress, true);
      if (yield* this.catalogSteps()) return;
    }
  }

  /**
   * The findings of `file` that depend on its own text only, for an editor
   * while the workspace is indexed: syntax errors. A finding that reads the
   * catalog (a missing index) could be false against part of it (the index
   * may be in a migration not read yet), so none is given here. A Python
   * file is extracted with the models read so far: the SQL strings it holds
   * (where syntax errors are) do not depend on other files' models. Nothing is
   * kept but the parse of a SQL file.
   */
  *syntaxFindingsSteps(file: string): Steps<Finding[] | undefined> {
    const entry = this.entries.get(file);
    if (!entry || !this.analyses(file) || this.isTooLarge(entry)) return [];
    let document = entry.document;
    let host = entry.host;
    if (!document && hostLanguageOf(file)) {
      const base = this.baseExtraction(file, entry)!;
      host = hasCrossFileModels(file) ? (extractHost(file, entry.text, { dialect: this.options.config.dialect, models: workspaceModelsOf(base.models) }) ?? base) : base;
      document = hostDocument(entry.text, host, this.entryDialect(file, entry));
      yield;
    }
    document ??= yield* this.parseSteps(file, entry);
    if (!document || this.entries.get(file) !== entry) return undefined;
    return yield* this.findingSteps(file, entry, document, EMPTY_CATALOG, { host });
  }

  /** How many SQL strings of a host file could not be read as SQL (skipped quietly, not syntax errors). */
  unreadableIn(file: string): number {
    return this.document(file)?.unreadable?.length ?? 0;
  }

  /** The configured severity of a rule in `file` (`rules`, then `overrides`), or undefined when it is off. */
  private severityFor(ruleId: string, fallback: Severity, file: string): Severity | undefined {
    const setting = this.ruleSettings(file)[ruleId];
    if (setting === 'off') return undefined;
    return setting ?? fallback;
  }

  private migrationPosition(file: string): MigrationPosition | undefined {
    const found = migrationPositionOf(this.sets, file);
    if (!found) return undefined;
    const order = this.migrationOrder().get(found.set.migrations[found.index]!.upFile) ?? 0;
    return { ...found, order, shipped: this.isShipped(file) };
  }

  /** Apply order of every migration up file across all sets. */
  private migrationOrder(): Map<string, number> {
    const order = new Map<string, number>();
    for (const set of this.sets) for (const m of set.migrations) order.set(m.upFile, order.size);
    return order;
  }

  private catalogInputs(): { file: string; document: ParsedDocument; order: number }[] {
    const order = this.migrationOrder();
    const downFiles = new Set(this.sets.flatMap((s) => s.migrations.map((m) => m.downFile).filter(Boolean)));
    const inputs: { file: string; document: ParsedDocument; order: number }[] = [];
    // ORM models first (SQLAlchemy, Prisma): a migration that creates the same table replaces it (migrations win).
    let early = -1_000_000;
    for (const file of this.files()) {
      if (order.has(file) || !(isPrismaSchema(file) || (hasCrossFileModels(file) && this.mayWriteSchema(file)))) continue;
      const document = this.catalogDocument(file);
      if (document && document.statements.some((s) => s.changes.length > 0)) inputs.push({ file, document, order: early++ });
    }
    for (const [file, position] of order) {
      const document = this.catalogDocument(file);
      if (document) inputs.push({ file, document, order: position });
    }
    let next = order.size;
    for (const file of this.files()) {
      if (order.has(file) || downFiles.has(file) || hostLanguageOf(file) || isPrismaSchema(file)) continue;
      const document = this.catalogDocument(file);
      if (document && document.statements.some((s) => s.changes.length > 0)) {
        inputs.push({ file, document, order: next++ });
      }
    }
    return inputs;
  }

  /**
   * Whether a Python file outside the migrations may hold schema changes: ORM
   * models, or DDL in a SQL string (no DDL is written without CREATE, ALTER or
   * DROP before TABLE or INDEX). The others are not extracted in full just to
   * build the catalog: `check --changed` analyses few files, and building the
   * whole catalog from full extractions would cost as much as a full check.
   */
  private mayWriteSchema(file: string): boolean {
    const entry = this.entries.get(file)!;
    return (hostSupportOf(file)?.models?.ddlInCode !== false && (entry.mayHoldDdl ??= MAY_HOLD_DDL.test(entry.text))) || this.modelsOf(file, entry).length > 0;
  }

  /**
   * The file's schema changes without positions, '' when it has none. Built
   * from per-statement signatures cached by statement text, so an edit only
   * serialises the statements it changed.
   */
  private signatureOf(file: string, entry: FileEntry): string {
    if (entry.schemaSignature !== undefined) return entry.schemaSignature;
    const document = entry.document ?? this.standInOf(entry) ?? this.parse(file, entry);
    const previous = entry.statementSignatures;
    const current = new Map<string, string>();
    const parts: string[] = [];
    for (const statement of document.statements) {
      if (statement.changes.length === 0) continue;
      let part = current.get(statement.text) ?? previous.get(statement.text);
      part ??= withoutPositions(statement.changes);
      current.set(statement.text, part);
      parts.push(part);
    }
    entry.statementSignatures = current;
    entry.schemaSignature = parts.join('\n');
    return entry.schemaSignature;
  }

  private invalidateSchema(file: string): void {
    this.dropCatalog();
    this.schemaVersion++;
    this.schemaChanged.add(file);
  }

  /** What a SQL file's own tokens say of its dialect, kept with its text. */
  private signalsOf(file: string): DialectSignals | undefined {
    const entry = this.entries.get(file);
    if (!entry || hostGrammarOf(file) || isPrismaSchema(file)) return undefined;
    return (entry.signals ??= dialectSignals(entry.text));
  }

  /** Whether the workspace analyses `file`: SQL and host code, and the knex and Kysely migrations. */
  analyses(file: string): boolean {
    return isAnalysedFile(file) || this.scriptMigrations.has(file);
  }

  /** The knex or Kysely migration a JavaScript or TypeScript file of the workspace is, if any (read once per text). */
  private scriptMigrationOf(file: string, entry = this.entries.get(file)): ScriptMigration | undefined {
    // Modules in a migrations folder (not build output) or in a folder a knexfile names, whether or not their language is analysed.
    if (!entry || (!isScriptMigrationPath(workspacePath(this.root, file)) && !this.knexfileOf(file)) || this.isTooLarge(entry)) return undefined;
    if (entry.script === undefined) {
      if (!MAY_BE_SCRIPT_MIGRATION.test(entry.text)) entry.script = null;
      else {
        try {
          entry.script = readScriptMigration(file, entry.text, this.options.config.dialect ?? 'postgres') ?? null;
        } catch {
          // The grammars are not loaded (a module added to a workspace that had no code): read once they are.
          void initHostParsers();
          return undefined;
        }
      }
    }
    return entry.script ?? undefined;
  }

  /**
   * The migration settings of a knexfile, or of a module calling knex's migrator with them
   * (`knex.migrate.latest({ directory })`, relative to its package's folder); undefined when
   * none (or the grammars are not loaded yet).
   */
  private knexfileSettings(file: string, text: string): KnexfileMigrations | undefined {
    if (!isKnexfile(file) && !(hostLanguageOf(file) === 'typescript' && MAY_CALL_MIGRATOR.test(text))) return undefined;
    try {
      return readKnexfile(file, text, isKnexfile(file) ? undefined : this.packageFolderOf(file));
    } catch {
      void initHostParsers();
      return undefined;
    }
  }

  /** The nearest folder above `file` with a package.json of the workspace (where its program runs), else the root. */
  private packageFolderOf(file: string): string {
    for (let dir = path.dirname(file); dir.startsWith(this.root) && dir !== path.dirname(dir); dir = path.dirname(dir)) {
      if (this.entries.has(path.join(dir, 'package.json'))) return dir;
      if (dir === this.root) break;
    }
    return this.root;
  }

  /** The knexfile whose `migrations.directory` (or default `migrations/` beside it, when it sets a table) holds `file`. */
  private knexfileOf(file: string): KnexfileMigrations | undefined {
    const dir = path.dirname(file);
    for (const settings of this.knexfiles.values()) if (settings.directories.includes(dir)) return settings;
    return undefined;
  }

  /** A module of the workspace as a knex or Kysely migration, with what a knexfile naming its folder adds (knex, its table). */
  private scriptInfoOf(file: string): ScriptFileInfo | undefined {
    const script = this.scriptMigrationOf(file);
    const knexfile = script && this.knexfileOf(file);
    if (!script || !knexfile) return script;
    const table = knexfile.tables[path.dirname(file)];
    return { ...script, tool: script.tool ?? 'knex', ...(table ? { table } : {}) };
  }

  private detect(): void {
    const all = [...this.entries.keys()];
    this.knexfiles = new Map();
    for (const [file, entry] of this.entries) {
      const settings = this.knexfileSettings(file, entry.text);
      if (settings) this.knexfiles.set(file, settings);
    }
    this.sets = detectMigrations(this.root, all, this.options.config.migrations, (file) => {
      const entry = this.entries.get(file);
      if (!entry) return undefined;
      const known = hasCrossFileModels(file) ? this.options.known?.(file, entry.text) : undefined;
      if (known) return known.revision;
      // Its ids from its text when they are plain: the revision is parsed when its schema is read (or it is typed in).
      const ids = entry.base ? undefined : hostSupportOf(file)?.models?.revisionIdsOfText?.(entry.text);
      return ids === undefined ? this.baseExtraction(file, entry)?.alembic : (ids ?? undefined);
    }, (file) => this.entries.get(file)?.text, (file) => this.scriptInfoOf(file));
    this.revisions = new Set(this.sets.filter((set) => set.tool === hostSupportOf(set.migrations[0]?.upFile ?? '')?.models?.migrationTool).flatMap((set) => set.migrations.map((m) => m.upFile)));
    this.scriptMigrations = new Set(this.sets.filter((set) => set.tool === 'knex' || set.tool === 'kysely' || set.tool === 'typeorm').flatMap((set) => set.migrations.map((m) => m.upFile)));
    this.dropCatalog();
    this.schemaVersion++;
    this.layoutVersion++;
    this.analysisHost.migrationFixes.clear();
    this.shippedHistory = firstCheckedHistory(this.root, this.sets, this.options.config.migrationsFrom, this.options.history ?? NOTHING_SHIPPED);
    const dialect = this.options.config.dialect ?? this.inferWorkspaceDialect();
    const manifests: [string, string][] = [...this.entries].filter(([file]) => isManifest(file)).map(([file, entry]) => [file, entry.text]);
    this.layout = new Layout(new Packages(this.root, manifests), this.sets, (file) => this.signalsOf(file), this.options.config.dialect, dialect);
    this.packageCatalogs.clear();
    this.packageSchemas.clear();
    this.schemaKeys.clear();
    this.workspaceDialect = dialect;
    for (const [file, entry] of this.entries) {
      if (entry.dialect === undefined) continue;
      const before = [entry.dialect, entry.dialectSure];
      entry.dialect = undefined;
      const after = [this.entryDialect(file, entry), entry.dialectSure];
      if (before[0] !== after[0] || before[1] !== after[1]) {
        // The file now reads in another dialect (a new set, manifest or migration): parse it again.
        entry.dialect = undefined;
        entry.document = undefined;
        entry.standIn = undefined;
        entry.schemaSignature = undefined;
        entry.statementSignatures = new Map();
        entry.findings = undefined;
        entry.host = undefined;
      }
    }
  }

  /** Prisma's lock file names the provider; otherwise the migrations' SQL tells. */
  private inferWorkspaceDialect(): Dialect | undefined {
    for (const [file, entry] of this.entries) {
      if (!file.endsWith('migration_lock.toml')) continue;
      if (/provider\s*=\s*"(sqlite)"/.test(entry.text)) return 'sqlite';
      if (/provider\s*=\s*"(mysql)"/.test(entry.text)) return 'mysql';
      if (/provider\s*=\s*"(postgresql|postgres)"/.test(entry.text)) return 'postgres';
    }
    const datasource = this.prisma.dialect(this.prismaFiles(), 'postgres');
    if (datasource) return datasource;
    const votes = new Map<Dialect, number>();
    for (const set of this.sets) {
      const provided = providerDialect(set); // a knexfile's client
      for (const m of set.migrations) {
        const text = this.entries.get(m.upFile)?.text;
        if (text === undefined || (!provided && hostGrammarOf(m.upFile))) continue;
        const d = provided ?? inferDialect(text, m.upFile);
        votes.set(d, (votes.get(d) ?? 0) + 1);
      }
    }
    let best: Dialect | undefined;
    for (const [d, n] of votes) if (!best || n > votes.get(best)!) best = d;
    return best;
  }
}

/** Text without which a JavaScript or TypeScript module exports no `up` (no knex or Kysely migration). */
const MAY_BE_SCRIPT_MIGRATION = /\bexports?\b[\s\S]*?\bup\b|\bup\b[\s\S]*?\bexports?\b/;

/** What decides a module's migration set: its tool (a file that becomes or stops being a migration changes the sets). */
function scriptKind(script: ScriptMigration | undefined): string {
  return script ? `${script.tool} ${script.module} ${script.extension}` : '';
}

/** A SQL file, whose parse moves the statements an edit did not change in place (`Workspace.catalogFollows`). */
function followsEdits(file: string): boolean {
  return !hostLanguageOf(file) && !isPrismaSchema(file);
}

/** The schema changes of each statement of `document` that has any, in order. */
function schemaStatementsOf(document: ParsedDocument): SchemaChange[][] {
  return document.statements.filter((statement) => statement.changes.length > 0).map((statement) => statement.changes);
}

/** Text without which a host file's SQL strings hold no DDL QueryLens reads (see Workspace.mayWriteSchema). */
const MAY_HOLD_DDL = /\b(?:create|alter|drop)\b[^;]{0,60}?\b(?:table|index)\b/is;

/** MySQL's `RENAME TABLE`, the one schema change MAY_HOLD_DDL misses (`catalogStandIn` must know them all). */
const MAY_RENAME_TABLE = /\brename\b[^;]{0,60}?\btable\b/is;

/** The class names of a workspace model list, by list (`catalogStandIn` asks for each model file). */
const classNamesByModels = new WeakMap<HostModel[], Set<string>>();

function classNamesOf(models: HostModel[]): Set<string> {
  let names = classNamesByModels.get(models);
  if (!names) classNamesByModels.set(models, (names = new Set(models.map((m) => m.className))));
  return names;
}

/**
 * A file's entry; a new version of a file keeps its per-statement caches, and
 * its parse takes over the statements of the previous one (of the one before
 * when the previous one's parse was stopped half-way).
 */
function newEntry(text: string, previous?: FileEntry): FileEntry {
  return {
    text,
    replaced: previous?.document ?? previous?.replaced,
    statementSignatures: previous?.statementSignatures ?? new Map(),
    statementReports: previous?.statementReports ?? new StatementReportCache(),
    walkCache: previous?.walkCache,
  };
}

/** Schema changes without positions: what the catalog depends on, not where it is written. */
function withoutPositions(value: unknown): string {
  return JSON.stringify(value, (k, v) => (k === 'span' || k === 'keywordSpan' ? undefined : v));
}
