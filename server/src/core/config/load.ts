/**
 * Reads `.querylens.json` (JSON with comments and trailing commas). Never
 * throws: every problem is reported with the exact range of the offending
 * text, and the bad parts fall back to their defaults.
 */
import * as path from 'node:path';
import { type Node, type ParseError, SyntaxKind, createScanner, getNodeValue, parseTree, printParseErrorCode } from 'jsonc-parser';
import { MAX_SHADOW_ROWS } from '../../../../shared/connections';
import type { Dialect, Range, SeveritySetting } from '../../../../shared/types';
import { parseBenchmarkConfig } from './benchmarks';
import { parseHealthConfig } from './health';
import { globProblem, unmatchedGlobs } from './globs';
import { MAX_CONFIG_BYTES, readTextFile } from './read';
import { CONFIG_FILE_NAME, type ConfigProblem, type LoadedConfig, type QueryLensConfig, type RuleOverride, type ServerLimits, defaultConfig } from './types';

const DIALECTS: readonly Dialect[] = ['postgres', 'sqlite', 'mysql'];
const SEVERITIES: readonly SeveritySetting[] = ['off', 'info', 'warning', 'error', 'hint'];
/** Deeper than any real config; the JSON parser recurses per level, so a deeper file could exhaust the stack. */
const MAX_DEPTH = 64;
const KNOWN_KEYS = ['$schema', 'dialect', 'rules', 'overrides', 'include', 'exclude', 'ignorePatterns', 'includeTests', 'migrations', 'migrationsFrom', 'shadow', 'benchmarks', 'health', 'server'];
const MIGRATIONS_SHAPE = '"migrations" must be an array of folders relative to the workspace root, or an object { "folders": [...], "checkFrom": "<first migration to check>" }.';
const OVERRIDE_SHAPE = '{ "files": ["scripts/**"], "rules": { "select-star": "off" } }';

type Problem = (node: Node, message: string, severity?: 'error' | 'warning') => void;

export interface LoadOptions {
  /**
   * Whether an explicit file may lie outside `root` (the CLI's `--config`, typed
   * by the user). The default file, and a path from the editor's settings (which
   * a repository can set), must be inside.
   */
  allowOutside?: boolean;
}

/**
 * Reads `explicitFile` (relative to `root`) or `<root>/.querylens.json`; defaults when there is none.
 * Only a regular file of at most 1 MB inside the folder is read: anything else is an error, never a hang.
 */
export async function loadConfig(root: string, explicitFile?: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  const file = path.resolve(root, explicitFile ?? CONFIG_FILE_NAME);
  const within = explicitFile !== undefined && options.allowOutside ? undefined : root;
  const read = await readTextFile(file, { maxBytes: MAX_CONFIG_BYTES, within });
  if (read.error === undefined) return parseConfigText(read.text, file);
  const missing = read.missing === true;
  if (missing && explicitFile === undefined) return { config: defaultConfig(), problems: [] };
  const message = missing ? `Config file ${file} does not exist.` : `Cannot read config file ${file}: ${read.error}.`;
  return { config: defaultConfig(), file, problems: [{ message, severity: 'error' }] };
}

