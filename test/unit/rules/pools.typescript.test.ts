/**
 * The pool rules on TypeScript / JavaScript pools (host/typescript/pools.ts):
 * node-postgres, postgres.js, knex (a call and a knexfile), mysql2. Every fixed
 * output is type-checked with `tsc --noEmit` against the real pg, postgres and
 * knex typings.
 */
import * as assert from 'node:assert/strict';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { extractHost } from '../../../server/src/core/host/extract';
import { poolExceedsServerConnections } from '../../../server/src/core/rules/pool-exceeds-server-connections';
import { poolMinAboveMax } from '../../../server/src/core/rules/pool-min-above-max';
import { poolWithoutConnectTimeout } from '../../../server/src/core/rules/pool-without-connect-timeout';
import { sqliteWithoutPragmas } from '../../../server/src/core/rules/sqlite-without-pragmas';
import { statementCacheBehindPgbouncer } from '../../../server/src/core/rules/statement-cache-behind-pgbouncer';
import type { Rule } from '../../../server/src/core/rules/types';
import { typecheck } from '../host/typescript/typecheck';
import { applyInFileFixes } from './harness';
import { runHostRule } from './host-harness';
import { poolRuleTester } from './pool-harness';

const ts = 'typescript' as const;
const PG = "import { Pool } from 'pg';\n\n";
const PGJS = "import postgres from 'postgres';\n\n";
const KNEX = "import knex from 'knex';\n\n";

const nodePostgres = `${PG}export const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: 20,
  idleTimeoutMillis: 30_000,
});
`;

describe('host/typescript: pools', () => {
  before(() => initHostParsers());

  it('node-postgres, postgres.js, knex and mysql2 pools in the neutral shape, with their settings as written', () => {
    const code = [
      "import { Pool } from 'pg';",
      "import postgres from 'postgres';",
      "import knex from 'knex';",
      "import mysql from 'mysql2/promise';",
      'export const pool = new Pool({ max: 20, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5 * 1000, statement_timeout: 10000 });',
      "export const sql = postgres('postgres://app@db/app', { max: 5, idle_timeout: 20, prepare: false });",
      "export const db = knex({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 7 }, acquireConnectionTimeout: 10000 });",
      'export const my = mysql.createPool({ connectionLimit: 4 });',
      'export const opaque = new Pool({ ...base, max: 3 });',
      '',
    ].join('\n');
    const pools = extractHost('/ws/db.ts', code)!.pools!;
    const summary = pools.map((p) => ({
      library: p.library,
      dialect: p.dialect,
      anchor: code.slice(p.anchor.start, p.anchor.end),
      opaque: p.opaque,
      settings: Object.fromEntries(Object.entries(p.settings).map(([k, v]) => [k, `${code.slice(v!.span.start, v!.span.end)} = ${v!.number ?? v!.value}`])),
    }));
    assert.deepEqual(summary, [
      {
        library: 'node-postgres', dialect: 'postgres', anchor: 'new Pool', opaque: false,
        settings: { max: 'max: 20 = 20', idleTimeout: 'idleTimeoutMillis: 30_000 = 30000', acquireTimeout: 'connectionTimeoutMillis: 5 * 1000 = 5000', statementTimeout: 'statement_timeout: 10000 = 10000' },
      },
      {
        library: 'postgres.js', dialect: 'postgres', anchor: 'postgres', opaque: false,
        settings: { max: 'max: 5 = 5', idleTimeout: 'idle_timeout: 20 = 20', statementCache: 'prepare: false = false' },
      },
      {
        library: 'knex', dialect: 'postgres', anchor: 'knex', opaque: false,
        settings: { acquireTimeout: 'acquireConnectionTimeout: 10000 = 10000', min: 'min: 0 = 0', max: 'max: 7 = 7' },
      },
      { library: 'mysql2', dialect: 'mysql', anchor: 'mysql.createPool', opaque: false, settings: { max: 'connectionLimit: 4 = 4' } },
      { library: 'node-postgres', dialect: 'postgres', anchor: 'new Pool', opaque: true, settings: { max: 'max: 3 = 3' } },
    ]);
    assert.equal(pools[1]!.url?.value, 'postgres://app@db/app');
  });

  it("a knexfile's environments are pools, named by their key; an options object held by a const is read", () => {
    const knexfile = [
      'module.exports = {',
      "  development: { client: 'sqlite3', connection: { filename: './dev.sqlite3' } },",
      "  production: { client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 2, max: 30 } },",
      '};',
      '',
    ].join('\n');
    const pools = extractHost('/ws/knexfile.js', knexfile)!.pools!;
    assert.deepEqual(pools.map((p) => [p.label, p.dialect, knexfile.slice(p.anchor.start, p.anchor.end), p.settings.max?.number]), [
      ['knexfile development', 'sqlite', 'development', undefined],
      ['knexfile production', 'postgres', 'production', 30],
    ]);
    const config = `${PG}const options = { max: 12 };\nexport const pool = new Pool(options);\n`;
    const [pool] = extractHost('/ws/db.ts', config)!.pools!;
    assert.equal(pool!.settings.max?.number, 12);
    assert.equal(pool!.opaque, false);
  });

  it('a pool made and ended inside one function (a script) is local to it; one returned by a factory is not', () => {
    const local = `${PG}export async function main() {\n  const pool = new Pool({ max: 1 });\n  await pool.end();\n}\n`;
    assert.equal(extractHost('/ws/s.ts', local)!.pools![0]!.functionLocal, true);
    const factory = `${PG}export function makePool() {\n  const pool = new Pool({ max: 1 });\n  return pool;\n}\n`;
    assert.equal(extractHost('/ws/s.ts', factory)!.pools![0]!.functionLocal, undefined);
  });
});

