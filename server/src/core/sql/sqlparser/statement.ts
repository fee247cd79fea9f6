import type { Dialect } from '../../../../../shared/types';
import type { ChunkResult } from '../chunk';
export function parseSqlParserChunk(text: string, _dialect: Dialect): ChunkResult {
  return { statements: [{ kind: 'other', span: { start: 0, end: text.length }, text, changes: [], inTransaction: false }], errors: [] };
}
