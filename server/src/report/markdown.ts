/**
 * Markdown building blocks of the review report. Everything that comes from
 * a database or a user's file (table names, queries, messages) goes through
 * `cell` or `code`: a table named `<img src=x onerror=...>` or a message with
 * a `|` must render as text in a pull request, not as HTML or a broken table.
 */

/** Text for a table cell: one line, HTML and Markdown punctuation made literal. */
export function cell(text: string | number | undefined | null): string {
  if (text === undefined || text === null || text === '') return '';
  return inline(String(text)).replace(/\s*[\r\n]+\s*/g, ' ');
}

/** Text in running Markdown (list items, paragraphs): HTML entities and Markdown syntax escaped. */
export function inline(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // Only what can start Markdown mid-line: `(` or `!` mean nothing without an unescaped `[`.
    .replace(/([\\`*_[\]|~])/g, '\\$1');
}

/** A code span that survives any backticks inside (CommonMark: a longer fence); one line. */
export function code(text: string): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ');
  // In a table a `|` ends the cell even inside a code span (GFM); its escape is kept literal there.
  const safe = flat.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = safe.startsWith('`') || safe.endsWith('`') || longest > 0 ? ' ' : '';
  return `${fence}${pad}${safe}${pad}${fence}`;
}

/**
 * A link to a file of the repository, `[path:line](path#Lline)`. The target is
 * a path, never a URL: each segment is percent-encoded (parentheses and quotes
 * too), so a file named `javascript:alert(8).sql` links to that file instead of
 * reading as a `javascript:` URL, and no space or `)` can end the target early.
 */
export function fileLink(file: string, line: number): string {
  const target = file
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
  return `[${inline(`${file}:${line}`)}](${target}#L${line})`;
}

/** A fenced block (SQL): the fence is longer than any backtick run inside, so the text cannot close it. */
export function block(text: string, language = ''): string {
  const longest = Math.max(0, ...(text.match(/`{3,}/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text.replace(/\s+$/, '')}\n${fence}`;
}

/** A GitHub table; `rows` are already escaped cells. */
export function table(header: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const rule = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** `12.3 ms`, `0.42 ms`, `1,234 ms`: three significant digits, enough to compare two runs. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value >= 100) return `${Math.round(value).toLocaleString('en-US')} ms`;
  return `${Number(value.toPrecision(3))} ms`;
}

export function ratio(value: number): string {
  if (value === Infinity) return 'new';
  if (!Number.isFinite(value)) return '–';
  return `×${value.toFixed(2)}`;
}

export function bytes(n: number | undefined): string {
  if (n === undefined) return '';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
