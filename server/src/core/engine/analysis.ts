/**
 * One file's findings: syntax errors, every enabled rule, severities and
 * inline suppressions. Statement-scope rules run one statement at a time and
 * their reports are reused across edits (statementReports.ts); file-scope
 * rules run on the whole document each time.
 */
import type { Dialect, Finding, Fix, Position, Severity } from '../../../../shared/types';
import { sameRange, SYNTAX_RULE_ID, UNUSED_SUPPRESSION_RULE_ID } from '../../../../shared/types';
import type { Catalog, MigrationSet } from '../catalog/types';
import { hostQueryFunction, hostQueryKey } from '../host/walk-cache';
import type { HostExtraction, HostModel } from '../host/types';
import type { ServerLimits } from '../config/types';
import { rules } from '../rules/index';
import type { CoreFix, FileContext, IndexFixRequest, IndexSuggestion, MigrationPosition, Rule, RuleReport } from '../rules/types';
import type { ScriptKind } from '../config/scope';
import type { ParsedDocument, Span, Statement } from '../sql/model';
import { dropIndexFixes, makeIndexFixes } from './fixes';
import { LineIndex, lineIndexOf } from './lineIndex';
import {
  filledSlots,
  type ServedFindings,
  type IndexFixBuilder,
  placedFindings,
  placeFindings,
  RecordingCatalog,
  relativeReports,
  statementContext,
  type StatementReportCache,
  type KeptFileFinding,
  type BlockOrder,
  type Placed,
  type StatementReports,
} from './statementReports';
import { findSuppressions } from './suppression';
import { addCodeHashes, codeHashesOf } from '../baseline/fingerprint';
import { runSteps, type Steps } from '../steps';

/** The file and what of the workspace its analysis reads. */
export interface AnalysisInput {
  file: string;
  text: string;
  dialect: Dialect;
  document: ParsedDocument;
  lines: LineIndex;
  catalog: Catalog;
  migration?: MigrationPosition;
  /**
   * A SQL script of a migrations folder that no known tool runs in order, committed: a
   * one-off (`data-migrations/backfill.sql`) or a migration the application applies
   * itself (`old_migrations/patch-tags.sql`). It ran, so no query rule there, and its
   * schema findings are the schema as it stands, like a shipped migration's (info).
   */
  shippedScript?: boolean;
  /** The file lies in a scripts or benchmarks folder (config/scope.ts): its query findings are info. */
  inScripts?: ScriptKind;
  migrations: MigrationSet[];
  /** Host code (Python, Rust): what the extractor found. */
  host?: HostExtraction;
  /** A schema file of an ORM (schema.prisma): the models it declares. */
  models?: HostModel[];
  /** The file's statement reports, carried over from its previous versions; without, every rule runs on the whole document. */
  reports?: StatementReportCache;
  schemaVersion: number;
  layoutVersion: number;
}

/** What the workspace lends every analysis. */
export interface AnalysisHost {
  /** The configured severity of a rule in `file` (`rules` and `overrides`), or undefined when it is off. */
  severityFor(ruleId: string, fallback: Severity, file: string): Severity | undefined;
  textOf(file: string): string | undefined;
  /** Called when a rule throws: the rule is skipped there, the rest goes on. */
  onError(message: string): void;
  /** Whether a file is a shipped migration (or a committed script of a migrations folder): fixes that would edit one are dropped. */
  isShipped(file: string): boolean;
  /** Whether a file is committed and unchanged (any file: application code, models). */
  isCommitted?(file: string): boolean;
  /** The dialect a workspace file is surely read in (a migration: its set's, its package's), else undefined: what a new migration of its set is written in. */
  sureDialectOf?(file: string): Dialect | undefined;
  /** The ORM model that declares a table (a TypeORM entity): its file and where its declaration starts, for a fix that also declares the index there. */
  modelOf?(table: string): { file: string; origin: number } | undefined;
  /** The PostgreSQL server the code's pools share (`.querylens.json` "server"). */
  server?: ServerLimits;
  /** Index fixes that write a new migration, by dialect, table origin and suggestion; cleared with the migration sets. */
  migrationFixes: Map<string, CoreFix[]>;
}

export function analyzeFile(input: AnalysisInput, host: AnalysisHost): Finding[] {
  return runSteps(analyzeFileSteps(input, host));
}

/** `analyzeFile` in steps (core/steps.ts): one statement's rules per step, then the file-scope rules. */
export function analyzeFileSteps(input: AnalysisInput, host: AnalysisHost): Steps<Finding[]> {
  return new FileAnalysis(input, host).findings();
}

/** Appended to a schema finding in a shipped migration, which is reported at info. */
export const SHIPPED_SCHEMA_NOTE =
  'Info, not warning: this migration has shipped, so this is the schema as it stands rather than a change under review, and what it costs depends on table sizes the code does not show (connect a database for the Index health view).';

/** Appended to a schema finding in a committed, unchanged model file (its tables stand as they were made), reported at info. */
export const SHIPPED_MODEL_NOTE =
  'Info, not warning: this model is committed unchanged, so its table stands as it was created (by create_all or a migration) rather than being a change under review, and what it costs depends on table sizes the code does not show (connect a database for the Index health view).';

/** Appended to a query finding in a scripts folder, which is reported at info. */
export const SCRIPT_NOTE = 'Info, not warning: this is a script (a scripts folder, or a command-line entry file such as manage.py), run by hand or once rather than on a request path.';

/** Appended to a query finding in a command-line program found by its code (host/typescript/command-line.ts), reported at info. */
export const COMMAND_LINE_NOTE = 'Info, not warning: this file is a command-line program (its top-level code exits when its work is done), run by hand or once rather than on a request path.';

/** Appended to a query finding in a benchmarks folder, which is reported at info. */
export const BENCHMARK_NOTE = 'Info, not warning: this is a benchmark (a bench or perf folder), run by hand against a test database rather than on a request path.';

