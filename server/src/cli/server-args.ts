/**
 * Parsing of `querylens settings [--connection URL] [--ram SIZE]` and
 * `querylens health [--connection URL] [--retention-size SIZE] [--slow-ms MS |
 * --preset production|high-performance]`, both `[--timeout MS] [--format
 * text|json]` (apart from server.ts, which loads the database layer).
 * `--database URL` is another name for `--connection URL`.
 */
import { parseSize, SLOW_PRESETS as PRESETS } from '../core/config/health';
import { UsageError, parseDbArgs, type DbOptions } from './args';

export interface SettingsCommand {
  kind: 'settings';
  db: DbOptions;
  format: 'text' | 'json';
  /** The server's RAM as given (`16GB`). */
  ram?: string;
}

export interface HealthCommand {
  kind: 'health';
  db: DbOptions;
  format: 'text' | 'json';
  retentionBytes?: number;
  slowMs?: number;
}

/** `16GB`, `512MB`, `100 MB`: PostgreSQL's units (1024-based). */
export function sizeArg(name: string, value: string): number {
  const bytes = parseSize(value);
  if (bytes === undefined) throw new UsageError(`option ${name} needs a size such as 16GB or 100MB, got '${value}'`);
  return bytes;
}

function value(argv: string[], i: number, name: string, inline: string | undefined): [string, number] {
  const v = inline ?? argv[i + 1];
  if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) throw new UsageError(`option ${name} needs a value`);
  return [v, inline === undefined ? i + 1 : i];
}

function parse(kind: 'settings' | 'health', argv: string[], extra: (name: string, v: () => [string, number]) => number | undefined) {
  let database: string | undefined;
  const { positional, db, format = 'text' } = parseDbArgs(kind, argv, (name, inline, i) => {
    if (name === '--database') {
      let used: number;
      [database, used] = value(argv, i, name, inline);
      return used;
    }
    return extra(name, () => value(argv, i, name, inline));
  });
  if (database !== undefined) {
    if (db.connection !== undefined) throw new UsageError('--database and --connection name the same thing: give one');
    db.connection = database;
  }
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown format '${format}' for '${kind}' (expected text or json)`);
  if (positional.length > 0) throw new UsageError(`'${kind}' takes no paths`);
  return { db, format: format as 'text' | 'json' };
}

export function parseSettingsCommand(argv: string[]): SettingsCommand {
  let ram: string | undefined;
  const { db, format } = parse('settings', argv, (name, v) => {
    if (name !== '--ram') return undefined;
    const [text, used] = v();
    sizeArg(name, text);
    ram = text;
    return used;
  });
  return { kind: 'settings', db, format, ...(ram !== undefined ? { ram } : {}) };
}

export function parseHealthCommand(argv: string[]): HealthCommand {
  let retentionBytes: number | undefined;
  let slowMs: number | undefined;
  const { db, format } = parse('health', argv, (name, v) => {
    if (name === '--retention-size') {
      const [text, used] = v();
      retentionBytes = sizeArg(name, text);
      return used;
    }
    if (name === '--slow-ms') {
      const [text, used] = v();
      slowMs = Number(text);
      if (!/^\d+(\.\d+)?$/.test(text)) throw new UsageError(`option --slow-ms needs milliseconds, got '${text}'`);
      return used;
    }
    if (name === '--preset') {
      const [text, used] = v();
      if (!(text in PRESETS)) throw new UsageError(`option --preset is production (50 ms) or high-performance (20 ms), got '${text}'`);
      slowMs = PRESETS[text];
      return used;
    }
    return undefined;
  });
  return { kind: 'health', db, format, ...(retentionBytes !== undefined ? { retentionBytes } : {}), ...(slowMs !== undefined ? { slowMs } : {}) };
}
