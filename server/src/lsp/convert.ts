/**
 * Findings (engine data) → LSP diagnostics and workspace edits. No state: the
 * caller says which documents are open (their versions go into edits).
 */
import {
  CreateFile,
  Diagnostic,
  DiagnosticSeverity,
  TextDocumentEdit,
  WorkspaceEdit,
} from 'vscode-languageserver/node';
import { docsUrl, type Finding, type Fix, type Range, type Severity } from '../../../shared/types';
import { pathToUri } from './uris';

export const SOURCE = 'QueryLens';

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * Diagnostics by finding: the engine keeps the finding objects of statements an
 * edit did not touch, so re-publishing a large file converts only the new ones.
 */
const diagnostics = new WeakMap<Finding, Diagnostic>();

export function toDiagnostic(finding: Finding): Diagnostic {
  let diagnostic = diagnostics.get(finding);
  if (!diagnostic) diagnostics.set(finding, (diagnostic = makeDiagnostic(finding)));
  return diagnostic;
}

/**
 * No `data`: code actions find a diagnostic's finding by its source, code (the rule) and
 * range (codeActions.ts), and every byte here is sent again at each publish of the file.
 */
function makeDiagnostic(finding: Finding): Diagnostic {
  return {
    range: finding.range,
    severity: SEVERITIES[finding.severity],
    source: SOURCE,
    code: finding.ruleId,
    codeDescription: { href: docsUrl(finding.ruleId) },
    message: finding.message,
  };
}

export { sameRange } from '../../../shared/types';

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Touching ranges intersect: a cursor at either end of a finding is on it. */
export function intersects(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** Version of an open document, or null for a file only on disk. */
export type VersionOf = (uri: string) => number | null;

export function fixToWorkspaceEdit(fix: Fix, versionOf: VersionOf): WorkspaceEdit {
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  for (const change of fix.changes) {
    const uri = pathToUri(change.file);
    if (change.kind === 'create') {
      documentChanges.push(CreateFile.create(uri, { ignoreIfExists: false, overwrite: false }));
      const start = { line: 0, character: 0 };
      documentChanges.push(
        TextDocumentEdit.create({ uri, version: null }, [{ range: { start, end: start }, newText: change.content }]),
      );
    } else {
      documentChanges.push(TextDocumentEdit.create({ uri, version: versionOf(uri) }, change.edits));
    }
  }
  return { documentChanges };
}
