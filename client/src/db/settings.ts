/**
 * The connection settings (`querylens.connections`, `querylens.activeConnection`,
 * `querylens.statementTimeoutMs`): their package.json declarations (a test checks
 * the manifest against them), validation, and the choice of the active
 * connection. Pure: no `vscode` import, so mocha tests it directly.
 */
import { isAbsolute, join } from 'node:path';
import {
  DEFAULT_SHADOW_ROWS,
  MAX_SHADOW_ROWS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  DRIVER_KINDS,
  EMBEDDED_CONNECTION,
  type ConnectionSetting,
  type DriverKind,
  type ResolvedConnection,
} from '../../../shared/connections';

/** The JSON schema of one entry, keyed by every field of ConnectionSetting (the type keeps the two in step). */
const CONNECTION_FIELDS: Record<keyof ConnectionSetting, Record<string, unknown>> = {
  name: { type: 'string', minLength: 1, description: 'Unique name, shown in the status bar and in every message about this connection.' },
  driver: { type: 'string', enum: DRIVER_KINDS, description: '`postgres` (a PostgreSQL server), `sqlite` (a database file) or `embedded` (the in-process shadow database).' },
  url: {
    type: 'string',
    markdownDescription:
      'postgres: `postgres://user@host:5432/db` (without a password: run **QueryLens: Set Connection Password**). sqlite: a file path or `file:` URL.',
  },
  host: { type: 'string', description: 'postgres: server host.' },
  port: { type: 'integer', minimum: 1, maximum: 65535, description: 'postgres: server port (5432 when absent).' },
  database: { type: 'string', description: 'postgres: database name.' },
  user: { type: 'string', description: 'postgres: user name.' },
  file: { type: 'string', description: 'sqlite: path of the database file, relative to the workspace folder.' },
  ssl: {
    anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['require', 'no-verify', 'disable'] }],
    markdownDescription: 'postgres: `true`/`"require"` (TLS, certificate checked), `"no-verify"` (TLS, any certificate), `false`/`"disable"`.',
  },
  readOnly: { type: 'boolean', default: false, description: 'Only read-only work runs here: EXPLAIN ANALYZE of writes and index proofs are refused.' },
  production: { type: 'boolean', default: false, description: 'Ask for confirmation before anything runs on this connection.' },
  rowsPerTable: {
    type: 'integer',
    minimum: 0,
    maximum: MAX_SHADOW_ROWS,
    default: DEFAULT_SHADOW_ROWS,
    description: 'embedded: synthetic rows per table of the shadow database.',
  },
  dialect: { type: 'string', enum: ['postgres', 'sqlite'], description: 'embedded: PGlite (`postgres`) or in-memory SQLite (`sqlite`); the workspace dialect when absent.' },
  ram: { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*(kB|MB|GB|TB)\\s*$', markdownDescription: 'postgres: the server\'s RAM (`16GB`), for the dashboard\'s Settings tab (seed 004\'s memory rules); read from `/proc/meminfo` when the server is local.' },
};

/** The `contributes.configuration.properties` entries of these settings, exactly as package.json declares them. */
export const CONNECTION_SETTING_DECLARATIONS: Record<string, Record<string, unknown>> = {
  'querylens.connections': {
    type: 'array',
    scope: 'window',
    default: [],
    markdownDescription:
      'Databases QueryLens can explain queries on. Passwords are never kept here: run **QueryLens: Set Connection Password** (VS Code secret storage). `DATABASE_URL` and the `PG*` environment variables are used too.',
    items: {
      type: 'object',
      required: ['name', 'driver'],
      additionalProperties: false,
      properties: CONNECTION_FIELDS,
    },
  },
  'querylens.activeConnection': {
    type: 'string',
    scope: 'window',
    default: '',
    markdownDescription: 'Name of the connection Explain, Benchmark and index proofs run on; the embedded shadow database when empty.',
  },
  'querylens.statementTimeoutMs': {
    type: 'number',
    scope: 'window',
    default: DEFAULT_STATEMENT_TIMEOUT_MS,
    minimum: 100,
    maximum: 3_600_000,
    markdownDescription: 'Statement timeout (milliseconds) of everything QueryLens runs on a database.',
  },
};

/** A setting that cannot be used, and why (the reason names the connection, never holds a secret). */
export interface RefusedConnection {
  name?: string;
  reason: string;
}

export interface ConnectionList {
  connections: ConnectionSetting[];
  refused: RefusedConnection[];
}

/** An error about one connection: the message names it. */
export class ConnectionProblem extends Error {
  constructor(
    readonly connection: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectionProblem';
  }
}

export const SET_PASSWORD_TITLE = 'QueryLens: Set Connection Password';

/** Whether a connection URL or key/value string carries a password. */
export function urlHasPassword(url: string): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '' || parsed.searchParams.has('password')) return true;
  } catch {
    // Not a WHATWG URL (a `key=value` string, unencoded characters): the patterns below decide.
  }
  return /:\/\/[^/@\s]*:[^@/\s]*@/.test(url) || /(^|[\s?&;])password\s*=/i.test(url);
}

function passwordRefusal(name: string, where: string): string {
  return (
    `Connection "${name}": ${where} holds a password, which settings must not (they are plain text and often committed). ` +
    `Remove it and run "${SET_PASSWORD_TITLE}" to keep it in VS Code's secret storage.`
  );
}

