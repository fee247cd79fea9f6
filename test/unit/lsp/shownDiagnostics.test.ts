import { strict as assert } from 'node:assert';
import type { Diagnostic, Range, TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { ShownDiagnostics } from '../../../server/src/lsp/shownDiagnostics';

const range = (line: number, start: number, endLine: number, end: number): Range => ({ start: { line, character: start }, end: { line: endLine, character: end } });
const diagnostic = (r: Range, message = 'm'): Diagnostic => ({ range: r, severity: 2, source: 'QueryLens', code: 'select-star', message });
const FILE = '/w/app.sql';
const URI = 'file:///w/app.sql';

/** Whether the same diagnostics are left out after `changes`, once `shown` was published. */
function leftOutAfter(shown: Diagnostic[], changes: TextDocumentContentChangeEvent[], again: Diagnostic[] = shown): boolean {
  const state = new ShownDiagnostics();
  assert.equal(state.alreadyShown(FILE, URI, shown), false);
  state.edited(FILE, changes);
  return state.alreadyShown(FILE, URI, again);
}

describe('lsp/shownDiagnostics: which publishes the editor shows already', () => {
  // One diagnostic on line 5, columns 4-9.
  const shown = [diagnostic(range(5, 4, 5, 9))];

  it('leaves out the same diagnostics (the same objects, or equal ones) after edits that move none', () => {
    assert.equal(leftOutAfter(shown, []), true);
    assert.equal(leftOutAfter(shown, [], [diagnostic(range(5, 4, 5, 9))]), true);
    // After it on its line, on a line before it without a line break, on a later line.
    assert.equal(leftOutAfter(shown, [{ range: range(5, 12, 5, 12), text: ' ' }]), true);
    assert.equal(leftOutAfter(shown, [{ range: range(2, 0, 2, 3), text: 'abcdef' }]), true);
    assert.equal(leftOutAfter(shown, [{ range: range(9, 0, 9, 0), text: '\n\n' }]), true);
    // Two lines before it replaced by two other lines (\r\n is one break).
    assert.equal(leftOutAfter(shown, [{ range: range(1, 0, 2, 4), text: 'x\r\ny' }]), true);
    assert.equal(leftOutAfter(shown, [{ range: range(1, 0, 2, 4), text: 'x\ry' }]), true);
  });

  it('publishes again after an edit that may move one, or when the diagnostics differ', () => {
    assert.equal(leftOutAfter(shown, [], [diagnostic(range(5, 4, 5, 9), 'other')]), false);
    assert.equal(leftOutAfter(shown, [], []), false);
    // Before it on its line, at its start, at its end, inside it.
    assert.equal(leftOutAfter(shown, [{ range: range(5, 0, 5, 0), text: ' ' }]), false);
    assert.equal(leftOutAfter(shown, [{ range: range(5, 4, 5, 4), text: ' ' }]), false);
    assert.equal(leftOutAfter(shown, [{ range: range(5, 9, 5, 9), text: ' ' }]), false);
    assert.equal(leftOutAfter(shown, [{ range: range(5, 6, 5, 7), text: '' }]), false);
    // A line break or a line removed above it; two lines replaced by one.
    assert.equal(leftOutAfter(shown, [{ range: range(1, 0, 1, 0), text: '\r\n' }]), false);
    assert.equal(leftOutAfter(shown, [{ range: range(1, 0, 2, 0), text: '' }]), false);
    assert.equal(leftOutAfter(shown, [{ range: range(1, 0, 2, 4), text: 'x' }]), false);
    // The whole text.
    assert.equal(leftOutAfter(shown, [{ text: 'SELECT 1;' }]), false);
    // A second change of one didChange that moves it.
    assert.equal(leftOutAfter(shown, [{ range: range(9, 0, 9, 0), text: 'a' }, { range: range(5, 1, 5, 1), text: 'b' }]), false);
  });

  it('publishes again to another spelling of the file’s URI, and after the file was opened or closed', () => {
    const state = new ShownDiagnostics();
    assert.equal(state.alreadyShown(FILE, URI, shown), false);
    assert.equal(state.alreadyShown(FILE, 'file:///w/app%2Esql', shown), false);
    assert.equal(state.alreadyShown(FILE, URI, shown), false);
    assert.equal(state.alreadyShown(FILE, URI, shown), true);
    state.forget(FILE);
    assert.equal(state.alreadyShown(FILE, URI, shown), false);
  });
});
