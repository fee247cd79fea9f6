import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, parseConfigText } from '../../../server/src/core/config/load';
import { makeWorkspace } from '../migrations/workspace';

const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

describe('parseConfigText', () => {
  it('reads every field, with comments and trailing commas', () => {
    const text = `{
  // the project's database
  "$schema": "https://example.invalid/schema.json",
  "dialect": "postgres",
  "rules": { "select-star": "off", "missing-index": "error", },
  /* globs */
  "include": ["src/**/*.sql"],
  "exclude": ["legacy/**"],
  "migrations": ["db/migrations"],
}`;
    assert.deepEqual(parseConfigText(text, '/w/.querylens.json'), {
      config: { dialect: 'postgres', rules: { 'select-star': 'off', 'missing-index': 'error' }, include: ['src/**/*.sql'], exclude: ['legacy/**'], migrations: ['db/migrations'] },
      file: '/w/.querylens.json',
      problems: [],
    });
  });

  it('reports each bad field at its exact range and keeps the good ones', () => {
    const text = '{\n  "dialect": "oracle",\n  "rules": { "a": "warn", "b": "hint" },\n  "include": "x.sql",\n  "exclude": [1],\n  "colour": true\n}';
    const loaded = parseConfigText(text);
    assert.deepEqual(loaded.config, { rules: { b: 'hint' }, include: [], exclude: [] });
    assert.deepEqual(loaded.problems, [
      { message: '"dialect" must be one of "postgres", "sqlite", "mysql".', range: range(1, 13, 1, 21), severity: 'error' },
      { message: 'The severity of rule "a" must be one of "off", "info", "warning", "error", "hint".', range: range(2, 18, 2, 24), severity: 'error' },
      { message: '"include" must be an array of strings (globs relative to the workspace root).', range: range(3, 13, 3, 20), severity: 'error' },
      { message: '"exclude" must be an array of strings (globs relative to the workspace root).', range: range(4, 13, 4, 16), severity: 'error' },
      { message: 'Unknown setting "colour"; known settings: "dialect", "rules", "include", "exclude", "migrations", "migrationsFrom", "shadow", "benchmarks".', range: range(5, 2, 5, 10), severity: 'warning' },
    ]);
  });

  it('reads the shadow database rows, per table in lower case, and reports bad counts where they are', () => {
    const text = '{\n  "shadow": { "rowsPerTable": 500, "tables": { "Planners": 20, "workers": 0 }, "seed": 3 }\n}';
    const loaded = parseConfigText(text);
    assert.deepEqual(loaded.config.shadow, { rowsPerTable: 500, tables: { planners: 20 } });
    assert.deepEqual(loaded.problems, [
      { message: 'The rows of table "workers" must be a whole number, at least 1.', range: range(1, 74, 1, 75), severity: 'error' },
      { message: 'Unknown shadow setting "seed"; known: "rowsPerTable", "tables".', range: range(1, 79, 1, 85), severity: 'error' },
    ]);
    assert.deepEqual(parseConfigText('{ "shadow": 5 }').problems.map((p) => p.message), ['"shadow" must be an object, e.g. { "rowsPerTable": 10000, "tables": { "planners": 50 } }.']);
  });

  it('reads migrationsFrom, and reports a value that is not a migration name where it is', () => {
    assert.equal(parseConfigText('{ "migrationsFrom": "20240101120000" }').config.migrationsFrom, '20240101120000');
    const bad = parseConfigText('{ "migrationsFrom": 3 }');
    assert.equal(bad.config.migrationsFrom, undefined);
    assert.deepEqual(bad.problems, [
      { message: '"migrationsFrom" must be the version (or file path) of the first migration to check, e.g. "20240101120000".', range: range(0, 20, 0, 21), severity: 'error' },
    ]);
  });

  it('gives problems and the default config for malformed text, never throwing', () => {
    const loaded = parseConfigText('{\r\n  "dialect": "postgres"\r\n  "rules": {}\r\n}');
    assert.deepEqual(loaded.config, { rules: {}, include: [], exclude: [] });
    assert.deepEqual(loaded.problems, [{ message: 'Invalid JSON: comma expected.', range: range(2, 2, 2, 9), severity: 'error' }]);
    assert.deepEqual(parseConfigText('[1]').problems.map((p) => p.range), [range(0, 0, 0, 3)]);
    assert.deepEqual(parseConfigText('').problems, []);
    assert.equal(parseConfigText('{"rules": ').problems.length > 0, true);
  });
});

describe('loadConfig', () => {
  let root = '';
  before(() => {
    root = makeWorkspace({ '.querylens.json': '{ "dialect": "sqlite" }', 'other.json': '{ "dialect": 3 }' }).root;
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads the root config file, or an explicit one', () => {
    assert.deepEqual(loadConfig(root), { config: { dialect: 'sqlite', rules: {}, include: [], exclude: [] }, file: path.join(root, '.querylens.json'), problems: [] });
    assert.deepEqual(loadConfig(root, 'other.json').problems.map((p) => p.range), [range(0, 13, 0, 14)]);
  });

  it('defaults silently without a file, and reports a missing explicit file', () => {
    const empty = makeWorkspace({}).root;
    assert.deepEqual(loadConfig(empty), { config: { rules: {}, include: [], exclude: [] }, problems: [] });
    const missing = loadConfig(empty, 'nope.json');
    assert.equal(missing.problems[0].message, `Config file ${path.join(empty, 'nope.json')} does not exist.`);
    fs.rmSync(empty, { recursive: true, force: true });
  });
});
