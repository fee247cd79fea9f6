/**
 * The seed documents as tests: each case is a small in-memory workspace holding
 * a seed's code nearly verbatim, with the minimal schema (models, DDL) the seed
 * implies, analysed by the real engine (extractors, catalog, every rule).
 */
import * as path from 'node:path';
import type { Dialect, Finding, Position } from '../../../shared/types';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';

export const ROOT = '/seed';

export async function initAllParsers(): Promise<void> {
  await initParsers();
  await initHostParsers();
}

export function seedWorkspace(files: Record<string, string>, dialect?: Dialect): Workspace {
  return Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), dialect } }, files);
}

function offsetOf(text: string, at: Position): number {
  let offset = 0;
  for (let line = 0; line < at.line; line++) offset = text.indexOf('\n', offset) + 1;
  return offset + at.character;
}

/** The text a finding underlines. */
export function underlinedText(text: string, finding: Finding): string {
  return text.slice(offsetOf(text, finding.range.start), offsetOf(text, finding.range.end));
}

/** Every finding of `file` as `rule: underlined text`, in the engine's order. */
export function findingsIn(ws: Workspace, file: string): string[] {
  const abs = path.join(ROOT, file);
  const text = ws.textOf(abs)!;
  return ws.analyze(abs).map((f) => `${f.ruleId}: ${underlinedText(text, f)}`);
}

/** What the findings of `rule` in `file` underline. */
export function flaggedBy(ws: Workspace, file: string, rule: string): string[] {
  const abs = path.join(ROOT, file);
  const text = ws.textOf(abs)!;
  return ws.analyze(abs).filter((f) => f.ruleId === rule).map((f) => underlinedText(text, f));
}

/** The finding of `rule` in `file` (exactly one expected). */
export function onlyFinding(ws: Workspace, file: string, rule: string): Finding {
  const found = ws.analyze(path.join(ROOT, file)).filter((f) => f.ruleId === rule);
  if (found.length !== 1) throw new Error(`expected one ${rule} finding in ${file}, got ${found.length}`);
  return found[0]!;
}
