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
import type { Dialect, Finding, Severity } from '../../../../shared/types';
import { buildCatalog } from '../catalog/build';
import type { Catalog, MigrationSet } from '../catalog/types';
import { isAnalysedFile, isExcluded, isLeftOutTest, isWorkspaceFileKind, listWorkspaceFiles } from '../config/files';
import { MAX_SOURCE_BYTES, readTextFile } from '../config/read';
import { isInMigrationsFolder, isScriptPath } from '../config/scope';
import type { QueryLensConfig } from '../config/types';
import { detectMigrations, migrationPositionOf } from '../migrations/detect';
import { eitherShipped, firstCheckedHistory, NOTHING_SHIPPED, type MigrationHistory } from '../migrations/history';
import type { MigrationPosition } from '../rules/types';
import type { ParsedDocument } from '../sql/model';
import { otherEngineOf } from '../sql/dialect';
import { inferDialect, initParsers, parseDocument } from '../sql/parse';
import { initHostParsers } from '../host/treesitter';
import { extractHost, hostLanguageOf, workspaceModelsOf } from '../host/extract';
import type { HostExtraction, HostModel } from '../host/types';
import { WalkCache } from '../host/python/walk-cache';
import { analyzeFile, type AnalysisHost } from './analysis';
import { hostDocument } from './hostDocument';
import { dialectSignals, Layout, type DialectSignals } from './layout';
import { isManifest, Packages } from './packages';
import { LineIndex } from './lineIndex';
import { StatementReportCache } from './statementReports';

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
  /** Schema changes of the file without positions: what the catalog depends on. */
  schemaSignature?: string;
  /** Schema signature of each statement text, carried over from the file's previous version. */
  statementSignatures: Map<string, string>;
  /** Statement-scope rule reports, carried over from the file's previous version. */
  statementReports: StatementReportCache;
  findings?: Finding[];
  findingsCatalogVersion?: number;
  /** Host code (Python, Rust): the extraction on its own (no other file's models); cached by text. */
  base?: HostExtraction;
  /** Host code: the extraction the document was built from (with the workspace's models). */
  host?: HostExtraction;
  /** Python, incremental: what the walk found per top-level function, carried over from the file's previous version. */
  walkCache?: WalkCache;
}

/**
 * Edits `prepareForEdits` makes (each made and taken out again): one readies a
 * file's caches; the JavaScript engine compiles a function for speed only after
 * it ran a while, so the first file of the process gets a few more rounds, to
 * get the edit path there before typing starts.
 */
const PREPARE_ROUNDS = 3;
let editPathCompiled = false;


export class Workspace {
  readonly root: string;
  private readonly entries = new Map<string, FileEntry>();
  private sets: MigrationSet[] = [];
  private layout!: Layout;
  private cachedCatalog?: Catalog;
  /** The catalog each package sees (its own schema, its dependencies', its enclosing packages'), by the packages it sees. */
  private readonly packageCatalogs = new Map<string, Catalog>();
  /** Bumped on every catalog build, also when only positions moved: keys whole-file findings. */
  private catalogVersion = 0;
  /** Bumped when the catalog's content may have changed: cached statement reports then check their tables. */
  private schemaVersion = 0;
  /** Bumped when the migration sets or the dialect change: every cached statement report is dropped. */
  private layoutVersion = 0;
  private readonly analysisHost: AnalysisHost;
  private workspaceDialect?: Dialect;
  /** SQLAlchemy models of every Python file; undefined until needed or after one changed. */
  private models?: HostModel[];
  /** Files whose last update changed the schema (their dependents are everything). */
  private readonly schemaChanged = new Set<string>();
  /** Host files `prepareForEdits` has readied. */
  private readonly prepared = new Set<string>();
  /** The caller's history and `.querylens.json`'s `migrationsFrom`, together. */
  private shippedHistory: MigrationHistory = NOTHING_SHIPPED;

  private constructor(private readonly options: WorkspaceOptions) {
    this.root = options.root;
    this.analysisHost = {
      severityFor: (ruleId, fallback) => this.severityFor(ruleId, fallback),
      textOf: (file) => this.textOf(file),
      onError: (message) => this.options.onError?.(message),
      // History is the migrations': a committed application file is edited like any other.
      isShipped: (file) => this.isShipped(file) && (migrationPositionOf(this.sets, file) !== undefined || isInMigrationsFolder(path.relative(this.root, file).split(path.sep).join('/'))),
      isCommitted: (file) => this.isShipped(file),
      sureDialectOf: (file) => this.sureDialectOf(file),
      migrationFixes: new Map(),
    };
  }

