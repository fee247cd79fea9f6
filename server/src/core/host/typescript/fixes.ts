/**
 * TypeScript / JavaScript rewrites for the host rules, written in the
 * library the code already uses, so the fixed file compiles (tests check it
 * with `tsc --noEmit` against the libraries' own type definitions):
 *
 * - a lookup per row of an earlier query (n-plus-one) → one query over the
 *   collected keys above the loop: `= ANY($1)` with node-postgres, knex.raw and
 *   Kysely on PostgreSQL, `= ANY(${ids})` with postgres.js, `IN (?)` with mysql2,
 *   `IN (SELECT value FROM json_each(?))` with better-sqlite3 / node:sqlite;
 * - an INSERT per item (commit-in-loop) → one multi-row INSERT (node-postgres:
 *   numbered placeholders per row; postgres.js: `sql(rows)`; mysql2: `VALUES ?`),
 *   and better-sqlite3's runs wrapped in one `db.transaction(..)`;
 * - a DELETE or UPDATE per item keyed by the item alone → one statement over all
 *   keys (`= ANY($1)`).
 *
 * Each builder returns the edit (or nothing when the code is not in a shape it
 * rewrites safely); rules decide when to offer it.
 */
import type { Dialect } from '../../../../../shared/types';
import type { Span } from '../../sql/model';
import { indentationAt, lineStart, topLevelItems } from '../../rules/host-text';
import type { HostQuery, LoopContext } from '../types';

export interface TextEdit {
  span: Span;
  newText: string;
}

/** How the query's call is written, as far as a rewrite needs it. */
interface CallShape {
  /** `await pool.query(`, `await sql`, `db.prepare(`... up to the literal. */
  prefix: string;
  /** After the literal to the end of the query's span (`, [id])`, `.execute(db)`, `).get(id)`). */
  suffix: string;
  api: 'driver' | 'postgres-tag' | 'kysely-tag' | 'knex-raw' | 'sqlite-prepare';
  awaited: boolean;
}

