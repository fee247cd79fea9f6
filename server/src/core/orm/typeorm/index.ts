/** TypeORM in the TypeScript ORM list (host/typescript/orms.ts): entities, the naming strategy, repository and query-builder calls. */
import type { SyntaxNode } from '../../host/treesitter';
import type { HostModel } from '../../host/types';
import type { TypeScriptOrm } from '../../host/typescript/orms';
import { propertiesOf, readEntities, unwrap } from './entities';
import { resolveTypeOrmModels } from './resolve';
import { batchedFind, entityIndexEdits } from './fix';
import { mayQueryTypeOrm, typeOrmQuery } from './queries';
import { typeOrmRowWriteNote } from './writes';

const MAY_DECLARE = /@(?:Entity|Column|PrimaryGeneratedColumn|PrimaryColumn|CreateDateColumn|ManyToOne)\b|\bSnakeNamingStrategy\b/;

export const typeorm: TypeScriptOrm = {
  id: 'typeorm',
  mayDeclareModels: (text) => MAY_DECLARE.test(text),
  models: (root, text) => [...readEntities(root), ...(/\bSnakeNamingStrategy\b/.test(text) ? namingMarker(root) : [])],
  resolve: resolveTypeOrmModels,
  modelIndexEdits: entityIndexEdits,
  batchQuery: (root, text, q, keys, rows) => batchedFind(text, q.span, q.keySpan, q.keyExpression, q.loopTargets, keys, rows, root),
  rowWriteNote: typeOrmRowWriteNote,
  mayQuery: mayQueryTypeOrm,
  query: typeOrmQuery,
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
