/**
 * Publishes findings as diagnostics, debounced: a burst of keystrokes costs
 * one analysis. The document being typed in goes first; the other affected
 * files follow in small slices so new keystrokes are not kept waiting.
 */
import type { Connection, Diagnostic } from 'vscode-languageserver/node';
import { defaultSettings } from '../../../shared/settings';
import type { Finding } from '../../../shared/types';
import { diagnosticsWithBaseline } from './baseline';
import { toDiagnostic } from './convert';
import type { FolderState } from './folders';
import { describe, type Logger } from './guard';
import { tooLargeNotice } from './largeFiles';

export interface DiagnosticsHost {
  folderFor(file: string): FolderState | undefined;
  /** URI of the open document for `file`, if it is open. */
  openUri(file: string): string | undefined;
  /** Version of the open document, for clients that check it. */
  openVersion(uri: string): number | undefined;
  uriOf(file: string): string;
  /** Hands pending buffer edits to the workspaces (see PendingEdits) before they are read. */
  applyPendingEdits(): void;
}

/** How long one slice of publishing may hold the event loop. */
const SLICE_MS = 15;

export class DiagnosticsPublisher {
  private readonly urgent = new Set<string>();
  private readonly rest = new Set<string>();
  /** Cancels the pending drain; undefined while none is pending (or while draining). */
  private timer: (() => void) | undefined;
  private sliceScheduled = false;
  /** Findings by file, dropped when the file may have changed. */
  private readonly findings = new Map<string, Finding[]>();
  /** Files whose last published diagnostics were not empty, by URI. */
  private readonly nonEmpty = new Map<string, string>();

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

  /** The findings of `file`, analysed now if they are not known. */
  findingsOf(file: string): Finding[] {
    this.host.applyPendingEdits();
    const known = this.findings.get(file);
    if (known) return known;
    const workspace = this.host.folderFor(file)?.workspace;
    if (!workspace || !workspace.includes(file)) return [];
    let findings: Finding[] = [];
    try {
      findings = workspace.analyze(file);
      // Typing usually follows opening: make its first edit as quick as the next ones.
      if (this.host.openUri(file)) workspace.prepareForEdits(file);
    } catch (error) {
      this.logger.error(`QueryLens: analysing ${file} failed: ${describe(error)}`);
    }
    this.findings.set(file, findings);
    return findings;
  }

  /** Forgets cached findings; they are recomputed when next needed. */
  invalidate(files: Iterable<string>): void {
    for (const file of files) this.findings.delete(file);
  }

  invalidateAll(): void {
    this.findings.clear();
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
    const started = Date.now();
    // A new keystroke re-arms the timer: stop and let it drain after the new debounce.
    while (this.timer === undefined) {
      const file = take(this.urgent) ?? take(this.rest);
      if (file === undefined) return;
      this.publish(file);
      if (Date.now() - started > SLICE_MS && !this.sliceScheduled) {
        this.sliceScheduled = true;
        setImmediate(() => {
          this.sliceScheduled = false;
          if (this.timer === undefined) this.drain();
        });
        return;
      }
    }
  }

  /** Publishes `file`'s diagnostics now (empty when it is not shown). */
  publish(file: string): void {
    const folder = this.host.folderFor(file);
    const shown = folder !== undefined && this.isShown(folder, file);
    const uri = this.host.openUri(file) ?? this.host.uriOf(file);
    if (!shown) {
      if (this.nonEmpty.has(file)) this.send(this.nonEmpty.get(file)!, file, []);
      return;
    }
    const findings = this.findingsOf(file);
    const workspace = folder.workspace!;
    if (workspace.tooLarge(file)) {
      const limitKb = folder.settings?.querylens.maxFileSizeKb ?? defaultSettings().maxFileSizeKb;
      this.send(uri, file, [tooLargeNotice(workspace.textOf(file) ?? '', limitKb)]);
    } else {
      const baseline = folder.baseline?.fingerprints;
      const severity = folder.settings?.querylens.baselineSeverity ?? defaultSettings().baselineSeverity;
      this.send(uri, file, baseline ? diagnosticsWithBaseline(findings, folder.root, baseline, severity) : findings.map(toDiagnostic));
    }
  }

  private send(uri: string, file: string, diagnostics: Diagnostic[]): void {
    if (diagnostics.length > 0) this.nonEmpty.set(file, uri);
    else this.nonEmpty.delete(file);
    const version = this.host.openVersion(uri);
    void this.connection
      .sendDiagnostics({ uri, version, diagnostics })
      .catch((error) => this.logger.error(`QueryLens: publishing ${uri} failed: ${describe(error)}`));
  }
}

function take(set: Set<string>): string | undefined {
  for (const value of set) {
    set.delete(value);
    return value;
  }
  return undefined;
}
