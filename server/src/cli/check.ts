/**
 * `querylens check`: loads the config, builds one workspace over the root,
 * analyses the requested files and returns the findings. Everything is read
 * once and parsed once; output is the caller's business.
 */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_RULE_ID, type Finding, type Fix } from '../../../shared/types';
import { loadConfig, unmatchedIncludes } from '../core/config/load';
import { CONFIG_FILE_NAME, type ConfigProblem, type LoadedConfig } from '../core/config/types';
import { oneWarningPerIndex } from '../core/engine/analysis';
import { Workspace } from '../core/engine/workspace';
import { rules } from '../core/rules/index';
import { initHostParsers, keepTreesForReuse } from '../core/host/treesitter';
import { initParsers } from '../core/sql/parse';
import { ChangedFilesError, changedFiles, gitHistory, type ChangedFiles } from '../history/git';
import type { MigrationHistory } from '../core/migrations/history';
import { UsageError, type CacheArgs, type ChangedArgs } from './args';
import { CachedCheck, type Replay } from '../cache/cachedCheck';
import { DEFAULT_CACHE_FOLDER } from '../cache/checkCache';
import { version } from '../../../package.json';
import { chainMigrationFixes, coveredIndexFixes, preferredFixes } from '../core/engine/chain';
import { applyFixes, applyModelEdits, writeFixedFiles, writeNewFiles } from './fix';
import { compareFindings, fingerprintsOf, type ChangedSelection, type CheckReport } from './report';
import { readBaseline, writeBaseline } from './baseline';
import { workspacePath } from '../core/config/files';
import { findRoot, isDirectory } from './root';
import { sqliteSyntaxOracle } from '../db/syntax-oracle';

export interface CheckOptions {
  paths: string[];
  config?: string;
  fix: boolean;
  /** `--changed [--since REF]`: only the files changed since the merge base, and their dependents. */
  changed?: ChangedArgs;
  cwd: string;
  /** Where warnings about skipped paths and rule crashes go. */
  warn(message: string): void;
  /** Report phase timings through `warn` (QUERYLENS_TIMING=1). */
  timing?: boolean;
  /** `--baseline FILE` (relative to `cwd`): mark the findings it holds. */
  baseline?: string;
  /** `--update-baseline`: write `baseline` from this run's findings instead. */
  updateBaseline?: boolean;
  /** `--cache [--cache-location DIR]`: reuse the findings of the last run where they still hold. */
  cache?: CacheArgs;
}

/** Phase timings for `QUERYLENS_TIMING=1`: where a slow run spends its time. */
class PhaseTimer {
  private last = performance.now();
  private readonly phases: string[] = [];
  constructor(private readonly enabled = false) {}
  mark(phase: string): void {
    if (!this.enabled) return;
    const now = performance.now();
    this.phases.push(`${phase} ${(now - this.last).toFixed(0)} ms`);
    this.last = now;
  }
  report(warn: (message: string) => void): void {
    if (this.enabled) warn(`timing: ${this.phases.join(', ')}`);
  }
}

/** See `keepTreesForReuse`: polar's 1,000 Python files take about 40 MB. */
const TREES_KEPT_BYTES = 64 * 2 ** 20;

/** Thrown when a file's reading asks whether a file shipped before git answered (`runCheck`'s read-ahead). */
class HistoryNotReady extends Error {
  constructor() {
    super('asked whether a file shipped before git answered');
  }
}

