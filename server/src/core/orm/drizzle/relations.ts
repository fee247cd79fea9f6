/**
 * Drizzle's `relations()`, what the relational query API's `with` loads:
 *
 *   export const orgRelations = relations(organization, ({ one, many }) => ({
 *     servers: many(server),
 *     owner: one(user, { fields: [organization.ownerId], references: [user.id] }),
 *   }));
 *
 * A file's `relations(...)` calls are entries of their own (the table's
 * variable as className, no table, the relation fields with the keys as
 * written), since the tables may be declared in other files. Once the
 * workspace's models are known (and their casing applied) each table's model
 * gets its relation fields with columns: a `one` with `fields` holds the key
 * (`columns` → the target's `references`); a `many` (or a `one` without
 * `fields`) is the other side of the target's `one` back to this table (the
 * target's columns that reference this one), else of the target's single
 * foreign key to this table. A relation QueryLens cannot key is left out.
 */
import type { SyntaxNode } from '../../host/treesitter';
import type { HostModel, ModelField } from '../../host/types';
import { fileLibraries } from '../../host/typescript/libraries';
import { argsOf, plainString, spanOf, unwrap } from '../../host/typescript/syntax';

/** The file's `relations(table, ({ one, many }) => ({ ... }))` calls, as entries of relation fields (keys, not columns yet). */
export function drizzleRelationEntries(root: SyntaxNode): HostModel[] {
  const libraries = fileLibraries(root);
  if (libraries.names.get('relations')?.library !== 'drizzle') return [];
  const out: HostModel[] = [];
  for (const call of root.descendantsOfType('call_expression')) {
    const fn = unwrap(call.childForFieldName('function')!);
    if (fn.type !== 'identifier' || fn.text !== 'relations') continue;
    const [tableArg, callback] = argsOf(call);
    const table = tableArg && unwrap(tableArg);
    const cb = callback && unwrap(callback);
    if (table?.type !== 'identifier' || (cb?.type !== 'arrow_function' && cb?.type !== 'function_expression')) continue;
    const helpers = helperNames(cb);
    const object = returnedObject(cb);
    if (!object) continue;
    const fields: ModelField[] = [];
    for (const pair of object.namedChildren) {
      if (pair.type !== 'pair') continue;
      const name = pair.childForFieldName('key')?.text.replace(/^['"]|['"]$/g, '');
      const value = pair.childForFieldName('value');
      const rel = value && unwrap(value);
      if (!name || rel?.type !== 'call_expression') continue;
      const kind = helpers.get(unwrap(rel.childForFieldName('function')!).text);
      const [targetArg, config] = argsOf(rel);
      const target = targetArg && unwrap(targetArg);
      if (!kind || target?.type !== 'identifier') continue;
      const keys = (key: string) => listOf(config, key).map((n) => (unwrap(n).type === 'member_expression' ? unwrap(n).childForFieldName('property')?.text : undefined));
      const columns = keys('fields');
      const references = keys('references');
      if (columns.some((c) => c === undefined) || references.some((c) => c === undefined) || columns.length !== references.length) continue;
      fields.push({ name, column: '', span: spanOf(pair), relation: { target: target.text, many: kind === 'many', columns: columns as string[], references: references as string[] } });
    }
    if (fields.length > 0) out.push({ className: table.text, table: '', span: spanOf(call), changes: [], relationships: [], orm: 'drizzle', fields });
  }
  return out;
}

/** `({ one, many })` or `({ one: o })`: the local names of `one` and `many`. */
function helperNames(fn: SyntaxNode): Map<string, 'one' | 'many'> {
  const names = new Map<string, 'one' | 'many'>();
  const param = fn.childForFieldName('parameters')?.namedChildren[0];
  const pattern = param && (param.childForFieldName('pattern') ?? param);
  for (const p of pattern?.type === 'object_pattern' ? pattern.namedChildren : []) {
    if (p.type === 'shorthand_property_identifier_pattern' && (p.text === 'one' || p.text === 'many')) names.set(p.text, p.text);
    if (p.type === 'pair_pattern') {
      const key = p.childForFieldName('key')?.text;
      const value = p.childForFieldName('value');
      if ((key === 'one' || key === 'many') && value?.type === 'identifier') names.set(value.text, key);
    }
  }
  return names;
}

function returnedObject(fn: SyntaxNode): SyntaxNode | undefined {
  let body = fn.childForFieldName('body');
  if (body?.type === 'statement_block') body = body.namedChildren.find((c) => c.type === 'return_statement')?.namedChildren[0] ?? null;
  const value = body && unwrap(body);
  return value?.type === 'object' ? value : undefined;
}

/** The elements of `config[key]` (`fields: [t.a]`). */
function listOf(config: SyntaxNode | undefined, key: string): SyntaxNode[] {
  const object = config && unwrap(config);
  if (object?.type !== 'object') return [];
  const pair = object.namedChildren.find((p) => p.type === 'pair' && plainString(p.childForFieldName('key') ?? undefined) === key) ??
    object.namedChildren.find((p) => p.type === 'pair' && p.childForFieldName('key')?.text === key);
  const list = pair?.childForFieldName('value');
  return list && unwrap(list).type === 'array' ? unwrap(list).namedChildren.filter((c) => c.type !== 'comment') : [];
}

/** The tables' models with their relation fields keyed by columns; the relation entries leave the list. */
export function withRelations(tables: HostModel[], entries: HostModel[]): HostModel[] {
  if (entries.length === 0) return tables;
  const byClass = new Map(tables.map((m) => [m.className, m]));
  const relationsOf = (className: string) => entries.filter((e) => e.className === className).flatMap((e) => e.fields ?? []);
  const columnOf = (m: HostModel | undefined, key: string) => m?.fields?.find((f) => f.name === key && !f.relation)?.column;
  return tables.map((m) => {
    const own = relationsOf(m.className);
    if (own.length === 0) return m;
    const fields: ModelField[] = [];
    for (const f of own) {
      const rel = f.relation!;
      const target = byClass.get(rel.target);
      if (!target) continue;
      if (rel.columns.length > 0) {
        const columns = rel.columns.map((k) => columnOf(m, k));
        const references = rel.references.map((k) => columnOf(target, k));
        if (columns.every((c) => c !== undefined) && references.every((c) => c !== undefined)) {
          fields.push({ ...f, column: columns[0]!, relation: { ...rel, columns: columns as string[], references: references as string[] } });
        }
        continue;
      }
      // The other side: the target's `one` back to this table with its fields, else its one foreign key to this table.
      const back = relationsOf(target.className).filter((b) => b.relation!.target === m.className && b.relation!.columns.length > 0);
      let references: (string | undefined)[] | undefined;
      if (back.length === 1) references = back[0]!.relation!.columns.map((k) => columnOf(target, k));
      else if (back.length === 0) {
        const fks = target.changes.flatMap((c) => (c.kind === 'createTable' ? c.foreignKeys : [])).filter((fk) => fk.refTable === m.table);
        if (fks.length === 1) references = fks[0]!.columns;
      }
      if (references && references.length > 0 && references.every((c) => c !== undefined)) fields.push({ ...f, relation: { ...rel, columns: [], references: references as string[] } });
    }
    return fields.length === 0 ? m : { ...m, fields: [...(m.fields ?? []).filter((x) => !x.relation), ...fields] };
  });
}
