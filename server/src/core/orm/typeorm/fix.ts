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