/** A file-scope rule's report and the place of its finding in the file's list. */
interface FileFinding {
  at: number;
  /** The report, its index fix request's `near` made relative to where that span starts (`near`). */
  report: RuleReport;
  /** Where the index fix request's `near` starts in this version of the file. */
  near: Position | undefined;
  /** What the finding says where (`FileAnalysis.findingHead`): what the last analysis's finding is compared with. */
  head: FindingHead;
  /** Makes the finding of `head` (when the last analysis's is not kept: `keepFileFindings`). */
  make: () => Finding;
}

/** What a finding says where: rule, severity, message, file and range. */
type FindingHead = Omit<Finding, 'fixes' | 'explanation' | 'index'>;

/**
 * The statement-scope rules' reports of each statement (`FileAnalysis.statementReports`), in statement order, in
 * parallel lists (typing reads a large file's 1,700 at each edit): kept ones (`cached`, spans relative to `offset`),
 * or made on the statement alone (`offset` 0).
 */
interface StatementRuns {
  cached: (StatementReports | undefined)[];
  byRule: RuleReport[][][];
  offset: Float64Array;
}

/** Findings a host query made for a file-scope rule (`FileAnalysis.runPerHostQuery`): `findings[from..to)`, to be kept under `key`. */
interface HostQueryMade {
  key: string;
  from: number;
  to: number;
  tables: Map<string, string> | undefined;
}

/** Whether everything a report points at (its span, its fixes' edits) lies in `within` of `file`, and it asks for no index. */
function pointsWithin(report: RuleReport, within: Span, file: string): boolean {
  const inside = (span: Span) => span.start >= within.start && span.end <= within.end;
  if (!inside(report.span) || report.indexFixes || report.index) return false;
  for (const fix of report.fixes ?? []) {
    for (const change of fix.changes) if (change.kind !== 'edit' || change.file !== file || !change.edits.every((e) => inside(e.span))) return false;
  }
  return true;
}

/**
 * Whether a file gives the rules nothing to read: no statement (so no schema change either: the catalog
 * holds nothing from it), no syntax error, and no query, write, access, model or pool of host code. Every
 * rule reads one of these (statement rules its statements; file rules its host extraction's lists, its
 * models or the catalog's tables declared in it), so none reports; only its suppression comments are
 * checked. documenso: 1,561 of 2,115 files, 0.1 s of rules that found nothing.
 */
function nothingToRead({ document, host, models }: AnalysisInput): boolean {
  if (document.statements.length > 0 || document.errors.length > 0 || (models !== undefined && models.length > 0)) return false;
  if (!host) return true;
  return host.queries.length === 0 && host.writes.length === 0 && host.accesses.length === 0 && host.models.length === 0 && !host.pools?.length && host.errors.length === 0;
}

/** The reuse key (`FileAnalysis.reuseKeys`) last made for a host statement, with what it was made of. */
const reuseKeyOf = new WeakMap<Statement, { query: string; ordinal: number; text: string; key: string }>();

/** Statements whose reports or findings are kept from the previous version, per step (core/steps.ts): one step is one statement's rules otherwise. */
const STATEMENTS_KEPT_PER_STEP = 64;

class FileAnalysis {
  constructor(
    private readonly input: AnalysisInput,
    private readonly host: AnalysisHost,
  ) {}