poolRuleTester(poolWithoutConnectTimeout, {
  valid: [
    { name: 'node-postgres with connectionTimeoutMillis', language: ts, code: `${PG}export const pool = new Pool({ max: 10, connectionTimeoutMillis: 5000 });\n` },
    { name: 'node-postgres options from a spread may set it', language: ts, code: `${PG}export const pool = new Pool({ ...config });\n` },
    { name: 'node-postgres options from a parameter may set it', language: ts, code: `${PG}export function make(config: object) {\n  return new Pool(config);\n}\n` },
    { name: 'postgres.js times out connecting after 30 s by default', language: ts, code: `${PGJS}export const sql = postgres('postgres://app@db/app');\n` },
    { name: 'knex: acquireConnectionTimeout is 60 s by default', language: ts, code: `${KNEX}export const db = knex({ client: 'pg', connection: process.env.DATABASE_URL });\n` },
  ],
  invalid: [
    {
      name: 'node-postgres written one option per line: connectionTimeoutMillis added after the last',
      language: ts,
      code: nodePostgres,
      errors: [{
        message: ['new Pool(...) sets no connectionTimeoutMillis (node-postgres\'s default is 0: no timeout): once its 20 clients are checked out, pool.connect() and pool.query() wait for a free one without limit', 'Add connectionTimeoutMillis: 10000 to fail fast.'],
        span: 'new Pool',
        fixes: ['Add connectionTimeoutMillis: 10000'],
        explanation: ['timeout exceeded when trying to connect'],
      }],
      output: nodePostgres.replace('  idleTimeoutMillis: 30_000,\n', '  idleTimeoutMillis: 30_000,\n  connectionTimeoutMillis: 10000,\n'),
    },
    {
      name: 'node-postgres with no options: an options object',
      language: ts,
      code: `${PG}export const pool = new Pool();\n`,
      errors: [{ message: ['new Pool() sets no connectionTimeoutMillis', 'once all its clients are checked out'], span: 'new Pool', fixes: ['Add connectionTimeoutMillis: 10000'] }],
      output: `${PG}export const pool = new Pool({ connectionTimeoutMillis: 10000 });\n`,
    },
    {
      name: 'pg.Pool in JavaScript with require, options on one line',
      language: ts,
      path: 'db.js',
      code: "const pg = require('pg');\n\nconst pool = new pg.Pool({ max: 5 });\nmodule.exports = pool;\n",
      errors: [{ message: ['new pg.Pool(...) sets no connectionTimeoutMillis'], span: 'new pg.Pool', fixes: ['Add connectionTimeoutMillis: 10000'] }],
      output: "const pg = require('pg');\n\nconst pool = new pg.Pool({ max: 5, connectionTimeoutMillis: 10000 });\nmodule.exports = pool;\n",
    },
  ],
});