  /** Scans the root for SQL files (respecting .gitignore, node_modules, excludes) and reads them. */
  static async create(options: WorkspaceOptions): Promise<Workspace> {
    const ws = new Workspace(options);
    await Promise.all([initParsers(), initHostParsers()]);
    const files = await listWorkspaceFiles(options.root, {
      include: options.config.include,
      exclude: options.config.exclude,
      extraExcludes: options.extraExcludes ?? [],
      includeTests: options.config.includeTests,
    });
    const reads = await Promise.all(files.map((f) => readTextFile(f, { maxBytes: MAX_SOURCE_BYTES })));
    files.forEach((file, i) => {
      const read = reads[i]!;
      if (read.text === undefined) options.onSkipped?.(file, read.error);
      else if (!ws.isOtherEngine(file, read.text)) ws.entries.set(file, newEntry(read.text));
    });
    ws.detect();
    return ws;
  }

  /** An in-memory workspace over the given files (tests); `initParsers()` and `initHostParsers()` must have completed. */
  static fromFiles(options: WorkspaceOptions, files: Record<string, string>): Workspace {
    const ws = new Workspace(options);
    for (const [file, text] of Object.entries(files)) {
      const absolute = path.resolve(options.root, file);
      if (!isLeftOutTest(options.root, absolute, options.config.includeTests) && !ws.isOtherEngine(absolute, text)) ws.entries.set(absolute, newEntry(text));
    }
    ws.detect();
    return ws;
  }

  /**
   * A SQL file of an engine QueryLens has no parser for (ClickHouse): left
   * alone, neither analysed nor read into the schema, never parsed as PostgreSQL.
   */
  private isOtherEngine(file: string, text?: string): boolean {
    return file.toLowerCase().endsWith('.sql') && otherEngineOf(path.relative(this.root, file), text) !== undefined;
  }

  /** The `.querylens.json` this workspace was built with. */
  config(): QueryLensConfig {
    return this.options.config;
  }

  /** Absolute paths of the SQL and host files the workspace analyses. */
  files(): string[] {
    return [...this.entries.keys()].filter(isAnalysedFile).sort();
  }

  textOf(file: string): string | undefined {
    return this.entries.get(file)?.text;
  }

  /** Adds or replaces a file's text (an open editor's buffer wins over the disk). */
  setFile(file: string, text: string): void {
    const previous = this.entries.get(file);
    if (previous && previous.text === text) return;
    if (this.isOtherEngine(file, text)) return this.deleteFile(file); // now another engine's SQL: left alone
    const entry = newEntry(text, previous);
    this.entries.set(file, entry);
    if (!previous) this.detect();
    if (previous?.dialect !== undefined && previous.dialect !== this.dialectOf(file)) {
      // Typing changed the inferred dialect: statements parse (and are checked) differently.
      entry.statementSignatures = new Map();
      entry.statementReports = new StatementReportCache();
    }
    if (file.endsWith('migration_lock.toml')) this.invalidateSchema(file);
    if (isManifest(file) && previous) {
      this.detect(); // dependencies or the named database may have changed
      this.invalidateSchema(file);
    }
    if (!isAnalysedFile(file)) return;
    if (previous && hostLanguageOf(file) === 'python') this.pythonFileChanged(file, previous, entry);
    const before = previous ? this.signatureOf(file, previous) : '';
    const after = this.signatureOf(file, entry);
    if (before !== after) this.invalidateSchema(file);
    else {
      this.schemaChanged.delete(file);
      // Same schema, but its DDL may have moved: the catalog's positions (which
      // fixes and schema findings point at) must follow the text.
      if (after !== '') this.cachedCatalog = undefined;
    }
  }

  /**
   * A Python file's models feed every other Python file's queries, and its
   * Alembic revision ids the migration order: when either changed, those are
   * extracted (and the migrations detected) again.
   */
  private pythonFileChanged(file: string, previous: FileEntry, entry: FileEntry): void {
    const before = previous.base ?? this.baseExtraction(file, previous);
    const after = this.baseExtraction(file, entry);
    if (withoutPositions(before?.models) !== withoutPositions(after?.models)) {
      this.models = undefined;
      for (const [other, e] of this.entries) {
        if (other === file || hostLanguageOf(other) !== 'python') continue;
        e.document = undefined;
        e.host = undefined;
        e.findings = undefined;
      }
    }
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
    const hadSchema = isAnalysedFile(file) && this.signatureOf(file, previous) !== '';
    this.entries.delete(file);
    this.prepared.delete(file);
    if (hostLanguageOf(file) === 'python') this.models = undefined;
    this.detect();
    if (hadSchema) this.invalidateSchema(file);
  }

