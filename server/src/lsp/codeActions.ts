/**
 * Code actions for one document: a quick fix per fix of each finding under the
 * cursor, "ignore this rule for this line", and `source.fixAll.querylens`.
 */
import {
  CodeAction,
  CodeActionKind,
  TextDocumentEdit,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CONFIG_RULE_ID, SYNTAX_RULE_ID, UNUSED_SUPPRESSION_RULE_ID, type Dialect, type Finding, type Fix } from '../../../shared/types';
import type { SuggestedIndex } from '../../../shared/explain';
import { lineCommentOf } from '../core/engine/suppression';
import { createIndexSql } from '../core/migrations/writer';
import { coveredIndexFixes, preferredFixes } from '../core/engine/chain';
import { FIX_ALL_KIND, OPEN_FILE_COMMAND, PROVE_INDEX_COMMAND, type QueryLocation } from '../../../shared/protocol';
import { EMBEDDED_CONNECTION } from '../../../shared/connections';
import { fixToWorkspaceEdit, intersects, SOURCE, sameRange, toDiagnostic, type VersionOf } from './convert';
import { lineEdits } from './lineEdits';

/** Whether a client that asked for `only` kinds wants actions of `kind` (kinds are hierarchical). */
function wanted(kind: string, only: string[] | undefined): boolean {
  return !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
}

/** The diagnostic the client showed for `finding`, so the editor links the two. */
function diagnosticFor(finding: Finding, shown: Diagnostic[]): Diagnostic {
  return (
    shown.find((d) => d.source === SOURCE && d.code === finding.ruleId && sameRange(d.range, finding.range)) ??
    toDiagnostic(finding)
  );
}

