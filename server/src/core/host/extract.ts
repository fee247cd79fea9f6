/**
 * One entry point for host code: the extractor for the file's language.
 * Python extraction can take the SQLAlchemy models of other files, so that a
 * query on a class defined elsewhere still knows its table and columns.
 */
import type { Dialect } from '../../../../shared/types';
import { extractPython } from './python/extract';
import { extractRust } from './rust/extract';
import { hostLanguageOf } from './treesitter';
import type { HostExtraction, HostModel } from './types';
import type { WalkCache } from './python/walk-cache';

export interface HostExtractOptions {
  dialect?: Dialect;
  /** SQLAlchemy models of the whole workspace (Python only). */
  models?: HostModel[];
  /** Python: only models and Alembic operations (what the catalog and the migration order need). */
  schemaOnly?: boolean;
  /** Rust: extract queries in `#[cfg(test)]` modules and `#[test]` functions too. */
  includeTests?: boolean;
  /** Python: the file's walk findings kept from its previous versions (walk-cache.ts). */
  walkCache?: WalkCache;
}

export function extractHost(file: string, text: string, options: HostExtractOptions = {}): HostExtraction | undefined {
  switch (hostLanguageOf(file)) {
    case 'python':
      return extractPython(text, file, { dialect: options.dialect, models: options.models, schemaOnly: options.schemaOnly, walkCache: options.walkCache });
    case 'rust':
      return extractRust(text, file, { dialect: options.dialect, includeTests: options.includeTests });
    default:
      return undefined;
  }
}

export { hostLanguageOf } from './treesitter';
/** The workspace's models from the files' schema-only extractions, tables named by a base in another file filled in. */
export { resolveInheritedTables as workspaceModelsOf } from './python/models';
