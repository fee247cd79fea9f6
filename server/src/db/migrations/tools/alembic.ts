/**
 * Alembic: `alembic_version` holds one row per current head (`version_num`),
 * no history. A revision is applied when it is one of those heads or an
 * ancestor of one (along `down_revision`, merges included), pending
 * otherwise: what `alembic upgrade heads` would run. A `version_num` with no
 * revision file is missing (Alembic stops with "Can't locate revision").
 * The graph (parents, heads of the folder, current heads of the database)
 * goes into the report as `revisions`.
 */
import type { AlembicRevision } from '../../../../../shared/dashboard';
import { headsOf } from '../../../core/migrations/alembic';
import { tableExists } from './common';
import type { AnySet, StatusRow, ToolModule } from './types';

const TABLE = 'alembic_version';

/** Every revision at or below `heads` (the heads included). */
export function ancestorsOf(set: AnySet, heads: Iterable<string>): Set<string> {
  const parents = new Map(set.migrations.map((m) => [m.version, m.parents ?? []]));
  const seen = new Set<string>();
  const stack = [...heads];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(parents.get(id) ?? []));
  }
  return seen;
}

export function alembicGraph(set: AnySet, current: Set<string>): AlembicRevision[] {
  const heads = new Set(headsOf({ ...set, tool: 'alembic' }));
  return set.migrations.map((m) => ({
    revision: m.version,
    downRevisions: m.parents ?? [],
    description: m.description,
    file: m.upFile,
    head: heads.has(m.version),
    current: current.has(m.version),
  }));
}

export const alembic: ToolModule = {
  tool: 'alembic',
  table: TABLE,
  command: 'alembic upgrade head',
  async status(set, ctx) {
    const found = await tableExists(ctx, TABLE);
    const current = new Set<string>();
    if (found) for (const row of (await ctx.run(`SELECT version_num FROM ${TABLE}`)).rows) current.add(String(row.version_num));
    const applied = ancestorsOf(set, current);
    const known = new Set(set.migrations.map((m) => m.version));
    const rows: StatusRow[] = set.migrations.map((m) => ({ version: m.version, description: m.description, file: m.upFile, status: applied.has(m.version) ? 'applied' : 'pending' }));
    for (const id of current) if (!known.has(id)) rows.push({ version: id, description: 'in alembic_version, no revision file', status: 'missing' });
    return { trackingTableFound: found, rows, revisions: alembicGraph(set, current) };
  },
};
