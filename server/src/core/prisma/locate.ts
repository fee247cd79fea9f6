/**
 * Where the parts of a Prisma schema are written: Prisma's data model (see
 * parser.ts) names every model, field and index but gives no positions, and
 * leaves out `Unsupported("...")` fields. This finds, in a schema Prisma has
 * already accepted, each block, its fields' lines and its `@@` attributes, so
 * findings and fixes point at the model, the field or the `@@index` they are
 * about. It reads no meaning the data model does not confirm, except the
 * Unsupported fields' types, the `map:` of a relation (its foreign key's
 * name) and the datasource's `relationMode`, which the data model does not
 * carry, and where the `@ignore` attributes are (parser.ts reads the schema
 * without them: Migrate creates ignored fields and models).
 */
import type { Span } from '../sql/model';
import { forLastText } from '../last-text';

export interface FieldLocation {
  name: string;
  /** The field's line, without indentation and trailing blanks. */
  span: Span;
  /** `Unsupported("vector(1536)")` → `vector(1536)`. */
  unsupported?: { type: string; optional: boolean; list: boolean };
  /** `@map("column")`. */
  map?: string;
  /** `@relation(..., map: "fk_name")`. */
  relationMap?: string;
}

export interface AttributeLocation {
  /** `index`, `unique`, `id`, `fulltext`, ... (without `@@`). */
  name: string;
  /** The field names of its first list (`@@index([a, b(sort: Desc)])` → a, b). */
  fields: string[];
  /** From `@@` to the closing parenthesis. */
  span: Span;
}

export interface BlockLocation {
  keyword: string;
  name: string;
  /** From the keyword to the closing brace. */
  span: Span;
  /** Fields in declaration order. */
  fields: FieldLocation[];
  attributes: AttributeLocation[];
}

