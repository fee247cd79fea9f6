/**
 * Dialects and strings that are not SQL (issue 10, cause 2): a syntax error
 * only where the text is surely SQL of that dialect; embedded SQL QueryLens
 * cannot read is skipped quietly and counted.
 */
import assert from 'node:assert/strict';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';

const ROOT = '/svc';
const SCHEMA = 'CREATE TABLE parcels (id bigint PRIMARY KEY, courier text NOT NULL, weight int);\n';

function workspace(files: Record<string, string>): Workspace {
  return Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, files);
}

/** `rule@line` of each finding of a file. */
function findings(ws: Workspace, file: string): string[] {
  return ws.analyze(`${ROOT}/${file}`).map((f) => `${f.ruleId}@${f.range.start.line}`);
}

describe('dialects and strings that are not SQL', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  describe('psql variables in a PostgreSQL file', () => {
    it('are not syntax errors: :name, :\'name\' and :"name" stand for what psql puts there', () => {
      const ws = workspace({
        'roles.sql': [
          "\\set reader `echo $READER`",
          'CREATE USER :reader WITH PASSWORD :\'reader_password\';',
          'GRANT CONNECT ON DATABASE :"db" TO :reader;',
          'GRANT SELECT ON ALL TABLES IN SCHEMA public TO :reader;',
          '',
        ].join('\n'),
      });
      assert.deepEqual(findings(ws, 'roles.sql'), []);
      const texts = ws.document(`${ROOT}/roles.sql`)!.statements.map((s) => s.text);
      assert.deepEqual(texts, ["CREATE USER :reader WITH PASSWORD :'reader_password'", 'GRANT CONNECT ON DATABASE :"db" TO :reader', 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO :reader']);
    });

    it('a broken statement with a psql variable is still a syntax error, and array slices and casts are left as they are', () => {
      const ws = workspace({ 'roles.sql': 'GRANT SELECT ON TO :reader;\nSELECT tags[1:n], n::text FROM (SELECT ARRAY[1, 2] AS tags, 2 AS n) s;\n' });
      assert.deepEqual(findings(ws, 'roles.sql'), ['syntax-error@0']);
    });
  });

  describe('SQL strings in host code', () => {
    const PY = `from sqlalchemy import text


def grant(conn, role):
    conn.execute(text(f"GRANT SELECT ON parcels TO {role}"))


def heavy(conn, c):
    return conn.execute(text("SELECT id FROM parcels WHERE courier = :c LIMIT 10"), {"c": c}).all()


async def download(client, url):
    async with client.stream("GET", url) as response:
        return response
`;

    it('what cannot be read is skipped quietly and counted, not reported; readable SQL is still checked', () => {
      const ws = workspace({ 'schema.sql': SCHEMA, 'app/jobs.py': PY });
      assert.deepEqual(findings(ws, 'app/jobs.py'), ['missing-index@8']);
      assert.equal(ws.unreadableIn(`${ROOT}/app/jobs.py`), 1);
    });

    it('a string that merely looks like SQL ("GET" to an HTTP client) is not a query at all', () => {
      const ws = workspace({ 'schema.sql': SCHEMA, 'app/jobs.py': PY });
      const statements = ws.document(`${ROOT}/app/jobs.py`)!.statements.map((s) => s.text);
      assert.deepEqual(statements, ['SELECT id FROM parcels WHERE courier = $1 LIMIT 10']);
    });
  });
});
