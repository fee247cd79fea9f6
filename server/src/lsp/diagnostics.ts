/**
 * Publishes findings as diagnostics, debounced: a burst of keystrokes costs
 * one analysis. The document being typed in goes first; the other affected
 * files follow in small slices so new keystrokes are not kept waiting.
 *
 * A file is analysed in slices (slices.ts) as a run: a newer version of the
 * file stops the run of the older one, which is then never published; a
 * hover or code action joins the run of the current version instead of
 * waiting behind a stale one.
 */
import type { Connection, Diagnostic } from 'vscode-languageserver/node';
import { defaultSettings } from '../../../shared/settings';
import type { Finding } from '../../../shared/types';
import { diagnosticsWithBaseline } from './baseline';
import { toDiagnostic } from './convert';
import type { FolderState } from './folders';
import { describe, type Logger } from './guard';
import { tooLargeNotice } from './largeFiles';
import { ShownDiagnostics } from './shownDiagnostics';
import { inSlices, SLICE_MS } from './slices';

export interface DiagnosticsHost {
  folderFor(file: string): FolderState | undefined;
  /** URI of the open document for `file`, if it is open. */
  openUri(file: string): string | undefined;
  /** Version of the open document, for clients that check it. */
  openVersion(uri: string): number | undefined;
  uriOf(file: string): string;
  /** Hands pending buffer edits to the workspaces (see PendingEdits) before they are read. */
  applyPendingEdits(): void;
  /** `file`'s current version was analysed (its schema is known now). */
  analysed?(file: string): void;
  /** Whether `file`'s workspace is being indexed: only the findings of its own text are given then (Workspace.syntaxFindingsSteps). */
  indexing?(file: string): boolean;
  /** Whether `file`'s folder is being read for the findings its disk state recorded of the open files: none is analysed meanwhile. */
  awaitingRecorded?(file: string): boolean;
}

/** One file's analysis in slices; `cancelled` stops it at its next slice. */
interface Run {
  file: string;
  cancelled: boolean;
  /** Its findings; undefined when it was stopped or the file changed meanwhile. */
  done: Promise<Finding[] | undefined>;
}

export class DiagnosticsPublisher {
  private readonly urgent = new Set<string>();
  private readonly rest = new Set<string>();
  /** Cancels the pending drain; undefined while none is pending (or while draining). */
  private timer: (() => void) | undefined;
  /** Findings by file, dropped when the file may have changed. */
  private readonly findings = new Map<string, Finding[]>();
  /** Files whose last published diagnostics were not empty, by URI. */
  private readonly nonEmpty = new Map<string, string>();
  /** The analyses under way, by file. */
  private readonly runs = new Map<string, Run>();
  private draining = false;
  /** The run the drain waits for, and whether its file was urgent. */
  private drainRun: { run: Run; urgent: boolean } | undefined;
  /** The findings last published of the files published last, with their diagnostics (`diagnosticsAfter`). */
  private readonly converted = new Map<string, { findings: Finding[]; diagnostics: Diagnostic[] }>();
  /** What the client shows of each URI, so the same diagnostics are not published again. */
  readonly shown = new ShownDiagnostics();

  constructor(
    private readonly connection: Connection,
    private readonly host: DiagnosticsHost,
    private readonly logger: Logger,
  ) {}

  /** Whether `file`'s diagnostics should be shown at all. */
  isShown(folder: FolderState, file: string): boolean {
    if (!folder.workspace || folder.settings?.querylens.enable === false) return false;
    if (this.host.openUri(file)) return folder.workspace.includes(file);
    return folder.analyzedOnDemand || folder.settings?.querylens.diagnostics.workspace === true;
  }

  /**
   * The findings of `file`, analysed now if they are not known (all at once:
   * for a request that asks for every file; hover and code actions use
   * `currentFindings`).
   */
  findingsOf(file: string): Finding[] {
    this.host.applyPendingEdits();
    const known = this.findings.get(file);
    if (known) return known;
    const workspace = this.host.folderFor(file)?.workspace;
    if (!workspace || !workspace.includes(file)) return [];
    let findings: Finding[] = [];
    try {
      findings = workspace.analyze(file, { readOnce: !this.host.openUri(file) });
    } catch (error) {
      this.logger.error(`QueryLens: analysing ${file} failed: ${describe(error)}`);
    }
    this.analysed(file, findings);
    return findings;
  }

  /**
   * The findings of `file`'s current version, analysed in slices if they are
   * not known. When the file changes meanwhile, the newer version's.
   */
  async currentFindings(file: string): Promise<Finding[]> {
    for (;;) {
      const findings = await this.latestFindings(file);
      if (findings) return findings;
    }
  }

