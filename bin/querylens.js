#!/usr/bin/env node
// A check is one short process whose hot code is large (the statement model, the rules):
// TurboFan inlining up to its default budget compiles each hot function again and again
// on background threads, about a second of CPU on the PostgreSQL regression corpus that
// a two-core machine does not hide. A smaller budget keeps the small inlines; measured
// by bench/bench.mjs (README, Benchmark). libpg-query's WebAssembly stays on its baseline code
// (Liftoff, --liftoff-only): a check parses each statement once, and the optimising compiler's
// versions of the parser's hot functions, compiled on V8's threads (about 0.35 s of CPU on the
// corpus), come too late in so short a run to pay back on the main thread.
// WebAssembly functions are compiled lazily, on their first call; --wasm-lazy-validation validates
// them then too, not all at once when the module is compiled: a check calls a small part of each
// module, and validating the five a TypeScript and Prisma project loads (libpg-query, Prisma's schema
// engine, tree-sitter and its two TypeScript grammars: 8 MB) took 26 ms of CPU, 12 ms lazily.
// The language server (dist/server.js) keeps V8's defaults.
const V8_FLAGS = '--max-inlined-bytecode-size-cumulative=200 --liftoff-only --wasm-lazy-validation';
require('v8').setFlagsFromString(V8_FLAGS);
require('./code-cache.js').run(require('node:path').join(__dirname, '..', 'dist', 'cli.js'), V8_FLAGS, ['./node-sql-parser-mysql.js', './node-sql-parser-sqlite.js']);
