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
import type { ExtraEdit } from '../adapter';
import { hostGrammarOf, hostParser, type SyntaxNode } from '../treesitter';
import type { HostModel, OrmId } from '../types';
import type { BuiltQuery } from './builders';
import { typeorm } from '../../orm/typeorm';
import { drizzle } from '../../orm/drizzle';
import { mayQueryPrisma, prismaQuery } from '../../prisma/client';

/** What a query reader knows besides the call: the workspace's models (every ORM's), the file. */
export interface QueryReaderContext {
  models: readonly HostModel[];
  file: string;
}

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
  /** The missing-index fix on the model whose declaration starts at `origin` (TypeORM's `@Index([...])`, Drizzle's `index().on()`). */
  modelIndexEdits?(root: SyntaxNode, text: string, origin: number, index: { name: string; columns: string[]; method?: string; opclass?: string }): { className: string; edits: ExtraEdit[] } | undefined;
  /** n-plus-one: the loop's query (`span`, its key predicate `keySpan` fed by `keyExpression`) as one query over the keys in `keys`, assigned to `rows`. */
  batchQuery?(root: SyntaxNode, text: string, query: { span: { start: number; end: number }; keySpan: { start: number; end: number }; keyExpression: string; loopTargets: string[] }, keys: string, rows: string): { statement: string; importEdit?: ExtraEdit } | undefined;
  /** commit-in-loop: why this ORM cannot write the loop's rows in one call (each item sets values of its own), as a note for the message. */
  rowWriteNote?(root: SyntaxNode, query: { span: { start: number; end: number }; statementKind: string }, loop: { targets: string[]; span: { start: number; end: number } }): string | undefined;
  /** A cheap test of a file's text: false means no call of the file is one of this ORM's queries. */
  mayQuery?(text: string): boolean;
  /** One call chain, offered whole (its `await` included, as builders.ts's `builderQuery`) → the query it sends. */
  query?(node: SyntaxNode, text: string, context: QueryReaderContext): BuiltQuery | undefined;
}

/** Every ORM of TypeScript/JavaScript code (the list the ORM sessions fill in). */
export const TYPESCRIPT_ORMS: readonly TypeScriptOrm[] = [
  typeorm,
  drizzle,
  // Prisma's models come from schema.prisma (core/prisma/schemas.ts), not from code.
  { id: 'prisma', mayQuery: mayQueryPrisma, query: prismaQuery },
];

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

/** The query readers that may read a call of this file. */
export function ormQueryReaders(text: string): ((node: SyntaxNode, text: string, context: QueryReaderContext) => BuiltQuery | undefined)[] {
  return TYPESCRIPT_ORMS.filter((orm) => orm.query && (orm.mayQuery?.(text) ?? true)).map((orm) => orm.query!.bind(orm));
}

/** The first ORM's index edit on the model declared at `origin` of a file (`file` picks the grammar). */
export function ormModelIndexEdits(file: string, text: string, origin: number, index: { name: string; columns: string[]; method?: string; opclass?: string }): { className: string; edits: ExtraEdit[] } | undefined {
  const orms = TYPESCRIPT_ORMS.filter((orm) => orm.modelIndexEdits && (orm.mayDeclareModels?.(text) ?? true));
  if (orms.length === 0) return undefined;
  const root = hostParser(hostGrammarOf(file) ?? 'typescript').parse(text)?.rootNode as unknown as SyntaxNode | undefined;
  if (!root) return undefined;
  for (const orm of orms) {
    const found = orm.modelIndexEdits!(root, text, origin, index);
    if (found) return found;
  }
  return undefined;
}

/** The first ORM's batched form of a query run per row (n-plus-one). */
export function ormBatchQuery(text: string, query: { span: { start: number; end: number }; keySpan: { start: number; end: number }; keyExpression: string; loopTargets: string[] }, keys: string, rows: string): { statement: string; importEdit?: ExtraEdit } | undefined {
  const orms = TYPESCRIPT_ORMS.filter((orm) => orm.batchQuery && (orm.mayQuery?.(text) ?? true));
  if (orms.length === 0) return undefined;
  const root = hostParser('typescript').parse(text)?.rootNode as unknown as SyntaxNode | undefined;
  if (!root) return undefined;
  for (const orm of orms) {
    const built = orm.batchQuery!(root, text, query, keys, rows);
    if (built) return built;
  }
  return undefined;
}

/** commit-in-loop: the note of the ORM that sent a write run per item, on why one call cannot write all items (`TypeScriptOrm.rowWriteNote`). */
export function ormRowWriteNote(file: string, text: string, query: { span: { start: number; end: number }; statementKind: string; orm?: OrmId }, loop: { targets: string[]; span: { start: number; end: number } }): string | undefined {
  const orm = TYPESCRIPT_ORMS.find((o) => o.id === query.orm && o.rowWriteNote);
  if (!orm) return undefined;
  const root = hostParser(hostGrammarOf(file) ?? 'typescript').parse(text)?.rootNode as unknown as SyntaxNode | undefined;
  return root ? orm.rowWriteNote!(root, query, loop) : undefined;
}
