#!/usr/bin/env node
// A check is one short process whose hot code is large (the statement model, the rules):
// TurboFan inlining up to its default budget compiles each hot function again and again
// on background threads, about a second of CPU on the PostgreSQL regression corpus that
// a two-core machine does not hide. A smaller budget keeps the small inlines; measured
// by bench/bench.mjs (README, Benchmark). The language server (dist/server.js) keeps V8's defaults.
const V8_FLAGS = '--max-inlined-bytecode-size-cumulative=200';
require('v8').setFlagsFromString(V8_FLAGS);
require('./code-cache.js').run(require('node:path').join(__dirname, '..', 'dist', 'cli.js'), V8_FLAGS, ['./node-sql-parser-mysql.js', './node-sql-parser-sqlite.js']);
