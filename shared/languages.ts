/**
 * The languages and file kinds QueryLens reads, as plain data: the one list
 * from which the server's watched globs and analysed extensions, the grammar
 * of a file, the comment syntax of suppressions, the client's document
 * selector, the bundled grammar .wasm files (esbuild.mjs) and package.json's
 * `activationEvents` and TextMate injections are derived (the last two are
 * checked by test/unit/languages.test.ts).
 *
 * What a host language does with its files (extractor, ORM adapters, schema
 * sources) is code, and lives in its folder: server/src/core/host/<id>/, joined
 * to this list by server/src/core/host/languages.ts. See CONTRIBUTING.md.
 */

/** A tree-sitter grammar QueryLens ships: its package's own .wasm file, and the file extensions it reads. */
export interface GrammarData {
  pkg: string;
  wasm: string;
  extensions: readonly string[];
}

/**
 * Every grammar loaded and bundled. TypeScript needs two (`.tsx` files have
 * their own); a grammar is loaded before any language uses it.
 */
export const GRAMMARS = {
  python: { pkg: 'tree-sitter-python', wasm: 'tree-sitter-python.wasm', extensions: ['.py'] },
  rust: { pkg: 'tree-sitter-rust', wasm: 'tree-sitter-rust.wasm', extensions: ['.rs'] },
  typescript: { pkg: 'tree-sitter-typescript', wasm: 'tree-sitter-typescript.wasm', extensions: ['.ts', '.mts', '.cts'] },
  tsx: { pkg: 'tree-sitter-typescript', wasm: 'tree-sitter-tsx.wasm', extensions: ['.tsx'] },
  javascript: { pkg: 'tree-sitter-javascript', wasm: 'tree-sitter-javascript.wasm', extensions: ['.js', '.mjs', '.cjs', '.jsx'] },
} as const satisfies Record<string, GrammarData>;

export type GrammarId = keyof typeof GRAMMARS;

/** How comments are written in a file kind: its line-comment openers (the first is the one to write) and whether it has `/* *\/` blocks. */
export interface CommentSyntax {
  line: readonly string[];
  block: boolean;
}

export interface LanguageData {
  /** QueryLens' name for it (a host language's folder under server/src/core/host/). */
  id: string;
  /** VS Code language ids whose documents the client sends to the server (and which activate the extension). */
  vscodeLanguages: readonly string[];
  /** TextMate scopes of its files (where the `querylens-ignore` highlighting and SQL injections go). */
  textMateScopes: readonly string[];
  /** Extensions of the files analysed as this language (lower case); none: its files are read, not analysed. */
  extensions: readonly string[];
  /** Host languages: the grammars its files are parsed with (each file by its extension). */
  grammars?: readonly GrammarId[];
  /** Where `querylens-ignore` comments can be written. */
  comments?: CommentSyntax;
  /** Other files of its tools the server reads, by name (`alembic.ini`): watched like its sources. */
  fileNames?: readonly string[];
  /** Globs whose presence in a workspace activates the extension (`workspaceContains:`). */
  workspaceContains?: readonly string[];
  /**
   * Its files are an ORM's schema (schema.prisma): analysed (their models feed the catalog,
   * their errors and schema findings are shown there), and read whatever `include` says.
   */
  ormSchema?: boolean;
}

/**
 * SQL, the schema files read beside it, and the host languages whose code
 * holds SQL and ORM queries. A host language here must have an entry in
 * server/src/core/host/languages.ts (the compiler checks it).
 */