function callShape(text: string, query: HostQuery): CallShape | undefined {
  const sql = query.sql;
  if (!sql) return undefined;
  const prefix = text.slice(query.span.start, sql.literal.start);
  const suffix = text.slice(sql.literal.end, query.span.end);
  const awaited = /^await\s/.test(prefix);
  const template = text[sql.literal.start] === '`';
  if (/\.prepare\s*\($/.test(prefix)) return { prefix, suffix, api: 'sqlite-prepare', awaited };
  if (/\.raw\s*\($/.test(prefix)) return { prefix, suffix, api: 'knex-raw', awaited };
  if (/\.(query|execute|unsafe)\s*(<[^()]*>)?\s*\($/.test(prefix)) return { prefix, suffix, api: 'driver', awaited };
  if (template && /(^|\s)[\w$.]+(<[^`]*>)?$/.test(prefix)) return { prefix, suffix, api: /\.execute\(/.test(suffix) ? 'kysely-tag' : 'postgres-tag', awaited };
  return undefined;
}

/** A name not used in the file yet: `base`, `base2`, ... */
function freshName(text: string, base: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}${i}`;
    if (!new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`).test(text)) return name;
  }
}

function camel(name: string): string {
  return name.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

function pascal(name: string): string {
  const c = camel(name);
  return c.charAt(0).toUpperCase() + c.slice(1);
}

/**
 * The loop's binding as written (`user`, `{ id, org_id: org }`), to map each item the same way:
 * `for (const <binding> of ..)` or the first parameter of `.map(async (<binding>) => ..)`.
 */
function loopBinding(text: string, loop: LoopContext): string | undefined {
  const head = text.slice(loop.span.start, Math.min(loop.span.end, loop.span.start + 400));
  if (loop.kind === 'for') return /^for\s*\(\s*(?:const|let|var)\s+([\s\S]+?)\s+of\s/.exec(head)?.[1];
  if (loop.kind === 'iterator-closure') {
    const m = /\.\s*(?:map|forEach|flatMap)\s*\(\s*(?:async\s*)?(?:\(\s*([^()]*?)\s*(?::[^()=]*)?\)|([\w$]+))\s*=>/.exec(head);
    const binding = m?.[1] ?? m?.[2];
    return binding?.split(',')[0]?.trim() || undefined;
  }
  return undefined;
}

/** The item expression the query binds (`user.org_id`), read from the call's arguments or holes. */
function keyExpression(text: string, query: HostQuery, targets: string[]): string | undefined {
  const { literal } = query.sql!;
  // The call's arguments and a template's holes: never the SQL text itself (a column may be named like the item).
  const holes = [...text.slice(literal.start, literal.end).matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]).join(' ');
  const args = `${text.slice(query.span.start, literal.start)} ${holes} ${text.slice(literal.end, query.span.end)}`;
  for (const target of targets) {
    const found = new RegExp(`(?<![\\w$.])${target.replace(/\$/g, '\\$')}\\b(?:\\??\\.[\\w$]+|\\[[^\\]\\n]+\\])*`).exec(args)?.[0];
    if (found) return found;
  }
  return undefined;
}

/** `id = $1` / `id = ?` / `id = ${x}` in the file → the same comparison over many keys. */
function manyKeysPredicate(text: string, predicate: Span, shape: CallShape, dialect: Dialect, keys: string): string | undefined {
  const written = text.slice(predicate.start, predicate.end);
  const m = /^([\s\S]*?)\s*=\s*(\$\d+|\?|\$\{[\s\S]*\})\s*$/.exec(written);
  if (!m) return undefined;
  const column = m[1]!;
  const placeholder = m[2]!;
  if (shape.api === 'postgres-tag' || shape.api === 'kysely-tag') {
    if (!placeholder.startsWith('${') || dialect !== 'postgres') return undefined;
    return `${column} = ANY(\${${keys}})`;
  }
  if (shape.api === 'sqlite-prepare') return `${column} IN (SELECT value FROM json_each(?))`;
  if (dialect === 'mysql') return placeholder === '?' ? `${column} IN (?)` : undefined;
  if (dialect !== 'postgres') return undefined;
  if (shape.api === 'knex-raw') return placeholder === '?' ? `${column} = ANY(?)` : undefined;
  return /^\$\d+$/.test(placeholder) ? `${column} = ANY(${placeholder})` : undefined;
}

/** The call with its SQL's key predicate rewritten and its values replaced by the keys. */
function callOverKeys(text: string, query: HostQuery, shape: CallShape, predicate: Span, replacement: string, keys: string, all: boolean): string | undefined {
  const { literal } = query.sql!;
  if (predicate.start < literal.start || predicate.end > literal.end) return undefined;
  const sql = text.slice(literal.start, predicate.start) + replacement + text.slice(predicate.end, literal.end);
  switch (shape.api) {
    case 'postgres-tag':
    case 'kysely-tag':
      return `${shape.prefix}${sql}${shape.suffix}`;
    case 'sqlite-prepare': {
      const run = all ? 'all' : 'run';
      // `db.prepare(..).get(x)` → `.all(JSON.stringify(keys))`: everything after the prepare's own call is replaced.
      return `${shape.prefix}${sql}).${run}(JSON.stringify(${keys}))`;
    }
    case 'driver':
    case 'knex-raw': {
      if (!/^\s*,\s*\[[^\]]*\]\s*\)$/.test(shape.suffix)) return undefined; // values as one array literal, nothing after
      return `${shape.prefix}${sql}, [${keys}])`;
    }
  }
}

export interface BatchLookupInput {
  text: string;
  /** The query run once per item. */
  query: HostQuery;
  loop: LoopContext;
  /** The loop's name the query's key comes from. */
  target: string;
  /** The key comparison (`id = $1`) in file coordinates: the query's only parameter. */
  predicate: Span;
  /** The table the query reads (names the rows variable). */
  table: string;
  dialect: Dialect;
}

/**
 * n-plus-one: above the loop, the keys collected from the loop's rows and one
 * query over all of them, in the library of the query in the loop. The loop
 * itself is left for the user to point at the new rows (matching by key).
 */
export function batchLookupFix(input: BatchLookupInput): TextEdit | undefined {
  const { text, query, loop, dialect } = input;
  const iterable = loop.iterable?.trim();
  if (!iterable || !/^[\w$]+(\.[\w$]+)*$/.test(iterable) || (loop.kind !== 'for' && loop.kind !== 'iterator-closure')) return undefined;
  const binding = loopBinding(text, loop);
  const keyExpr = keyExpression(text, query, [input.target]);
  if (!binding || !keyExpr) return undefined;
  const attribute = /([\w$]+)\W*$/.exec(keyExpr)?.[1] ?? input.target;
  // The items are the keys themselves (`for (const id of ids)`): no need to collect them.
  const itself = keyExpr === binding;
  const keys = itself ? iterable : freshName(text, attribute === 'id' ? `${camel(input.target)}Ids` : `${camel(attribute)}s`);
  const rows = freshName(text, `all${pascal(input.table)}`);
  const declaration = batchedLookup(text, query, input.predicate, dialect, keys, rows);
  if (!declaration) return undefined;
  const at = lineStart(text, loop.span.start);
  const indent = indentationAt(text, loop.span.start);
  const lines = [
    `// QueryLens n-plus-one: one query for every ${input.target}; use these rows in the loop instead of its query.`,
    ...(itself ? [] : [`const ${keys} = ${iterable}.map((${binding}) => ${keyExpr});`]),
    declaration,
  ];
  return { span: { start: at, end: at }, newText: lines.map((l) => `${indent}${l}\n`).join('') };
}

/**
 * The statement that runs `query` once over all `keys` (a variable holding an
 * array) and puts the rows in `rows`: `const { rows: allOrgs } = await
 * pool.query('... = ANY($1)', [orgIds]);`, in the query's own library.
 */
export function batchedLookup(text: string, query: HostQuery, predicate: Span, dialect: Dialect, keys: string, rows: string): string | undefined {
  const shape = callShape(text, query);
  const replacement = shape && manyKeysPredicate(text, predicate, shape, dialect, keys);
  const call = replacement && callOverKeys(text, query, shape, predicate, replacement, keys, true);
  if (!call) return undefined;
  // A query the loop's callback returns unawaited (`rows.map((r) => pool.query(..))`): the batched one is awaited (better-sqlite3 runs synchronously).
  const run = shape.awaited || shape.api === 'sqlite-prepare' ? call : `await ${call}`;
  return shape.api === 'postgres-tag' || shape.api === 'sqlite-prepare' ? `const ${rows} = ${run};`
    : dialect === 'mysql' && shape.api === 'driver' ? `const [${rows}] = ${run};`
    : `const { rows: ${rows} } = ${run};`;
}

export interface LoopWriteInput {
  text: string;
  /** The INSERT / UPDATE / DELETE run once per item. */
  query: HostQuery;
  loop: LoopContext;
  dialect: Dialect;
  /** The prepare a better-sqlite3 run executes (its receiver is the database). */
  prepared?: HostQuery;
}

/** The loop's text with the query's statement removed is nothing but the loop's head and braces. */
function loopHoldsOnly(text: string, loop: LoopContext, query: HostQuery): boolean {
  const before = text.slice(loop.span.start, query.span.start);
  const after = text.slice(query.span.end, loop.span.end);
  if (loop.kind === 'for') return /^for\s*\([^{};]*\)\s*\{?\s*$/.test(before) && /^\s*;?\s*\}?$/.test(after);
  return false;
}

/** `INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT ...` → its parts, when the row tuple is its parameters in order. */
function insertParts(sql: string, placeholder: (i: number) => string): { head: string; columns: string[]; tail: string; count: number } | undefined {
  const m = /^(\s*INSERT\s+INTO\s+[^\s(]+\s*\(([^()]*)\)\s*VALUES\s*)\(([^()]*)\)([\s\S]*)$/i.exec(sql);
  if (!m) return undefined;
  const values = m[3]!.split(',').map((v) => v.trim());
  if (!values.every((v, i) => v === placeholder(i))) return undefined;
  const columns = m[2]!.split(',').map((c) => c.trim());
  if (columns.length !== values.length || /\bRETURNING\b/i.test(m[4]!)) return undefined;
  return { head: m[1]!, columns, tail: m[4]!, count: values.length };
}

/** A decoded SQL text as a template literal's content. */
function templateContent(sql: string): string {
  return sql.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}

/**
 * commit-in-loop, an INSERT per item: the loop replaced by one INSERT of all
 * items (node-postgres, postgres.js, mysql2), or better-sqlite3's runs
 * wrapped in one transaction. Only for a loop whose body is that statement alone.
 */
export function multiRowInsertFix(input: LoopWriteInput): TextEdit | undefined {
  const { text, query, loop, dialect } = input;
  const iterable = loop.iterable?.trim();
  if (query.statementKind !== 'insert' || !iterable || !/^[\w$]+(\.[\w$]+)*$/.test(iterable) || !loopHoldsOnly(text, loop, query)) return undefined;
  const binding = loopBinding(text, loop);
  if (!binding) return undefined;
  const indent = indentationAt(text, loop.span.start);
  const edit = (lines: string[]): TextEdit => ({ span: { ...loop.span }, newText: lines.map((l, i) => (i === 0 ? l : `${indent}${l}`)).join('\n') });
  const comment = `// QueryLens commit-in-loop: one statement for all of ${iterable}`;
  if (input.prepared) {
    const db = /^([\w$.]+)\.prepare\s*\(/.exec(text.slice(input.prepared.span.start, input.prepared.span.end))?.[1];
    if (!db) return undefined;
    // The loop as written, one level deeper, inside one transaction.
    const loopLines = text.slice(loop.span.start, loop.span.end).split('\n');
    const body = [`${indent}  ${loopLines[0]}`, ...loopLines.slice(1).map((l) => (l.trim() ? `  ${l}` : l))].join('\n');
    return {
      span: { ...loop.span },
      newText: `${comment}: one transaction, one write to disk.\n${indent}${db}.transaction(() => {\n${body}\n${indent}})();`,
    };
  }
  const shape = callShape(text, query);
  if (!shape) return undefined;
  const sql = query.sql!.text;
  const items = binding;
  if (shape.api === 'postgres-tag') {
    const parts = insertParts(sql, (i) => `$${i + 1}`);
    const holes = [...text.slice(query.sql!.literal.start, query.sql!.literal.end).matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!.trim());
    if (!parts || parts.tail.trim() !== '' || holes.length !== parts.count) return undefined;
    const tag = /([\w$]+)\s*`?$/.exec(shape.prefix.replace(/`$/, ''))?.[1];
    if (!tag) return undefined;
    const object = parts.columns.map((c, i) => `${/^[A-Za-z_$][\w$]*$/.test(c) ? c : JSON.stringify(c.replace(/"/g, ''))}: ${holes[i]}`).join(', ');
    const table = /INSERT\s+INTO\s+([^\s(]+)/i.exec(parts.head)![1]!;
    return edit([
      `${comment}.`,
      `if (${iterable}.length > 0) {`,
      `  ${shape.awaited ? 'await ' : ''}${tag}\`INSERT INTO ${table} \${${tag}(${iterable}.map((${items}) => ({ ${object} })))}\`;`,
      '}',
    ]);
  }
  if (shape.api !== 'driver') return undefined;
  const values = /^\s*,\s*\[([^\]]*)\]\s*\)$/.exec(shape.suffix)?.[1];
  if (values === undefined) return undefined;
  const row = topLevelItems(values);
  if (dialect === 'mysql') {
    const parts = insertParts(sql, () => '?');
    if (!parts || parts.count !== row.length) return undefined;
    const call = shape.prefix.replace(/\.execute(\s*(<[^()]*>)?\s*\()$/, '.query$1');
    return edit([
      `${comment} (mysql2 expands \`VALUES ?\` to one row per item).`,
      `if (${iterable}.length > 0) {`,
      `  ${call}'${(parts.head + '?' + parts.tail).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}', [${iterable}.map((${items}) => [${row.join(', ')}])]);`,
      '}',
    ]);
  }
  if (dialect !== 'postgres') return undefined;
  const parts = insertParts(sql, (i) => `$${i + 1}`);
  if (!parts || parts.count !== row.length) return undefined;
  const n = parts.count;
  const tuple = Array.from({ length: n }, (_, i) => `$\${i * ${n} + ${i + 1}}`).join(', ');
  return edit([
    `${comment} (PostgreSQL takes up to 65,535 parameters: chunk longer lists).`,
    `if (${iterable}.length > 0) {`,
    `  ${shape.prefix}`,
    `    \`${templateContent(parts.head)}\${${iterable}.map((_, i) => \`(${tuple})\`).join(', ')}${templateContent(parts.tail)}\`,`,
    `    ${iterable}.flatMap((${items}) => [${row.join(', ')}]),`,
    '  );',
    '}',
  ]);
}

/**
 * commit-in-loop, a DELETE or UPDATE per item whose only parameter is the
 * item's key: the loop replaced by one statement over all keys.
 */
export function batchByKeysFix(input: LoopWriteInput & { target: string; predicate: Span }): TextEdit | undefined {
  const { text, query, loop, dialect } = input;
  const iterable = loop.iterable?.trim();
  if ((query.statementKind !== 'delete' && query.statementKind !== 'update') || !iterable || !/^[\w$]+(\.[\w$]+)*$/.test(iterable)) return undefined;
  if (input.prepared || !loopHoldsOnly(text, loop, query)) return undefined;
  const shape = callShape(text, query);
  const binding = loopBinding(text, loop);
  const keyExpr = keyExpression(text, query, [input.target]);
  if (!shape || !binding || !keyExpr) return undefined;
  const keys = keyExpr === binding ? iterable : `${iterable}.map((${binding}) => ${keyExpr})`;
  const predicate = manyKeysPredicate(text, input.predicate, shape, dialect, keys);
  const call = predicate && callOverKeys(text, query, shape, input.predicate, predicate, keys, false);
  if (!call) return undefined;
  return {
    span: { ...loop.span },
    newText: `// QueryLens commit-in-loop: one ${query.statementKind.toUpperCase()} for all of ${iterable}.\n${indentationAt(text, loop.span.start)}${call};`,
  };
}