function quickFixes(finding: Finding, diagnostic: Diagnostic, versionOf: VersionOf): CodeAction[] {
  return finding.fixes.map((fix) => {
    const action = CodeAction.create(fix.title, fixToWorkspaceEdit(fix, versionOf), CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    action.isPreferred = fix.isPreferred === true;
    if (fix.open) action.command = { title: 'Open file', command: OPEN_FILE_COMMAND, arguments: [fix.open] };
    return action;
  });
}

function ignoreAction(finding: Finding, diagnostic: Diagnostic, document: TextDocument): CodeAction | undefined {
  if (finding.ruleId === SYNTAX_RULE_ID || finding.ruleId === CONFIG_RULE_ID || finding.ruleId === UNUSED_SUPPRESSION_RULE_ID) return undefined;
  const comment = lineCommentOf(document.uri);
  if (!comment) return undefined;
  const line = finding.range.start.line;
  const text = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  const indent = /^[ \t]*/.exec(text)?.[0] ?? '';
  const start = { line, character: 0 };
  const edit: TextEdit = { range: { start, end: start }, newText: `${indent}${comment} querylens-ignore ${finding.ruleId}\n` };
  const action = CodeAction.create(
    `Ignore ${finding.ruleId} for this line`,
    { documentChanges: [TextDocumentEdit.create({ uri: document.uri, version: document.version }, [edit])] },
    CodeActionKind.QuickFix,
  );
  action.diagnostics = [diagnostic];
  return action;
}

/** Plans fixes that each write a new migration as one chain (core/engine/chain.ts), for Fix all. */
export interface ChainMigrations {
  /** A file's text as the workspace has it (an open document's as the editor does). */
  textOf(file: string): string | undefined;
  /**
   * The chain of `fixes` on the texts `textOf` gives (the in-file fixes' edits made): the files to create, and
   * the new texts of files it edits (a drizzle-kit journal, the Drizzle tables that declare the indexes).
   */
  plan(fixes: Fix[], textOf: (file: string) => string | undefined): { files: { file: string; content: string }[]; edited: ReadonlyMap<string, string> };
}

type Position = TextEdit['range']['start'];
const compare = (a: Position, b: Position) => a.line - b.line || a.character - b.character;

/**
 * The preferred fix of each finding, each taken whole or left for the next
 * run: its edits in every file it touches (a Prisma index fix edits
 * schema.prisma, a TypeORM one its entity, beside the query's own file)
 * unless one overlaps an edit already taken; the new migrations of those that
 * write one, planned as one chain. A drizzle-kit fix's own edits (its table's
 * `index().on()`, its journal entry) are the chain's to make again, on the
 * texts the other fixes left: the files it edits get the lines that changed.
 * A fix that creates files without planning a migration is left to its quick
 * fix. The same change asked by two findings (one index for two queries) is
 * made once.
 */
function fixAll(findings: Finding[], document: TextDocument, file: string, versionOf: VersionOf, chain?: ChainMigrations): CodeAction | undefined {
  const editsOf = new Map<string, TextEdit[]>();
  const migrations: Fix[] = [];
  const seen = new Set<string>();
  // An index another fix's longer index leads gets no migration in the chain: none of its edits either.
  const covered = coveredIndexFixes(preferredFixes(findings));
  for (const finding of findings) {
    const fix = finding.fixes.find((f) => f.isPreferred);
    if (!fix || (fix.migration && !chain) || covered.has(fix)) continue;
    // drizzle-kit's (`migration.model`): the chain edits the table and the journal itself.
    const edits = fix.migration?.model !== undefined ? [] : fix.changes.filter((c) => c.kind === 'edit');
    if (!fix.migration && edits.length !== fix.changes.length) continue;
    const key = JSON.stringify(fix.migration ?? edits);
    if (seen.has(key)) continue;
    const overlaps = edits.some((change) => change.edits.some((edit) => (editsOf.get(change.file) ?? []).some((kept) => compare(edit.range.start, kept.range.end) < 0 && compare(kept.range.start, edit.range.end) < 0)));
    if (overlaps) continue; // the next fix-all run picks it up
    seen.add(key);
    for (const change of edits) editsOf.set(change.file, [...(editsOf.get(change.file) ?? []), ...change.edits]);
    if (fix.migration) migrations.push(fix);
  }
  let created: { file: string; content: string }[] = [];
  if (migrations.length > 0 && chain) {
    const base = (f: string) => (f === file ? document.getText() : chain.textOf(f));
    const withEdits = (f: string) => {
      const text = base(f);
      const edits = editsOf.get(f);
      return text === undefined || !edits ? text : TextDocument.applyEdits(TextDocument.create(f, 'plaintext', 0, text), edits);
    };
    const chained = chain.plan(migrations, withEdits);
    created = chained.files;
    // The chain's texts hold the other fixes' edits of those files too: the lines that changed replace them.
    for (const [f, text] of chained.edited) {
      const before = base(f);
      if (before !== undefined) editsOf.set(f, lineEdits(before, text));
    }
  }
  if (editsOf.size === 0 && created.length === 0) return undefined;
  // This document's edits first, then the other files' by path; each file's edits in document order.
  const files = [...editsOf.keys()].sort((a, b) => Number(b === file) - Number(a === file) || (a < b ? -1 : a > b ? 1 : 0));
  const all: Fix = {
    title: 'Fix all QueryLens problems',
    changes: [
      ...files.map((f) => ({ kind: 'edit' as const, file: f, edits: [...editsOf.get(f)!].sort((a, b) => compare(a.range.start, b.range.start) || compare(a.range.end, b.range.end)) })),
      ...created.map((f) => ({ kind: 'create' as const, file: f.file, content: f.content })),
    ],
  };
  return CodeAction.create(all.title, fixToWorkspaceEdit(all, (uri) => (uri === document.uri ? document.version : versionOf(uri))), FIX_ALL_KIND);
}

/**
 * `Prove index on <connection>` for a finding that suggests an index: the
 * client runs the proof (confirmation on production connections) and the
 * result shows in the finding's hover.
 */
function proveAction(finding: Finding, diagnostic: Diagnostic, document: TextDocument, database: DatabaseContext): CodeAction | undefined {
  if (!finding.index) return undefined;
  const { table, columns } = finding.index;
  const location: QueryLocation = { uri: document.uri, position: finding.range.start };
  const index: SuggestedIndex = { table, columns, ddl: createIndexSql(finding.index, database.dialect, { concurrently: false }) };
  const action = CodeAction.create(`Prove index ${table}(${columns.join(', ')}) on ${database.connectionName}`, CodeActionKind.QuickFix);
  action.command = { title: action.title, command: PROVE_INDEX_COMMAND, arguments: [location, index] };
  action.diagnostics = [diagnostic];
  return action;
}

/** What the `Prove index` action names: the active connection, and the dialect its CREATE INDEX is written in. */
export interface DatabaseContext {
  connectionName: string;
  dialect: Dialect;
}

export function codeActions(
  params: CodeActionParams,
  document: TextDocument,
  file: string,
  findings: Finding[],
  versionOf: VersionOf,
  database: DatabaseContext = { connectionName: EMBEDDED_CONNECTION.name, dialect: 'postgres' },
  chain?: ChainMigrations,
): CodeAction[] {
  const only = params.context.only;
  const actions: CodeAction[] = [];
  if (wanted(CodeActionKind.QuickFix, only)) {
    for (const finding of findings) {
      if (!intersects(finding.range, params.range)) continue;
      const diagnostic = diagnosticFor(finding, params.context.diagnostics);
      actions.push(...quickFixes(finding, diagnostic, versionOf));
      const prove = proveAction(finding, diagnostic, document, database);
      if (prove) actions.push(prove);
      const ignore = ignoreAction(finding, diagnostic, document);
      if (ignore) actions.push(ignore);
    }
  }
  if (only && wanted(FIX_ALL_KIND, only)) {
    const all = fixAll(findings, document, file, versionOf, chain);
    if (all) actions.push(all);
  }
  return actions;
}
