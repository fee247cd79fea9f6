import { strict as assert } from 'node:assert';
import type { Finding } from '../../../shared/types';
import { toDiagnostic } from '../../../server/src/lsp/convert';
import { diagnosticsAfter } from '../../../server/src/lsp/diagnostics';

const finding = (line: number): Finding => ({
  ruleId: 'select-star',
  severity: 'info',
  message: `m${line}`,
  file: '/w/app.sql',
  range: { start: { line, character: 0 }, end: { line, character: 8 } },
  fixes: [],
});

describe('lsp/diagnostics: the diagnostics of a file published again', () => {
  it('are those of its findings, in order, whatever the last publish began and ended with', () => {
    const [a, b, c, d] = [1, 2, 3, 4].map(finding) as [Finding, Finding, Finding, Finding];
    const versions: Finding[][] = [[a, b, c], [a, b, c], [a, finding(5), c], [a, c], [a, finding(6), finding(7), c], [a], [a, b], [d, a, b], [], [b], [a, a, b, a]];
    let last: { findings: Finding[]; diagnostics: ReturnType<typeof toDiagnostic>[] } | undefined;
    for (const findings of versions) {
      const diagnostics = diagnosticsAfter(last, findings);
      assert.equal(diagnostics.length, findings.length);
      findings.forEach((f, i) => assert.equal(diagnostics[i], toDiagnostic(f), `${findings.map((x) => x.message)} at ${i}`));
      last = { findings, diagnostics };
    }
  });
});
