/**
 * The missing-index fix on a TypeORM entity: `@Index('name', ['property', ...])`
 * on the entity class, above its `@Entity(...)`, with the properties the
 * index's columns belong to (`task_status` → `taskStatus`). The index is named
 * as QueryLens names it, the same name a new migration of the fix creates, so
 * that `typeorm migration:generate` finds the entity and the database agreeing.
 * A B-tree index only: TypeORM's `@Index` has no operator class (a trigram
 * index is no decorator's), so none is offered then.
 */
import type { ExtraEdit } from '../../host/adapter';
import type { LoopContext } from '../../host/types';
import { addProperty, callOf, callOverAll, loneWriteLoop, mappedValues, nodeAt, type OrmSpanEdit } from '../../host/typescript/loop-write';
import { argsOf, unwrap } from '../../host/typescript/syntax';
import type { Span } from '../../sql/model';
import type { SyntaxNode } from '../../host/treesitter';
import { decoratorsOf, readEntities } from './entities';
import { snakeCase } from './naming';

export interface EntityIndexRequest {
  name: string;
  columns: string[];
  method?: string;
  opclass?: string;
}

/** The edit adding the index to the entity whose `@Entity` decorator (or class) starts at `origin`. */
export function entityIndexEdits(root: SyntaxNode, text: string, origin: number, index: EntityIndexRequest): { className: string; edits: ExtraEdit[] } | undefined {
  if (index.opclass || (index.method && index.method.toLowerCase() !== 'btree')) return undefined;
  const model = readEntities(root).find((m) => m.span.start === origin && m.table !== '');
  if (!model) return undefined;
  // The entity declares it already (an index no migration creates: unmigrated-model-index): the migration alone is the fix.
  const declared = model.changes.some((c) => c.kind === 'createIndex' && c.keys.length === index.columns.length && c.keys.every((k, i) => k.column !== undefined && [k.column, snakeCase(k.column)].includes(index.columns[i]!)));
  if (declared) return undefined;
  const cls = root.descendantsOfType(['class_declaration', 'abstract_class_declaration']).find((c) => c.childForFieldName('name')?.text === model.className && decoratorsOf(c).some((d) => d.node.startIndex === origin));
  if (!cls) return undefined;
  const properties: string[] = [];
  // The file's own reading names columns by TypeORM's default strategy; the catalog's may be a SnakeNamingStrategy's.
  const names = (column: string) => [column, snakeCase(column)];
  for (const column of index.columns) {
    const field = model.fields?.find((f) => (f.relation ? f.relation.columns.length === 1 && names(f.relation.columns[0]!).includes(column) : names(f.column).includes(column)));
    // A column of a base class in another file: its property is its name when it is one word (the same under both strategies).
    const property = field?.name ?? (/^[A-Za-z$][A-Za-z0-9$]*$/.test(column) && column === snakeCase(column) ? column : undefined);
    if (!property) return undefined;
    properties.push(property);
  }
  const lineStart = text.lastIndexOf('\n', origin - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const decorator = `@Index(${quote(index.name)}, [${properties.map(quote).join(', ')}])`;
  const edits: ExtraEdit[] = [{ span: { start: lineStart, end: lineStart }, newText: `${indent}${decorator}\n` }];
  const imported = importOfIndex(root);
  if (imported === 'missing') {
    const typeorm = root.descendantsOfType('import_statement').find((s) => /^['"]typeorm['"]$/.test(s.childForFieldName('source')?.text ?? ''));
    const named = typeorm?.descendantsOfType('named_imports')[0];
    if (!named) return undefined;
    const last = named.namedChildren[named.namedChildren.length - 1];
    if (!last) return undefined;
    edits.push({ span: { start: last.endIndex, end: last.endIndex }, newText: ', Index' });
  }
  return { className: model.className, edits };
}

function quote(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** Whether the file can name `Index`: imported from typeorm already, or not yet. */
function importOfIndex(root: SyntaxNode): 'present' | 'missing' {
  for (const s of root.descendantsOfType('import_statement')) {
    if (!/^['"]typeorm['"]$/.test(s.childForFieldName('source')?.text ?? '')) continue;
    for (const spec of s.descendantsOfType('import_specifier')) if ((spec.childForFieldName('alias') ?? spec.childForFieldName('name'))?.text === 'Index') return 'present';
  }
  return 'missing';
}

/**
 * n-plus-one: the loop's `repo.find({ where: { agent: { id: agent.id } } })` as one query
 * over the collected keys, `repo.find({ where: { agent: { id: In(agent_ids) } } })`
 * (`findOne` → `find`, `findOneBy` → `findBy`: every row of every key). Only for a call
 * without `take`/`skip`/`order` (they would apply to all keys at once), whose other
 * conditions do not use the loop's variables; `In` imported from typeorm when missing.
 */
export function batchedFind(
  text: string, span: { start: number; end: number }, keySpan: { start: number; end: number }, keyExpression: string, loopTargets: string[], keys: string, rows: string,
  root: SyntaxNode,
): { statement: string; importEdit?: ExtraEdit } | undefined {
  const call = text.slice(span.start, span.end);
  const awaited = /^await\s+/.test(call);
  const body = call.replace(/^await\s+/, '');
  const method = /\.(find|findBy|findOne|findOneBy)\(/.exec(body);
  if (!method || /\b(take|skip|order)\s*:/.test(body)) return undefined;
  const keyText = text.slice(keySpan.start, keySpan.end);
  const at = keyText.indexOf(keyExpression);
  if (at < 0 || keyText.indexOf(keyExpression, at + 1) >= 0) return undefined;
  const rest = call.slice(0, keySpan.start - span.start) + call.slice(keySpan.end - span.start);
  if (loopTargets.some((t) => new RegExp(`\\b${t}\\b`).test(rest))) return undefined;
  const batchedKey = keyText.slice(0, at) + `In(${keys})` + keyText.slice(at + keyExpression.length);
  let batched = call.slice(0, keySpan.start - span.start) + batchedKey + call.slice(keySpan.end - span.start);
  batched = batched.replace(`.${method[1]}(`, `.${method[1] === 'findOne' ? 'find' : method[1] === 'findOneBy' ? 'findBy' : method[1]}(`);
  if (!awaited) return undefined;
  const statement = `const ${rows} = ${batched};`;
  const importEdit = inImportEdit(root);
  return importEdit === null ? undefined : { statement, ...(importEdit ? { importEdit } : {}) };
}

/** `, In` added to the file's `import { ... } from 'typeorm'`; undefined when `In` is imported already, null when there is no such import. */
function inImportEdit(root: SyntaxNode): ExtraEdit | undefined | null {
  const typeorm = root.descendantsOfType('import_statement').filter((s) => /^['"]typeorm['"]$/.test(s.childForFieldName('source')?.text ?? '') && !/^import\s+type\b/.test(s.text));
  for (const s of typeorm) for (const spec of s.descendantsOfType('import_specifier')) if ((spec.childForFieldName('alias') ?? spec.childForFieldName('name'))?.text === 'In') return undefined;
  const named = typeorm[0]?.descendantsOfType('named_imports')[0];
  const last = named?.namedChildren[named.namedChildren.length - 1];
  return last ? { span: { start: last.endIndex, end: last.endIndex }, newText: ', In' } : null;
}

/** Repository and EntityManager reads of every matching row, and the options form of those that take the where alone. */
const LISTS: Record<string, { options?: string }> = { find: {}, findAndCount: {}, findBy: { options: 'find' }, findAndCountBy: { options: 'findAndCount' } };

/**
 * unpaginated-query: `take: limit` in the find options (`find({ where })` →
 * `find({ where, take: 100 })`, `find()` → `find({ take: 100 })`); a call
 * given the where alone takes its options form (`findBy(where)` →
 * `find({ where: where, take: 100 })`). An EntityManager's call
 * (`manager.find(Agent, {...})`) the same, after its entity. None when the
 * options are not an object literal of the call's own, or spread one.
 */
export function typeOrmTakeEdit(text: string, file: string, query: { span: Span; entity?: string }, limit: number): OrmSpanEdit | undefined {
  const node = nodeAt(text, file, query.span);
  const call = node && callOf(node);
  const fn = call?.childForFieldName('function');
  const method = fn?.type === 'member_expression' ? fn.childForFieldName('property') : undefined;
  const list = method && LISTS[method.text];
  const argsNode = call?.childForFieldName('arguments');
  if (!call || !method || !list || !argsNode) return undefined;
  const args = argsOf(call);
  // An EntityManager's call names the entity first (`Agent`, `'agent'`); a repository's first argument is its options.
  const first = args[0] && unwrap(args[0]);
  const managed = args.length === 2 || (first !== undefined && (first.type === 'string' || (first.type === 'identifier' && first.text === query.entity)));
  const options = args[managed ? 1 : 0];
  if (args.length > (managed ? 2 : 1) || (managed && !(first!.type === 'string' || first!.type === 'identifier'))) return undefined;
  const take = `take: ${limit}`;
  if (list.options) {
    if (!options || options.type === 'spread_element') return undefined;
    return {
      title: `Add ${take} (${method.text}(where) → ${list.options}({ where, ${take} }))`,
      span: { start: method.startIndex, end: call.endIndex },
      newText: `${list.options}${text.slice(method.endIndex, options.startIndex)}{ where: ${options.text}, ${take} }${text.slice(options.endIndex, call.endIndex)}`,
    };
  }
  const title = `Add ${take} to the ${method.text} options`;
  if (!options) {
    const at = managed ? args[0]!.endIndex : argsNode.startIndex + 1;
    return { title, span: { start: at, end: at }, newText: managed ? `, { ${take} }` : `{ ${take} }` };
  }
  const object = unwrap(options);
  if (object.type !== 'object') return undefined;
  const edit = addProperty(text, object, take);
  return edit && { title, ...edit };
}

/**
 * commit-in-loop: a loop whose body is one TypeORM write of the item and
 * nothing else becomes that write over all items, which TypeORM takes as an
 * array: `repo.insert(items.map((item) => ({ ... })))` (one INSERT, no
 * listeners, as before), `repo.save(items.map(...))` (one transaction; its
 * listeners, cascades and reloads per entity, as before), an EntityManager's
 * `manager.save(Entity, items.map(...))` the same. Not `upsert`: one
 * statement over items that share a key fails where one per item did not.
 * Both take an empty array (they send nothing).
 */
export function typeOrmWriteAllEdit(text: string, file: string, query: { span: Span; entity?: string }, loop: LoopContext): OrmSpanEdit | undefined {
  const lone = loneWriteLoop(text, file, query, loop);
  const fn = lone?.call.childForFieldName('function');
  const method = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : undefined;
  if (!lone || (method !== 'insert' && method !== 'save')) return undefined;
  const args = argsOf(lone.call);
  // `manager.save(Document, {...})`, `manager.insert('document', {...})`: the entity first; `repo.save(entity, options)`: the entity's values first.
  const first = args[0] && unwrap(args[0]);
  const managed = args.length >= 2 && first !== undefined && (method === 'insert' || first.type === 'string' || (first.type === 'identifier' && first.text === query.entity));
  const value = args[managed ? 1 : 0];
  if (!value || value.type === 'spread_element' || unwrap(value).type === 'array' || args.length > (managed ? 3 : 2)) return undefined;
  const values = mappedValues(text, value, lone);
  if (!values) return undefined;
  const comment = method === 'insert'
    ? `// QueryLens commit-in-loop: one INSERT for all of ${lone.iterable}.`
    : `// QueryLens commit-in-loop: one save for all of ${lone.iterable}, in one transaction (all are saved or none).`;
  return {
    title: `${method === 'insert' ? 'Insert' : 'Save'} all of ${lone.iterable} with one ${method}`,
    span: { ...loop.span },
    newText: `${comment}\n${lone.indent}${callOverAll(text, lone, value, values)}`,
  };
}

/** commit-in-loop's advice for an INSERT per item, in TypeORM's terms. */
export const TYPEORM_INSERT_ADVICE =
  'Insert all rows in one call: repository.insert(items.map(...)) sends one INSERT; save(items.map(...)) when its listeners and cascades must run (one transaction).';