export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const targets = (options.paths.length > 0 ? options.paths : ['.']).map((p) => path.resolve(options.cwd, p));
  for (const target of targets) {
    if (!existsSync(target)) throw new UsageError(`no such file or folder: ${target}`);
  }
  const explicitConfig = options.config === undefined ? undefined : path.resolve(options.cwd, options.config);
  if (explicitConfig !== undefined && !existsSync(explicitConfig)) throw new UsageError(`no such config file: ${explicitConfig}`);

  const timing = new PhaseTimer(options.timing);
  // A Python file is parsed twice in a check (its models first, its queries once every file's
  // models are known): up to this much of the first parses' trees is kept for the second.
  keepTreesForReuse(TREES_KEPT_BYTES);
  const root = findRoot(targets[0]);
  const baselineFile = options.baseline === undefined ? undefined : path.resolve(options.cwd, options.baseline);
  // Read first: a missing or broken baseline is a usage error, not worth an analysis.
  const known = baselineFile !== undefined && !options.updateBaseline ? await readBaseline(baselineFile, root, options.baseline!) : undefined;
  // A pull request's migrations are committed on its branch: with --changed, shipped means "at the base already".
  // git is asked while the config is read, the parsers load and the files are read.
  const gitFacts = changesSince(root, options.changed).then(async (changes) => ({ changes, history: changes?.history ?? (await gitHistory(root)) }));
  // A run that may take the last run's findings whole (check --cache, unchanged files) loads no parser: the workspace loads them when it is built.
  const mayReplay = options.cache !== undefined && !options.fix && !options.changed;
  const cacheLoaded = options.cache
    ? CachedCheck.load({
        folder: options.cache.location !== undefined ? path.resolve(options.cwd, options.cache.location) : path.join(root, DEFAULT_CACHE_FOLDER),
        root,
        version,
        readFindings: !options.fix,
        warn: options.warn,
      })
    : undefined;
  // git's answer is waited for when it is first needed (`--changed`: at once, it decides what is read; else once the
  // files are read): in a copy of a repository (a container's, a benchmark's) git hashes every tracked file again to
  // tell that none changed (documenso: 0.5 s), which runs beside the scan. Nothing asks whether a file shipped before.
  gitFacts.catch(() => undefined); // its failure is reported where it is awaited
  let facts: Awaited<typeof gitFacts> | undefined;
  const history: MigrationHistory = {
    isShipped: (file) => {
      if (!facts) throw new HistoryNotReady();
      return facts.history.isShipped(file);
    },
  };
  const [loaded, , early, cache] = await Promise.all([loadConfig(root, explicitConfig, { allowOutside: true }), mayReplay ? undefined : initParsers(), options.changed ? gitFacts : undefined, cacheLoaded]);
  facts = early;
  timing.mark(mayReplay ? 'config + cache' : 'config + parsers');
  const configFile = loaded.file ?? explicitConfig ?? path.join(root, CONFIG_FILE_NAME);
  const inputs = { configFile, config: loaded.config, isShipped: (file: string) => history.isShipped(file) };
  const workspaceOptions = {
    ...(cache ? { known: (file: string, text: string) => cache.known(file, text) } : {}),
    root,
    config: loaded.config,
    history,
    onError: (message: string) => options.warn(`internal error (analysis goes on): ${message}`),
    onSkipped: (file: string, reason: string) => {
      cache?.skip(file, reason);
      options.warn(`skipped ${file}: ${reason}`);
    },
    syntaxOracle: sqliteSyntaxOracle(),
  };
  // The cache records each file's metadata before the workspace reads it.
  const listed = cache ? await Workspace.listFiles(workspaceOptions) : undefined;
  if (listed) cache!.observe(listed);
  if (mayReplay) facts ??= await gitFacts;
  const replay = mayReplay ? cache!.replay(inputs) : undefined;
  if (replay) {
    timing.mark(`scan + stat ${listed!.length} files (${replay.read} read)`);
    const replayed = replayedReport(replay, loaded, root, targets, options.warn);
    if (replayed) {
      timing.mark(`analyse ${replayed.files.length} files (0 not from the cache)`);
      await cache!.save();
      return finishReport(replayed.findings, replayed.files, replay.unreadableIn, { root, loaded, configFile, problems: replayed.unmatched, known, baselineFile, options, targets, timing });
    }
  }
  const workspace = await Workspace.create(workspaceOptions, listed);

  timing.mark('scan + read');
  const unmatched = unmatchedIncludes(loaded, root, workspace.files());
  for (const problem of unmatched) options.warn(problem.message);
  let files = selectFiles(workspace.files(), targets, options.warn, (file) => workspace.skipReason(file));
  if (!facts) {
    // Until git answers, the files are read as their analysis starts (a run with the cache reads only what it must: none).
    let answered = false;
    void gitFacts.finally(() => (answered = true)).catch(() => undefined);
    for (let at = 0; !cache && !answered && at < files.length; at++) {
      try {
        workspace.readAhead(files[at]!);
      } catch (error) {
        // Reading a file asked whether one shipped: its analysis waits for git like the others (read again then).
        if (error instanceof HistoryNotReady) break;
        throw error;
      }
      await new Promise((resolve) => setImmediate(resolve)); // git's answer comes in between
    }
    facts = await gitFacts;
    timing.mark('read ahead + git');
  }
  const { changes } = facts;
  let changed: ChangedSelection | undefined;
  if (changes) ({ files, changed } = selectChanged(workspace, files, changes, loaded.file ?? explicitConfig));
  cache?.begin(workspace, inputs);
  const analyze = (file: string) => (cache ? cache.analyze(file) : workspace.analyze(file));
  // One warning per missing index in the run: the same index wanted in several files is counted once.
  const across = { relative: (file: string) => workspacePath(root, file), schemaOf: (file: string) => workspace.schemaKeyOf(file) };
  const analyzeAll = () => oneWarningPerIndex(files.flatMap(analyze), across);
  let findings = analyzeAll();
  timing.mark(`analyse ${files.length} files${cache ? ` (${cache.analysedCount()} not from the cache)` : ''}`);

  if (options.fix) {
    const changed = applyFixes(findings, (file) => workspace.textOf(file));
    // Planned on the texts the in-file fixes left; a chain's edits of existing files (a drizzle-kit journal, a Drizzle table) join them.
    const preferred = preferredFixes(findings);
    const now = new Date();
    const chain = (fixes: Fix[]) => chainMigrationFixes(fixes, workspace.migrationSets(), workspace.catalog(), now, (file) => changed.get(file) ?? workspace.textOf(file));
    let chained = chain(preferred);
    // The models beside their new migrations (schema.prisma's @@index, a TypeORM entity's @Index), so the ORM's tools agree
    // with them; a migration whose model edit cannot be made now is left for the next run with it.
    const models = applyModelEdits(preferred, new Set([...chained.skipped, ...coveredIndexFixes(preferred)]), changed, (file) => workspace.textOf(file));
    if (models.rejected.size > 0) chained = chain(preferred.filter((fix) => !models.rejected.has(fix)));
    for (const [file, text] of chained.edited) changed.set(file, text);
    for (const [file, text] of models.changed) changed.set(file, text);
    const written = changed.size > 0 ? writeFixedFiles(root, changed, options.warn) : [];
    for (const file of written) workspace.setFile(file, changed.get(file)!);
    const created = writeNewFiles(root, chained.files, options.warn);
    // A new file of a language the workspace had none of is read with its grammar (the workspace loaded its languages' only).
    if (created.length > 0) await initHostParsers();
    for (const file of created) if (workspace.includes(file)) workspace.setFile(file, chained.files.find((f) => f.file === file)!.content);
    if (written.length > 0 || created.length > 0) findings = analyzeAll();
  }

  await cache?.save();
  return finishReport(findings, files, (file) => (cache ?? workspace).unreadableIn(file), { root, loaded, configFile, problems: unmatched, known, baselineFile, options, targets, timing, changed });
}

