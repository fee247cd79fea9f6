#!/usr/bin/env node
/**
 * The entry script of the QueryLens GitHub Action (action.yml): turns the
 * action's inputs, passed as INPUT_* variables, into one `querylens check`
 * command line, runs it in the current folder (the checkout) and exits with
 * its code. With format sarif, the report goes to a file (INPUT_SARIF_FILE)
 * named in the step's `sarif-file` output, for upload-sarif; other formats
 * print to the log. `--dry-run` prints the command line without running it.
 *
 * Inputs: INPUT_PATHS (whitespace- or newline-separated, default "."),
 * INPUT_FORMAT (sarif), INPUT_BASELINE, INPUT_CHANGED_SINCE, INPUT_MAX_WARNINGS,
 * INPUT_SARIF_FILE (querylens.sarif). QUERYLENS_CLI: the CLI to run
 * (default: this checkout's bin/querylens.js).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const FORMATS = ['sarif', 'github', 'text', 'json'];

/** An input as the runner passes it: unset and blank are the same. */
function input(env, name) {
  return (env[`INPUT_${name}`] ?? '').trim();
}

/** The `querylens` arguments for the inputs, or an error message. */
function commandFor(env) {
  const format = input(env, 'FORMAT') || 'sarif';
  if (!FORMATS.includes(format)) return { error: `input 'format' must be one of ${FORMATS.join(', ')}, got '${format}'` };
  const paths = input(env, 'PATHS').split(/\s+/).filter(Boolean);
  const args = ['check', ...(paths.length ? paths : ['.']), '--format', format];
  const baseline = input(env, 'BASELINE');
  if (baseline) args.push('--baseline', baseline);
  const since = input(env, 'CHANGED_SINCE');
  if (since) args.push('--changed', '--since', since);
  const maxWarnings = input(env, 'MAX_WARNINGS');
  if (maxWarnings) args.push('--max-warnings', maxWarnings); // the CLI checks the number
  return { args, format, sarifFile: format === 'sarif' ? input(env, 'SARIF_FILE') || 'querylens.sarif' : undefined };
}

/** A command line a reader can paste into a shell. */
function shellQuote(args) {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function main(argv, env) {
  const command = commandFor(env);
  if (command.error) {
    process.stderr.write(`querylens action: ${command.error}\n`);
    return 2;
  }
  const shown = `querylens ${shellQuote(command.args)}${command.sarifFile ? ` > ${shellQuote([command.sarifFile])}` : ''}`;
  process.stdout.write(`${shown}\n`);
  if (argv.includes('--dry-run')) return 0;

  const cli = env.QUERYLENS_CLI || path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'querylens.js');
  let out = 'inherit';
  if (command.sarifFile) {
    mkdirSync(path.dirname(command.sarifFile), { recursive: true });
    out = openSync(command.sarifFile, 'w');
  }
  const result = spawnSync(process.execPath, [cli, ...command.args], { stdio: ['ignore', out, 'inherit'], env });
  if (typeof out === 'number') closeSync(out);
  if (result.error) {
    process.stderr.write(`querylens action: cannot run ${cli}: ${result.error.message}\n`);
    return 2;
  }
  // The CLI writes a report unless the command line was wrong (exit 2): then there is nothing to upload.
  if (command.sarifFile && result.status !== 2) {
    process.stdout.write(`${sarifSummary(command.sarifFile)}\n`);
    if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `sarif-file=${command.sarifFile}\n`);
  }
  return result.status ?? 2;
}

/** One line for the log, which does not show the SARIF file itself. */
function sarifSummary(file) {
  const results = JSON.parse(readFileSync(file, 'utf8')).runs[0].results;
  const fresh = results.filter((r) => r.baselineState === 'new').length;
  const baselined = results.length - fresh;
  const counts = results.some((r) => r.baselineState) ? ` (${fresh} new, ${baselined} baselined)` : '';
  return `QueryLens: ${results.length} result${results.length === 1 ? '' : 's'}${counts} in ${file}`;
}

try {
  process.exitCode = main(process.argv.slice(2), process.env);
} catch (error) {
  // Exit 1 means findings: a failure of the script itself must not look like one.
  process.stderr.write(`querylens action: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
