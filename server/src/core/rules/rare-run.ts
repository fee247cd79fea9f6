/**
 * Judgement for index advice on host code: queries whose place in the code
 * says they run rarely, where a scan costs little next to what an index costs
 * on every write. The index rules read this and report such a need at `info`
 * with the reason, instead of a warning:
 * - a seed script (development data, written once);
 * - a staff tool (an admin folder): staff call it now and then, users never;
 * - a module of migration code beside the application (freqtrade's persistence/migrations.py): once per upgrade.
 * A write over one parent's children beside the change of that parent (a user
 * disabled or deleted, its tokens expired) is not judged rare: deleting users
 * happens daily on a large service, and each such write scans its table.
 */
import type { Statement } from '../sql/model';
import { adminFolder, hostQueryOf, migrationModule, seedFile } from './host-helpers';
import type { FileContext } from './types';

/** Why the query at `statement` runs rarely, as a clause for a message (`It runs in a seed script ...`), or undefined. */
export function rareRunReason(ctx: FileContext, statement: Statement): string | undefined {
  const hostQuery = hostQueryOf(ctx, statement);
  if (!hostQuery || !ctx.host) return undefined;
  const seed = seedFile(ctx.file);
  if (seed) return `it runs in a seed script (${seed}): development data written once, where a scan costs nothing that matters`;
  const module = migrationModule(ctx.file);
  if (module) return `it runs in migration code (${module}): once per upgrade of the schema, where a scan costs nothing that matters`;
  const admin = adminFolder(ctx.file);
  if (admin) return `it runs in a staff tool (folder ${admin}/): staff call it now and then, not users on every request, so an index pays off only if they call it often`;
  return undefined;
}