  *findings(): Steps<Finding[]> {
    const { file, document, lines, text } = this.input;
    const suppressions = findSuppressions(file, text, lines);
    if (suppressions.silencesFile) return []; // `querylens-ignore-file` with no rule: nothing to run
    const findings: Finding[] = [];
    const syntaxSeverity = this.host.severityFor(SYNTAX_RULE_ID, 'error', file);
    if (syntaxSeverity) {
      for (const error of document.errors) {
        findings.push({ ruleId: SYNTAX_RULE_ID, severity: syntaxSeverity, message: error.message, file, range: lines.rangeOf(error.span), fixes: [] });
      }
    }
    // A shipped migration has run wherever it will run: migration rules speak only about the ones
    // to come, and the queries of a shipped (data) migration ran once, long ago: no query rule there.
    const shipped = this.input.migration?.shipped === true || this.input.shippedScript === true;
    const enabled = rules.flatMap((rule) => {
      if (shipped && (rule.meta.category === 'migration' || rule.meta.category === 'query')) return [];
      const severity = this.host.severityFor(rule.meta.id, rule.meta.defaultSeverity, file);
      return severity ? [{ rule, severity }] : [];
    });
    const statementRules = enabled.filter(({ rule }) => rule.scope === 'statement');
    // The statement rules' findings by rule (its slot in `statementRules`), statement by statement.
    let bySlot: Finding[][] | undefined;
    // With kept reports and no suppression comment, each statement's findings stay together (its block), to be
    // put in file order at the end (`assembled`), and `findings` holds the rest; `groups` says where each
    // statement rule's findings go in the order the rules report in (`allFindings`).
    const blocks: Placed[] | undefined = this.input.reports && suppressions.none ? [] : undefined;
    const groups: { slot: number; at: number }[] = [];
    if (this.input.reports) {
      bySlot = statementRules.map(() => []);
      const reports = this.input.reports;
      const latest = () => reports.indexFixes!;
      let keptStatements = 0;
      const runs = yield* this.statementReports(reports, statementRules.map(({ rule }) => rule));
      for (let i = 0; i < runs.offset.length; i++) {
        const cached = runs.cached[i];
        const byRule = runs.byRule[i]!;
        const offset = runs.offset[i]!;
        // Kept for the statement's place: their index fixes are built by whichever analysis reads them (see StatementReportCache).
        const key = cached ? lines.positionKeyAt(offset) : 0;
        let made = cached ? placedFindings(cached, key, reports.analysis) : undefined;
        if (made) {
          // Findings kept for a statement's place cost little: a step holds many.
          if (++keptStatements % STATEMENTS_KEPT_PER_STEP === 0) yield;
        } else {
          yield;
          const placed = cached ? { at: lines.positionAt(offset), builder: latest } : undefined;
          const findings = statementRules.map(({ rule, severity }, slot) => byRule[slot]!.map((report) => this.toFinding(rule, severity, report, offset, placed)));
          made = cached ? placeFindings(cached, key, findings) : { findings, filled: filledSlots(findings), analysis: 0 };
        }
        if (blocks) {
          if (made.filled.length > 0) blocks.push(made);
        } else for (const slot of made.filled) for (const finding of made.findings[slot]!) bySlot[slot]!.push(finding);
      }
    }
    // The file-scope rules' findings that may be kept from the last analysis, with their place in `findings`.
    const fileScope: FileFinding[] | undefined = this.input.reports ? [] : undefined;
    const hostQueriesMade: HostQueryMade[] = [];
    const latest = () => this.input.reports!.indexFixes!;
    // A run without kept reports (the CLI) skips the rules where they have nothing to read: most files of a web project.
    for (const { rule, severity } of this.input.reports || !nothingToRead(this.input) ? enabled : []) {
      yield;
      if (rule.scope === 'statement' && bySlot) {
        // Rule by rule, statement by statement: the order a whole-file run reports in.
        const slot = statementRules.findIndex((r) => r.rule === rule);
        if (blocks) groups.push({ slot, at: findings.length });
        else for (const finding of bySlot[slot]!) findings.push(finding);
      } else if (fileScope) {
        // Their index fixes are built by the latest analysis, `near` where its start is then (as a kept
        // statement's): they may serve later versions, where an edit above has moved the offsets.
        const onReport = (original: RuleReport) => {
          const request = original.indexFixes;
          const at = request ? lines.positionAt(request.near.start) : undefined;
          const report = request ? { ...original, indexFixes: { ...request, near: { start: 0, end: request.near.end - request.near.start } } } : original;
          const placed = { at, builder: latest };
          if (report.fixes?.length) {
            findings.push(this.toFinding(rule, severity, report, 0, placed));
            return;
          }
          // Made when the last analysis's finding is not kept (`keepFileFindings`), which puts it in its place.
          const head = this.findingHead(rule, severity, report, 0);
          fileScope.push({ at: findings.length, report, near: at, head, make: () => this.fromHead(head, report, [], 0, placed) });
          findings.push(undefined as unknown as Finding);
        };
        if (rule.perHostQuery && this.input.host) this.runPerHostQuery(rule, severity, findings, onReport, hostQueriesMade);
        else this.runRule(rule, document, this.input.catalog, onReport);
      } else {
        this.runRule(rule, document, this.input.catalog, (report) => findings.push(this.toFinding(rule, severity, report, 0)));
      }
    }
    if (fileScope) {
      const reports = this.input.reports!;
      this.keepFileFindings(findings, fileScope, reports);
      const { schemaVersion, layoutVersion } = this.input;
      for (const { key, from, to, tables } of hostQueriesMade) reports.keepHostQuery(key, findings.slice(from, to), tables, schemaVersion, layoutVersion);
      reports.endHostQueries();
    }
    const kept = suppressions.none ? findings : findings.filter((f) => !suppressions.isSuppressed(f.ruleId, f.range.start.line));
    // A shipped file is not edited, and the rules it skips cannot tell whether its suppressions still serve.
    const unusedSeverity = shipped ? undefined : this.host.severityFor(UNUSED_SUPPRESSION_RULE_ID, 'info', file);
    if (unusedSeverity) {
      const ran = new Set(enabled.map(({ rule }) => rule.meta.id));
      if (syntaxSeverity) ran.add(SYNTAX_RULE_ID);
      kept.push(...suppressions.unused(unusedSeverity, (id) => ran.has(id), isRuleId));
    }
    if (blocks) {
      const assembled = assembledInOrder(blocks, kept);
      if (assembled) return this.finished(assembled, blocks);
    }
    const result = oneWarningPerIndex(byPosition(blocks ? allFindings(kept, blocks, groups) : kept));
    addCodeHashes(result, document.statements, text, lines);
    return result;
  }

  /**
   * `oneWarningPerIndex` and `addCodeHashes` on the findings in file order (`assembledInOrder`),
   * reading only the findings that may need it: those that suggest an index at warning or
   * error, and those that may have no code hash yet (all but those of a block hashed before).
   */
  private finished({ findings, loud, unhashed }: Assembled, blocks: Placed[]): Finding[] {
    const { document, text, lines } = this.input;
    const reports = this.input.reports!;
    reports.served = demoteServed(findings, loud, reports.served);
    const missing: Finding[] = [];
    for (const at of unhashed) if (findings[at]!.codeHash === undefined) missing.push(findings[at]!);
    // A loud finding may be in the list itself or as its quieter copy, which then has the hash: each is read.
    for (const at of loud) if (findings[at]!.codeHash === undefined) missing.push(findings[at]!);
    addCodeHashes(missing, document.statements, text, lines);
    for (const made of blocks) {
      const order = made.order!;
      if (!order.hashed) order.hashed = order.findings.every((f, i) => order.loud[i] === 1 || f.codeHash !== undefined);
    }
    return findings;
  }

