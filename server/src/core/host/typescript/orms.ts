/**
 * The ORMs of TypeScript and JavaScript code, one entry each: what a file's
 * code declares of the schema (Drizzle's `pgTable(...)`, TypeORM's `@Entity()`
 * classes) and how one of its calls reads as the query it sends
 * (`prisma.user.findMany({...})`, `db.select().from(users).where(...)`,
 * `repository.find({...})`).
 *
 * Models are cross-file: the workspace collects every file's own (the
 * schema-only extraction), adds the models of ORM schema files that are not
 * code (schema.prisma: core/prisma), and extracts each file's queries with all
 * of them (`QueryReaderContext.models`). A query reader finds the table and
 * columns of a model there, by its class or variable name, after the ORM's
 * own name mapping (`HostModel.fields`).
 *
 * A new ORM: a folder of its own (core/orm/<id>/ or core/prisma/), its entry
 * in `TYPESCRIPT_ORMS` below, and its id in `OrmId` (core/host/types.ts).
 */
import type { IndexDefinition } from '../../../../../shared/types';
import type { BatchSite, BuiltStatement, ExtraEdit } from '../adapter';
import { hostGrammarOf, hostParser, type SyntaxNode } from '../treesitter';
import type { HostModel, HostQuery, LoopContext, OrmId } from '../types';
import type { Predicate } from '../../sql/model';
import type { IndexSuggestion } from '../../rules/types';
import type { BuiltQuery } from './builders';
import { typeorm } from '../../orm/typeorm';
import { drizzle } from '../../orm/drizzle';
import { prisma } from '../../prisma/orm';

/** What a query reader knows besides the call: the workspace's models (every ORM's), the file. */
export interface QueryReaderContext {
  models: readonly HostModel[];
  file: string;
}

/** The file a fix hook edits: its path, its text and its syntax tree (parsed once, when a hook asks). */
export interface OrmSource {
  file: string;
  text: string;
  root(): SyntaxNode | undefined;
  /** The workspace's models (every ORM's, resolved), when the extraction has them. */
  models?: readonly HostModel[];
}

/** A fix in the ORM's terms: edits of the query's own file. */
export interface OrmEdit {
  title: string;
  edits: ExtraEdit[];
}

/**
 * One ORM of TypeScript/JavaScript code. Its fixes and notes are hooks here, all optional: the
 * TypeScript adapter (adapter.ts) asks the ORM that sent the query (`HostQuery.orm`), or for a
 * model's index each ORM in turn, and an ORM without the hook has no such fix.
 */
export interface TypeScriptOrm {
  id: OrmId;
  /** A cheap test of a file's text: false means the file declares no model of this ORM (it is not parsed for them). */
  mayDeclareModels?(text: string): boolean;
  /**
   * The models the file declares (tables with their columns, keys and indexes as schema changes; `fields` with the ORM's names).
   * `workspace`: the workspace's models when the extraction has them (a foreign key to another file's table), else undefined.
   */
  models?(root: SyntaxNode, text: string, file: string, workspace?: readonly HostModel[]): HostModel[];
  /** The workspace's models once all are known (every ORM's: an ORM changes only its own), e.g. columns inherited from a base class. */
  resolve?(models: HostModel[]): HostModel[];
  /** A cheap test of a file's text: false means no call of the file is one of this ORM's queries (`models`: the workspace's, every ORM's). */
  mayQuery?(text: string, models: readonly HostModel[]): boolean;
  /** One call chain, offered whole (its `await` included, as builders.ts's `builderQuery`) → the query it sends. */
  query?(node: SyntaxNode, text: string, context: QueryReaderContext): BuiltQuery | undefined;

