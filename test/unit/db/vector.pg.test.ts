/**
 * A vector query explained on a PostgreSQL server without pgvector (Debian 12
 * ships no pgvector package, so the test server has none): the error names
 * the missing extension and says what to do, whether the query names the type
 * (`$1::vector`) or only the distance operator.
 */
import * as assert from 'node:assert/strict';
import { explain } from '../../../server/src/db/explain';
import { DbError } from '../../../server/src/db/types';
import { skipWithoutPart } from '../../optional';
import { dropPgFixture, pgFixture, type PgFixture } from './fixtures';

describe('explain a vector query on a server without pgvector', function () {
  this.timeout(30_000);
  let f: PgFixture | undefined;
  before(async function () {
    f = await pgFixture(10);
    if (!f) return skipWithoutPart(this, 'no PostgreSQL server at the test URL');
    const available = await f.admin.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
    if (available.rowCount) return skipWithoutPart(this, 'this server has pgvector: the missing-extension message cannot be shown here');
    // Where pgvector is missing, the migrations' vector column could not exist either: an array stands in.
    await f.admin.query('CREATE TABLE memories (id bigint PRIMARY KEY, embedding real[])');
  });
  after(() => dropPgFixture(f));

  const explainError = async (sql: string): Promise<DbError> => {
    try {
      await explain(f!.driver, { sql, analyze: false, timeoutMs: 5_000 });
    } catch (e) {
      assert.ok(e instanceof DbError, String(e));
      return e;
    }
    throw new Error('explain succeeded');
  };

  it('$1::vector: the type is unknown, pgvector is not installed', async () => {
    const e = await explainError('SELECT id FROM memories ORDER BY embedding <=> $1::vector LIMIT 10');
    assert.equal(e.kind, 'sql');
    assert.match(e.message, /^Connection "test-pg": the type vector is not known on .*: pgvector \(the `vector` extension\) is not installed in this database \(type "vector" does not exist\)\. Install pgvector on the server .*CREATE EXTENSION vector.*, or explain on the embedded database \(PGlite\), which has it\.$/);
  });

  it('the operator alone: <=> is unknown, pgvector is not installed', async () => {
    const e = await explainError('SELECT id FROM memories ORDER BY embedding <=> $1 LIMIT 10');
    assert.match(e.message, /^Connection "test-pg": the distance operator <=> is not known on .*: pgvector \(the `vector` extension\) is not installed in this database \(operator does not exist: real\[\] <=> /);
  });
});
