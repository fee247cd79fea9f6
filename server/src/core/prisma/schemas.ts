/**
 * The Prisma schemas of a workspace, each read by Prisma's parser as a whole:
 * a schema.prisma on its own, or a schema folder (`prismaSchemaFolder`,
 * `prisma/schema/*.prisma`) whose files relate models across each other. A
 * file belongs to the schema of the nearest folder, its own or above, whose
 * .prisma files hold the `datasource` block; without one, to its own folder's.
 *
 * Each file becomes a ParsedDocument like a host file's: one schema-changing
 * statement per model it declares (models.ts) and Prisma's errors as its
 * syntax errors, so a broken schema shows Prisma's message where Prisma
 * points. Results are kept per schema until one of its files changes.
 */
import * as path from 'node:path';
import type { Dialect } from '../../../../shared/types';
import type { HostModel } from '../host/types';
import type { ParsedDocument } from '../sql/model';
import { datasourceProperty, locateBlocks } from './locate';
import { prismaModels } from './models';
import { readPrismaSchema, type PrismaFile } from './parser';
import { dialectOfProvider } from './types';

export interface PrismaFileSchema {
  document: ParsedDocument;
  /** The models the file declares (with their schema changes). */
  models: HostModel[];
}

/** Whether a file is a Prisma schema file. */
export function isPrismaSchema(file: string): boolean {
  return file.toLowerCase().endsWith('.prisma');
}

const DATASOURCE = /^[ \t]*datasource[ \t]+\w+[ \t]*\{/m;

interface ReadGroup {
  key: string;
  provider?: string;
  files: Map<string, PrismaFileSchema>;
}

export class PrismaSchemas {
  private readonly read = new Map<string, ReadGroup>();

  /** What `file` declares, read with the other files of its schema (`all`: every .prisma file of the workspace). */
  of(file: string, all: PrismaFile[], fallback: Dialect): PrismaFileSchema | undefined {
    return this.group(file, all, fallback)?.files.get(file);
  }

  /** The dialect the workspace's schemas' datasources name (the first that names one). */
  dialect(all: PrismaFile[], fallback: Dialect): Dialect | undefined {
    for (const file of all) {
      const dialect = dialectOfProvider(this.group(file.file, all, fallback)?.provider);
      if (dialect) return dialect;
    }
    return undefined;
  }

  private group(file: string, all: PrismaFile[], fallback: Dialect): ReadGroup | undefined {
    const root = schemaRoot(file, all);
    const files = all.filter((f) => schemaRoot(f.file, all) === root);
    if (!files.some((f) => f.file === file)) return undefined;
    const key = JSON.stringify(files.map((f) => [f.file, f.text]));
    const known = this.read.get(root);
    if (known?.key === key) return known;
    const group = readGroup(files, fallback, key);
    this.read.set(root, group);
    return group;
  }
}

/** The folder whose schema `file` belongs to (see above). */
function schemaRoot(file: string, all: PrismaFile[]): string {
  const roots = new Set(all.filter((f) => DATASOURCE.test(f.text)).map((f) => path.dirname(f.file)));
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (roots.has(dir)) return dir;
    if (path.dirname(dir) === dir) return path.dirname(file);
  }
}

function readGroup(files: PrismaFile[], fallback: Dialect, key: string): ReadGroup {
  const read = readPrismaSchema(files);
  const dialect = dialectOfProvider(read.provider) ?? fallback;
  const out = new Map<string, PrismaFileSchema>();
  for (const f of files) out.set(f.file, { document: { dialect, statements: [], errors: [], metaCommands: [] }, models: [] });
  for (const error of read.errors) out.get(error.file)?.document.errors.push({ message: error.message, span: error.span });
  // MongoDB and SQL Server hold no SQL QueryLens reads: their models make no tables.
  if (read.datamodel && (read.provider === undefined || dialectOfProvider(read.provider))) {
    const blocks = files.flatMap((f) => locateBlocks(f.text).map((block) => ({ file: f.file, block })));
    const relationMode = files.map((f) => datasourceProperty(f.text, 'relationMode') ?? datasourceProperty(f.text, 'referentialIntegrity')).find((mode) => mode !== undefined);
    // relationJoins exists on PostgreSQL, CockroachDB and MySQL; on SQLite Prisma Client always sends a query per relation.
    const relationJoins = !!read.previewFeatures?.includes('relationJoins') && dialect !== 'sqlite';
    for (const { file, model } of prismaModels(read.datamodel, dialect, blocks, { foreignKeys: relationMode !== 'prisma', relationJoins })) {
      const entry = out.get(file);
      if (!entry) continue;
      const text = files.find((f) => f.file === file)!.text;
      entry.models.push(model);
      entry.document.statements.push({ kind: 'create_table', span: model.span, text: text.slice(model.span.start, model.span.end), changes: model.changes, inTransaction: false });
    }
    for (const entry of out.values()) entry.document.statements.sort((a, b) => a.span.start - b.span.start);
  }
  return { key, ...(read.provider ? { provider: read.provider } : {}), files: out };
}
