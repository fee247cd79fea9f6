/**
 * Reports of the statement-scope rules, kept per statement so that an edit
 * re-runs the rules only on the statements it touched. Typing in a 5,000-line
 * file changes one statement; the other thousands keep their reports, moved to
 * their new offsets.
 *
 * A statement's reports depend on its text, on whether it sits in a
 * transaction block and at the start of a line (the only context around it the
 * rules and their fixes read), on the migration sets, and on the catalog tables
 * the rules looked up for it. The tables are recorded while the rules run and
 * compared by content on reuse, so a schema change (a column typed into a
 * CREATE TABLE) re-runs only the statements that read the changed table.
 */
import type { Finding, Fix, Position } from '../../../../shared/types';
import type { Catalog, TableInfo } from '../catalog/types';
import { rebase } from '../sql/chunk';
import type { Span, Statement } from '../sql/model';
import type { IndexFixRequest, RuleReport } from '../rules/types';

/** The context of a statement's reports that does not live in its text: 0 to 3. */
export function statementContext(statement: Statement, text: string): number {
  const start = statement.span.start;
  const atLineStart = start === 0 || text.charCodeAt(start - 1) === 10 || text.charCodeAt(start - 1) === 13;
  return (statement.inTransaction ? 2 : 0) + (atLineStart ? 1 : 0);
}

/** What one statement's rules reported, spans relative to the statement start. */
export interface StatementReports {
  /** Reports by rule, in the order the engine passed the rules. */
  byRule: RuleReport[][];
  /** Catalog tables the rules looked up, with their fingerprint then; undefined when they walked the whole catalog. */
  tables?: Map<string, string>;
  schemaVersion: number;
  layoutVersion: number;
  /** The findings made of `byRule` at the start positions the statement had in the file's last analyses. */
  placed?: PlacedFindings;
}

/**
 * Findings by start position (`LineIndex.positionKeyAt`), each with the
 * analysis that last placed or found them: those of the last analysis that
 * read these reports (`analysis`) and of the one before it (`previous`)
 * serve, older ones are gone. A file may hold the same statement hundreds of
 * times; each keeps its findings while it stays in place. Typing reads every
 * statement's reports at each edit: moving on to a new analysis allocates
 * nothing.
 */
interface PlacedFindings {
  analysis: number;
  previous: number;
  byKey: Map<number, Placed>;
}

/** A statement's findings at one position, by rule slot, and the slots that hold any. */
export interface Placed {
  findings: Finding[][];
  filled: number[];
  analysis: number;
  /** Its findings in file order, made when the file's findings are first assembled with them (analysis.ts `blockOrder`). */
  order?: BlockOrder;
}

/**
 * A statement's findings as the file's list orders them (by start, then rule, then report),
 * with what assembling the list reads of each, kept with the findings: typing assembles the
 * list of a file's thousands of findings at each edit from the statements' kept findings.
 */
export interface BlockOrder {
  findings: Finding[];
  /** Each finding's start (line × 2^32 + character). */
  starts: Float64Array;
  /** Whether each finding suggests an index at warning or error (`oneWarningPerIndex` weighs those). */
  loud: Uint8Array;
  /** Every finding but the loud ones has its code hash (a loud one may be in the list as its quieter copy: `oneWarningPerIndex`). */
  hashed: boolean;
}

/** Positions a statement's placed findings may hold before those that no longer serve are dropped. */
const PLACED_MAX = 8;

/**
 * The findings made of cached reports for a statement starting at the
 * position `key` (`LineIndex.positionKeyAt`), if any (`placeFindings`). Their
 * ranges depend only on the statement's text and start position, so a
 * statement an edit did not move (typing within a line moves only that line)
 * keeps its finding objects, and the LSP layer its diagnostics. `analysis`
 * counts the file's analyses (StatementReportCache).
 */
export function placedFindings(reports: StatementReports, key: number, analysis: number): Placed | undefined {
  let placed = reports.placed;
  if (!placed) placed = reports.placed = { analysis, previous: -1, byKey: new Map() };
  else if (placed.analysis !== analysis) {
    placed.previous = placed.analysis;
    placed.analysis = analysis;
  }
  const entry = placed.byKey.get(key);
  if (!entry || (entry.analysis !== analysis && entry.analysis !== placed.previous)) return undefined;
  entry.analysis = analysis;
  return entry;
}

/** Keeps the findings made of `reports` at the position `key` (after `placedFindings` found none there). */
export function placeFindings(reports: StatementReports, key: number, findings: Finding[][]): Placed {
  const placed = reports.placed!;
  if (placed.byKey.size >= PLACED_MAX) {
    for (const [k, entry] of placed.byKey) if (entry.analysis !== placed.analysis && entry.analysis !== placed.previous) placed.byKey.delete(k);
  }
  const entry = { findings, filled: filledSlots(findings), analysis: placed.analysis };
  placed.byKey.set(key, entry);
  return entry;
}

