/**
 * pool-settings-ignored: knex's pool written inside `connection` (kutt's
 * server/knex.js), with the real extractor; the moved pool type-checks
 * against knex's typings.
 */
import * as assert from 'node:assert/strict';
import { extractHost } from '../../../server/src/core/host/extract';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { poolSettingsIgnored } from '../../../server/src/core/rules/pool-settings-ignored';
import { typecheck } from '../host/typescript/typecheck';
import { applyInFileFixes } from './harness';
import { runHostRule } from './host-harness';
import { poolRuleTester } from './pool-harness';

const ts = 'typescript' as const;
const PG = "import { Pool } from 'pg';\n\n";
const KNEX = "import knex from 'knex';\n\n";

// kutt's server/knex.js: the pool inside connection.
const misplaced = `${KNEX}const env = process.env;

export const db = knex({
  client: 'pg',
  connection: {
    host: env.DB_HOST,
    ssl: env.DB_SSL === 'true',
    pool: {
      min: Number(env.DB_POOL_MIN),
      max: Number(env.DB_POOL_MAX)
    }
  },
  useNullAsDefault: true,
});
`;

poolRuleTester(poolSettingsIgnored, {
  valid: [
    { name: 'knex with a top-level pool', language: ts, code: `${KNEX}export const db = knex({ client: 'pg', connection: { host: 'db' }, pool: { min: 0, max: 7 } });\n` },
    { name: 'node-postgres has no connection entry', language: ts, code: `${PG}export const pool = new Pool({ max: 5, connectionTimeoutMillis: 5000 });\n` },
  ],
  invalid: [
    {
      name: "knex: pool inside connection (kutt's layout), moved next to it",
      language: ts,
      code: misplaced,
      errors: [{
        message: ["knex(...) has its pool settings inside connection, which knex hands to the database driver, and the driver ignores them: knex builds its pool from the top-level pool option only, so this pool keeps knex's defaults (2 to 10 connections) whatever these settings say. Move pool out of connection, next to it."],
        span: 'pool: {\n      min: Number(env.DB_POOL_MIN),\n      max: Number(env.DB_POOL_MAX)\n    }',
        fixes: ['Move pool out of connection'],
      }],
      output: misplaced
        .replace(",\n    pool: {\n      min: Number(env.DB_POOL_MIN),\n      max: Number(env.DB_POOL_MAX)\n    }\n  },", '\n  },')
        .replace('  useNullAsDefault: true,\n', '  useNullAsDefault: true,\n  pool: {\n    min: Number(env.DB_POOL_MIN),\n    max: Number(env.DB_POOL_MAX)\n  },\n'),
    },
    {
      name: 'a knexfile environment with a pool on both levels: no fix, the inner one is dead',
      language: ts,
      path: 'knexfile.js',
      code: "module.exports = {\n  production: { client: 'pg', connection: { pool: { max: 3 }, host: 'db' }, pool: { max: 20 } },\n};\n",
      errors: [{ message: ['knexfile production has its pool settings inside connection', 'The configuration has a top-level pool already: remove this one.'], span: 'pool: { max: 3 }', fixes: [] }],
    },
  ],
});

describe('pool-settings-ignored: the fixed file compiles', function () {
  this.timeout(120_000);
  before(() => initHostParsers());

  it('tsc --noEmit on the moved pool', () => {
    const { reports, file } = runHostRule(poolSettingsIgnored, { language: ts, path: 'knex-misplaced.ts', code: misplaced, host: (c) => extractHost('/ws/knex-misplaced.ts', c)! });
    const fixed = applyInFileFixes(misplaced, file, reports);
    assert.notEqual(fixed, misplaced);
    assert.deepEqual(typecheck({ 'knex-misplaced.ts': fixed }), { 'knex-misplaced.ts': [] });
  });
});
