/**
 * Parsing of `querylens migrations` (kept apart from migrations.ts, which
 * loads the engine and the database layer: --help and usage errors answer
 * without them).
 */
import { UsageError, parseDbArgs, type DbOptions } from './args';

export interface MigrationsCommand {
  kind: 'migrations';
  path?: string;
  db: DbOptions;
  format: 'text' | 'json';
  action?: { kind: 'apply' | 'revert'; dir: string };
}

export function parseMigrationsCommand(argv: string[]): MigrationsCommand {
  let action: MigrationsCommand['action'];
  const { positional, db, format = 'text' } = parseDbArgs('migrations', argv, (name, inline, i) => {
    if (name !== '--apply' && name !== '--revert') return undefined;
    if (action) throw new UsageError('--apply and --revert exclude each other');
    const dir = inline ?? argv[i + 1];
    if (!dir || dir.startsWith('--')) throw new UsageError(`option ${name} needs a migrations folder`);
    action = { kind: name === '--apply' ? 'apply' : 'revert', dir };
    return inline === undefined ? i + 1 : i;
  });
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown format '${format}' for 'migrations' (expected text or json)`);
  if (positional.length > 1) throw new UsageError(`'migrations' takes at most one path`);
  return { kind: 'migrations', ...(positional[0] !== undefined ? { path: positional[0] } : {}), db, format, ...(action ? { action } : {}) };
}
