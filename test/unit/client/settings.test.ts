/**
 * Connection settings on the client: which entries of `querylens.connections`
 * are refused (a password in settings above all) with a message naming the
 * connection and never the secret, which connection is active, and what the
 * server is handed.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import {
  chooseConnection,
  ConnectionProblem,
  CONNECTION_SETTING_DECLARATIONS,
  describeConnection,
  readConnections,
  resolveConnection,
  secretKey,
  statementTimeout,
  urlHasPassword,
} from '../../../client/src/db/settings';
import { DEFAULT_STATEMENT_TIMEOUT_MS, EMBEDDED_CONNECTION, type ConnectionSetting } from '../../../shared/connections';

const local: ConnectionSetting = { name: 'local', driver: 'postgres', host: 'localhost', port: 5432, database: 'test', user: 'root' };

describe('client connection settings', function () {
  describe('urlHasPassword', function () {
    it('finds a password in URL userinfo, in a query parameter and in a key=value string', function () {
      assert.equal(urlHasPassword('postgres://app:s3cret@db.example.com:5432/app'), true);
      assert.equal(urlHasPassword('postgresql://app:p%40ss@db/app?sslmode=require'), true);
      assert.equal(urlHasPassword('postgres://db/app?user=app&password=s3cret'), true);
      assert.equal(urlHasPassword('host=db user=app password=s3cret dbname=app'), true);
      assert.equal(urlHasPassword('postgres://app:we ird@db/app'), true, 'unparseable URL still caught');
    });

    it('accepts URLs without one', function () {
      assert.equal(urlHasPassword('postgres://app@db.example.com:5432/app'), false);
      assert.equal(urlHasPassword('postgres://db/app?sslmode=require'), false);
      assert.equal(urlHasPassword('file:./dev.sqlite'), false);
      assert.equal(urlHasPassword('host=db user=app dbname=app'), false);
    });
  });

  describe('readConnections', function () {
    it('keeps valid entries in order', function () {
      const sqlite = { name: 'dev file', driver: 'sqlite', file: 'dev.db' };
      const { connections, refused } = readConnections([local, sqlite, { name: 'shadow', driver: 'embedded', rowsPerTable: 500 }]);
      assert.deepEqual(connections.map((c) => c.name), ['local', 'dev file', 'shadow']);
      assert.deepEqual(refused, []);
    });

    it('refuses a URL holding a password, naming the connection and the command, never showing the secret', function () {
      const { connections, refused } = readConnections([{ name: 'staging', driver: 'postgres', url: 'postgres://app:hunter22@db/app' }]);
      assert.deepEqual(connections, []);
      assert.equal(refused.length, 1);
      assert.equal(refused[0]!.name, 'staging');
      assert.match(refused[0]!.reason, /^Connection "staging": its URL holds a password/);
      assert.match(refused[0]!.reason, /QueryLens: Set Connection Password/);
      assert.ok(!refused[0]!.reason.includes('hunter22'), 'the password is not repeated');
      assert.ok(!refused[0]!.reason.includes('postgres://'), 'nor the URL');
    });

    it('refuses a "password" field the same way', function () {
      const { refused } = readConnections([{ ...local, password: 'hunter22' }]);
      assert.match(refused[0]!.reason, /^Connection "local": its "password" field holds a password/);
      assert.ok(!refused[0]!.reason.includes('hunter22'));
    });

    it('refuses unnamed, duplicate, unknown-driver, bad-port, file-less sqlite and over-large shadow entries, saying which', function () {
      const { connections, refused } = readConnections([
        local,
        { driver: 'postgres' },
        { ...local },
        { name: 'maria', driver: 'mysql' },
        { name: 'bad port', driver: 'postgres', port: 99999 },
        { name: 'nofile', driver: 'sqlite' },
        'local',
        { name: 'huge', driver: 'embedded', rowsPerTable: 1e12 },
      ]);
      assert.deepEqual(connections.map((c) => c.name), ['local']);
      assert.deepEqual(
        refused.map((r) => r.reason),
        [
          'querylens.connections[1] has no name.',
          'Connection "local" is declared twice in querylens.connections; the first one is used.',
          'Connection "maria": "driver" must be postgres, sqlite or embedded (found "mysql").',
          'Connection "bad port": "port" must be a whole number between 1 and 65535.',
          'Connection "nofile" (sqlite) needs a "file": the path of the database file.',
          'querylens.connections[6] is not an object.',
          'Connection "huge": "rowsPerTable" must be a whole number from 0 to 10,000,000.',
        ],
      );
    });

    it('reads an absent setting as no connections, and a non-list as one problem', function () {
      assert.deepEqual(readConnections(undefined), { connections: [], refused: [] });
      assert.equal(readConnections({ name: 'x' }).refused.length, 1);
    });
  });

  describe('chooseConnection', function () {
    const list = readConnections([local, { name: 'staging', driver: 'postgres', url: 'postgres://a:b@h/d' }]);

    it('is the embedded shadow database when activeConnection is empty', function () {
      assert.equal(chooseConnection(list, ''), EMBEDDED_CONNECTION);
      assert.equal(chooseConnection(list, '  '), EMBEDDED_CONNECTION);
    });

    it('is the embedded shadow database when no connection is configured', function () {
      assert.equal(chooseConnection(readConnections([]), 'prod'), EMBEDDED_CONNECTION);
    });

    it('is the named connection', function () {
      assert.equal(chooseConnection(list, 'local').name, 'local');
    });

    it('fails naming a connection that is missing or was refused', function () {
      assert.throws(() => chooseConnection(list, 'prod'), (e: unknown) => e instanceof ConnectionProblem && e.connection === 'prod' && /"prod" \(querylens.activeConnection\) is not in querylens.connections/.test(e.message));
      assert.throws(() => chooseConnection(list, 'staging'), (e: unknown) => e instanceof ConnectionProblem && /^Connection "staging": its URL holds a password/.test(e.message));
    });
  });

  describe('resolveConnection', function () {
    it('adds the stored password to postgres connections only', function () {
      assert.deepEqual(resolveConnection(local, 'pw'), { ...local, password: 'pw' });
      assert.equal('password' in resolveConnection(local, undefined), false);
      const sqlite: ConnectionSetting = { name: 'f', driver: 'sqlite', file: '/abs/dev.db' };
      assert.equal('password' in resolveConnection(sqlite, 'pw'), false);
    });

    it('makes a SQLite file absolute against the workspace folder, ${workspaceFolder} included', function () {
      const folder = join('/', 'work', 'project');
      assert.equal(resolveConnection({ name: 'f', driver: 'sqlite', file: 'db/dev.sqlite' }, undefined, folder).file, join(folder, 'db/dev.sqlite'));
      assert.equal(resolveConnection({ name: 'f', driver: 'sqlite', file: '${workspaceFolder}/dev.sqlite' }, undefined, folder).file, `${folder}/dev.sqlite`);
      assert.equal(resolveConnection({ name: 'f', driver: 'sqlite', file: '/data/dev.sqlite' }, undefined, folder).file, '/data/dev.sqlite');
    });

    it('does not change the setting it was given', function () {
      const setting = { ...local };
      resolveConnection(setting, 'pw');
      assert.deepEqual(setting, local);
    });
  });

  it('describes connections without secrets', function () {
    assert.equal(describeConnection(local), 'postgres · root@localhost:5432/test');
    assert.equal(describeConnection({ name: 'env', driver: 'postgres' }), 'postgres · DATABASE_URL / PG* environment');
    assert.equal(describeConnection(EMBEDDED_CONNECTION), 'embedded shadow database (PGlite or SQLite, 10,000 rows per table)');
    assert.equal(describeConnection({ name: 'f', driver: 'sqlite', file: 'dev.db' }), 'sqlite · dev.db');
  });

  it('keys secrets by connection name', function () {
    assert.notEqual(secretKey('a'), secretKey('b'));
    assert.ok(secretKey('prod').endsWith('prod'));
  });

  it('clamps the statement timeout to the declared range, defaulting to 30 s', function () {
    assert.equal(statementTimeout(undefined), DEFAULT_STATEMENT_TIMEOUT_MS);
    assert.equal(statementTimeout(5), DEFAULT_STATEMENT_TIMEOUT_MS);
    assert.equal(statementTimeout(1500), 1500);
    const declared = CONNECTION_SETTING_DECLARATIONS['querylens.statementTimeoutMs']!;
    assert.equal(declared.default, DEFAULT_STATEMENT_TIMEOUT_MS);
    assert.equal(statementTimeout(1e12), declared.maximum);
  });

  it('declares a schema property for every ConnectionSetting field, and nothing else', function () {
    const items = CONNECTION_SETTING_DECLARATIONS['querylens.connections']!.items as { properties: Record<string, unknown>; additionalProperties: boolean };
    assert.deepEqual(Object.keys(items.properties).sort(), [
      'database', 'dialect', 'driver', 'file', 'host', 'name', 'port', 'production', 'ram', 'readOnly', 'rowsPerTable', 'ssl', 'url', 'user',
    ]);
    assert.equal(items.additionalProperties, false, 'a "password" key is flagged by the settings editor too');
  });
});
