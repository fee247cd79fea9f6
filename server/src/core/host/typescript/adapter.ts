/**
 * TypeScript and JavaScript driver knowledge for the rules (host/adapter.ts):
 * node-postgres, postgres.js, mysql2, knex.raw, Kysely's `sql`, better-sqlite3,
 * and the ORMs' calls (`HostQuery.orm`: Prisma Client's, core/prisma/client-fixes.ts).
 * The fixes are written in the library the query already uses (fixes.ts),
 * and compile (tests run `tsc --noEmit` on them).
 */
import type { CoreFix } from '../../rules/types';
import type { HostAdapter } from '../adapter';
import { batchByKeysFix, batchedLookup, multiRowInsertFix, type TextEdit } from './fixes';
import { ormBatchQuery, ormModelIndexEdits, ormRowWriteNote } from './orms';
import { drizzleBatchQuery, drizzleIndexEdits } from '../../orm/drizzle/fix';
import { prismaBatchLookup, prismaCreateManyEdit, prismaIncludeAdvice, prismaDataPerItem, prismaMethodOf, prismaNestedCreate, prismaTakeEdit } from '../../prisma/client-fixes';

export const typescriptAdapter: HostAdapter = {
  awaitSyntax: 'prefix',

  batchedSqlPredicate: (column) => `WHERE ${column} = ANY($1)`,
  batchedOrmPredicate: (_entity, column, query, field) => (query?.orm === 'prisma' ? `where: { ${field ?? column}: { in: keys } }` : undefined),
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

  eagerLoadAdvice: (outer, query, column) => (outer.orm === 'prisma' && query.orm === 'prisma' ? prismaIncludeAdvice(outer, query, column) : undefined),

  // An ORM's query per row: Prisma's (one findMany over `{ in: keys }`, prisma/client-fixes.ts), Drizzle's (`eq(t.col, row.x)` →
  // one `inArray(t.col, keys)` query, orm/drizzle/fix.ts), else TypeORM's (`repo.find({ where: { agent: { id: agent.id } } })`):
  // the ORM writes it over the keys (orms.ts).
  batchOrmQuery(ctx, query, loopTargets, key, site) {
    if (query.orm === 'prisma') return prismaBatchLookup(ctx.text, ctx.file, query, loopTargets, key, site);
    const drizzle = drizzleBatchQuery(ctx.text, query, key, site);
    if (drizzle) return drizzle;
    const value = ctx.text.slice(key.column.span.end, key.span.end);
    const expression = loopTargets.map((t) => new RegExp(`\\b${t}\\b(?:\\.\\w+)*`).exec(value)?.[0]).find((e) => e !== undefined);
    if (!expression) return undefined;
    return ormBatchQuery(ctx.text, { span: query.span, keySpan: key.span, keyExpression: expression, loopTargets }, site.keys, site.rows);
  },

  commitOnceAdvice: (dialect) =>
    `Write all items in one transaction and one statement (one multi-row INSERT${dialect === 'postgres' ? ', or = ANY($1) over the keys' : ''}), then COMMIT once.`,
  batchWriteAdvice(dialect, kind, _entity, table, query) {
    const t = table ?? 'the table';
    if (query?.orm === 'prisma') {
      const model = query.entity ? query.entity.charAt(0).toLowerCase() + query.entity.slice(1) : 'model';
      if (kind === 'insert') {
        // The created row is used (its generated id): createManyAndReturn hands the rows back (PostgreSQL, SQLite, CockroachDB).
        const call = query.assignedTo ? 'createManyAndReturn' : 'createMany';
        return `Insert all rows in one statement: prisma.${model}.${call}({ data: items.map(...) }) (nested relation writes become their key fields).`;
      }
      if (kind === 'update') return `Update all rows at once: prisma.${model}.updateMany({ where: { id: { in: ids } }, data }) when the values are the same, else run the updates in one $transaction([...]).`;
      return `Delete them at once: prisma.${model}.deleteMany({ where: { id: { in: ids } } }).`;
    }
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

  rowWriteNote(ctx, query, loop) {
    if (query.orm !== 'prisma') return query.orm ? ormRowWriteNote(ctx.file, ctx.text, query, loop) : undefined;
    if (query.statementKind === 'insert' && prismaNestedCreate(ctx.text, ctx.file, query)) {
      return (
        ' (Each create also creates related rows (a nested create in its data): createMany writes no relations, so Prisma Client ' +
        'cannot write these in one statement; batching means createMany per table with keys made up front: worth it only when there are many items.)'
      );
    }
    if (query.statementKind === 'insert' && prismaMethodOf(ctx.text, ctx.file, query) === 'upsert') {
      return ' (It is an upsert: createMany cannot update the rows that exist and Prisma Client has no bulk upsert, so one statement for all means raw SQL (INSERT ... ON CONFLICT DO UPDATE via $executeRaw): worth it only when there are many items.)';
    }
    if (query.statementKind !== 'update' || !prismaDataPerItem(ctx.text, ctx.file, query, loop.targets, loop.span)) return undefined;
    return (
      ' (Each item sets values of its own: Prisma Client has no UPDATE of many rows with different values, so one statement ' +
      'for all means raw SQL ($executeRaw with UPDATE ... FROM UNNEST): worth it only when there are many items.)'
    );
  },

  batchWriteFix(ctx, index, loop) {
    const host = ctx.host!;
    const query = host.queries[index]!;
    if (query.orm === 'prisma') {
      const edit = query.statementKind === 'insert' ? prismaCreateManyEdit(ctx.text, ctx.file, query, loop) : undefined;
      return edit ? [{ title: edit.title, isPreferred: false, changes: [{ kind: 'edit', file: ctx.file, edits: [{ span: edit.span, newText: edit.newText }] }] }] : [];
    }
    // The other fixes rewrite SQL text: a builder or ORM write (knex, Drizzle, TypeORM) has none.
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

  // An ORM's model: the index declared on it in the ORM's terms: a TypeORM entity's `@Index([...])` (orms.ts), a Drizzle
  // table's index callback (orm/drizzle/fix.ts); the model's declaration starts at `origin`.
  modelIndexEdits: (text, origin, s, index) =>
    ormModelIndexEdits('', text, origin, { name: index.name, columns: s.columns, ...(index.method ? { method: index.method } : {}), ...(s.opclass ? { opclass: s.opclass } : {}) })
    ?? drizzleIndexEdits('schema.ts', text, index, origin),

  ormLimitFix(ctx, query, limit) {
    const edit = query.orm === 'prisma' ? prismaTakeEdit(ctx.text, ctx.file, query, limit) : undefined;
    return edit && { title: edit.title, isPreferred: false, changes: [{ kind: 'edit', file: ctx.file, edits: [{ span: edit.span, newText: edit.newText }] }] };
  },
  paginationAdvice: (query) =>
    query.orm === 'prisma'
      ? { page: "(take plus a cursor: take: 100, skip: 1, cursor: { id: lastId }, orderBy: { id: 'asc' })", walk: "walk them in chunks, as Prisma Client does not stream (take: 1000 with cursor: { id: lastId }, skip: 1, orderBy: { id: 'asc' })" }
      : query.kind === 'orm'
        ? { page: "(a limit plus a keyset, in the query's own builder: knex or Kysely .where('id', '>', lastId).orderBy('id').limit(n), Drizzle .where(gt(t.id, lastId)).orderBy(t.id).limit(n), TypeORM where: { id: MoreThan(lastId) }, order: { id: 'ASC' }, take: n)" }
        : undefined,

  // knex, Kysely, Prisma Client and Drizzle readers leave a write whose filter they cannot read whole unread; TypeORM's keep part
  // of it, and say when they read a write whole (its SQL, `model.write`).
  readsWritesWhole: (query) => query.orm !== 'typeorm' || query.model?.write !== undefined,
  streamAdvice: 'stream them (pg-cursor / pg-query-stream, postgres.js .cursor(), knex .stream(), better-sqlite3 .iterate()) or walk keyset chunks (WHERE id > $last ORDER BY id LIMIT 1000)',
  streamsRows: (_text, query) => query.terminal === 'iterate',
};
