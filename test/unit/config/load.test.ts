import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, parseConfigText, unmatchedIncludes } from '../../../server/src/core/config/load';
import { makeWorkspace } from '../migrations/workspace';

const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
const problemAt = (severity: 'error' | 'warning', message: string, l1: number, c1: number, l2: number, c2: number) => ({ message, range: range(l1, c1, l2, c2), severity });

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
      { message: 'Unknown setting "colour"; known settings: "dialect", "rules", "overrides", "include", "exclude", "ignorePatterns", "includeTests", "migrations", "migrationsFrom", "shadow", "benchmarks", "health", "server".', range: range(5, 2, 5, 10), severity: 'warning' },
    ]);
  });

  it('reads the shadow database rows, per table in lower case, and reports bad counts where they are', () => {
    const text = '{\n  "shadow": { "rowsPerTable": 500, "tables": { "Planners": 20, "workers": 0 }, "seed": 3 }\n}';
    const loaded = parseConfigText(text);
    assert.deepEqual(loaded.config.shadow, { rowsPerTable: 500, tables: { planners: 20 } });
    assert.deepEqual(loaded.problems, [
      { message: 'The rows of table "workers" must be a whole number from 1 to 10,000,000.', range: range(1, 74, 1, 75), severity: 'error' },
      { message: 'Unknown shadow setting "seed"; known: "rowsPerTable", "tables".', range: range(1, 79, 1, 85), severity: 'error' },
    ]);
    assert.deepEqual(parseConfigText('{ "shadow": 5 }').problems.map((p) => p.message), ['"shadow" must be an object, e.g. { "rowsPerTable": 10000, "tables": { "planners": 50 } }.']);
  });

  it('refuses shadow row counts over 10,000,000 (a shadow database that would take hours to fill), at the count', () => {
    const text = '{ "shadow": { "rowsPerTable": 1e12, "tables": { "workers": 10000001, "planners": 10000000 } } }';
    const loaded = parseConfigText(text);
    assert.deepEqual(loaded.config.shadow, { tables: { planners: 10_000_000 } });
    assert.deepEqual(loaded.problems, [
      { message: '"shadow.rowsPerTable" must be a whole number of rows from 1 to 10,000,000.', range: range(0, 30, 0, 34), severity: 'error' },
      { message: 'The rows of table "workers" must be a whole number from 1 to 10,000,000.', range: range(0, 59, 0, 67), severity: 'error' },
    ]);
  });

  it('reads the server the pools share, and reports each bad value at the value', () => {
    assert.deepEqual(parseConfigText('{ "server": { "maxConnections": 100, "reservedConnections": 3, "instances": 3 } }').config.server, { maxConnections: 100, reservedConnections: 3, instances: 3 });
    const text = '{ "server": { "maxConnections": 0, "instances": 2.5, "reservedConnections": -1, "replicas": 2 } }';
    const loaded = parseConfigText(text);
    assert.deepEqual(loaded.config.server, {});
    assert.deepEqual(loaded.problems, [
      { message: '"server.maxConnections" must be a whole number from 1 (the server\'s max_connections).', range: range(0, 32, 0, 33), severity: 'error' },
      { message: '"server.instances" must be a whole number from 1 (processes running the code at once, each with its own pools).', range: range(0, 48, 0, 51), severity: 'error' },
      {
        message: '"server.reservedConnections" must be a whole number from 0 (connections reserved for superusers (superuser_reserved_connections, default 3)).',
        range: range(0, 76, 0, 78),
        severity: 'error',
      },
      { message: 'Unknown server setting "replicas"; known: "maxConnections", "reservedConnections", "instances".', range: range(0, 80, 0, 90), severity: 'warning' },
    ]);
    const reserved = parseConfigText('{ "server": { "maxConnections": 10, "reservedConnections": 10 } }');
    assert.deepEqual(reserved.config.server, { reservedConnections: 10 });
    assert.deepEqual(reserved.problems, [
      {
        message: '"server.reservedConnections" (10) must be below "server.maxConnections" (10): PostgreSQL refuses to start otherwise; the pools are not summed.',
        range: range(0, 59, 0, 61),
        severity: 'error',
      },
    ]);
    assert.deepEqual(parseConfigText('{ "server": 100 }').problems.map((p) => p.message), ['"server" must be an object, e.g. { "maxConnections": 100, "reservedConnections": 3, "instances": 3 }.']);
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

  it('reads "migrations" as { folders, checkFrom }; "migrationsFrom" is its older name, and "checkFrom" wins over it', () => {
    const both = parseConfigText('{\n  "migrations": { "folders": ["db/migrations"], "checkFrom": "0042" },\n  "migrationsFrom": "0007"\n}');
    assert.deepEqual([both.config.migrations, both.config.migrationsFrom], [['db/migrations'], '0042']);
    assert.deepEqual(both.problems, [
      problemAt('warning', '"migrationsFrom" is the older name of "migrations": { "checkFrom": ... }; both are set, so "checkFrom" applies.', 2, 20, 2, 26),
    ]);
    const bad = parseConfigText('{ "migrations": { "folders": "db", "checkFrom": "", "after": "1" } }');
    assert.deepEqual(bad.config, { rules: {}, include: [], exclude: [] });
    assert.deepEqual(bad.problems, [
      problemAt('error', '"migrations.folders" must be an array of folders relative to the workspace root.', 0, 29, 0, 33),
      problemAt('error', '"migrations.checkFrom" must be the version (or file path) of the first migration to check, e.g. "20240101120000".', 0, 48, 0, 50),
      problemAt('warning', 'Unknown migrations setting "after"; known: "folders", "checkFrom".', 0, 52, 0, 59),
    ]);
    assert.deepEqual(parseConfigText('{ "migrations": 3 }').problems.map((p) => p.message), [
      '"migrations" must be an array of folders relative to the workspace root, or an object { "folders": [...], "checkFrom": "<first migration to check>" }.',
    ]);
  });

  it('reads overrides in order, and reports each bad part where it is written', () => {
    const text = `{
  "overrides": [
    { "files": ["scripts/**", "*.{sql"], "rules": { "select-star": "off", "missing-index": "loud" } },
    { "rules": { "n-plus-one": "off" } },
    { "files": [], "rules": {} },
    { "files": ["legacy/**"], "rules": { "commit-in-loop": "info" }, "excludedFiles": ["x"] },
    "scripts/**"
  ]
}`;
    const loaded = parseConfigText(text);
    assert.deepEqual(loaded.config.overrides, [
      { files: ['scripts/**'], rules: { 'select-star': 'off' } },
      { files: ['legacy/**'], rules: { 'commit-in-loop': 'info' } },
    ]);
    assert.deepEqual(loaded.problems, [
      problemAt('error', 'Invalid glob "*.{sql" in "overrides[0].files": its "{" is never closed (a backslash before a bracket matches the character itself).', 2, 30, 2, 38),
      problemAt('error', 'The severity of rule "missing-index" must be one of "off", "info", "warning", "error", "hint".', 2, 91, 2, 97),
      problemAt('error', '"overrides[1]" has no "files": name the files it applies to, e.g. "files": ["scripts/**"].', 3, 4, 3, 40),
      problemAt('error', '"overrides[2].files" must be a non-empty array of globs relative to the workspace root.', 4, 15, 4, 17),
      problemAt('warning', 'Unknown override setting "excludedFiles"; known: "files", "rules".', 5, 69, 5, 84),
      problemAt('error', 'Each entry of "overrides" must be an object like { "files": ["scripts/**"], "rules": { "select-star": "off" } }.', 6, 4, 6, 16),
    ]);
    assert.deepEqual(parseConfigText('{ "overrides": {} }').problems.map((p) => p.message), [
      '"overrides" must be an array of objects like { "files": ["scripts/**"], "rules": { "select-star": "off" } }.',
    ]);
  });

  it('reads ignorePatterns, and reports a pattern that cannot match where it is written', () => {
    const loaded = parseConfigText('{ "ignorePatterns": ["generated/", "*.gen.sql", "!keep.gen.sql", "", "#x", "./a", "b/../c"] }');
    assert.deepEqual(loaded.config.ignorePatterns, ['generated/', '*.gen.sql', '!keep.gen.sql']);
    const invalid = (pattern: string, reason: string, from: number, to: number) => ({ message: `Invalid pattern ${JSON.stringify(pattern)} in "ignorePatterns": ${reason}.`, range: range(0, from, 0, to), severity: 'error' });
    const relative = 'patterns are relative to the workspace root, without ./ or ../ (start with / to anchor one at the root)';
    assert.deepEqual(loaded.problems, [
      invalid('', 'an empty pattern matches nothing', 65, 67),
      invalid('#x', 'in .gitignore syntax a pattern starting with # is a comment (write \\# to match a name starting with #)', 69, 73),
      invalid('./a', relative, 75, 80),
      invalid('b/../c', relative, 82, 90),
    ]);
    assert.deepEqual(parseConfigText('{ "ignorePatterns": "generated/" }').problems.map((p) => p.message), [
      '"ignorePatterns" must be an array of strings (patterns in .gitignore syntax, relative to the workspace root).',
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