/**
 * The report of a run that takes the last run's findings whole (`CachedCheck.replay`):
 * the same warnings and findings a run building the workspace gives; undefined
 * when a requested file has no findings in the cache (the last run did not check it).
 */
function replayedReport(replay: Replay, loaded: LoadedConfig, root: string, targets: string[], warn: (message: string) => void): { files: string[]; findings: Finding[]; unmatched: ConfigProblem[] } | undefined {
  const warnings: string[] = [];
  // A file named that the last run did not analyse: a full run says why (a default skip, another language).
  let unknownNamed = false;
  const files = selectFiles(replay.files, targets, (message) => warnings.push(message), () => {
    unknownNamed = true;
    return undefined;
  });
  if (unknownNamed) return undefined;
  const found = files.map((file) => replay.findingsOf(file));
  if (found.some((findings) => findings === undefined)) return undefined;
  for (const { file, reason } of replay.skipped) warn(`skipped ${file}: ${reason}`);
  const unmatched = unmatchedIncludes(loaded, root, replay.files);
  for (const problem of unmatched) warn(problem.message);
  for (const message of warnings) warn(message);
  const across = { relative: (file: string) => workspacePath(root, file), schemaOf: (file: string) => replay.schemaKeyOf(file) };
  return { files, findings: oneWarningPerIndex((found as Finding[][]).flat(), across), unmatched };
}

