/** Shared setup for the Python extraction tests: parsers loaded once, spans read back as text. */
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import type { Span } from '../../../../server/src/core/sql/model';
import { initParsers } from '../../../../server/src/core/sql/parse';

export { extractPython } from '../../../../server/src/core/host/python/extract';

export function loadParsers(): void {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });
}

/** The source text a span covers. */
export function covered(text: string, span: Span | undefined): string {
  if (!span) throw new Error('no span');
  return text.slice(span.start, span.end);
}

/** Python source from an indented template literal: common indentation removed. */
export function py(source: string): string {
  const lines = (source.startsWith('\n') ? source.slice(1) : source).split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n');
}
