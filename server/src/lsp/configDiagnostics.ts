/** Problems in `.querylens.json`, shown on that file (code `invalid-config`). */
import { DiagnosticSeverity, type Connection, type Diagnostic } from 'vscode-languageserver/node';
import { CONFIG_RULE_ID, docsUrl } from '../../../shared/types';
import { SOURCE } from './convert';
import type { FolderState } from './folders';
import { describe, type Logger } from './guard';
import { pathToUri } from './uris';

/** Config files that show problems now, per folder, so a fixed file gets cleared. */
const shownFor = new WeakMap<FolderState, string>();

export function publishConfigProblems(connection: Connection, folder: FolderState, logger: Logger): void {
  const uri = pathToUri(folder.configFile);
  const previous = shownFor.get(folder);
  const send = (target: string, diagnostics: Diagnostic[]) =>
    void connection
      .sendDiagnostics({ uri: target, diagnostics })
      .catch((error) => logger.error(`QueryLens: publishing ${target} failed: ${describe(error)}`));
  if (previous && previous !== uri) send(previous, []);
  const start = { line: 0, character: 0 };
  const diagnostics = folder.configProblems.map(
    (problem): Diagnostic => ({
      range: problem.range ?? { start, end: start },
      // `severity` is optional in the contract: a loader that gives none means an error.
      severity: (problem as { severity?: string }).severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error,
      source: SOURCE,
      code: CONFIG_RULE_ID,
      codeDescription: { href: docsUrl(CONFIG_RULE_ID) },
      message: problem.message,
    }),
  );
  if (diagnostics.length > 0 || previous === uri) send(uri, diagnostics);
  if (diagnostics.length > 0) shownFor.set(folder, uri);
  else shownFor.delete(folder);
}