const knexMinAboveMax = `${KNEX}export const db = knex({
  client: 'pg',
  connection: process.env.DATABASE_URL,
  pool: { min: 20, max: 10 },
});
`;

poolRuleTester(poolMinAboveMax, {
  valid: [
    { name: 'knex min below max', language: ts, code: `${KNEX}export const db = knex({ client: 'pg', pool: { min: 2, max: 30 } });\n` },
    { name: 'knex max from a variable', language: ts, code: `${KNEX}export const db = knex({ client: 'pg', pool: { min: 20, max: size } });\n` },
  ],
  invalid: [
    {
      name: 'knex: min above max, which tarn refuses',
      language: ts,
      code: knexMinAboveMax,
      errors: [{
        message: ['knex(...) asks its pool for at least 20 connections but allows at most 10: tarn refuses that configuration, and knex throws "Tarn: opt.max is smaller than opt.min" as it creates the pool. Set min to 10 or below, or raise max.'],
        span: 'min: 20',
        fixes: ['Lower min to 10'],
      }],
      output: knexMinAboveMax.replace('min: 20', 'min: 10'),
    },
    {
      name: "a knexfile environment with min above knex's default max",
      language: ts,
      path: 'knexfile.ts',
      code: "export default {\n  production: { client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 12 } },\n};\n",
      errors: [{ message: ["knexfile production asks its pool for at least 12 connections but allows at most 10 (pool.max is not set: knex's default, 10)"], span: 'min: 12', fixes: ['Lower min to 10'] }],
      output: "export default {\n  production: { client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 10 } },\n};\n",
    },
  ],
});

poolRuleTester(poolExceedsServerConnections, {
  valid: [
    { name: 'node-postgres: 20 × 2 of 97', language: ts, server: { maxConnections: 100, instances: 2 }, code: `${PG}export const pool = new Pool({ max: 20 });\n` },
    {
      name: "a knexfile's development environment is not production's server",
      language: ts,
      path: 'knexfile.js',
      server: { maxConnections: 100, instances: 4 },
      code: "module.exports = {\n  development: { client: 'pg', pool: { max: 50 } },\n  production: { client: 'pg', pool: { max: 20 } },\n};\n",
    },
    { name: 'mysql2 is not judged against PostgreSQL', language: ts, server: { maxConnections: 10 }, code: "import mysql from 'mysql2';\n\nexport const pool = mysql.createPool({ connectionLimit: 50 });\n" },
  ],
  invalid: [
    {
      name: 'node-postgres: 40 × 3 instances over 97',
      language: ts,
      server: { maxConnections: 100, instances: 3 },
      code: `${PG}export const pool = new Pool({ max: 40, connectionTimeoutMillis: 5000 });\n`,
      errors: [{ message: ['new Pool(...): configured 40 × 3 instances = 120 of 97 available (max_connections 100 − 3 reserved): under load the server refuses the rest'], span: 'max: 40' }],
    },
    {
      name: "postgres.js's default of 10 × 10 instances",
      language: ts,
      server: { maxConnections: 100, instances: 10 },
      code: `${PGJS}export const sql = postgres({ host: 'db' });\n`,
      errors: [{ message: ['postgres(...): configured 10 (default) × 10 instances = 100 of 97 available'], span: 'postgres', start: PGJS.length + 'export const sql = '.length }],
    },
    {
      name: 'a knexfile environment',
      language: ts,
      path: 'knexfile.js',
      server: { maxConnections: 100, instances: 4 },
      code: "module.exports = {\n  production: { client: 'pg', pool: { min: 2, max: 25 } },\n};\n",
      errors: [{ message: ['knexfile production: configured 25 × 4 instances = 100 of 97 available'], span: 'max: 25' }],
    },
  ],
});

