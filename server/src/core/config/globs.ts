/**
 * Globs that select nothing: one that cannot match any root-relative path
 * (reported where it is written, see load.ts), and one that matches no file.
 */
import picomatch from 'picomatch';
import { globMatcher, workspacePath } from './files';

/**
 * Why `glob` can match no root-relative path, if it cannot: empty, absolute,
 * reaching above the root, or with an unbalanced bracket, brace or parenthesis
 * (which would silently be read as that character itself).
 */
export function globProblem(glob: string): string | undefined {
  if (glob.trim() === '') return 'an empty glob matches nothing';
  if (glob.startsWith('/') || /^[A-Za-z]:[\\/]/.test(glob)) return 'globs are relative to the workspace root, so one that starts at / matches nothing';
  if (glob.startsWith('../') || glob.includes('/../')) return 'globs are relative to the workspace root, so one that goes up with ../ matches nothing';
  try {
    picomatch.makeRe(glob, { strictBrackets: true });
  } catch (error) {
    const [, side, bracket] = /Missing (closing|opening): "(.)"/.exec((error as Error).message) ?? [];
    if (!bracket) return `it does not parse (${(error as Error).message})`;
    // picomatch names the bracket that is missing: the pair's other half is the one written.
    const other = { ']': '[', '}': '{', ')': '(', '[': ']', '{': '}', '(': ')' }[bracket] ?? bracket;
    const what = side === 'closing' ? `its "${other}" is never closed` : `its "${other}" closes nothing`;
    return `${what} (a backslash before a bracket matches the character itself)`;
  }
  return undefined;
}

/** The globs of `globs` that match none of `files` (absolute paths under `root`). */
export function unmatchedGlobs(root: string, files: readonly string[], globs: readonly string[]): string[] {
  if (globs.length === 0) return [];
  const relative = files.map((file) => workspacePath(root, file));
  return globs.filter((glob) => {
    const matches = globMatcher([glob]);
    return !relative.some(matches);
  });
}
