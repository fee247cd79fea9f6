/**
 * web-tree-sitter with the grammar packages' own .wasm files. `initHostParsers()`
 * once (async: loads the runtime and the grammars), then `hostParser(lang)` is
 * synchronous. The bundle ships the .wasm files next to itself (esbuild.mjs);
 * unbundled (tests) they are read from node_modules.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import type { HostLanguage } from './types';

const WASM: Record<HostLanguage | 'runtime', { pkg: string; file: string }> = {
  runtime: { pkg: 'web-tree-sitter', file: 'web-tree-sitter.wasm' },
  python: { pkg: 'tree-sitter-python', file: 'tree-sitter-python.wasm' },
  rust: { pkg: 'tree-sitter-rust', file: 'tree-sitter-rust.wasm' },
};

function locate(which: keyof typeof WASM): string {
  const { pkg, file } = WASM[which];
  const beside = path.join(__dirname, file);
  if (existsSync(beside)) return beside;
  return path.resolve(__dirname, '..', '..', '..', '..', 'node_modules', pkg, file);
}

let ready: Promise<void> | undefined;
const parsers = new Map<HostLanguage, Parser>();

export function initHostParsers(): Promise<void> {
  ready ??= (async () => {
    await Parser.init({ locateFile: () => locate('runtime') });
    for (const lang of ['python', 'rust'] as const) {
      const parser = new Parser();
      parser.setLanguage(await Language.load(locate(lang)));
      parsers.set(lang, parser);
    }
  })();
  return ready;
}

/** The parser for `lang`; throws if `initHostParsers()` has not completed. */
export function hostParser(lang: HostLanguage): Parser {
  const parser = parsers.get(lang);
  if (!parser) throw new Error(`tree-sitter ${lang} grammar not loaded: call initHostParsers() first`);
  return parser;
}

export function hostLanguageOf(file: string): HostLanguage | undefined {
  if (file.endsWith('.py')) return 'python';
  if (file.endsWith('.rs')) return 'rust';
  return undefined;
}