  /**
   * Whether `file` belongs to this workspace: a known file, or a new one (a
   * migration a fix just wrote, a file opened in the editor) that the scan
   * would have listed. Nested .gitignore files are only read by the scan.
   */
  includes(file: string): boolean {
    if (this.entries.has(file)) return true;
    const rel = path.relative(this.root, file);
    if (rel.startsWith('..') || path.isAbsolute(rel) || !isWorkspaceFileKind(file)) return false;
    if (rel.split(path.sep).some((part) => part === 'node_modules' || part === '.git')) return false;
    if (isLeftOutTest(this.root, file, this.options.config.includeTests) || this.isOtherEngine(file)) return false;
    const { include, exclude } = this.options.config;
    if (isExcluded(this.root, file, [...exclude, ...(this.options.extraExcludes ?? [])])) return false;
    return include.length === 0 || !isAnalysedFile(file) || isExcluded(this.root, file, include);
  }

  /**
   * Files whose findings may change after `file`'s last update: just `file`
   * for a query file, every file when the update changed the schema.
   */
  affectedBy(file: string): string[] {
    if (this.schemaChanged.has(file)) return this.files();
    return this.entries.has(file) && isAnalysedFile(file) ? [file] : [];
  }

  /** The current schema catalog, built from migrations (in order) then other DDL files. */
  catalog(): Catalog {
    if (!this.cachedCatalog) {
      this.packageCatalogs.clear();
      this.cachedCatalog = buildCatalog(this.catalogInputs());
      this.catalogVersion++;
    }
    return this.cachedCatalog;
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
   * The catalog of `file` (see catalogFor), or the whole workspace's without
   * a file, with a key naming it: '' for the whole workspace's, else the
   * packages it holds (a shadow database is built once per key).
   */
  schemaOf(file?: string): { catalog: Catalog; key: string } {
    const whole = this.catalog();
    if (file === undefined) return { catalog: whole, key: '' };
    const visible = this.layout.visiblePackages(file);
    const key = visible.join('\n');
    let catalog = this.packageCatalogs.get(key);
    if (!catalog) {
      const seen = new Set(visible);
      const inputs = this.catalogInputs();
      const own = inputs.filter((input) => seen.has(this.layout.packages.packageOf(input.file)));
      catalog = own.length === inputs.length ? whole : buildCatalog(own);
      if (catalog.tables.size === 0) catalog = whole;
      this.packageCatalogs.set(key, catalog);
    }
    return { catalog, key: catalog === whole ? '' : key };
  }

  migrationSets(): MigrationSet[] {
    return this.sets;
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
    const told = host ? (entry.host ?? this.baseExtraction(file, entry))?.queries.find((q) => q.sql?.dialect)?.sql?.dialect : undefined;
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
    if (!entry || !isAnalysedFile(file)) return undefined;
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
    if (!entry.document && this.isTooLarge(entry)) entry.document = { dialect: this.entryDialect(file, entry), statements: [], errors: [], metaCommands: [] };
    if (!entry.document && hostLanguageOf(file)) {
      entry.host = this.hostExtraction(file, entry);
      entry.document = hostDocument(entry.text, entry.host, this.entryDialect(file, entry));
    }
    if (!entry.document) {
      const dialect = this.entryDialect(file, entry);
      entry.document = parseDocument(entry.text, dialect, this.options.incremental ? { previous: entry.replaced } : undefined, { dialectGuessed: !entry.dialectSure });
      entry.replaced = undefined; // its statements now belong to entry.document
    }
    return entry.document;
  }

  /**
   * A host file's extraction on its own: for Python only its models and Alembic
   * revision (what the catalog, the other files and the migration order need),
   * for Rust everything.
   */
  private baseExtraction(file: string, entry: FileEntry): HostExtraction | undefined {
    if (!entry.base && hostLanguageOf(file) && !this.isTooLarge(entry)) {
      entry.base = extractHost(file, entry.text, { dialect: this.options.config.dialect, schemaOnly: true, includeTests: this.options.config.includeTests });
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
    if (hostLanguageOf(file) !== 'python') return base;
    const models = this.workspaceModels();
    if (this.options.incremental) entry.walkCache ??= new WalkCache();
    const extraction = extractHost(file, entry.text, { dialect: this.options.config.dialect, models, walkCache: entry.walkCache }) ?? base;
    return { ...extraction, workspaceModels: models };
  }

  /** Every SQLAlchemy model of the workspace (cached until a Python file's models change). */
  private workspaceModels(): HostModel[] {
    if (!this.models) {
      this.models = [];
      for (const [file, entry] of this.entries) {
        if (hostLanguageOf(file) === 'python') this.models.push(...(this.baseExtraction(file, entry)?.models ?? []));
      }
      this.models = workspaceModelsOf(this.models);
    }
    return this.models;
  }

  /** All findings of one file (syntax errors included), severities and suppressions applied. */
  analyze(file: string): Finding[] {
    const entry = this.entries.get(file);
    const document = this.document(file);
    if (!entry || !document || this.isTooLarge(entry)) return [];
    const catalog = this.catalogFor(file);
    if (entry.findings && entry.findingsCatalogVersion === this.catalogVersion) return entry.findings;
    const migration = this.migrationPosition(file);
    const relative = path.relative(this.root, file).split(path.sep).join('/');
    entry.findings = analyzeFile(
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
        inScripts: isScriptPath(relative),
        migrations: this.layout.setsFor(file),
        host: entry.host,
        reports: this.options.incremental ? entry.statementReports : undefined,
        schemaVersion: this.schemaVersion,
        layoutVersion: this.layoutVersion,
      },
      this.analysisHost,
    );
    entry.findingsCatalogVersion = this.catalogVersion;
    return entry.findings;
  }

  /** How many SQL strings of a host file could not be read as SQL (skipped quietly, not syntax errors). */
  unreadableIn(file: string): number {
    return this.document(file)?.unreadable?.length ?? 0;
  }

  /** The configured severity of a rule, or undefined when it is off. */
  private severityFor(ruleId: string, fallback: Severity): Severity | undefined {
    const setting = this.options.config.rules[ruleId];
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
    // ORM models first: a migration that creates the same table replaces it (migrations win).
    let early = -1_000_000;
    for (const file of this.files()) {
      if (order.has(file) || hostLanguageOf(file) !== 'python') continue;
      const document = this.document(file);
      if (document && document.statements.some((s) => s.changes.length > 0)) inputs.push({ file, document, order: early++ });
    }
    for (const [file, position] of order) {
      const document = this.document(file);
      if (document) inputs.push({ file, document, order: position });
    }
    let next = order.size;
    for (const file of this.files()) {
      if (order.has(file) || downFiles.has(file) || hostLanguageOf(file)) continue;
      const document = this.document(file);
      if (document && document.statements.some((s) => s.changes.length > 0)) {
        inputs.push({ file, document, order: next++ });
      }
    }
    return inputs;
  }

  /**
   * The file's schema changes without positions, '' when it has none. Built
   * from per-statement signatures cached by statement text, so an edit only
   * serialises the statements it changed.
   */
  private signatureOf(file: string, entry: FileEntry): string {
    if (entry.schemaSignature !== undefined) return entry.schemaSignature;
    const document = this.parse(file, entry);
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
    this.cachedCatalog = undefined;
    this.schemaVersion++;
    this.schemaChanged.add(file);
  }

  /** What a SQL file's own tokens say of its dialect, kept with its text. */
  private signalsOf(file: string): DialectSignals | undefined {
    const entry = this.entries.get(file);
    if (!entry || hostLanguageOf(file)) return undefined;
    return (entry.signals ??= dialectSignals(entry.text));
  }

  private detect(): void {
    const all = [...this.entries.keys()];
    this.sets = detectMigrations(this.root, all, this.options.config.migrations, (file) => {
      const entry = this.entries.get(file);
      return entry ? this.baseExtraction(file, entry)?.alembic : undefined;
    });
    this.cachedCatalog = undefined;
    this.schemaVersion++;
    this.layoutVersion++;
    this.analysisHost.migrationFixes.clear();
    const cut = firstCheckedHistory(this.root, this.sets, this.options.config.migrationsFrom);
    this.shippedHistory = eitherShipped(this.options.history ?? NOTHING_SHIPPED, cut);
    const dialect = this.options.config.dialect ?? this.inferWorkspaceDialect();
    const manifests: [string, string][] = [...this.entries].filter(([file]) => isManifest(file)).map(([file, entry]) => [file, entry.text]);
    this.layout = new Layout(new Packages(this.root, manifests), this.sets, (file) => this.signalsOf(file), this.options.config.dialect, dialect);
    this.packageCatalogs.clear();
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
    const votes = new Map<Dialect, number>();
    for (const set of this.sets) {
      for (const m of set.migrations) {
        const text = this.entries.get(m.upFile)?.text;
        if (text === undefined || hostLanguageOf(m.upFile)) continue;
        const d = inferDialect(text, m.upFile);
        votes.set(d, (votes.get(d) ?? 0) + 1);
      }
    }
    let best: Dialect | undefined;
    for (const [d, n] of votes) if (!best || n > votes.get(best)!) best = d;
    return best;
  }
}

/** A file's entry; a new version of a file keeps its per-statement caches. */
function newEntry(text: string, previous?: FileEntry): FileEntry {
  return {
    text,
    replaced: previous?.document,
    statementSignatures: previous?.statementSignatures ?? new Map(),
    statementReports: previous?.statementReports ?? new StatementReportCache(),
    walkCache: previous?.walkCache,
  };
}

/** Schema changes without positions: what the catalog depends on, not where it is written. */
function withoutPositions(value: unknown): string {
  return JSON.stringify(value, (k, v) => (k === 'span' || k === 'keywordSpan' ? undefined : v));
}