export function parseConfigText(text: string, file?: string): LoadedConfig {
  const config = defaultConfig();
  const problems: ConfigProblem[] = [];
  const lines = lineStarts(text);
  const rangeOf = (offset: number, length: number): Range => ({ start: positionAt(lines, offset), end: positionAt(lines, offset + length) });
  const problem = (node: Node | { offset: number; length: number }, message: string, severity: 'error' | 'warning' = 'error') =>
    problems.push({ message, range: rangeOf(node.offset, node.length), severity });
  let includeRanges: Range[] = [];
  let checkFrom: Node | undefined;
  let migrationsFrom: Node | undefined;

  if (text.trim() === '') return { config, file, problems }; // an empty file is an empty config
  const tooDeep = nestedTooDeep(text);
  if (tooDeep !== undefined) {
    problem({ offset: tooDeep, length: 1 }, `The config nests objects and arrays more than ${MAX_DEPTH} levels deep; QueryLens reads none of it.`);
    return { config, file, problems };
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors) problem(e, `Invalid JSON: ${describeParseError(e)}.`);
  if (errors.length > 0 || !tree) {
    if (!tree && errors.length === 0) problem({ offset: 0, length: text.length }, 'Invalid JSON.');
    return { config, file, problems };
  }
  if (tree.type !== 'object') {
    problem(tree, 'The config must be a JSON object, e.g. { "dialect": "postgres" }.');
    return { config, file, problems };
  }

  for (const property of tree.children ?? []) {
    const [keyNode, valueNode] = property.children ?? [];
    if (!keyNode || !valueNode) continue;
    const key = keyNode.value as string;
    switch (key) {
      case '$schema':
        break;
      case 'dialect':
        if (valueNode.type === 'string' && (DIALECTS as string[]).includes(valueNode.value)) config.dialect = valueNode.value as Dialect;
        else problem(valueNode, `"dialect" must be one of ${list(DIALECTS)}.`);
        break;
      case 'rules':
        config.rules = ruleSeverities(valueNode, '"rules"', problem);
        break;
      case 'overrides':
        config.overrides = parseOverrides(valueNode, problem);
        break;
      case 'ignorePatterns':
        config.ignorePatterns = parseIgnorePatterns(valueNode, problem);
        break;
      case 'migrations': {
        // An array of folders, or { "folders": [...], "checkFrom": "..." }.
        const folders = stringArray(valueNode);
        if (folders) config.migrations = folders;
        else if (valueNode.type === 'object') checkFrom = parseMigrationsObject(valueNode, config, problem);
        else problem(valueNode, MIGRATIONS_SHAPE);
        break;
      }
      case 'include':
      case 'exclude': {
        if (!stringArray(valueNode)) {
          problem(valueNode, `"${key}" must be an array of strings (globs relative to the workspace root).`);
          break;
        }
        const valid = validGlobs(valueNode, `"${key}"`, problem);
        config[key] = valid.map((node) => node.value as string);
        if (key === 'include') includeRanges = valid.map((node) => rangeOf(node.offset, node.length));
        break;
      }
      case 'includeTests':
        if (valueNode.type === 'boolean') config.includeTests = valueNode.value as boolean;
        else problem(valueNode, '"includeTests" must be true or false (analyse tests, fixtures and vendored code too).');
        break;
      case 'migrationsFrom':
        // The older spelling of "migrations": { "checkFrom": ... }, still read.
        migrationsFrom = firstMigration(valueNode, '"migrationsFrom"', problem);
        break;
      case 'shadow': {
        const shadow = shadowConfig(valueNode, problem);
        if (shadow) config.shadow = shadow;
        break;
      }
      case 'benchmarks': {
        const benchmarks = parseBenchmarkConfig(valueNode, problem);
        if (benchmarks) config.benchmarks = benchmarks;
        break;
      }
      case 'health': {
        const health = parseHealthConfig(valueNode, problem);
        if (health) config.health = health;
        break;
      }
      case 'server': {
        const server = serverConfig(valueNode, problem);
        if (server) config.server = server;
        break;
      }
      default:
        problem(keyNode, `Unknown setting "${key}"; known settings: ${list(KNOWN_KEYS.slice(1))}.`, 'warning');
    }
  }
  if (checkFrom && migrationsFrom && checkFrom.value !== migrationsFrom.value) {
    problem(migrationsFrom, '"migrationsFrom" is the older name of "migrations": { "checkFrom": ... }; both are set, so "checkFrom" applies.', 'warning');
  }
  const first = checkFrom ?? migrationsFrom;
  if (first) config.migrationsFrom = first.value as string;
  return includeRanges.length > 0 ? { config, file, problems, includeRanges } : { config, file, problems };
}

/** `{ "rule-id": "off" | ... }`: the valid entries; each bad severity is reported where it is written. */
function ruleSeverities(node: Node, where: string, problem: Problem): Record<string, SeveritySetting> {
  const severities: Record<string, SeveritySetting> = {};
  if (node.type !== 'object') {
    problem(node, `${where} must be an object mapping rule ids to a severity, e.g. { "select-star": "off" }.`);
    return severities;
  }
  for (const rule of node.children ?? []) {
    const [ruleKey, ruleValue] = rule.children ?? [];
    if (!ruleKey || !ruleValue) continue;
    if (ruleValue.type === 'string' && (SEVERITIES as string[]).includes(ruleValue.value)) severities[ruleKey.value as string] = ruleValue.value as SeveritySetting;
    else problem(ruleValue, `The severity of rule "${ruleKey.value}" must be one of ${list(SEVERITIES)}.`);
  }
  return severities;
}

/** The globs of an array node that can match something; each that cannot is reported where it is written, and left out. */
function validGlobs(node: Node, where: string, problem: Problem): Node[] {
  return (node.children ?? []).filter((child) => {
    const reason = globProblem(child.value as string);
    if (reason) problem(child, `Invalid glob ${JSON.stringify(child.value)} in ${where}: ${reason}.`);
    return reason === undefined;
  });
}

