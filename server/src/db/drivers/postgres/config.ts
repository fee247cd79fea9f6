/**
 * Where a `postgres` connection points: the setting's `url`, else its
 * host/port/database/user, else `DATABASE_URL`, else libpq's `PG*` variables,
 * all read from the `env` given (the server's or the CLI's), never from
 * process.env behind the caller's back.
 */
import type { PoolConfig } from 'pg';
import type { ResolvedConnection } from '../../../../../shared/connections';

export interface PgTarget {
  config: PoolConfig;
  /** `user@host:port/database`, for messages (never the password). */
  display: string;
  user: string;
  password?: string;
}

/** How long connecting may take before it fails with kind `timeout`. */
export const CONNECT_TIMEOUT_MS = 5_000;

export function pgTarget(connection: ResolvedConnection, env: NodeJS.ProcessEnv): PgTarget {
  const fromFields = connection.host !== undefined || connection.port !== undefined || connection.database !== undefined || connection.user !== undefined;
  const url = connection.url ?? (fromFields ? undefined : env.DATABASE_URL);
  const base: PoolConfig = {
    max: 3,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'querylens',
  };
  let fields: { host: string; port: number; database: string; user: string; password?: string };
  if (url) {
    const parsed = new URL(url);
    fields = {
      host: decodeURIComponent(parsed.hostname) || env.PGHOST || 'localhost',
      port: parsed.port ? Number(parsed.port) : 5432,
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || env.PGDATABASE || decodeURIComponent(parsed.username) || 'postgres',
      user: decodeURIComponent(parsed.username) || env.PGUSER || env.USER || 'postgres',
      password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    };
    base.connectionString = url;
  } else {
    const user = connection.user ?? env.PGUSER ?? env.USER ?? 'postgres';
    fields = {
      host: connection.host ?? env.PGHOST ?? 'localhost',
      port: connection.port ?? (env.PGPORT ? Number(env.PGPORT) : 5432),
      database: connection.database ?? env.PGDATABASE ?? user,
      user,
    };
    Object.assign(base, { host: fields.host, port: fields.port, database: fields.database, user: fields.user });
  }
  // The client's SecretStorage wins; then the URL's own; then PGPASSWORD.
  const password = connection.password ?? fields.password ?? env.PGPASSWORD;
  if (password !== undefined) base.password = password;
  const ssl = sslOption(connection.ssl, url ? new URL(url).searchParams.get('sslmode') ?? undefined : env.PGSSLMODE);
  if (ssl !== undefined) {
    base.ssl = ssl;
    // pg lets a connection string's sslmode override `ssl`: the setting must win.
    if (base.connectionString) base.connectionString = withoutSslMode(base.connectionString);
  }
  return { config: base, display: `${fields.user}@${fields.host}:${fields.port}/${fields.database}`, user: fields.user, password };
}

/** The setting's `ssl`, else libpq's sslmode (require does not check the certificate in libpq either). */
function sslOption(setting: ResolvedConnection['ssl'], sslmode: string | undefined): PoolConfig['ssl'] | undefined {
  if (setting === true || setting === 'require') return { rejectUnauthorized: true };
  if (setting === 'no-verify') return { rejectUnauthorized: false };
  if (setting === false || setting === 'disable') return false;
  switch (sslmode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      return undefined;
  }
}

function withoutSslMode(url: string): string {
  const parsed = new URL(url);
  for (const key of ['sslmode', 'ssl']) parsed.searchParams.delete(key);
  return parsed.toString();
}
