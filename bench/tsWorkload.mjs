// The TypeScript typing workload (bench.mjs (f)): a 3,000-line service module of node-postgres
// queries, knex chains and loops over the tables of workload.mjs's SCHEMA (a migration beside
// it), and its edits: a space in a query line, and every 10th edit `.limit(50)` <-> `.limit(51)`.
import { applyChange, prng, spaceEdit } from './workload.mjs';

const HEADER = [
  "import { Pool } from 'pg';",
  "import Knex from 'knex';",
  '',
  "const pool = new Pool({ connectionTimeoutMillis: 10_000 });",
  "const knex = Knex({ client: 'pg' });",
  '',
];

/** Functions over the schema, each a few lines, with `n` making their names unique. */
const FUNCTIONS = [
  (n) => [
    `export async function tasksOfProject${n}(projectId: number) {`,
    "  const { rows } = await pool.query('SELECT id, title FROM tasks WHERE project_id = $1 AND status = $2 ORDER BY priority DESC LIMIT 50', [projectId, 'open']);",
    '  return rows;',
    '}',
  ],
  (n) => [
    `export async function projectsOf${n}(accountId: number) {`,
    "  return knex('projects').where({ account_id: accountId, status: 'active' }).orderBy('created_at', 'desc').limit(50);",
    '}',
  ],
  (n) => [
    `export async function commentsPerTask${n}(projectId: number) {`,
    "  const { rows: tasks } = await pool.query('SELECT id FROM tasks WHERE project_id = $1 LIMIT 50', [projectId]);",
    '  const out: unknown[] = [];',
    '  for (const task of tasks) {',
    "    const { rows } = await pool.query('SELECT body FROM comments WHERE task_id = $1 ORDER BY created_at LIMIT 20', [task.id]);",
    '    out.push(...rows);',
    '  }',
    '  return out;',
    '}',
  ],
  (n) => [
    `export async function searchTasks${n}(q: string) {`,
    "  return knex('tasks').where('title', 'like', `%${q}%`).select('id', 'title').limit(50);",
    '}',
  ],
  (n) => [
    `export async function assigneeTasks${n}(assigneeId: number) {`,
    "  const task = await knex('tasks').where('assignee_id', assigneeId).orderBy('due_at').first();",
    '  return task;',
    '}',
  ],
];

/** The file typed into: `lineCount` lines of service functions (whole functions, then comments). */
export function generateTypeScriptFile(lineCount) {
  const random = prng(42);
  const lines = [...HEADER];
  for (let n = 0; lines.length < lineCount; n++) lines.push(...FUNCTIONS[Math.floor(random() * FUNCTIONS.length)](n), '');
  const out = lines.slice(0, lineCount);
  while (out.length && out[out.length - 1] !== '') out.pop();
  while (out.length < lineCount) out.push(`// end of generated module (${lineCount - out.length})`);
  return out.join('\n') + '\n';
}

/** Lines an edit may land on: queries and loops. */
const EDITABLE = /^\s+(const|return|for |out\.push)/;

/** The next edit, as an LSP content change, and the text after it. */
export function nextTypeScriptEdit(text, random, n) {
  const lines = text.split('\n');
  const wantLimit = n % 10 === 9;
  let lineNo;
  for (;;) {
    lineNo = Math.floor(random() * (lines.length - 1));
    if (wantLimit ? /\.limit\((50|51)\)/.test(lines[lineNo]) : EDITABLE.test(lines[lineNo])) break;
  }
  const line = lines[lineNo];
  let change;
  if (wantLimit) {
    const m = /\.limit\(5([01])\)/.exec(line);
    const at = m.index + '.limit(5'.length;
    change = { range: { start: { line: lineNo, character: at }, end: { line: lineNo, character: at + 1 } }, text: m[1] === '0' ? '1' : '0' };
  } else {
    change = spaceEdit(line, lineNo, random, /^\s*/.exec(line)[0].length + 1);
  }
  return { change, text: applyChange(lines, lineNo, change) };
}
