/**
 * DbError construction shared by every driver: each message starts with the
 * connection's name and ends with what to do, and never carries the password
 * (a driver may echo a connection string back in its own message).
 */
import { DbError, type DbErrorKind } from '../types';

/** What the user can do about each kind of failure. */
const ADVICE: Record<DbErrorKind, string> = {
  auth: 'Set the password with "QueryLens: Set Connection Password".',
  unreachable: 'Check that the server runs and that host and port in "querylens.connections" are right.',
  timeout: 'Raise the statement timeout, or give the query values that select fewer rows.',
  ssl: 'Check the connection\'s "ssl" setting ("require", "no-verify" or "disable") against what the server offers.',
  'missing-database': 'Check the database name or file path in "querylens.connections".',
  cancelled: '',
  refused: '',
  sql: '',
  driver: 'Reinstall QueryLens; the log has the details.',
};

/** `Connection "name": <what happened>. <advice>` with any secret blanked out. */
export function dbError(kind: DbErrorKind, connection: string, what: string, options: { cause?: unknown; secrets?: (string | undefined)[]; advice?: string } = {}): DbError {
  const advice = options.advice ?? ADVICE[kind];
  let text = `Connection "${connection}": ${what.replace(/\.$/, '')}.${advice ? ` ${advice}` : ''}`;
  for (const secret of options.secrets ?? []) if (secret) text = text.split(secret).join('***');
  // The cause travels for logs and debugging: keep only its code and a scrubbed message.
  return new DbError(kind, text, connection, scrubCause(options.cause, options.secrets ?? []));
}

function scrubCause(cause: unknown, secrets: (string | undefined)[]): unknown {
  if (!(cause instanceof Error)) return cause === undefined ? undefined : String(cause);
  let message = cause.message;
  for (const secret of secrets) if (secret) message = message.split(secret).join('***');
  const scrubbed = new Error(message);
  (scrubbed as Error & { code?: unknown }).code = (cause as Error & { code?: unknown }).code;
  return scrubbed;
}

export function isDbError(e: unknown): e is DbError {
  return e instanceof DbError;
}
