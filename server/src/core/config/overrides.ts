/**
 * `overrides` in `.querylens.json`: rule severities per file, on top of
 * `rules`. Every entry whose `files` globs match a file applies, in order, so
 * the last match wins (ESLint's rule). The one place both the CLI and the
 * language server get a file's rule settings from (through the workspace).
 */
import * as path from 'node:path';
import type { SeveritySetting } from '../../../../shared/types';
import { globMatcher, workspacePath } from './files';
import type { QueryLensConfig } from './types';

export type RuleSettings = Readonly<Record<string, SeveritySetting>>;

/** The rule settings of each file (absolute path) under `root`: `rules`, then each matching override in order. */
export function ruleSettingsOf(root: string, config: QueryLensConfig): (file: string) => RuleSettings {
  const overrides = (config.overrides ?? []).map((o) => ({ matches: globMatcher(o.files), rules: o.rules }));
  if (overrides.length === 0) return () => config.rules;
  const byFile = new Map<string, RuleSettings>();
  return (file) => {
    let settings = byFile.get(file);
    if (!settings) {
      const rel = workspacePath(root, file);
      const matching = rel.startsWith('..') || path.isAbsolute(rel) ? [] : overrides.filter((o) => o.matches(rel));
      settings = matching.length === 0 ? config.rules : Object.assign({}, config.rules, ...matching.map((o) => o.rules));
      byFile.set(file, settings!);
    }
    return settings!;
  };
}
