/**
 * The editor's side of baselines: the folder's `querylens.baseline` file,
 * read with the bounded reader (inside the folder, regular, size-limited),
 * and the findings it holds shown at `querylens.baselineSeverity` at most, so
 * that accepted problems stay visible without drowning the new ones.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { BaselineSeveritySetting } from '../../../shared/settings';
import type { Finding } from '../../../shared/types';
import { baselined, loadBaseline } from '../core/baseline/file';
import { toDiagnostic } from './convert';

export interface FolderBaseline {
  /** Absolute path of the baseline file. */
  file: string;
  /** Unset when the file could not be used (`error` says why). */
  fingerprints?: Set<string>;
  error?: string;
}

/** The baseline the setting names (relative to the folder), or undefined when it names none. */
export async function readFolderBaseline(root: string, setting: string): Promise<FolderBaseline | undefined> {
  if (setting.trim() === '') return undefined;
  const file = resolve(root, setting);
  const loaded = await loadBaseline(file, root);
  return loaded.error === undefined ? { file, fingerprints: loaded.fingerprints } : { file, error: loaded.error };
}

/** A glob a file watcher can follow the baseline with: relative to the folder. */
export function baselineWatchPattern(root: string, baseline: FolderBaseline): string | undefined {
  const rel = relative(root, baseline.file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? undefined : rel.split('\\').join('/');
}

const LOWERED: Record<Exclude<BaselineSeveritySetting, 'off'>, DiagnosticSeverity> = {
  hint: DiagnosticSeverity.Hint,
  info: DiagnosticSeverity.Information,
};

/** The file's diagnostics: a finding the baseline holds at `severity` at most (a lower one kept), or none with `off`. */
export function diagnosticsWithBaseline(findings: readonly Finding[], root: string, fingerprints: Set<string>, severity: BaselineSeveritySetting): Diagnostic[] {
  const held = baselined(findings, root, fingerprints);
  return findings.flatMap((finding, i) => {
    const diagnostic = toDiagnostic(finding);
    if (!held[i]) return [diagnostic];
    if (severity === 'off') return [];
    // DiagnosticSeverity counts up from Error (1) to Hint (4): the larger is the lower.
    return [{ ...diagnostic, severity: Math.max(diagnostic.severity ?? DiagnosticSeverity.Error, LOWERED[severity]) as DiagnosticSeverity, message: `${diagnostic.message} (baselined)` }];
  });
}
