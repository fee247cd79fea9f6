import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { Finding } from '../../../shared/types';
import { toDiagnostic } from '../../../server/src/lsp/convert';
import { encodeMessage, StdioMessageWriter } from '../../../server/src/lsp/stdio';

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
  it('writes a publish as JSON.stringify does, each character past ASCII as a \\u escape, diagnostics kept from an earlier publish included', () => {
    const kept = [finding('Foreign key tasks(a) → accounts(id) has no index "quoted" \\ here', 1), finding('plain 😀 é', 2)].map(toDiagnostic);
    const first = encodeMessage(publish(kept));
    const escaped = JSON.stringify(publish(kept)).replace('→', '\\u2192').replace('😀', '\\ud83d\\ude00').replace('é', '\\u00e9');
    assert.equal(first.toString('latin1'), escaped);
    assert.deepEqual(JSON.parse(first.toString('utf8')), publish(kept));
    // The next version: the same diagnostic objects, one new, another URI version.
    const next = [kept[0]!, toDiagnostic(finding('new one', 4)), kept[1]!];
    assert.deepEqual(JSON.parse(encodeMessage(publish(next, 4)).toString('utf8')), publish(next, 4));
    assert.ok(encodeMessage(publish(next, 4)).every((byte) => byte < 0x80));
    assert.deepEqual(encodeMessage(publish([], 5)), Buffer.from(JSON.stringify(publish([], 5))));
  });

  it("writes a file's publish the same when it copies the diagnostics the last one began and ended with", () => {
    const uri = 'file:///w/typed.sql';
    const made = Array.from({ length: 8 }, (_, i) => toDiagnostic(finding(`finding ${i} → "${'x'.repeat(i)}"`, i)));
    const fresh = () => toDiagnostic(finding(`new ${Math.random()}`, 9));
    const [a, b, c, d, e, f] = made as [Diagnostic, Diagnostic, Diagnostic, Diagnostic, Diagnostic, Diagnostic];
    const versions: Diagnostic[][] = [
      made,
      made, // all of it kept
      [a, b, fresh(), d, e, f], // one in the middle new
      [a, b, d, e, f], // one gone
      [a, b, fresh(), fresh(), d, e, f], // two in its place
      [a, b, d], // the end gone
      [a, b, d, e], // one more at the end
      [fresh(), a, b, d, e], // one more at the start
      [a, b, d, e], // the start gone
      [e], // only one kept
      [],
      [c],
      [fresh(), fresh()], // nothing kept
      [a, a, a], // one diagnostic three times
      [a, a, b, a],
    ];
    let version = 1;
    for (const diagnostics of versions) {
      const message = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri, version: version++, diagnostics } };
      // Another file published between two of this one's.
      encodeMessage(publish([fresh(), a], version));
      assert.equal(encodeMessage(message).toString('latin1'), JSON.stringify(message).replaceAll('→', '\\u2192'), `version ${version - 1}`);
    }
  });

  it('writes other messages as JSON.stringify does, in ASCII', () => {
    const response = { jsonrpc: '2.0', id: 7, result: { contents: { kind: 'markdown', value: 'a → b' } } };
    assert.equal(encodeMessage(response).toString('latin1'), JSON.stringify(response).replace('→', '\\u2192'));
    assert.deepEqual(JSON.parse(encodeMessage(response).toString('utf8')), response);
  });

  it('a diagnostic carries no data: code actions find its finding by source, code and range', () => {
    const diagnostic = toDiagnostic(finding('m', 1));
    assert.equal('data' in diagnostic, false);
    assert.equal(diagnostic.code, 'unindexed-foreign-key');
    assert.equal(diagnostic.source, 'QueryLens');
  });

  it('writes each message, framed, before the event loop turns: what runs at the next turn (a GC task V8 asked for) runs after it', async () => {
    const chunks: Buffer[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
    });
    const writer = new StdioMessageWriter(stream);
    const message = publish([toDiagnostic(finding('a → b', 1))], 9);
    const response = { jsonrpc: '2.0', id: 4, result: null };
    let turned = false;
    setImmediate(() => (turned = true));
    const written = [writer.write(message), writer.write(response)];
    const bytes = Buffer.concat(chunks).toString('latin1');
    assert.equal(turned, false);
    const body = encodeMessage(message).toString('latin1');
    const second = JSON.stringify(response);
    assert.equal(bytes, `Content-Length: ${body.length}\r\n\r\n${body}Content-Length: ${second.length}\r\n\r\n${second}`);
    await Promise.all(written);
  });
});
