/**
 * Keeps passwords out of everything QueryLens writes: the output channel, the
 * LSP trace (`querylens.trace.server: verbose` prints request params, and every
 * database request carries the resolved connection) and error messages. Pure.
 */

export const REDACTED = '***';

/**
 * Known secrets shorter than this are not searched for by value (a one-letter
 * password would blank every such letter of the log); the structural patterns
 * (`"password": "..."`, `user:...@host`, `password=...`) still hide them.
 */
const MIN_VALUE_LENGTH = 4;

const STRUCTURAL: [RegExp, string][] = [
  // JSON: "password": "..." (LSP trace of a ResolvedConnection)
  [/("password"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`],
  // URL userinfo: scheme://user:secret@host. The secret runs to the URL's last `@` (an unencoded
  // password may hold `@` or `/`: postgres://u:p@ss@h/db, postgres://u:pa/ss@h/db); the URL ends at
  // whitespace, a quote or a bracket.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>:@/]*:)[^\s"'<>]*@/gi, `$1${REDACTED}@`],
  // key=value strings (libpq's conninfo allows spaces around `=` and quoted values) and query
  // parameters: password=secret, password = 'abc', PGPASSWORD="x y"
  [/(\b(?:pg)?password\s*=\s*)(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;'"]+)/gi, `$1${REDACTED}`],
];

export class Redactor {
  private readonly forms = new Set<string>();

  /** Remembers a secret; every form it can be written in (raw, JSON-escaped, URL-encoded) is hidden from then on. */
  add(secret: string | undefined): void {
    if (!secret || secret.length < MIN_VALUE_LENGTH) return;
    this.forms.add(secret);
    this.forms.add(JSON.stringify(secret).slice(1, -1));
    this.forms.add(encodeURIComponent(secret));
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is hidden whole.
    for (const form of [...this.forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
    for (const [pattern, replacement] of STRUCTURAL) out = out.replace(pattern, replacement);
    return out;
  }
}