const pgbouncer = `${PGJS}export const sql = postgres('postgres://app@pgbouncer:6432/app', {
  max: 10,
});
`;

poolRuleTester(statementCacheBehindPgbouncer, {
  valid: [
    { name: 'postgres.js with prepare: false', language: ts, code: `${PGJS}export const sql = postgres('postgres://app@pgbouncer:6432/app', { prepare: false });\n` },
    { name: 'postgres.js straight to the server', language: ts, code: `${PGJS}export const sql = postgres('postgres://app@db:5432/app');\n` },
    { name: 'node-postgres prepares only named queries', language: ts, code: `${PG}export const pool = new Pool({ connectionString: 'postgres://app@pgbouncer:6432/app', connectionTimeoutMillis: 5000 });\n` },
  ],
  invalid: [
    {
      name: 'postgres.js through PgBouncer: prepare: false added',
      language: ts,
      code: pgbouncer,
      errors: [{
        message: ['postgres(...) prepares named statements (postgres.js does unless given prepare: false), and the host pgbouncer:6432 says the connections go through PgBouncer', 'Turn it off with prepare: false'],
        span: 'postgres',
        start: pgbouncer.indexOf('postgres('),
        fixes: ['Add prepare: false'],
      }],
      output: pgbouncer.replace('  max: 10,\n', '  max: 10,\n  prepare: false,\n'),
    },
    {
      name: 'postgres.js through PgBouncer with prepare: true, a URL from the environment and PgBouncer named in the file',
      language: ts,
      code: `${PGJS}// Connections go through PgBouncer (transaction mode).\nexport const sql = postgres(process.env.DATABASE_URL!, { prepare: true });\n`,
      errors: [{ message: ['a mention of PgBouncer in this file says'], span: 'prepare: true', fixes: ['Set prepare: false'] }],
      output: `${PGJS}// Connections go through PgBouncer (transaction mode).\nexport const sql = postgres(process.env.DATABASE_URL!, { prepare: false });\n`,
    },
  ],
});

poolRuleTester(sqliteWithoutPragmas, {
  valid: [
    { name: "knex on SQLite: not judged (its pragmas go in pool.afterCreate)", language: ts, code: `${KNEX}export const db = knex({ client: 'better-sqlite3', connection: { filename: 'app.db' } });\n` },
  ],
  invalid: [],
});

describe('pool rules on TypeScript: the fixed files compile', function () {
  this.timeout(120_000);
  before(() => initHostParsers());

  it('tsc --noEmit on every fixed output', () => {
    const fixed = (rule: Rule, name: string, code: string, extra: { server?: { maxConnections: number } } = {}) => {
      const { reports, file } = runHostRule(rule, { language: ts, path: name, code, host: (c) => extractHost(`/ws/${name}`, c)!, ...extra });
      assert.ok(reports.length > 0, name);
      return applyInFileFixes(code, file, reports);
    };
    const files = {
      'pg-lines.ts': fixed(poolWithoutConnectTimeout, 'pg-lines.ts', nodePostgres),
      'pg-empty.ts': fixed(poolWithoutConnectTimeout, 'pg-empty.ts', `${PG}export const pool = new Pool();\n`),
      'knex-min.ts': fixed(poolMinAboveMax, 'knex-min.ts', knexMinAboveMax),
      'pgjs-prepare.ts': fixed(statementCacheBehindPgbouncer, 'pgjs-prepare.ts', pgbouncer),
    };
    assert.ok(files['pg-empty.ts'].includes('new Pool({ connectionTimeoutMillis: 10000 })'));
    assert.deepEqual(typecheck(files), Object.fromEntries(Object.keys(files).map((f) => [f, []])));
  });
});
