/**
 * node-postgres failures → DbError kinds. pg reports server errors with their
 * SQLSTATE `code`, socket errors with Node's errno `code`, and a few of its own
 * failures only by message (connect timeout, connection ended).
 */
import type { DbError } from '../../types';
import { dbError } from '../errors';

export interface PgErrorContext {
  connection: string;
  /** `user@host:port/database`. */
  display: string;
  user: string;
  password?: string;
  /** Set when QueryLens itself asked the server to cancel (so 57014 means `cancelled`, not `timeout`). */
  cancelled?: boolean;
}

const UNREACHABLE_ERRNO = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const SSL_ERRNO = /^(ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_|UNABLE_TO_GET_ISSUER_CERT)/;

type PgLikeError = Error & { code?: string; severity?: string; detail?: string; hint?: string };

export function pgDbError(e: unknown, ctx: PgErrorContext): DbError {
  const err = (e instanceof Error ? e : new Error(String(e))) as PgLikeError;
  const code = err.code ?? '';
  const message = err.message ?? String(e);
  const base = { cause: err, secrets: [ctx.password] };
  const name = ctx.connection;
  if (code === '28P01') return dbError('auth', name, `password authentication failed for user "${ctx.user}"`, base);
  if (code === '28000') return dbError('auth', name, message, base);
  if (/password authentication|SASL|client password must be a string|no password/i.test(message) && !code.match(/^[0-9A-Z]{5}$/)) {
    return dbError('auth', name, `the server asks a password for user "${ctx.user}" and none was given`, base);
  }
  if (code === '3D000') return dbError('missing-database', name, `${message} on ${ctx.display}`, base);
  if (code === '57014') {
    if (ctx.cancelled) return dbError('cancelled', name, 'the statement was cancelled on the server', base);
    return dbError('timeout', name, 'the statement ran past its timeout and the server stopped it', base);
  }
  if (code === '57P01' || code === '57P02' || code === '57P03' || /Connection terminated unexpectedly|terminating connection/i.test(message)) {
    return dbError('unreachable', name, `the server at ${ctx.display} closed the connection (${message})`, { ...base, advice: 'The server restarted or is shutting down; try again once it is back.' });
  }
  if (/timeout expired|connection timeout/i.test(message)) {
    return dbError('timeout', name, `no answer from ${ctx.display} within 5 s`, { ...base, advice: 'Check that the host is reachable (VPN, firewall) and that the server runs.' });
  }
  if (UNREACHABLE_ERRNO.has(code)) return dbError('unreachable', name, `cannot reach ${ctx.display} (${code})`, base);
  if (SSL_ERRNO.test(code) || /\bSSL\b|\bTLS\b|certificate/i.test(message)) return dbError('ssl', name, `SSL/TLS failed with ${ctx.display}: ${message}`, base);
  const vector = missingPgvector(code, message);
  if (vector) return dbError('sql', name, `${vector} is not known on ${ctx.display}: pgvector (the \`vector\` extension) is not installed in this database (${message})`, { ...base, advice: PGVECTOR_ADVICE });
  if (/^[0-9A-Z]{5}$/.test(code)) {
    const extra = err.detail ? ` (${err.detail})` : '';
    return dbError('sql', name, `${message}${extra}`, base);
  }
  return dbError('unreachable', name, `${message} (${ctx.display})`, base);
}

/** Whether the error means the connection itself is gone (so the pool must not get it back). */
export function isConnectionLost(e: unknown): boolean {
  const err = e as PgLikeError;
  const code = err?.code ?? '';
  return code === '57P01' || code === '57P02' || code === '57P03' || UNREACHABLE_ERRNO.has(code) || /Connection terminated|terminating connection|Client has encountered a connection error|not queryable/i.test(err?.message ?? '');
}

const PGVECTOR_ADVICE =
  'Install pgvector on the server (the package for its PostgreSQL version, postgresql-NN-pgvector, then CREATE EXTENSION vector), ' +
  'or explain on the embedded database (PGlite), which has it.';

/**
 * What a vector query names that a server without pgvector does not know:
 * the type (`type "vector" does not exist`, 42704) or a distance operator
 * (`operator does not exist: real[] <=> unknown`, 42883).
 */
function missingPgvector(code: string, message: string): string | undefined {
  if (code === '42704') {
    const type = /type "(vector|halfvec|sparsevec)" does not exist/.exec(message)?.[1];
    return type ? `the type ${type}` : undefined;
  }
  if (code === '42883') {
    const operator = /operator does not exist: .* (<=>|<->|<#>|<\+>|<~>|<%>) /.exec(message + ' ')?.[1];
    return operator ? `the distance operator ${operator}` : undefined;
  }
  return undefined;
}
