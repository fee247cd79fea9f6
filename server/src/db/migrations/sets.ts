/** Every migration set of a workspace: the ones the core detects (knex's and Kysely's read with the TypeScript grammars), plus knex folders found here by file name only. */
import type { Workspace } from '../../core/engine/workspace';
import { detectKnex } from './tools/knex';
import type { AnySet } from './tools/types';

export function migrationSetsOf(workspace: Workspace): AnySet[] {
  const core: AnySet[] = workspace.migrationSets();
  const taken = new Set(core.map((s) => s.dir));
  return [...core, ...detectKnex(workspace.root).filter((s) => !taken.has(s.dir))];
}
