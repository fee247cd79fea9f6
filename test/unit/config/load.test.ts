import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, parseConfigText, unmatchedIncludes } from '../../../server/src/core/config/load';
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
      includeRanges: [range(6, 14, 6, 28)],
    });
  });

  it('reports each glob that can match nothing at its place, and keeps the others', () => {
    const text = '{\n  "include": ["src/**/*.sql", "*.{sql", "/abs/**"],\n  "exclude": ["legacy/**", "../x/**", "", "a]"]\n}';
    const loaded = parseConfigText(text);
    assert.deepEqual(loaded.config, { rules: {}, include: ['src/**/*.sql'], exclude: ['legacy/**'] });
    assert.deepEqual(loaded.includeRanges, [range(1, 14, 1, 28)]);
    const bracket = 'a backslash before a bracket matches the character itself';
    const relative = 'globs are relative to the workspace root, so one that';
    const invalid = (glob: string, key: string, reason: string, at: ReturnType<typeof range>) => ({ message: `Invalid glob ${JSON.stringify(glob)} in "${key}": ${reason}.`, range: at, severity: 'error' });
    assert.deepEqual(loaded.problems, [
      invalid('*.{sql', 'include', `its "{" is never closed (${bracket})`, range(1, 30, 1, 38)),
      invalid('/abs/**', 'include', `${relative} starts at / matches nothing`, range(1, 40, 1, 49)),
      invalid('../x/**', 'exclude', `${relative} goes up with ../ matches nothing`, range(2, 27, 2, 36)),
      invalid('', 'exclude', 'an empty glob matches nothing', range(2, 38, 2, 40)),
      invalid('a]', 'exclude', `its "]" closes nothing (${bracket})`, range(2, 42, 2, 46)),
    ]);
  });

  it('warns at each include glob that matches no listed file', () => {
    const text = '{ "include": ["queries/**", "querys/**"] }';
    const loaded = parseConfigText(text, '/w/.querylens.json');
    assert.deepEqual(unmatchedIncludes(loaded, '/w', ['/w/queries/a.sql', '/w/migrations/1.sql']), [
      { message: 'The "include" glob "querys/**" matches no file QueryLens analyses (after "exclude" and .gitignore): nothing is checked for it.', range: range(0, 28, 0, 39), severity: 'warning' },
    ]);
    assert.deepEqual(unmatchedIncludes(loaded, '/w', ['/w/queries/a.sql', '/w/querys/b.sql']), []);
    assert.deepEqual(unmatchedIncludes(parseConfigText('{}'), '/w', []), []);
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
      { message: 'Unknown setting "colour"; known settings: "dialect", "rules", "include", "exclude", "includeTests", "migrations", "migrationsFrom", "shadow", "benchmarks", "health".', range: range(5, 2, 5, 10), severity: 'warning' },
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

  it('reads includeTests as a boolean and reports any other value where it is', () => {
    assert.equal(parseConfigText('{ "includeTests": true }').config.includeTests, true);
    assert.equal(parseConfigText('{}').config.includeTests, undefined);
    const loaded = parseConfigText('{\n  "includeTests": "yes"\n}');
    assert.equal(loaded.config.includeTests, undefined);
    assert.deepEqual(loaded.problems, [
      { message: '"includeTests" must be true or false (analyse tests, fixtures and vendored code too).', range: range(1, 18, 1, 23), severity: 'error' },
    ]);
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

  it('reads the root config file, or an explicit one', async () => {
    assert.deepEqual(await loadConfig(root), { config: { dialect: 'sqlite', rules: {}, include: [], exclude: [] }, file: path.join(root, '.querylens.json'), problems: [] });
    assert.deepEqual((await loadConfig(root, 'other.json')).problems.map((p) => p.range), [range(0, 13, 0, 14)]);
  });

  it('defaults silently without a file, and reports a missing explicit file', async () => {
    const empty = makeWorkspace({}).root;
    assert.deepEqual(await loadConfig(empty), { config: { rules: {}, include: [], exclude: [] }, problems: [] });
    const missing = await loadConfig(empty, 'nope.json');
    assert.equal(missing.problems[0].message, `Config file ${path.join(empty, 'nope.json')} does not exist.`);
    fs.rmSync(empty, { recursive: true, force: true });
  });
});

describe('loadConfig on files that are no config', () => {
  let root = '';
  let outside = '';
  beforeEach(() => {
    root = makeWorkspace({ 'q.sql': 'SELECT 1;\n' }).root;
    outside = makeWorkspace({ 'shared.json': '{ "dialect": "mysql" }' }).root;
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  const configFile = () => path.join(root, '.querylens.json');
  /** The one problem loading reported, with the defaults in force. */
  async function onlyProblem(explicit?: string): Promise<string> {
    const loaded = await loadConfig(root, explicit);
    assert.deepEqual(loaded.config, { rules: {}, include: [], exclude: [] });
    assert.equal(loaded.problems.length, 1, JSON.stringify(loaded.problems));
    assert.equal(loaded.problems[0].severity, 'error');
    return loaded.problems[0].message;
  }

  it('refuses a symbolic link to /dev/zero instead of reading forever', async () => {
    fs.symlinkSync('/dev/zero', configFile());
    assert.equal(await onlyProblem(), `Cannot read config file ${configFile()}: it is outside the folder ${root} (it leads to /dev/zero); QueryLens reads only files inside the folder.`);
  });

  it('refuses a named pipe instead of waiting for a writer', async () => {
    execFileSync('mkfifo', [configFile()]);
    assert.equal(await onlyProblem(), `Cannot read config file ${configFile()}: it is not a regular file (it is a named pipe (FIFO)).`);
  });

  it('refuses a folder', async () => {
    fs.mkdirSync(configFile());
    assert.equal(await onlyProblem(), `Cannot read config file ${configFile()}: it is not a regular file (it is a folder).`);
  });

  it('refuses a config over 1 MB', async () => {
    fs.writeFileSync(configFile(), `{ "exclude": [${'"x/**", '.repeat(200_000)}"y"] }`);
    assert.equal(await onlyProblem(), `Cannot read config file ${configFile()}: it is larger than the limit of 1 MB (1.5 MB).`);
  });

  it('refuses a configFile setting that points outside the folder, directly or through a link', async () => {
    const shared = path.join(outside, 'shared.json');
    const relative = path.relative(root, shared);
    assert.equal(await onlyProblem(relative), `Cannot read config file ${shared}: it is outside the folder ${root}; QueryLens reads only files inside the folder.`);
    fs.symlinkSync(shared, path.join(root, 'linked.json'));
    assert.match(await onlyProblem('linked.json'), /: it is outside the folder .* \(it leads to .*shared\.json\)/);
  });

  it('reads a file outside the folder when the user named it (the CLI --config), and a link inside the folder', async () => {
    const shared = path.join(outside, 'shared.json');
    assert.equal((await loadConfig(root, shared, { allowOutside: true })).config.dialect, 'mysql');
    fs.writeFileSync(path.join(root, 'real.json'), '{ "dialect": "sqlite" }');
    fs.symlinkSync(path.join(root, 'real.json'), configFile());
    assert.deepEqual(await loadConfig(root), { config: { dialect: 'sqlite', rules: {}, include: [], exclude: [] }, file: configFile(), problems: [] });
  });

  it('reports a config nested 5,000 levels deep at the bracket too deep, without overflowing the stack', async () => {
    fs.writeFileSync(configFile(), '{"a":'.repeat(5000) + '1' + '}'.repeat(5000));
    const loaded = await loadConfig(root);
    assert.deepEqual(loaded.problems, [
      { message: 'The config nests objects and arrays more than 64 levels deep; QueryLens reads none of it.', range: range(0, 5 * 64, 0, 5 * 64 + 1), severity: 'error' },
    ]);
    // 64 levels are fine.
    assert.deepEqual(parseConfigText('{"rules":' + '['.repeat(63) + ']'.repeat(63) + '}').problems.map((p) => p.message), ['"rules" must be an object mapping rule ids to a severity, e.g. { "select-star": "off" }.']);
  });
});