  /**
   * Puts back the file-scope findings of the last analysis that are made again the same (rule,
   * severity, message, range, explanation, index and index fixes asked for, code hash): the file's
   * foreign keys are checked at each edit, and their findings stay the same objects while they do
   * not change. Findings with fixes of their own are made anew (a fix may edit another file).
   */
  private keepFileFindings(findings: Finding[], fileScope: FileFinding[], reports: StatementReportCache): void {
    const { document, text, lines } = this.input;
    const previous = reports.fileFindings;
    const next = new Map<string, KeptFileFinding>();
    const same: { entry: FileFinding; kept: KeptFileFinding }[] = [];
    for (const entry of fileScope) {
      const { report, near, head } = entry;
      const asks = report.index || report.indexFixes ? JSON.stringify([report.index ?? null, report.indexFixes ?? null, near ?? null]) : '';
      const kept = previous?.get(head.message);
      if (
        kept &&
        kept.finding.ruleId === head.ruleId &&
        kept.finding.severity === head.severity &&
        sameRange(kept.finding.range, head.range) &&
        kept.explanation === report.explanation &&
        kept.asks === asks
      ) {
        // Each kept finding serves one place (two findings of one message are two objects, as when made).
        previous!.delete(head.message);
        same.push({ entry, kept });
        continue;
      }
      const finding = (findings[entry.at] = entry.make());
      if (!next.has(finding.message)) next.set(finding.message, { finding, explanation: report.explanation, asks });
    }
    // The code hash of its statement, whose text may have changed around it.
    const hashes = codeHashesOf(
      same.map(({ entry }) => entry.head.range),
      document.statements,
      text,
      lines,
    );
    for (let i = 0; i < same.length; i++) {
      const { entry, kept } = same[i]!;
      let finding = kept.finding;
      if (hashes[i] !== kept.finding.codeHash) {
        finding = entry.make();
        finding.codeHash = hashes[i];
      }
      findings[entry.at] = finding;
      if (!next.has(kept.finding.message)) next.set(finding.message, finding === kept.finding ? kept : { ...kept, finding });
    }
    reports.fileFindings = next;
  }

