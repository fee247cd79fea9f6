import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Finding } from '../../../shared/types';
import { defaultConfig, type QueryLensConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initParsers, parseDocument } from '../../../server/src/core/sql/parse';

// The engine reuses per-statement parses, schema signatures and rule reports
// across edits. Whatever it reuses, the findings after an edit must be those
// of a fresh workspace over the same texts: these tests catch a stale cache.

const ROOT = '/project';
const at = (rel: string) => path.join(ROOT, rel);

const SCHEMA = `CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, tenant_id bigint NOT NULL);
CREATE TABLE tasks (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id), status text NOT NULL, title text);
`;

const QUERIES = `SELECT id, title FROM tasks WHERE account_id = $1 AND status = 'open' LIMIT 10;
SELECT * FROM tasks WHERE status = 'open';
SELECT id FROM accounts WHERE email LIKE '%x' LIMIT 5;
SELECT * FROM tasks WHERE status = 'open';
`;

/** Every text edit of a file goes through here: the incremental workspace, then a fresh one compared. */
class Editor {
  readonly files: Record<string, string>;
  readonly ws: Workspace;

  constructor(
    files: Record<string, string>,
    private readonly config: Partial<QueryLensConfig> = { dialect: 'postgres' },
  ) {
    this.files = { ...files };
    this.ws = Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), ...config }, incremental: true }, this.files);
    this.assertFresh();
  }

  replace(file: string, from: string, to: string): void {
    const text = this.files[file]!;
    assert.ok(text.includes(from), `${file} has no ${JSON.stringify(from)}`);
    this.files[file] = text.replace(from, to);
    this.ws.setFile(at(file), this.files[file]!);
    this.assertFresh();
  }

  /** A one-shot workspace runs every rule on whole documents: the reference the incremental one must match. */
  assertFresh(): void {
    const fresh = Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), ...this.config } }, this.files);
    for (const file of Object.keys(this.files).filter((f) => f.endsWith('.sql'))) {
      assert.deepEqual(this.ws.analyze(at(file)), fresh.analyze(at(file)), `findings of ${file} differ from a fresh analysis`);
    }
  }
}

