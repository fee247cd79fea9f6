/**
 * TypeORM calls → the query they send (a QueryModel whose spans are file
 * offsets), as builders.ts does for knex and Kysely:
 *
 * - repository methods, when the repository's entity is known from the code:
 *   `@InjectRepository(User) private users: Repository<User>` (NestJS), a field
 *   or parameter typed `Repository<User>`, `x.getRepository(User)` (called in
 *   place, or assigned to a `const` or `this.x` first), an entity class's own
 *   static methods (`User.find(...)`, Active Record), and an EntityManager's
 *   methods with the entity first (`manager.find(User, {...})`):
 *   `find`/`findBy`/`findOne`/`findOneBy`/`findOneOrFail`/`findOneByOrFail`/
 *   `findAndCount`/`findAndCountBy`/`count`/`countBy`/`exists`/`existsBy`
 *   with `where` (equality, `In`, `Like`/`ILike`, `IsNull`, `Not`,
 *   `MoreThan`/`LessThan`/`Between`..., a relation's key `user: { id }`),
 *   `order`, `take`/`skip`; writes: `save`/`insert` (an INSERT, one per call),
 *   `update(criteria, ...)`, `delete(criteria)`, `softDelete`, `remove`;
 * - `createQueryBuilder('u')` on such a repository (or `manager.createQueryBuilder(User, 'u')`)
 *   with `.where('u.orgId = :orgId', {...})`/`.andWhere(...)` (the fragment read
 *   by the SQL parser when it is a plain comparison of a property with a
 *   parameter, else the chain is not read), joins of a relation
 *   (`.leftJoinAndSelect('u.profile', 'p')`, `.innerJoin('u.orders', 'o', 'o.state = :s')`, by the relation's
 *   keys) or of an entity on its condition (`.innerJoin(Profile, 'p', 'p.userId = u.id')`), `.orderBy`/`.addOrderBy`,
 *   `.take`/`.limit`, `.skip`/`.offset`, and `.getMany()`/`.getOne()`/
 *   `.getCount()`/`.getManyAndCount()`/`.getRawMany()`/`.getRawOne()`/`.execute()`.
 *
 * Property names become their columns through the entity's fields
 * (`HostModel.fields`: TypeORM's naming, `@Column({ name })`). What cannot be
 * rendered faithfully is not read: a `where` array (an OR), a where object
 * that is not a literal, an `orWhere`, `Brackets`, a many-to-many join, an unknown step. A
 * spread inside a where object adds conditions QueryLens leaves out (the rest
 * stays true).
 */
import { emptyQuery, resolveColumns } from '../../sql/build';
import type { ColumnRef, JoinCondition, OrmWrite, Predicate, PredicateOp, QueryModel, Span, StatementKind } from '../../sql/model';
import type { SyntaxNode } from '../../host/treesitter';
import type { HostModel, Terminal } from '../../host/types';
import type { BuiltQuery } from '../../host/typescript/builders';
import type { QueryReaderContext } from '../../host/typescript/orms';
import { rootOf } from '../../host/typescript/syntax';
import { argsOf, decoratorsOf, propertiesOf, spanOf, stringOf, stringList, unwrap } from './entities';
import { insertValues, updateValues } from './write-values';

type Node = SyntaxNode;

/** Repository methods that read: the terminal and whether the argument is the where object itself (`findBy`). */
const READS: Record<string, { terminal: Terminal; bare: boolean; one?: boolean; count?: boolean }> = {
  find: { terminal: 'all', bare: false },
  findBy: { terminal: 'all', bare: true },
  findAndCount: { terminal: 'all', bare: false },
  findAndCountBy: { terminal: 'all', bare: true },
  findOne: { terminal: 'first', bare: false, one: true },
  findOneBy: { terminal: 'first', bare: true, one: true },
  findOneOrFail: { terminal: 'one', bare: false, one: true },
  findOneByOrFail: { terminal: 'one', bare: true, one: true },
  count: { terminal: 'scalar', bare: false, count: true },
  countBy: { terminal: 'scalar', bare: true, count: true },
  exists: { terminal: 'scalar', bare: false, one: true },
  existsBy: { terminal: 'scalar', bare: true, one: true },
  exist: { terminal: 'scalar', bare: false, one: true },
};
const WRITES: Record<string, StatementKind> = { save: 'insert', insert: 'insert', update: 'update', delete: 'delete', softDelete: 'update', restore: 'update', remove: 'delete', softRemove: 'update' };

/** TypeORM's find operators → predicate ops. */
const OPERATORS: Record<string, PredicateOp> = {
  In: 'in', Like: 'like', ILike: 'ilike', IsNull: 'is_null', MoreThan: 'range', MoreThanOrEqual: 'range', LessThan: 'range', LessThanOrEqual: 'range',
  Between: 'range', Equal: 'eq', Any: 'in',
};

/** query-builder steps that end the chain (and what they do with the rows). */
const QB_TERMINALS: Record<string, Terminal> = {
  getMany: 'all', getOne: 'first', getOneOrFail: 'one', getCount: 'scalar', getManyAndCount: 'all', getRawMany: 'all', getRawOne: 'first', getExists: 'scalar', stream: 'iterate', execute: 'execute',
};

/** query-builder steps that change nothing QueryLens models (their arguments may hold values). */
const QB_PASSIVE = new Set(['setParameter', 'setParameters', 'withDeleted', 'cache', 'setLock', 'useTransaction', 'comment', 'callListeners', 'updateEntity']);

/**
 * Whether a file may hold a call `typeOrmQuery` reads: it names TypeORM, and a query is a step
 * of READS or WRITES, or `createQueryBuilder`, after a dot, on an entity that an identifier of
 * the file names (`byClass` takes no other name: `getRepository(User)`, `Repository<User>`,
 * `manager.find(User, ..)`, `User.find(..)`). Many files of a TypeORM project import `typeorm`
 * for its types and operators and query nothing (daily-api: 74 of the 118 files parsed for TypeORM alone that
 * held nothing fail this test).
 */
