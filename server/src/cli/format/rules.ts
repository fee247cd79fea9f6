/** `querylens rules`: the rule table, as text or JSON. */
import type { RuleMeta } from '../../../../shared/types';

export function formatRules(metas: readonly RuleMeta[], format: 'text' | 'json'): string {
  const sorted = [...metas].sort((a, b) => (a.id < b.id ? -1 : 1));
  if (format === 'json') return JSON.stringify(sorted, null, 2) + '\n';
  const idWidth = Math.max(2, ...sorted.map((m) => m.id.length));
  const lines = [`${'id'.padEnd(idWidth)}  ${'default'.padEnd(8)}  ${'category'.padEnd(9)}  fix  description`];
  for (const m of sorted) {
    lines.push(`${m.id.padEnd(idWidth)}  ${m.defaultSeverity.padEnd(8)}  ${m.category.padEnd(9)}  ${m.fixable ? 'yes' : 'no '}  ${m.description}`);
  }
  lines.push('', `${sorted.length} rules. Docs: ${sorted[0]?.docs.replace(/[^/]*$/, '') ?? ''}<id>.md`);
  return lines.join('\n') + '\n';
}
