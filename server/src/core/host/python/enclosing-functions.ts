/**
 * The functions around a node, innermost first, with their decorators: the
 * facts rules read to tell a request handler from a batch job.
 */
import type { EnclosingFunction } from '../types';
import type { Node } from './nodes';

const byFunction = new WeakMap<Node, EnclosingFunction>();

export function enclosingFunctions(node: Node): EnclosingFunction[] {
  const out: EnclosingFunction[] = [];
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition') out.push(describe(p));
  }
  return out;
}

function describe(fn: Node): EnclosingFunction {
  let found = byFunction.get(fn);
  if (!found) {
    const holder = fn.parent?.type === 'decorated_definition' ? fn.parent : undefined;
    const decorators = (holder?.namedChildren ?? []).filter((c) => c.type === 'decorator').map((d) => d.text.replace(/^@\s*/, ''));
    found = { name: fn.childForFieldName('name')?.text ?? '', decorators, parameterTypes: [] };
    byFunction.set(fn, found);
  }
  return found;
}
