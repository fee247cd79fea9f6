/**
 * Findings a reviewer can trust (issue 10): one warning per missing index in a
 * file, however many queries want it, and a Python package's dialect read from
 * the driver its manifest depends on.
 */
import assert from 'node:assert/strict';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';

const ROOT = '/py';

const SCHEMA = 'CREATE TABLE visits (id bigint PRIMARY KEY, clinic_ref text NOT NULL, room text, seen_at timestamptz NOT NULL);\n';

/** The index findings of `queries` (one a line) over `schema`: line, rule, severity and the message from its advice on. */
function indexFindings(schema: string, queries: string[]): string[] {
  const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, { 'db/schema.sql': schema, 'db/queries.sql': `${queries.join('\n')}\n` });
  return ws
    .analyze(`${ROOT}/db/queries.sql`)
    .filter((f) => f.ruleId.startsWith('missing-'))
    .map((f) => `${f.range.start.line}: ${f.ruleId}/${f.severity} ${f.message.replace(/^.*?(Add an index|Info)/, '$1')}`);
}

describe('precision: one warning per missing index', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('several queries wanting the same index, or one the wider suggestion leads with: one warning, the others info pointing at it', () => {
    const queries = [
      'SELECT id FROM visits WHERE clinic_ref = $1 LIMIT 10;',
      'DELETE FROM visits WHERE clinic_ref = $1;',
      'SELECT id FROM visits WHERE clinic_ref = $1 AND room = $2 LIMIT 10;',
      'SELECT id FROM visits WHERE room = $1 LIMIT 10;',
    ];
    assert.deepEqual(
      indexFindings(SCHEMA, queries),
      [
        '0: missing-index/info Add an index on visits(clinic_ref). Info, not warning: the index on visits(clinic_ref, room) is suggested on line 3 and serves this query too.',
        '1: missing-index/info Add an index on visits(clinic_ref). Info, not warning: the index on visits(clinic_ref, room) is suggested on line 3 and serves this query too.',
        '2: missing-composite-index/warning Add an index on visits(clinic_ref, room).',
        '3: missing-index/warning Add an index on visits(room).',
      ],
    );
  });

  it('the same index in two queries: the first stays the warning', () => {
    const queries = 'SELECT id FROM visits WHERE room = $1 LIMIT 10;\nUPDATE visits SET seen_at = now() WHERE room = $1;\n';
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, { 'db/schema.sql': SCHEMA, 'db/queries.sql': queries });
    assert.deepEqual(
      ws.analyze(`${ROOT}/db/queries.sql`).map((f) => `${f.range.start.line}: ${f.ruleId}/${f.severity}`),
      ['0: missing-index/warning', '1: missing-index/info'],
    );
    assert.match(ws.analyze(`${ROOT}/db/queries.sql`)[1]!.message, /Info, not warning: the same index is suggested on line 1 and serves this query too\.$/);
  });

  // dokploy's apps/dokploy/pages/api/deploy/github.ts: the push webhook's query wants application(githubId, branch,
  // repository) (line 234), the pull request's (line 396) the same equality columns in another order. Here without the
  // key (githubId), which would make the others info anyway (the next case).
  it('the same equality columns in another order: one warning; a sort after them is served only in its place', () => {
    const schema = 'CREATE TABLE application (id bigint PRIMARY KEY, owner text, branch text, repository text, created_at timestamptz);\n';
    const queries = [
      'SELECT id FROM application WHERE owner = $1 AND branch = $2 AND repository = $3 LIMIT 10;',
      'SELECT id FROM application WHERE repository = $1 AND branch = $2 AND owner = $3 LIMIT 10;',
      'SELECT id FROM application WHERE owner = $1 AND repository = $2 LIMIT 10;',
      'SELECT id FROM application WHERE branch = $1 AND owner = $2 ORDER BY created_at LIMIT 10;',
    ];
    assert.deepEqual(
      indexFindings(schema, queries),
      [
        '0: missing-composite-index/warning Add an index on application(owner, branch, repository).',
        '1: missing-composite-index/info Add an index on application(repository, branch, owner). Info, not warning: the index on application(owner, branch, repository) is suggested on line 1 and serves this query too.',
        '2: missing-composite-index/warning Add an index on application(owner, repository).',
        '3: missing-composite-index/warning Add an index on application(branch, owner, created_at).',
      ],
    );
  });

  // dispatch's src/dispatch/participant/service.py: participant(incident_id, service_id) on line 110 and
  // participant(incident_id, case_id, individual_contact_id) on line 175; dokploy's preview_deployments(applicationId,
  // createdAt) and (applicationId, pullRequestId); documenso's VerificationToken(userId, identifier, createdAt) and (userId,
  // identifier, expires). An index on the key narrows the other queries to one parent's rows: one warning.
  it('two suggestions leading with one key: the widest stays the warning, the other is info (it narrows it as far); not for a lead that is no key', () => {
    const schema =
      'CREATE TABLE incident (id bigint PRIMARY KEY);\n' +
      'CREATE TABLE participant (id bigint PRIMARY KEY, incident_id bigint REFERENCES incident (id), service_id bigint, case_id bigint, ' +
      'contact_id bigint, name text, created_at timestamptz);\n';
    const queries = [
      'SELECT id FROM participant WHERE incident_id = $1 AND service_id = $2 LIMIT 10;',
      'SELECT id FROM participant WHERE incident_id = $1 AND case_id = $2 AND contact_id = $3 LIMIT 10;',
      'SELECT id FROM participant WHERE name = $1 AND created_at > $2 LIMIT 10;',
      'SELECT id FROM participant WHERE name = $1 AND service_id > $2 LIMIT 10;',
    ];
    assert.deepEqual(indexFindings(schema, queries), [
      '0: missing-composite-index/info Add an index on participant(incident_id, service_id). Info, not warning: the index on ' +
        'participant(incident_id, case_id, contact_id), suggested on line 2, leads with incident_id too and narrows this query to the rows ' +
        'of one incident_id: add that one first, and this one only if one incident_id has many rows.',
      '1: missing-composite-index/warning Add an index on participant(incident_id, case_id, contact_id).',
      '2: missing-composite-index/warning Add an index on participant(name, created_at).',
      '3: missing-composite-index/warning Add an index on participant(name, service_id).',
    ]);
  });
});

