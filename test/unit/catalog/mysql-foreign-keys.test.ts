/**
 * MySQL's InnoDB makes an index for a foreign key no index leads with (named after the
 * constraint, else its first column): the catalog of MySQL migrations has it, so a query
 * on the key is not told to add one (mCaptcha's db-sqlx-maria migrations). PostgreSQL
 * makes none: the same DDL read as PostgreSQL has no such index.
 */
import * as assert from 'node:assert/strict';
import type { Dialect } from '../../../shared/types';
import { buildCatalog } from '../../../server/src/core/catalog/build';
import { initParsers, parseDocument } from '../../../server/src/core/sql/parse';

const LEVELS = `CREATE TABLE IF NOT EXISTS mcaptcha_levels (
  config_id INTEGER NOT NULL,
  difficulty_factor INTEGER NOT NULL,
  level_id INT auto_increment,
  PRIMARY KEY(level_id),
  CONSTRAINT \`fk_mcaptcha_config_id\` FOREIGN KEY (config_id) REFERENCES mcaptcha_config (config_id) ON DELETE CASCADE
);`;
const NONCE = `CREATE TABLE IF NOT EXISTS mcaptcha_track_nonce (
  level_id INTEGER NOT NULL,
  nonce INTEGER NOT NULL DEFAULT 0,
  ID INT auto_increment,
  PRIMARY KEY(ID),
  FOREIGN KEY (level_id) REFERENCES mcaptcha_levels (level_id) ON DELETE CASCADE
);
CREATE TABLE audit (
  id INT auto_increment PRIMARY KEY,
  level_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  CONSTRAINT fk_audit_level FOREIGN KEY (level_id) REFERENCES mcaptcha_levels (level_id)
);
CREATE INDEX audit_level_at ON audit (level_id, at);`;

function indexes(dialect: Dialect, table: string): [string, string[], string | undefined][] {
  // The same tables in PostgreSQL's spelling (serial, double quotes).
  const spelled = (sql: string) => (dialect === 'mysql' ? sql : sql.replace(/INT auto_increment/g, 'serial').replace(/`/g, '"'));
  const catalog = buildCatalog([
    { file: '/w/migrations/0001_levels.sql', document: parseDocument(spelled(LEVELS), dialect), order: 0 },
    { file: '/w/migrations/0002_nonce.sql', document: parseDocument(spelled(NONCE), dialect), order: 1 },
  ]);
  return catalog.getTable(table)!.indexes.map((i) => [i.name, i.keys.map((k) => k.column ?? '?'), i.implicit]);
}

describe('buildCatalog: the index MySQL makes for a foreign key', () => {
  before(() => initParsers());

  it('MySQL: a foreign key no index leads with gets one, named after its constraint, else its first column', () => {
    assert.deepEqual(indexes('mysql', 'mcaptcha_levels'), [
      ['mcaptcha_levels_pkey', ['level_id'], 'primaryKey'],
      ['fk_mcaptcha_config_id', ['config_id'], 'foreignKey'],
    ]);
    assert.deepEqual(indexes('mysql', 'mcaptcha_track_nonce'), [
      ['mcaptcha_track_nonce_pkey', ['id'], 'primaryKey'],
      ['level_id', ['level_id'], 'foreignKey'],
    ]);
  });

  it('MySQL: an index created later that leads with the key serves it instead (none is added)', () => {
    assert.deepEqual(indexes('mysql', 'audit'), [
      ['audit_pkey', ['id'], 'primaryKey'],
      ['audit_level_at', ['level_id', 'at'], undefined],
    ]);
  });

  it('PostgreSQL: no index for a foreign key', () => {
    assert.deepEqual(indexes('postgres', 'mcaptcha_track_nonce'), [['mcaptcha_track_nonce_pkey', ['id'], 'primaryKey']]);
    assert.deepEqual(indexes('postgres', 'mcaptcha_levels'), [['mcaptcha_levels_pkey', ['level_id'], 'primaryKey']]);
  });
});
