/**
 * Scope (issue 10, cause 1): each migration set belongs to its package, code
 * is checked against the catalog of its own package (and what it depends on)
 * in that package's dialect, and another engine's folder is left alone.
 */
import assert from 'node:assert/strict';
import type { FileChange } from '../../../shared/types';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';

const ROOT = '/cargo';

const CRATES: Record<string, string> = {
  'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n\n[workspace.dependencies]\nnotebook = { path = "crates/notebook", version = "0.1" }\n',
  // A SQLite crate: its manifest names the driver; its migration has no SQLite-only word.
  'crates/notebook/Cargo.toml': '[package]\nname = "notebook"\n\n[dependencies]\nsqlx = { version = "0.8", features = ["sqlite", "runtime-tokio"] }\n',
  'crates/notebook/migrations/20240101000000_notes.sql': 'create table notes (id integer primary key, author text not null, body text not null);\n',
  'crates/notebook/src/store.rs': `pub async fn by_author(pool: &Pool, a: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT body FROM notes WHERE author = ?1 LIMIT 20").bind(a).fetch_all(pool).await
}

pub async fn keep(pool: &Pool, a: &str) -> sqlx::Result<()> {
    sqlx::query("INSERT OR IGNORE INTO notes (author, body) VALUES (?1, ?2) ON CONFLICT DO NOTHING").bind(a).bind(a).execute(pool).await?;
    Ok(())
}
`,
  // A PostgreSQL crate with its own schema; it does not depend on the SQLite one.
  'crates/ledger/Cargo.toml': '[package]\nname = "ledger"\n\n[dependencies]\nsqlx = { workspace = true, features = ["postgres"] }\n',
  'crates/ledger/migrations/20240101000000_accounts.sql': 'CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL, author text NOT NULL);\n',
  'crates/ledger/src/lib.rs': `pub async fn by_email(pool: &Pool, e: &str) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT id FROM accounts WHERE email = $1 LIMIT 20").bind(e).fetch_all(pool).await
}

pub async fn notes_here(pool: &Pool, a: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT body FROM notes WHERE author = $1 LIMIT 20").bind(a).fetch_all(pool).await
}
`,
  // A crate that uses the SQLite crate's tables through its dependency.
  'crates/cli/Cargo.toml': '[package]\nname = "cli"\n\n[dependencies]\nnotebook = { workspace = true }\n',
  'crates/cli/src/main.rs': `async fn show(pool: &Pool, a: &str) {
    let _ = sqlx::query("SELECT body FROM notes WHERE author = ?1 LIMIT 20").bind(a).fetch_all(pool).await;
}
`,
};

function findings(ws: Workspace, file: string): string[] {
  return ws.analyze(`${ROOT}/${file}`).map((f) => `${f.ruleId}@${f.range.start.line}: ${f.message.slice(0, 60)}`);
}

describe('packages: one catalog and dialect per package', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('a SQLite crate is read as SQLite (?1, INSERT OR IGNORE, ON CONFLICT DO NOTHING) and checked against its own schema', () => {
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, CRATES);
    assert.equal(ws.dialectOf(`${ROOT}/crates/notebook/src/store.rs`), 'sqlite');
    assert.equal(ws.dialectOf(`${ROOT}/crates/notebook/migrations/20240101000000_notes.sql`), 'sqlite');
    assert.equal(ws.dialectOf(`${ROOT}/crates/ledger/src/lib.rs`), 'postgres');
    const found = ws.analyze(`${ROOT}/crates/notebook/src/store.rs`);
    assert.deepEqual(
      found.map((f) => `${f.ruleId}@${f.range.start.line}`),
      ['missing-index@1'],
    );
    // The fix goes to the set that owns the table, written for SQLite (no CONCURRENTLY).
    const change = found[0]!.fixes[0]!.changes[0] as Extract<FileChange, { kind: 'create' }>;
    assert.equal(change.kind, 'create');
    assert.match(change.file, /^\/cargo\/crates\/notebook\/migrations\/\d{14}_[a-z_]+\.sql$/);
    assert.equal(change.content.trim().split('\n').pop(), 'CREATE INDEX idx_notes_author ON notes (author);');
  });

  it('the PostgreSQL crate does not see the SQLite crate\'s tables, nor the SQLite crate its', () => {
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, CRATES);
    assert.deepEqual(findings(ws, 'crates/ledger/src/lib.rs').map((f) => f.split(':')[0]), ['missing-index@1']);
    assert.equal(ws.catalogFor(`${ROOT}/crates/ledger/src/lib.rs`).getTable('notes'), undefined);
    assert.equal(ws.catalogFor(`${ROOT}/crates/notebook/src/store.rs`).getTable('accounts'), undefined);
  });

  it('a crate sees the schema of the crates it depends on, in their dialect', () => {
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, CRATES);
    assert.equal(ws.dialectOf(`${ROOT}/crates/cli/src/main.rs`), 'sqlite');
    assert.deepEqual(findings(ws, 'crates/cli/src/main.rs').map((f) => f.split(':')[0]), ['missing-index@1']);
  });

  it('SQLite column types and partial indexes its grammar reads are not syntax errors; what SQLite cannot read is', () => {
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, {
      ...CRATES,
      'crates/notebook/migrations/20240102000000_tags.sql':
        'create table tags (id integer primary key autoincrement, owner bigserial not null, at timestamp with time zone default null, ref uuid);\n' +
        'create index if not exists idx_tags_owner on tags(owner, at) where ref is null;\n',
      'crates/notebook/migrations/20240103000000_drop.sql': 'alter table tags drop index idx_tags_owner;\n',
    });
    assert.deepEqual(findings(ws, 'crates/notebook/migrations/20240102000000_tags.sql').filter((f) => f.startsWith('syntax')), []);
    assert.deepEqual(findings(ws, 'crates/notebook/migrations/20240103000000_drop.sql').map((f) => f.split(':')[0]), ['syntax-error@0']);
  });
});

