/**
 * Which files `check --cache` analyses again, and which findings it takes
 * from the cache: a file's cached findings hold when its text is the same
 * and either no file that may change other files' findings (schema, models,
 * migrations, manifests: the catalog signature) changed, or those that did
 * change are no migration nor manifest and the file is none of their
 * dependents (Workspace.dependentsOf). A file that was committed or
 * modified since counts as changed. When the list of files, the configuration
 * or QueryLens itself changed, no finding is reused. What a Python file tells the others (its Alembic revision, its
 * models) is reused by file text, so that neither ordering the migrations nor
 * reading a changed file's queries extracts every Python file again; and while
 * the catalog signature is the same, so is what each file the catalog reads
 * says of the schema (its schema changes), so that the catalog of a run that
 * re-checks a changed query file is built without parsing the schema again.
 */
import type { Finding } from '../../../shared/types';
import type { SchemaChange } from '../core/sql/model';
import type { FileFacts, Workspace } from '../core/engine/workspace';
import { isAnalysedFile, workspacePath } from '../core/config/files';
import { buildId, CheckCache, hashOf, hashText, type CachedFile, type CheckCacheContent } from './checkCache';

export interface CacheOptions {
  folder: string;
  root: string;
  /** QueryLens's version (package.json). */
  version: string;
  /** `--fix`: the run changes files, so it reads no cached findings (it still writes the cache). */
  readFindings: boolean;
  /**
   * False for a caller that takes the schema from the cache but never its
   * findings (the language server's disk state): when a schema file changed,
   * the cached findings are dropped without parsing the files that may depend
   * on it to find which do (`Workspace.dependentsOf`, seconds on polar).
   */
  findingsUsed?: boolean;
  warn(message: string): void;
}

export interface RunInputs {
  /** The configuration file, and the configuration it holds (as loaded). */
  configFile: string;
  config: unknown;
  /** Whether a file has shipped (git): some rules read it. */
  isShipped(file: string): boolean;
}

/** A run's use of the cache: `known` while the workspace is built, then `begin`, `analyze` in place of `workspace.analyze`, and `save`. */
export class CachedCheck {
  private readonly analysed = new Map<string, { findings: Finding[]; unreadable: number }>();
  private readonly hashes = new Map<string, { text: string; hash: string }>();
  private reusable = new Map<string, CachedFile>();
  private workspace?: Workspace;
  private isShipped: (file: string) => boolean = () => false;
  private runKey = '';

  private constructor(
    private readonly store: CheckCache,
    private readonly options: CacheOptions,
    private readonly build: string,
    private readonly previous: CheckCacheContent | undefined,
  ) {}

  static async load(options: CacheOptions): Promise<CachedCheck> {
    const store = new CheckCache(options.folder);
    const build = buildId(options.version);
    return new CachedCheck(store, options, build, await store.read(build));
  }

  /** What the last run read of this text of a Python file (WorkspaceOptions.known). */
  known(file: string, text: string): FileFacts | undefined {
    const cached = this.previous?.files[this.relative(file)];
    return cached?.facts && cached.hash === this.hashOf(file, text) ? cached.facts : undefined;
  }

  /** Decides which cached findings hold for this workspace. */
  begin(workspace: Workspace, inputs: RunInputs): void {
    this.workspace = workspace;
    this.isShipped = inputs.isShipped;
    this.runKey = hashOf([workspace.root, inputs.configFile, JSON.stringify(inputs.config), ...workspace.inputFiles().map((file) => this.relative(file))]);
    const previous = this.previous?.runKey === this.runKey && this.options.readFindings ? this.previous : undefined;
    this.reusable = previous ? this.reusableFiles(workspace, previous) : new Map();
  }

  /**
   * The schema changes the last run read of an unchanged file, while no file
   * the catalog depends on changed (the catalog's signature is the same):
   * the catalog is then built from them, without parsing those files again.
   */
  private knownSchema(previous: CheckCacheContent): (file: string, text: string) => SchemaChange[] | undefined {
    return (file, text) => {
      const cached = previous.files[this.relative(file)];
      return cached?.schema && cached.hash === this.hashOf(file, text) ? cached.schema : undefined;
    };
  }

  /** The file's findings: from the cache when they still hold, else analysed now. */
  analyze(file: string): Finding[] {
    const cached = this.reusable.get(file);
    if (cached?.findings) return cached.findings;
    const findings = this.workspace!.analyze(file);
    this.analysed.set(file, { findings, unreadable: this.workspace!.unreadableIn(file) });
    return findings;
  }

