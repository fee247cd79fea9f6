#!/usr/bin/env node
/**
 * Writes the TextMate injection grammars that highlight SQL inside TypeScript and JavaScript
 * (syntaxes/sql-in-{typescript,typescriptreact,javascript,javascriptreact}.tmLanguage.json).
 *
 * The four files differ only in the host they are injected into: the `${...}` holes of a
 * template literal and the remaining call arguments must be tokenized by that host's own
 * grammar (source.ts, source.tsx, source.js, source.js.jsx), and an injection grammar cannot
 * name "the grammar I was injected into" (`$base` is its own root). So they are generated
 * from this one description; test/unit/syntaxes/sql-in-js.test.ts fails when a committed file
 * differs from what this script writes.
 *
 *   node scripts/sql-in-js-grammars.mjs          # rewrite the four files
 *
 * What is SQL (the extractor's calls, issue 14):
 *   - tagged templates: sql`...`, sql<T>`...` (postgres.js, Kysely, Drizzle, @vercel/postgres),
 *     sql.unsafe`...`, sql.fragment`...`, prisma.$queryRaw`...`, prisma.$executeRaw`...`;
 *   - the first argument of .query( (node-postgres, mysql, TypeORM, Sequelize), .execute(
 *     (mysql2, libsql), .prepare( (better-sqlite3, node:sqlite), .raw( (knex, Kysely's sql.raw),
 *     .unsafe( (postgres.js), knex's whereRaw/havingRaw/orderByRaw/... fragments and Prisma's
 *     $queryRawUnsafe / $executeRawUnsafe, when it is a string or template literal; or the
 *     `text:` / `sql:` property of an object literal passed there ({ text, values });
 *   - a string or template literal preceded by a /* sql *\/ comment.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The hosts: VS Code language id, its grammar's scope, and the suffix of that grammar's scope names.
 * The ids and scopes are those of the TypeScript entry of shared/languages.ts (the unit test checks).
 */
export const SQL_IN_JS_HOSTS = [
  { language: 'typescript', scope: 'source.ts', suffix: 'ts' },
  { language: 'typescriptreact', scope: 'source.tsx', suffix: 'tsx' },
  { language: 'javascript', scope: 'source.js', suffix: 'js' },
  { language: 'javascriptreact', scope: 'source.js.jsx', suffix: 'js.jsx' },
];

/** Methods whose first argument is SQL text. */
const SQL_METHODS = [
  'query', 'execute', 'prepare', 'raw', 'unsafe',
  'whereRaw', 'orWhereRaw', 'andWhereRaw', 'whereNotRaw', 'havingRaw', 'orHavingRaw',
  'orderByRaw', 'groupByRaw', 'joinRaw', 'fromRaw', 'selectRaw',
  '\\$queryRawUnsafe', '\\$executeRawUnsafe',
];

/** Template tags whose template is SQL. */
const SQL_TAGS = ['sql(?:\\.(?:unsafe|fragment))?', '\\$queryRaw', '\\$executeRaw'];

/** Object properties (of an object literal passed to one of SQL_METHODS) whose value is SQL. */
const SQL_PROPERTIES = ['text', 'sql'];

/**
 * The object a method is called on or a tag is read from (`pool.`, `this.db.`, `prisma.`), or
 * just the dot after a call (`knex('t').`): the rules begin there, where the host grammar's own
 * call and tagged-template rules begin, so that those never open a rule that waits for a `(` or
 * a backtick the injection has already consumed.
 */
const MEMBER = '#?[$_[:alpha:]][$_[:alnum:]]*\\s*\\??\\.\\s*';
const RECEIVER = `(?<![\\w$])(?:((?:${MEMBER})+)|(\\??\\.\\s*(?:${MEMBER})*))`;

/** `<...>` type arguments, two levels of nesting. */
const TYPE_ARGUMENTS = '<(?:[^<>`()]|<(?:[^<>`()]|<[^<>`()]*>)*>)*>';

/** The grammar file for a host, relative to the repository. */
export function sqlInJsGrammarPath(host) {
  return `syntaxes/sql-in-${host.language}.tmLanguage.json`;
}

/** The injection grammar's scope name for a host. */
export function sqlInJsScopeName(host) {
  return `querylens.sql-in-${host.language}.injection`;
}

