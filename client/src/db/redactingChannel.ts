/**
 * An OutputChannel that passes every line through a Redactor before the real
 * channel sees it. Given to the LanguageClient as its output and trace channel,
 * so a verbose trace of a request never shows a password. Type-only `vscode`
 * import: it runs (and is tested) without VS Code.
 */
import type { OutputChannel, ViewColumn } from 'vscode';
import type { Redactor } from './redact';

export class RedactingOutputChannel implements OutputChannel {
  constructor(
    private readonly inner: OutputChannel,
    private readonly redactor: Redactor,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  append(value: string): void {
    this.inner.append(this.redactor.redact(value));
  }

  appendLine(value: string): void {
    this.inner.appendLine(this.redactor.redact(value));
  }

  replace(value: string): void {
    this.inner.replace(this.redactor.redact(value));
  }

  clear(): void {
    this.inner.clear();
  }

  show(preserveFocus?: boolean): void;
  show(column?: ViewColumn, preserveFocus?: boolean): void;
  show(columnOrPreserveFocus?: ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof columnOrPreserveFocus === 'boolean' || columnOrPreserveFocus === undefined) this.inner.show(columnOrPreserveFocus);
    else this.inner.show(columnOrPreserveFocus, preserveFocus);
  }

  hide(): void {
    this.inner.hide();
  }

  dispose(): void {
    this.inner.dispose();
  }
}
