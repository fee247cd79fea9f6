import * as assert from 'node:assert/strict';
import { extractRust } from '../../../../server/src/core/host/rust/extract';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import { covered, sourceOf } from './helpers';

describe('host/rust: exact SQL spans and offsets', () => {
  before(async () => {
    await initHostParsers();
  });

  it('maps a plain string with escapes, after non-ASCII text (UTF-16 offsets)', () => {
    const text = [
      '// café 𝄞 — offsets count UTF-16 units',
      'async fn f(pool: &PgPool, id: i64) -> Result<()> {',
      '    let name = "é𝄞";',
      '    let row = sqlx::query("SELECT \\"Name\\", note\\n  FROM users WHERE city = \'Zürich\' AND id = $1")',
      '        .bind(id)',
      '        .fetch_one(pool)',
      '        .await?;',
      '}',
    ].join('\n');
    const [q] = extractRust(text, 'a.rs').queries;
    assert.equal(q.sql?.text, 'SELECT "Name", note\n  FROM users WHERE city = \'Zürich\' AND id = $1');
    assert.equal(covered(text, q.sql!.literal), '"SELECT \\"Name\\", note\\n  FROM users WHERE city = \'Zürich\' AND id = $1"');
    assert.equal(sourceOf(text, q, 'users'), 'users');
    assert.equal(sourceOf(text, q, "'Zürich'"), "'Zürich'");
    // An escape's characters all map to the escape: each SQL char i comes from [offsets[i], offsets[i + 1]).
    const quote = q.sql!.text.indexOf('"');
    assert.equal(text.slice(q.sql!.offsets[quote], q.sql!.offsets[quote + 1]), '\\"');
    const newline = q.sql!.text.indexOf('\n');
    assert.equal(text.slice(q.sql!.offsets[newline], q.sql!.offsets[newline + 1]), '\\n');
    assert.equal(sourceOf(text, q, '$1'), '$1');
    assert.equal(q.sql!.offsets.length, q.sql!.text.length + 1);
    assert.equal(text[q.sql!.offsets[q.sql!.text.length]], '"', 'the final entry is the closing quote');
  });

  it('maps raw strings, quotes inside included', () => {
    const text = 'fn f() { let r = sqlx::query!(r##"SELECT "id" FROM t WHERE a = \'x\' -- "# ok\n"##, y); }';
    const [q] = extractRust(text, 'a.rs').queries;
    assert.equal(q.sql?.text, 'SELECT "id" FROM t WHERE a = \'x\' -- "# ok\n');
    assert.equal(covered(text, q.sql!.literal), 'r##"SELECT "id" FROM t WHERE a = \'x\' -- "# ok\n"##');
    assert.equal(sourceOf(text, q, '"id"'), '"id"');
    assert.equal(sourceOf(text, q, '"# ok'), '"# ok');
    assert.equal(q.sql!.offsets[q.sql!.text.length], text.indexOf('"##, y'));
    const plainRaw = 'fn f() { sqlx::query(r"SELECT 1 FROM t").execute(&p); }';
    assert.equal(sourceOf(plainRaw, extractRust(plainRaw, 'a.rs').queries[0], 't'), 't');
  });

  it('drops a line continuation and the next line\'s indentation', () => {
    const text = 'fn f() { query!("SELECT a \\\n        FROM t WHERE b = $1", b); }';
    const [q] = extractRust(text, 'a.rs').queries;
    assert.equal(q.sql?.text, 'SELECT a FROM t WHERE b = $1');
    assert.equal(sourceOf(text, q, 'a FROM t'), 'a \\\n        FROM t');
    assert.equal(sourceOf(text, q, 'FROM'), 'FROM');
  });

  it('resolves \\x and \\u{..} escapes', () => {
    const text = 'fn f() { query!("SELECT \\x41, \'\\u{1D11E}\' FROM t"); }';
    const [q] = extractRust(text, 'a.rs').queries;
    assert.equal(q.sql?.text, "SELECT A, '𝄞' FROM t");
    assert.equal(sourceOf(text, q, 'A'), '\\');
    assert.equal(sourceOf(text, q, 'FROM t'), 'FROM t');
  });

  it('spans the call chain through .await, not the ?', () => {
    const text = 'async fn f() { let n = sqlx::query_scalar!("SELECT count(*) FROM t").fetch_one(&pool).await?; }';
    const [q] = extractRust(text, 'a.rs').queries;
    assert.equal(covered(text, q.span), 'sqlx::query_scalar!("SELECT count(*) FROM t").fetch_one(&pool).await');
    assert.equal(text.slice(q.beforeTerminal), '.fetch_one(&pool).await?; }');
  });
});
