/**
 * Inline suppression:
 * - `querylens-ignore <rule-id>[, <rule-id>...]` in a comment silences those
 *   rules (all rules when no id follows) for findings that start on the
 *   comment's own line or on the line below it;
 * - `querylens-ignore-file [<rule-id>, ...]` in a comment at the top of a file
 *   (before its first line of code) silences those rules, or every finding,
 *   in the whole file.
 * A suppression that silences nothing is itself reported (`unused-suppression`,
 * info), with a fix that removes it, so comments do not outlive their reason.
 */
import { languageDataOf, type CommentSyntax } from '../../../../shared/languages';
import { UNUSED_SUPPRESSION_RULE_ID, type Finding, type Fix, type Severity } from '../../../../shared/types';
import type { Span } from '../sql/model';
import { LineIndex } from './lineIndex';

const DIRECTIVE = 'querylens-ignore';
const FILE_SUFFIX = '-file';

/** Comment syntax of a file's kind (shared/languages.ts): its line-comment openers (the first is the one to write) and whether it has block comments. */
function commentSyntaxOf(file: string): CommentSyntax | undefined {
  return languageDataOf(file)?.comments;
}
const ANY_OPENER = ['--', '/*', '#', '//'];

/** The line-comment marker to write a suppression with in `file`, if QueryLens knows its kind. */
export function lineCommentOf(file: string): string | undefined {
  return commentSyntaxOf(file)?.line[0];
}

interface Directive {
  /** 0-based line of the directive. */
  line: number;
  fileWide: boolean;
  /** The rule ids named, each with its span; none: every rule. */
  ids: { id: string; span: Span }[];
  /** The directive word (`querylens-ignore`), where an unused bare directive is reported. */
  span: Span;
  /** The whole comment, and the line around it when the comment is all the line holds: what removing it deletes. */
  removal: Span;
  /** The ids (index into `ids`) and, for a bare directive, '*' that silenced a finding. */
  used: Set<number | '*'>;
}

export class Suppressions {
  private readonly byLine = new Map<number, Directive[]>();
  private readonly fileWide: Directive[] = [];

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly lines: LineIndex,
  ) {
    let codeStart: number | undefined; // read at the first directive: most files hold none
    for (let at = text.indexOf(DIRECTIVE); at >= 0; at = text.indexOf(DIRECTIVE, at + DIRECTIVE.length)) {
      const directive = this.read(at, (codeStart ??= firstCodeOffset(text, file)));
      if (!directive) continue;
      if (directive.fileWide) this.fileWide.push(directive);
      else this.byLine.set(directive.line, [...(this.byLine.get(directive.line) ?? []), directive]);
    }
  }

  /** No directive at all: nothing is suppressed (`isSuppressed` is false for every finding). */
  get none(): boolean {
    return this.byLine.size === 0 && this.fileWide.length === 0;
  }

  /** Whether a bare `querylens-ignore-file` silences every finding of the file. */
  get silencesFile(): boolean {
    return this.fileWide.some((d) => d.ids.length === 0);
  }

  /** Whether a directive silences `ruleId` at `line`; the directive counts as used. */
  isSuppressed(ruleId: string, line: number): boolean {
    if (this.none) return false; // asked for every finding: nothing to look up in most files
    let suppressed = false;
    for (const d of [...this.fileWide, ...(this.byLine.get(line) ?? []), ...(this.byLine.get(line - 1) ?? [])]) {
      if (d.ids.length === 0) {
        d.used.add('*');
        suppressed = true;
      }
      d.ids.forEach((named, i) => {
        if (named.id !== ruleId) return;
        d.used.add(i);
        suppressed = true;
      });
    }
    return suppressed;
  }

  /**
   * The directives (or the ids in them) that silenced nothing, as findings.
   * `ran` says whether a rule ran on the file (an id of a rule that is off or
   * was skipped here cannot be judged); `known` whether an id names any rule.
   */
  unused(severity: Severity, ran: (ruleId: string) => boolean, known: (ruleId: string) => boolean): Finding[] {
    const findings: Finding[] = [];
    for (const d of [...this.fileWide, ...[...this.byLine.values()].flat()]) {
      const where = d.fileWide ? 'in this file' : 'on this line or the next';
      if (d.ids.length === 0) {
        if (!d.used.has('*')) {
          findings.push(this.finding(severity, d.span, `This ${DIRECTIVE} comment silences nothing: no rule reports anything ${where}. Remove it.`, this.removeComment(d)));
        }
        continue;
      }
      const stale = d.ids.flatMap((named, i) => (d.used.has(i) || (known(named.id) && !ran(named.id)) ? [] : [i]));
      for (const i of stale) {
        const { id, span } = d.ids[i]!;
        const message = known(id)
          ? `Unused suppression: ${id} reports nothing ${where} any more. Remove "${id}" from the comment.`
          : `Unused suppression: "${id}" is no QueryLens rule, so it silences nothing. Remove it from the comment.`;
        findings.push(this.finding(severity, span, message, stale.length === d.ids.length ? this.removeComment(d) : this.removeId(d, i)));
      }
    }
    return findings;
  }

  private finding(severity: Severity, span: Span, message: string, fix: Fix): Finding {
    return { ruleId: UNUSED_SUPPRESSION_RULE_ID, severity, message, file: this.file, range: this.lines.rangeOf(span), fixes: [fix] };
  }

  private removeComment(d: Directive): Fix {
    return this.edit('Remove the unused suppression comment', d.removal);
  }

  /** Removes one id and the separator before it (or after it, for the first). */
  private removeId(d: Directive, i: number): Fix {
    const span = d.ids[i]!.span;
    const removal = i > 0 ? { start: d.ids[i - 1]!.span.end, end: span.end } : { start: span.start, end: d.ids[1]!.span.start };
    return this.edit(`Remove ${d.ids[i]!.id} from the suppression comment`, removal);
  }

  private edit(title: string, span: Span): Fix {
    return { title, changes: [{ kind: 'edit', file: this.file, edits: [{ range: this.lines.rangeOf(span), newText: '' }] }] };
  }

  /** The directive at `at`, when it sits in a comment. */
  private read(at: number, codeStart: number): Directive | undefined {
    const lineStart = this.lines.lineStartOf(at);
    const commentStart = commentStartOf(this.text, lineStart, at);
    if (commentStart === undefined) return undefined;
    let after = at + DIRECTIVE.length;
    const fileWide = this.text.startsWith(FILE_SUFFIX, after);
    if (fileWide) after += FILE_SUFFIX.length;
    const lineEnd = lineEndOf(this.text, after);
    const rest = this.text.slice(after, lineEnd);
    if (rest.length > 0 && !/^[\s:]/.test(rest)) return undefined; // querylens-ignored, querylens-ignore-files: not ours
    if (fileWide && at >= codeStart) return undefined; // only at the top of the file
    const blockEnd = this.text.startsWith('/*', commentStart) ? this.text.indexOf('*/', after) : -1;
    const ids: Directive['ids'] = [];
    for (const m of this.text.slice(after, blockEnd >= 0 && blockEnd < lineEnd ? blockEnd : lineEnd).matchAll(/[^\s,:]+/g)) {
      if (!/^[a-z][a-z0-9-]*$/.test(m[0])) break; // a reason after the ids: "querylens-ignore select-star -- the export needs every column"
      ids.push({ id: m[0], span: { start: after + m.index!, end: after + m.index! + m[0].length } });
    }
    const commentEnd = blockEnd >= 0 ? blockEnd + 2 : lineEnd;
    const firstLine = this.lines.lineStartOf(commentStart);
    const lastLineEnd = lineEndOf(this.text, commentEnd);
    const aloneOnLines = this.text.slice(firstLine, commentStart).trim() === '' && this.text.slice(commentEnd, lastLineEnd).trim() === '';
    // Other words before the directive in its comment ("generated by a tool; querylens-ignore-file") are not ours to remove.
    const opener = this.text.startsWith('/*', commentStart) ? 2 : (ANY_OPENER.find((o) => this.text.startsWith(o, commentStart))?.length ?? 0);
    const sharedComment = this.text.slice(commentStart + opener, at).trim() !== '';
    const removal = sharedComment
      ? { start: trimBackwards(this.text, at, lineStart), end: ids.length > 0 ? ids[ids.length - 1]!.span.end : after }
      : aloneOnLines
        ? { start: firstLine, end: lastLineEnd + newlineLength(this.text, lastLineEnd) }
        : { start: trimBackwards(this.text, commentStart, firstLine), end: commentEnd };
    return { line: this.lines.positionAt(at).line, fileWide, ids, span: { start: at, end: after }, removal, used: new Set() };
  }
}

