/**
 * A SQLAlchemy model declares an index (`index=True`, `Index(...)`,
 * `__table_args__`), or a Prisma model one (`@@index`, `@unique`,
 * `@@unique`), that the project's migrations never create. The catalog
 * follows the migrations (they are what builds the real database), so the
 * queries are checked without that index; this hint says why, at the model.
 */
import { docsUrl } from '../../../../shared/types';
import { leadingColumns, shownTableName } from '../catalog/build';
import type { TableInfo } from '../catalog/types';
import { formatColumns, indexList } from './query-helpers';
import type { Rule } from './types';

const ID = 'unmigrated-model-index';

export const unmigratedModelIndex: Rule = {
  meta: {
    id: ID,
    description: 'A model declares an index that no migration creates.',
    defaultSeverity: 'hint',
    docs: docsUrl(ID),
    fixable: true,
    category: 'schema',
  },
  scope: 'file',
  check(ctx) {
    for (const model of ctx.host?.models ?? ctx.models ?? []) {
      const table = ctx.catalog.getTable(model.table);
      // Only when the table comes from migrations or DDL: the model's own table carries its indexes.
      if (!table || table.origin.file === ctx.file) continue;
      for (const change of model.changes) {
        if (change.kind !== 'createIndex') continue;
        const columns = change.keys.map((k) => k.column);
        if (columns.length === 0 || columns.some((c) => c === undefined)) continue;
        const wanted = columns as string[];
        if (hasIndexOn(table, wanted)) continue;
        const cols = formatColumns(shownTableName(table), wanted);
        ctx.report({
          span: change.span,
          message:
            `Model ${model.className} declares an index on ${cols}, but no migration creates it: the database the ` +
            `migrations build does not have it, and QueryLens checks queries without it. Add a migration for it, or drop it from the model.`,
          explanation: [
            `**${model.className}** (table \`${shownTableName(table)}\`) declares ${change.name ? `\`${change.name}\` ` : 'an index '}on \`${cols}\`.`,
            '',
            `The table comes from \`${table.origin.file}\`; migrations win over models because they build the real database.`,
            '',
            indexList(table),
          ].join('\n'),
          // A Prisma model's index gets the model's name for it, which prisma migrate dev expects; a TypeORM
          // entity's too (`typeorm migration:generate` compares indexes by name).
          indexFixes: { suggestion: { table: table.name, columns: wanted, ...((ctx.models || model.orm === 'typeorm') && change.name ? { name: change.name } : {}) }, near: change.span },
        });
      }
    }
  },
};

function hasIndexOn(table: TableInfo, columns: string[]): boolean {
  return table.indexes.some((index) => {
    const lead = leadingColumns(index);
    return lead.length >= columns.length && columns.every((c, i) => lead[i] === c);
  });
}
