/**
 * Builds the DOM of a view (view.ts) with createElement, setAttribute and
 * textContent only: text from the database can never become markup. The DOM
 * is described by the few members used, so tests run it on a fake document.
 */
import type { ViewAttr, ViewNode } from './view';

export interface DomNode {
  appendChild(child: DomNode): unknown;
}

export interface DomElement extends DomNode {
  textContent: string | null;
  setAttribute(name: string, value: string): void;
  addEventListener(type: 'click', listener: () => void): void;
}

export interface DomDocument {
  createElement(tag: string): DomElement;
}

const DATA_NAME = /^[a-z][a-z0-9-]*$/;
/** The attributes ViewAttr names, checked again at run time: nothing else (no src, href, style, on*) is ever set. */
const SAFE_ATTRS: ReadonlySet<string> = new Set<ViewAttr>([
  'value', 'min', 'max', 'low', 'high', 'optimum', 'colspan', 'role', 'aria-selected', 'aria-label', 'aria-pressed', 'aria-busy', 'disabled',
]);

export function renderView<A>(doc: DomDocument, parent: DomNode, nodes: ViewNode<A>[], onAction: (action: A) => void): void {
  for (const node of nodes) parent.appendChild(renderNode(doc, node, onAction));
}

function renderNode<A>(doc: DomDocument, node: ViewNode<A>, onAction: (action: A) => void): DomElement {
  const element = doc.createElement(node.tag);
  if (node.id) element.setAttribute('id', node.id);
  if (node.classes?.length) element.setAttribute('class', node.classes.join(' '));
  for (const [name, value] of Object.entries(node.data ?? {})) if (DATA_NAME.test(name)) element.setAttribute(`data-${name}`, value);
  if (node.title !== undefined) element.setAttribute('title', node.title);
  for (const [name, value] of Object.entries(node.attrs ?? {})) if (SAFE_ATTRS.has(name) && value !== undefined) element.setAttribute(name, value);
  if (node.tag === 'button') element.setAttribute('type', 'button');
  if (node.text !== undefined) element.textContent = node.text;
  for (const child of node.children ?? []) element.appendChild(renderNode(doc, child, onAction));
  const action = node.action;
  if (action) element.addEventListener('click', () => onAction(action));
  return element;
}
