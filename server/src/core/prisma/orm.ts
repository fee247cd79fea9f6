/**
 * Prisma Client in the TypeScript ORM list (host/typescript/orms.ts): its calls (client.ts) and their
 * fixes and advice in Prisma Client's terms (client-fixes.ts). Its models come from schema.prisma
 * (schemas.ts), not from code.
 */
import type { TypeScriptOrm } from '../host/typescript/orms';
import { mayQueryPrisma, prismaQuery } from './client';
import { prismaBatchLookup, prismaCreateManyEdit, prismaDataPerItem, prismaIncludeAdvice, prismaMethodOf, prismaNestedCreate, prismaTakeEdit } from './client-fixes';
import { asOrmEdit as asEdit } from '../host/typescript/loop-write';

export const prisma: TypeScriptOrm = {
  id: 'prisma',
  mayQuery: mayQueryPrisma,
  query: prismaQuery,

  batchedPredicate: (_query, column, field) => `where: { ${field ?? column}: { in: keys } }`,
  batchQuery: (source, query, key, loopTargets, site) => prismaBatchLookup(source.text, source.file, query, loopTargets, key, site),
  eagerLoad(_source, outer, query, column) {
    if (outer.orm !== 'prisma') return undefined;
    const advice = prismaIncludeAdvice(outer, query, column);
    return advice === undefined ? undefined : { advice };
  },

  batchWriteAdvice(kind, query, key) {
    const model = query.entity ? query.entity.charAt(0).toLowerCase() + query.entity.slice(1) : 'model';
    if (kind === 'insert') {
      // The created row is used (its generated id): createManyAndReturn hands the rows back (PostgreSQL, SQLite, CockroachDB).
      const call = query.assignedTo ? 'createManyAndReturn' : 'createMany';
      return `Insert all rows in one statement: prisma.${model}.${call}({ data: items.map(...) }) (nested relation writes become their key fields).`;
    }
    // The key the write filters on, as the code names it (`authorId` of `where: { authorId: id }`; commit-in-loop's writeKey).
    const where = `where: { ${key?.field ?? 'id'}: { in: ${key?.values ?? 'ids'} } }`;
    if (kind === 'update') return `Update all rows at once: prisma.${model}.updateMany({ ${where}, data }) when the values are the same, else run the updates in one $transaction([...]).`;
    return `Delete them at once: prisma.${model}.deleteMany({ ${where} }).`;
  },
  rowWriteNote({ text, file }, query, loop) {
    if (query.statementKind === 'insert' && prismaNestedCreate(text, file, query)) {
      return (
        ' (Each create also creates related rows (a nested create in its data): createMany writes no relations, so Prisma Client ' +
        'cannot write these in one statement; batching means createMany per table with keys made up front: worth it only when there are many items.)'
      );
    }
    if (query.statementKind === 'insert' && prismaMethodOf(text, file, query) === 'upsert') {
      return ' (It is an upsert: createMany cannot update the rows that exist and Prisma Client has no bulk upsert, so one statement for all means raw SQL (INSERT ... ON CONFLICT DO UPDATE via $executeRaw): worth it only when there are many items.)';
    }
    if (query.statementKind !== 'update' || !prismaDataPerItem(text, file, query, loop.targets, loop.span)) return undefined;
    return (
      ' (Each item sets values of its own: Prisma Client has no UPDATE of many rows with different values, so one statement ' +
      'for all means raw SQL ($executeRaw with UPDATE ... FROM UNNEST): worth it only when there are many items.)'
    );
  },
  batchWrite: ({ text, file }, query, loop) => (query.statementKind === 'insert' ? asEdit(prismaCreateManyEdit(text, file, query, loop)) : undefined),

  limit: ({ text, file }, query, limit) => asEdit(prismaTakeEdit(text, file, query, limit)),
  paginationAdvice: () => ({
    page: "(take plus a cursor: take: 100, skip: 1, cursor: { id: lastId }, orderBy: { id: 'asc' })",
    walk: "walk them in chunks, as Prisma Client does not stream (take: 1000 with cursor: { id: lastId }, skip: 1, orderBy: { id: 'asc' })",
  }),
};
