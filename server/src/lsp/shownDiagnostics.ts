/**
 * What the client shows of each document: the diagnostics last published, while no edit since
 * may have moved one of them. A publish of the same diagnostics is then left out (DiagnosticsPublisher):
 * newly published diagnostics replace the old ones and nothing else does (LSP; vscode-languageclient
 * sets a publish's list and never clears one on a change, and ignores its version), and the editor
 * shows the old ones where the edit left them, so they are at the places the new ones name. Typing
 * in a 5,000-line file changed two publishes in three by nothing (1 MB of JSON each, which the client
 * reads and converts again).
 */
import type { Diagnostic, Position, TextDocumentContentChangeEvent } from 'vscode-languageserver/node';

export class ShownDiagnostics {
  /** By file: the URI its diagnostics were last published to (a client may spell a file's URI another way), and those. */
  private readonly shown = new Map<string, { uri: string; diagnostics: readonly Diagnostic[] }>();

  /**
   * `file` was changed by `changes` (in order, as a didChange lists them): its diagnostics are
   * forgotten when one of them may have moved (the editor moves them with the text).
   */
  edited(file: string, changes: readonly TextDocumentContentChangeEvent[]): void {
    const shown = this.shown.get(file);
    if (shown && changes.some((change) => movesAny(change, shown.diagnostics))) this.shown.delete(file);
  }

  /** The client may show something else of `file` (opened or closed again). */
  forget(file: string): void {
    this.shown.delete(file);
  }

  /** Whether the client shows `diagnostics` of `file` at `uri` already; else they are recorded as shown (the caller publishes them). */
  alreadyShown(file: string, uri: string, diagnostics: readonly Diagnostic[]): boolean {
    const shown = this.shown.get(file);
    if (shown?.uri === uri && shown.diagnostics.length === diagnostics.length && shown.diagnostics.every((d, i) => sameDiagnostic(d, diagnostics[i]!))) return true;
    this.shown.set(file, { uri, diagnostics });
    return false;
  }
}

/** Diagnostics are not changed once made (convert.ts): those of findings an edit left are the same objects. */
function sameDiagnostic(a: Diagnostic, b: Diagnostic): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/**
 * Whether `change` may move a position of `diagnostics`: one at or after its start, unless on a later
 * line than its end while it keeps the number of lines (an edit at a range's edge grows it or not as
 * the editor decides, so a position at the start counts as moved). A change of the whole text moves all.
 */
function movesAny(change: TextDocumentContentChangeEvent, diagnostics: readonly Diagnostic[]): boolean {
  if (!('range' in change)) return diagnostics.length > 0;
  const { start, end } = change.range;
  const sameLines = lineBreaks(change.text) === end.line - start.line;
  const moved = (p: Position) => !before(p, start) && !(sameLines && p.line > end.line);
  return diagnostics.some((d) => moved(d.range.start) || moved(d.range.end));
}

/** Line breaks as the editor counts them: `\r\n`, `\n` or `\r`. */
function lineBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}
