/**
 * The baseline file (`querylens check --update-baseline --baseline FILE`):
 * the findings a team accepted, by fingerprint, so that only new ones fail.
 * Written sorted and pretty, with workspace-relative paths only: it is
 * committed and reviewed like code. The rule, file and message of each entry
 * are there for the reader; matching uses the fingerprint alone.
 */
import type { Finding } from '../../../../shared/types';
import { MAX_CONFIG_BYTES, readTextFile } from '../config/read';
import { workspacePath } from '../config/files';
import { fingerprints } from './fingerprint';

export const BASELINE_VERSION = 1;
/** A baseline of a large project is bigger than a config file: some ten thousand entries. */
export const MAX_BASELINE_BYTES = 8 * MAX_CONFIG_BYTES;

export interface BaselineEntry {
  rule: string;
  file: string;
  fingerprint: string;
  message: string;
}

export interface BaselineFile {
  version: typeof BASELINE_VERSION;
  findings: BaselineEntry[];
}

/** The baseline of `findings`, plus `kept`: entries of files this run did not check, carried over. */
export function buildBaseline(findings: readonly Finding[], root: string, kept: readonly BaselineEntry[] = []): BaselineFile {
  const prints = fingerprints(findings, root);
  const entries = findings.map((f, i) => ({ rule: f.ruleId, file: workspacePath(root, f.file), fingerprint: prints[i]!, message: f.message }));
  entries.push(...kept.map(({ rule, file, fingerprint, message }) => ({ rule, file, fingerprint, message })));
  entries.sort((a, b) => compare(a.file, b.file) || compare(a.rule, b.rule) || compare(a.fingerprint, b.fingerprint));
  return { version: BASELINE_VERSION, findings: entries };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function formatBaseline(baseline: BaselineFile): string {
  return JSON.stringify(baseline, null, 2) + '\n';
}

/** The baseline's entries and fingerprints, or why it cannot be used (`missing` when the file does not exist). */
export type LoadedBaseline = { entries: BaselineEntry[]; fingerprints: Set<string>; error?: undefined } | { error: string; missing?: boolean };

/** Reads a baseline inside `root` with the bounded reader: a regular file of bounded size. */
export async function loadBaseline(file: string, root: string): Promise<LoadedBaseline> {
  const read = await readTextFile(file, { maxBytes: MAX_BASELINE_BYTES, within: root });
  if (read.error !== undefined) return { error: `Cannot read the baseline ${file}: ${read.error}`, ...(read.missing ? { missing: true } : {}) };
  const problem = (why: string): LoadedBaseline => ({ error: `The baseline ${file} is not usable: ${why}` });
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.text);
  } catch (error) {
    return problem(`it is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const value = parsed as Partial<BaselineFile> | null;
  if (typeof value !== 'object' || value === null || !Array.isArray(value.findings)) return problem('it has no "findings" list');
  if (value.version !== BASELINE_VERSION) return problem(`its version is ${JSON.stringify(value.version)}, this QueryLens reads version ${BASELINE_VERSION}`);
  const prints = new Set<string>();
  for (const entry of value.findings as Partial<BaselineEntry>[]) {
    for (const field of ['rule', 'file', 'fingerprint', 'message'] as const) {
      if (typeof entry?.[field] !== 'string') return problem(`an entry has no "${field}" string`);
    }
    prints.add(entry.fingerprint!);
  }
  return { entries: value.findings, fingerprints: prints };
}

/** Which findings (same order) the baseline holds. */
export function baselined(findings: readonly Finding[], root: string, baseline: Set<string>): boolean[] {
  return fingerprints(findings, root).map((print) => baseline.has(print));
}