describe('packages: a set whose own SQL and manifest name no database', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('takes the dialect of the crates it depends on, so what that database cannot read is an error', () => {
    const files = {
      ...CRATES,
      'crates/snippets/Cargo.toml': '[package]\nname = "snippets"\n\n[dependencies]\nnotebook = { path = "../notebook" }\nsqlx = { workspace = true }\n',
      'crates/snippets/migrations/20240101000000_snippets.up.sql': 'create table snippets (id text primary key, name text not null);\n',
      'crates/snippets/migrations/20240101000000_snippets.down.sql': 'drop table snippets;\n',
      'crates/snippets/migrations/20240102000000_names.up.sql': 'create unique index snippets_name on snippets(name);\n',
      // MySQL's form, not SQLite's: a real error in a SQLite project.
      'crates/snippets/migrations/20240102000000_names.down.sql': 'alter table snippets drop index snippets_name;\n',
    };
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, files);
    assert.equal(ws.dialectOf(`${ROOT}/crates/snippets/migrations/20240102000000_names.down.sql`), 'sqlite');
    const [error] = ws.analyze(`${ROOT}/crates/snippets/migrations/20240102000000_names.down.sql`);
    assert.equal(error?.ruleId, 'syntax-error');
    assert.equal(error?.message, "SQLite's ALTER TABLE cannot DROP INDEX: it only renames a table or column and adds or drops a column");
    assert.deepEqual(error?.range, { start: { line: 0, character: 26 }, end: { line: 0, character: 31 } });
    assert.deepEqual(findings(ws, 'crates/snippets/migrations/20240102000000_names.up.sql'), []);
  });
});

describe('packages: another engine\'s SQL beside PostgreSQL', () => {
  const FILES: Record<string, string> = {
    'package.json': '{ "name": "site" }\n',
    'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
    'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE "visit" ("id" UUID NOT NULL, "site_id" UUID NOT NULL, CONSTRAINT "visit_pkey" PRIMARY KEY ("id"));\n',
    'db/clickhouse/migrations/01_init.sql': 'CREATE TABLE visit (id UUID, site_id LowCardinality(String) CODEC(ZSTD(1))) ENGINE = MergeTree ORDER BY id;\n',
    'db/clickhouse/migrations/02_more.sql': 'ALTER TABLE visit ADD COLUMN tag String AFTER site_id;\n',
    'analytics/001_rollup.sql': 'CREATE TABLE rollup (day Date, hits UInt64) ENGINE = SummingMergeTree ORDER BY day;\n',
    'db/mysql/001_init.sql': 'CREATE TABLE `hit` (`id` int NOT NULL AUTO_INCREMENT, `site_id` int NOT NULL, PRIMARY KEY (`id`));\n',
    'db/scripts/convert.sql':
      '-- PostgreSQL\nUPDATE "visit" SET "site_id" = "id" WHERE "site_id"::text ILIKE \'%x%\';\n-- MySQL\nUPDATE `visit` SET `site_id` = `id`;\n',
    'db/scripts/typo.sql': 'UPDATE "visit" SET "site_id" = "id" WHERE "site_id"::text ILIKE;\n',
  };

  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('a ClickHouse folder, or a file only ClickHouse writes, is left alone: no syntax error, no migration set, no table', () => {
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, FILES);
    const rel = (f: string) => f.slice(ROOT.length + 1);
    assert.deepEqual(ws.files().map(rel), ['db/mysql/001_init.sql', 'db/scripts/convert.sql', 'db/scripts/typo.sql', 'prisma/migrations/20240101000000_init/migration.sql']);
    assert.deepEqual(ws.migrationSets().map((s) => `${s.tool} ${rel(s.dir)}`), ['prisma prisma/migrations']);
    assert.equal(ws.catalog().getTable('rollup'), undefined);
    assert.equal(ws.includes(`${ROOT}/db/clickhouse/migrations/03_new.sql`), false);
    // Typed into an editor: a file that turns out to be ClickHouse's is dropped, never parsed as PostgreSQL.
    ws.setFile(`${ROOT}/db/scripts/typo.sql`, 'CREATE TABLE t (a String) ENGINE = MergeTree ORDER BY a;\n');
    assert.deepEqual(ws.analyze(`${ROOT}/db/scripts/typo.sql`), []);
    assert.equal(ws.files().includes(`${ROOT}/db/scripts/typo.sql`), false);
  });

  it('a MySQL folder is read as MySQL; a script for several databases reports nothing it cannot read, a typo in one database\'s script still is an error', () => {
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, FILES);
    assert.equal(ws.dialectOf(`${ROOT}/db/mysql/001_init.sql`), 'mysql');
    assert.deepEqual(findings(ws, 'db/mysql/001_init.sql'), []);
    assert.deepEqual(findings(ws, 'db/scripts/convert.sql').filter((f) => f.startsWith('syntax')), []);
    assert.deepEqual(findings(ws, 'db/scripts/typo.sql').map((f) => f.split(':')[0]), ['syntax-error@0']);
  });
});
