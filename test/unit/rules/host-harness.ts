/**
 * The RuleTester for host code (Python, Rust): a case gives the source text
 * and its extraction — hand-built with the builders below, or produced by the
 * real extractor — and the harness builds the FileContext the engine does:
 * `host` set, and the engine's own `hostDocument` (one statement per extracted
 * query, spans mapped into the file, linked by `hostQuery`).
 * Valid/invalid cases, exact spans and fixed output as in `harness.ts`.
 */
import assert from 'node:assert/strict';
import { LANGUAGES, type HostLanguage } from '../../../shared/languages';
import type { Dialect } from '../../../shared/types';
import { buildCatalog, type CatalogInput } from '../../../server/src/core/catalog/build';
import { makeIndexFixes, withBuiltIndexFixes } from '../../../server/src/core/engine/fixes';
import { hostDocument } from '../../../server/src/core/engine/hostDocument';
import type {
  EmbeddedSql, HostExtraction, HostQuery, HostWrite, LoopContext, AttributeAccess, HostModel,
} from '../../../server/src/core/host/types';
import type { Predicate, QueryModel, Span } from '../../../server/src/core/sql/model';
import type { FileContext, Rule, RuleReport } from '../../../server/src/core/rules/types';
import { emptyQuery } from '../../../server/src/core/sql/build';
import { initParsers, parseDocument } from '../../../server/src/core/sql/parse';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { applyInFileFixes, checkReport, ROOT, SCHEMA_FILE, type ExpectedError } from './harness';

export interface HostSetup {
  code: string;
  /** A host language (python by default); names the file `app` plus its first extension (`app.py`, `app.rs`). */
  language?: HostLanguage;
  /** The analysed file's path under the workspace root, when its place matters (`scripts/fix.py`). */
  path?: string;
  dialect?: Dialect;
  /** DDL for the catalog. */
  schema?: string;
  /** The configured server the pools share. */
  server?: FileContext['server'];
  /** The extraction of `code`. */
  host: (code: string) => HostExtraction;
}

export interface HostValidCase extends HostSetup {
  name: string;
}

export interface HostInvalidCase extends HostSetup {
  name: string;
  errors: ExpectedError[];
  output?: string;
}

export function runHostRule(rule: Rule, setup: HostSetup): { reports: RuleReport[]; file: string } {
  const dialect = setup.dialect ?? 'postgres';
  const file = `${ROOT}/${setup.path ?? appFile(setup.language)}`;
  const host = setup.host(setup.code);
  const document = hostDocument(setup.code, host, dialect);
  // The file's own ORM models count, as in the engine.
  const inputs: CatalogInput[] = [{ file, document, order: 1 }];
  if (setup.schema) inputs.push({ file: SCHEMA_FILE, document: parseDocument(setup.schema, dialect), order: 0 });
  const catalog = buildCatalog(inputs);
  const reports: RuleReport[] = [];
  const ctx: FileContext = {
    file,
    text: setup.code,
    dialect,
    document,
    catalog,
    migrations: [],
    host,
    ...(setup.server ? { server: setup.server } : {}),
    report: (r) => reports.push(withBuiltIndexFixes(r, ctx.indexFixes)),
    indexFixes: (suggestion, near) =>
      makeIndexFixes({
        suggestion, near, file, dialect, catalog, migrations: [],
        textOf: (f) => (f === file ? setup.code : f === SCHEMA_FILE ? setup.schema : undefined),
        now: new Date('2026-01-02T03:04:05Z'),
      }),
    dropIndexFixes: () => [],
  };
  rule.check(ctx);
  return { reports, file };
}

let ready: Promise<unknown> | undefined;

export function hostRuleTester(rule: Rule, title: string, cases: { valid: HostValidCase[]; invalid: HostInvalidCase[] }): void {
  describe(`${rule.meta.id} (${title})`, () => {
    before(() => (ready ??= Promise.all([initParsers(), initHostParsers()])));
    describe('valid', () => {
      for (const c of cases.valid) {
        it(c.name, () => {
          const { reports } = runHostRule(rule, c);
          assert.deepEqual(reports.map((r) => `${c.code.slice(r.span.start, r.span.end)}: ${r.message}`), []);
        });
      }
    });
    describe('invalid', () => {
      for (const c of cases.invalid) {
        it(c.name, () => {
          const { reports, file } = runHostRule(rule, c);
          assert.equal(reports.length, c.errors.length, `expected ${c.errors.length} report(s), got: ${JSON.stringify(reports.map((r) => r.message), null, 1)}`);
          c.errors.forEach((expected, i) => checkReport(c.code, reports[i], expected));
          assert.equal(applyInFileFixes(c.code, file, reports), c.output ?? c.code);
        });
      }
    });
  });
}

