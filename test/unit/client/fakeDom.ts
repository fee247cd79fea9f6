/**
 * A document for the view tests: records what plan/dom.ts does and fails on
 * anything that would parse markup (innerHTML) or set a dangerous attribute
 * (src, href, style, on*). Serialises as a browser would, text escaped.
 */
import type { DomDocument, DomElement, DomNode } from '../../../client/src/plan/dom';
import { escapeHtml } from '../../../client/src/plan/escape';

/** A document that records what the renderer does and fails on anything that parses markup. */
export class FakeElement implements DomElement {
  readonly attributes = new Map<string, string>();
  readonly children: FakeElement[] = [];
  readonly listeners: (() => void)[] = [];
  private ownText: string | null = null;

  constructor(readonly tag: string) {}

  get textContent(): string | null {
    return (this.ownText ?? '') + this.children.map((c) => c.textContent).join('');
  }
  set textContent(value: string | null) {
    this.ownText = value;
    this.children.length = 0;
  }
  set innerHTML(_value: string) {
    throw new Error('innerHTML must not be used');
  }
  setAttribute(name: string, value: string): void {
    if (/^on/i.test(name) || /^(src|href|style)$/i.test(name)) throw new Error(`attribute ${name} must not be set`);
    this.attributes.set(name, value);
  }
  appendChild(child: DomNode): unknown {
    this.children.push(child as FakeElement);
    return child;
  }
  addEventListener(_type: 'click', listener: () => void): void {
    this.listeners.push(listener);
  }
  /** Serialised as a browser would, text escaped. */
  get outerHTML(): string {
    const attrs = [...this.attributes].map(([k, v]) => ` ${k}="${escapeHtml(v)}"`).join('');
    return `<${this.tag}${attrs}>${escapeHtml(this.ownText ?? '')}${this.children.map((c) => c.outerHTML).join('')}</${this.tag}>`;
  }
  all(predicate: (e: FakeElement) => boolean): FakeElement[] {
    return [...(predicate(this) ? [this] : []), ...this.children.flatMap((c) => c.all(predicate))];
  }
  hasClass(name: string): boolean {
    return (this.attributes.get('class') ?? '').split(' ').includes(name);
  }
}

export const fakeDocument: DomDocument = { createElement: (tag) => new FakeElement(tag) };
