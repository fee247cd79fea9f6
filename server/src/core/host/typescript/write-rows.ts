/** The rows an ORM insert is given, as the code writes them, for the SQL it sends (QueryModel.write). */
import type { SyntaxNode } from '../treesitter';
import { argsOf, unwrap } from './syntax';

/**
 * An object literal (one row), an array of object literals (a row each), or
 * `items.map((x) => ({ ... }))` (as many rows as items, each of this shape:
 * one returned); undefined for anything else (a variable, a spread of rows).
 */
export function rowObjects(node: SyntaxNode): SyntaxNode[] | undefined {
  const n = unwrap(node);
  if (n.type === 'object') return [n];
  if (n.type === 'array') {
    const items = n.namedChildren.filter((c) => c.type !== 'comment').map(unwrap);
    return items.every((i) => i.type === 'object') ? items : undefined;
  }
  if (n.type !== 'call_expression') return undefined;
  const fn = unwrap(n.childForFieldName('function')!);
  const callback = argsOf(n)[0] && unwrap(argsOf(n)[0]!);
  if (fn.type !== 'member_expression' || fn.childForFieldName('property')?.text !== 'map' || callback?.type !== 'arrow_function') return undefined;
  const body = unwrap(callback.childForFieldName('body')!);
  return body.type === 'object' ? [body] : undefined;
}

/** The key of an object entry (`a: 1`, `'a': 1`, `{ a }`); undefined for a spread or a computed key. */
export function entryKey(entry: SyntaxNode): string | undefined {
  const key = entry.type === 'pair' ? entry.childForFieldName('key') : entry.type === 'shorthand_property_identifier' ? entry : null;
  if (!key) return undefined;
  if (key.type === 'property_identifier' || key.type === 'shorthand_property_identifier') return key.text;
  if (key.type === 'string' && !key.text.includes('\\')) return key.text.slice(1, -1);
  return undefined;
}
