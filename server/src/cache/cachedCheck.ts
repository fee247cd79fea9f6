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
 *
 * The files are stat'ed before the workspace reads them (`observe`): a file
 * whose metadata is the one recorded, and was not modified within the
 * recording's clock tick, is not hashed; when every listed file is so (or
 * hashes the same, as after a `touch`), and the settings and shipped states
 * are the same, the run takes the last run's findings whole (`replay`):
 * no file is read, no parser loaded, no workspace built.
 */
import type { Finding } from '../../../shared/types';
import type { SchemaChange } from '../core/sql/model';
import type { FileFacts, Workspace } from '../core/engine/workspace';
import { isAnalysedFile, workspacePath } from '../core/config/files';
import { MAX_SOURCE_BYTES, readTextFileSync } from '../core/config/read';
import { buildId, CheckCache, hashOf, hashText, settingsKey, statOf, type CachedFile, type CheckCacheContent, type LeftFile } from './checkCache';

/**
 * A file modified less than this long before its metadata was recorded may
 * change again within the same tick of the file system's clock (coarse
 * clocks; FAT's 2 s) without its metadata showing it: it is hashed again.
 */
const RACY_MARGIN_MS = 2000;

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

/** The last run's results, taken whole: nothing they depend on changed (`CachedCheck.replay`). */
export interface Replay {
  /** The files the workspace analyses (Workspace.files()), sorted. */
  files: string[];
  /** The listed files it could not read, and why (WorkspaceOptions.onSkipped), in order. */
  skipped: { file: string; reason: string }[];
  /** How many files were read to tell them unchanged (their metadata changed, or was recorded too close to their last modification). */
  read: number;
  /** A file's findings (before cross-file deduplication); undefined when the last run did not check it. */
  findingsOf(file: string): Finding[] | undefined;
  unreadableIn(file: string): number;
  schemaKeyOf(file: string): string;
}

/**
 * A run's use of the cache: `observe` the listed files before the workspace reads
 * them, `replay` when the run may take the last run's findings whole; else
 * `known` while the workspace is built, then `begin`, `analyze` in place of
 * `workspace.analyze`, and `save`.
 */
export class CachedCheck {
  private readonly analysed = new Map<string, { findings: Finding[]; unreadable: number }>();
  /** Findings a caller recorded (`record`), with the text they are of. */
  private readonly recorded = new Map<string, { text: string; findings: Finding[]; unreadable: number }>();
  private readonly hashes = new Map<string, { text: string; hash: string }>();
  private reusable = new Map<string, CachedFile>();
  private workspace?: Workspace;
  private isShipped: (file: string) => boolean = () => false;
  private runKey = '';
  private settings = '';
  /** The listed files and their metadata before the run read them (`observe`). */
  private listed: readonly string[] = [];
  private readonly stats = new Map<string, { key: string; mtimeNs: bigint }>();
  private racyFrom = 0n;
  private readonly previousRacyFrom: bigint;
  /** Listed files the workspace could not read, and why. */
  private readonly skipped = new Map<string, string>();
  /** The texts `begin` saw: the ones read from disk (a fix may replace them later). */
  private readTexts = new Map<string, string>();
  /** Set by `begin`: a text hashed from then on may not be the one on disk. */
  private begun = false;
  /** What `save` writes after a replay that read files: the last run's cache with their new metadata. */
  private rewrite?: CheckCacheContent;

  private constructor(
    private readonly store: CheckCache,
    private readonly options: CacheOptions,
    private readonly build: string,
    private readonly previous: CheckCacheContent | undefined,
  ) {
    this.previousRacyFrom = previous ? BigInt(previous.racyFrom) : 0n;
  }

  static async load(options: CacheOptions): Promise<CachedCheck> {
    const store = new CheckCache(options.folder);
    const build = buildId(options.version);
    return new CachedCheck(store, options, build, await store.read(build));
  }

  /**
   * Records the metadata of the files the run lists, before it reads them
   * (a file changed between the two is then found changed by the next run).
   */
  observe(listed: readonly string[]): void {
    this.listed = listed;
    this.racyFrom = BigInt(Date.now() - RACY_MARGIN_MS) * 1_000_000n;
    for (const file of listed) {
      const stat = statOf(file);
      if (stat) this.stats.set(file, stat);
    }
  }

  /** Records a listed file the workspace could not read (WorkspaceOptions.onSkipped). */
  skip(file: string, reason: string): void {
    this.skipped.set(file, reason);
  }

