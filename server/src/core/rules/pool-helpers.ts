/**
 * What the pool rules share: the pools of a file (host/pools.ts), how to name
 * one in a message, and the edit that adds settings where the extractor said
 * they go (a keyword argument, a `connect_args` entry, a builder call).
 */
import { docsUrl, type Severity } from '../../../../shared/types';
import type { HostPool, PoolSettingName, SettingInsertion } from '../host/pools';
import { spanText } from './host-helpers';
import type { CoreFix, FileContext, Rule } from './types';

/** A `config` rule with a fix that reads the file's pools: its meta and its check over each pool. */
export function poolRule(id: string, description: string, defaultSeverity: Severity, check: (ctx: FileContext, pool: HostPool) => void, fixable = true): Rule {
  return {
    meta: { id, description, defaultSeverity, docs: docsUrl(id), fixable, category: 'config' },
    scope: 'file',
    check(ctx) {
      for (const pool of ctx.host?.pools ?? []) check(ctx, pool);
    },
  };
}

/** `create_engine(...)`, `PgPoolOptions::new()...`, `new Pool(...)`: the constructor as written (a knexfile's environment by its label). */
export function poolName(ctx: FileContext, pool: HostPool): string {
  if (pool.label) return pool.label;
  const name = spanText(ctx.text, pool.anchor);
  return pool.library === 'sqlx' || ctx.text.startsWith('()', pool.anchor.end) ? `${name}()` : `${name}(...)`;
}

export function has(pool: HostPool, ...names: PoolSettingName[]): boolean {
  return names.some((n) => pool.settings[n] !== undefined);
}

/** The edit writing `items` at an insertion point. */
export function insertEdit(insertion: SettingInsertion, items: string[]): { span: { start: number; end: number }; newText: string } {
  return { span: { start: insertion.at, end: insertion.at }, newText: insertion.before + items.join(insertion.separator) + (insertion.after ?? '') };
}

/** A fix of one in-file edit set. */
export function fileFix(ctx: FileContext, title: string, edits: { span: { start: number; end: number }; newText: string }[]): CoreFix {
  return { title, isPreferred: true, changes: [{ kind: 'edit', file: ctx.file, edits }] };
}

/**
 * Python: `entries` added to the engine's `connect_args={...}` literal, or a
 * new `connect_args={...}` argument; none when the arguments come from a variable.
 */
export function connectArgsEdit(pool: HostPool, entries: string[]): ReturnType<typeof insertEdit> | undefined {
  if (pool.connectArgsInsertion) return insertEdit(pool.connectArgsInsertion, entries);
  if (pool.opaque || !pool.insertion) return undefined;
  return insertEdit(pool.insertion, [`connect_args={${entries.join(', ')}}`]);
}