export function mayQueryTypeOrm(text: string, models: readonly HostModel[]): boolean {
  return (/\btypeorm\b/.test(text) || /\bRepository<|getRepository\(|InjectRepository\(/.test(text)) && STEP.test(text) && entityNamesOf(models).test(text);
}

/** A step of a query after its dot (comments and spaces between them). */
const STEP = new RegExp(String.raw`\.(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*(?:${[...Object.keys(READS), ...Object.keys(WRITES), 'createQueryBuilder'].join('|')})\b`);

/** The class names of the workspace's entities (`entitiesOf`'s) as words, kept per models list; a name `\b` cannot bound lets every text pass. */
const entityNames = new WeakMap<readonly HostModel[], RegExp>();
function entityNamesOf(models: readonly HostModel[]): RegExp {
  let test = entityNames.get(models);
  if (!test) {
    const names = [...entitiesOf(models).keys()];
    test = names.some((n) => !/^[A-Za-z_]\w*$/.test(n)) ? /(?:)/ : names.length === 0 ? /(?!)/ : new RegExp(String.raw`\b(?:${names.join('|')})\b`);
    entityNames.set(models, test);
  }
  return test;
}

export function typeOrmQuery(node: Node, text: string, context: QueryReaderContext): BuiltQuery | undefined {
  const byClass = entitiesOf(context.models);
  if (byClass.size === 0) return undefined;
  const top = unwrap(node.type === 'await_expression' ? node.namedChildren[0]! : node);
  if (top.type !== 'call_expression') return undefined;
  const chain = splitChain(top);
  if (!chain) return undefined;
  const program = rootOf(node);
  const entity = (name: string) => byClass.get(name);
  const built = queryBuilderChain(chain, program, entity, text) ?? repositoryCall(chain, program, entity, text);
  return built && { ...built, span: spanOf(node) };
}

/** The workspace's TypeORM entities by class name (the first of a name), kept per models list (one per workspace version). */
const entityMaps = new WeakMap<readonly HostModel[], Map<string, HostModel>>();
function entitiesOf(models: readonly HostModel[]): Map<string, HostModel> {
  let map = entityMaps.get(models);
  if (!map) {
    map = new Map();
    for (const m of models) if (m.orm === 'typeorm' && m.table !== '' && !map.has(m.className)) map.set(m.className, m);
    entityMaps.set(models, map);
  }
  return map;
}

// ---------------------------------------------------------------------------------------------
// The chain

interface Step {
  name: string;
  call: Node;
  nameNode: Node;
  args: Node[];
}

/** `a.b(..).c(..)` → base `a`, steps b, c; undefined when a step is not a plain member call. */
function splitChain(top: Node): { base: Node; steps: Step[] } | undefined {
  const steps: Step[] = [];
  let n: Node = top;
  while (n.type === 'call_expression') {
    const fn = unwrap(n.childForFieldName('function')!);
    if (fn.type !== 'member_expression') break;
    const nameNode = fn.childForFieldName('property');
    if (!nameNode || nameNode.type !== 'property_identifier' || fn.text.includes('?.')) return undefined;
    steps.push({ name: nameNode.text, call: n, nameNode, args: argsOf(n) });
    n = unwrap(fn.childForFieldName('object')!);
  }
  if (steps.length === 0) return undefined;
  return { base: n, steps: steps.reverse() };
}

// ---------------------------------------------------------------------------------------------
// Which entity a repository is for

/**
 * The entity of the repository (or entity class) `base`, as the code shows it:
 * `this.users` (a field or constructor parameter with `@InjectRepository(User)` or
 * type `Repository<User>`, or `this.users = x.getRepository(User)`), `repo` (a `const`
 * or parameter likewise), `x.getRepository(User)` itself, or `User` (Active Record).
 */
function repositoryEntity(base: Node, program: Node, byClass: (name: string) => HostModel | undefined): HostModel | undefined {
  const b = unwrap(base);
  if (b.type === 'call_expression') {
    const fn = unwrap(b.childForFieldName('function')!);
    if (fn.type === 'member_expression' && fn.childForFieldName('property')?.text === 'getRepository') {
      const arg = argsOf(b)[0];
      return arg && unwrap(arg).type === 'identifier' ? byClass(unwrap(arg).text) : undefined;
    }
    return undefined;
  }
  if (b.type === 'identifier') {
    const model = byClass(b.text);
    if (model && !localBinding(b.text, program)) return model;
    const decl = localBinding(b.text, program);
    return decl ? bindingEntity(decl, program, byClass) : undefined;
  }
  if (b.type === 'member_expression' && unwrap(b.childForFieldName('object')!).type === 'this') {
    const name = b.childForFieldName('property')?.text;
    if (!name) return undefined;
    const cls = enclosing(b, 'class_body');
    if (!cls) return undefined;
    for (const member of cls.namedChildren) {
      if (member.type === 'public_field_definition' && member.childForFieldName('name')?.text === name) return bindingEntity(member, program, byClass);
      if (member.type === 'method_definition' && member.childForFieldName('name')?.text === 'constructor') {
        for (const p of member.childForFieldName('parameters')?.namedChildren ?? []) {
          if ((p.type === 'required_parameter' || p.type === 'optional_parameter') && p.childForFieldName('pattern')?.text === name) return bindingEntity(p, program, byClass);
        }
        // `this.users = dataSource.getRepository(User)` in the constructor
        for (const a of member.descendantsOfType('assignment_expression')) {
          if (a.childForFieldName('left')?.text.replace(/\s+/g, '') === `this.${name}`) return repositoryEntity(a.childForFieldName('right')!, program, byClass);
        }
      }
    }
  }
  return undefined;
}

function enclosing(node: Node, type: string): Node | undefined {
  for (let n = node.parent; n; n = n.parent) if (n.type === type) return n;
  return undefined;
}

/** A `const`, parameter or field of that name anywhere in the file (names of repositories are distinct in practice; two that disagree say nothing). */
function localBinding(name: string, program: Node): Node | undefined {
  let found: Node | undefined;
  for (const d of bindingsOf(program)) {
    const bound = d.type === 'variable_declarator' ? d.childForFieldName('name') : d.childForFieldName('pattern');
    if (bound?.type !== 'identifier' || bound.text !== name) continue;
    if (found) return undefined;
    found = d;
  }
  return found;
}

const bindingCache = new WeakMap<Node, Node[]>();
function bindingsOf(program: Node): Node[] {
  let list = bindingCache.get(program);
  if (!list) bindingCache.set(program, (list = program.descendantsOfType(['variable_declarator', 'required_parameter', 'optional_parameter'])));
  return list;
}

/** `@InjectRepository(User)`, `: Repository<User>`, `= x.getRepository(User)`. */
function bindingEntity(decl: Node, program: Node, byClass: (name: string) => HostModel | undefined): HostModel | undefined {
  const inject = decoratorsOf(decl).find((d) => d.name === 'InjectRepository');
  const injected = inject?.args[0] && unwrap(inject.args[0]);
  if (injected?.type === 'identifier') return byClass(injected.text);
  const type = decl.childForFieldName('type')?.namedChildren[0];
  if (type?.type === 'generic_type' && /^(Repository|TreeRepository|MongoRepository)$/.test(type.namedChildren[0]?.text ?? '')) {
    const arg = type.namedChildren[1]?.namedChildren[0];
    return arg?.type === 'type_identifier' ? byClass(arg.text) : undefined;
  }
  const value = decl.childForFieldName('value');
  return value ? repositoryEntity(unwrap(value.type === 'await_expression' ? value.namedChildren[0]! : value), program, byClass) : undefined;
}

/** `manager.find(User, ..)`, `this.dataSource.manager.find(User, ..)`, `em.find(..)`, `queryRunner.manager..`, `transactionalEntityManager.find(..)`. */
function isManager(base: Node, program: Node): boolean {
  const b = unwrap(base);
  const name = b.type === 'member_expression' ? b.childForFieldName('property')?.text : b.type === 'identifier' ? b.text : undefined;
  if (!name) return false;
  if (/^(manager|entityManager|em)$/.test(name) || /EntityManager$|Manager$/.test(name) && /manager/i.test(name)) return true;
  if (b.type === 'identifier') {
    const decl = localBinding(name, program);
    return /\bEntityManager\b/.test(decl?.childForFieldName('type')?.text ?? '');
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Repository calls

function repositoryCall(chain: { base: Node; steps: Step[] }, program: Node, byClass: (name: string) => HostModel | undefined, text: string): Omit<BuiltQuery, 'span'> | undefined {
  const { base, steps } = chain;
  // `x.getRepository(User).find(..)`: the repository is the first step's result.
  let receiver = base;
  let rest = steps;
  if (steps.length === 2 && steps[0]!.name === 'getRepository') {
    receiver = steps[0]!.call;
    rest = steps.slice(1);
  }
  if (rest.length !== 1) return undefined;
  const step = rest[0]!;
  if (!Object.hasOwn(READS, step.name) && !Object.hasOwn(WRITES, step.name)) return undefined;
  let args = step.args;
  let model = repositoryEntity(receiver, program, byClass);
  if (!model && isManager(receiver, program)) {
    const first = args[0] && unwrap(args[0]);
    model = first?.type === 'identifier' ? byClass(first.text) : undefined;
    args = args.slice(1);
  }
  if (!model) return undefined;
  const reader = new Reader(model, text);
  if (Object.hasOwn(READS, step.name)) return reader.read(step, args, READS[step.name]!);
  return reader.write(step, args, WRITES[step.name]!);
}

class Reader {
  model: QueryModel;
  roots = new Set<string>();
  /** A condition of the filter was left out (a spread, a filter on a relation's other columns): a write is then not rendered. */
  partial = false;
  constructor(
    private readonly entity: HostModel,
    private readonly text: string,
  ) {
    this.model = emptyQuery('select');
  }

  private table(span: Span): void {
    this.model.tables.push({ name: this.entity.table, span });
  }

  read(step: Step, args: Node[], how: (typeof READS)[string]): Omit<BuiltQuery, 'span'> | undefined {
    this.table(spanOf(step.nameNode));
    const arg = args[0] && unwrap(args[0]);
    if (arg) {
      if (arg.type !== 'object') return undefined;
      if (how.bare) {
        if (!this.where(arg)) return undefined;
      } else {
        const options = propertiesOf(arg);
        for (const entry of arg.namedChildren) if (entry.type !== 'pair' && entry.type !== 'comment') return undefined; // a spread of options
        for (const [key, value] of options) {
          if (key === 'where') {
            if (!this.where(unwrap(value))) return undefined;
          } else if (key === 'order') {
            if (!this.order(unwrap(value))) return undefined;
          } else if (key === 'take' || key === 'skip') {
            this.bound(key === 'take' ? 'limit' : 'offset', value, enclosingPair(value));
          } else if (key === 'select' || key === 'relations' || key === 'withDeleted' || key === 'cache' || key === 'lock' || key === 'loadEagerRelations' || key === 'relationLoadStrategy' || key === 'transaction' || key === 'comment' || key === 'loadRelationIds') {
            if (key === 'select') this.select(unwrap(value));
          } else return undefined;
        }
      }
    }
    if (how.one && !this.model.limit) this.model.limit = { span: spanOf(step.nameNode), value: 1 };
    if (how.count) this.model.isAggregate = true;
    this.softDeleted();
    resolveColumns(this.model);
    return { library: 'typeorm', model: this.model, statementKind: 'select', terminal: how.terminal, parameterRoots: [...this.roots] };
  }

  write(step: Step, args: Node[], kind: StatementKind): Omit<BuiltQuery, 'span'> | undefined {
    this.model = emptyQuery(kind);
    this.table(spanOf(step.nameNode));
    for (const a of args) this.note(a);
    if (kind === 'update' || kind === 'delete') {
      // `remove(entity)` / `softRemove(entity)` act on loaded entities, by their keys.
      const byKey = step.name === 'remove' || step.name === 'softRemove' || step.name === 'restore';
      const criteria = args[0] && unwrap(args[0]);
      if (!criteria) return undefined;
      if (!byKey) {
        if (criteria.type === 'object') {
          if (!this.where(criteria)) return undefined;
        } else this.keyCriteria(criteria);
      } else this.keyCriteria(criteria);
    }
    // The SQL sent, when all of it is read: `insert(values)`, `save(values)` of a new row (no key given: no SELECT first), `update(criteria, values)`, `delete(criteria)`, `remove(entity)`.
    const written = this.partial ? undefined : this.written(step.name, args);
    if (written) this.model.write = written;
    resolveColumns(this.model);
    return { library: 'typeorm', model: this.model, statementKind: kind, terminal: 'execute', parameterRoots: [...this.roots] };
  }

  private written(method: string, args: Node[]): OrmWrite | undefined {
    if (method === 'insert') return args[0] && insertValues(this.entity, args[0]);
    if (method === 'save') {
      const values = args[0] && unwrap(args[0]);
      const keys = (this.entity.fields ?? []).filter((f) => f.auto === 'increment' || this.primaryKey()?.includes(f.column)).map((f) => f.name);
      const givesKey = values?.type === 'object' && [...propertiesOf(values).keys()].some((k) => keys.includes(k));
      return values?.type === 'object' && !givesKey && keys.length > 0 ? insertValues(this.entity, values) : undefined;
    }
    if (method === 'update') return args[1] && updateValues(this.entity, args[1]);
    if (method === 'delete' || method === 'remove') return this.model.predicates.length > 0 ? { columns: [], rows: [] } : undefined;
    return undefined; // softDelete, restore, softRemove: the delete-date column TypeORM sets
  }

  private primaryKey(): string[] | undefined {
    const create = this.entity.changes.find((c) => c.kind === 'createTable');
    return create?.kind === 'createTable' ? create.primaryKey : undefined;
  }

  /** `delete(id)`, `delete([id1, id2])`, `remove(entity)`, `whereInIds(ids)`: the primary key. */
  keyCriteria(criteria: Node, list = false): void {
    const pk = this.primaryKey();
    if (pk?.length !== 1) return;
    // A list (`whereInIds`), an array, or a name that says it holds keys (`ids`, `claimIds`): TypeORM sends `IN (...)`.
    const many = list || criteria.type === 'array' || (criteria.type === 'identifier' && /^(ids|keys)$|[a-z](Ids|IDs|Keys|_ids|_keys)$/.test(criteria.text));
    this.model.predicates.push({ column: { column: pk[0]!, table: this.entity.table, span: spanOf(criteria) }, op: many ? 'in' : 'eq', valueKind: 'param', disjunctive: false, span: spanOf(criteria) });
  }

  /** `{ orgId, status: 'active', user: { id: userId }, deletedAt: IsNull() }`; false when it cannot be read faithfully. */
  where(obj: Node): boolean {
    if (obj.type === 'array') {
      // An array of where objects is an OR: one object is the same as none.
      const items = obj.namedChildren.filter((c) => c.type !== 'comment');
      if (items.length !== 1) return false;
      return this.where(unwrap(items[0]!));
    }
    if (obj.type !== 'object') return false;
    for (const entry of obj.namedChildren) {
      if (entry.type === 'comment') continue;
      if (entry.type === 'spread_element') {
        this.note(entry);
        this.partial = true;
        continue;
      }
      const key = entry.type === 'pair' ? entry.childForFieldName('key') : entry.type === 'shorthand_property_identifier' ? entry : null;
      if (!key || (key.type !== 'property_identifier' && key.type !== 'shorthand_property_identifier' && stringOf(key) === undefined)) return false;
      const property = stringOf(key) ?? key.text;
      const value = entry.type === 'pair' ? unwrap(entry.childForFieldName('value')!) : entry;
      const field = this.entity.fields?.find((f) => f.name === property);
      if (!field) return false;
      if (field.relation) {
        // `user: { id: x }`: the join column on this table; any other filter on the relation joins it (left out).
        const props = value.type === 'object' ? [...propertiesOf(value)] : [];
        if (field.relation.columns.length === 1 && props.length === 1 && props[0]![0] === field.relation.references[0]) this.predicate(field.relation.columns[0]!, key, unwrap(props[0]![1]), spanOf(entry));
        else this.partial = true;
        continue;
      }
      this.predicate(field.column, key, value, spanOf(entry));
    }
    return true;
  }

  private predicate(column: string, key: Node, value: Node, span: Span): void {
    const ref: ColumnRef = { column, table: this.entity.table, span: spanOf(key) };
    let v = value;
    let not = false;
    if (operatorName(v) === 'Not') {
      not = true;
      const inner = argsOf(v)[0];
      if (!inner) return void (this.partial = true);
      v = unwrap(inner);
    }
    const op = operatorName(v);
    let predicate: Predicate;
    if (op !== undefined) {
      if (op === 'Raw' || op === 'ArrayContains' || op === 'ArrayContainedBy' || op === 'ArrayOverlap' || op === 'JsonContains') {
        this.note(v);
        predicate = { column: ref, op: 'other', valueKind: 'expression', disjunctive: false, span };
      } else if (!Object.hasOwn(OPERATORS, op)) return void (this.partial = true);
      else {
        const arg = argsOf(v)[0];
        if (arg) this.note(arg);
        predicate = { column: ref, op: OPERATORS[op]!, valueKind: op === 'IsNull' ? 'null' : arg && isLiteral(arg) ? 'literal' : 'param', disjunctive: false, span };
        if ((op === 'Like' || op === 'ILike') && arg) {
          const pattern = patternOf(unwrap(arg), this.text);
          if (pattern !== undefined) predicate.pattern = pattern;
        }
      }
    } else if (v.type === 'null') predicate = { column: ref, op: 'is_null', valueKind: 'null', disjunctive: false, span };
    else if (v.type === 'object' || v.type === 'array') return void (this.partial = true); // an embedded or JSON filter: not read
    else {
      this.note(v);
      predicate = { column: ref, op: 'eq', valueKind: isLiteral(v) ? 'literal' : 'param', disjunctive: false, span };
    }
    if (not) predicate = { ...predicate, op: 'not_eq' };
    this.model.predicates.push(predicate);
  }

  /** `{ createdAt: 'DESC', name: 'ASC' }`, `{ createdAt: { direction: 'desc' } }`. */
  private order(obj: Node): boolean {
    if (obj.type !== 'object') return false;
    for (const entry of obj.namedChildren) {
      if (entry.type === 'comment') continue;
      if (entry.type !== 'pair') return false;
      const key = entry.childForFieldName('key')!;
      const property = stringOf(key) ?? key.text;
      const field = this.entity.fields?.find((f) => f.name === property && !f.relation);
      if (!field) return false;
      const value = unwrap(entry.childForFieldName('value')!);
      const direction = stringOf(value) ?? (value.type === 'object' ? stringOf(propertiesOf(value).get('direction')) : undefined) ?? (value.type === 'number' ? value.text : undefined);
      if (direction === undefined) return false;
      this.model.orderBy.push({ column: { column: field.column, table: this.entity.table, span: spanOf(key) }, desc: /^(desc|-1)$/i.test(direction) });
    }
    return true;
  }

  /** `select: ['id', 'name']` or `{ id: true, name: true }`. */
  private select(value: Node): void {
    const names = value.type === 'array' ? value.namedChildren.map((c) => ({ name: stringOf(c), node: c })) : value.type === 'object' ? value.namedChildren.filter((c) => c.type === 'pair' && unwrap(c.childForFieldName('value')!).type === 'true').map((c) => ({ name: stringOf(c.childForFieldName('key')!) ?? c.childForFieldName('key')!.text, node: c.childForFieldName('key')! })) : [];
    for (const { name, node } of names) {
      const field = name ? this.entity.fields?.find((f) => f.name === name && !f.relation) : undefined;
      if (field) this.model.columns.push({ column: field.column, table: this.entity.table, span: spanOf(node) });
    }
  }

  bound(which: 'limit' | 'offset', value: Node, span: Span): void {
    const v = unwrap(value);
    this.note(v);
    this.model[which] = { span, ...(v.type === 'number' && /^\d+$/.test(v.text) ? { value: Number(v.text) } : {}) };
  }

  /** TypeORM leaves soft-deleted rows out (`"deletedAt" IS NULL`) unless `withDeleted`. */
  private softDeleted(): void {
    // The condition TypeORM adds is not in the code: nothing to point at, and it filters little. Left out.
  }

  note(node: Node): void {
    valueRoots(node, this.roots);
  }
}

function enclosingPair(value: Node): Span {
  const pair = value.parent?.type === 'pair' ? value.parent : value;
  return spanOf(pair);
}

/** `In([..])`, `Like('%x')`, `Not(IsNull())`: the operator's name. */
function operatorName(node: Node): string | undefined {
  if (node.type !== 'call_expression') return undefined;
  const fn = unwrap(node.childForFieldName('function')!);
  return fn.type === 'identifier' && /^[A-Z]/.test(fn.text) ? fn.text : undefined;
}

function isLiteral(node: Node): boolean {
  const n = unwrap(node);
  if (n.type === 'array') return n.namedChildren.length > 0 && n.namedChildren.every(isLiteral);
  return n.type === 'string' || n.type === 'number' || n.type === 'true' || n.type === 'false' || (n.type === 'template_string' && !n.namedChildren.some((c) => c.type === 'template_substitution'));
}

/** A LIKE pattern as the code writes it: literal text, `{expr}` for a part known at run time (`%${q}%` → `%{q}%`). */
function patternOf(node: Node, text: string): string | undefined {
  if (node.type === 'string') return stringOf(node);
  if (node.type === 'template_string') {
    let out = '';
    let at = node.startIndex + 1;
    for (const c of node.namedChildren) {
      if (c.type === 'string_fragment') out += text.slice(at, c.endIndex);
      else if (c.type === 'template_substitution') out += text.slice(at, c.startIndex) + `{${c.namedChildren[0]?.text ?? ''}}`;
      else return undefined;
      at = c.endIndex;
    }
    out += text.slice(at, node.endIndex - 1);
    return out.startsWith('{') ? undefined : out;
  }
  return undefined;
}

const NOT_VALUES = new Set(['undefined', 'NaN', 'Infinity']);

/** Identifiers the values come from (`orgId`, `user.id` → `user`); operators' names are not values. */
function valueRoots(node: Node, out: Set<string>): void {
  const n = unwrap(node);
  if (n.type === 'identifier') {
    if (!NOT_VALUES.has(n.text)) out.add(n.text);
    return;
  }
  if (n.type === 'member_expression') {
    const obj = n.childForFieldName('object');
    if (obj) valueRoots(obj, out);
    return;
  }
  if (n.type === 'call_expression') {
    const fn = unwrap(n.childForFieldName('function')!);
    if (fn.type === 'member_expression') valueRoots(fn, out);
    for (const a of argsOf(n)) valueRoots(a, out);
    return;
  }
  if (n.type === 'pair') {
    const v = n.childForFieldName('value');
    if (v) valueRoots(v, out);
    return;
  }
  if (n.type === 'shorthand_property_identifier') {
    out.add(n.text);
    return;
  }
  if (n.type === 'arrow_function' || n.type === 'function_expression' || n.type.startsWith('type_')) return;
  for (const c of n.namedChildren) valueRoots(c, out);
}

// ---------------------------------------------------------------------------------------------
// Query builders

/**
 * `repo.createQueryBuilder('u').where('u.orgId = :orgId', { orgId }).orderBy('u.createdAt', 'DESC').take(20).getMany()`.
 * The where fragments are read when each is `alias.property <op> :param` (or `IS NULL`), ANDed.
 */
function queryBuilderChain(chain: { base: Node; steps: Step[] }, program: Node, byClass: (name: string) => HostModel | undefined, text: string): Omit<BuiltQuery, 'span'> | undefined {
  const { base, steps } = chain;
  let start = steps.findIndex((s) => s.name === 'createQueryBuilder');
  if (start < 0) return undefined;
  const create = steps[start]!;
  let receiver: Node = start === 0 ? base : steps[start - 1]!.call;
  if (start === 1 && steps[0]!.name !== 'getRepository') return undefined;
  if (start > 1) return undefined;
  let aliasArg = create.args[0];
  let model = repositoryEntity(receiver, program, byClass);
  if (!model) {
    // `manager.createQueryBuilder(User, 'u')`, `dataSource.createQueryBuilder(User, 'u')`
    const first = create.args[0] && unwrap(create.args[0]);
    if (first?.type === 'identifier') model = byClass(first.text);
    aliasArg = create.args[1];
  }
  const next = steps[start + 1]?.name;
  if (next === 'update' || next === 'delete' || next === 'insert') return queryBuilderWrite(steps.slice(start + 1), model, byClass, text);
  if (!model) return undefined;
  const alias = aliasArg ? stringOf(aliasArg) : undefined;
  if (!alias) return undefined;
  const reader = new Reader(model, text);
  reader.model.tables.push({ name: model.table, alias, span: spanOf(create.nameNode) });
  // The main alias and each joined one (`.leftJoinAndSelect('u.profile', 'p')`) → its entity.
  const aliases = new Map<string, HostModel>([[alias, model]]);
  const fieldOf = (ref: string): QbField | undefined => {
    const m = /^(\w+)\.(\w+)$/.exec(ref.trim());
    const owner = m ? aliases.get(m[1]!) : undefined;
    const field = owner?.fields?.find((f) => f.name === m![2]);
    if (!owner || !field) return undefined;
    if (field.relation) return field.relation.columns.length === 1 ? { column: field.relation.columns[0]!, table: owner.table } : undefined;
    return { column: field.column, table: owner.table };
  };
  let terminal: Terminal = 'unknown';
  let kind: StatementKind = 'select';
  let beforeTerminal: number | undefined;
  const rest = steps.slice(start + 1);
  for (let i = 0; i < rest.length; i++) {
    const step = rest[i]!;
    const last = i === rest.length - 1;
    switch (step.name) {
      case 'select':
      case 'addSelect':
        if (!step.args.every((a) => stringOf(a) !== undefined || unwrap(a).type === 'array')) return undefined;
        break;
      case 'where':
      case 'andWhere': {
        const fragment = step.args[0] ? stringOf(step.args[0]) : undefined;
        if (fragment === undefined) return undefined;
        const start = unwrap(step.args[0]!).startIndex + 1;
        if (!whereFragment(reader, fragment, start, fieldOf)) return undefined;
        if (step.args[1]) reader.note(step.args[1]);
        break;
      }
      case 'leftJoin':
      case 'leftJoinAndSelect':
      case 'innerJoin':
      case 'innerJoinAndSelect':
        if (!joinStep(reader, step, aliases, byClass, fieldOf)) return undefined;
        break;
      case 'orderBy':
      case 'addOrderBy': {
        const s = step.args[0] ? unwrap(step.args[0]) : undefined;
        const ref = s ? stringOf(s) : undefined;
        const field = ref ? fieldOf(ref) : undefined;
        if (!field || !s) return undefined;
        const dir = step.args[1] ? stringOf(step.args[1]) : 'ASC';
        if (dir === undefined) return undefined;
        const dot = ref!.indexOf('.');
        reader.model.orderBy.push({ column: { column: field.column, table: field.table, qualifier: ref!.slice(0, dot), span: { start: s.startIndex + 2 + dot, end: s.endIndex - 1 } }, desc: /^desc$/i.test(dir) });
        break;
      }
      case 'take':
      case 'limit':
      case 'skip':
      case 'offset':
        if (!step.args[0]) return undefined;
        reader.bound(step.name === 'take' || step.name === 'limit' ? 'limit' : 'offset', step.args[0], { start: step.nameNode.startIndex, end: step.call.endIndex });
        break;
      default:
        if (QB_PASSIVE.has(step.name)) {
          for (const a of step.args) reader.note(a);
          break;
        }
        if (last && Object.hasOwn(QB_TERMINALS, step.name)) {
          terminal = QB_TERMINALS[step.name]!;
          beforeTerminal = step.nameNode.startIndex - 1;
          if (step.name === 'getCount') reader.model.isAggregate = true;
          if (step.name === 'execute') terminal = 'all';
          break;
        }
        return undefined; // an orWhere, Brackets, an update/delete builder...: not read
    }
  }
  if (terminal === 'unknown') return undefined;
  resolveColumns(reader.model);
  return { library: 'typeorm', model: reader.model, statementKind: kind, terminal, parameterRoots: [...reader.roots], ...(beforeTerminal !== undefined ? { beforeTerminal } : {}) };
}

/**
 * `.update(Entity?).set({...})`, `.delete().from(Entity)`, `.insert().into(Entity, columns?).values(...)` (the entity, when
 * not named there, the query builder's own: `repo.createQueryBuilder('a').update()`), then `.where`/`.andWhere` (a
 * fragment of bare property names or quoted column names: TypeORM renames the first and sends the second as they are;
 * `alias.property` it sends as written, which PostgreSQL cannot resolve, so the chain is not read) or a where object,
 * `.whereInIds(ids)`, `.orIgnore()`, `.orUpdate([...], [...])`, `.onConflict('...')`, `.returning(...)`, and `.execute()`.
 * The model's `write` holds what it sets when the values and the filter are read whole.
 */
function queryBuilderWrite(steps: Step[], qbEntity: HostModel | undefined, byClass: (name: string) => HostModel | undefined, text: string): Omit<BuiltQuery, 'span'> | undefined {
  const start = steps[0]!;
  const kind: StatementKind = start.name === 'update' ? 'update' : start.name === 'delete' ? 'delete' : 'insert';
  const last = steps[steps.length - 1]!;
  if (last.name !== 'execute' || steps.length < 2) return undefined;
  // The entity: the query builder's, or the one `update(Entity)`, `from(Entity)`, `into(Entity)` names.
  let entity = qbEntity;
  let tableAt = start.nameNode;
  let set: Node | undefined;
  for (const step of steps.slice(0, -1)) {
    const named = step.args[0] && unwrap(step.args[0]);
    if ((step === start && kind === 'update') || (step.name === 'from' && kind === 'delete') || (step.name === 'into' && kind === 'insert')) {
      if (named?.type === 'identifier') {
        entity = byClass(named.text);
        if (!entity) return undefined;
        tableAt = named;
        if (step === start && step.args[1]) set = step.args[1];
      } else if (named?.type === 'object' && step === start) set = named;
      else if (named) return undefined;
    }
  }
  if (!entity) return undefined;
  const reader = new Reader(entity, text);
  reader.model = emptyQuery(kind);
  reader.model.tables.push({ name: entity.table, span: spanOf(tableAt) });
  const fieldOf = (ref: string): QbField | undefined => {
    const quoted = /^"(\w+)"$/.exec(ref);
    const fields = entity!.fields ?? [];
    const field = quoted ? fields.find((f) => !f.relation && f.column === quoted[1]) : fields.find((f) => f.name === ref) ?? fields.find((f) => !f.relation && f.column === ref);
    const column = field?.relation ? (field.relation.columns.length === 1 ? field.relation.columns[0] : undefined) : field?.column;
    return column ? { column, table: entity!.table } : undefined;
  };
  let values: Node | undefined;
  let only: string[] | undefined;
  let onConflict: OrmWrite['onConflict'];
  let returning = false;
  for (const step of steps.slice(1, -1)) {
    switch (step.name) {
      case 'from':
      case 'into':
        if (step.name === 'into' && step.args[1] && !(only = stringList(step.args[1]))) return undefined;
        break;
      case 'set':
        if (kind !== 'update' || !step.args[0]) return undefined;
        set = step.args[0];
        reader.note(step.args[0]);
        break;
      case 'values':
        if (kind !== 'insert' || !step.args[0]) return undefined;
        values = step.args[0];
        reader.note(step.args[0]);
        break;
      case 'where':
      case 'andWhere': {
        if (kind === 'insert' || !step.args[0]) return undefined;
        const arg = unwrap(step.args[0]);
        const fragment = stringOf(arg);
        if (fragment !== undefined) {
          if (!whereFragment(reader, fragment, arg.startIndex + 1, fieldOf)) return undefined;
        } else if (arg.type === 'object') {
          if (!reader.where(arg)) return undefined;
        } else return undefined;
        if (step.args[1]) reader.note(step.args[1]);
        break;
      }
      case 'whereInIds':
        if (kind === 'insert' || !step.args[0]) return undefined;
        reader.note(step.args[0]);
        reader.keyCriteria(unwrap(step.args[0]), true);
        break;
      case 'orIgnore':
        onConflict = { sql: 'DO NOTHING' };
        break;
      case 'orUpdate': {
        const update = step.args[0] && stringList(step.args[0]);
        const target = step.args[1] ? stringList(step.args[1]) : [];
        if (!update || !target) return undefined;
        onConflict = { target, update };
        break;
      }
      case 'onConflict': {
        const clause = step.args[0] && stringOf(step.args[0]);
        if (clause === undefined) return undefined;
        onConflict = { sql: clause };
        break;
      }
      case 'returning':
        returning = true;
        break;
      default:
        if (!QB_PASSIVE.has(step.name)) return undefined; // an orWhere, Brackets, softDelete...: not read
        for (const a of step.args) reader.note(a);
    }
  }
  if (kind === 'insert' && !values) return undefined;
  const written = reader.partial ? undefined : kind === 'insert' ? insertValues(entity, values!, only) : kind === 'update' ? set && updateValues(entity, set) : { columns: [], rows: [] };
  if (written) reader.model.write = { ...written, ...(onConflict ? { onConflict } : {}), ...(returning ? { returning } : {}) };
  resolveColumns(reader.model);
  return { library: 'typeorm', model: reader.model, statementKind: kind, terminal: returning ? 'all' : 'execute', entity: entity.className, ...(kind === 'insert' && values && unwrap(values).type !== 'object' ? { manyRows: true } : {}), parameterRoots: [...reader.roots] };
}

const FRAGMENT_OPS: Record<string, PredicateOp> = { '=': 'eq', '<': 'range', '<=': 'range', '>': 'range', '>=': 'range', '<>': 'not_eq', '!=': 'not_eq', in: 'in', like: 'like', ilike: 'ilike' };

/**
 * `u.orgId = :orgId AND u.status = :status`, `u.deletedAt IS NULL`, `u.id IN (:...ids)`: ANDed
 * comparisons of an alias's property with a parameter or literal; false for anything else (OR, functions, subqueries).
 */
/** A property of a query builder's alias: its column and the alias's table. */
interface QbField {
  column: string;
  table: string;
}

/**
 * `.leftJoinAndSelect('u.profile', 'p')`, `.innerJoin('u.orders', 'o', 'o.status = :s', { s })`: a relation of a
 * known alias joined by its keys, as TypeORM joins it: the owning side's join column = the target's referenced
 * column; a one-to-many side by the target's one join column back to the owner (none or several: not read). The
 * condition (third argument) is read as a where fragment, its comparisons among the predicates. An entity joined
 * with its own condition (`.innerJoin(Profile, 'p', 'p.userId = u.id')`) is joined on that condition's column
 * pairs. A many-to-many relation (its junction table) and anything else are not read: false.
 */
function joinStep(reader: Reader, step: Step, aliases: Map<string, HostModel>, byClass: (name: string) => HostModel | undefined, fieldOf: (ref: string) => QbField | undefined): boolean {
  const [first, second, third, fourth] = step.args.map(unwrap);
  const alias = second ? stringOf(second) : undefined;
  if (!first || !alias || aliases.has(alias)) return false;
  const path = stringOf(first);
  const conditions: JoinCondition[] = [];
  const ref = (m: HostModel, qualifier: string, column: string): ColumnRef => ({ column, table: m.table, qualifier, span: spanOf(first) });
  let target: HostModel | undefined;
  if (path !== undefined) {
    const m = /^(\w+)\.(\w+)$/.exec(path);
    const owner = m ? aliases.get(m[1]!) : undefined;
    const relation = owner?.fields?.find((f) => f.name === m![2])?.relation;
    target = relation ? byClass(relation.target) : undefined;
    if (!owner || !relation || !target) return false;
    if (relation.columns.length === 1 && relation.references.length === 1) {
      conditions.push({ left: ref(owner, m![1]!, relation.columns[0]!), right: ref(target, alias, relation.references[0]!) });
    } else {
      const back = (target.fields ?? []).filter((f) => f.relation?.target === owner.className && f.relation.columns.length === 1);
      if (back.length !== 1 || relation.junction) return false;
      conditions.push({ left: ref(owner, m![1]!, back[0]!.relation!.references[0]!), right: ref(target, alias, back[0]!.relation!.columns[0]!) });
    }
  } else if (first.type === 'identifier') {
    target = byClass(first.text);
    if (!target || !third) return false;
  } else return false;
  aliases.set(alias, target);
  const tableRef = { name: target.table, alias, span: spanOf(first) };
  const on = third ? stringOf(third) : undefined;
  if (third && on === undefined) return false;
  if (on !== undefined) {
    const start = third!.startIndex + 1;
    // Column pairs (`p.userId = u.id`) join; the rest are predicates, as in a where fragment.
    const rest: string[] = [];
    for (const part of on.split(/\s+AND\s+/i)) {
      const pair = /^\s*(\w+\.\w+)\s*=\s*(\w+\.\w+)\s*$/.exec(part);
      const left = pair ? fieldOf(pair[1]!) : undefined;
      const right = pair ? fieldOf(pair[2]!) : undefined;
      if (pair && left && right) {
        const at = start + on.indexOf(part);
        const column = (f: QbField, text: string): ColumnRef => ({ column: f.column, table: f.table, qualifier: text.split('.')[0]!, span: { start: at + part.indexOf(text), end: at + part.indexOf(text) + text.length } });
        conditions.push({ left: column(left, pair[1]!), right: column(right, pair[2]!) });
      } else rest.push(part);
    }
    if (conditions.length === 0) return false;
    if (rest.length > 0 && !whereFragment(reader, on, start, fieldOf, rest)) return false;
  }
  if (fourth) reader.note(fourth);
  reader.model.joins.push({ table: tableRef, kind: step.name.startsWith('left') ? 'left' : 'inner', conditions });
  return true;
}

/** `alias.property <op> :param` comparisons ANDed (only the `parts` given, when given), as predicates; false when one is not of that shape. */
function whereFragment(reader: Reader, fragment: string, start: number, fieldOf: (ref: string) => QbField | undefined, only?: string[]): boolean {
  const parts = fragment.split(/\s+AND\s+/i);
  let at = 0;
  for (const part of parts) {
    const offset = fragment.indexOf(part, at);
    at = offset + part.length;
    if (only && !only.includes(part)) continue;
    // `alias.property`; in a write, a bare property or a quoted column (fieldOf decides which it takes).
    const m = /^\s*\(?\s*(\w+\.\w+|\w+|"\w+")\s*(=|<>|!=|<=|>=|<|>|\bin\b|\blike\b|\bilike\b|\bis\s+null\b|\bis\s+not\s+null\b)\s*(.*?)\s*\)?\s*$/i.exec(part);
    if (!m) return false;
    const field = fieldOf(m[1]!);
    if (!field) return false;
    const op = m[2]!.toLowerCase().replace(/\s+/g, ' ');
    const rhs = m[3]!;
    const refStart = start + offset + part.indexOf(m[1]!);
    const dot = m[1]!.indexOf('.');
    const quote = m[1]!.startsWith('"') ? 1 : 0;
    const column: ColumnRef = {
      column: field.column, table: field.table, ...(dot >= 0 ? { qualifier: m[1]!.slice(0, dot) } : {}),
      span: { start: refStart + dot + 1 + quote, end: refStart + m[1]!.length - quote },
    };
    const span = { start: start + offset, end: start + offset + part.length };
    if (op === 'is null' || op === 'is not null') {
      if (rhs !== '') return false;
      reader.model.predicates.push({ column, op: op === 'is null' ? 'is_null' : 'not_eq', valueKind: 'null', disjunctive: false, span });
      continue;
    }
    const param = /^\(?\s*:(\.\.\.)?\w+\s*\)?$/.test(rhs);
    const literal = /^('[^']*'|\d+(\.\d+)?|true|false)$/i.test(rhs);
    if (!param && !literal) return false;
    const predicate: Predicate = { column, op: FRAGMENT_OPS[op] ?? 'other', valueKind: literal ? 'literal' : 'param', disjunctive: false, span };
    if ((op === 'like' || op === 'ilike') && literal) predicate.pattern = rhs.slice(1, -1);
    reader.model.predicates.push(predicate);
  }
  return true;
}