  /**
   * The last run's results when they hold whole: the same QueryLens, root and
   * configuration, the same listed files (`observe`), each with its recorded
   * metadata or else the same text, each shipped as it was, and not `--fix`.
   * When a file had to be read to tell it unchanged, the cache is rewritten
   * with its new metadata. Undefined when anything differs: the caller builds
   * the workspace.
   */
  replay(inputs: RunInputs): Replay | undefined {
    const previous = this.previous;
    this.settings = settingsKey(this.options.root, inputs.configFile, inputs.config);
    if (!previous || !this.options.readFindings || previous.settings !== this.settings) return undefined;
    if (Object.keys(previous.files).length + Object.keys(previous.left).length !== this.listed.length) return undefined;
    let read = 0;
    let rewrite = false;
    const skipped: Replay['skipped'] = [];
    const files: string[] = [];
    const byFile = new Map<string, CachedFile>();
    const now: Pick<CheckCacheContent, 'files' | 'left'> = { files: {}, left: {} };
    for (const file of this.listed) {
      const name = this.relative(file);
      const stat = this.stats.get(file);
      if (!stat) return undefined;
      const left = previous.left[name];
      if (left) {
        if (!this.sameOnDisk(left.stat, stat)) return undefined; // why it was left out may have changed
        if (left.skipped !== undefined) skipped.push({ file, reason: left.skipped });
        now.left[name] = left;
        continue;
      }
      const cached = previous.files[name];
      if (!cached || (cached.shipped ?? false) !== inputs.isShipped(file)) return undefined;
      if (!this.sameOnDisk(cached.stat, stat)) {
        const text = readTextFileSync(file, { maxBytes: MAX_SOURCE_BYTES }).text;
        read++;
        if (text === undefined || hashText(text) !== cached.hash) return undefined;
        // Recorded anew: its new metadata, or the same out of the racy window now.
        if (cached.stat !== stat.key || stat.mtimeNs < this.racyFrom) rewrite = true;
      }
      now.files[name] = { ...cached, stat: stat.key };
      byFile.set(file, cached);
      if (cached.analyses) files.push(file);
    }
    if (rewrite) this.rewrite = { ...previous, racyFrom: String(this.racyFrom), ...now };
    return {
      files: files.sort(),
      skipped,
      read,
      findingsOf: (file) => byFile.get(file)?.findings,
      unreadableIn: (file) => byFile.get(file)?.unreadable ?? 0,
      schemaKeyOf: (file) => byFile.get(file)?.schemaKey ?? '',
    };
  }

  /** What the last run read of this text of a Python file (WorkspaceOptions.known). */
  known(file: string, text: string): FileFacts | undefined {
    const cached = this.previous?.files[this.relative(file)];
    return cached?.facts && cached.hash === this.hashOf(file, text) ? cached.facts : undefined;
  }

  /**
   * Whether the last run recorded findings of `file` for this text: a hint,
   * before the workspace is built, that `heldFindings` may give them.
   */
  recordedFindingsFor(file: string, text: string): boolean {
    const cached = this.previous?.files[this.relative(file)];
    return cached?.findings !== undefined && cached.hash === hashText(text);
  }

  /**
   * The findings the last run recorded of `file`, when they hold for this
   * workspace (`begin`): the same text, configuration and files, and the same
   * schema (a language server shows them before it has analysed the file).
   */
  heldFindings(file: string): Finding[] | undefined {
    return this.reusable.get(file)?.findings;
  }

  /**
   * Records the findings a caller worked out of `file`'s `text` (the language
   * server's, of the open files), written by the next `save` while that is
   * still the workspace's text. Without their fixes: they are shown, never applied.
   */
  record(file: string, text: string, findings: Finding[], unreadable: number): void {
    this.recorded.set(file, { text, findings: findings.map((finding) => ({ ...finding, fixes: [] })), unreadable });
  }

