/**
 * Shared pieces of the tool modules: does the tracking table exist, values
 * from either driver (pg Dates and bigint strings, SQLite text and numbers),
 * and the merge of the folder's files with the table's entries.
 */
import * as fs from 'node:fs';
import type { Migration } from '../../../core/catalog/types';
import type { DbDialect } from '../../types';
import type { StatusRow, ToolContext } from './types';

export async function tableExists(ctx: ToolContext, table: string): Promise<boolean> {
  const r =
    ctx.dialect === 'postgres'
      ? await ctx.run('SELECT to_regclass($1) IS NOT NULL AS found', [table])
      : await ctx.run("SELECT count(*) AS found FROM sqlite_master WHERE type = 'table' AND name = ?", [table]);
  const found = r.rows[0]?.found;
  return found === true || Number(found) > 0;
}

/** `$n` on PostgreSQL, `?n` on SQLite. */
export function param(dialect: DbDialect, n: number): string {
  return dialect === 'postgres' ? `$${n}` : `?${n}`;
}

/** A boolean literal both engines read (SQLite stores 1/0; its drivers cannot bind JS booleans). */
export function bool(dialect: DbDialect, value: boolean): string {
  return dialect === 'postgres' ? String(value).toUpperCase() : value ? '1' : '0';
}

export function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === '1' || value === 't' || value === 'true';
}

/**
 * An ISO time from a tracking column: pg gives Dates; SQLite gives
 * `YYYY-MM-DD HH:MM:SS` text in UTC (CURRENT_TIMESTAMP) or epoch milliseconds (knex).
 */
export function isoOf(value: unknown): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value)).toISOString();
  const text = String(value);
  const sqlite = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/.exec(text);
  const date = new Date(sqlite ? `${sqlite[1]}T${sqlite[2]}Z` : text);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function numberOf(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export function readBytes(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** What the tracking table says about one migration, keyed like the files. */
export interface Tracked {
  key: string;
  version: string;
  description: string;
  success: boolean;
  appliedAt?: string;
  executionMs?: number;
  checksum?: string;
}

export interface FileSide {
  key: string;
  migration: Migration;
  /** The file's checksum as the tool computes it (absent: the tool keeps none). */
  checksum?: string;
  /** How the tool compares (Prisma accepts line-ending variants); plain equality when absent. */
  matches?(recorded: string): boolean;
}

/**
 * Files and entries side by side: an entry without a file is `missing`, a
 * failed entry `failed`, a checksum that differs `modified`, else `applied`;
 * a file without an entry is `pending`. Missing rows go where their version
 * sorts, so the table reads in the tool's order.
 */
export function mergeStatuses(files: FileSide[], tracked: Map<string, Tracked>, compare: (a: string, b: string) => number): StatusRow[] {
  const rows: StatusRow[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    seen.add(f.key);
    const entry = tracked.get(f.key);
    const row: StatusRow = { version: f.migration.version, description: f.migration.description, file: f.migration.upFile, status: 'pending' };
    if (f.migration.downFile) row.downFile = f.migration.downFile;
    if (entry) {
      const same = entry.checksum === undefined || f.checksum === undefined || (f.matches ? f.matches(entry.checksum) : f.checksum === entry.checksum);
      row.status = !entry.success ? 'failed' : same ? 'applied' : 'modified';
      if (entry.appliedAt) row.appliedAt = entry.appliedAt;
      if (entry.executionMs !== undefined) row.executionMs = entry.executionMs;
    }
    if (f.checksum !== undefined || entry?.checksum !== undefined) row.checksum = { file: f.checksum, recorded: entry?.checksum };
    rows.push(row);
  }
  for (const entry of tracked.values()) {
    if (seen.has(entry.key)) continue;
    const row: StatusRow = { version: entry.version, description: entry.description, status: 'missing' };
    if (entry.appliedAt) row.appliedAt = entry.appliedAt;
    if (entry.executionMs !== undefined) row.executionMs = entry.executionMs;
    if (entry.checksum !== undefined) row.checksum = { recorded: entry.checksum };
    rows.push(row);
  }
  return rows.sort((a, b) => compare(a.version, b.version));
}