  /**
   * The statement-scope rules' reports for each statement, with the offset to
   * add to their spans: reused when the statement's text and what it read did
   * not change, else computed on the statement alone.
   */
  private *statementReports(
    cache: StatementReportCache,
    statementRules: Rule[],
  ): Steps<StatementRuns> {
    const { catalog, schemaVersion, layoutVersion, text, file } = this.input;
    const keyOf = this.reuseKeys();
    cache.begin();
    cache.indexFixes = this.indexFixBuilder;
    const { statements } = this.input.document;
    const out: StatementRuns = { cached: new Array(statements.length), byRule: new Array(statements.length), offset: new Float64Array(statements.length) };
    let added = 0;
    const add = (cached: StatementReports | undefined, byRule: RuleReport[][], offset: number) => {
      out.cached[added] = cached;
      out.byRule[added] = byRule;
      out.offset[added++] = offset;
    };
    let kept = 0;
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i]!;
      const key = keyOf(statement);
      const context = statementContext(statement, text);
      const hit = key !== undefined ? cache.get(key, context, catalog, schemaVersion, layoutVersion) : undefined;
      if (hit) {
        // Reports kept cost little: a step holds many.
        if (++kept % STATEMENTS_KEPT_PER_STEP === 0) yield;
        add(hit, hit.byRule, statement.span.start);
        continue;
      }
      yield;
      const { reports, failed } = this.runOnStatement(statement, statementRules);
      const relative = failed || key === undefined ? undefined : relativeReports(reports.byRule, statement, file);
      if (!relative) {
        add(undefined, reports.byRule, 0);
        continue;
      }
      const cached = { ...reports, byRule: relative };
      cache.set(key!, context, cached);
      add(cached, relative, statement.span.start);
    }
    cache.end();
    return out;
  }

  /**
   * What a statement's reports are kept under: its text; for a statement from
   * host code (Python, Rust), whose spans are mapped through string escapes and
   * whose rules read the code around it (the call's terminal, where `.limit()`
   * goes), the key of its host query (host/walk-cache.ts: same function
   * text, same place in it) and its place among that query's statements; none
   * when the query has no key.
   */
  private reuseKeys(): (statement: Statement) => string | undefined {
    const queries = this.input.host?.queries;
    const seen = new Map<number, number>();
    return (statement) => {
      if (statement.hostQuery === undefined) return statement.text;
      const ordinal = seen.get(statement.hostQuery) ?? 0;
      seen.set(statement.hostQuery, ordinal + 1);
      const query = queries?.[statement.hostQuery];
      const key = query && hostQueryKey(query);
      if (key === undefined) return undefined;
      // A statement of a query moved by an edit is the same object from version to version (core/engine/hostDocument.ts):
      // it keeps its key's string, whose hash the report cache's lookup then does not compute again.
      const known = reuseKeyOf.get(statement);
      if (known && known.query === key && known.ordinal === ordinal && known.text === statement.text) return known.key;
      const made = `\u0000${key}:${ordinal}\u0000${statement.text}`;
      reuseKeyOf.set(statement, { query: key, ordinal, text: statement.text, key: made });
      return made;
    };
  }

  private runOnStatement(statement: Statement, statementRules: Rule[]): { reports: StatementReports; failed: boolean } {
    const recording = new RecordingCatalog(this.input.catalog);
    const single: ParsedDocument = { ...this.input.document, statements: [statement] };
    let failed = false;
    const byRule = statementRules.map((rule) => {
      const reports: RuleReport[] = [];
      if (!this.runRule(rule, single, recording, (r) => reports.push(r))) failed = true;
      return reports;
    });
    const { schemaVersion, layoutVersion } = this.input;
    return { reports: { byRule, tables: recording.reads(), schemaVersion, layoutVersion }, failed };
  }

  /**
   * A file-scope rule that runs query by query (`Rule.perHostQuery`), with the findings of a
   * query kept from the last analyses (`StatementReportCache.hostQuery`) while its key, its
   * function's place (the findings' ranges and the line numbers a message names) and the
   * catalog tables the rule read stay the same. What a query made now is listed in `made`, to
   * be kept once the file-scope findings are final (`keepFileFindings`).
   */
  private runPerHostQuery(rule: Rule, severity: Severity, findings: Finding[], onReport: (r: RuleReport) => void, made: HostQueryMade[]): void {
    const { document, catalog, lines, schemaVersion, layoutVersion, file } = this.input;
    const host = this.input.host!;
    const cache = this.input.reports!;
    const { concerns, query: check, rest } = rule.perHostQuery!;
    // What else a finding is made of (`toFinding`): kept findings serve only where that is the same.
    const committed = rule.meta.category === 'schema' && this.host.isCommitted?.(file) === true;
    const context = `${severity}\u0000${this.input.inScripts ?? ''}\u0000${host.commandLine === true}\u0000${committed}`;
    const queries = host.queries;
    for (let index = 0; index < queries.length; index++) {
      const query = queries[index]!;
      if (!concerns(query)) continue;
      const within = hostQueryFunction(query);
      const key = within && `${rule.meta.id}\u0000${hostQueryKey(query)}\u0000${lines.positionKeyAt(within.start)}\u0000${context}`;
      const kept = key !== undefined ? cache.hostQuery(key, catalog, schemaVersion, layoutVersion) : undefined;
      if (kept) {
        for (const finding of kept) findings.push(finding);
        continue;
      }
      const recording = key !== undefined ? new RecordingCatalog(catalog) : catalog;
      const reports: RuleReport[] = [];
      let ownFunction = false;
      // A rule that throws stops there, as its whole-file run would.
      if (!this.guarded(rule, () => (ownFunction = check(this.ruleContext(document, recording, (r) => reports.push(r)), index)))) return;
      const from = findings.length;
      for (const report of reports) onReport(report);
      if (key !== undefined && ownFunction && reports.every((r) => pointsWithin(r, within!, file))) {
        made.push({ key, from, to: findings.length, tables: (recording as RecordingCatalog).reads() });
      }
    }
    this.guarded(rule, () => rest(this.ruleContext(document, catalog, onReport)));
  }

  /** Runs one rule; false when it threw (reported through `onError`). */
  private runRule(rule: Rule, document: ParsedDocument, catalog: Catalog, report: (r: RuleReport) => void): boolean {
    return this.guarded(rule, () => rule.check(this.ruleContext(document, catalog, report)));
  }

  /** Runs `run` (a rule's check); false when it threw (reported through `onError`). */
  private guarded(rule: Rule, run: () => void): boolean {
    try {
      run();
      return true;
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.host.onError(`QueryLens rule ${rule.meta.id} failed on ${this.input.file}: ${message}`);
      return false;
    }
  }

  private ruleContext(document: ParsedDocument, catalog: Catalog, report: (r: RuleReport) => void): FileContext {
    const { file, text, dialect, migration, migrations, host, models } = this.input;
    return {
      file,
      text,
      dialect,
      document,
      catalog,
      migration,
      migrations,
      ...(host ? { host } : {}),
      ...(models ? { models } : {}),
      ...(this.host.server ? { server: this.host.server } : {}),
      report,
      indexFixes: (suggestion, near) => this.indexFixes(suggestion, near, catalog),
      dropIndexFixes: (index) => dropIndexFixes(index, { dialect, catalog, migrations, textOf: (f) => this.host.textOf(f), sureDialectOf: this.host.sureDialectOf, now: new Date() }),
    };
  }

  /** The fixes that create `suggestion` (`FileContext.indexFixes`). */
  private indexFixes(suggestion: IndexSuggestion, near: Span, catalog: Catalog): CoreFix[] {
    const { file, dialect, migrations } = this.input;
    const make = () =>
      makeIndexFixes({ suggestion, near, file, dialect, catalog, migrations, textOf: (f) => this.host.textOf(f), sureDialectOf: this.host.sureDialectOf, ...(this.host.modelOf ? { modelOf: this.host.modelOf } : {}), now: new Date() });
    if (migrations.length === 0) return make();
    // With migrations the fix is a new migration, whatever `near` and the
    // positions are; writing it is the costliest part of a finding.
    const origin = catalog.getTable(suggestion.table)?.origin.file;
    const key = JSON.stringify([dialect, origin, suggestion]);
    let fixes = this.host.migrationFixes.get(key);
    if (fixes) return fixes;
    fixes = make();
    // Only new-migration fixes hold no position; an edit (a model's Index, Prisma's @@index beside its migration) must follow the text.
    if (fixes.every((fix) => fix.migration && fix.changes.every((c) => c.kind === 'create'))) this.host.migrationFixes.set(key, fixes);
    return fixes;
  }

  /** The fixes a report asked for (`RuleReport.indexFixes`), built against this version of the file: see `toFinding`. */
  private readonly indexFixBuilder: IndexFixBuilder = (request, at) => {
    const near = at ? shift(request.near, this.input.lines.offsetAt(at)) : request.near;
    return this.indexFixes(request.suggestion, near, this.input.catalog).filter((fix) => !this.editsShipped(fix)).map((fix) => this.toFix(fix, 0));
  };

  /**
   * `offset` moves the report's spans in this file (cached reports are relative to their statement).
   * The index fixes a report asks for are built when the finding's fixes are first read, by this
   * analysis, or for a finding kept for a statement's place (`placed`), by the latest analysis of
   * the file (`placed.builder()`, with the statement at `placed.at`).
   */
  private toFinding(rule: Rule, severity: Severity, report: RuleReport, offset: number, placed?: { at?: Position; builder: () => IndexFixBuilder }): Finding {
    const head = this.findingHead(rule, severity, report, offset);
    const fixes = report.fixes?.length ? report.fixes.filter((fix) => !this.editsShipped(fix)).map((fix) => this.toFix(fix, offset)) : [];
    return this.fromHead(head, report, fixes, offset, placed);
  }

  /** What the finding of `report` says where: its rule, severity (info where it is quieter), message (with why) and range. */
  private findingHead(rule: Rule, severity: Severity, report: RuleReport, offset: number): FindingHead {
    // A schema finding in shipped history is the schema as it stands, not a change under review:
    // true, but whether it costs anything depends on table sizes and traffic the code does not show.
    const inHistory = rule.meta.category === 'schema' && (this.input.migration?.shipped === true || this.input.shippedScript === true);
    // The same of an ORM model committed unchanged: its table exists as it was made (create_all, no migration of it).
    const shippedModel = rule.meta.category === 'schema' && !this.input.migration && (this.input.host !== undefined || this.input.models !== undefined) && this.host.isCommitted?.(this.input.file) === true;
    const commandLine = this.input.inScripts === undefined && this.input.host?.commandLine === true;
    const inScripts = (rule.meta.category === 'query' || rule.meta.category === 'config') && (this.input.inScripts !== undefined || commandLine);
    const quieter = (report.tentative || inHistory || shippedModel || inScripts) && (severity === 'warning' || severity === 'error');
    const scriptNote = this.input.inScripts === 'benchmark' ? BENCHMARK_NOTE : commandLine ? COMMAND_LINE_NOTE : SCRIPT_NOTE;
    const note = !quieter ? undefined : inHistory ? SHIPPED_SCHEMA_NOTE : shippedModel ? SHIPPED_MODEL_NOTE : inScripts && !report.tentative ? scriptNote : undefined;
    return {
      ruleId: rule.meta.id,
      severity: quieter ? 'info' : severity,
      message: note ? `${report.message} ${note}` : report.message,
      file: this.input.file,
      range: this.input.lines.rangeOf(shift(report.span, offset)),
    };
  }

  /** The finding of `head` (`findingHead`) with its fixes: `fixes`, then the index fixes the report asks for (see `toFinding`). */
  private fromHead(head: FindingHead, report: RuleReport, fixes: Fix[], offset: number, placed?: { at?: Position; builder: () => IndexFixBuilder }): Finding {
    const tail = {
      ...(report.explanation ? { explanation: report.explanation } : {}),
      ...(report.index ? { index: this.withTableOrigin(report.index) } : {}),
    };
    const request = report.indexFixes;
    if (!request) return { ...head, fixes, ...tail };
    if (!placed) return withIndexFixes(head, fixes, tail, () => this.indexFixBuilder, request, offset === 0 ? undefined : this.input.lines.positionAt(offset));
    return withIndexFixes(head, fixes, tail, placed.builder, request, placed.at);
  }

  /** `index` with the file its table is made in (`IndexSuggestion.madeAt`), when the catalog has it. */
  private withTableOrigin(index: IndexSuggestion): IndexSuggestion {
    const origin = this.input.catalog.getTable(index.table)?.origin;
    return origin ? { ...index, madeAt: origin.file } : index;
  }

  /** History is not rewritten: a fix that edits a shipped migration is not offered. */
  private editsShipped(fix: CoreFix): boolean {
    return fix.changes.some((change) => change.kind === 'edit' && this.host.isShipped(change.file));
  }

  private toFix(fix: CoreFix, offset: number): Fix {
    const { file, lines } = this.input;
    return {
      title: fix.title,
      ...(fix.isPreferred ? { isPreferred: true } : {}),
      ...(fix.open ? { open: fix.open } : {}),
      ...(fix.migration ? { migration: fix.migration } : {}),
      changes: fix.changes.map((change) => {
        if (change.kind === 'create') return change;
        const here = change.file === file;
        const target = here ? lines : lineIndexOf(this.host.textOf(change.file) ?? '');
        return {
          kind: 'edit' as const,
          file: change.file,
          edits: change.edits.map((e) => ({ range: target.rangeOf(shift(e.span, here ? offset : 0)), newText: e.newText })),
        };
      }),
    };
  }
}