const BLOCK = /^[ \t]*(model|view|enum|type)[ \t]+(\w+)[ \t]*\{/gm;
const FIELD = /^(\w+)[ \t]+(\S+)/;
const UNSUPPORTED = /^Unsupported\(\s*"((?:[^"\\]|\\.)*)"\s*\)(\[\])?(\?)?/;
const MAP = /@map\(\s*(?:name\s*:\s*)?"((?:[^"\\]|\\.)*)"/;
const RELATION_MAP = /@relation\((?:[^()"]|"(?:[^"\\]|\\.)*"|\([^()]*\))*?\bmap\s*:\s*"((?:[^"\\]|\\.)*)"/;

/**
 * The model, view, enum and composite type blocks of one file, in order. A schema's index fixes
 * locate its blocks again and again (each fix twice): the last text's are kept (callers only read them).
 */
export const locateBlocks: (text: string) => readonly BlockLocation[] = forLastText((text) => readBlocks(text));

function readBlocks(text: string): BlockLocation[] {
  const masked = withoutComments(text);
  const blocks: BlockLocation[] = [];
  BLOCK.lastIndex = 0;
  for (let m = BLOCK.exec(masked); m; m = BLOCK.exec(masked)) {
    const start = m.index + m[0].length - m[0].trimStart().length;
    const open = m.index + m[0].length - 1;
    const close = matching(masked, open, '{', '}');
    const block: BlockLocation = { keyword: m[1]!, name: m[2]!, span: { start, end: close + 1 }, fields: [], attributes: [] };
    readBody(masked, open + 1, close, block);
    blocks.push(block);
    BLOCK.lastIndex = close + 1;
  }
  return blocks;
}

/** A string property of the file's `datasource` block (`relationMode = "prisma"` → prisma), which Prisma's config answer leaves out. */
export function datasourceProperty(text: string, name: string): string | undefined {
  const body = datasourceBody(withoutComments(text));
  return body && new RegExp(`^[ \\t]*${name}[ \\t]*=[ \\t]*"([^"]*)"`, 'm').exec(body.text)?.[1];
}

/** `text` with these properties of its `datasource` block (their whole lines) replaced by spaces: offsets and lines kept. */
export function withoutDatasourceProperties(text: string, names: string[]): string {
  const body = datasourceBody(withoutComments(text));
  if (!body) return text;
  const property = new RegExp(`^[ \\t]*(?:${names.join('|')})[ \\t]*=[^\\n]*`, 'gm');
  const blanked = body.text.replace(property, (line) => ' '.repeat(line.length));
  return blanked === body.text ? text : text.slice(0, body.start) + blanked + text.slice(body.start + blanked.length);
}

/**
 * `text` with these names taken out of its generators' `previewFeatures` lists (each name's
 * string and one comma beside it replaced by spaces: offsets and lines kept). A feature this
 * engine no longer knows (`metrics`, dropped from Prisma; `multiSchema`, generally available
 * now) is valid for the Prisma the project runs, and says nothing of its tables.
 */
export function withoutPreviewFeatures(text: string, names: ReadonlySet<string>): string {
  const masked = withoutComments(text);
  let out = text;
  const blank = (from: number, to: number) => (out = out.slice(0, from) + out.slice(from, to).replace(/[^\n]/g, ' ') + out.slice(to));
  const list = /^[ \t]*previewFeatures[ \t]*=[ \t]*\[/gm;
  for (let m = list.exec(masked); m; m = list.exec(masked)) {
    const open = m.index + m[0].length - 1;
    const close = matching(masked, open, '[', ']');
    const elements = [...masked.slice(open + 1, close).matchAll(/"([^"\\]*)"/g)].map((e) => ({ name: e[1]!, start: open + 1 + e.index!, end: open + 1 + e.index! + e[0].length }));
    const dropped = elements.filter((e) => names.has(e.name));
    // A list left empty goes whole (the property with it).
    if (dropped.length > 0 && dropped.length === elements.length) blank(m.index, close + 1);
    else {
      for (const e of dropped) {
        const after = /^\s*,/.exec(masked.slice(e.end, close));
        const before = after ? undefined : /,\s*$/.exec(masked.slice(open + 1, e.start));
        blank(e.start - (before?.[0].length ?? 0), e.end + (after?.[0].length ?? 0));
      }
    }
  }
  return out;
}

/**
 * `text` without its `@ignore` and `@@ignore` attributes (replaced by spaces): Prisma's data
 * model leaves ignored fields and models out, but Migrate still creates their columns and tables.
 */
export function withoutIgnore(text: string): string {
  const masked = withoutComments(text);
  let out = text;
  const attribute = /@@?ignore\b/g;
  for (let m = attribute.exec(masked); m; m = attribute.exec(masked)) {
    if (insideString(masked, m.index)) continue;
    out = out.slice(0, m.index) + ' '.repeat(m[0].length) + out.slice(m.index + m[0].length);
  }
  return out;
}

/** Whether `offset` is inside a string of its line. */
function insideString(text: string, offset: number): boolean {
  let inside = false;
  for (let i = text.lastIndexOf('\n', offset - 1) + 1; i < offset; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') inside = !inside;
  }
  return inside;
}

function datasourceBody(masked: string): { start: number; text: string } | undefined {
  const block = /^[ \t]*datasource[ \t]+\w+[ \t]*\{/m.exec(masked);
  if (!block) return undefined;
  const open = block.index + block[0].length - 1;
  return { start: open + 1, text: masked.slice(open + 1, matching(masked, open, '{', '}')) };
}

function readBody(masked: string, from: number, to: number, block: BlockLocation): void {
  let at = from;
  while (at < to) {
    const lineEnd = Math.min(to, nextLineEnd(masked, at));
    const line = masked.slice(at, lineEnd);
    const indent = line.length - line.trimStart().length;
    const start = at + indent;
    const content = line.trim();
    if (content.startsWith('@@')) {
      const open = masked.indexOf('(', start);
      const name = /^@@(\w+)/.exec(content)?.[1] ?? '';
      if (open < 0 || open > lineEnd) {
        block.attributes.push({ name, fields: [], span: { start, end: start + content.length } });
        at = lineEnd + 1;
        continue;
      }
      const close = Math.min(matching(masked, open, '(', ')'), to);
      block.attributes.push({ name, fields: listedFields(masked.slice(open + 1, close)), span: { start, end: close + 1 } });
      at = Math.max(lineEnd, nextLineEnd(masked, close)) + 1;
      continue;
    }
    const field = FIELD.exec(content);
    if (field) {
      const location: FieldLocation = { name: field[1]!, span: { start, end: start + content.length } };
      const unsupported = UNSUPPORTED.exec(content.slice(field[1]!.length).trimStart());
      if (unsupported) location.unsupported = { type: unsupported[1]!, list: unsupported[2] !== undefined, optional: unsupported[3] !== undefined };
      const map = MAP.exec(content)?.[1];
      if (map !== undefined) location.map = map;
      const relationMap = RELATION_MAP.exec(content)?.[1];
      if (relationMap !== undefined) location.relationMap = relationMap;
      block.fields.push(location);
    }
    at = lineEnd + 1;
  }
}

/** The names of the first `[...]` list of an attribute's arguments. */
function listedFields(args: string): string[] {
  const open = args.indexOf('[');
  if (open < 0) return [];
  const close = matching(args, open, '[', ']');
  const names: string[] = [];
  let depth = 0;
  let part = '';
  for (const ch of args.slice(open + 1, close)) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      names.push(part);
      part = '';
    } else part += ch;
  }
  names.push(part);
  return names.map((p) => /^\s*(\w+)/.exec(p)?.[1]).filter((n): n is string => n !== undefined);
}

function nextLineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end < 0 ? text.length : end;
}

/** The offset of the bracket closing the one at `open` (strings skipped); the text's end when unclosed. */
function matching(text: string, open: number, opener: string, closer: string): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') i = stringEnd(text, i);
    else if (ch === opener) depth++;
    else if (ch === closer && --depth === 0) return i;
  }
  return text.length;
}

function stringEnd(text: string, quote: number): number {
  for (let i = quote + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"' || text[i] === '\n') return i;
  }
  return text.length;
}

/** `text` with its `//` comments (outside strings) replaced by spaces: offsets kept. */
function withoutComments(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') i = stringEnd(text, i);
    else if (text[i] === '/' && text[i + 1] === '/') {
      const end = nextLineEnd(text, i);
      out += text.slice(from, i) + ' '.repeat(end - i);
      from = end;
      i = end - 1;
    }
  }
  return out + text.slice(from);
}