/** The slots of `findings` that hold any. */
export function filledSlots(findings: Finding[][]): number[] {
  const filled: number[] = [];
  for (let slot = 0; slot < findings.length; slot++) if (findings[slot]!.length > 0) filled.push(slot);
  return filled;
}

/**
 * Builds the index fixes a report asked for (`RuleReport.indexFixes`), its
 * statement starting at `at` (else its `near` is where it is in the file).
 */
export type IndexFixBuilder = (request: IndexFixRequest, at?: Position) => Fix[];

/** A file-scope rule's finding and what of its report is not in it (`StatementReportCache.fileFindings`). */
export interface KeptFileFinding {
  finding: Finding;
  explanation: string | undefined;
  /** The JSON of the report's index and index fix request. */
  asks: string;
}

/** A file's findings that suggest an index at warning or error (`oneWarningPerIndex` weighs those), in file order, and what each is shown as: itself, or its info copy. */
export interface ServedFindings {
  loud: Finding[];
  /** Each loud finding's index kind (table, method, operator class): only findings of one kind weigh each other. */
  kinds: string[];
  shown: Finding[];
}

/** Reports by statement context (`statementContext`), each with the analysis that last used it. */
interface ByContext {
  reports: (StatementReports | undefined)[];
  used: number[];
}

/**
 * Per-file store of statement reports, by statement text then context (keyed
 * by the text itself: the strings of unchanged statements carry over from the
 * previous parse, so their hashes are already known). `begin` starts an
 * analysis; entries not used by it are dropped at `end`, so the store holds
 * one file version's worth. Typing reads every statement's entry at each
 * edit: that marks it, no new entry is made.
 */
export class StatementReportCache {
  private readonly entries = new Map<string, ByContext>();
  /** Entries used by this analysis or later stay at `end`: those of the analyses since the last that ended. */
  private keepFrom = 0;
  /** An analysis began and has not ended (it may have been stopped half-way). */
  private open = false;
  /**
   * The index fixes of findings made from these reports, as the file's latest
   * analysis builds them: a finding kept for a statement that did not move
   * serves later versions too, whose catalog and text its fixes must follow.
   * So a finding's fixes are those of the latest version (read them from its
   * current findings).
   */
  indexFixes?: IndexFixBuilder;

  /** Counts the analyses (`placedFindings`). */
  analysis = 0;

  /**
   * The file-scope rules' findings of the last analysis that ended, by message, with what
   * they were made of (`FileAnalysis.keepFileFindings`): a finding made again the same is
   * the same object, so the LSP layer keeps its diagnostic.
   */
  fileFindings?: Map<string, KeptFileFinding>;

  /** The file's loud findings in the last analysis that finished, and what each was shown as (analysis.ts `demoteServed`). */
  served?: ServedFindings;

  begin(): void {
    // After an analysis stopped half-way, what it used is kept for this one.
    if (!this.open) this.keepFrom = this.analysis + 1;
    this.open = true;
    this.analysis++;
  }

  end(): void {
    // Every entry is looked at, at each edit: no entry pair made for each.
    this.entries.forEach((byContext, text) => {
      let kept = false;
      for (let context = 0; context < byContext.reports.length; context++) {
        if (byContext.reports[context] === undefined) continue;
        if (byContext.used[context]! >= this.keepFrom) kept = true;
        else byContext.reports[context] = undefined;
      }
      if (!kept) this.entries.delete(text);
    });
    this.open = false;
  }

  /** Reusable reports for the statement, if none of what they depend on changed. */
  get(text: string, context: number, catalog: Catalog, schemaVersion: number, layoutVersion: number): StatementReports | undefined {
    const byContext = this.entries.get(text);
    const hit = byContext?.reports[context];
    if (!hit || !stillRead(hit, catalog, schemaVersion, layoutVersion)) return undefined;
    byContext!.used[context] = this.analysis;
    return hit;
  }

  /** File-scope rules' findings per host query (`Rule.perHostQuery`), by rule, query key, place and finding context. */
  private readonly hostQueries = new Map<string, HostQueryFindings>();

  /** The findings kept under `key` (`keepHostQuery`), if none of what they depend on changed. */
  hostQuery(key: string, catalog: Catalog, schemaVersion: number, layoutVersion: number): Finding[] | undefined {
    const hit = this.hostQueries.get(key);
    if (!hit || !stillRead(hit, catalog, schemaVersion, layoutVersion)) return undefined;
    hit.used = this.analysis;
    return hit.findings;
  }

