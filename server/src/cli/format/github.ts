/**
 * `--format github`: GitHub Actions workflow commands, which GitHub shows as
 * annotations on the pull request's diff:
 * `::warning file=F,line=L,col=C,endLine=L2,endColumn=C2,title=rule-id::message`.
 * Paths are relative to `GITHUB_WORKSPACE` (the checkout) when set, else to
 * the current directory. The log folds each file's annotations into a
 * `::group::` and ends with a summary line; baselined findings are counted there, not annotated.
 */
import type { Finding, Severity } from '../../../../shared/types';
import { newFindings, plural, relativePath, summaryLine, type CheckReport } from '../report';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

/** Escaping of a command's message, as @actions/core does it. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a property value: the message escapes plus `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function githubAnnotation(finding: Finding, base: string): string {
  const { start, end } = finding.range;
  const props: [string, string | number][] = [['file', relativePath(base, finding.file)], ['line', start.line + 1]];
  // GitHub rejects col/endColumn on an annotation that spans several lines.
  if (start.line === end.line) {
    props.push(['col', start.character + 1], ['endLine', end.line + 1], ['endColumn', Math.max(end.character, start.character + 1)]);
  } else {
    props.push(['endLine', end.line + 1]);
  }
  props.push(['title', finding.ruleId]);
  const properties = props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
  return `::${COMMAND[finding.severity]} ${properties}::${escapeData(finding.message)}`;
}

export function formatGithub(report: CheckReport, base: string = process.env.GITHUB_WORKSPACE || process.cwd()): string {
  const shown = newFindings(report);
  const byFile = new Map<string, Finding[]>();
  for (const f of shown) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  const out: string[] = [];
  for (const [file, findings] of byFile) {
    out.push(`::group::${escapeData(relativePath(base, file))} (${plural(findings.length, 'problem')})`);
    for (const f of findings) out.push(githubAnnotation(f, base));
    out.push('::endgroup::');
  }
  out.push(`QueryLens: ${summaryLine(report)}`);
  return out.map((line) => line + '\n').join('');
}

