/**
 * `.querylens.json` (JSON with comments) at the workspace root. One loader
 * (`loadConfig` in ./load.ts) serves the language server and the CLI.
 */
import type { Dialect, Range, SeveritySetting } from '../../../../shared/types';
import type { BenchmarkConfig } from './benchmarks';
import type { HealthConfig } from './health';

export interface QueryLensConfig {
  /** SQL dialect of the project's SQL files; inferred per file when absent. */
  dialect?: Dialect;
  /** Migration folders, relative to the root; detected when absent. */
  migrations?: string[];
  /**
   * The first migration to check (its version, Alembic revision id, or file
   * path relative to the root): earlier migrations of its set count as shipped.
   * Written `"migrations": { "checkFrom": ... }`; `"migrationsFrom"` is its older spelling.
   */
  migrationsFrom?: string;
  /** Per-rule severity overrides, `off` disables a rule. */
  rules: Record<string, SeveritySetting>;
  /** Per-file rule severities on top of `rules`: every entry whose globs match a file applies, the last one winning (like ESLint). */
  overrides?: RuleOverride[];
  /** Files left out entirely, in .gitignore syntax (relative to the root): neither analysed nor read into the schema. */
  ignorePatterns?: string[];
  /** Globs (relative to the root) of files to analyse; all SQL files when empty. */
  include: string[];
  /** Globs of files to skip, on top of .gitignore, node_modules and files.exclude. */
  exclude: string[];
  /** Analyse tests, fixtures and vendored code too (config/scope.ts says what they look like); off by default. */
  includeTests?: boolean;
  /** The embedded shadow database (issue 4): synthetic rows per table, and per named table. */
  shadow?: { rowsPerTable?: number; tables?: Record<string, number> };
  /** Benchmark targets (pass/fail of every run) and run defaults (issue 5). */
  benchmarks?: BenchmarkConfig;
  /** Table health thresholds (issue 13): retention candidates' size, slow statements' mean time. */
  health?: HealthConfig;
  /** The PostgreSQL server the code's pools share (issue 13): what pool-exceeds-server-connections sums the pools against. */
  server?: ServerLimits;
}

/** `"server": { "maxConnections": 100, "reservedConnections": 3, "instances": 3 }`. */
export interface ServerLimits {
  /** The server's `max_connections`; without it the pools are not summed. */
  maxConnections?: number;
  /** `superuser_reserved_connections` (+ `reserved_connections` on PostgreSQL 16+): PostgreSQL's default 3. */
  reservedConnections?: number;
  /** Processes running the code at once (replicas, workers), each with its own pools; 1 by default. */
  instances?: number;
}

/** One entry of `overrides`: rule severities for the files its globs (relative to the root) match. */
export interface RuleOverride {
  files: string[];
  rules: Record<string, SeveritySetting>;
}

export interface ConfigProblem {
  message: string;
  /** Where in the config file, when known. */
  range?: Range;
  /** `warning` for what is ignored but harmless (an unknown setting); `error` otherwise (the default). */
  severity?: 'error' | 'warning';
}

export interface LoadedConfig {
  config: QueryLensConfig;
  /** Absolute path of the file read, if any. */
  file?: string;
  /** Problems found; the config falls back to defaults for the bad parts. */
  problems: ConfigProblem[];
  /** Where each `config.include` glob is written in the file (same order), to report one that matches nothing. */
  includeRanges?: Range[];
}

/** The config file's name (shared/languages.ts, where the watched globs and activation events are derived). */
export { CONFIG_FILE_NAME } from '../../../../shared/languages';

export function defaultConfig(): QueryLensConfig {
  return { rules: {}, include: [], exclude: [] };
}
