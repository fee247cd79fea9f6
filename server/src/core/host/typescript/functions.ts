/**
 * The functions around a node, innermost first, as the code shows them: name,
 * decorators (NestJS `@Get(':id')`, `@Cron('...')`), parameter types, and
 * whether the code makes it a request handler or a job (`role`):
 *
 * - request: a route decorator (`@Get`, `@Post`, ..., GraphQL `@Query`/`@Mutation`), a
 *   callback registered on a route (`app.get('/users', async (req, res) => ..)`,
 *   `router.post(..)`, fastify's `route({ handler })`), a handler's parameters
 *   (`(req, res)`, `Request`, `NextApiRequest`, `FastifyRequest`, hono's `(c: Context)`),
 *   a Next.js route handler (`export async function GET` in `app/.../route.ts`, a
 *   default export under `pages/api/`), a Remix / React Router `loader` or `action`,
 *   a tRPC procedure's `.query(..)` / `.mutation(..)` resolver;
 * - batch: a scheduler or queue decorator (`@Cron`, `@Interval`, `@Process`), a
 *   graphile-worker `Task`, a function named `main`/`seed`/`migrate`/...
 *
 * Callbacks run per item of a loop (`rows.map(async (r) => ..)`) are loops
 * (loops.ts), not functions, and are left out.
 */
import type { EnclosingFunction } from '../types';
import { asCall, FUNCTIONS, type Node, plainString } from './syntax';

/** Kept per function node (trees are shared by equal texts, so the file is part of the key: a route file's conventions). */
const byFunction = new WeakMap<Node, { file: string; described: EnclosingFunction }>();

export function enclosingFunctions(node: Node, file: string, isLoopCallback: (fn: Node) => boolean): EnclosingFunction[] {
  const out: EnclosingFunction[] = [];
  for (let p = node.parent; p; p = p.parent) {
    if (!FUNCTIONS.has(p.type) || isLoopCallback(p)) continue;
    let found = byFunction.get(p);
    if (found?.file !== file) byFunction.set(p, (found = { file, described: describe(p, file) }));
    out.push(found.described);
  }
  return out;
}

/** The id of the innermost function around a node that is no loop callback (-1 at module level). */
export function functionIdOf(node: Node, isLoopCallback: (fn: Node) => boolean): number {
  for (let p = node.parent; p; p = p.parent) if (FUNCTIONS.has(p.type) && !isLoopCallback(p)) return p.id;
  return -1;
}

const ROUTE_DECORATORS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'All', 'Head', 'Options', 'Query', 'Mutation', 'Subscription', 'ResolveField', 'MessagePattern', 'EventPattern', 'SubscribeMessage']);
const JOB_DECORATORS = new Set(['Cron', 'Interval', 'Timeout', 'Process', 'OnQueueActive', 'Command', 'SubCommand', 'OnEvent']);
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'head', 'options', 'use']);
const REQUEST_TYPES = /^(express\.)?(Request|Response|NextRequest|NextApiRequest|NextApiResponse|FastifyRequest|FastifyReply|IncomingMessage|ServerResponse|Context|HonoRequest|RequestEvent|LoaderFunctionArgs|ActionFunctionArgs)\b/;
/** socket.io events that are the connection's own, not a client's request. */
const SOCKET_LIFECYCLE = new Set(['connect', 'connection', 'disconnect', 'disconnecting', 'error', 'connect_error']);
const HTTP_VERBS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const JOB_NAMES = /^(main|run|seed|migrate|backfill|cleanup|purge|reindex|rebuild|export|import|sync|cron)([A-Z_]|$)/;

function describe(fn: Node, file: string): EnclosingFunction {
  const decorators = decoratorsOf(fn);
  const parameters = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  const params = parameters?.type === 'formal_parameters' ? parameters.namedChildren.filter((p) => p.type !== 'comment') : parameters ? [parameters] : [];
  const parameterTypes = params.map((p) => p.childForFieldName('type')?.text.replace(/^:\s*/, '')).filter((t): t is string => !!t);
  const parameterNames = params.map((p) => (p.childForFieldName('pattern') ?? p).text);
  const registered = routeRegistration(fn);
  const name = functionName(fn) ?? (registered ? registered.route : '');
  const out: EnclosingFunction = { name, decorators: registered ? [registered.call, ...decorators] : decorators, parameterTypes };
  const role = roleOf(fn, name, decorators, parameterTypes, parameterNames, registered, file);
  if (role) out.role = role;
  return out;
}

