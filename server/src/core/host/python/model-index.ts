/**
 * The index fix for a SQLAlchemy model when the project has no migrations:
 * `Index('idx_..', 'col_a', 'col_b')` in the model's `__table_args__`, found
 * and edited through the syntax tree. An existing tuple gains the index as
 * its first element, a dict of table options is wrapped into a tuple with
 * it, and a model without `__table_args__` gets one after `__tablename__`.
 */
import type { Span } from '../../sql/model';
import { hostParser } from '../treesitter';
import type { Node } from './nodes';

export interface ModelIndexEdit {
  className: string;
  edits: { span: Span; newText: string }[];
}

/**
 * Edits adding `Index(<args>)` to the model class that contains `at`
 * (a module-level class), with `from sqlalchemy import Index` when the module
 * cannot name `Index` yet; undefined when the class or its `__table_args__`
 * cannot take it (a nested class, `__table_args__` computed by a function).
 */
export function modelIndexEdits(text: string, at: number, args: string[]): ModelIndexEdit | undefined {
  const tree = hostParser('python').parse(text);
  if (!tree) return undefined;
  try {
    const root = tree.rootNode;
    const cls = root
      .descendantsOfType('class_definition')
      .filter((c) => c.startIndex <= at && at < c.endIndex)
      .pop();
    if (!cls || !atModuleLevel(cls)) return undefined;
    const className = cls.childForFieldName('name')?.text;
    const body = cls.childForFieldName('body');
    if (!className || !body) return undefined;
    const callee = indexCallee(root);
    const call = `${callee.name}(${args.join(', ')})`;
    const edit = tableArgsEdit(text, body, call);
    if (!edit) return undefined;
    const edits = [edit];
    if (callee.importAt !== undefined) edits.unshift({ span: { start: callee.importAt, end: callee.importAt }, newText: 'from sqlalchemy import Index\n' });
    return { className, edits };
  } finally {
    tree.delete();
  }
}

function atModuleLevel(cls: Node): boolean {
  const parent = cls.parent?.type === 'decorated_definition' ? cls.parent.parent : cls.parent;
  return parent?.type === 'module';
}

/** `name = value` statements of a class body, by name. */
function classAssignments(body: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const statement of body.namedChildren) {
    if (statement?.type !== 'expression_statement') continue;
    const assignment = statement.namedChildren[0];
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
    if (assignment && left?.type === 'identifier') out.set(left.text, assignment);
  }
  return out;
}

function tableArgsEdit(text: string, body: Node, call: string): { span: Span; newText: string } | undefined {
  const assignments = classAssignments(body);
  const existing = assignments.get('__table_args__')?.childForFieldName('right');
  if (existing?.type === 'tuple') {
    const open = existing.startIndex + 1;
    const empty = existing.namedChildren.length === 0;
    return { span: { start: open, end: open }, newText: empty ? `${call},` : `${call}, ` };
  }
  if (existing?.type === 'dictionary') {
    return { span: { start: existing.startIndex, end: existing.endIndex }, newText: `(${call}, ${existing.text})` };
  }
  if (existing) return undefined;
  // After `__tablename__ = ...` (or before the first statement), at the body's indentation.
  const anchor = assignments.get('__tablename__')?.parent ?? undefined;
  const first = body.namedChildren[0];
  if (anchor) {
    const indent = indentationAt(text, anchor.startIndex);
    return { span: { start: anchor.endIndex, end: anchor.endIndex }, newText: `\n${indent}__table_args__ = (${call},)` };
  }
  if (!first) return undefined;
  const indent = indentationAt(text, first.startIndex);
  return { span: { start: first.startIndex, end: first.startIndex }, newText: `__table_args__ = (${call},)\n${indent}` };
}

/** The whitespace between the start of the line and `offset`. */
function indentationAt(text: string, offset: number): string {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n') start--;
  return text.slice(start, offset);
}

/**
 * How the module names `Index`: imported from sqlalchemy (or `*`), through
 * `import sqlalchemy [as sa]`, or through a new import after the last
 * module-level import (`importAt`, the start of the line after it; 0 without imports).
 */
function indexCallee(root: Node): { name: string; importAt?: number } {
  let lastImportEnd: number | undefined;
  let moduleAlias: string | undefined;
  for (const statement of root.namedChildren) {
    if (!statement) continue;
    if (statement.type === 'import_from_statement') {
      lastImportEnd = statement.endIndex;
      const module = statement.childForFieldName('module_name');
      if (module?.text !== 'sqlalchemy' && module?.text !== 'sqlalchemy.schema') continue;
      // The imported names are the named children after the module's.
      for (const name of statement.namedChildren) {
        if (!name || name.startIndex === module.startIndex) continue;
        if (name.type === 'wildcard_import' || (name.type === 'dotted_name' && name.text === 'Index')) return { name: 'Index' };
      }
    } else if (statement.type === 'import_statement') {
      lastImportEnd = statement.endIndex;
      for (const name of statement.namedChildren) {
        if (name?.type === 'dotted_name' && name.text === 'sqlalchemy') moduleAlias ??= 'sqlalchemy';
        if (name?.type === 'aliased_import' && name.childForFieldName('name')?.text === 'sqlalchemy') {
          moduleAlias ??= name.childForFieldName('alias')?.text;
        }
      }
    }
  }
  if (moduleAlias) return { name: `${moduleAlias}.Index` };
  return { name: 'Index', importAt: lastImportEnd === undefined ? 0 : lineAfter(root.text, lastImportEnd) };
}

function lineAfter(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}
