/**
 * One entry point for host code: the extractor of the file's language
 * (host/languages.ts). A language with cross-file models (Python's SQLAlchemy)
 * takes the models of other files, so that a query on a class defined
 * elsewhere still knows its table and columns.
 */
import type { Dialect } from '../../../../shared/types';
import { hostSupportOf, type HostExtractOptions } from './languages';
import type { EmbeddedSql, HostExtraction } from './types';

export type { HostExtractOptions } from './languages';

export function extractHost(file: string, text: string, options: HostExtractOptions = {}): HostExtraction | undefined {
  return hostSupportOf(file)?.extract(file, text, options);
}

export { hasCrossFileModels, hostLanguageOf, resolveWorkspaceModels as workspaceModelsOf } from './languages';

/** The dialect a host query's SQL is read in, in a file read in `fileDialect` (see `EmbeddedSql.dialectGuessed`). */
export function embeddedDialect(sql: EmbeddedSql, fileDialect: Dialect): Dialect {
  return sql.dialectGuessed && fileDialect === 'mysql' ? 'mysql' : (sql.dialect ?? fileDialect);
}
