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
