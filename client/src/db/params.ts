/**
 * Asking for query parameters: what the user may choose (values, last values,
 * a generic plan), how a typed value becomes a ParamValue for the parameter's
 * column type, and the values remembered per query. Pure: the prompts
 * themselves are in queryCommands.ts.
 */
import type { ParamValue, QueryParam } from '../../../shared/explain';

/** What `workspaceState` offers (vscode.Memento), narrowed to what is used. */
export interface ParamStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** `benchmark` is the CodeLens's quick one; `benchmarkRun` the full one the dashboard saves and compares. */
export type QueryAction = 'explain' | 'explainAnalyze' | 'benchmark' | 'benchmarkRun' | 'proveIndex';

export type ParamChoice = 'enter' | 'last' | 'generic';

/**
 * The ways to run a query with parameters. A generic plan only exists for a
 * plain EXPLAIN: ANALYZE, benchmarks and index proofs execute the statement,
 * which needs values.
 */
export function paramChoices(action: QueryAction, remembered: string[] | undefined): ParamChoice[] {
  const choices: ParamChoice[] = [];
  if (remembered) choices.push('last');
  choices.push('enter');
  if (action === 'explain') choices.push('generic');
  return choices;
}

const NUMERIC = /^(smallint|integer|int|int2|int4|int8|bigint|serial|smallserial|bigserial|real|float|float4|float8|double precision|double|numeric|decimal|money)\b/i;
const INTEGER = /^(smallint|integer|int|int2|int4|int8|bigint|serial|smallserial|bigserial)\b/i;
const BOOLEAN = /^(boolean|bool)\b/i;
const TRUE_WORDS = ['true', 't', 'yes', 'y', 'on', '1'];
const FALSE_WORDS = ['false', 'f', 'no', 'n', 'off', '0'];

export type ParsedParam = { value: ParamValue } | { error: string };

/**
 * A typed value as the database should get it. `NULL` (any case) is SQL NULL;
 * `'text'` in single quotes is always that text (`'NULL'` is the string);
 * numeric and boolean columns want a number or a truth value; anything else
 * is sent as typed, and the database converts it to the parameter's type.
 */
export function parseParamInput(text: string, param: QueryParam): ParsedParam {
  const trimmed = text.trim();
  if (/^null$/i.test(trimmed)) return { value: null };
  if (trimmed.length >= 2 && trimmed.startsWith("'") && trimmed.endsWith("'")) return { value: trimmed.slice(1, -1).replace(/''/g, "'") };
  const type = param.type?.trim() ?? '';
  if (NUMERIC.test(type)) {
    if (trimmed === '' || !Number.isFinite(Number(trimmed))) return { error: `${param.name} is ${type}: type a number, or NULL.` };
    if (INTEGER.test(type) && !/^[+-]?\d+$/.test(trimmed)) return { error: `${param.name} is ${type}: type a whole number, or NULL.` };
    const number = Number(trimmed);
    // Beyond 2^53 a JavaScript number loses digits: the database parses the text instead.
    return { value: Number.isSafeInteger(number) || !INTEGER.test(type) ? number : trimmed };
  }
  if (BOOLEAN.test(type)) {
    const word = trimmed.toLowerCase();
    if (TRUE_WORDS.includes(word)) return { value: true };
    if (FALSE_WORDS.includes(word)) return { value: false };
    return { error: `${param.name} is ${type}: type true or false, or NULL.` };
  }
  return { value: text };
}

/** The input box's texts for one parameter: its name, column and type are what the user needs to pick a value. */
export function paramPrompt(param: QueryParam, index: number, total: number): { title: string; prompt: string; placeHolder: string } {
  const about = [param.column, param.type].filter(Boolean).join(' · ');
  return {
    title: `Query parameter ${index + 1} of ${total}: ${param.name}${param.type ? ` (${param.type})` : ''}`,
    prompt: `Value of ${param.name}${about ? ` — ${about}` : ''}. NULL for SQL NULL; 'quotes' to force text.`,
    placeHolder: param.type ? `a ${param.type} value` : 'a value',
  };
}

/** How remembered values read in a picker: `42, 'pending'`. */
export function describeValues(texts: string[], params: QueryParam[]): string {
  return texts
    .map((text, i) => {
      const parsed = parseParamInput(text, params[i] ?? { name: `$${i + 1}` });
      if ('error' in parsed) return text;
      return parsed.value === null ? 'NULL' : typeof parsed.value === 'string' ? `'${parsed.value}'` : String(parsed.value);
    })
    .join(', ');
}

/** The values last typed for each query, kept in the workspace state under the query's key. */
export class ParamMemory {
  private static readonly PREFIX = 'querylens.params/';

  constructor(private readonly store: ParamStore) {}

  /** The texts last typed for this query, when they still fit its parameters. */
  recall(queryKey: string, params: QueryParam[]): string[] | undefined {
    const saved = this.store.get<unknown>(ParamMemory.PREFIX + queryKey);
    if (!Array.isArray(saved) || saved.length !== params.length || !saved.every((v) => typeof v === 'string')) return undefined;
    return saved as string[];
  }

  async remember(queryKey: string, texts: string[]): Promise<void> {
    await this.store.update(ParamMemory.PREFIX + queryKey, texts);
  }

  /** Parses remembered or typed texts; the first error when one does not fit its parameter. */
  static values(texts: string[], params: QueryParam[]): { values: ParamValue[] } | { error: string } {
    const values: ParamValue[] = [];
    for (const [i, param] of params.entries()) {
      const parsed = parseParamInput(texts[i] ?? '', param);
      if ('error' in parsed) return parsed;
      values.push(parsed.value);
    }
    return { values };
  }
}