/** Reads `querylens.connections` as the user wrote it: valid entries, and the refused ones with why. */
export function readConnections(raw: unknown): ConnectionList {
  const connections: ConnectionSetting[] = [];
  const refused: RefusedConnection[] = [];
  if (raw === undefined || raw === null) return { connections, refused };
  if (!Array.isArray(raw)) return { connections, refused: [{ reason: 'querylens.connections must be a list of connections.' }] };
  const seen = new Set<string>();
  raw.forEach((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      refused.push({ reason: `querylens.connections[${index}] is not an object.` });
      return;
    }
    const value = entry as Record<string, unknown>;
    if (typeof value.name !== 'string' || value.name.trim() === '') {
      refused.push({ reason: `querylens.connections[${index}] has no name.` });
      return;
    }
    const name = value.name;
    const problem = connectionProblem(name, value, seen);
    if (problem) {
      refused.push({ name, reason: problem });
      return;
    }
    seen.add(name);
    connections.push(value as unknown as ConnectionSetting);
  });
  return { connections, refused };
}

function connectionProblem(name: string, value: Record<string, unknown>, seen: Set<string>): string | undefined {
  if (seen.has(name)) return `Connection "${name}" is declared twice in querylens.connections; the first one is used.`;
  if ('password' in value) return passwordRefusal(name, 'its "password" field');
  if (!DRIVER_KINDS.includes(value.driver as DriverKind)) {
    return `Connection "${name}": "driver" must be postgres, sqlite or embedded (found ${JSON.stringify(value.driver ?? null)}).`;
  }
  if (value.url !== undefined && typeof value.url !== 'string') return `Connection "${name}": "url" must be a string.`;
  if (typeof value.url === 'string' && urlHasPassword(value.url)) return passwordRefusal(name, 'its URL');
  if (value.port !== undefined && !(Number.isInteger(value.port) && (value.port as number) > 0 && (value.port as number) < 65536)) {
    return `Connection "${name}": "port" must be a whole number between 1 and 65535.`;
  }
  const rows = value.rowsPerTable;
  if (rows !== undefined && !(Number.isInteger(rows) && (rows as number) >= 0 && (rows as number) <= MAX_SHADOW_ROWS)) {
    return `Connection "${name}": "rowsPerTable" must be a whole number from 0 to ${MAX_SHADOW_ROWS.toLocaleString('en-US')}.`;
  }
  if (value.driver === 'sqlite' && typeof value.file !== 'string' && typeof value.url !== 'string') {
    return `Connection "${name}" (sqlite) needs a "file": the path of the database file.`;
  }
  return undefined;
}

/**
 * The connection work runs on: the embedded shadow database when
 * `querylens.activeConnection` is empty or no connection is configured,
 * else the named one (a ConnectionProblem when it is missing or refused).
 */
export function chooseConnection(list: ConnectionList, activeName: string): ConnectionSetting {
  const name = activeName.trim();
  if (name === '' || (list.connections.length === 0 && list.refused.length === 0)) return EMBEDDED_CONNECTION;
  const found = list.connections.find((c) => c.name === name);
  if (found) return found;
  const refused = list.refused.find((r) => r.name === name);
  if (refused) throw new ConnectionProblem(name, refused.reason);
  if (name === EMBEDDED_CONNECTION.name) return EMBEDDED_CONNECTION;
  throw new ConnectionProblem(
    name,
    `Connection "${name}" (querylens.activeConnection) is not in querylens.connections. Run "QueryLens: Select Connection" to choose one.`,
  );
}

/**
 * The setting plus what the server needs besides: the password from secret
 * storage (postgres only) and a SQLite file made absolute against the folder
 * of the query's workspace (`${workspaceFolder}` is expanded too).
 */
export function resolveConnection(setting: ConnectionSetting, password: string | undefined, folderPath?: string): ResolvedConnection {
  const resolved: ResolvedConnection = { ...setting };
  if (setting.driver === 'postgres' && password) resolved.password = password;
  if (setting.driver === 'sqlite' && setting.file && folderPath) {
    const file = setting.file.replace(/\$\{workspaceFolder\}/g, folderPath);
    resolved.file = isAbsolute(file) ? file : join(folderPath, file);
  }
  return resolved;
}

/** One line about where a connection points, for the status bar tooltip and pickers; never a password. */
export function describeConnection(setting: ConnectionSetting): string {
  switch (setting.driver) {
    case 'embedded': {
      const engine = setting.dialect === 'sqlite' ? 'in-memory SQLite' : setting.dialect === 'postgres' ? 'PGlite' : 'PGlite or SQLite';
      const rows = (setting.rowsPerTable ?? DEFAULT_SHADOW_ROWS).toLocaleString('en-US');
      return `embedded shadow database (${engine}, ${rows} rows per table)`;
    }
    case 'sqlite':
      return `sqlite · ${setting.file ?? setting.url ?? '?'}`;
    case 'postgres': {
      if (setting.url) return `postgres · ${setting.url}`;
      const user = setting.user ? `${setting.user}@` : '';
      const where = `${setting.host ?? 'localhost'}${setting.port ? `:${setting.port}` : ''}`;
      const database = setting.database ? `/${setting.database}` : '';
      return setting.host || setting.database || setting.user ? `postgres · ${user}${where}${database}` : 'postgres · DATABASE_URL / PG* environment';
    }
  }
}

/** Key of a connection's password in SecretStorage. */
export function secretKey(connectionName: string): string {
  return `querylens.connection.password/${connectionName}`;
}

/** The statement timeout setting, clamped to something sane. */
export function statementTimeout(raw: unknown): number {
  return typeof raw === 'number' && Number.isFinite(raw) && raw >= 100 ? Math.min(raw, 3_600_000) : DEFAULT_STATEMENT_TIMEOUT_MS;
}
