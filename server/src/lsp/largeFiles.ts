/**
 * Documents over `querylens.maxFileSizeKb` are not analysed as you type (a
 * 20 MB dump would hold the server for minutes): the workspace holds their
 * text without reading it as code, and the file shows this one notice instead.
 */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { formatBytes } from '../core/config/read';
import { SOURCE } from './convert';

export const TOO_LARGE_CODE = 'file-too-large';

/** The workspace's `maxFileChars` for a `maxFileSizeKb` setting. */
export function maxFileChars(maxFileSizeKb: number): number {
  return Math.max(1, maxFileSizeKb) * 1024;
}

export function tooLargeNotice(text: string, maxFileSizeKb: number): Diagnostic {
  const firstLineEnd = text.indexOf('\n');
  const end = Math.min(firstLineEnd < 0 ? text.length : firstLineEnd, 200);
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: end } },
    severity: DiagnosticSeverity.Information,
    source: SOURCE,
    code: TOO_LARGE_CODE,
    message:
      `This file is too large to analyse as you type (${formatBytes(text.length)}; querylens.maxFileSizeKb is ${maxFileSizeKb} KB): ` +
      'QueryLens shows no problems or CodeLenses for it. Raise the setting, or run `querylens check` on it.',
  };
}