/**
 * One warning per missing index in a file: when several queries want the same
 * index (or one that another suggestion of the file leads with), the widest
 * suggestion, first in the file, stays a warning and the others are info that
 * point at it. Each query is still shown; the index is counted once.
 * With `across` (a run over many files, in file order: the CLI), the same
 * across the files that see one schema (`schemaOf`: a key of the catalog a
 * file is checked against; two packages' `users` are two tables): the others
 * point at the file and line of the one kept.
 */
export function oneWarningPerIndex(findings: Finding[], across?: { relative(file: string): string; schemaOf(file: string): string }): Finding[] {
  const loudFindings = findings.filter(loud);
  const servedBy = new Map<Finding, Served>();
  servedByWider(loudFindings, (i, by, narrows) => servedBy.set(loudFindings[i]!, { by, narrows }), across);
  if (servedBy.size === 0) return findings;
  return findings.map((f) => {
    const by = servedBy.get(f);
    return by ? quieterCopy(f, by, across) : f;
  });
}

/** Whether a finding suggests an index at warning or error: those `oneWarningPerIndex` weighs. */
function loud(f: Finding): boolean {
  return f.index !== undefined && (f.severity === 'warning' || f.severity === 'error');
}

/**
 * Of the loud findings (`loud`, in file order), those a wider suggestion serves or one leading with their key
 * narrows, each told to `served` (by its place in `loudFindings`) with that suggestion. Typing weighs a file's
 * hundreds of loud findings: nothing is allocated per finding but its place in its kind's group. `known`: each
 * finding's kind (`indexKind`), and the only kinds to weigh.
 */
function servedByWider(
  loudFindings: readonly Finding[],
  served: (at: number, by: Finding, narrows: boolean) => void,
  across?: { relative(file: string): string; schemaOf(file: string): string },
  known?: { kinds: readonly string[]; only: ReadonlySet<string> | undefined },
): void {
  // Only suggestions of one table and kind weigh each other (servesToo): each kind's in file order.
  const groups = new Map<string, number[]>();
  for (let i = 0; i < loudFindings.length; i++) {
    const kind = known ? known.kinds[i]! : indexKind(loudFindings[i]!.index!);
    if (known?.only && !known.only.has(kind)) continue;
    const group = groups.get(kind);
    if (group) group.push(i);
    else groups.set(kind, [i]);
  }
  // The suggestions kept of the kind: only one of them can serve another.
  const kept: Finding[] = [];
  for (const group of groups.values()) {
    // Widest first; of equal width, first in the file.
    if (group.length > 1) group.sort((a, b) => loudFindings[b]!.index!.columns.length - loudFindings[a]!.index!.columns.length || a - b);
    kept.length = 0;
    for (const at of group) {
      const f = loudFindings[at]!;
      const index = f.index!;
      let wider: Finding | undefined;
      for (const k of kept) {
        if (servesToo(k.index!, index) && oneOf(k, f, across)) {
          wider = k;
          break;
        }
      }
      if (wider) {
        served(at, wider, false);
        continue;
      }
      // A suggestion leading with the key another kept suggestion leads with (`keyLead`): that one narrows this query
      // to the rows of one parent, as an existing index on the key would (narrowingIndex).
      let narrower: Finding | undefined;
      if (index.keyLead) {
        for (const k of kept) {
          if (k.index!.columns[0] === index.columns[0] && oneOf(k, f, across)) {
            narrower = k;
            break;
          }
        }
      }
      if (narrower) served(at, narrower, true);
      else kept.push(f);
    }
  }
}

