/**
 * What a client sends with a database or dashboard request, checked before
 * anything runs: a request without a connection, with a URL that is no URL,
 * or asking for 1e12 iterations gets an InvalidParams answer that says what
 * is wrong, never a TypeError from deep inside (and never a stack in the log).
 * Messages do not echo a URL: it may hold a password.
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { DRIVER_KINDS, MAX_SHADOW_ROWS, MAX_STATEMENT_TIMEOUT_MS } from '../../../shared/connections';
import { BENCH_COUNT_LIMITS, benchCountProblem, type BenchCount } from '../core/config/benchmarks';

function invalid(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, `QueryLens: ${message}.`);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown, min: number, max: number) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** The request's `connection`: a named connection of a known driver, a PostgreSQL URL that parses. */
export function checkConnection(connection: unknown): void {
  if (!isObject(connection)) throw invalid('the request names no connection (pick one with "QueryLens: Select Connection")');
  const { name, driver, url, port, rowsPerTable } = connection;
  if (typeof name !== 'string' || name === '') throw invalid('the connection has no name');
  if (!DRIVER_KINDS.includes(driver as never)) throw invalid(`connection "${name}": "driver" must be one of ${DRIVER_KINDS.join(', ')}`);
  if (port !== undefined && !isCount(port, 1, 65_535)) throw invalid(`connection "${name}": "port" must be a whole number from 1 to 65535`);
  if (rowsPerTable !== undefined && !isCount(rowsPerTable, 0, MAX_SHADOW_ROWS)) {
    throw invalid(`connection "${name}": "rowsPerTable" must be a whole number from 0 to ${MAX_SHADOW_ROWS.toLocaleString('en-US')}`);
  }
  if (url === undefined || driver !== 'postgres') return;
  let protocol = '';
  try {
    protocol = typeof url === 'string' ? new URL(url).protocol : '';
  } catch {
    // reported below
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw invalid(`connection "${name}": "url" is not a valid postgres:// URL (write it as postgres://user@host:port/database)`);
  }
}

/** A request about the query at a place: where, on which connection, with which values and counts. */
export function checkQueryRequest(params: unknown): void {
  if (!isObject(params)) throw invalid('the request has no parameters');
  const { uri, position } = params;
  if (typeof uri !== 'string' || uri === '') throw invalid('the request names no document ("uri")');
  if (!isObject(position) || !isCount(position.line, 0, Number.MAX_SAFE_INTEGER) || !isCount(position.character, 0, Number.MAX_SAFE_INTEGER)) {
    throw invalid('"position" must be { line, character } with whole numbers from 0');
  }
  checkConnection(params.connection);
  if (params.params !== undefined && !Array.isArray(params.params)) throw invalid('"params" must be a list of values');
  if (params.timeoutMs !== undefined && !isCount(params.timeoutMs, 1, MAX_STATEMENT_TIMEOUT_MS)) {
    throw invalid(`"timeoutMs" must be a whole number of ms from 1 to ${MAX_STATEMENT_TIMEOUT_MS.toLocaleString('en-US')}`);
  }
  for (const count of Object.keys(BENCH_COUNT_LIMITS) as BenchCount[]) {
    const why = params[count] === undefined ? undefined : benchCountProblem(count, params[count]);
    if (why) throw invalid(`"${count}" ${why} (got ${JSON.stringify(params[count])})`);
  }
}

/** A dashboard request: a connection, and for a migration action the folder and what to do. */
export function checkDashboardRequest(params: unknown, migrationAction = false): void {
  if (!isObject(params)) throw invalid('the request has no parameters');
  checkConnection(params.connection);
  if (params.folderUri !== undefined && typeof params.folderUri !== 'string') throw invalid('"folderUri" must be a URI');
  if (!migrationAction) return;
  if (typeof params.dir !== 'string' || params.dir === '') throw invalid('the request names no migration folder ("dir")');
  if (params.action !== 'apply' && params.action !== 'revert') throw invalid('"action" must be apply or revert');
}
