/**
 * TypeScript and JavaScript driver knowledge for the rules (host/adapter.ts):
 * node-postgres, postgres.js, mysql2, knex.raw, Kysely's `sql`, better-sqlite3,
 * and the ORMs' calls. The fixes are written in the library the query already
 * uses (fixes.ts), and compile (tests run `tsc --noEmit` on them); an ORM's
 * (`HostQuery.orm`: Prisma, Drizzle, TypeORM) come from its entry's hooks in
 * orms.ts, the one route for them.
 */
import type { CoreFix } from '../../rules/types';
import type { HostAdapter } from '../adapter';
import { batchByKeysFix, batchedLookup, multiRowInsertFix, type TextEdit } from './fixes';
import { ormModelIndexEdits, ormOf, ormSource, type OrmEdit } from './orms';
import { fixTree } from '../treesitter';

/** An ORM's edit of the query's file as a fix (not preferred: each changes what the code does). */
function ormFix(file: string, edit: OrmEdit | undefined): CoreFix | undefined {
  return edit && { title: edit.title, isPreferred: false, changes: [{ kind: 'edit', file, edits: edit.edits }] };
}

export const typescriptAdapter: HostAdapter = {
  awaitSyntax: 'prefix',

  batchedSqlPredicate: (column) => `WHERE ${column} = ANY($1)`,
  batchedOrmPredicate: (_entity, column, query, field) => ormOf(query)?.batchedPredicate?.(query!, column, field),
  collectKeys(loop, keys) {
    // Rows streamed by a cursor can be walked once only; a destructured item (`{ id, org }`) is not re-mapped.
    if (loop.rowsTerminal === 'iterate' || loop.targets.length !== 1) return undefined;
    const target = loop.targets[0]!;
    return [`const ${keys} = ${loop.iterable}.map((${target}) => ${loop.keyExpression});`];
  },
  batchSqlQuery(ctx, query, key, site) {
    const statement = batchedLookup(ctx.text, query, key.span, query.sql?.dialect ?? ctx.dialect, site.keys, site.rows);
    return statement ? { statement } : undefined;
  },

  eagerLoad(ctx, outer, query, column) {
    const found = ormOf(query)?.eagerLoad?.(ormSource(ctx.file, ctx.text, ctx.host?.workspaceModels ?? ctx.host?.models), outer, query, column);
    const fix = ormFix(ctx.file, found?.fix);
    return found && { advice: found.advice, ...(fix ? { fix } : {}) };
  },

  // An ORM's query per row, written by its ORM over the keys (orms.ts): Prisma's findMany over `{ in: keys }`, Drizzle's
  // `inArray(t.col, keys)`, TypeORM's `In(keys)`.
  batchOrmQuery: (ctx, query, loopTargets, key, site) => ormOf(query)?.batchQuery?.(ormSource(ctx.file, ctx.text), query, key, loopTargets, site),
  ormHooksReadFile: true,

  commitOnceAdvice: (dialect) =>
    `Write all items in one transaction and one statement (one multi-row INSERT${dialect === 'postgres' ? ', or = ANY($1) over the keys' : ''}), then COMMIT once.`,
  batchWriteAdvice(dialect, kind, _entity, table, query, key) {
    const t = table ?? 'the table';
    const own = query && ormOf(query)?.batchWriteAdvice?.(kind, query, key);
    if (own) return own;
    if (dialect === 'sqlite') {
      // In-process: the cost per row is the statement and its own transaction, not a round trip.
      if (kind === 'insert') return `Run them in one transaction (better-sqlite3: db.transaction(() => { ... })()), or insert all rows with one multi-row INSERT into ${t}.`;
      return `Run them in one transaction (better-sqlite3: db.transaction(...)), or one statement over all keys: ... WHERE id IN (SELECT value FROM json_each(?)).`;
    }
    if (dialect === 'mysql') {
      if (kind === 'insert') return `Insert all rows in one statement: mysql2's query('INSERT INTO ${t} (...) VALUES ?', [rows]) with one array per row.`;
      return `Run one statement over all keys: ... WHERE id IN (?) with the keys as one array (mysql2's query expands it).`;
    }
    if (kind === 'insert') return `Insert all rows in one statement: one multi-row INSERT into ${t} (VALUES ($1, $2), ($3, $4), ...), postgres.js sql(rows), knex .insert(rows), or INSERT ... SELECT * FROM UNNEST($1::int[], ...).`;
    if (kind === 'update') return 'Update all rows at once: one UPDATE ... WHERE id = ANY($1) when the values are the same, else UPDATE ... FROM UNNEST($1::int[], $2::text[]) AS v(id, value) WHERE t.id = v.id.';
    return 'Bind the keys as one array and delete them at once: DELETE ... WHERE id = ANY($1).';
  },

  rowWriteNote: (ctx, query, loop) => ormOf(query)?.rowWriteNote?.(ormSource(ctx.file, ctx.text), query, loop),

  batchWriteFix(ctx, index, loop) {
    const host = ctx.host!;
    const query = host.queries[index]!;
    const orm = ormOf(query);
    if (orm) {
      const fix = ormFix(ctx.file, orm.batchWrite?.(ormSource(ctx.file, ctx.text), query, loop));
      return fix ? [fix] : [];
    }
    // The other fixes rewrite SQL text: a builder's write (knex, Kysely) has none.
    if (query.kind !== 'sql') return [];
    const prepared = query.preparedFrom === undefined ? undefined : host.queries[query.preparedFrom];
    const dialect = (prepared ?? query).sql?.dialect ?? ctx.dialect;
    const input = { text: ctx.text, query, loop, dialect, ...(prepared ? { prepared } : {}) };
    let edit: TextEdit | undefined;
    let title: string;
    if (query.statementKind === 'insert') {
      edit = multiRowInsertFix(input);
      title = prepared ? 'Run the INSERTs in one transaction' : `Insert all of ${loop.iterable} with one INSERT`;
    } else {
      // The key comparison fed by the item: the statement's only parameter.
      const params = (ctx.document.statements.find((s) => s.hostQuery === index)?.query?.predicates ?? []).filter((p) => p.valueKind === 'param');
      const key = params.length === 1 && params[0]!.op === 'eq' && !params[0]!.disjunctive ? params[0] : undefined;
      const target = loop.targets.length === 1 ? loop.targets[0] : undefined;
      edit = key && target ? batchByKeysFix({ ...input, target, predicate: key.span }) : undefined;
      title = `One ${query.statementKind.toUpperCase()} for all of ${loop.iterable}`;
    }
    if (!edit) return [];
    const fix: CoreFix = { title, isPreferred: false, changes: [{ kind: 'edit', file: ctx.file, edits: [edit] }] };
    return [fix];
  },

  // An ORM's model: the index declared on it in the ORM's terms (a TypeORM entity's `@Index([...])`, a Drizzle table's index
  // callback: orms.ts); the model's declaration starts at `origin`.
  // The model file's tree is `fixTree`'s: the index fixes of one check edit the same few entity files.
  modelIndexEdits: (text, origin, s, index) => ormModelIndexEdits({ file: '', text, root: () => fixTree('typescript', text) }, origin, index, s),

  ormLimitFix: (ctx, query, limit) => ormFix(ctx.file, ormOf(query)?.limit?.(ormSource(ctx.file, ctx.text), query, limit)),
  paginationAdvice: (query) =>
    ormOf(query)?.paginationAdvice?.(query) ??
    (query.kind === 'orm'
      ? { page: "(a limit plus a keyset, in the query's own builder: knex or Kysely .where('id', '>', lastId).orderBy('id').limit(n), Drizzle .where(gt(t.id, lastId)).orderBy(t.id).limit(n), TypeORM where: { id: MoreThan(lastId) }, order: { id: 'ASC' }, take: n)" }
      : undefined),

  // knex, Kysely, Prisma Client and Drizzle readers leave a write whose filter they cannot read whole unread; TypeORM's keep part
  // of it, and say when they read a write whole (its SQL, `model.write`).
  readsWritesWhole: (query) => query.orm !== 'typeorm' || query.model?.write !== undefined,
  streamAdvice: 'stream them (pg-cursor / pg-query-stream, postgres.js .cursor(), knex .stream(), better-sqlite3 .iterate()) or walk keyset chunks (WHERE id > $last ORDER BY id LIMIT 1000)',
  streamsRows: (_text, query) => query.terminal === 'iterate',
};
