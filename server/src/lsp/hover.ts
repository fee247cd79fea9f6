/** Hover on a flagged range: the finding's explanation, its index proof when measured, and a link to its rule's page. */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import type { IndexProof } from '../../../shared/explain';
import { docsUrl, type Finding } from '../../../shared/types';
import { intersects } from './convert';

export function hover(findings: Finding[], position: Position, proofOf: (finding: Finding) => IndexProof | undefined = () => undefined): Hover | null {
  const at = { start: position, end: position };
  const here = findings.filter((f) => intersects(f.range, at));
  if (here.length === 0) return null;
  const sections = here.map((f) => {
    const proof = proofOf(f);
    const proven = proof ? `\n\n**${proof.proven ? 'Proven' : 'Not proven'}** (${proof.method === 'hypopg' ? 'HypoPG hypothetical index' : 'real index, rolled back'}): ${proof.headline}` : '';
    return `${f.explanation ?? f.message}${proven}\n\n[QueryLens: ${f.ruleId}](${docsUrl(f.ruleId)})`;
  });
  return {
    contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') },
    range: here[0]!.range,
  };
}