/** `"overrides": [{ "files": [globs], "rules": {...} }, ...]`, in order (the last match wins). */
function parseOverrides(node: Node, problem: Problem): RuleOverride[] | undefined {
  if (node.type !== 'array') {
    problem(node, `"overrides" must be an array of objects like ${OVERRIDE_SHAPE}.`);
    return undefined;
  }
  const overrides: RuleOverride[] = [];
  (node.children ?? []).forEach((entry, i) => {
    const where = `"overrides[${i}]`;
    if (entry.type !== 'object') return problem(entry, `Each entry of "overrides" must be an object like ${OVERRIDE_SHAPE}.`);
    let files: string[] | undefined;
    let rules: Record<string, SeveritySetting> | undefined;
    for (const property of entry.children ?? []) {
      const [key, value] = property.children ?? [];
      if (!key || !value) continue;
      if (key.value === 'files') {
        if (!stringArray(value) || (value.children ?? []).length === 0) problem(value, `${where}.files" must be a non-empty array of globs relative to the workspace root.`);
        else files = validGlobs(value, `${where}.files"`, problem).map((glob) => glob.value as string);
      } else if (key.value === 'rules') {
        rules = ruleSeverities(value, `${where}.rules"`, problem);
      } else {
        problem(key, `Unknown override setting "${key.value}"; known: "files", "rules".`, 'warning');
      }
    }
    const missing = files === undefined && !entry.children?.some((p) => p.children?.[0]?.value === 'files');
    if (missing) problem(entry, `${where}" has no "files": name the files it applies to, e.g. "files": ["scripts/**"].`);
    if (files && files.length > 0 && rules) overrides.push({ files, rules });
  });
  return overrides;
}

/** `"ignorePatterns"`: patterns in .gitignore syntax; each that cannot match is reported where it is written, and left out. */
function parseIgnorePatterns(node: Node, problem: Problem): string[] | undefined {
  if (!stringArray(node)) {
    problem(node, '"ignorePatterns" must be an array of strings (patterns in .gitignore syntax, relative to the workspace root).');
    return undefined;
  }
  return (node.children ?? []).flatMap((child) => {
    const pattern = child.value as string;
    const reason =
      pattern.trim() === '' ? 'an empty pattern matches nothing'
      : pattern.startsWith('#') ? 'in .gitignore syntax a pattern starting with # is a comment (write \\# to match a name starting with #)'
      : /(^|\/)\.\.?\//.test(pattern) ? 'patterns are relative to the workspace root, without ./ or ../ (start with / to anchor one at the root)'
      : undefined;
    if (reason) problem(child, `Invalid pattern ${JSON.stringify(pattern)} in "ignorePatterns": ${reason}.`);
    return reason ? [] : [pattern];
  });
}

/** `"migrations": { "folders": [...], "checkFrom": "..." }`: sets the folders on `config`, returns the checkFrom node. */
function parseMigrationsObject(node: Node, config: QueryLensConfig, problem: Problem): Node | undefined {
  let checkFrom: Node | undefined;
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? [];
    if (!key || !value) continue;
    if (key.value === 'folders') {
      const folders = stringArray(value);
      if (folders) config.migrations = folders;
      else problem(value, '"migrations.folders" must be an array of folders relative to the workspace root.');
    } else if (key.value === 'checkFrom') {
      checkFrom = firstMigration(value, '"migrations.checkFrom"', problem);
    } else {
      problem(key, `Unknown migrations setting "${key.value}"; known: "folders", "checkFrom".`, 'warning');
    }
  }
  return checkFrom;
}

/** The node naming the first migration to check, if it is a non-empty string. */
function firstMigration(node: Node, where: string, problem: Problem): Node | undefined {
  if (node.type === 'string' && node.value !== '') return node;
  problem(node, `${where} must be the version (or file path) of the first migration to check, e.g. "20240101120000".`);
  return undefined;
}

/** A shadow table's rows: a whole number from 1 to MAX_SHADOW_ROWS (more would fill the database for hours). */
const rowCount = (node: Node | undefined) => node?.type === 'number' && Number.isInteger(node.value) && node.value > 0 && node.value <= MAX_SHADOW_ROWS;
/** Formatted when a problem names it: `toLocaleString` loads the ICU data (tens of milliseconds), too dear for every run's start. */
const rowRange = () => `from 1 to ${MAX_SHADOW_ROWS.toLocaleString('en-US')}`;

