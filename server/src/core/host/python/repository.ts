/**
 * Queries that go through a repository class: the statement is built in one
 * method and run by another of the same class (`return await self.get_all(statement)`),
 * and the entity may be the class's `model = Order`. What is read here: the
 * class's model, its methods, and what a method that runs its statement
 * argument returns (the terminal), from its body when the class defines it,
 * else from the conventional names of repository bases defined elsewhere.
 */
import type { Terminal } from '../types';
import { EXECUTORS, flatten, RESULT_TERMINALS } from './chains';
import { type Node, unwrap } from './nodes';

export interface RepositoryClass {
  /** `model = Order` in the class body: the node naming the mapped class. */
  model?: Node;
  /** Methods defined in the class body, by name. */
  methods: Map<string, Node>;
}

/** How a method runs the statement it is given. */
export interface StatementRunner {
  terminal: Terminal;
  /** It applies `.limit(...)` to the statement (a paginating helper). */
  paginates: boolean;
}

/**
 * Methods of repository bases (kept in another file, often another package)
 * that run the statement they are given, by their conventional names.
 */
const CONVENTIONAL_RUNNERS: Record<string, StatementRunner> = {
  get_all: { terminal: 'all', paginates: false },
  get_one: { terminal: 'one', paginates: false },
  get_one_or_none: { terminal: 'one_or_none', paginates: false },
  stream: { terminal: 'iterate', paginates: false },
  paginate: { terminal: 'all', paginates: true },
};

/** Methods of repository bases that return a select of the repository's model, unfiltered. */
export const BASE_STATEMENTS = new Set(['get_base_statement']);

export function isBaseStatement(method: string): boolean {
  return BASE_STATEMENTS.has(method);
}

/** How a repository defined elsewhere runs a statement: by the conventional names alone. */
export function conventionalRunner(method: string): StatementRunner | undefined {
  return CONVENTIONAL_RUNNERS[method];
}

/**
 * The model of a repository created in the code (`OrderRepository.from_session(session)`,
 * `OrderRepository(session)`), by the convention `<Model>Repository`; undefined otherwise.
 */
export function repositoryModel(value: Node, isModel: (cls: string) => boolean): string | undefined {
  const v = unwrap(value);
  if (v.type !== 'call') return undefined;
  const fn = v.childForFieldName('function');
  const cls = fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'from_session' ? fn.childForFieldName('object') : fn;
  const name = cls?.type === 'identifier' ? cls.text : undefined;
  const model = name?.endsWith('Repository') ? name.slice(0, -'Repository'.length) : undefined;
  return model && isModel(model) ? model : undefined;
}

export function repositoryClass(cls: Node): RepositoryClass {
  const out: RepositoryClass = { methods: new Map() };
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    const fn = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (fn?.type === 'function_definition') {
      const name = fn.childForFieldName('name')?.text;
      if (name) out.methods.set(name, fn);
      continue;
    }
    const assign = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    const right = assign?.type === 'assignment' ? assign.childForFieldName('right') : undefined;
    if (assign?.childForFieldName('left')?.text === 'model' && right && unwrap(right).type === 'identifier') out.model = unwrap(right);
  }
  return out;
}

/** How `self.<name>(statement)` runs the statement; undefined when it is not known to run it. */
export function statementRunner(cls: RepositoryClass, name: string): StatementRunner | undefined {
  const method = cls.methods.get(name);
  return method ? runnerOf(method) : conventionalRunner(name);
}

/** A method whose first parameter after `self` is executed in its body; its terminal from what it returns. */
function runnerOf(method: Node): StatementRunner | undefined {
  const params = method.childForFieldName('parameters')?.namedChildren ?? [];
  const param = params.map(parameterName).filter((p) => p && p !== 'self' && p !== 'cls')[0];
  const body = method.childForFieldName('body');
  if (!param || !body) return undefined;
  // The parameter and the statements made from it (`paginated = statement.limit(n)`).
  const derived = new Set([param]);
  for (const assign of body.descendantsOfType('assignment')) {
    const left = assign.childForFieldName('left');
    const right = assign.childForFieldName('right');
    if (left?.type === 'identifier' && right && derived.has(flatten(right).root.text)) derived.add(left.text);
  }
  const runs = body.descendantsOfType('call').some((call) =>
    flatten(call).steps.some((s) => s.receiver && EXECUTORS.has(s.name) && s.args[0] && derived.has(flatten(s.args[0]).root.text)),
  );
  if (!runs) return undefined;
  let terminal: Terminal = 'execute';
  for (const ret of body.descendantsOfType('return_statement')) {
    const value = ret.namedChildren[0];
    const steps = value ? flatten(value).steps : [];
    const found = steps.map((s) => RESULT_TERMINALS[s.name]).filter(Boolean).pop();
    if (found) terminal = found;
    else if (steps.some((s) => s.name === 'scalars')) terminal = 'scalars';
  }
  const paginates = body.descendantsOfType('call').some((c) => derived.has(flatten(c).root.text) && flatten(c).steps.some((s) => s.name === 'limit'));
  return { terminal, paginates };
}

function parameterName(p: Node): string | undefined {
  if (p.type === 'identifier') return p.text;
  if (p.type === 'typed_parameter' || p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
    const name = p.childForFieldName('name') ?? p.namedChildren[0];
    return name?.type === 'identifier' ? name.text : undefined;
  }
  return undefined;
}