/** Whether the kept suggestion `k` may serve `f`: of one file, or across files (`across`) of one table. */
function oneOf(k: Finding, f: Finding, across: { schemaOf(file: string): string } | undefined): boolean {
  return k.file === f.file || (across !== undefined && oneTable(k, f, across));
}

/** The suggestion kept that makes a finding info: one that serves it too, or one that leads with its key (`narrows`). */
interface Served {
  by: Finding;
  narrows: boolean;
}

/** `f` at info, pointing at the kept suggestion `by` that serves it too or narrows its query to one parent's rows. */
function quieterCopy(f: Finding, { by, narrows }: Served, across?: { relative(file: string): string }): Finding {
  // Served by the same finding as in the previous version: the same copy (the LSP layer keeps its diagnostic).
  const known = demoted.get(f);
  if (!across && known?.by === by) return known.quieter;
  const same = by.index!.columns.length === f.index!.columns.length && by.index!.columns.every((c, i) => f.index!.columns[i] === c);
  const where = by.file === f.file || !across ? '' : ` in ${across.relative(by.file)}`;
  const other = `the index on ${by.index!.spelled ?? by.index!.table}(${by.index!.columns.join(', ')})`;
  const key = f.index!.columns[0];
  const note = !narrows
    ? `Info, not warning: ${same ? 'the same index' : other} is suggested${where} on line ${by.range.start.line + 1} and serves this query too.`
    : `Info, not warning: ${other}, suggested${where} on line ${by.range.start.line + 1}, leads with ${key} too and narrows this query to the rows of one ${key}: ` +
      `add that one first, and this one only if one ${key} has many rows.`;
  const quieter = restated(f, { severity: 'info', message: `${f.message} ${note}` });
  if (!across) demoted.set(f, { by, quieter });
  return quieter;
}

/**
 * `oneWarningPerIndex` of one file's findings in place, given where its loud ones are (`loud`, in file order), and what
 * it made of the file's last loud ones (`last`): while they are the same findings, in the same order, each is shown as
 * it was (typing in a query without a loud finding weighs none of the file's hundreds again). Else only the kinds
 * (`indexKind`) of the findings that changed are weighed again: those of the others (before and after the changed
 * ones, the same findings in the same order) are shown as they were.
 */
function demoteServed(findings: Finding[], loudAt: number[], last: ServedFindings | undefined): ServedFindings {
  const loud = loudAt.map((at) => findings[at]!);
  if (last && sameItems(last.loud, loud)) {
    for (let i = 0; i < loudAt.length; i++) findings[loudAt[i]!] = last.shown[i]!;
    return last;
  }
  const n = loud.length;
  const m = last?.loud.length ?? 0;
  let prefix = 0;
  let suffix = 0;
  if (last) {
    const most = Math.min(n, m);
    while (prefix < most && last.loud[prefix] === loud[prefix]) prefix++;
    while (suffix < most - prefix && last.loud[m - 1 - suffix] === loud[n - 1 - suffix]) suffix++;
  }
  // The place in `last` of a finding the edit left, or -1.
  const before = (i: number) => (i < prefix ? i : i >= n - suffix ? i - n + m : -1);
  const kinds: string[] = new Array(n);
  // The kinds to weigh again: those of the findings that changed, gone or new.
  const changed = last ? new Set<string>() : undefined;
  for (let j = prefix; j < m - suffix; j++) changed!.add(last!.kinds[j]!);
  for (let i = 0; i < n; i++) {
    const j = before(i);
    kinds[i] = j >= 0 ? last!.kinds[j]! : indexKind(loud[i]!.index!);
    if (j < 0) changed?.add(kinds[i]!);
  }
  if (changed) {
    for (let i = 0; i < n; i++) {
      const j = before(i);
      if (j >= 0 && !changed.has(kinds[i]!)) findings[loudAt[i]!] = last!.shown[j]!;
    }
  }
  servedByWider(
    loud,
    (i, by, narrows) => {
      findings[loudAt[i]!] = quieterCopy(loud[i]!, { by, narrows });
    },
    undefined,
    { kinds, only: changed },
  );
  return { loud, kinds, shown: loudAt.map((at) => findings[at]!) };
}

/** Whether two lists hold the same objects in the same order. */
function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The info copy `oneWarningPerIndex` made of a finding in one file last, and the finding it points at (whose line it names). */
const demoted = new WeakMap<Finding, { by: Finding; quieter: Finding }>();

/**
 * Whether two files' suggestions on a table of one name are for one table: made in one place (`madeAt`: a
 * monorepo's packages that see one schema package through other dependencies each have a catalog, but the
 * same table), else seen through one schema.
 */
function oneTable(a: Finding, b: Finding, across: { schemaOf(file: string): string }): boolean {
  const [x, y] = [a.index!.madeAt, b.index!.madeAt];
  return x !== undefined && y !== undefined ? x === y : across.schemaOf(a.file) === across.schemaOf(b.file);
}

/** What an index suggestion must share with one that serves it: table, method, operator class. */
function indexKind(index: NonNullable<Finding['index']>): string {
  let kind = kinds.get(index);
  if (kind === undefined) kinds.set(index, (kind = `${index.table}\u0000${index.method ?? 'btree'}\u0000${index.opclass ?? ''}`));
  return kind;
}

/** `indexKind` by suggestion: a kept finding's is weighed again at each edit. */
const kinds = new WeakMap<NonNullable<Finding['index']>, string>();