  keepHostQuery(key: string, findings: Finding[], tables: Map<string, string> | undefined, schemaVersion: number, layoutVersion: number): void {
    this.hostQueries.set(key, { findings, ...(tables ? { tables } : {}), schemaVersion, layoutVersion, used: this.analysis });
  }

  /** Drops the host queries' findings this analysis did not use: the store holds one version's worth. */
  endHostQueries(): void {
    for (const [key, entry] of this.hostQueries) if (entry.used !== this.analysis) this.hostQueries.delete(key);
  }

  set(text: string, context: number, reports: StatementReports): void {
    let byContext = this.entries.get(text);
    if (!byContext) this.entries.set(text, (byContext = { reports: [], used: [] }));
    byContext.reports[context] = reports;
    byContext.used[context] = this.analysis;
  }
}

/** A host query's findings of one file-scope rule (`StatementReportCache.hostQuery`). */
interface HostQueryFindings {
  findings: Finding[];
  /** Catalog tables the rule looked up, with their fingerprint then; undefined when it walked the whole catalog. */
  tables?: Map<string, string>;
  schemaVersion: number;
  layoutVersion: number;
  used: number;
}

/** Whether what was computed with `read`'s versions and tables still holds (updating its schema version when the tables did not change). */
function stillRead(read: { tables?: Map<string, string>; schemaVersion: number; layoutVersion: number }, catalog: Catalog, schemaVersion: number, layoutVersion: number): boolean {
  if (read.layoutVersion !== layoutVersion) return false;
  if (read.schemaVersion !== schemaVersion) {
    if (!read.tables) return false;
    // Every statement that read a table is asked after a schema change: no entry pair made per table.
    for (const name of read.tables.keys()) if (tableFingerprint(catalog, name) !== read.tables.get(name)) return false;
    read.schemaVersion = schemaVersion;
  }
  return true;
}

/**
 * The reports made relative to `statement`, or undefined when one of them
 * points outside it (an edit in another file, or in this file before or after
 * the statement): such positions move independently of the statement's text.
 */
export function relativeReports(byRule: RuleReport[][], statement: Statement, file: string): RuleReport[][] | undefined {
  const { start, end } = statement.span;
  const inside = (span: Span) => span.start >= start && span.end <= end;
  for (const reports of byRule) {
    for (const report of reports) {
      if (!inside(report.span) || (report.indexFixes && !inside(report.indexFixes.near))) return undefined;
      for (const fix of report.fixes ?? []) {
        for (const change of fix.changes) {
          if (change.kind === 'edit' && (change.file !== file || !change.edits.every((e) => inside(e.span)))) return undefined;
        }
      }
    }
  }
  return rebase(byRule, -start);
}

/** A catalog that remembers which tables were looked up; walking all tables is remembered too. */
export class RecordingCatalog implements Catalog {
  readonly looked = new Set<string>();
  walkedAll = false;

  constructor(private readonly inner: Catalog) {}

  get tables(): Map<string, TableInfo> {
    this.walkedAll = true;
    return this.inner.tables;
  }

  getTable(name: string): TableInfo | undefined {
    this.looked.add(name);
    return this.inner.getTable(name);
  }

  /** The looked-up tables with their fingerprints, or undefined after a walk of the whole catalog. */
  reads(): Map<string, string> | undefined {
    if (this.walkedAll) return undefined;
    return new Map([...this.looked].map((name) => [name, tableFingerprint(this.inner, name)]));
  }
}

const fingerprints = new WeakMap<Catalog, Map<string, string>>();

/**
 * A table's content without source positions: cached statement reports never
 * carry catalog positions (see `relativeReports`), so only the content matters.
 */
export function tableFingerprint(catalog: Catalog, name: string): string {
  let memo = fingerprints.get(catalog);
  if (!memo) fingerprints.set(catalog, (memo = new Map()));
  let fingerprint = memo.get(name);
  if (fingerprint === undefined) {
    const table = catalog.getTable(name);
    fingerprint = table ? JSON.stringify(table, withoutPositions) : '';
    // The same string as the last one made of a table of that name while it reads the same: a catalog built again
    // (a schema change) has new tables, and every statement that read one compares its fingerprint at once.
    const before = latestFingerprints.get(name);
    if (before === fingerprint) fingerprint = before;
    else latestFingerprints.set(name, fingerprint);
    memo.set(name, fingerprint);
  }
  return fingerprint;
}

/** The fingerprint last made of a table, by name (`tableFingerprint`). */
const latestFingerprints = new Map<string, string>();

function withoutPositions(key: string, value: unknown): unknown {
  if (key === 'span' || key === 'keywordSpan') return undefined;
  return value instanceof Map ? [...value] : value;
}
