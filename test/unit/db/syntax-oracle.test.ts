/**
 * SQLite's own parser as the syntax oracle: a statement of a SQLite file that
 * QueryLens's parsers reject but SQLite compiles is valid SQL QueryLens cannot
 * read (skipped and counted), not a syntax error; a real syntax error stays one.
 */
import assert from 'node:assert/strict';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initParsers, parseDocument } from '../../../server/src/core/sql/parse';
import { sqliteAccepts, sqliteSyntaxOracle } from '../../../server/src/db/syntax-oracle';

const ROOT = '/kennel';

// A table rebuilt the way SQLite tools write it: `references user` names the
// parent table alone (its primary key is meant), which SQLite reads and
// node-sql-parser does not; `user` is a reserved word for PostgreSQL's parser.
const REBUILD = [
  '-- pet.adopted_at becomes a DATETIME',
  'PRAGMA foreign_keys = off;',
  'BEGIN TRANSACTION;',
  'create table pet_tmp',
  '(',
  '    id INTEGER not null',
  '        primary key autoincrement,',
  '    name VARCHAR(80),',
  '    owner_id INTEGER',
  '        references user',
  '            on update cascade on delete set null,',
  '    adopted_at DATETIME',
  ');',
  'insert into pet_tmp(id, name, owner_id, adopted_at) select id, name, owner_id, adopted_at from pet;',
  'drop table pet;',
  'alter table pet_tmp rename to pet;',
  'create table collar (id INTEGER primary key autoincrement, pet_id INTEGER references pet(id),);',
  'COMMIT;',
  'PRAGMA foreign_keys = on;',
  '',
].join('\n');

function syntaxErrors(ws: Workspace, file: string): string[] {
  return ws
    .analyze(`${ROOT}/${file}`)
    .filter((f) => f.ruleId === 'syntax-error')
    .map((f) => `${f.range.start.line}: ${f.message}`);
}

describe('the SQLite syntax oracle', () => {
  before(() => initParsers());

  describe('sqliteAccepts', () => {
    it('accepts what SQLite compiles, and what it rejects only for a table, column or function the empty database lacks', () => {
      assert.equal(sqliteAccepts('create table pet_tmp (id INTEGER not null primary key autoincrement, owner_id INTEGER references user on update cascade on delete set null)'), true);
      assert.equal(sqliteAccepts('insert into pet_tmp(id) select id from pet'), true); // no such table: pet_tmp
      assert.equal(sqliteAccepts('alter table pet_tmp rename to pet'), true);
      assert.equal(sqliteAccepts('select sound(name) from (select 1 as name)'), true); // no such function: sound
      assert.equal(sqliteAccepts('select nickname'), true); // no such column: nickname
    });

    it('rejects syntax errors, incomplete input, bad tokens and statements SQLite refuses whatever the schema', () => {
      assert.equal(sqliteAccepts('selec id from pet'), false);
      assert.equal(sqliteAccepts('select id from'), false);
      assert.equal(sqliteAccepts("select 'unclosed"), false);
      assert.equal(sqliteAccepts('create table collar (id INTEGER primary key autoincrement, pet_id INTEGER references pet(id),)'), false);
      assert.equal(sqliteAccepts('create table tag (code TEXT primary key autoincrement)'), false);
    });

    it('has no answer for several statements, none, or a PRAGMA (some act while compiled)', () => {
      assert.equal(sqliteAccepts('select 1; select 2'), undefined);
      assert.equal(sqliteAccepts('-- nothing'), undefined);
      assert.equal(sqliteAccepts('PRAGMA temp_store_directory = \'/tmp\''), undefined);
    });

    it('answers for SQLite only', () => {
      const oracle = sqliteSyntaxOracle();
      assert.equal(oracle('create table t (a int references user)', 'sqlite'), true);
      assert.equal(oracle('create table t (a int references user)', 'postgres'), undefined);
    });
  });

  describe('in a workspace', () => {
    it('a statement SQLite reads is skipped and counted, not a syntax error; a real syntax error is still reported', () => {
      const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig(), syntaxOracle: sqliteSyntaxOracle() }, { 'db/patch-pet.sql': REBUILD });
      assert.deepEqual(syntaxErrors(ws, 'db/patch-pet.sql'), ['16: syntax error at or near ")"']);
      assert.equal(ws.unreadableIn(`${ROOT}/db/patch-pet.sql`), 1);
      const texts = ws.document(`${ROOT}/db/patch-pet.sql`)!.statements.map((s) => s.text.split('\n')[0]);
      assert.deepEqual(texts, [
        'PRAGMA foreign_keys = off',
        'BEGIN TRANSACTION',
        'insert into pet_tmp(id, name, owner_id, adopted_at) select id, name, owner_id, adopted_at from pet',
        'drop table pet',
        'alter table pet_tmp rename to pet',
        'COMMIT',
        'PRAGMA foreign_keys = on',
      ]);
    });

    it('without the oracle (the core alone) the statement stays a syntax error', () => {
      const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, { 'db/patch-pet.sql': REBUILD });
      assert.deepEqual(syntaxErrors(ws, 'db/patch-pet.sql'), ['10: syntax error at or near "on"', '16: syntax error at or near ")"']);
      assert.equal(ws.unreadableIn(`${ROOT}/db/patch-pet.sql`), 0);
    });

    it('parseDocument asks the oracle only about statements the parsers reject', () => {
      const asked: string[] = [];
      const doc = parseDocument('select id from pet;\ncreate table t (a int references user);\n', 'sqlite', undefined, {
        syntaxOracle: (text) => {
          asked.push(text);
          return true;
        },
      });
      assert.deepEqual(asked, ['create table t (a int references user)']);
      assert.deepEqual(doc.errors, []);
      assert.deepEqual(doc.unreadable, [{ start: 20, end: 58 }]);
      assert.deepEqual(doc.statements.map((s) => s.text), ['select id from pet']);
    });
  });
});