function roleOf(
  fn: Node, name: string, own: string[], types: string[], params: string[],
  registered: { route: string; call: string } | undefined, file: string,
): EnclosingFunction['role'] {
  const route = own.find((d) => ROUTE_DECORATORS.has(decoratorName(d)));
  if (route) return { kind: 'request', why: `in the request handler ${name} (@${decoratorName(route)})`, by: 'decorator' };
  const job = own.find((d) => JOB_DECORATORS.has(decoratorName(d)));
  if (job) return { kind: 'batch', why: `in the job ${name} (@${decoratorName(job)})`, by: 'decorator' };
  if (registered) return { kind: 'request', why: `in the request handler ${registered.call}`, by: 'decorator' };
  const trpc = trpcProcedure(fn);
  if (trpc) return { kind: 'request', why: `in the ${trpc} resolver ${name || 'of a tRPC procedure'}`, by: 'decorator' };
  const requestType = types.find((t) => REQUEST_TYPES.test(t));
  if (requestType) return { kind: 'request', why: `in the request handler ${name} (a ${requestType.split('<')[0]} parameter)`, by: 'signature' };
  if (params.length >= 2 && /^req(uest)?$/.test(params[0]!) && /^(res|reply|response)$/.test(params[1]!)) {
    return { kind: 'request', why: `in the request handler ${name || '(req, res)'}`, by: 'signature' };
  }
  const exported = isExported(fn);
  const normalized = file.replace(/\\/g, '/');
  if (exported && HTTP_VERBS.has(name) && /(^|\/)route\.[cm]?[jt]sx?$/.test(normalized)) return { kind: 'request', why: `in the route handler ${name}`, by: 'file' };
  if (exported && /(^|\/)pages\/api\//.test(normalized)) return { kind: 'request', why: `in the API route ${name || 'handler'}`, by: 'file' };
  if (exported && (name === 'loader' || name === 'action') && /(^|\/)(app\/routes|routes)\//.test(normalized)) return { kind: 'request', why: `in the route ${name}`, by: 'file' };
  if (types.some((t) => /^(Task|JobHelpers)\b/.test(t)) || typeOfDeclaration(fn) === 'Task') return { kind: 'batch', why: `in the task ${name}`, by: 'signature' };
  if (JOB_NAMES.test(name)) return { kind: 'batch', why: `in ${name}, which by its name works over every row`, by: 'name' };
  return undefined;
}

function decoratorName(decorator: string): string {
  return decorator.split('(')[0]!.split('.').pop()!.trim();
}

/** Decorators written on a method (the nodes before it in the class body), without the `@`. */
function decoratorsOf(fn: Node): string[] {
  if (fn.type !== 'method_definition') return [];
  const siblings = fn.parent?.children ?? [];
  const at = siblings.findIndex((s) => s.id === fn.id);
  const out: string[] = [];
  for (let i = at - 1; i >= 0; i--) {
    const s = siblings[i]!;
    if (s.type === 'comment') continue;
    if (s.type !== 'decorator') break;
    out.unshift(s.text.replace(/^@\s*/, ''));
  }
  // Newer grammars put method decorators inside the method_definition.
  for (const c of fn.children) if (c.type === 'decorator') out.push(c.text.replace(/^@\s*/, ''));
  return out;
}

/** The name a function is known by: its own, the variable, property or export it is assigned to. */
function functionName(fn: Node): string | undefined {
  const own = fn.childForFieldName('name');
  if (own) return own.text;
  const { parent } = { parent: fn.parent };
  if (!parent) return undefined;
  if (parent.type === 'variable_declarator') return parent.childForFieldName('name')?.text;
  if (parent.type === 'pair') return parent.childForFieldName('key')?.text.replace(/['"]/g, '');
  if (parent.type === 'assignment_expression') return parent.childForFieldName('left')?.text.split('.').pop();
  if (parent.type === 'public_field_definition') return parent.childForFieldName('name')?.text;
  if (parent.type === 'export_statement') return 'default';
  return undefined;
}

/** `app.get('/users', async (req, res) => ..)`, `router.post('/x', auth, handler)`, fastify `{ handler }` in `route({...})`. */
function routeRegistration(fn: Node): { route: string; call: string } | undefined {
  let holder = fn.parent;
  // fastify.route({ method: 'GET', url: '/x', handler: async (req, reply) => .. })
  if (holder?.type === 'pair' && holder.childForFieldName('key')?.text === 'handler') {
    const object = holder.parent;
    const call = asCall(object?.parent?.parent);
    if (call?.name === 'route') {
      const url = object?.namedChildren.find((p) => p.type === 'pair' && p.childForFieldName('key')?.text === 'url');
      const path = plainString(url?.childForFieldName('value')) ?? '';
      return { route: `route ${path}`.trim(), call: `${call.callee.text}(${path ? `'${path}'` : ''})` };
    }
    return undefined;
  }
  if (holder?.type !== 'arguments') return undefined;
  holder = holder.parent;
  const call = asCall(holder);
  if (!call?.receiver || !call.name) return undefined;
  // socket.io: `socket.on('deleteMonitor', async (id, callback) => ..)` answers a client's request.
  const event = plainString(call.args[0]);
  if (call.name === 'on' && event !== undefined && /^(socket|client|io)$/.test(call.receiver.text) && !SOCKET_LIFECYCLE.has(event)) {
    return { route: `${call.receiver.text}.on('${event}')`, call: `${call.callee.text}('${event}')` };
  }
  if (!ROUTE_METHODS.has(call.name)) return undefined;
  const path = plainString(call.args[0]);
  if (path === undefined || !path.startsWith('/')) return undefined;
  return { route: `${call.name.toUpperCase()} ${path}`, call: `${call.callee.text}('${path}')` };
}

/** tRPC: the resolver of `publicProcedure.input(..).query(async ({ ctx, input }) => ..)`. */
function trpcProcedure(fn: Node): string | undefined {
  const args = fn.parent;
  if (args?.type !== 'arguments') return undefined;
  const call = asCall(args.parent);
  if (!call?.receiver || (call.name !== 'query' && call.name !== 'mutation')) return undefined;
  return /procedure|Procedure|\.input\(|\.use\(/.test(call.receiver.text) ? `tRPC ${call.name}` : undefined;
}

function isExported(fn: Node): boolean {
  for (let p: Node | null = fn.parent; p; p = p.parent) {
    if (p.type === 'export_statement') return true;
    if (p.type !== 'variable_declarator' && p.type !== 'lexical_declaration' && p.type !== 'variable_declaration') return false;
  }
  return false;
}

/** `const task: Task = async (payload, helpers) => ..`: the declared type's name. */
function typeOfDeclaration(fn: Node): string | undefined {
  const declarator = fn.parent;
  if (declarator?.type !== 'variable_declarator') return undefined;
  return declarator.childForFieldName('type')?.text.replace(/^:\s*/, '').split('<')[0];
}
