/**
 * The column type Prisma Migrate gives a field, per datasource provider, as
 * the SQL core's catalog spells types (lower case, like the CREATE TABLE
 * `prisma migrate diff` writes, read back): Prisma's documented scalar mapping
 * (https://www.prisma.io/docs/orm/reference/prisma-schema-reference#model-field-scalar-types),
 * `@db.*` native types as written, `Unsupported("...")` as its text.
 */
import type { Dialect } from '../../../../shared/types';
import type { DmmfEnum, DmmfField } from './parser';

/** The SQL dialect of a datasource provider; undefined for the ones without SQL QueryLens reads (MongoDB, SQL Server). */
export function dialectOfProvider(provider: string | undefined): Dialect | undefined {
  switch (provider) {
    case 'postgresql':
    case 'postgres':
    case 'cockroachdb':
      return 'postgres';
    case 'sqlite':
      return 'sqlite';
    case 'mysql':
      return 'mysql';
    default:
      return undefined;
  }
}

const SCALARS: Record<Dialect, Record<string, string>> = {
  postgres: { String: 'text', Boolean: 'boolean', Int: 'integer', BigInt: 'bigint', Float: 'double precision', Decimal: 'decimal(65,30)', DateTime: 'timestamp(3)', Json: 'jsonb', Bytes: 'bytea' },
  sqlite: { String: 'text', Boolean: 'boolean', Int: 'integer', BigInt: 'bigint', Float: 'real', Decimal: 'decimal', DateTime: 'datetime', Json: 'jsonb', Bytes: 'blob' },
  mysql: { String: 'varchar(191)', Boolean: 'boolean', Int: 'integer', BigInt: 'bigint', Float: 'double', Decimal: 'decimal(65, 30)', DateTime: 'datetime(3)', Json: 'json', Bytes: 'longblob' },
};

/** Native type names whose SQL is not the name in lower case. */
const NATIVE_NAMES: Record<string, string> = {
  DoublePrecision: 'double precision',
  UnsignedInt: 'int unsigned',
  UnsignedSmallInt: 'smallint unsigned',
  UnsignedTinyInt: 'tinyint unsigned',
  UnsignedMediumInt: 'mediumint unsigned',
  UnsignedBigInt: 'bigint unsigned',
};

/** PostgreSQL: `@default(autoincrement())` makes a serial column of the integer's width. */
const SERIALS: Record<string, string> = { integer: 'serial', bigint: 'bigserial', smallint: 'smallserial' };

export function columnType(field: DmmfField, dialect: Dialect, enums: DmmfEnum[]): string {
  const base = baseType(field, dialect, enums);
  const autoincrement = (field.default as { name?: string } | undefined)?.name === 'autoincrement';
  const type = autoincrement && dialect === 'postgres' ? (SERIALS[base] ?? base) : base;
  return field.isList ? `${type}[]` : type;
}

function baseType(field: DmmfField, dialect: Dialect, enums: DmmfEnum[]): string {
  if (field.nativeType) {
    const [name, args] = field.nativeType;
    const sql = NATIVE_NAMES[name] ?? name.toLowerCase();
    return args.length > 0 ? `${sql}(${args.join(dialect === 'mysql' ? ', ' : ',')})` : sql;
  }
  if (field.kind === 'enum') {
    const declared = enums.find((e) => e.name === field.type);
    const name = declared?.dbName ?? field.type;
    if (dialect === 'postgres') return `"${name}"`.toLowerCase();
    if (dialect === 'mysql') return `enum(${(declared?.values ?? []).map((v) => `'${v.dbName ?? v.name}'`).join(', ')})`.toLowerCase();
    return 'text';
  }
  return SCALARS[dialect][field.type] ?? field.type.toLowerCase();
}
