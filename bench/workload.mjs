// The incremental workload shared by the benchmark and the engine profile: a
// generated 5,000-line PostgreSQL file over a small schema, and the edits made to it.

/** Deterministic pseudo-random numbers, so every run edits the same places. */
export function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const SCHEMA = `CREATE TABLE accounts (id BIGSERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE, tenant_id BIGINT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE projects (id BIGSERIAL PRIMARY KEY, account_id BIGINT NOT NULL REFERENCES accounts (id), name TEXT NOT NULL, status TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE INDEX idx_projects_account ON projects (account_id);
CREATE TABLE tasks (id BIGSERIAL PRIMARY KEY, project_id BIGINT NOT NULL REFERENCES projects (id), assignee_id BIGINT REFERENCES accounts (id), status TEXT NOT NULL, priority INT NOT NULL DEFAULT 0, title TEXT NOT NULL, due_at TIMESTAMPTZ);
CREATE INDEX idx_tasks_project ON tasks (project_id);
CREATE TABLE comments (id BIGSERIAL PRIMARY KEY, task_id BIGINT NOT NULL REFERENCES tasks (id), author_id BIGINT NOT NULL, body TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
`;

/** A 5,000-line file: some DDL, then queries of every shape against the schema above. */
export function generateFile(lineCount) {
  const random = prng(42);
  const pick = (xs) => xs[Math.floor(random() * xs.length)];
  const templates = [
    (n) => [`-- task list ${n}`, `SELECT id, title, status`, `FROM tasks`, `WHERE project_id = $1 AND status = 'open'`, `ORDER BY priority DESC`, `LIMIT ${10 + (n % 50)};`],
    (n) => [`SELECT * FROM comments WHERE task_id = $1 ORDER BY created_at; -- ${n}`],
    (n) => [`SELECT id, name FROM projects WHERE account_id = $1 LIMIT 20;`, `-- ${n}`],
    (n) => [`SELECT t.id, t.title, a.email`, `FROM tasks t`, `JOIN accounts a ON a.id = t.assignee_id`, `WHERE t.project_id = $1 AND t.due_at < now()`, `LIMIT 100;`, `-- ${n}`],
    (n) => [`UPDATE tasks SET status = 'done' WHERE id = $1;`, `INSERT INTO comments (task_id, author_id, body) VALUES ($1, $2, 'note ${n}');`],
    (n) => [`SELECT id FROM projects WHERE name LIKE '%${n}%';`],
    (n) => [`SELECT count(*) FROM tasks WHERE assignee_id = $1 AND status = 'open';`],
    (n) => [`CREATE TABLE IF NOT EXISTS audit_${n} (id BIGSERIAL PRIMARY KEY, task_id BIGINT NOT NULL REFERENCES tasks (id), at TIMESTAMPTZ);`],
    (n) => [`DELETE FROM comments WHERE task_id = $1 AND created_at < now() - interval '${n % 90} days';`],
    (n) => [`SELECT id, email FROM accounts WHERE tenant_id = $1 ORDER BY created_at DESC;`, ''],
  ];
  const lines = SCHEMA.trimEnd().split('\n');
  lines.push('');
  for (let n = 0; lines.length < lineCount; n++) lines.push(...pick(templates)(n), '');
  return lines.slice(0, lineCount).join('\n') + '\n';
}


/** Statement openers of the lines an edit may land on: queries and DDL (CREATE TABLE / CREATE INDEX). */
const EDITABLE = /^(SELECT|FROM|WHERE|JOIN|ORDER|UPDATE|INSERT|DELETE|CREATE)/;
const DDL = /^CREATE/;

/**
 * The next edit of the workload, as an LSP content change, and the text after it.
 * Every 5th edit lands in a DDL statement, the others in queries, at random lines
 * across the file: a space is inserted after a random word (or the one inserted
 * before is removed again), which keeps each statement valid but changes its text
 * and moves everything after it. Every 10th edit in DDL also renames a column
 * (`at` <-> `at2`), a real schema change.
 */
export function nextEdit(text, random, n) {
  const lines = text.split('\n');
  const wantDdl = n % 5 === 0;
  const wantRename = n % 10 === 0;
  let lineNo;
  for (;;) {
    lineNo = Math.floor(random() * (lines.length - 1));
    const line = lines[lineNo];
    if (!EDITABLE.test(line) || DDL.test(line) !== wantDdl) continue;
    if (wantRename && !/\bat2? TIMESTAMPTZ/.test(line)) continue;
    break;
  }
  const line = lines[lineNo];
  let change;
  if (wantRename) {
    const m = /\bat(2?) TIMESTAMPTZ/.exec(line);
    const at = m.index + 2;
    change = m[1]
      ? { range: { start: { line: lineNo, character: at }, end: { line: lineNo, character: at + 1 } }, text: '' }
      : { range: { start: { line: lineNo, character: at }, end: { line: lineNo, character: at } }, text: '2' };
  } else change = spaceEdit(line, lineNo, random);
  return { change, text: applyChange(lines, lineNo, change), ddl: wantDdl };
}

/**
 * A space inserted after a random word of `line` (or the one inserted there
 * before removed again), past column `from`: the text changes, the code stays valid.
 */
export function spaceEdit(line, lineNo, random, from = 0) {
  const spaces = [...line.matchAll(/ /g)].map((m) => m.index).filter((i) => i >= from && line[i - 1] !== ' ');
  const at = spaces.length ? spaces[Math.floor(random() * spaces.length)] : line.length;
  return line[at + 1] === ' '
    ? { range: { start: { line: lineNo, character: at }, end: { line: lineNo, character: at + 1 } }, text: '' }
    : { range: { start: { line: lineNo, character: at }, end: { line: lineNo, character: at } }, text: ' ' };
}

/** Applies a one-line LSP content change to `lines` (in place) and returns the new text. */
export function applyChange(lines, lineNo, change) {
  const line = lines[lineNo];
  const { start, end } = change.range;
  lines[lineNo] = line.slice(0, start.character) + change.text + line.slice(end.character);
  return lines.join('\n');
}
