/**
 * Command-line parsing for `querylens`. No dependency: the grammar is small
 * (`check [paths...] [--format F] [--config FILE] [--fix]`, `rules`, `--help`,
 * `--version`), and every mistake must become exit code 2 with a clear message.
 */
import { MAX_SHADOW_ROWS, MAX_STATEMENT_TIMEOUT_MS } from '../../../shared/connections';
import { benchCountProblem, type BenchCount } from '../core/config/benchmarks';
import { parseMigrationsCommand, type MigrationsCommand } from './migrations-args';
import { parsePoolCommand, type PoolCommand } from './pool-args';
import { parseHealthCommand, parseSettingsCommand, type HealthCommand, type SettingsCommand } from './server-args';
import { OUTPUT_FORMATS, type OutputFormat } from './report';

export type Command =
  | { kind: 'check'; paths: string[]; format: OutputFormat; config?: string; fix: boolean; baseline?: string; updateBaseline: boolean; maxWarnings?: number; changed?: ChangedArgs; cache?: CacheArgs }
  | { kind: 'rules'; format: 'text' | 'json' }
  | { kind: 'explain' | 'prove-index'; target: QueryTarget; db: DbOptions; format: 'text' | 'json' }
  | { kind: 'bench'; target: QueryTarget; db: DbOptions; bench: BenchArgs; format: 'text' | 'json' }
  | { kind: 'report'; path?: string; db: DbOptions; database: boolean; format: 'markdown' | 'json' }
  | MigrationsCommand
  | PoolCommand
  | SettingsCommand
  | HealthCommand
  | { kind: 'help' }
  | { kind: 'version' };

/** `check --changed [--since REF]`: only the files changed since the merge base of HEAD with REF, and their dependents. */
/** `--cache [--cache-location DIR]`: the folder (relative to the working directory); `.querylens/cache/` under the root when absent. */
export interface CacheArgs {
  location?: string;
}

export interface ChangedArgs {
  /** The ref to compare with; the default branch (origin/HEAD, main, master) when absent. */
  since?: string;
}

/** `FILE:LINE` (1-based line, as editors and `check` print it). */
export interface QueryTarget {
  file: string;
  line: number;
}

/** Options of `explain` and `prove-index`. */
export interface DbOptions {
  /** `postgres://...` or a SQLite file (`app.db`, `sqlite:app.db`); the embedded shadow database when absent. */
  connection?: string;
  analyze: boolean;
  /** Parameter values in order; none asks for a generic plan. */
  params: string[];
  /** Statement timeout, ms. */
  timeoutMs?: number;
  /** Synthetic rows per table of the embedded shadow database. */
  rows?: number;
  /** prove-index: `table(col1, col2)`; the finding's suggestion when absent. */
  index?: string;
}

/** Options of `bench`. */
export interface BenchArgs {
  iterations?: number;
  warmup?: number;
  concurrency?: number;
  name?: string;
  /** A saved run's id, or `latest` (the latest earlier run of the same query). */
  compare?: string;
  /** Also measure the engine's overhead against a plain driver loop. */
  overhead: boolean;
  /** Do not write the run to `.querylens/benchmarks/`. */
  noSave: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: querylens <command> [options]

Commands:
  check [paths...]   Analyse SQL files and folders (default: the current folder)
  rules              List the rules

Options (check):
  --format <f>       Output format: text (default), json, sarif, github
  --config <file>    Use this configuration file instead of <root>/.querylens.json
  --fix              Apply the preferred in-file fixes, then report what remains
  --baseline <file>  Fail only on findings this baseline does not hold (the others are counted
                     as baselined); any new warning or error fails, unless --max-warnings allows it
  --update-baseline  With --baseline: write this run's findings to the file instead, exit 0
  --cache            Reuse the findings of unchanged files from the last run (stored under
                     .querylens/cache/ at the workspace root; git-ignore .querylens/)
  --cache-location <dir>  With --cache: store the cache in this folder instead
  --max-warnings <n> Exit 1 when more than n warnings are found (baselined ones not counted)
  --changed          Check only the files changed since the merge base of HEAD with the default
                     branch (origin/HEAD, main or master; uncommitted and untracked changes
                     included), and the files whose findings depend on them (the queries on the
                     tables a changed migration, model or DDL file touches)
  --since <ref>      With --changed: compare with the merge base of HEAD with <ref> instead

Options (rules):
  --format <f>       text (default) or json

Database commands (PostgreSQL, SQLite, or the embedded shadow database by default):
  explain FILE:LINE      Explain the query at that line: plan summary and problems
  prove-index FILE:LINE  Measure the index the finding there suggests: before/after, rolled back

Options (explain, prove-index):
  --connection <c>   postgres://user@host/db or a SQLite file (the password from the URL
                     or PGPASSWORD)
  --embedded         The in-process shadow database built from the migrations (default)
  --analyze          explain: run it (EXPLAIN ANALYZE; writes are rolled back)
  --param <value>    A parameter value, in order (repeat); none: a generic plan
  --timeout <ms>     Statement timeout (default 30000)
  --rows <n>         Rows per table of the shadow database (default 10000)
  --index <t(c,..)>  prove-index: the index to prove instead of the suggestion
  --format <f>       text (default) or json