export const LANGUAGES = [
  {
    id: 'sql',
    vscodeLanguages: ['sql'],
    textMateScopes: ['source.sql'],
    extensions: ['.sql'],
    comments: { line: ['--', '#'], block: true },
    workspaceContains: ['**/migrations/**/*.sql', '**/db/migration/*.sql'],
  },
  {
    id: 'prisma',
    vscodeLanguages: ['prisma'],
    textMateScopes: ['source.prisma'],
    // Read by Prisma's own parser (server/src/core/prisma/), a schema folder's files together.
    extensions: ['.prisma'],
    ormSchema: true,
    comments: { line: ['//'], block: false },
    fileNames: ['migration_lock.toml'],
    workspaceContains: ['**/prisma/schema.prisma'],
  },
  {
    id: 'python',
    vscodeLanguages: ['python'],
    textMateScopes: ['source.python'],
    extensions: ['.py'],
    grammars: ['python'],
    comments: { line: ['#'], block: false },
    fileNames: ['alembic.ini'],
    workspaceContains: ['**/alembic.ini'],
  },
  {
    id: 'rust',
    vscodeLanguages: ['rust'],
    textMateScopes: ['source.rust'],
    extensions: ['.rs'],
    grammars: ['rust'],
    comments: { line: ['//'], block: true },
  },
  {
    // TypeScript and JavaScript are one host language: the same libraries and extractor, a grammar per file.
    id: 'typescript',
    vscodeLanguages: ['typescript', 'javascript', 'typescriptreact', 'javascriptreact'],
    textMateScopes: ['source.ts', 'source.js', 'source.tsx', 'source.js.jsx'],
    extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'],
    grammars: ['typescript', 'tsx', 'javascript'],
    comments: { line: ['//'], block: true },
    // drizzle-kit's journal: the order of its migrations (core/orm/drizzle/migrations.ts).
    fileNames: ['_journal.json'],
  },
] as const satisfies readonly LanguageData[];

/** The languages whose code the host extractors read (those with grammars). */
export type HostLanguage = Extract<(typeof LANGUAGES)[number], { grammars: readonly GrammarId[] }>['id'];

/** The QueryLens configuration file, watched and activating the extension wherever it is. */
export const CONFIG_FILE_NAME = '.querylens.json';

/** Extensions of the files QueryLens analyses. */
export const ANALYSED_EXTENSIONS: readonly string[] = LANGUAGES.flatMap((l) => l.extensions);

/** Extensions of the ORM schema files (LanguageData.ormSchema). */
export const ORM_SCHEMA_EXTENSIONS: readonly string[] = (LANGUAGES as readonly LanguageData[]).flatMap((l) => (l.ormSchema ? l.extensions : []));

/** The language a file is analysed as, by extension (case-insensitive). */
export function languageDataOf(file: string): LanguageData | undefined {
  const lower = file.toLowerCase();
  return (LANGUAGES as readonly LanguageData[]).find((l) => l.extensions.some((ext) => lower.endsWith(ext)));
}

/** The tools' files the server reads beside the analysed ones (`schema.prisma`, `alembic.ini`). */
export const TOOL_FILE_NAMES: readonly string[] = (LANGUAGES as readonly LanguageData[]).flatMap((l) => l.fileNames ?? []);

/** What the server asks the client to watch: every analysed extension, the config file and the tools' files. */
export function watchedGlobs(): string[] {
  return [...ANALYSED_EXTENSIONS.map((ext) => `**/*${ext}`), `**/${CONFIG_FILE_NAME}`, ...TOOL_FILE_NAMES.map((name) => `**/${name}`)];
}

/** The VS Code language ids whose documents the client sends to the server. */
export function documentLanguages(): string[] {
  return LANGUAGES.flatMap((l) => l.vscodeLanguages);
}

/**
 * package.json's `activationEvents` that the registry implies: its languages'
 * documents, the files that mark a workspace as one QueryLens reads, the
 * config file (the webview panels' events are the client's own, listed after these).
 */
export function activationEvents(): string[] {
  const languages = LANGUAGES as readonly LanguageData[];
  return [
    ...languages.flatMap((l) => l.vscodeLanguages.map((id) => `onLanguage:${id}`)),
    ...languages.flatMap((l) => (l.workspaceContains ?? []).map((glob) => `workspaceContains:${glob}`)),
    `workspaceContains:${CONFIG_FILE_NAME}`,
  ];
}
