/**
 * Prisma's own schema parser: `@prisma/prisma-schema-wasm`, the prisma-fmt
 * engine compiled to WebAssembly (what the Prisma CLI and its language server
 * run). QueryLens asks it for diagnostics (`lint`), the data model
 * (`get_datamodel`, the DMMF's models, enums and indexes with database names)
 * and the datasource (`get_config`); it never reads the grammar itself.
 *
 * The package is loaded on first use (it compiles 3 MB of WebAssembly), from
 * `__dirname`: in the bundle that is dist/, where esbuild.mjs copies its .wasm.
 *
 * The engine is Prisma 7's: it rejects the datasource's `url`, `directUrl` and
 * `shadowDatabaseUrl` (moved to prisma.config.ts), which every Prisma 5 and 6
 * schema has. Those properties say nothing of the tables, so their lines are
 * blanked before the schema is read. So are the preview features it no longer
 * knows (`metrics` in langfuse's and trigger.dev's schemas): valid for the Prisma
 * the project runs, and no table depends on them. Every other error is the user's,
 * reported with Prisma's message and range. The data model is asked for
 * first (one call for a valid schema); only a schema it rejects is linted.
 */
import type * as PrismaSchemaWasm from '@prisma/prisma-schema-wasm';
import type { Span } from '../sql/model';
import { withoutDatasourceProperties, withoutIgnore, withoutPreviewFeatures } from './locate';

/** One file of a schema (a single schema.prisma, or the files of a `prismaSchemaFolder`). */
export interface PrismaFile {
  /** Absolute path. */
  file: string;
  text: string;
}

export interface PrismaDiagnostic {
  file: string;
  /** UTF-16 offsets into that file's text. */
  span: Span;
  message: string;
}

/** The parts of Prisma's DMMF datamodel QueryLens reads (`get_datamodel`). */
export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  type: string;
  /** `@db.VarChar(200)` → ['VarChar', ['200']]. */
  nativeType?: [string, string[]] | null;
  default?: unknown;
  /** `@updatedAt`: Prisma's engine sets it on every write. */
  isUpdatedAt?: boolean;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  schema?: string | null;
  fields: DmmfField[];
  primaryKey: { name: string | null; fields: string[] } | null;
}

export interface DmmfIndexField {
  name: string;
  sortOrder?: 'asc' | 'desc';
  operatorClass?: string;
}

export interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  isDefinedOnField: boolean;
  /** `map:`, when given. */
  dbName?: string;
  /** `type:` (Hash, Gin, Gist, SpGist, Brin, BTree), when given. */
  algorithm?: string;
  fields: DmmfIndexField[];
}

export interface DmmfEnum {
  name: string;
  dbName: string | null;
  values: { name: string; dbName: string | null }[];
}

export interface Datamodel {
  models: DmmfModel[];
  enums: DmmfEnum[];
  indexes: DmmfIndex[];
}

export interface ReadSchema {
  /** The datasource's provider (`postgresql`, `sqlite`, `mysql`, ...); undefined without a datasource. */
  provider?: string;
  /** Undefined when the schema has errors. */
  datamodel?: Datamodel;
  /** The preview features its generators enable (`relationJoins`, ...). */
  previewFeatures?: string[];
  errors: PrismaDiagnostic[];
}

/** What `get_config` answers: a schema's datasource and generators (the known preview features only), and its errors. */
interface PrismaConfig {
  config?: { datasources?: { provider?: string; activeProvider?: string }[]; generators?: { previewFeatures?: string[] }[] };
  errors?: { message?: string }[];
}

/** `get_config`'s error for a preview feature this engine does not know (see `withoutPreviewFeatures`). */
const UNKNOWN_PREVIEW_FEATURE = /The preview feature "([^"]+)" is not known/g;

/** The datasource properties Prisma 7 moved to prisma.config.ts (see above). */
const MOVED_PROPERTIES = ['url', 'directUrl', 'shadowDatabaseUrl'];

let engine: typeof PrismaSchemaWasm | undefined;
/** Set when the engine panicked: its memory may be corrupt, so it is not called again. */
let broken: string | undefined;

function prismaEngine(): typeof PrismaSchemaWasm {
  if (!engine) {
    // The engine reports a Rust panic through this global before it throws.
    const registry = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
    registry.PRISMA_WASM_PANIC_REGISTRY ??= { set_message: (message: string) => (broken = message) };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    engine = require('@prisma/prisma-schema-wasm') as typeof PrismaSchemaWasm;
  }
  return engine;
}

