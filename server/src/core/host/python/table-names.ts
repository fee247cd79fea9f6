/**
 * `__tablename__` computed by a base class (`@declared_attr def __tablename__(cls)`):
 * every mapped subclass without its own name gets the table the base computes
 * from the class name. Read only when the code shows the rule: the class name
 * lower-cased, or turned into snake_case (by `re.sub`/`re.split` on capitals,
 * inline or in a function of the same module); anything else stays unknown,
 * and its subclasses are not taken for tables.
 */
import type { TableNaming } from '../types';
import { calleeName, type Node, positionalArgs, unwrap } from './nodes';

export type { TableNaming };

export function tableNameFor(naming: TableNaming, className: string): string {
  switch (naming) {
    case 'lower':
      return className.toLowerCase();
    case 'snake-capitals':
      return className.split(/(?=[A-Z])/).filter(Boolean).join('_').toLowerCase();
    case 'snake-words':
      return className.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  }
}

/** The naming rule of a class that computes `__tablename__`; undefined when it has none or it is not readable. */
export function tableNamingOf(cls: Node, root: Node): TableNaming | undefined {
  const method = tablenameMethod(cls);
  if (!method) return undefined;
  const returned = method.descendantsOfType('return_statement')[0]?.namedChildren[0];
  const naming = returned ? namingOfExpression(unwrap(returned), root) : undefined;
  // A few statements on the class name (`s1 = re.sub(..., cls.__name__)`, then `return ...lower()`): read as a helper.
  return naming ?? (/\bcls\.__name__\b/.test(method.text) ? namingOfFunction(method) : undefined);
}

function tablenameMethod(cls: Node): Node | undefined {
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    if (stmt.type !== 'decorated_definition') continue;
    const fn = stmt.childForFieldName('definition');
    if (fn?.type !== 'function_definition' || fn.childForFieldName('name')?.text !== '__tablename__') continue;
    if (stmt.namedChildren.some((d) => d.type === 'decorator' && d.text.includes('declared_attr'))) return fn;
  }
  return undefined;
}

const CLASS_NAME = /^(cls|self)\.__name__$/;

function namingOfExpression(e: Node, root: Node): TableNaming | undefined {
  if (CLASS_NAME.test(e.text)) return undefined; // the class name as is: rare, and a table named `Incident` needs quoting
  if (e.type !== 'call') return undefined;
  const fn = e.childForFieldName('function');
  const args = positionalArgs(e);
  // `cls.__name__.lower()` / `re.sub(..., cls.__name__).lower()`
  if (fn?.type === 'attribute' && calleeName(e) === 'lower' && args.length === 0) {
    const inner = unwrap(fn.childForFieldName('object')!);
    if (CLASS_NAME.test(inner.text)) return 'lower';
    return inner.type === 'call' && calleeName(inner) === 'sub' && mentionsClassName(inner) ? snakeRule(inner.text) : undefined;
  }
  // `resolve_table_name(cls.__name__)`: a function of this module, read the same way.
  if (fn?.type === 'identifier' && args.length === 1 && CLASS_NAME.test(unwrap(args[0]!).text)) {
    const def = moduleFunction(root, fn.text);
    return def ? namingOfFunction(def) : undefined;
  }
  return undefined;
}

function mentionsClassName(call: Node): boolean {
  return positionalArgs(call).some((a) => CLASS_NAME.test(unwrap(a).text));
}

function moduleFunction(root: Node, name: string): Node | undefined {
  for (const stmt of root.namedChildren) {
    const fn = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (fn?.type === 'function_definition' && fn.childForFieldName('name')?.text === name) return fn;
  }
  return undefined;
}

/** A one-argument helper that lower-cases, joining on `_` where it splits on capitals. */
function namingOfFunction(fn: Node): TableNaming | undefined {
  const body = fn.childForFieldName('body')?.text ?? '';
  if (!body.includes('lower()')) return undefined;
  if (!body.includes('[A-Z]')) return body.includes('re.') ? undefined : 'lower';
  return body.includes('_') ? snakeRule(body) : undefined;
}

/**
 * `(?=[A-Z])` / `(?<!^)(?=[A-Z])` split before every capital; the two-step
 * `(.)([A-Z][a-z]+)` then `([a-z0-9])([A-Z])` keeps acronyms whole. Other
 * rules (the second step alone, ...) are not guessed at.
 */
function snakeRule(code: string): TableNaming | undefined {
  if (!/\[a-z/.test(code)) return 'snake-capitals';
  return code.includes('[A-Z][a-z]') ? 'snake-words' : undefined;
}
