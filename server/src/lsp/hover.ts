/** Hover on a flagged range: the finding's explanation and a link to its rule's page. */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import { docsUrl, type Finding } from '../../../shared/types';
import { intersects } from './convert';

export function hover(findings: Finding[], position: Position): Hover | null {
  const here = findings.filter((f) => intersects(f.range, { start: position, end: position }));
  if (here.length === 0) return null;
  const sections = here.map(
    (f) => `${f.explanation ?? f.message}\n\n[QueryLens: ${f.ruleId}](${docsUrl(f.ruleId)})`,
  );
  return {
    contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') },
    range: here[0]!.range,
  };
}
