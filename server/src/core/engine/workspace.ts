/**
 * The analysis engine: one workspace's SQL files, their parsed statements, the
 * schema catalog built from its migrations and DDL, and the findings of every
 * rule. Pure (no LSP, no vscode): the language server and the CLI both drive it.
 *
 * Incremental by construction: a file's parse is cached by its text, the
 * catalog is rebuilt only when a file that contributes DDL changes, and
 * `affectedBy` tells the caller which files' findings may have changed.
 */
import type { Finding } from '../../../../shared/types';
import type { Catalog, MigrationSet } from '../catalog/types';
import type { QueryLensConfig } from '../config/types';

export interface WorkspaceOptions {
  /** Absolute path of the workspace root. */
  root: string;
  config: QueryLensConfig;
  /** Extra exclude globs (VS Code's `files.exclude`), relative to the root. */
  extraExcludes?: string[];
}

export declare class Workspace {
  readonly root: string;
  /** Scans the root for SQL files (respecting .gitignore, node_modules, excludes) and reads them. */
  static create(options: WorkspaceOptions): Promise<Workspace>;
  /** Absolute paths of the SQL files the workspace knows. */
  files(): string[];
  /** Adds or replaces a file's text (an open editor's buffer wins over the disk). */
  setFile(file: string, text: string): void;
  /** Forgets a file (deleted, or excluded). */
  deleteFile(file: string): void;
  /** Whether `file` would be analysed (SQL file, not excluded). */
  includes(file: string): boolean;
  /**
   * Files whose findings may change after `file` changed: just `file` for a
   * query file, every file for a file that contributes to the catalog.
   */
  affectedBy(file: string): string[];
  /** All findings of one file (syntax errors included), severities and suppressions applied. */
  analyze(file: string): Finding[];
  /** The current schema catalog. */
  catalog(): Catalog;
  migrationSets(): MigrationSet[];
}
