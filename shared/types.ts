/**
 * Types shared by the language server, the CLI and the VS Code client.
 * Everything here is plain data (JSON-serialisable): findings travel over LSP,
 * into CLI JSON/SARIF output and into the webviews unchanged.
 */

export type Severity = 'error' | 'warning' | 'info' | 'hint';
/** What a user may write for a rule in `.querylens.json`. */
export type SeveritySetting = 'off' | 'info' | 'warning' | 'error' | 'hint';

export type Dialect = 'postgres' | 'sqlite' | 'mysql';

/** 0-based line and UTF-16 character, exactly as LSP. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** One change a fix makes. `file` is an absolute path. */
export type FileChange =
  | { kind: 'edit'; file: string; edits: TextEdit[] }
  | { kind: 'create'; file: string; content: string };

/** An index as a generated migration writes it: name, table and column names exactly as the schema spells them. */
export interface IndexDefinition {
  name: string;
  /** The table, maybe schema-qualified (`app.ApiToken`). */
  table: string;
  keys: { column: string; desc?: boolean; opclass?: string }[];
  /** `gin`, `gist`, `hnsw` ...; B-tree when absent. */
  method?: string;
  /** Storage parameters: `WITH (m = 16, ef_construction = 64)`. */
  options?: Record<string, string>;
}

/** What a fix's new migration does. */
export type MigrationChange = { kind: 'createIndex' | 'dropIndex'; index: IndexDefinition };

/**
 * A fix that writes a new migration says what it does, so that several such
 * fixes applied together (`check --fix`, Fix all) are planned again as one
 * chain: distinct versions and names, each Alembic revision on the previous.
 */
export interface PlannedMigration {
  /** The migration folder (absolute path). */
  set: string;
  dialect: Dialect;
  change: MigrationChange;
  /**
   * A drizzle-kit set: the file of the Drizzle table that declares the index too (its `index().on()`),
   * edited again with the chain so that the schema and the snapshots agree.
   */
  model?: string;
}

export interface Fix {
  title: string;
  changes: FileChange[];
  /** Preferred fixes are applied by `source.fixAll.querylens` and `--fix`. */
  isPreferred?: boolean;
  /** A file the editor should open once the fix is applied (the new migration). */
  open?: string;
  /** Set when the fix only creates a new migration: what that migration does. */
  migration?: PlannedMigration;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** What is wrong, why it matters and how to fix it, in one or two sentences. */
  message: string;
  /** Absolute path of the file the finding is in. */
  file: string;
  range: Range;
  fixes: Fix[];
  /** Markdown shown on hover: the columns, the indexes that exist, why it is slow. */
  explanation?: string;
  /** The index the finding suggests (missing-index, missing-composite-index, vector-search-without-index): what `Prove index` measures. */
  index?: {
    table: string;
    columns: string[];
    method?: string;
    opclass?: string;
    options?: Record<string, string>;
    spelled?: string;
    /** Where the table is made, how many leading columns are equalities, whether it leads with a key: what `oneWarningPerIndex` weighs (the core's IndexSuggestion). */
    madeAt?: string;
    equalities?: number;
    keyLead?: boolean;
  };
  /**
   * Hash of the whitespace-collapsed text of the statement (or code) the finding
   * is about: what its fingerprint (core/baseline/fingerprint.ts) is keyed by instead of a line.
   */
  codeHash?: string;
}

export interface RuleMeta {
  /** kebab-case id, e.g. `missing-composite-index`. */
  id: string;
  description: string;
  defaultSeverity: Severity;
  /** URL of the rule's documentation page. */
  docs: string;
  fixable: boolean;
  /** `query` rules look at one statement, `schema` rules at the catalog, `migration` at migration files, `config` at pools and connections set up in code. */
  category: 'query' | 'schema' | 'migration' | 'config' | 'syntax';
}

export const SYNTAX_RULE_ID = 'syntax-error';
export const CONFIG_RULE_ID = 'invalid-config';
/** A `querylens-ignore` comment (or a rule id in one) that silences nothing (core/engine/suppression.ts). */
export const UNUSED_SUPPRESSION_RULE_ID = 'unused-suppression';

export const DOCS_BASE = 'https://github.com/querylens/querylens/blob/main/docs/rules/';
export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}${ruleId}.md`;
}
