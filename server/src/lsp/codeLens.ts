/**
 * CodeLenses above every query a database can explain (issue 4): `Explain`,
 * `Explain Analyze` and `Benchmark`. Each runs a client command with the
 * query's location; the client resolves the connection and asks for
 * parameters, then calls back with ExplainRequest / BenchmarkRequest.
 */
import type { CodeLens } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { BENCHMARK_COMMAND, EXPLAIN_ANALYZE_COMMAND, EXPLAIN_COMMAND, type QueryLocation } from '../../../shared/protocol';
import type { ExplainableQuery } from '../core/engine/explainable';

const LENSES: [title: string, command: string][] = [
  ['Explain', EXPLAIN_COMMAND],
  ['Explain Analyze', EXPLAIN_ANALYZE_COMMAND],
  ['Benchmark', BENCHMARK_COMMAND],
];

export function codeLenses(queries: ExplainableQuery[], document: TextDocument): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const query of queries) {
    const start = document.positionAt(query.span.start);
    const range = { start, end: document.positionAt(query.span.end) };
    const location: QueryLocation = { uri: document.uri, position: start };
    for (const [title, command] of LENSES) lenses.push({ range, command: { title, command, arguments: [location] } });
  }
  return lenses;
}
