/** TypeORM in the TypeScript ORM list (host/typescript/orms.ts): entities, the naming strategy, repository and query-builder calls. */
import type { SyntaxNode } from '../../host/treesitter';
import { typedTextTest } from '../../last-text';
import type { HostModel } from '../../host/types';
import type { TypeScriptOrm } from '../../host/typescript/orms';
import { propertiesOf, readEntities, unwrap } from './entities';
import { resolveTypeOrmModels } from './resolve';
import { batchedFind, entityIndexEdits, TYPEORM_INSERT_ADVICE, typeOrmTakeEdit, typeOrmWriteAllEdit } from './fix';
import { asOrmEdit } from '../../host/typescript/loop-write';
import { mayQueryTypeOrm, typeOrmQuery } from './queries';
import { typeOrmRowWriteNote } from './writes';

/** Whether a text may declare an entity (a typed version is searched around the edit: `typedTextTest`). */
const mayDeclare = typedTextTest(/@(?:Entity|Column|PrimaryGeneratedColumn|PrimaryColumn|CreateDateColumn|ManyToOne)\b|\bSnakeNamingStrategy\b/, '@PrimaryGeneratedColumn'.length);

export const typeorm: TypeScriptOrm = {
  id: 'typeorm',
  mayDeclareModels: (text) => mayDeclare(text),
  models: (root, text) => [...readEntities(root), ...(/\bSnakeNamingStrategy\b/.test(text) ? namingMarker(root) : [])],
  resolve: resolveTypeOrmModels,
  mayQuery: mayQueryTypeOrm,
  query: typeOrmQuery,
  modelIndexEdits(source, origin, index, s) {
    const root = source.root();
    return root && entityIndexEdits(root, source.text, origin, { name: index.name, columns: s.columns, ...(index.method ? { method: index.method } : {}), ...(s.opclass ? { opclass: s.opclass } : {}) });
  },
  // `repo.find({ where: { agent: { id: agent.id } } })`: the loop's value in the key condition (`agent.id`) becomes `In(keys)`.
  batchQuery(source, query, key, loopTargets, site) {
    const value = source.text.slice(key.column.span.end, key.span.end);
    const expression = loopTargets.map((t) => new RegExp(`\\b${t}\\b(?:\\.\\w+)*`).exec(value)?.[0]).find((e) => e !== undefined);
    const root = source.root();
    return expression && root ? batchedFind(source.text, query.span, key.span, expression, loopTargets, site.keys, site.rows, root) : undefined;
  },
  rowWriteNote(source, query, loop) {
    const root = source.root();
    return root && typeOrmRowWriteNote(root, query, loop);
  },
  // `insert`/`save` per item: one call over all items; `find`/`findBy` get `take`.
  batchWriteAdvice: (kind) => (kind === 'insert' ? TYPEORM_INSERT_ADVICE : undefined),
  batchWrite: ({ text, file }, query, loop) => asOrmEdit(typeOrmWriteAllEdit(text, file, query, loop)),
  limit: ({ text, file }, query, limit) => asOrmEdit(typeOrmTakeEdit(text, file, query, limit)),
};

/** `namingStrategy: new SnakeNamingStrategy()` in a DataSource's (or Nest's TypeOrmModule's) options: a marker entry. */
function namingMarker(root: SyntaxNode): HostModel[] {
  for (const object of root.descendantsOfType('object')) {
    const value = propertiesOf(object).get('namingStrategy');
    const n = value ? unwrap(value) : undefined;
    if (n?.type === 'new_expression' && n.childForFieldName('constructor')?.text === 'SnakeNamingStrategy') {
      return [{ className: '', table: '', span: { start: n.startIndex, end: n.endIndex }, changes: [], relationships: [], orm: 'typeorm', namingStrategy: 'snake' }];
    }
  }
  return [];
}
