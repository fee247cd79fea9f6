import { strict as assert } from 'node:assert';
import type { Finding } from '../../../shared/types';
import { toDiagnostic } from '../../../server/src/lsp/convert';
import { encodeMessage } from '../../../server/src/lsp/stdio';

const finding = (message: string, line: number): Finding => ({
  ruleId: 'unindexed-foreign-key',
  severity: 'warning',
  message,
  file: '/w/app.sql',
  range: { start: { line, character: 2 }, end: { line, character: 9 } },
  fixes: [],
});

const publish = (diagnostics: unknown[], version = 3) => ({
  jsonrpc: '2.0',
  method: 'textDocument/publishDiagnostics',
  params: { uri: 'file:///w/app%20x.sql', version, diagnostics },
});

describe('lsp/stdio: the messages the server writes', () => {
  it('writes a publish as JSON.stringify does, diagnostics kept from an earlier publish included', () => {
    const kept = [finding('Foreign key tasks(a) → accounts(id) has no index "quoted" \\ here', 1), finding('plain', 2)].map(toDiagnostic);
    const first = encodeMessage(publish(kept));
    assert.equal(first.toString('utf8'), JSON.stringify(publish(kept)));
    // The next version: the same diagnostic objects, one new, another URI version.
    const next = [kept[0]!, toDiagnostic(finding('new one', 4)), kept[1]!];
    assert.deepEqual(encodeMessage(publish(next, 4)), Buffer.from(JSON.stringify(publish(next, 4))));
    assert.deepEqual(encodeMessage(publish([], 5)), Buffer.from(JSON.stringify(publish([], 5))));
  });

  it('writes other messages as JSON.stringify does', () => {
    const response = { jsonrpc: '2.0', id: 7, result: { contents: { kind: 'markdown', value: 'a → b' } } };
    assert.deepEqual(encodeMessage(response), Buffer.from(JSON.stringify(response)));
  });

  it('a diagnostic carries no data: code actions find its finding by source, code and range', () => {
    const diagnostic = toDiagnostic(finding('m', 1));
    assert.equal('data' in diagnostic, false);
    assert.equal(diagnostic.code, 'unindexed-foreign-key');
    assert.equal(diagnostic.source, 'QueryLens');
  });
});