Benchmarks and the review report:
  bench FILE:LINE    Run the query N times over C sessions (writes rolled back), save the run in
                     .querylens/benchmarks/, judge .querylens.json's targets (exit 1 when one fails)
  report [path]      A Markdown review report for a pull request: findings by rule, migrations,
                     benchmark comparisons, index health (the database sections need a connection)

Options (bench): --connection, --embedded, --param, --timeout, --rows as above, and
  --iterations <n>   Timed iterations (default 100, or "benchmarks.iterations")
  --warmup <n>       Untimed iterations first (default 10)
  --concurrency <n>  Sessions at once (PostgreSQL; SQLite and the embedded database run one)
  --name <name>      The run's name (default FILE:LINE)
  --compare <id>     Compare with a saved run, or 'latest' (the latest earlier run of the query)
  --overhead         Also measure the engine's overhead against a plain driver loop
  --no-save          Do not save the run
  --format <f>       text (default) or json

Options (report): --connection <c> or --embedded (migrations, index health), --format markdown|json

Migrations:
  migrations [path]  Every migration folder (sqlx, golang-migrate, Flyway, Prisma, Knex, Kysely, Alembic, plain)
                     with each migration's status on the connection, as its tool computes it
                     (exit 1 when one is failed, modified or missing)
Options (migrations): --connection, --embedded, --timeout as above, --format text|json, and
  --apply <dir>      Apply the pending migrations of that folder (sqlx, golang-migrate, Flyway, plain)
  --revert <dir>     Revert its last applied migration with its down / undo file

Pool:
  pool               Connections by state and application against max_connections (warning
                     from 70 %, critical from 90 %), long-running and blocked sessions,
                     QueryLens's own pool; SQLite: pragmas against the recommended ones
Options (pool): --connection (or DATABASE_URL), --timeout as above, --format text|json, and
  --watch [seconds]  Print it again every few seconds (default 5) until Ctrl+C
  --long-running <ms>  List non-idle sessions whose query started this long ago (default 60000)

Server settings and table health (PostgreSQL; read-only catalog queries):
  settings           pg_settings against seed 004's memory rules for the server's RAM
                     (shared_buffers 25 %, effective_cache_size 75 %, work_mem, maintenance_work_mem),
                     max_connections against the pools in the code, index / buffer cache hit ratios;
                     each change as an ALTER SYSTEM line (shown, never run)
  health             Table and index sizes, dead rows and last (auto)vacuum/analyze, transaction-ID
                     age, sequences near overflow, NOT VALID constraints, a bloat estimate, retention
                     candidates (large tables with a timestamp no code deletes from), slow statements
