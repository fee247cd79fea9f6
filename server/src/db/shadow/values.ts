/**
 * What a column of the shadow database holds: its type family (from the
 * declared type), and SQL expressions of the row ordinal for distinct values
 * (keys) and for realistic random values (everything else).
 *
 * Realistic means what makes the planner choose as it would in production:
 * low-cardinality columns where the name says so (status, role, kind ...),
 * `*_id` columns shared by several rows, timestamps spread over the past year,
 * nullable columns mostly filled.
 */
import type { ShadowDialect } from './types';
import { below, draw, type Stream } from './random';

export type TypeFamily =
  | 'int'
  | 'serial'
  | 'numeric'
  | 'boolean'
  | 'text'
  | 'uuid'
  | 'timestamp'
  | 'date'
  | 'time'
  | 'interval'
  | 'json'
  | 'bytes'
  | 'array'
  | 'inet'
  | 'vector'
  | 'other';

export interface ColumnType {
  family: TypeFamily;
  /** Maximum characters of a varchar(n)/char(n). */
  maxLength?: number;
  /** pgvector's `vector(n)` / `halfvec(n)`: the type and its dimension. */
  vector?: 'vector' | 'halfvec';
  dimension?: number;
}

const SERIALS = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);
const INTS = new Set(['int', 'int2', 'int4', 'int8', 'integer', 'smallint', 'bigint', 'tinyint', 'mediumint']);

