/**
 * What code counts: the product's own code. Tests, fixtures and vendored
 * copies are not the product (a query in a test runs against a throwaway
 * database, a vendored file is someone else's): they are skipped unless
 * `includeTests` (`.querylens.json`) or `querylens.includeTests` (VS Code)
 * asks for them. The one place that says what a test looks like: the file
 * scan reads the paths, the Rust extractor the attributes.
 */

/** Folders whose content is tests or their data. */
const TEST_FOLDERS = ['test', 'tests', 'testing', '__tests__', 'spec', 'specs', 'fixtures', 'fixture', '__fixtures__', '__mocks__', 'testdata', 'test_data', 'test-data'];

/** Folders holding copies of other people's code. */
const VENDORED_FOLDERS = ['vendor', 'vendored', 'third_party', 'third-party', 'thirdparty'];

/**
 * File names of tests: `test_x.py`, `x_test.py`, `x_test.rs`, `x_test.go`,
 * `x.test.ts`, `x.spec.js`, `conftest.py`, Rust's `tests.rs` (a `mod tests;`),
 * and Sublime Text's syntax tests (`syntax_test_sql.sql`, vendored with its
 * grammars). Not any name holding `test`: `ab_test_service.py` is product code.
 */
const TEST_FILES = [
  /^test_.*\.py$/,
  /_test\.(py|rs|go)$/,
  /\.(test|spec)\.[cm]?[jt]sx?$/,
  /^conftest\.py$/,
  /^tests?\.rs$/,
  /^syntax_test_/,
];

/** Rust attributes that mark test code: `#[cfg(test)]`, `#[test]`, `#[tokio::test]`, `#[sqlx::test(...)]`, `#[rstest]`. */
const RUST_TEST_ATTRIBUTE = /^#\[\s*(?:cfg\s*\(\s*test\s*\)|(?:[a-z_]+::)*(?:test|rstest)\b)/;

/** Whether a folder name is a test, fixture or vendored folder. */
export function isTestFolder(name: string): boolean {
  const lower = name.toLowerCase();
  return TEST_FOLDERS.includes(lower) || VENDORED_FOLDERS.includes(lower);
}

/** Whether a file name is a test file's. */
export function isTestFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return TEST_FILES.some((pattern) => pattern.test(lower));
}

/** Whether a root-relative, `/`-separated path is test, fixture or vendored code. */
export function isTestPath(relativePath: string): boolean {
  return folderNames(relativePath).some(isTestFolder) || isTestFileName(relativePath.split('/').pop() ?? '');
}

/** The folders of a root-relative, `/`-separated file path, outermost first. */
function folderNames(relativePath: string): string[] {
  return relativePath.split('/').slice(0, -1);
}

/**
 * Folders of one-off scripts (`scripts/backfill.py`): product code, checked, but run by hand or
 * once, not on a request path, so a query finding there is plausible rather than sure (info).
 */
const SCRIPT_FOLDERS = ['scripts'];
/** Python command-line and management entry files (`manage.py`, `cli.py`, `__main__.py`): commands run by hand, like scripts. */
const SCRIPT_FILES = /^(manage|cli|__main__)\.py$/;
/**
 * Folders of benchmarks and load tests (graphile-worker's `perfTest/`, Cargo's `benches/`): code
 * that measures the product against a throwaway database, run by hand; checked like scripts.
 */
const BENCHMARK_FOLDERS = ['bench', 'benches', 'benchmark', 'benchmarks', 'perf', 'perftest', 'perftests', 'loadtest', 'loadtests'];

/** What a script path is: a one-off script or command, or a benchmark. */
export type ScriptKind = 'script' | 'benchmark';

/** Whether a root-relative, `/`-separated path lies in a scripts or benchmarks folder, or is a command-line entry file. */
export function scriptKindOf(relativePath: string): ScriptKind | undefined {
  const folders = folderNames(relativePath).map((folder) => folder.toLowerCase());
  if (folders.some((folder) => BENCHMARK_FOLDERS.includes(folder))) return 'benchmark';
  const name = relativePath.split('/').pop() ?? '';
  return SCRIPT_FILES.test(name) || folders.some((folder) => SCRIPT_FOLDERS.includes(folder)) ? 'script' : undefined;
}

/**
 * A folder of migrations or data migrations (`migrations`, `data-migrations`, `data_migration`), or of one
 * database's migrations (`migrations-sqlite`, `migrations_mysql`: wiki.js runs one of two sets by its database).
 */
const MIGRATION_FOLDER = /(^|[-_])migrations?($|[-_])/i;

/** Whether a root-relative, `/`-separated path lies in a migrations or data-migrations folder. */
export function isInMigrationsFolder(relativePath: string): boolean {
  return folderNames(relativePath).some((folder) => MIGRATION_FOLDER.test(folder));
}

/** Whether a Rust attribute item (`#[...]` as written) marks the item after it as test code. */
export function isRustTestAttribute(text: string): boolean {
  return RUST_TEST_ATTRIBUTE.test(text);
}