describe('precision: a Python package names its database through its driver', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  const app = 'def f(db):\n    return db.execute("SELECT 1")\n';
  const dialectOf = (manifest: string, text: string) =>
    Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, { [`svc/${manifest}`]: text, 'svc/app/main.py': app }).dialectOf(`${ROOT}/svc/app/main.py`);

  it('asyncpg in pyproject dependencies: PostgreSQL; aiosqlite in Poetry: SQLite; pymysql in setup.cfg: MySQL', () => {
    assert.equal(dialectOf('pyproject.toml', '[project]\nname = "svc"\ndependencies = [\n  "fastapi",\n  "asyncpg>=0.29",\n]\n'), 'postgres');
    assert.equal(dialectOf('pyproject.toml', '[tool.poetry.dependencies]\npython = "^3.12"\naiosqlite = "^0.20"\n'), 'sqlite');
    assert.equal(dialectOf('setup.cfg', '[options]\ninstall_requires =\n    pymysql==1.1\n'), 'mysql');
  });

  it('a driver named only as an extra or in an optional group does not count: the required one decides', () => {
    const text =
      '[tool.poetry.dependencies]\naiosqlite = "^0.20"\npsycopg = { version = "^3.1", optional = true }\n\n' +
      '[tool.poetry.group.postgres.dependencies]\nasyncpg = "^0.29"\n\n[tool.poetry.extras]\npg = ["psycopg"]\n';
    assert.equal(dialectOf('pyproject.toml', text), 'sqlite');
  });

  it('psycopg2-binary counts as psycopg2; a package naming two databases\' drivers says nothing (the workspace default)', () => {
    assert.equal(dialectOf('pyproject.toml', '[project]\ndependencies = ["psycopg2-binary>=2.9"]\n'), 'postgres');
    assert.equal(dialectOf('pyproject.toml', '[project]\ndependencies = ["aiosqlite", "psycopg[binary]"]\n'), dialectOf('pyproject.toml', '[project]\nname = "svc"\n'));
  });
});