/** The family of a declared type (`VARCHAR(32)`, `timestamptz`, `sa.Integer` → integer ...). */
export function columnType(declared: string): ColumnType {
  const type = declared.trim().toLowerCase();
  if (type.endsWith(']')) return { family: 'array' };
  const base = type.replace(/\(.*$/, '').trim();
  const length = /\(\s*(\d+)\s*\)/.exec(type);
  if (SERIALS.has(base)) return { family: 'serial' };
  if (INTS.has(base) || base.startsWith('unsigned')) return { family: 'int' };
  if (['numeric', 'decimal', 'real', 'float', 'float4', 'float8', 'double precision', 'double', 'money'].includes(base)) return { family: 'numeric' };
  if (base === 'boolean' || base === 'bool') return { family: 'boolean' };
  if (base === 'uuid') return { family: 'uuid' };
  if (base.startsWith('timestamp') || base === 'datetime' || base === 'timestamptz') return { family: 'timestamp' };
  if (base === 'date') return { family: 'date' };
  if (base.startsWith('time')) return { family: 'time' };
  if (base === 'interval') return { family: 'interval' };
  if (base === 'json' || base === 'jsonb') return { family: 'json' };
  if (base === 'bytea' || base === 'blob') return { family: 'bytes' };
  if (base === 'inet' || base === 'cidr') return { family: 'inet' };
  if (base === 'vector' || base === 'halfvec') return { family: 'vector', vector: base, ...(length ? { dimension: Number(length[1]) } : {}) };
  if (['text', 'varchar', 'character varying', 'char', 'character', 'nchar', 'nvarchar', 'citext', 'name', 'string', 'clob', 'bpchar'].includes(base)) {
    return length ? { family: 'text', maxLength: Number(length[1]) } : { family: 'text' };
  }
  // SQLite's affinity rules, for whatever else a SQLite schema declares.
  if (base.includes('int')) return { family: 'int' };
  if (base.includes('char') || base.includes('text') || base.includes('clob')) return { family: 'text' };
  if (base.includes('real') || base.includes('floa') || base.includes('doub')) return { family: 'numeric' };
  return { family: 'other' };
}

/** Values a column's name says it takes few of. Text lists; integer columns get 1..5. */
const LOW_CARDINALITY: [RegExp, string[]][] = [
  [/(^|_)(status|state)$/, ['active', 'pending', 'running', 'done', 'failed', 'archived']],
  [/(^|_)role$/, ['user', 'assistant', 'system', 'tool']],
  [/(^|_)(priority|severity|level|tier)$/, ['low', 'normal', 'high', 'urgent']],
  [/(^|_)(kind|type|category|stage|phase|mode|channel|source|provider|plan)$/, ['alpha', 'beta', 'gamma', 'delta', 'epsilon']],
  [/(^|_)(locale|language|lang)$/, ['en', 'fr', 'de', 'es', 'ja']],
  [/(^|_)country(_code)?$/, ['US', 'GB', 'FR', 'DE', 'JP', 'BR']],
  [/(^|_)currency$/, ['USD', 'EUR', 'GBP', 'JPY']],
];

export function lowCardinalityValues(column: string): string[] | undefined {
  const name = column.toLowerCase();
  return LOW_CARDINALITY.find(([re]) => re.test(name))?.[1];
}

/** Columns usually empty: a soft-delete or archive marker. */
function mostlyNull(column: string): boolean {
  return /(^|_)(deleted|archived|removed|cancel+ed)_(at|on)$/.test(column.toLowerCase());
}

export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Cuts a text expression to a varchar's length. */
function fit(expr: string, type: ColumnType, longest: number, dialect: ShadowDialect): string {
  if (type.maxLength === undefined || longest <= type.maxLength) return expr;
  return dialect === 'postgres' ? `left(${expr}, ${type.maxLength})` : `substr(${expr}, 1, ${type.maxLength})`;
}

/** A text prefix short enough that `prefix_<number up to max>` fits the column. */
function prefixFor(column: string, type: ColumnType, max: number): string {
  const digits = String(Math.max(1, max)).length;
  if (type.maxLength === undefined) return `${column}_`;
  const room = type.maxLength - digits - 1;
  return room > 0 ? `${column.slice(0, room)}_` : '';
}

function uuidOf(number: string, salt: Stream, dialect: ShadowDialect): string {
  if (dialect === 'postgres') return `md5('${salt.offset}:' || (${number}))::uuid`;
  // Random-looking leading digits (so index order is not insertion order), the number itself last (so it is distinct).
  return `printf('%08x-0000-4000-8000-%012x', ${draw(salt, number)}, ${number})`;
}

export interface ValueContext {
  dialect: ShadowDialect;
  column: string;
  type: ColumnType;
  /** Rows of the table. */
  rows: number;
  /** The stream of this column. */
  stream: Stream;
}

/**
 * A value distinct for each `number` (an SQL integer expression ≥ 1): keys,
 * unique columns, and the parent keys foreign keys point at. Undefined when
 * the type cannot hold that many distinct values (boolean).
 */
export function distinctValue(ctx: ValueContext, number: string): string | undefined {
  const { dialect, type } = ctx;
  switch (type.family) {
    case 'int':
    case 'serial':
    case 'numeric':
      return `(${number})`;
    case 'text':
    case 'other': {
      const prefix = prefixFor(ctx.column, type, ctx.rows);
      if (type.maxLength !== undefined && String(ctx.rows).length + prefix.length > type.maxLength) return undefined;
      return prefix ? `${literal(prefix)} || (${number})` : `'' || (${number})`;
    }
    case 'uuid':
      return uuidOf(number, ctx.stream, dialect);
    case 'timestamp':
      return dialect === 'postgres' ? `(now() - (${number}) * interval '1 second')` : `datetime('now', '-' || (${number}) || ' seconds')`;
    case 'date':
      return dialect === 'postgres' ? `(current_date - (${number})::int)` : `date('now', '-' || (${number}) || ' days')`;
    case 'json':
      return `'{"n":' || (${number}) || '}'`;
    default:
      return undefined;
  }
}

/** A realistic random value for the row `ordinal`, NULL for some rows of a nullable column. */
export function randomValue(ctx: ValueContext, ordinal: string, nullable: boolean): string {
  const value = nonNullValue(ctx, ordinal);
  if (!nullable) return value;
  const nulls = { multiplier: ctx.stream.offset % 1000 + 48271, offset: ctx.stream.multiplier % 1000 };
  // Nullable columns are mostly filled (1 row in 10 NULL); soft-delete markers mostly empty.
  const test = mostlyNull(ctx.column) ? `${below(nulls, ordinal, 20)} <> 0` : `${below(nulls, ordinal, 10)} = 0`;
  return `CASE WHEN ${test} THEN NULL ELSE ${value} END`;
}

function nonNullValue(ctx: ValueContext, ordinal: string): string {
  const { dialect, type, column, rows, stream: s } = ctx;
  const choices = lowCardinalityValues(column);
  const isId = /(^|_)id$/i.test(column) || /_ids?$/i.test(column);
  // `*_id` columns without a foreign key still name shared things (tenants, users): ~10 rows each.
  const idGroups = Math.max(1, Math.floor(rows / 10));
  switch (type.family) {
    case 'int':
    case 'serial':
      if (choices) return `(1 + ${below(s, ordinal, 5)})`;
      return isId ? `(1 + ${below(s, ordinal, idGroups)})` : below(s, ordinal, 1000);
    case 'numeric':
      return `(${below(s, ordinal, 100000)} / 100.0)`;
    case 'boolean':
      return dialect === 'postgres' ? `(${below(s, ordinal, 2)} = 0)` : below(s, ordinal, 2);
    case 'uuid':
      return uuidOf(`(1 + ${below(s, ordinal, isId ? idGroups : rows)})`, s, dialect);
    case 'timestamp': {
      const seconds = below(s, ordinal, 365 * 86400);
      return dialect === 'postgres' ? `(now() - ${seconds} * interval '1 second')` : `datetime('now', '-' || ${seconds} || ' seconds')`;
    }
    case 'date':
      return dialect === 'postgres' ? `(current_date - ${below(s, ordinal, 365)}::int)` : `date('now', '-' || ${below(s, ordinal, 365)} || ' days')`;
    case 'time':
      return dialect === 'postgres' ? `(time '00:00' + ${below(s, ordinal, 86400)} * interval '1 second')` : `time(${below(s, ordinal, 86400)}, 'unixepoch')`;
    case 'interval':
      return `(${below(s, ordinal, 86400)} * interval '1 second')`;
    case 'json':
      return `'{}'`;
    case 'bytes':
      return dialect === 'postgres' ? `'\\x00'::bytea` : `X'00'`;
    case 'array':
      return `'{}'`;
    case 'vector':
      return vectorValue(ctx, ordinal);
    case 'inet':
      return `('10.0.' || ${below(s, ordinal, 250)} || '.' || ${below(s, ordinal, 250)})::inet`;
    case 'text':
    case 'other': {
      if (choices) {
        const arms = choices.map((v, i) => `WHEN ${i} THEN ${literal(type.maxLength ? v.slice(0, type.maxLength) : v)}`).join(' ');
        return `CASE ${below(s, ordinal, choices.length)} ${arms} END`;
      }
      const spread = isId ? idGroups : rows;
      const prefix = prefixFor(column, type, spread);
      return fit(`${literal(prefix)} || ${below(s, ordinal, spread)}`, type, prefix.length + String(spread).length, dialect);
    }
  }
}

/**
 * A pseudo-random vector of the column's dimension, components in [-1, 1]:
 * one draw per (row, component), so rows differ in every component as real
 * embeddings do and an HNSW or IVFFlat index built on them has a graph (or
 * lists) to walk. Computed in real arithmetic, cast to the column's type.
 */
function vectorValue(ctx: ValueContext, ordinal: string): string {
  // A column declared without a dimension holds vectors of any one length: 16 will do.
  const dimension = ctx.type.dimension ?? 16;
  if (ctx.dialect !== 'postgres') return literal('[]');
  const component = draw(ctx.stream, `(${ordinal}) * ${dimension} + d`);
  return `(SELECT array_agg((${component} % 2001 - 1000)::real / 1000 ORDER BY d) FROM generate_series(1, ${dimension}) AS d)::${ctx.type.vector ?? 'vector'}(${dimension})`;
}