/** The grammar for one host, as the object written to its file. */
export function sqlInJsGrammar(host) {
  const s = host.suffix;
  const base = host.scope;
  const escape = { match: '\\\\.', name: `constant.character.escape.${s}` };
  const hole = { include: `${base}#template-substitution-element` };
  const receiver = {
    patterns: [
      { match: '\\bthis\\b', name: `variable.language.this.${s}` },
      { match: '#?[$_[:alpha:]][$_[:alnum:]]*', name: `variable.other.object.${s}` },
      { match: '\\?\\.', name: `punctuation.accessor.optional.${s}` },
      { match: '\\.', name: `punctuation.accessor.${s}` },
    ],
  };
  const quote = (kind, edge) => (kind === 'template'
    ? `string.template.${s} punctuation.definition.string.template.${edge}.${s}`
    : `string.quoted.${kind}.${s} punctuation.definition.string.${edge}.${s}`);

  /**
   * SQL inside a literal closed by `q`. The SQL grammar's own comments, strings and brackets
   * run to their own terminator; these versions also stop before the literal's closing quote
   * (and at the end of the line for one-line quotes), and keep escapes and `${}` holes.
   */
  const sqlIn = (q, { holes, oneLine }) => {
    const close = `(?=${q})${oneLine ? '|$' : ''}`;
    const inner = holes ? [escape, hole] : [escape];
    const quoted = (open, name) => ({
      begin: open,
      beginCaptures: { 0: { name: `punctuation.definition.string.begin.sql` } },
      end: `${open}|${close}`,
      endCaptures: { 0: { name: `punctuation.definition.string.end.sql` } },
      name,
      patterns: inner,
    });
    return {
      patterns: [
        escape,
        ...(holes ? [hole] : []),
        {
          begin: '--',
          beginCaptures: { 0: { name: 'punctuation.definition.comment.sql' } },
          end: `${close}${oneLine ? '' : '|$'}`,
          name: 'comment.line.double-dash.sql',
          patterns: inner,
        },
        {
          begin: '/\\*',
          beginCaptures: { 0: { name: 'punctuation.definition.comment.sql' } },
          end: `\\*/|${close}`,
          endCaptures: { 0: { name: 'punctuation.definition.comment.sql' } },
          name: 'comment.block.sql',
          patterns: inner,
        },
        ...[["'", 'string.quoted.single.sql'], ['"', 'string.quoted.double.sql'], ['`', 'string.quoted.other.backtick.sql']]
          .filter(([open]) => open !== q)
          .map(([open, name]) => quoted(open, name)),
        {
          comment: 'array subscripts and ARRAY[...]: SQL inside (the SQL grammar leaves it plain)',
          begin: '\\[',
          end: `\\]|${close}`,
          patterns: [{ include: `#sql-in-${nameOf(q)}` }],
        },
        {
          comment: 'division and modulo: the SQL grammar would start a /regexp/ or a %{string} here',
          match: '/|%',
          name: 'keyword.operator.math.sql',
        },
        { include: 'source.sql' },
      ],
    };
  };

  /** A literal whose text is SQL, starting at the anchor (\G): the first token of an argument. */
  const literal = (q, kind, oneLine) => ({
    begin: `\\G(${q})`,
    beginCaptures: { 1: { name: quote(kind, 'begin') } },
    end: oneLine ? `(${q})|$` : `(${q})`,
    endCaptures: { 1: { name: quote(kind, 'end') } },
    name: 'meta.embedded.sql',
    contentName: 'meta.embedded.block.sql',
    patterns: [{ include: `#sql-in-${nameOf(q)}` }],
  });

  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    comment: 'Generated by scripts/sql-in-js-grammars.mjs: edit that script, not this file.',
    scopeName: sqlInJsScopeName(host),
    // `source.js` as a selector also matches `source.js.jsx`, whose own grammar is injected there.
    injectionSelector: `L:${base} ${SQL_IN_JS_HOSTS.filter((h) => h !== host && h.scope.startsWith(`${base}.`)).map((h) => `-${h.scope} `).join('')}-comment -string`,
    patterns: [{ include: '#comment-tagged' }, { include: '#tagged-template' }, { include: '#call' }],
    repository: {
      'comment-tagged': {
        comment: 'A literal after a /* sql */ comment.',
        begin: '(/\\*\\s*(?i:sql)\\s*\\*/)\\s*(?=[`"\'])',
        beginCaptures: { 1: { name: `comment.block.${s}` } },
        end: '(?<=[`"\'])',
        patterns: [{ include: '#literal' }],
      },
      'tagged-template': {
        comment: 'sql`...`, sql<Row>`...`, prisma.$queryRaw`...`.',
        begin: `(?:${RECEIVER}|(?<![\\w$]))(${SQL_TAGS.join('|')})\\s*(${TYPE_ARGUMENTS})?\\s*(?=\`)`,
        beginCaptures: {
          1: receiver,
          2: receiver,
          3: { name: `entity.name.function.tagged-template.${s}` },
          4: { patterns: [{ include: `${base}#type-arguments` }] },
        },
        end: '(?<=`)',
        patterns: [{ include: '#literal' }],
      },
      call: {
        comment: 'pool.query(, knex.raw(, db.prepare(, ... whose first argument is a literal or an object literal on the same line, or on a later line when the line ends after the opening parenthesis.',
        begin: `${RECEIVER}(${SQL_METHODS.join('|')})\\s*(${TYPE_ARGUMENTS})?\\s*(\\()(?=\\s*(?:[\`"'{]|//|/\\*|$))`,
        beginCaptures: {
          1: receiver,
          2: receiver,
          3: { name: `entity.name.function.${s}` },
          4: { patterns: [{ include: `${base}#type-arguments` }] },
          5: { name: `meta.brace.round.${s}` },
        },
        end: '\\)',
        endCaptures: { 0: { name: `meta.brace.round.${s}` } },
        name: `meta.function-call.${s}`,
        patterns: [{ include: `${base}#comment` }, { include: '#arguments' }],
      },
      arguments: {
        comment: 'From the first argument to the closing parenthesis: the first token is SQL when it is a literal (\\G), or an object literal whose text/sql property is; the rest is the host language.',
        begin: '(?=[^\\s)])',
        end: '(?=\\))',
        patterns: [
          { include: '#literal' },
          { include: '#object' },
          { include: `${base}#comment` },
          { include: `${base}#punctuation-comma` },
          { include: `${base}#expression` },
        ],
      },
      literal: {
        patterns: [literal('`', 'template', false), literal('"', 'double', true), literal("'", 'single', true)],
      },
      object: {
        comment: '{ text: "...", values } (node-postgres), { sql: "...", args } (mysql2, libsql).',
        begin: '\\G(\\{)',
        beginCaptures: { 1: { name: `punctuation.definition.block.${s}` } },
        end: '(\\})',
        endCaptures: { 1: { name: `punctuation.definition.block.${s}` } },
        name: `meta.objectliteral.${s}`,
        patterns: [
          { include: `${base}#comment` },
          {
            begin: `(?<![\\w$.])(${SQL_PROPERTIES.join('|')})\\s*(:)\\s*`,
            beginCaptures: {
              1: { name: `meta.object-literal.key.${s}` },
              2: { name: `meta.object-literal.key.${s} punctuation.separator.key-value.${s}` },
            },
            end: '(?=[,}])',
            name: `meta.object.member.${s}`,
            patterns: [{ include: '#literal' }, { include: `${base}#expression` }],
          },
          { include: `${base}#object-member` },
        ],
      },
      'sql-in-template': sqlIn('`', { holes: true, oneLine: false }),
      'sql-in-double': sqlIn('"', { holes: false, oneLine: true }),
      'sql-in-single': sqlIn("'", { holes: false, oneLine: true }),
    },
  };
}

function nameOf(q) {
  return q === '`' ? 'template' : q === '"' ? 'double' : 'single';
}

/** The file's text for a host, as committed. */
export function sqlInJsGrammarText(host) {
  return `${JSON.stringify(sqlInJsGrammar(host), null, 2)}\n`;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const host of SQL_IN_JS_HOSTS) {
    const file = join(root, sqlInJsGrammarPath(host));
    let before = '';
    try { before = readFileSync(file, 'utf8'); } catch { /* new file */ }
    const text = sqlInJsGrammarText(host);
    if (text !== before) {
      writeFileSync(file, text);
      console.log(`wrote ${sqlInJsGrammarPath(host)}`);
    }
  }
}
