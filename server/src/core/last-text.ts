/**
 * `compute`, remembering its answer for the last text it was asked about: for a question asked
 * of the same text many times in a row (each call of a file, each index fix of one schema) whose
 * answer callers only read. One entry: a new text replaces it.
 */
export function forLastText<T>(compute: (text: string) => T): (text: string) => T {
  let last: { text: string; value: T } | undefined;
  return (text) => {
    if (last?.text !== text) last = { text, value: compute(text) };
    return last.value;
  };
}