  /** Decides which cached findings hold for this workspace. */
  begin(workspace: Workspace, inputs: RunInputs): void {
    this.workspace = workspace;
    this.isShipped = inputs.isShipped;
    this.settings = settingsKey(this.options.root, inputs.configFile, inputs.config);
    this.runKey = hashOf([workspace.root, inputs.configFile, JSON.stringify(inputs.config), ...workspace.inputFiles().map((file) => this.relative(file))]);
    const previous = this.previous?.runKey === this.runKey && this.options.readFindings ? this.previous : undefined;
    this.reusable = previous ? this.reusableFiles(workspace, previous) : new Map();
    this.readTexts = new Map(workspace.inputFiles().map((file) => [file, workspace.textOf(file)!]));
    this.begun = true;
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
    const workspace = this.workspace;
    if (!workspace) {
      if (this.rewrite) await this.store.write(this.rewrite, this.options.warn);
      return;
    }
    const files: Record<string, CachedFile> = {};
    const left: Record<string, LeftFile> = {};
    const influencing: string[] = [];
    // Whether a file that may change others' findings changed since `begin` (an editor's): the last run's findings then no longer hold.
    const inputs = workspace.inputFiles();
    let changedSinceBegin = inputs.length !== this.readTexts.size;
    const kepts: string[] = [];
    for (const file of inputs) {
      const text = workspace.textOf(file)!;
      // The metadata recorded before the file was read, while its text is the one read.
      const stat = this.readTexts.get(file) === text ? this.stats.get(file)?.key : undefined;
      const hash = this.hashOf(file, text);
      const name = this.relative(file);
      const cached = this.previous?.files[name];
      const shipped = this.isShipped(file);
      const influences = cached?.hash === hash ? cached.influences : workspace.influencesOthers(file);
      if (influences) influencing.push(name, hash, String(shipped));
      const read = this.readTexts.get(file);
      if (read === undefined || (influences && read !== text)) changedSinceBegin = true;
      const kept = this.reusable.get(file);
      const recorded = this.recorded.get(file);
      const reused = kept?.findings && read === text ? { findings: kept.findings, unreadable: kept.unreadable ?? 0 } : undefined;
      const result = this.analysed.get(file) ?? (recorded?.text === text ? recorded : undefined) ?? reused;
      if (result && result === reused) kepts.push(name);
      const facts = workspace.factsOf(file);
      const schema = workspace.schemaChangesOf(file) ?? (cached?.hash === hash ? cached.schema : undefined);
      const signals = schema ? workspace.dialectSignalsOf(file) : undefined;
      const analyses = workspace.analyses(file);
      const findings = result && analyses ? result.findings : undefined;
      files[name] = {
        hash,
        ...(stat !== undefined ? { stat } : {}),
        shipped,
        influences,
        ...(analyses ? { analyses } : {}),
        ...(findings ? { findings, unreadable: result!.unreadable } : {}),
        ...(findings?.some((f) => f.index) ? { schemaKey: workspace.schemaKeyOf(file) } : {}),
        ...(facts ? { facts } : {}),
        ...(schema ? { schema } : {}),
        ...(signals ? { signals } : {}),
      };
    }
    if (changedSinceBegin) {
      for (const name of kepts) {
        const { findings: _findings, unreadable: _unreadable, schemaKey: _schemaKey, ...rest } = files[name];
        files[name] = rest;
      }
    }
    this.recorded.clear(); // findings of the workspace as it is now: recorded again for the next write
    // The listed files the workspace did not take (another engine's SQL, unreadable): the same metadata, the same outcome.
    for (const file of this.listed) {
      const stat = this.stats.get(file);
      if (stat && workspace.textOf(file) === undefined) left[this.relative(file)] = { stat: stat.key, ...(this.skipped.has(file) ? { skipped: this.skipped.get(file)! } : {}) };
    }
    const content: CheckCacheContent = { build: this.build, runKey: this.runKey, catalog: hashOf(influencing), settings: this.settings, racyFrom: String(this.racyFrom), files, left };
    await this.store.write(content, this.options.warn);
  }

  /** The last run's entry of a file whose metadata is the one recorded, outside the racy window: its text is the one hashed then. */
  private unchangedOnDisk(file: string): CachedFile | undefined {
    const cached = this.previous?.files[this.relative(file)];
    const stat = this.stats.get(file);
    return stat !== undefined && this.sameOnDisk(cached?.stat, stat) ? cached : undefined;
  }

  /** Whether a file's metadata now (`observe`) is the one the last run recorded, outside that run's racy window. */
  private sameOnDisk(recorded: string | undefined, now: { key: string; mtimeNs: bigint }): boolean {
    return recorded === now.key && now.mtimeNs < this.previousRacyFrom;
  }

  /** Each file's path relative to the root, asked several times a run of each file (`relative`). */
  private readonly names = new Map<string, string>();

  private relative(file: string): string {
    let name = this.names.get(file);
    if (name === undefined) this.names.set(file, (name = workspacePath(this.options.root, file)));
    return name;
  }

  private hashOf(file: string, text: string): string {
    const known = this.hashes.get(file);
    if (known?.text === text) return known.hash;
    // Until `begin`, the texts are the ones the workspace read: one whose metadata is unchanged is the text hashed last time.
    const hash = (!this.begun && this.unchangedOnDisk(file)?.hash) || hashText(text);
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
