/**
 * Edits of open documents, applied to the workspace only when something reads
 * it (the debounced publish, a hover, a code action, CodeLenses). A burst of
 * keystrokes then costs one parse of the newest text: an older version is never
 * analysed, so no request waits behind an analysis whose result is already stale.
 */
export class PendingEdits {
  private readonly dirty = new Set<string>();

  /** `apply(file)` hands the document's current text to its workspace. */
  constructor(private readonly apply: (file: string) => void) {}

  /** `file`'s buffer changed; its workspace learns the text when next read. */
  mark(file: string): void {
    this.dirty.add(file);
  }

  /** Drops a pending edit (the document closed: the disk is the truth again). */
  forget(file: string): void {
    this.dirty.delete(file);
  }

  /** Applies every pending edit: a read of any file may depend on another file's schema. */
  flush(): void {
    for (const file of [...this.dirty]) {
      this.dirty.delete(file);
      this.apply(file);
    }
  }
}