  /** The findings of the current version: known, or from its run (undefined when the file changed meanwhile). */
  private latestFindings(file: string): Finding[] | Promise<Finding[] | undefined> {
    this.host.applyPendingEdits();
    const known = this.findings.get(file);
    if (known) return known;
    const workspace = this.host.folderFor(file)?.workspace;
    if (!workspace || !workspace.includes(file)) return [];
    const running = this.runs.get(file);
    if (running) return running.done;
    // Nothing shown yet, nothing to tell: its analysis would be dropped as soon as the folder is read.
    if (this.host.awaitingRecorded?.(file) === true) return [];
    const run: Run = { file, cancelled: false, done: Promise.resolve(undefined) };
    this.runs.set(file, run);
    // Partial findings are dropped when indexing ends (the server invalidates every file then).
    const partial = this.host.indexing?.(file) === true;
    // A file not open in the editor is not typed in: its syntax tree is not kept (Workspace.analyzeSteps).
    const steps = partial ? workspace.syntaxFindingsSteps(file) : workspace.analyzeSteps(file, { readOnce: !this.host.openUri(file) });
    run.done = inSlices(steps, () => run.cancelled).then(
      (findings) => {
        if (this.runs.get(file) === run) this.runs.delete(file);
        if (run.cancelled || findings === undefined) return undefined;
        if (partial) this.findings.set(file, findings);
        else this.analysed(file, findings);
        return findings;
      },
      (error: unknown) => {
        if (this.runs.get(file) === run) this.runs.delete(file);
        this.logger.error(`QueryLens: analysing ${file} failed: ${describe(error)}`);
        if (run.cancelled) return undefined;
        this.analysed(file, []);
        return [];
      },
    );
    return run.done;
  }

  private analysed(file: string, findings: Finding[]): void {
    this.findings.set(file, findings);
    const workspace = this.host.folderFor(file)?.workspace;
    try {
      this.host.analysed?.(file);
    } catch (error) {
      this.logger.error(`QueryLens: after analysing ${file}: ${describe(error)}`);
    }
    if (!workspace || !this.host.openUri(file)) return;
    // Typing usually follows opening: make its first edit as quick as the next ones, once the findings are
    // published (on polar's service.py this costs about as much as the analysis, and held them back as long).
    setImmediate(() => {
      try {
        if (this.host.folderFor(file)?.workspace === workspace && this.host.openUri(file)) workspace.prepareForEdits(file);
      } catch (error) {
        this.logger.error(`QueryLens: after analysing ${file}: ${describe(error)}`);
      }
    });
  }

  /** The findings of `file` known now (the array `currentFindings` gave while nothing changed since), if any. */
  knownFindings(file: string): Finding[] | undefined {
    return this.findings.get(file);
  }

  /**
   * Publishes `findings` of the open document `file` now, without keeping them:
   * findings an earlier run recorded of its text, shown until it is analysed.
   */
  show(file: string, findings: Finding[]): void {
    const folder = this.host.folderFor(file);
    const uri = this.host.openUri(file);
    if (!folder?.workspace || uri === undefined || !this.isShown(folder, file) || folder.workspace.tooLarge(file)) return;
    this.send(uri, file, this.toDiagnostics(folder, file, findings));
  }

  /** Forgets cached findings (they are recomputed when next needed) and stops their analyses. */
  invalidate(files: Iterable<string>): void {
    for (const file of files) {
      this.findings.delete(file);
      this.cancel(file);
    }
  }

  invalidateAll(): void {
    this.findings.clear();
    for (const file of [...this.runs.keys()]) this.cancel(file);
  }

  private cancel(file: string): void {
    const run = this.runs.get(file);
    if (!run) return;
    run.cancelled = true;
    this.runs.delete(file);
  }

  /** `files` may have new findings: forget the old ones and re-publish them. */
  refresh(files: readonly string[], delayMs: number, first?: string): void {
    this.invalidate(files);
    if (first !== undefined) this.invalidate([first]);
    this.schedule(files, delayMs, first);
  }

  /**
   * Re-publishes `files` (those shown, or showing something) after `delayMs`;
   * `first` (the document being typed in) goes before the others.
   */
  schedule(files: readonly string[], delayMs: number, first?: string): void {
    if (first !== undefined) {
      this.rest.delete(first);
      this.urgent.add(first);
      // The document being typed in goes first: another file's analysis starts again after it.
      const waiting = this.drainRun;
      if (waiting && waiting.run.file !== first) {
        this.cancel(waiting.run.file);
        (waiting.urgent ? this.urgent : this.rest).add(waiting.run.file);
      }
    }
    for (const file of files) {
      if (file === first || this.urgent.has(file)) continue;
      const folder = this.host.folderFor(file);
      if ((folder && this.isShown(folder, file)) || this.nonEmpty.has(file)) this.rest.add(file);
    }
    this.timer?.();
    const run = () => {
      this.timer = undefined;
      this.drain();
    };
    // No debounce: right after the pending I/O, not after a timer's minimum millisecond.
    if (delayMs <= 0) {
      const immediate = setImmediate(run);
      this.timer = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(run, delayMs);
      this.timer = () => clearTimeout(timeout);
    }
  }