Options (settings, health): --connection (or --database, or DATABASE_URL), --timeout, --format text|json, and
  --ram <size>       settings: the server's RAM (16GB); read from /proc/meminfo when the server is local
  --retention-size <size>  health: retention candidates from this size (default 100MB, seed 001)
  --slow-ms <ms>     health: slow statements from this mean time (default 50, seed 000's production preset)
  --preset <p>       health: production (50 ms) or high-performance (20 ms)

  -h, --help         Show this help
  -v, --version      Show the version

Exit codes: 0 no error-severity finding, 1 at least one (or too many warnings, or with --baseline
a new warning; bench: a target missed), 2 usage or internal error.
The workspace root is the nearest folder upward holding .querylens.json or .git.
`;

function optionValue(argv: string[], i: number, name: string, inline: string | undefined): [string, number] {
  if (inline !== undefined) {
    if (inline === '') throw new UsageError(`option ${name} needs a value`);
    return [inline, i];
  }
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`option ${name} needs a value`);
  return [value, i + 1];
}

export function parseArgs(argv: string[]): Command {
  if (argv.length === 0) return { kind: 'help' };
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  if (argv.includes('--version') || argv.includes('-v')) return { kind: 'version' };

  const [command, ...rest] = argv;
  if (command === 'help') return { kind: 'help' };
  if (command === 'explain' || command === 'prove-index') return parseDbCommand(command, rest);
  if (command === 'bench') return parseBenchCommand(rest);
  if (command === 'report') return parseReportCommand(rest);
  if (command === 'pool') return parsePoolCommand(rest);
  if (command === 'settings') return parseSettingsCommand(rest);
  if (command === 'health') return parseHealthCommand(rest);
  if (command === 'migrations') return parseMigrationsCommand(rest);
  if (command !== 'check' && command !== 'rules') throw new UsageError(`unknown command '${command}'`);

  const paths: string[] = [];
  let format: string | undefined;
  let config: string | undefined;
  let fix = false;
  let baseline: string | undefined;
  let updateBaseline = false;
  let maxWarnings: number | undefined;
  let changed = false;
  let since: string | undefined;
  let onlyPaths = false;
  let cache = false;
  let cacheLocation: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (onlyPaths || !arg.startsWith('-') || arg === '-') {
      paths.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPaths = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    if (name === '--format' || name === '-f') {
      [format, i] = optionValue(rest, i, name, inline);
    } else if (name === '--config' || name === '-c') {
      if (command !== 'check') throw new UsageError(`option ${name} is only for 'check'`);
      [config, i] = optionValue(rest, i, name, inline);
    } else if (name === '--fix' && inline === undefined) {
      if (command !== 'check') throw new UsageError(`option --fix is only for 'check'`);
      fix = true;
    } else if (command === 'check' && name === '--baseline') {
      [baseline, i] = optionValue(rest, i, name, inline);
    } else if (command === 'check' && name === '--update-baseline' && inline === undefined) {
      updateBaseline = true;
    } else if (command === 'check' && name === '--max-warnings') {
      let value: string;
      [value, i] = optionValue(rest, i, name, inline);
      maxWarnings = Number(value);
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(maxWarnings)) throw new UsageError(`option --max-warnings needs a whole number from 0 up, got '${value}'`);
    } else if (name === '--changed' && inline === undefined) {
      if (command !== 'check') throw new UsageError(`option --changed is only for 'check'`);
      changed = true;
    } else if (command === 'check' && name === '--cache' && inline === undefined) {
      cache = true;
    } else if (command === 'check' && name === '--cache-location') {
      [cacheLocation, i] = optionValue(rest, i, name, inline);
    } else if (name === '--since') {
      if (command !== 'check') throw new UsageError(`option --since is only for 'check'`);
      [since, i] = optionValue(rest, i, name, inline);
    } else {
      throw new UsageError(`unknown option '${arg}'`);
    }
  }

  if (command === 'rules') {
    if (paths.length > 0) throw new UsageError(`'rules' takes no paths`);
    if (format !== undefined && format !== 'text' && format !== 'json') {
      throw new UsageError(`unknown format '${format}' for 'rules' (expected text or json)`);
    }
    return { kind: 'rules', format: format === 'json' ? 'json' : 'text' };
  }
  if (format !== undefined && !(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format '${format}' (expected ${OUTPUT_FORMATS.join(', ')})`);
  }
  if (updateBaseline && baseline === undefined) throw new UsageError('--update-baseline needs --baseline <file>: the file to write');
  if (updateBaseline && changed) throw new UsageError('--update-baseline cannot be used with --changed: a baseline records every file, not only the changed ones');
  if (cacheLocation !== undefined && !cache) throw new UsageError('option --cache-location needs --cache');
  if (since !== undefined && !changed) throw new UsageError('option --since needs --changed');
  if (since !== undefined && since.startsWith('-')) throw new UsageError(`option --since needs a git ref, got '${since}' (a ref cannot start with '-')`);
  return {
    kind: 'check',
    paths,
    format: (format ?? 'text') as OutputFormat,
    config,
    fix,
    updateBaseline,
    ...(cache ? { cache: cacheLocation !== undefined ? { location: cacheLocation } : {} } : {}),
    ...(baseline !== undefined ? { baseline } : {}),
    ...(maxWarnings !== undefined ? { maxWarnings } : {}),
    ...(changed ? { changed: since !== undefined ? { since } : {} } : {}),
  };
}

interface DbArgs {
  positional: string[];
  db: DbOptions;
  format: string | undefined;
  /** `--embedded` or `--connection` was given. */
  database: boolean;
}

/**
 * The options every database command takes; `extra` reads the command's own
 * (it returns the index of the last argument it used, or undefined when the
 * option is not one of its).
 */