// ---------------------------------------------------------------------------
// Builders for hand-made extractions: spans found by the text they cover

/** The span of the `nth` occurrence of `needle` in `code`. */
export function at(code: string, needle: string, nth = 0): Span {
  let start = -1;
  for (let i = 0; i <= nth; i++) start = code.indexOf(needle, start + 1);
  assert.ok(start >= 0, `${JSON.stringify(needle)} (#${nth}) in the case's code`);
  return { start, end: start + needle.length };
}

/** From the start of `first` to the end of `last` (searched after `first`). */
export function between(code: string, first: string, last: string): Span {
  const start = at(code, first).start;
  const end = code.indexOf(last, start);
  assert.ok(end >= 0, `${JSON.stringify(last)} after ${JSON.stringify(first)}`);
  return { start, end: end + last.length };
}

/**
 * A plain (escape-free) string literal `"..."` of the code as EmbeddedSql.
 * `params` rewrites driver parameters the way the Python extractor does for
 * PostgreSQL (`{ ':agent_id': '$1' }`): each placeholder unit maps onto the
 * source it replaces, clamped to its last unit.
 */
export function embedded(code: string, literal: string, dialect?: Dialect, params: Record<string, string> = {}): EmbeddedSql {
  const span = at(code, literal);
  const quote = /^[rbuf]*("""|'''|"|')/i.exec(literal)![0].length;
  const closing = /("""|'''|"|')$/.exec(literal)![0].length;
  const content = literal.slice(quote, literal.length - closing);
  const base = span.start + quote;
  let text = '';
  const offsets: number[] = [];
  for (let i = 0; i < content.length; ) {
    const param = Object.keys(params).find((p) => content.startsWith(p, i));
    if (param) {
      for (let k = 0; k < params[param].length; k++) offsets.push(base + i + Math.min(k, param.length - 1));
      text += params[param];
      i += param.length;
    } else {
      text += content[i];
      offsets.push(base + i);
      i++;
    }
  }
  offsets.push(base + content.length);
  return { text, offsets, literal: span, dialect };
}

export function loop(code: string, header: string, last: string, fields: Partial<LoopContext> = {}): LoopContext {
  const m = /^(?:async\s+)?for\s+\(?([\w, ]+?)\)?\s+in\s+(.+?):?\s*\{?$/.exec(header);
  return {
    kind: header.startsWith('async') ? 'async-for' : 'for',
    span: between(code, header, last),
    targets: m ? m[1].split(',').map((t) => t.trim()) : [],
    iterable: m?.[2],
    ...fields,
  };
}

export function query(fields: Partial<HostQuery> & Pick<HostQuery, 'kind' | 'span'>): HostQuery {
  return { statementKind: 'select', terminal: 'all', loops: [], parameterRoots: [], eagerLoads: [], ...fields };
}

export interface PredicateSpec {
  /** The whole predicate as written (`Conversation.agent_id == agent.id`). */
  text: string;
  /** The column part as written (`Conversation.agent_id`). */
  columnText: string;
  column: string;
  op?: Predicate['op'];
  valueKind?: Predicate['valueKind'];
  pattern?: string;
  nth?: number;
}

/** An ORM query's model: one table, its predicates, spans in the code. */
export function ormModel(code: string, table: string, predicates: PredicateSpec[] = [], fields: Partial<QueryModel> = {}): QueryModel {
  return {
    ...emptyQuery('select'),
    tables: [{ name: table, span: { start: 0, end: 0 } }],
    predicates: predicates.map((p) => {
      const span = at(code, p.text, p.nth ?? 0);
      const colStart = code.indexOf(p.columnText, span.start);
      return {
        column: { table, column: p.column, span: { start: colStart, end: colStart + p.columnText.length } },
        op: p.op ?? 'eq',
        valueKind: p.valueKind ?? 'param',
        pattern: p.pattern,
        disjunctive: false,
        span,
      };
    }),
    ...fields,
  };
}

/** `app` plus the language's first extension (shared/languages.ts). */
export function appFile(language: HostLanguage = 'python'): string {
  return `app${LANGUAGES.find((l) => l.id === language)!.extensions[0]}`;
}

export function extraction(fields: {
  language?: HostLanguage;
  queries?: HostQuery[];
  writes?: HostWrite[];
  accesses?: AttributeAccess[];
  models?: HostModel[];
}): HostExtraction {
  return { language: 'python', queries: [], writes: [], accesses: [], models: [], errors: [], ...fields };
}
