/**
 * Drizzle's `casing` option: `drizzle({ client, casing: 'snake_case' })` (or
 * `drizzle(client, { casing })`) maps the key of every column written without
 * a name (`createdAt: timestamp()`) to `created_at` in the SQL it sends, and
 * drizzle-kit's `defineConfig({ casing: 'snake_case' })` does the same in the
 * migrations it generates. A schema file does not show it: the file that
 * configures it says so with a marker entry (no table, `casing` set), and
 * once the workspace's models are known every Drizzle column its key names
 * (`ModelField.keyAsName`) is renamed, as are its keys, constraints, and the
 * names drizzle-kit derives from columns (`<table>_<columns>_index`,
 * `<table>_<column>_unique`, `<table>_<columns>_<ref>_<refColumns>_fk`).
 * drizzle-orm's own conversions (drizzle-orm/casing.js) are copied below.
 */
import type { SchemaChange } from '../../sql/model';
import type { SyntaxNode } from '../../host/treesitter';
import type { HostModel, ModelField } from '../../host/types';
import { fileLibraries } from '../../host/typescript/libraries';
import { argsOf, plainString, unwrap } from '../../host/typescript/syntax';
import { withRelations } from './relations';

const WORDS = /[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+/g;

/** drizzle-orm's `toSnakeCase`: `createdAt` → `created_at`, `userID` → `user_id`. */
export function toSnakeCase(input: string): string {
  return (input.replace(/['\u2019]/g, '').match(WORDS) ?? []).map((w) => w.toLowerCase()).join('_');
}

/** drizzle-orm's `toCamelCase`: `created_at` → `createdAt`. */
export function toCamelCase(input: string): string {
  const words = input.replace(/['\u2019]/g, '').match(WORDS) ?? [];
  return words.reduce((acc, w, i) => acc + (i === 0 ? w.toLowerCase() : `${w[0]!.toUpperCase()}${w.slice(1)}`), '');
}

/** A cheap test: the file may set Drizzle's casing. */
export function maySetDrizzleCasing(text: string): boolean {
  return /\bcasing\s*:/.test(text) && /['"]drizzle-(orm|kit)[/'"]/.test(text);
}

/**
 * `casing: 'snake_case' | 'camelCase'` in the options of drizzle-orm's
 * `drizzle(...)` or drizzle-kit's `defineConfig(...)`: a marker entry.
 */
export function drizzleCasingMarkers(root: SyntaxNode): HostModel[] {
  const libraries = fileLibraries(root);
  const drizzleKit = root.descendantsOfType('import_statement').some((s) => plainString(s.childForFieldName('source')) === 'drizzle-kit');
  for (const call of root.descendantsOfType('call_expression')) {
    const fn = unwrap(call.childForFieldName('function')!);
    if (fn.type !== 'identifier') continue;
    const ours = (fn.text === 'drizzle' && libraries.names.get('drizzle')?.library === 'drizzle') || (fn.text === 'defineConfig' && drizzleKit);
    if (!ours) continue;
    for (const arg of argsOf(call)) {
      const options = unwrap(arg);
      if (options.type !== 'object') continue;
      const pair = options.namedChildren.find((p) => p.type === 'pair' && p.childForFieldName('key')?.text.replace(/['"]/g, '') === 'casing');
      const value = plainString(pair?.childForFieldName('value') ?? undefined);
      if (value === 'snake_case' || value === 'camelCase') {
        return [{ className: '', table: '', span: { start: pair!.startIndex, end: pair!.endIndex }, changes: [], relationships: [], orm: 'drizzle', casing: value }];
      }
    }
  }
  return [];
}

/**
 * The workspace's Drizzle tables once all are known: the casing applied, then
 * the relations of `relations()` (relations.ts) added; the markers and the
 * relation entries leave the list.
 */
export function resolveDrizzleModels(models: HostModel[]): HostModel[] {
  const own = models.filter((m) => m.orm === 'drizzle');
  if (own.length === 0) return models;
  const casing = own.find((m) => m.casing)?.casing;
  const tables = own.filter((m) => m.table !== '');
  const entries = own.filter((m) => m.table === '' && !m.casing && m.className !== '');
  const resolved = withRelations(casing ? casedTables(tables, casing) : tables, entries);
  if (resolved === tables && own.length === tables.length) return models;
  return [...models.filter((m) => m.orm !== 'drizzle'), ...resolved];
}

function casedTables(tables: HostModel[], casing: 'snake_case' | 'camelCase'): HostModel[] {
  const convert = casing === 'snake_case' ? toSnakeCase : toCamelCase;
  // Per table, the old column name → the new, for the foreign keys that reference it from other tables.
  const renames = new Map<string, Map<string, string>>();
  for (const m of tables) {
    const rename = new Map<string, string>();
    for (const f of m.fields ?? []) if (f.keyAsName && convert(f.name) !== f.column) rename.set(f.column, convert(f.name));
    if (rename.size > 0) renames.set(m.table, rename);
  }
  return renames.size === 0 ? tables : tables.map((m) => cased(m, renames));
}

function cased(m: HostModel, renames: Map<string, Map<string, string>>): HostModel {
  const of = (table: string) => (c: string) => renames.get(table)?.get(c) ?? c;
  const r = of(m.table);
  if (!renames.has(m.table) && !m.changes.some((c) => c.kind === 'createTable' && c.foreignKeys.some((fk) => renames.has(fk.refTable)))) return m;
  const fields = m.fields?.map((f): ModelField => (f.keyAsName ? { ...f, column: r(f.column) } : f));
  const changes = m.changes.map((c): SchemaChange => {
    if (c.kind === 'createTable') {
      return {
        ...c,
        columns: c.columns.map((col) => ({ ...col, name: r(col.name), ...(col.references?.column !== undefined ? { references: { ...col.references, column: of(col.references.table)(col.references.column) } } : {}) })),
        ...(c.primaryKey ? { primaryKey: c.primaryKey.map(r) } : {}),
        uniques: c.uniques.map((u) => {
          const columns = u.columns.map(r);
          return { ...u, columns, ...(u.name === `${m.table}_${u.columns.join('_')}_unique` ? { name: `${m.table}_${columns.join('_')}_unique` } : {}) };
        }),
        foreignKeys: c.foreignKeys.map((fk) => {
          const columns = fk.columns.map(r);
          const refColumns = fk.refColumns.map(of(fk.refTable));
          const derived = fk.name === `${m.table}_${fk.columns.join('_')}_${fk.refTable}_${fk.refColumns.join('_')}_fk`;
          return { ...fk, columns, refColumns, ...(derived ? { name: `${m.table}_${columns.join('_')}_${fk.refTable}_${refColumns.join('_')}_fk` } : {}) };
        }),
      };
    }
    if (c.kind === 'createIndex') {
      const keys = c.keys.map((k) => (k.column ? { ...k, column: r(k.column) } : k));
      const derived = c.name === `${c.table}_${c.keys.map((k) => k.column ?? 'expr').join('_')}_index`;
      return { ...c, keys, ...(derived ? { name: `${c.table}_${keys.map((k) => k.column ?? 'expr').join('_')}_index` } : {}) };
    }
    return c;
  });
  return { ...m, changes, ...(fields ? { fields } : {}) };
}