export function parseDbArgs(kind: string, argv: string[], extra?: (name: string, inline: string | undefined, i: number) => number | undefined): DbArgs {
  const positional: string[] = [];
  const db: DbOptions = { analyze: false, params: [] };
  let format: string | undefined;
  let embedded = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    let value: string;
    switch (name) {
      case '--analyze':
        if (kind !== 'explain') throw new UsageError(`option --analyze is only for 'explain'`);
        db.analyze = true;
        break;
      case '--embedded':
        embedded = true;
        break;
      case '--connection':
        [db.connection, i] = optionValue(argv, i, name, inline);
        break;
      case '--param':
        // A value may itself start with '--' only in the --param=value form.
        [value, i] = inline !== undefined ? [inline, i] : optionValue(argv, i, name, inline);
        db.params.push(value);
        break;
      case '--timeout':
        [value, i] = optionValue(argv, i, name, inline);
        db.timeoutMs = positiveInteger(name, value, MAX_STATEMENT_TIMEOUT_MS);
        break;
      case '--rows':
        [value, i] = optionValue(argv, i, name, inline);
        db.rows = positiveInteger(name, value, MAX_SHADOW_ROWS);
        break;
      case '--index':
        if (kind !== 'prove-index') throw new UsageError(`option --index is only for 'prove-index'`);
        [db.index, i] = optionValue(argv, i, name, inline);
        break;
      case '--format':
        [format, i] = optionValue(argv, i, name, inline);
        break;
      default: {
        const used = extra?.(name, inline, i);
        if (used === undefined) throw new UsageError(`unknown option '${arg}'`);
        i = used;
      }
    }
  }
  if (embedded && db.connection !== undefined) throw new UsageError('--embedded and --connection exclude each other');
  return { positional, db, format, database: embedded || db.connection !== undefined };
}

function parseDbCommand(kind: 'explain' | 'prove-index', argv: string[]): Command {
  const { positional, db, format = 'text' } = parseDbArgs(kind, argv);
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown format '${format}' for '${kind}' (expected text or json)`);
  if (positional.length !== 1) throw new UsageError(`'${kind}' takes one FILE:LINE`);
  return { kind, target: parseTarget(positional[0]!), db, format };
}

/** `bench FILE:LINE [--iterations N] [--concurrency C] [--warmup W] [--name NAME] [--compare ID|latest] [--overhead] [--no-save]`. */
function parseBenchCommand(argv: string[]): Command {
  const bench: BenchArgs = { overhead: false, noSave: false };
  const { positional, db, format = 'text' } = parseDbArgs('bench', argv, (name, inline, i) => {
    let value: string;
    switch (name) {
      case '--iterations':
      case '--concurrency':
      case '--warmup': {
        [value, i] = optionValue(argv, i, name, inline);
        const count = name.slice(2) as BenchCount;
        const why = benchCountProblem(count, value.trim() === '' ? NaN : Number(value));
        if (why) throw new UsageError(`option ${name} ${why}, got '${value}'`);
        bench[count] = Number(value);
        return i;
      }
      case '--name':
        [bench.name, i] = optionValue(argv, i, name, inline);
        return i;
      case '--compare':
        [bench.compare, i] = optionValue(argv, i, name, inline);
        return i;
      case '--overhead':
      case '--no-save':
        if (inline !== undefined) return undefined;
        bench[name === '--overhead' ? 'overhead' : 'noSave'] = true;
        return i;
      default:
        return undefined;
    }
  });
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown format '${format}' for 'bench' (expected text or json)`);
  if (positional.length !== 1) throw new UsageError(`'bench' takes one FILE:LINE`);
  return { kind: 'bench', target: parseTarget(positional[0]!), db, bench, format };
}

/** `report [path] [--connection C | --embedded] [--format markdown|json]`. */
function parseReportCommand(argv: string[]): Command {
  const { positional, db, format = 'markdown', database } = parseDbArgs('report', argv);
  if (format !== 'markdown' && format !== 'json') throw new UsageError(`unknown format '${format}' for 'report' (expected markdown or json)`);
  if (positional.length > 1) throw new UsageError(`'report' takes at most one path`);
  return { kind: 'report', ...(positional[0] !== undefined ? { path: positional[0] } : {}), db, database, format };
}

function parseTarget(arg: string): QueryTarget {
  const colon = arg.lastIndexOf(':');
  const line = colon > 0 ? Number(arg.slice(colon + 1)) : NaN;
  if (!Number.isInteger(line) || line < 1) throw new UsageError(`expected FILE:LINE (1-based line), got '${arg}'`);
  return { file: arg.slice(0, colon), line };
}

function positiveInteger(name: string, value: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > max) {
    throw new UsageError(`option ${name} needs a whole number from 1${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max.toLocaleString('en-US')}`}, got '${value}'`);
  }
  return n;
}
