/**
 * The `querylens` command line (bundled to dist/cli.js, run by bin/querylens.js).
 * Exit codes: 0 no finding of error severity, 1 at least one (not counting
 * baselined ones; or too many warnings: report.ts checkFails), 2 usage or
 * internal error (the message goes to stderr).
 */
import { once } from 'node:events';
import { version } from '../../../package.json';
import { parseArgs, USAGE, UsageError } from './args';
import { formatGithub } from './format/github';
import { formatJsonPieces } from './format/json';
import { formatSarif } from './format/sarif';
import { formatText } from './format/text';
import { formatRules } from './format/rules';
import { checkFails, type CheckReport, type OutputFormat } from './report';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_FAILURE = 2;

function render(report: CheckReport, format: OutputFormat): string | Iterable<string> {
  switch (format) {
    case 'json':
      return formatJsonPieces(report);
    case 'sarif':
      return formatSarif(report, version);
    case 'github':
      return formatGithub(report);
    case 'text':
      return formatText(report);
  }
}

/** Writes all of `text` before resolving, so a large report is not cut off by process exit. */
function write(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (text === '') return resolve();
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

/** How much of the pieces `writeAll` gathers into one write: a write per piece (a finding) is a system call per finding. */
const WRITE_BATCH = 64 * 1024;

/** Writes the pieces in order, about WRITE_BATCH characters at a time, each batch made once the ones before are on their way (waiting while the stream's buffer is full). */
async function writeAll(text: string | Iterable<string>): Promise<void> {
  if (typeof text === 'string') return write(text);
  const pending: Promise<void>[] = [];
  const send = async (batch: string) => {
    const written = write(batch);
    written.catch(() => undefined); // its failure is awaited below
    pending.push(written);
    if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
  };
  let batch = '';
  for (const piece of text) {
    batch += piece;
    if (batch.length < WRITE_BATCH) continue;
    await send(batch);
    batch = '';
  }
  await send(batch);
  await Promise.all(pending);
}

export async function main(argv: string[]): Promise<number> {
  const command = parseArgs(argv);
  switch (command.kind) {
    case 'help':
      await write(USAGE);
      return EXIT_OK;
    case 'version':
      await write(`${version}\n`);
      return EXIT_OK;
    case 'rules': {
      const { rules } = await import('../core/rules/index');
      await write(formatRules(rules.map((r) => r.meta), command.format));
      return EXIT_OK;
    }
    case 'check': {
      // Loaded on demand: --help, --version and usage errors answer without initialising the engine.
      const { runCheck } = await import('./check');
      const report = await runCheck({
        paths: command.paths,
        config: command.config,
        fix: command.fix,
        ...(command.baseline !== undefined ? { baseline: command.baseline, updateBaseline: command.updateBaseline } : {}),
        changed: command.changed,
        ...(command.cache ? { cache: command.cache } : {}),
        cwd: process.cwd(),
        timing: process.env.QUERYLENS_TIMING === '1',
        warn: (message) => process.stderr.write(`querylens: ${message}\n`),
      });
      await writeAll(render(report, command.format));
      const { fails, tooMany } = checkFails(report, command.maxWarnings);
      if (tooMany) process.stderr.write(`querylens: ${tooMany}\n`);
      return fails ? EXIT_FINDINGS : EXIT_OK;
    }
    case 'bench': {
      const { runBenchCommand } = await import('./bench');
      const { DbError } = await import('../db/types');
      try {
        const outcome = await runBenchCommand({ ...command, cwd: process.cwd(), env: process.env, warn: (m) => process.stderr.write(`querylens: ${m}\n`) });
        await write(outcome.output);
        return outcome.failed ? EXIT_FINDINGS : EXIT_OK; // a missed target fails CI like an error finding
      } catch (error) {
        if (!(error instanceof DbError)) throw error;
        process.stderr.write(`querylens: ${error.message}\n`);
        return EXIT_FAILURE;
      }
    }
    case 'report': {
      const { runReportCommand } = await import('./review');
      await write(await runReportCommand({ ...command, cwd: process.cwd(), env: process.env, warn: (m) => process.stderr.write(`querylens: ${m}\n`) }));
      return EXIT_OK;
    }
    case 'migrations': {
      const { runMigrationsCommand } = await import('./migrations');
      const { DbError } = await import('../db/types');
      try {
        const outcome = await runMigrationsCommand({ ...command, cwd: process.cwd(), env: process.env, warn: (m) => process.stderr.write(`querylens: ${m}\n`) });
        await write(outcome.output);
        return outcome.problems ? EXIT_FINDINGS : EXIT_OK; // failed, modified or missing: what the tools stop on
      } catch (error) {
        if (!(error instanceof DbError)) throw error;
        process.stderr.write(`querylens: ${error.message}\n`);
        return EXIT_FAILURE;
      }
    }
    case 'pool': {
      const { runPoolCommand } = await import('./pool');
      const { DbError } = await import('../db/types');
      const stop = new AbortController();
      const onSigint = () => stop.abort();
      process.once('SIGINT', onSigint);
      try {
        await runPoolCommand({ ...command, cwd: process.cwd(), env: process.env, write, signal: stop.signal });
        return EXIT_OK;
      } catch (error) {
        if (!(error instanceof DbError)) throw error;
        process.stderr.write(`querylens: ${error.message}\n`);
        return EXIT_FAILURE;
      } finally {
        process.off('SIGINT', onSigint);
      }
    }
    case 'settings':
    case 'health': {
      const { runHealthCommand, runSettingsCommand } = await import('./server');
      const { DbError } = await import('../db/types');
      try {
        const run = { cwd: process.cwd(), env: process.env };
        await write(command.kind === 'settings' ? await runSettingsCommand({ ...command, ...run }) : await runHealthCommand({ ...command, ...run }));
        return EXIT_OK;
      } catch (error) {
        if (!(error instanceof DbError)) throw error;
        process.stderr.write(`querylens: ${error.message}\n`);
        return EXIT_FAILURE;
      }
    }
    case 'explain':
    case 'prove-index': {
      const { runDbCommand } = await import('./database');
      const { DbError } = await import('../db/types');
      try {
        await write(await runDbCommand({ ...command, cwd: process.cwd(), env: process.env, warn: (m) => process.stderr.write(`querylens: ${m}\n`) }));
        return EXIT_OK;
      } catch (error) {
        // A database that says no is an answer, not a crash: its message names the connection.
        if (!(error instanceof DbError)) throw error;
        process.stderr.write(`querylens: ${error.message}\n`);
        return EXIT_FAILURE;
      }
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`querylens: ${error.message}\nRun 'querylens --help' for usage.\n`);
    } else {
      process.stderr.write(`querylens: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exitCode = EXIT_FAILURE;
  },
);