/**
 * Whether the suggested index `wide` serves what `narrow` asks for: same table and kind, and it leads with `narrow`'s
 * columns; `narrow`'s leading equality columns (`equalities`) in any order.
 */
function servesToo(wide: NonNullable<Finding['index']>, narrow: NonNullable<Finding['index']>): boolean {
  if (wide.table !== narrow.table || (wide.method ?? 'btree') !== (narrow.method ?? 'btree') || wide.opclass !== narrow.opclass) return false;
  const equalities = narrow.equalities ?? 0;
  const lead = Math.min(equalities, wide.columns.length);
  const columns = narrow.columns;
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i];
    if (i < equalities ? !leadsWith(wide.columns, lead, c!) : wide.columns[i] !== c) return false;
  }
  return true;
}

/** Whether `c` is one of the first `lead` of `columns`. */
function leadsWith(columns: readonly string[], lead: number, c: string): boolean {
  for (let j = 0; j < lead; j++) if (columns[j] === c) return true;
  return false;
}

const RULE_IDS = new Set([SYNTAX_RULE_ID, ...rules.map((rule) => rule.meta.id)]);

/** Whether `id` names a rule a suppression can silence. */
function isRuleId(id: string): boolean {
  return RULE_IDS.has(id);
}

/** `findings` sorted by where they start; of one start, in the order given. */
function byPosition(findings: Finding[]): Finding[] {
  // Each finding's start as one number, read once (findings come in many shapes: slow to read in a comparison).
  const starts = new Float64Array(findings.length);
  for (let i = 0; i < findings.length; i++) starts[i] = startOf(findings[i]!);
  const order = Array.from(findings.keys()).sort((a, b) => starts[a]! - starts[b]! || a - b);
  return order.map((i) => findings[i]!);
}

/** Where a finding starts, as one number: line × 2^32 + character. */
function startOf(finding: Finding): number {
  const { start } = finding.range;
  return start.line * 0x1_0000_0000 + start.character;
}

/** A statement's findings in file order (`BlockOrder`), made once for its kept findings. */
function blockOrder(made: Placed): BlockOrder {
  if (made.order) return made.order;
  const flat: Finding[] = [];
  // Slot by slot (the rules' order), report by report: the order a whole-file run reports in.
  for (const slot of made.filled) for (const finding of made.findings[slot]!) flat.push(finding);
  const findings = byPosition(flat);
  const starts = new Float64Array(findings.length);
  const louds = new Uint8Array(findings.length);
  for (let i = 0; i < findings.length; i++) {
    starts[i] = startOf(findings[i]!);
    louds[i] = loud(findings[i]!) ? 1 : 0;
  }
  return (made.order = { findings, starts, loud: louds, hashed: false });
}

/** A file's findings in file order, where its loud ones are (`loud`), and those that may have no code hash. */
interface Assembled {
  findings: Finding[];
  loud: number[];
  unhashed: number[];
}

/**
 * `byPosition` of the whole list (`allFindings`), put together from the statements' blocks (in
 * statement order) and the other findings (`rest`: syntax errors and file-scope rules', in the
 * order reported): undefined when a block starts before the one above it ends, or one of the
 * other findings starts where a block's finding does, where the order of the whole list would
 * depend on the rules' order (the caller sorts the whole list then).
 */
function assembledInOrder(blocks: Placed[], rest: Finding[]): Assembled | undefined {
  const others = byPosition(rest);
  const otherStarts = others.map(startOf);
  const findings: Finding[] = [];
  const louds: number[] = [];
  const unhashed: number[] = [];
  let next = 0;
  const other = () => {
    const finding = others[next++]!;
    (loud(finding) ? louds : unhashed).push(findings.length);
    findings.push(finding);
  };
  let last = -1;
  for (const made of blocks) {
    const order = blockOrder(made);
    const { starts } = order;
    if (starts[0]! <= last) return undefined;
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i]!;
      while (next < others.length && otherStarts[next]! < start) other();
      if (next < others.length && otherStarts[next] === start) return undefined;
      if (order.loud[i]) louds.push(findings.length);
      else if (!order.hashed) unhashed.push(findings.length);
      findings.push(order.findings[i]!);
    }
    last = starts[starts.length - 1]!;
  }
  while (next < others.length) other();
  return { findings, loud: louds, unhashed };
}

/** The findings in the order the rules report them: `rest` with each statement rule's findings, block by block, where `groups` puts them. */
function allFindings(rest: Finding[], blocks: Placed[], groups: { slot: number; at: number }[]): Finding[] {
  const all: Finding[] = [];
  let from = 0;
  for (const { slot, at } of groups) {
    for (let i = from; i < at; i++) all.push(rest[i]!);
    from = at;
    for (const made of blocks) for (const finding of made.findings[slot]!) all.push(finding);
  }
  for (let i = from; i < rest.length; i++) all.push(rest[i]!);
  return all;
}

/**
 * A finding whose fixes are `fixes` then the index fixes `request` asks for,
 * built on first read by `builder()` (and again when it names another
 * builder: a later version of the file).
 */
function withIndexFixes(
  head: Omit<Finding, 'fixes' | 'explanation' | 'index'>,
  fixes: Fix[],
  tail: Pick<Finding, 'explanation' | 'index'>,
  builder: () => IndexFixBuilder,
  request: IndexFixRequest,
  at: Position | undefined,
): Finding {
  let built: { by: IndexFixBuilder; fixes: Fix[] } | undefined;
  return {
    ...head,
    get fixes(): Fix[] {
      const by = builder();
      if (built?.by !== by) built = { by, fixes: [...fixes, ...by(request, at)] };
      return built.fixes;
    },
    ...tail,
  };
}

/** A copy of `finding` with other values, its fixes still built when first read (`withIndexFixes`). */
function restated(finding: Finding, values: Partial<Finding>): Finding {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(finding)) as Finding;
  return Object.assign(copy, values);
}

function shift(span: Span, offset: number): Span {
  return offset === 0 ? span : { start: span.start + offset, end: span.end + offset };
}