/** `"shadow": { "rowsPerTable": 10000, "tables": { "planners": 50 } }`. */
function shadowConfig(node: Node, problem: (node: Node, message: string) => void): QueryLensConfig['shadow'] {
  if (node.type !== 'object') {
    problem(node, '"shadow" must be an object, e.g. { "rowsPerTable": 10000, "tables": { "planners": 50 } }.');
    return undefined;
  }
  const shadow: NonNullable<QueryLensConfig['shadow']> = {};
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? [];
    if (!key || !value) continue;
    if (key.value === 'rowsPerTable') {
      if (rowCount(value)) shadow.rowsPerTable = value.value as number;
      else problem(value, `"shadow.rowsPerTable" must be a whole number of rows ${rowRange()}.`);
    } else if (key.value === 'tables' && value.type === 'object') {
      shadow.tables = {};
      for (const table of value.children ?? []) {
        const [name, rows] = table.children ?? [];
        if (!name || !rows) continue;
        if (rowCount(rows)) shadow.tables[String(name.value).toLowerCase()] = rows.value as number;
        else problem(rows, `The rows of table "${name.value}" must be a whole number ${rowRange()}.`);
      }
    } else {
      problem(key.value === 'tables' ? value : key, key.value === 'tables' ? '"shadow.tables" must map table names to row counts.' : `Unknown shadow setting "${key.value}"; known: "rowsPerTable", "tables".`);
    }
  }
  return shadow;
}

const SERVER_SHAPE = '{ "maxConnections": 100, "reservedConnections": 3, "instances": 3 }';
/** Each server setting: its smallest value and what it counts. */
const SERVER_SETTINGS: Record<keyof ServerLimits, { min: number; what: string }> = {
  maxConnections: { min: 1, what: "the server's max_connections" },
  reservedConnections: { min: 0, what: 'connections reserved for superusers (superuser_reserved_connections, default 3)' },
  instances: { min: 1, what: 'processes running the code at once, each with its own pools' },
};

/** `"server": { "maxConnections": 100, "reservedConnections": 3, "instances": 3 }`. */
function serverConfig(node: Node, problem: Problem): ServerLimits | undefined {
  if (node.type !== 'object') {
    problem(node, `"server" must be an object, e.g. ${SERVER_SHAPE}.`);
    return undefined;
  }
  const server: ServerLimits = {};
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? [];
    if (!key || !value) continue;
    const name = String(key.value);
    if (!Object.hasOwn(SERVER_SETTINGS, name)) {
      problem(key, `Unknown server setting "${name}"; known: ${list(Object.keys(SERVER_SETTINGS))}.`, 'warning');
      continue;
    }
    const { min, what } = SERVER_SETTINGS[name as keyof ServerLimits];
    if (value.type === 'number' && Number.isInteger(value.value) && (value.value as number) >= min && (value.value as number) <= 1_000_000) server[name as keyof ServerLimits] = value.value as number;
    else problem(value, `"server.${name}" must be a whole number from ${min} (${what}).`);
  }
  if (server.maxConnections !== undefined && (server.reservedConnections ?? 3) >= server.maxConnections) {
    const reserved = (node.children ?? []).find((p) => p.children?.[0]?.value === 'reservedConnections')?.children?.[1] ?? node;
    problem(reserved, `"server.reservedConnections" (${server.reservedConnections ?? 3}) must be below "server.maxConnections" (${server.maxConnections}): PostgreSQL refuses to start otherwise; the pools are not summed.`);
    delete server.maxConnections;
  }
  return server;
}

function stringArray(node: Node): string[] | undefined {
  if (node.type !== 'array' || !(node.children ?? []).every((c) => c.type === 'string')) return undefined;
  return getNodeValue(node) as string[];
}

/**
 * Each `include` glob that matches none of the files the workspace lists
 * (`files`, absolute): a warning at the glob, since nothing it names is checked.
 */
export function unmatchedIncludes(loaded: LoadedConfig, root: string, files: readonly string[]): ConfigProblem[] {
  const { include } = loaded.config;
  const unmatched = new Set(unmatchedGlobs(root, files, include));
  return include.flatMap((glob, i) =>
    unmatched.has(glob)
      ? [{ message: `The "include" glob ${JSON.stringify(glob)} matches no file QueryLens analyses (after "exclude" and .gitignore): nothing is checked for it.`, range: loaded.includeRanges?.[i], severity: 'warning' as const }]
      : [],
  );
}

/** The offset of the bracket that opens level `MAX_DEPTH + 1`, if any (a scan, no recursion). */
function nestedTooDeep(text: string): number | undefined {
  const scanner = createScanner(text, false);
  let depth = 0;
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
      if (++depth > MAX_DEPTH) return scanner.getTokenOffset();
    } else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) depth--;
  }
  return undefined;
}

function list(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}

function describeParseError(e: ParseError): string {
  return printParseErrorCode(e.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13 /* \r */ && text.charCodeAt(i + 1) === 10) continue;
    if (ch === 10 || ch === 13) starts.push(i + 1);
  }
  return starts;
}

function positionAt(starts: number[], offset: number): Range['start'] {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}