  // Fixes and notes (adapter.ts)
  /** missing index: the index on the model whose declaration starts at `origin` (TypeORM's `@Index([...])`, Drizzle's `index().on()`). */
  modelIndexEdits?(source: OrmSource, origin: number, index: IndexDefinition, suggestion: IndexSuggestion): { className: string; edits: ExtraEdit[] } | undefined;
  /** n-plus-one: the batched lookup named in the message (`where: { authorId: { in: keys } }`), `field` the key as written. */
  batchedPredicate?(query: HostQuery, column: string, field: string | undefined): string | undefined;
  /** n-plus-one: the loop's query (its key condition `key`, fed by the loop's `loopTargets`) as one query over `site.keys`, assigned to `site.rows`. */
  batchQuery?(source: OrmSource, query: HostQuery, key: Predicate, loopTargets: string[], site: BatchSite): BuiltStatement | undefined;
  /**
   * n-plus-one: the rows `query` reads per row of `outer` loaded with `outer`'s rows instead, by the key `column`
   * (Prisma's `include`, Drizzle's `with`): the advice, and the fix when the ORM can write it.
   */
  eagerLoad?(source: OrmSource, outer: HostQuery, query: HostQuery, column: string): { advice: string; fix?: OrmEdit } | undefined;
  /** commit-in-loop: how to write the items at once, in the ORM's calls; undefined: the driver's advice. */
  batchWriteAdvice?(kind: string, query: HostQuery, key?: { field: string; values: string }): string | undefined;
  /** commit-in-loop: why this ORM cannot write the loop's rows in one call (each item sets values of its own), as a note for the message. */
  rowWriteNote?(source: OrmSource, query: HostQuery, loop: LoopContext): string | undefined;
  /** commit-in-loop: the loop rewritten as one write of all items (Prisma's `createMany`). */
  batchWrite?(source: OrmSource, query: HostQuery, loop: LoopContext): OrmEdit | undefined;
  /** unpaginated-query: the limit in the ORM's own terms (Prisma's `take: 100`); undefined: `.limit(n)` where the chain allows. */
  limit?(source: OrmSource, query: HostQuery, limit: number): OrmEdit | undefined;
  /** unpaginated-query: how to paginate and how a job walks every row, in the ORM's terms. */
  paginationAdvice?(query: HostQuery): { page: string; walk?: string } | undefined;
}

/** Every ORM of TypeScript/JavaScript code (the list the ORM sessions fill in). */
export const TYPESCRIPT_ORMS: readonly TypeScriptOrm[] = [typeorm, drizzle, prisma];

/** The ORM that sent a query (`HostQuery.orm`). */
export function ormOf(query: { orm?: OrmId } | undefined): TypeScriptOrm | undefined {
  return query?.orm === undefined ? undefined : TYPESCRIPT_ORMS.find((o) => o.id === query.orm);
}

/** A file for the fix hooks, its tree parsed on the first ask (`file` picks the grammar; '' for TypeScript). */
export function ormSource(file: string, text: string, models?: readonly HostModel[]): OrmSource {
  let root: SyntaxNode | undefined | null = null;
  return {
    file,
    text,
    ...(models ? { models } : {}),
    root: () => {
      if (root === null) root = hostParser(hostGrammarOf(file) ?? 'typescript').parse(text)?.rootNode as unknown as SyntaxNode | undefined;
      return root;
    },
  };
}

/** Whether a file's text may declare a model of some ORM. */
export function mayDeclareOrmModels(text: string): boolean {
  return TYPESCRIPT_ORMS.some((orm) => orm.models !== undefined && (orm.mayDeclareModels?.(text) ?? true));
}

/** The models the file declares, every ORM's. */
export function ormModels(root: SyntaxNode, text: string, file: string, workspace?: readonly HostModel[]): HostModel[] {
  const out: HostModel[] = [];
  for (const orm of TYPESCRIPT_ORMS) {
    if (!orm.models || !(orm.mayDeclareModels?.(text) ?? true)) continue;
    for (const model of orm.models(root, text, file, workspace)) out.push(model.orm ? model : { ...model, orm: orm.id });
  }
  return out;
}

/** The workspace's models, resolved by each ORM in turn. */
export function resolveOrmModels(models: HostModel[]): HostModel[] {
  return TYPESCRIPT_ORMS.reduce((all, orm) => (orm.resolve ? orm.resolve(all) : all), models);
}

/** The query readers that may read a call of this file: those of the ORMs the workspace has models of (`models`: every ORM's), a reader's only source of tables. */
export function ormQueryReaders(text: string, models: readonly HostModel[]): ((node: SyntaxNode, text: string, context: QueryReaderContext) => BuiltQuery | undefined)[] {
  return TYPESCRIPT_ORMS.filter((orm) => orm.query && models.some((m) => m.orm === orm.id) && (orm.mayQuery?.(text, models) ?? true)).map((orm) => orm.query!.bind(orm));
}

/** The first ORM's index edit on the model declared at `origin` of the file. */
export function ormModelIndexEdits(source: OrmSource, origin: number, index: IndexDefinition, suggestion: IndexSuggestion): { className: string; edits: ExtraEdit[] } | undefined {
  for (const orm of TYPESCRIPT_ORMS) {
    if (!orm.modelIndexEdits || !(orm.mayDeclareModels?.(source.text) ?? true)) continue;
    const found = orm.modelIndexEdits(source, origin, index, suggestion);
    if (found) return found;
  }
  return undefined;
}