interface LintDiagnostic {
  file_name: string;
  start: number;
  end: number;
  text: string;
  is_warning: boolean;
}

/**
 * Reads one Prisma schema (all its files at once: models may relate across
 * files). Never throws: a schema Prisma rejects, or an engine that failed,
 * comes back as errors.
 */
export function readPrismaSchema(files: PrismaFile[]): ReadSchema {
  if (broken) return { errors: [engineError(files, broken)] };
  let texts = files.map((f) => ({ file: f.file, text: withoutDatasourceProperties(f.text, MOVED_PROPERTIES) }));
  let prisma: typeof PrismaSchemaWasm;
  try {
    prisma = prismaEngine();
  } catch (error) {
    return { errors: [engineError(files, firstLine(error))] };
  }
  try {
    const config = JSON.parse(prisma.get_config(JSON.stringify({ prismaSchema: texts.map((f) => [f.file, f.text]) }))) as PrismaConfig;
    const unknown = new Set((config.errors ?? []).flatMap((e) => [...(e.message ?? '').matchAll(UNKNOWN_PREVIEW_FEATURE)].map((m) => m[1]!)));
    if (unknown.size > 0) texts = texts.map((f) => ({ file: f.file, text: withoutPreviewFeatures(f.text, unknown) }));
    // Ignored fields and models are tables and columns Migrate creates: read without `@ignore`
    // first, and as written when only the attribute made the schema valid (a model without id).
    const unignored = texts.map((f) => ({ file: f.file, text: withoutIgnore(f.text) }));
    const datamodel = (unignored.some((f, i) => f.text !== texts[i]!.text) && datamodelOf(prisma, unignored)) || datamodelOf(prisma, texts, true)!;
    const source = config.config?.datasources?.[0];
    const provider = source?.activeProvider ?? source?.provider;
    const previewFeatures = [...new Set((config.config?.generators ?? []).flatMap((g) => g.previewFeatures ?? []))];
    return { ...(provider ? { provider } : {}), datamodel, ...(previewFeatures.length ? { previewFeatures } : {}), errors: [] };
  } catch (error) {
    // The schema has errors (or the engine failed): `lint` says where, in each file.
    if (broken) return { errors: [engineError(files, broken)] };
    try {
      const lint = JSON.parse(prisma.lint(JSON.stringify(texts.map((f) => [f.file, f.text])))) as LintDiagnostic[];
      const errors = lint.filter((d) => !d.is_warning).map((d) => toDiagnostic(files, d));
      return { errors: errors.length > 0 ? errors : [engineError(files, firstLine(error))] };
    } catch (lintError) {
      return { errors: [engineError(files, broken ?? firstLine(lintError))] };
    }
  }
}

/** The data model of a schema; undefined when Prisma rejects it, unless `rethrow`. */
function datamodelOf(prisma: typeof PrismaSchemaWasm, texts: PrismaFile[], rethrow = false): Datamodel | undefined {
  try {
    return JSON.parse(prisma.get_datamodel(JSON.stringify({ prismaSchema: texts.map((f) => [f.file, f.text]) }))) as Datamodel;
  } catch (error) {
    if (rethrow || broken) throw error;
    return undefined;
  }
}

function toDiagnostic(files: PrismaFile[], d: LintDiagnostic): PrismaDiagnostic {
  const file = files.find((f) => f.file === d.file_name) ?? files[0]!;
  return { file: file.file, span: utf16Span(file.text, d.start, d.end), message: `Prisma schema: ${d.text}` };
}

function engineError(files: PrismaFile[], message: string): PrismaDiagnostic {
  return { file: files[0]!.file, span: { start: 0, end: 0 }, message: `Prisma's schema parser failed: ${message}` };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/** The engine counts characters (Unicode scalar values); spans count UTF-16 units. */
function utf16Span(text: string, start: number, end: number): Span {
  let units = 0;
  let chars = 0;
  let from = -1;
  for (const ch of text) {
    if (chars === start) from = units;
    if (chars === end) return { start: from, end: units };
    units += ch.length;
    chars++;
  }
  return { start: from < 0 ? text.length : from, end: text.length };
}
