/**
 * A RuleTester in ESLint's style: each case is a small workspace (a schema
 * file, migrations, the analysed file), parsed with the real parser, with the
 * catalog from the real `buildCatalog` and index fixes from the engine's
 * `makeIndexFixes`. One rule runs; `valid` cases must report nothing, `invalid`
 * cases must report exactly the listed errors (message, exact span, fixes) and,
 * with their in-file fixes applied, produce `output`.
 */
import assert from 'node:assert/strict';
import type { Dialect } from '../../../shared/types';
import { buildCatalog, type CatalogInput } from '../../../server/src/core/catalog/build';
import type { MigrationSet } from '../../../server/src/core/catalog/types';
import { dropIndexFixes, makeIndexFixes, withBuiltIndexFixes } from '../../../server/src/core/engine/fixes';
import type { CoreFix, FileContext, MigrationPosition, Rule, RuleReport } from '../../../server/src/core/rules/types';
import { initParsers, parseDocument } from '../../../server/src/core/sql/parse';

export const ROOT = '/ws';
export const SCHEMA_FILE = `${ROOT}/schema.sql`;
export const CODE_FILE = `${ROOT}/queries.sql`;
export const MIGRATIONS_DIR = `${ROOT}/migrations`;

export interface Setup {
  /** The analysed file's text. */
  code: string;
  dialect?: Dialect;
  /** A DDL file applied after the migrations. */
  schema?: string;
  /** Up migrations, applied in this order (apply order = index). */
  migrations?: string[];
  /**
   * Analyse `code` as migration number `index` (its up file, or its down file
   * with `isDown`). Without it, `code` is a plain SQL file applied last.
   */
  asMigration?: { index: number; isDown?: boolean };
}

export function migrationFile(index: number, down = false): string {
  return `${MIGRATIONS_DIR}/${String(index + 1).padStart(6, '0')}_m${index + 1}.${down ? 'down' : 'up'}.sql`;
}

/** Parses the workspace, builds the catalog and runs one rule on `code`. */
export function runRule(rule: Rule, setup: Setup): { reports: RuleReport[]; file: string } {
  const dialect = setup.dialect ?? 'postgres';
  const texts = new Map<string, string>();
  const inputs: CatalogInput[] = [];
  const migrations = [...(setup.migrations ?? [])];
  const position = setup.asMigration;
  if (position && !position.isDown) migrations[position.index] = setup.code;

  migrations.forEach((text, i) => {
    if (text === undefined) return;
    texts.set(migrationFile(i), text);
    inputs.push({ file: migrationFile(i), document: parseDocument(text, dialect), order: i });
  });
  const afterMigrations = migrations.length;
  if (setup.schema !== undefined) {
    texts.set(SCHEMA_FILE, setup.schema);
    inputs.push({ file: SCHEMA_FILE, document: parseDocument(setup.schema, dialect), order: afterMigrations });
  }
  const file = position ? migrationFile(position.index, position.isDown) : CODE_FILE;
  const document = parseDocument(setup.code, dialect);
  assert.deepEqual(document.errors, [], `the case's code must parse: ${setup.code}`);
  texts.set(file, setup.code);
  if (!position) inputs.push({ file, document, order: afterMigrations + 1 });

  const catalog = buildCatalog(inputs);
  const sets: MigrationSet[] =
    migrations.length > 0
      ? [
          {
            tool: 'golang-migrate',
            dir: MIGRATIONS_DIR,
            migrations: migrations.map((_, i) => ({
              version: String(i + 1).padStart(6, '0'),
              description: `m${i + 1}`,
              upFile: migrationFile(i),
              downFile: migrationFile(i, true),
            })),
          },
        ]
      : [];
  const migration: MigrationPosition | undefined = position
    ? { set: sets[0], index: position.index, order: position.index, isDown: !!position.isDown, shipped: false }
    : undefined;

  const reports: RuleReport[] = [];
  const ctx: FileContext = {
    file,
    text: setup.code,
    dialect,
    document,
    catalog,
    migration,
    migrations: sets,
    report: (r) => reports.push(withBuiltIndexFixes(r, ctx.indexFixes)),
    indexFixes: (suggestion, near) =>
      makeIndexFixes({
        suggestion,
        near,
        file,
        dialect,
        catalog,
        migrations: sets,
        textOf: (f) => texts.get(f),
        now: new Date('2026-01-02T03:04:05Z'),
      }),
    dropIndexFixes: (index) => dropIndexFixes(index, { dialect, catalog, migrations: sets, textOf: (f) => texts.get(f), now: new Date('2026-01-02T03:04:05Z') }),
  };
  rule.check(ctx);
  return { reports, file };
}