  /** How many files this run analysed (the others' findings came from the cache). */
  analysedCount(): number {
    return this.analysed.size;
  }

  /** How many SQL strings of the file could not be read as SQL (after `analyze`). */
  unreadableIn(file: string): number {
    return this.analysed.get(file)?.unreadable ?? this.reusable.get(file)?.unreadable ?? this.workspace!.unreadableIn(file);
  }

  /** Writes the cache for the workspace as it is now (after fixes): this run's findings, and those reused. */
  async save(): Promise<void> {
    const workspace = this.workspace!;
    const files: Record<string, CachedFile> = {};
    const influencing: string[] = [];
    for (const file of workspace.inputFiles()) {
      const text = workspace.textOf(file)!;
      const hash = this.hashOf(file, text);
      const name = this.relative(file);
      const cached = this.previous?.files[name];
      const shipped = this.isShipped(file);
      const influences = cached?.hash === hash ? cached.influences : workspace.influencesOthers(file);
      if (influences) influencing.push(name, hash, String(shipped));
      const kept = this.reusable.get(file);
      const result = this.analysed.get(file) ?? (kept?.findings ? { findings: kept.findings, unreadable: kept.unreadable ?? 0 } : undefined);
      const facts = workspace.factsOf(file);
      const schema = workspace.schemaChangesOf(file) ?? (cached?.hash === hash ? cached.schema : undefined);
      const signals = schema ? workspace.dialectSignalsOf(file) : undefined;
      files[name] = {
        hash,
        shipped,
        influences,
        ...(result && workspace.analyses(file) ? { findings: result.findings, unreadable: result.unreadable } : {}),
        ...(facts ? { facts } : {}),
        ...(schema ? { schema } : {}),
        ...(signals ? { signals } : {}),
      };
    }
    const content: CheckCacheContent = { build: this.build, runKey: this.runKey, catalog: hashOf(influencing), files };
    await this.store.write(content, this.options.warn);
  }

  private relative(file: string): string {
    return workspacePath(this.options.root, file);
  }

  private hashOf(file: string, text: string): string {
    const known = this.hashes.get(file);
    if (known?.text === text) return known.hash;
    const hash = hashText(text);
    this.hashes.set(file, { text, hash });
    return hash;
  }

  /**
   * The cached entries (by absolute path) of the files whose text is unchanged;
   * their findings are kept only where they still hold (see the top of the file).
   */
  private reusableFiles(workspace: Workspace, previous: CheckCacheContent): Map<string, CachedFile> {
    const unchanged = new Map<string, CachedFile>();
    const changedInfluencing: string[] = [];
    const influencing: string[] = [];
    for (const file of workspace.inputFiles()) {
      const name = this.relative(file);
      const cached = previous.files[name];
      const hash = this.hashOf(file, workspace.textOf(file)!);
      const shipped = this.isShipped(file);
      if (cached?.hash === hash && (cached.shipped ?? false) === shipped) {
        unchanged.set(file, cached);
        if (cached.influences) influencing.push(name, hash, String(shipped));
      } else if (workspace.influencesOthers(file) || cached?.influences) {
        influencing.push(name, hash, String(shipped));
        changedInfluencing.push(file);
      }
    }
    if (hashOf(influencing) === previous.catalog) {
      workspace.useKnownSchema(this.knownSchema(previous));
      return unchanged;
    }
    const withoutFindings = ({ findings: _findings, unreadable: _unreadable, ...rest }: CachedFile): CachedFile => rest;
    // A changed migration or manifest: the migration order, the fixes' new migrations, the packages may all differ.
    const migrations = new Set(workspace.migrationSets().flatMap((set) => set.migrations.flatMap((m) => [m.upFile, m.downFile])));
    if (changedInfluencing.some((file) => !isAnalysedFile(file) || migrations.has(file))) {
      return new Map([...unchanged].map(([file, entry]) => [file, withoutFindings(entry)]));
    }
    const dependents = this.options.findingsUsed === false ? unchanged.keys() : workspace.dependentsOf(changedInfluencing);
    for (const file of dependents) {
      const entry = unchanged.get(file);
      if (entry) unchanged.set(file, withoutFindings(entry));
    }
    // Edited files that say what they said of the schema (and of their dialect, or their models): the others' schema still holds.
    const sameSchema = (file: string) => {
      const cached = previous.files[this.relative(file)];
      return cached !== undefined && workspace.saysTheSameOfSchema(file, cached);
    };
    if (changedInfluencing.every(sameSchema)) workspace.useKnownSchema(this.knownSchema(previous));
    return unchanged;
  }
}