export function findSuppressions(file: string, text: string, lines: LineIndex): Suppressions {
  return new Suppressions(file, text, lines);
}

/**
 * Where the comment holding the directive at `at` starts: the last comment
 * opener before it on its line, else the open block comment it sits in.
 */
function commentStartOf(text: string, lineStart: number, at: number): number | undefined {
  const before = text.slice(lineStart, at);
  const opener = Math.max(...ANY_OPENER.map((o) => before.lastIndexOf(o)));
  if (opener >= 0) return lineStart + opener;
  const block = text.lastIndexOf('/*', at);
  return block >= 0 && text.lastIndexOf('*/', at) < block ? block : undefined;
}

/**
 * Where the file's code starts: after the blank lines and comments at its top
 * (in the comment syntax of its kind). A file of another kind has no top.
 */
function firstCodeOffset(text: string, file: string): number {
  const syntax = commentSyntaxOf(file);
  if (!syntax) return 0;
  let at = 0;
  while (at < text.length) {
    const lineEnd = lineEndOf(text, at);
    const line = text.slice(at, lineEnd).trim();
    if (syntax.block && line.startsWith('/*')) {
      const close = text.indexOf('*/', text.indexOf('/*', at) + 2);
      if (close < 0) return text.length;
      const next = lineEndOf(text, close);
      if (text.slice(close + 2, next).trim() !== '') return at; // code after the comment on its last line
      at = next + newlineLength(text, next);
      continue;
    }
    if (line !== '' && !syntax.line.some((opener) => line.startsWith(opener))) return at;
    if (syntax.line.includes('//') && line.startsWith('#!')) return at; // a Rust attribute `#![...]` is code
    at = lineEnd + newlineLength(text, lineEnd);
  }
  return text.length;
}

function lineEndOf(text: string, from: number): number {
  let end = from;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  return end;
}

function newlineLength(text: string, at: number): number {
  if (text[at] === '\r') return text[at + 1] === '\n' ? 2 : 1;
  return text[at] === '\n' ? 1 : 0;
}

/** `at` moved back over the spaces before it (not past `limit`): a trailing comment goes with its gap. */
function trimBackwards(text: string, at: number, limit: number): number {
  while (at > limit && (text[at - 1] === ' ' || text[at - 1] === '\t')) at--;
  return at;
}