describe('engine: incremental analysis', () => {
  before(initParsers);

  it('parses a new version like a fresh parse when it takes statements over from the previous one', () => {
    const versions = [
      QUERIES + 'BEGIN;\nCREATE INDEX i ON tasks (status);\nCOMMIT;\nSELECT FROM WHERE;\n',
      QUERIES.replace('SELECT id, title', 'SELECT  id, title') + 'BEGIN;\nCREATE INDEX i ON tasks (status);\nCOMMIT;\nSELECT FROM WHERE;\n',
      'SELECT 1;\n' + QUERIES + 'CREATE INDEX i ON tasks (status);\nCOMMIT;\nSELECT FROM WHERE x;\n',
      QUERIES.split('\n').reverse().join('\n') + 'BEGIN;\nCREATE INDEX i ON tasks (status);\n',
      '',
      QUERIES,
    ];
    let previous = parseDocument(versions[0]!, 'postgres', {});
    for (const text of versions.slice(1)) {
      const next = parseDocument(text, 'postgres', { previous });
      assert.deepEqual(next, parseDocument(text, 'postgres'));
      previous = next;
    }
  });

  it('matches a fresh analysis after edits to queries that move the statements below them', () => {
    const editor = new Editor({ 'schema.sql': SCHEMA, 'queries.sql': QUERIES });
    const before = editor.ws.analyze(at('queries.sql')).length;
    editor.replace('queries.sql', 'SELECT id, title', 'SELECT  id,\n  title');
    editor.replace('queries.sql', "status = 'open' LIMIT 10", "status = 'done' LIMIT 10");
    editor.replace('queries.sql', "LIKE '%x'", "LIKE 'x%'");
    editor.replace('queries.sql', 'SELECT * FROM tasks', '-- querylens-ignore select-star\nSELECT * FROM tasks');
    // Two statements on one line: typing in the first moves the second within the line.
    editor.replace('queries.sql', "LIKE 'x%' LIMIT 5;\n", "LIKE 'x%' LIMIT 5; SELECT * FROM accounts WHERE tenant_id = $1;\n");
    editor.replace('queries.sql', "LIKE 'x%' LIMIT 5;", "LIKE 'xy%'  LIMIT 5;");
    assert.notEqual(editor.ws.analyze(at('queries.sql')).length, before);
  });

  it('matches a fresh analysis after edits that move DDL without changing the schema', () => {
    // Without migrations, index fixes edit the DDL file after its CREATE TABLE:
    // their positions must follow the DDL as it moves.
    const editor = new Editor({ 'app.sql': SCHEMA + QUERIES });
    editor.replace('app.sql', 'CREATE TABLE accounts', '-- accounts\nCREATE  TABLE accounts');
    editor.replace('app.sql', 'status text NOT NULL,', 'status  text NOT NULL,');
    const fixEdits = editor.ws
      .analyze(at('app.sql'))
      .flatMap((f) => f.fixes.flatMap((fix) => fix.changes))
      .filter((c) => c.kind === 'edit');
    assert.ok(fixEdits.length > 0, 'the workload has fixes with positions');
  });

  it('keeps the findings of queries that stay in place, their index fixes following the CREATE TABLE they go after', () => {
    // Twelve copies of one query: one suggestion stays a warning, the others are info copies pointing at it.
    const query = 'SELECT id FROM tasks WHERE title = $1 AND account_id = $2 LIMIT 5;\n';
    const editor = new Editor({ 'app.sql': SCHEMA + query.repeat(12) });
    const composite = () => editor.ws.analyze(at('app.sql')).filter((f) => f.ruleId === 'missing-composite-index');
    const insertedAt = (findings: Finding[]) =>
      findings.map((f) => {
        const change = f.fixes[0]!.changes[0]!;
        assert.equal(change.kind, 'edit');
        return change.kind === 'edit' ? change.edits[0]!.range.start : undefined;
      });
    const before = composite();
    assert.deepEqual(before.map((f) => [f.range.start.line, f.severity]), [[2, 'warning'], ...[3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((line) => [line, 'info'])]);
    assert.deepEqual(insertedAt(before), Array(12).fill({ line: 1, character: 130 }));
    // The CREATE TABLE's line grows by one character; the queries below it keep their places.
    editor.replace('app.sql', 'status text NOT NULL,', 'status  text NOT NULL,');
    const after = composite();
    assert.ok(after.every((f, i) => f === before[i]), 'the same finding objects (the language server keeps their diagnostics)');
    assert.deepEqual(insertedAt(after), Array(12).fill({ line: 1, character: 131 }));
    assert.deepEqual(insertedAt(before), insertedAt(after));
  });

  it("weighs again only the index suggestions of the kind an edit changed: the other table's info copies stay the same objects", () => {
    const tasks = 'SELECT id FROM tasks WHERE title = $1 AND account_id = $2 LIMIT 5;\n';
    const accounts = 'SELECT id FROM accounts WHERE email = $1 AND tenant_id = $2 LIMIT 5;\n';
    const editor = new Editor({ 'app.sql': SCHEMA + (tasks + accounts).repeat(4) });
    const suggested = (table: string) => editor.ws.analyze(at('app.sql')).filter((f) => f.index?.table === table);
    const shown = (findings: Finding[]) => findings.map((f) => `${f.range.start.line}:${f.severity}:${f.index!.columns.join(',')}`);
    const accountsBefore = suggested('accounts');
    assert.deepEqual(shown(accountsBefore), ['3:warning:tenant_id,email', '5:info:tenant_id,email', '7:info:tenant_id,email', '9:info:tenant_id,email']);
    assert.deepEqual(shown(suggested('tasks')), ['2:warning:account_id,title', '4:info:account_id,title', '6:info:account_id,title', '8:info:account_id,title']);
    // The third tasks query asks for a wider index: it is kept, the others point at it (Editor.replace compares all with a fresh analysis).
    editor.replace('app.sql', `${tasks}${accounts}${tasks}${accounts}${tasks}`, `${tasks}${accounts}${tasks}${accounts}${tasks.replace('account_id = $2', 'account_id = $2 AND status = $3')}`);
    assert.deepEqual(shown(suggested('tasks')), ['2:info:account_id,title', '4:info:account_id,title', '6:warning:account_id,title,status', '8:info:account_id,title']);
    assert.ok(suggested('accounts').every((f, i) => f === accountsBefore[i]), "the accounts suggestions are the same objects (the language server keeps their diagnostics)");
    // And back: the first one is kept again.
    editor.replace('app.sql', ' AND status = $3', '');
    assert.deepEqual(shown(suggested('tasks')), ['2:warning:account_id,title', '4:info:account_id,title', '6:info:account_id,title', '8:info:account_id,title']);
    assert.ok(suggested('accounts').every((f, i) => f === accountsBefore[i]));
  });

  it("keeps a file-scope rule's finding made again the same, its index fix following the text an edit above moved", () => {
    const editor = new Editor({ 'app.sql': SCHEMA + QUERIES });
    const foreignKey = () => {
      const found = editor.ws.analyze(at('app.sql')).filter((f) => f.ruleId === 'unindexed-foreign-key');
      assert.equal(found.length, 1);
      return found[0]!;
    };
    const first = foreignKey();
    editor.replace('app.sql', "LIKE '%x'", "LIKE '%y'");
    assert.equal(foreignKey(), first, 'the same finding object (the language server keeps its diagnostic)');
    // A character typed on the line above: the foreign key's offsets move, its line and column do not.
    editor.replace('app.sql', 'email text', 'email  text');
    assert.equal(foreignKey(), first);
    const fresh = Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), dialect: 'postgres' } }, editor.files);
    const freshFix = fresh.analyze(at('app.sql')).find((f) => f.ruleId === 'unindexed-foreign-key')!.fixes;
    assert.deepEqual(first.fixes, freshFix);
    // Its own statement grows after it: the index fix goes after the longer CREATE TABLE (Editor.replace compares all with a fresh analysis).
    editor.replace('app.sql', 'title text)', 'title  text)');
    const change = foreignKey().fixes[0]!.changes[0]!;
    assert.deepEqual(change.kind === 'edit' ? change.edits[0]!.range.start : undefined, { line: 1, character: 131 });
  });

  it("writes a foreign key's finding again when the table it references is spelled otherwise or an index comes to serve it", () => {
    const editor = new Editor({ 'schema.sql': SCHEMA.split('\n')[0]! + '\n', 'app.sql': SCHEMA.split('\n')[1]! + '\n' + QUERIES });
    const foreignKey = () => editor.ws.analyze(at('app.sql')).filter((f) => f.ruleId === 'unindexed-foreign-key');
    assert.match(foreignKey()[0]!.message, /→ accounts\(id\)/);
    editor.replace('app.sql', "LIKE '%x'", "LIKE '%y'");
    editor.replace('schema.sql', 'CREATE TABLE accounts', 'CREATE TABLE "Accounts"');
    assert.match(foreignKey()[0]!.message, /→ Accounts\(id\)/);
    editor.replace('app.sql', "LIKE '%y'", "LIKE '%x'");
    editor.replace('schema.sql', 'tenant_id bigint NOT NULL);', 'tenant_id bigint NOT NULL);\nCREATE INDEX ON tasks (account_id);');
    assert.deepEqual(foreignKey(), []);
  });

  it('moves the schema findings and index fixes of DDL below an edit, in the file and in the files checked against it', () => {
    // The catalog is kept across edits that leave its statements as they were (only moved): its positions must follow them.
    const editor = new Editor({ 'app.sql': QUERIES + SCHEMA, 'queries.sql': QUERIES });
    const tables = editor.ws.catalog().tables;
    const foreignKey = () => editor.ws.analyze(at('app.sql')).filter((f) => f.ruleId === 'unindexed-foreign-key');
    const fixStart = (finding: Finding) => {
      const change = finding.fixes[0]!.changes[0]!;
      return change.kind === 'edit' ? change.edits[0]!.range.start : undefined;
    };
    const composite = () => editor.ws.analyze(at('queries.sql')).find((f) => f.ruleId === 'missing-composite-index')!;
    assert.deepEqual(foreignKey().map((f) => f.range), [{ start: { line: 5, character: 43 }, end: { line: 5, character: 94 } }]);
    assert.deepEqual(fixStart(foreignKey()[0]!), { line: 5, character: 130 });
    assert.deepEqual(fixStart(composite()), { line: 5, character: 130 });
    // A line break typed in a query above the DDL: everything below it moves one line down (Editor.replace compares both files with a fresh analysis).
    editor.replace('app.sql', 'SELECT id, title FROM tasks', 'SELECT id,\n  title FROM tasks');
    assert.deepEqual(foreignKey().map((f) => f.range), [{ start: { line: 6, character: 43 }, end: { line: 6, character: 94 } }]);
    assert.deepEqual(fixStart(foreignKey()[0]!), { line: 6, character: 130 });
    assert.deepEqual(fixStart(composite()), { line: 6, character: 130 });
    // A character typed in a query on the line above it, then the line break taken out again.
    editor.replace('app.sql', "email LIKE '%x'", "email  LIKE '%x'");
    editor.replace('app.sql', 'SELECT id,\n  title FROM tasks', 'SELECT id, title FROM tasks');
    assert.deepEqual(foreignKey().map((f) => f.range), [{ start: { line: 5, character: 43 }, end: { line: 5, character: 94 } }]);
    assert.deepEqual(fixStart(composite()), { line: 5, character: 130 });
    assert.equal(editor.ws.catalog().tables, tables, 'the catalog was not built again');
    // An edit inside the DDL that keeps the schema, before the foreign key: built again, and still right.
    editor.replace('app.sql', 'CREATE TABLE tasks (id bigint', 'CREATE TABLE tasks (id  bigint');
    assert.deepEqual(foreignKey().map((f) => f.range), [{ start: { line: 5, character: 44 }, end: { line: 5, character: 95 } }]);
    assert.deepEqual(fixStart(composite()), { line: 5, character: 131 });
  });

  it('re-runs the statements that read a table whose schema changed, in another file or the same', () => {
    const editor = new Editor({ 'schema.sql': SCHEMA, 'queries.sql': QUERIES, 'app.sql': SCHEMA.replace(/accounts|tasks/g, 'other_$&') });
    const composite = () => editor.ws.analyze(at('queries.sql')).filter((f) => f.ruleId === 'missing-composite-index');
    assert.equal(composite().length, 1);
    editor.replace('schema.sql', 'title text);', 'title text);\nCREATE INDEX idx_tasks ON tasks (account_id, status);');
    assert.equal(composite().length, 0);
    editor.replace('schema.sql', 'title text);', 'title text, body text);');
    editor.replace('schema.sql', 'email text NOT NULL', 'email2 text NOT NULL');
    editor.replace('app.sql', 'other_tasks', 'other_tasks2');
    editor.replace('schema.sql', 'CREATE INDEX idx_tasks ON tasks (account_id, status);', '');
    assert.equal(composite().length, 1);
  });

  it('matches a fresh analysis when typing changes the dialect a file is inferred to be in', () => {
    const query = "SELECT id FROM tasks WHERE title LIKE '%x' LIMIT 5;\n";
    const editor = new Editor({ 'schema.sql': SCHEMA, 'queries.sql': query }, {});
    const dialectOf = () => editor.ws.dialectOf(at('queries.sql'));
    assert.equal(dialectOf(), 'postgres');
    editor.replace('queries.sql', query, query + 'SELECT `a`, `b` FROM tasks LIMIT 1;\n');
    assert.equal(dialectOf(), 'mysql');
    editor.replace('queries.sql', 'SELECT `a`, `b` FROM tasks LIMIT 1;\n', '');
    assert.equal(dialectOf(), 'postgres');
  });

  it('matches a fresh analysis when a statement moves into or out of a transaction block', () => {
    const migration = 'CREATE INDEX idx_tasks_status ON tasks (status);\n';
    const editor = new Editor({
      'migrations/000001_init.up.sql': SCHEMA,
      'migrations/000002_index.up.sql': migration,
      'queries.sql': QUERIES,
    });
    editor.replace('migrations/000002_index.up.sql', migration, `BEGIN;\n${migration}COMMIT;\n`);
    editor.replace('migrations/000002_index.up.sql', 'BEGIN;\n', '');
  });
});
