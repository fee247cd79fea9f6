/**
 * The index fix for a table a Prisma model declares (a project without
 * migrations, `prisma db push`): `@@index([...])` added to the model, in
 * Prisma's own terms (field names, not column names; a trigram or other
 * method as `type:` and `ops:`), after the model's last `@@` attribute or
 * before its closing brace. Never SQL in a .prisma file.
 *
 * With Prisma migrations, the index fix is a new migration, and the same
 * `@@index` goes into the model too (`prismaTableIndexEdit`), so the schema
 * and the migrations agree (`prisma migrate dev` finds no drift): the
 * migration uses Prisma's own name for it, else the attribute says `map:`.
 */
import type { IndexSuggestion } from '../rules/types';
import type { Span } from '../sql/model';
import { locateBlocks } from './locate';

/** Prisma's names of index methods (`type:` of `@@index`). */
const PRISMA_METHODS: Record<string, string> = { btree: 'BTree', hash: 'Hash', gin: 'Gin', gist: 'Gist', spgist: 'SpGist', brin: 'Brin' };

export interface PrismaIndexEdit {
  model: string;
  edit: { span: Span; newText: string };
}

/** The edit adding `suggestion` to the model whose block starts at `origin`; undefined when a column has no field or the method no Prisma name. */
export function prismaIndexEdit(text: string, origin: number, suggestion: IndexSuggestion, map?: string): PrismaIndexEdit | undefined {
  const block = locateBlocks(text).find((b) => b.span.start === origin && b.keyword === 'model');
  if (!block) return undefined;
  const fieldOf = (column: string) => block.fields.find((f) => (f.map ?? f.name) === column) ?? block.fields.find((f) => (f.map ?? f.name).toLowerCase() === column.toLowerCase());
  const fields = suggestion.columns.map(fieldOf);
  if (fields.some((f) => f === undefined)) return undefined;
  const method = (suggestion.method ?? 'btree').toLowerCase();
  if (!PRISMA_METHODS[method] || suggestion.options) return undefined;
  const keys = fields.map((f) => (suggestion.opclass ? `${f!.name}(ops: raw("${suggestion.opclass}"))` : f!.name));
  const attribute = `@@index([${keys.join(', ')}]${method === 'btree' ? '' : `, type: ${PRISMA_METHODS[method]}`}${map ? `, map: ${JSON.stringify(map)}` : ''})`;
  const indent = indentationOf(text, block.fields[0]?.span.start ?? block.span.start + 2) || '  ';
  const last = block.attributes[block.attributes.length - 1];
  if (last) {
    const at = lineEnd(text, last.span.end);
    return { model: block.name, edit: { span: { start: at, end: at }, newText: `\n${indent}${attribute}` } };
  }
  const closing = block.span.end - 1;
  const at = text.lastIndexOf('\n', closing - 1) + 1;
  return { model: block.name, edit: { span: { start: at, end: at }, newText: `\n${indent}${attribute}\n` } };
}

function indentationOf(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start, offset))![0];
}

function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end < 0 ? text.length : end;
}

/** The model of `text` whose table (`@@map`, else its name) is `table`: the edit adding `suggestion` to it (`map:` the index name when given). */
export function prismaTableIndexEdit(text: string, table: string, suggestion: IndexSuggestion, map?: string): PrismaIndexEdit | undefined {
  const blocks = locateBlocks(text).filter((b) => b.keyword === 'model');
  const tableOf = (block: (typeof blocks)[number]) => {
    const attribute = block.attributes.find((a) => a.name === 'map');
    return (attribute && /^@@map\(\s*(?:name\s*:\s*)?"([^"\\]*)"/.exec(text.slice(attribute.span.start, attribute.span.end))?.[1]) ?? block.name;
  };
  const block = blocks.find((b) => tableOf(b) === table) ?? blocks.find((b) => tableOf(b).toLowerCase() === table.toLowerCase());
  return block ? prismaIndexEdit(text, block.span.start, suggestion, map) : undefined;
}