  /** Files that show diagnostics now (to clear them when a folder goes away). */
  shownFiles(): string[] {
    return [...this.nonEmpty.keys()];
  }

  private drain(): void {
    if (this.draining) return; // the drain under way goes on with what is queued
    this.draining = true;
    void this.drainQueued()
      .catch((error) => this.logger.error(`QueryLens: publishing diagnostics failed: ${describe(error)}`))
      .finally(() => {
        this.draining = false;
        this.drainRun = undefined;
      });
  }

  private async drainQueued(): Promise<void> {
    let started = Date.now();
    // A new keystroke re-arms the timer: stop and let it drain after the new debounce.
    while (this.timer === undefined) {
      const urgent = this.urgent.size > 0;
      const file = take(this.urgent) ?? take(this.rest);
      if (file === undefined) return;
      const publishing = this.publish(file, urgent);
      if (publishing) {
        await publishing;
        started = Date.now();
      } else if (Date.now() - started > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        started = Date.now();
      }
    }
  }

  /**
   * Publishes `file`'s diagnostics (empty when it is not shown): now when its
   * findings are known, else once its run ends (a promise then), and not at
   * all when the file changed meanwhile (the newer version is queued).
   */
  private publish(file: string, urgent: boolean): Promise<void> | undefined {
    const folder = this.host.folderFor(file);
    const shown = folder !== undefined && this.isShown(folder, file);
    const uri = this.host.openUri(file) ?? this.host.uriOf(file);
    if (!shown) {
      if (this.nonEmpty.has(file)) this.send(this.nonEmpty.get(file)!, file, []);
      return undefined;
    }
    const workspace = folder.workspace!;
    const findings = this.latestFindings(file);
    if (workspace.tooLarge(file)) {
      const limitKb = folder.settings?.querylens.maxFileSizeKb ?? defaultSettings().maxFileSizeKb;
      this.send(uri, file, [tooLargeNotice(workspace.textOf(file) ?? '', limitKb)]);
      return undefined;
    }
    if (Array.isArray(findings)) {
      this.send(uri, file, this.toDiagnostics(folder, file, findings));
      return undefined;
    }
    const run = this.runs.get(file);
    if (run) this.drainRun = { run, urgent };
    return findings.then((found) => {
      this.drainRun = undefined;
      if (found) this.send(this.host.openUri(file) ?? uri, file, this.toDiagnostics(folder, file, found));
    });
  }

  /** The diagnostics of `findings`, those the folder's baseline holds at the baseline severity. */
  private toDiagnostics(folder: FolderState, file: string, findings: Finding[]): Diagnostic[] {
    const baseline = folder.baseline?.fingerprints;
    const severity = folder.settings?.querylens.baselineSeverity ?? defaultSettings().baselineSeverity;
    if (baseline) return diagnosticsWithBaseline(findings, folder.root, baseline, severity);
    const diagnostics = diagnosticsAfter(this.converted.get(file), findings);
    this.converted.delete(file);
    this.converted.set(file, { findings, diagnostics });
    if (this.converted.size > CONVERTED_KEPT) this.converted.delete(this.converted.keys().next().value!);
    return diagnostics;
  }

  private send(uri: string, file: string, diagnostics: Diagnostic[]): void {
    if (diagnostics.length > 0) this.nonEmpty.set(file, uri);
    else this.nonEmpty.delete(file);
    if (this.shown.alreadyShown(file, uri, diagnostics)) return;
    const version = this.host.openVersion(uri);
    void this.connection
      .sendDiagnostics({ uri, version, diagnostics })
      .catch((error) => this.logger.error(`QueryLens: publishing ${uri} failed: ${describe(error)}`));
  }
}

/** Files whose last published findings are kept to convert their next ones (typing publishes one file again and again). */
const CONVERTED_KEPT = 4;

/**
 * `findings.map(toDiagnostic)`, the findings the last ones (`last`) began and ended with taking
 * their diagnostics from there: all but the few an edit made, looked up without reading them.
 */
export function diagnosticsAfter(last: { findings: Finding[]; diagnostics: Diagnostic[] } | undefined, findings: Finding[]): Diagnostic[] {
  if (!last) return findings.map(toDiagnostic);
  const before = last.findings;
  const most = Math.min(before.length, findings.length);
  let prefix = 0;
  while (prefix < most && before[prefix] === findings[prefix]) prefix++;
  let suffix = 0;
  while (suffix < most - prefix && before[before.length - 1 - suffix] === findings[findings.length - 1 - suffix]) suffix++;
  const diagnostics = last.diagnostics.slice(0, prefix);
  for (let i = prefix; i < findings.length - suffix; i++) diagnostics.push(toDiagnostic(findings[i]!));
  for (let i = before.length - suffix; i < before.length; i++) diagnostics.push(last.diagnostics[i]!);
  return diagnostics;
}

function take(set: Set<string>): string | undefined {
  for (const value of set) {
    set.delete(value);
    return value;
  }
  return undefined;
}
