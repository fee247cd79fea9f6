import assert from 'node:assert/strict';
import { hostDocument } from '../../../server/src/core/engine/hostDocument';
import { hostParser, initHostParsers } from '../../../server/src/core/host/treesitter';
import { builderQuery } from '../../../server/src/core/host/typescript/builders';
import { extractTypeScript } from '../../../server/src/core/host/typescript/extract';
import { WalkCache } from '../../../server/src/core/host/walk-cache';
import type { ParsedDocument } from '../../../server/src/core/sql/model';
import { initParsers } from '../../../server/src/core/sql/parse';

// Typing above a function (the language server): its queries' statements are
// those of its first version moved, and from their second move on, moved in
// place (the document before is replaced), never twice in one document.

const TASKS = [
  'export async function tasksOf(projectId: number) {',
  "  const { rows } = await pool.query('SELECT id, title FROM tasks WHERE project_id = $1 ORDER BY priority LIMIT 50', [projectId]);",
  '  return rows;',
  '}',
  '',
  'export async function projectsOf(accountId: number) {',
  "  return knex('projects').where({ account_id: accountId }).orderBy('created_at', 'desc').limit(50);",
  '}',
  '',
].join('\n');

const HEADER = "import { Pool } from 'pg';\nimport Knex from 'knex';\n\nconst pool = new Pool();\nconst knex = Knex({ client: 'pg' });\n\nexport async function first() {\n  const { rows } = await pool.query('SELECT id FROM projects LIMIT 10');\n  return rows;\n}\n\n";

/**
 * Each version's document, extracted as an edit of the one before with one
 * cache (the language server), checked by `check` before the next is made (a
 * document holds until the next version's is built).
 */
function documents(texts: string[], check: (document: ParsedDocument, text: string, i: number) => void): ParsedDocument[] {
  const cache = new WalkCache();
  return texts.map((text, i) => {
    const document = hostDocument(text, extractTypeScript(text, 'src/service.ts', { builderQuery, walkCache: cache })!, 'postgres');
    check(document, text, i);
    return document;
  });
}

/** The document of a fresh extraction of `text`. */
function freshDocument(text: string): ParsedDocument {
  hostParser('typescript').clear();
  return hostDocument(text, extractTypeScript(text, 'src/service.ts', { builderQuery })!, 'postgres');
}

/** The text of each statement of `document` from `text`, with the query it belongs to. */
function placed(document: ParsedDocument, text: string): string[] {
  return document.statements.map((s) => `${s.hostQuery}: ${text.slice(s.span.start, s.span.end)}`);
}

describe('engine/hostDocument: statements of moved queries', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });
  afterEach(() => hostParser('typescript').clear());

  it('moves the statements of a query moved again in place, where a fresh document puts them', () => {
    const v0 = HEADER + TASKS;
    const v1 = v0.replace('SELECT id FROM projects', 'SELECT id  FROM projects');
    const v2 = v1.replace('SELECT id  FROM projects', 'SELECT id   FROM projects');
    const v3 = v2.replace('SELECT id   FROM projects', 'SELECT id    FROM projects');
    const docs = documents([v0, v1, v2, v3], (document, text) => {
      const fresh = freshDocument(text);
      assert.deepEqual(placed(document, text), placed(fresh, text));
      assert.deepEqual(document, fresh);
    });
    const tasks = (d: ParsedDocument) => d.statements.find((s) => s.text.includes('FROM tasks'))!;
    // The first move copies; the next ones move that copy.
    assert.notEqual(tasks(docs[1]!), tasks(docs[0]!));
    assert.equal(tasks(docs[2]!), tasks(docs[1]!));
    assert.equal(tasks(docs[3]!), tasks(docs[1]!));
    // A knex chain's statement (its model) moves with its query, from the first move on.
    const projects = (d: ParsedDocument) => d.statements.find((s) => s.orm && s.text.includes("knex('projects')"))!;
    assert.ok(projects(docs[0]!));
    assert.equal(projects(docs[2]!), projects(docs[1]!));
    assert.equal(projects(docs[3]!), projects(docs[1]!));
    // The first version's statements stay where they were read.
    assert.deepEqual(placed(docs[0]!, v0), placed(freshDocument(v0), v0));
  });

  it('keeps the statement of a query an edit below it did not move, from version to version', () => {
    const v0 = HEADER + TASKS;
    const v1 = v0.replace('ORDER BY priority', 'ORDER BY  priority');
    const v2 = v1.replace('ORDER BY  priority', 'ORDER BY   priority');
    const docs = documents([v0, v1, v2], (document, text) => assert.deepEqual(document, freshDocument(text)));
    const first = (d: ParsedDocument) => d.statements.find((s) => s.text.includes('FROM projects LIMIT 10'))!;
    assert.equal(first(docs[1]!), first(docs[0]!));
    assert.equal(first(docs[2]!), first(docs[0]!));
  });

  it('gives a function written twice statements of its own in one document', () => {
    // The same text twice (a function pasted): the cache holds one entry for both, and both move.
    const v0 = HEADER + TASKS + TASKS;
    const v1 = v0.replace('SELECT id FROM projects', 'SELECT id  FROM projects');
    const v2 = v1.replace('SELECT id  FROM projects', 'SELECT id   FROM projects');
    documents([v0, v1, v2], (document, text) => {
      const statements = document.statements.filter((s) => s.text.includes('FROM tasks'));
      assert.equal(statements.length, 2);
      assert.equal(new Set(statements).size, 2);
      assert.deepEqual(
        statements.map((s) => text.slice(s.span.start, s.span.end)),
        statements.map((s) => s.text),
      );
      assert.deepEqual(document, freshDocument(text));
    });
  });
});