interface Finishing {
  root: string;
  loaded: LoadedConfig;
  configFile: string;
  /** The configuration's problems beyond the loader's (`unmatchedIncludes`). */
  problems: ConfigProblem[];
  /** The baseline's fingerprints, when one is read. */
  known: Set<string> | undefined;
  baselineFile: string | undefined;
  options: CheckOptions;
  targets: string[];
  timing: PhaseTimer;
  changed?: ChangedSelection;
}

/** The report of the checked `files`: their findings with the configuration's, sorted, and the baseline's marks (or its update). */
async function finishReport(findings: Finding[], files: string[], unreadableIn: (file: string) => number, run: Finishing): Promise<CheckReport> {
  const { root, configFile, known, baselineFile, options, targets, changed } = run;
  findings.push(...[...run.loaded.problems, ...run.problems].map((problem) => configFinding(configFile, problem)));
  findings.sort(compareFindings);
  run.timing.report(options.warn);
  const unreadable = files.reduce((sum, file) => sum + unreadableIn(file), 0);
  const report: CheckReport = { root, files: files.length, unreadable, findings, rules: rules.map((r) => r.meta), ...(changed ? { changed } : {}) };
  if (known) report.baselined = fingerprintsOf(report).map((print) => known.has(print));
  if (baselineFile !== undefined && options.updateBaseline) {
    const covered = [...targets, configFile].map((target) => workspacePath(root, target));
    const covers = (file: string) => covered.some((target) => target === '' || file === target || file.startsWith(`${target}/`));
    report.baselineUpdate = await writeBaseline(baselineFile, root, findings, covers);
    report.baselined = findings.map(() => true);
  }
  return report;
}

async function changesSince(root: string, args: ChangedArgs | undefined): Promise<ChangedFiles | undefined> {
  if (!args) return undefined;
  try {
    return await changedFiles(root, args.since);
  } catch (error) {
    if (error instanceof ChangedFilesError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * `--changed`: of the selected files, those changed and those whose findings
 * depend on a changed file; all of them when the configuration changed.
 */
function selectChanged(workspace: Workspace, selected: string[], changes: ChangedFiles, configFile: string | undefined): { files: string[]; changed: ChangedSelection } {
  const about = { since: changes.ref, base: changes.base };
  const wanted = new Set(selected);
  const own = changes.files.filter((file) => wanted.has(file));
  if (configFile !== undefined && changes.files.includes(configFile)) {
    return { files: selected, changed: { ...about, changed: own.length, dependents: selected.length - own.length, configChanged: true } };
  }
  const dependents = workspace.dependentsOf(changes.files.filter((file) => workspace.textOf(file) !== undefined), changes.deleted).filter((file) => wanted.has(file));
  const deleted = changes.deleted.length > 0 ? { deleted: changes.deleted.length } : {};
  return { files: [...own, ...dependents].sort(), changed: { ...about, changed: own.length, ...deleted, dependents: dependents.length } };
}

/**
 * The workspace's files under the requested targets (a target may be a file or a folder). A
 * file named that the workspace does not analyse is left out with a warning saying why (as
 * ESLint does for an ignored file): a default skip stays a skip, and says how to read it.
 */
function selectFiles(all: string[], targets: string[], warn: (message: string) => void, skipReason: (file: string) => string | undefined): string[] {
  const folders = targets.filter(isDirectory).map((dir) => (dir.endsWith(path.sep) ? dir : dir + path.sep));
  const known = new Set(all);
  const selected = new Set<string>();
  for (const target of targets) {
    if (folders.some((f) => f === target + path.sep)) continue;
    if (known.has(target)) selected.add(target);
    else if (!isRegularFile(target)) warn(`skipped ${target}: not a regular file (a named pipe, a device or a socket is never read)`);
    else warn(`skipped ${target}: ${skipReason(target) ?? 'not an analysed SQL file (excluded, ignored, or another language)'}`);
  }
  for (const file of all) {
    if (folders.some((folder) => file.startsWith(folder))) selected.add(file);
  }
  return [...selected].sort();
}

function isRegularFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function configFinding(file: string, problem: ConfigProblem): Finding {
  const zero = { line: 0, character: 0 };
  return {
    ruleId: CONFIG_RULE_ID,
    // The loader marks what it can safely ignore (an unknown setting) as a warning.
    severity: problem.severity ?? 'error',
    message: problem.message,
    file,
    range: problem.range ?? { start: zero, end: zero },
    fixes: [],
  };
}