/** Applies the first fix of every report, keeping only edits to `file`. */
export function applyInFileFixes(text: string, file: string, reports: RuleReport[]): string {
  const edits = reports
    .flatMap((r) => (r.fixes?.[0] ? [r.fixes[0]] : []))
    .flatMap((fix) => fix.changes)
    .flatMap((c) => (c.kind === 'edit' && c.file === file ? c.edits : []))
    .sort((a, b) => b.span.start - a.span.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

export interface ExpectedError {
  /** Substrings the message must contain (or a pattern it must match). */
  message: (string | RegExp)[];
  /** The exact text the span covers. */
  span: string;
  /** Its start offset; defaults to the first occurrence of `span` in the code. */
  start?: number;
  /** Titles of the fixes, in order ([] = no fix). */
  fixes?: string[];
  /** Substrings the hover explanation must contain. */
  explanation?: string[];
  /** True when the rule is unsure and the finding goes to `info` (RuleReport.tentative); false by default. */
  tentative?: boolean;
}

export interface ValidCase extends Setup {
  name: string;
}

export interface InvalidCase extends Setup {
  name: string;
  errors: ExpectedError[];
  /** The code with every report's first in-file fix applied; defaults to the code unchanged. */
  output?: string;
}

let parsersReady: Promise<void> | undefined;

/** Declares a mocha suite for one rule, in ESLint RuleTester's shape. */
export function ruleTester(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(rule.meta.id, () => {
    before(() => (parsersReady ??= initParsers()));

    describe('valid', () => {
      for (const c of cases.valid) {
        it(c.name, () => {
          const { reports } = runRule(rule, c);
          assert.deepEqual(
            reports.map((r) => `${c.code.slice(r.span.start, r.span.end)}: ${r.message}`),
            [],
          );
        });
      }
    });

    describe('invalid', () => {
      for (const c of cases.invalid) {
        it(c.name, () => {
          const { reports, file } = runRule(rule, c);
          assert.equal(
            reports.length,
            c.errors.length,
            `expected ${c.errors.length} report(s), got: ${JSON.stringify(reports.map((r) => r.message), null, 1)}`,
          );
          c.errors.forEach((expected, i) => checkReport(c.code, reports[i], expected));
          assert.equal(applyInFileFixes(c.code, file, reports), c.output ?? c.code);
        });
      }
    });
  });
}

export function checkReport(code: string, report: RuleReport, expected: ExpectedError): void {
  for (const part of expected.message) {
    if (typeof part === 'string') assert.ok(report.message.includes(part), `message ${JSON.stringify(report.message)} lacks ${JSON.stringify(part)}`);
    else assert.match(report.message, part);
  }
  assert.equal(code.slice(report.span.start, report.span.end), expected.span, 'span text');
  const start = expected.start ?? code.indexOf(expected.span);
  assert.deepEqual(report.span, { start, end: start + expected.span.length }, 'span offsets');
  if (expected.fixes) assert.deepEqual((report.fixes ?? []).map((f: CoreFix) => f.title), expected.fixes, 'fix titles');
  for (const part of expected.explanation ?? []) {
    assert.ok(report.explanation?.includes(part), `explanation lacks ${JSON.stringify(part)}:\n${report.explanation}`);
  }
  assert.equal(!!report.tentative, !!expected.tentative, `tentative (reported at info): ${report.message}`);
}
