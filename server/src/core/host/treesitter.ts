/**
 * web-tree-sitter with the grammar packages' own .wasm files. `initHostParsers()`
 * once (async: loads the runtime and the grammars), then `hostParser(lang)` is
 * synchronous. The bundle ships the .wasm files next to itself (esbuild.mjs);
 * unbundled (tests) they are read from node_modules.
 *
 * Speed: the extractors walk the syntax tree many times over, and every call
 * on a web-tree-sitter Node crosses into WebAssembly and allocates a new Node.
 * `hostParser(lang).parse(text)` therefore hands them a plain JavaScript copy
 * of the tree (`SyntaxNode`: the part of the Node API the extractors use, with
 * the same answers), built once with a tree cursor. Recent trees are kept by
 * text: the same text parsed again (a file extracted with and without the
 * workspace's models) costs nothing, and a text that differs from a recent one
 * by an edit (typing) is parsed incrementally (`tree.edit()` + `parse(text,
 * oldTree)`) and its copy takes over the old copy's unchanged subtrees.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Edit, Language, Parser, type Tree, type TreeCursor } from 'web-tree-sitter';
import { GRAMMARS, type GrammarId } from '../../../../shared/languages';
import { changedRange } from '../last-text';
import type { Steps } from '../steps';

/**
 * A tree-sitter grammar (shared/languages.ts): one per host language, except
 * TypeScript, whose `.tsx` files need their own grammar, and JavaScript, read
 * with the JavaScript grammar.
 */
export type HostGrammar = GrammarId;

const RUNTIME = { pkg: 'web-tree-sitter', wasm: 'web-tree-sitter.wasm' };

function locate(which: HostGrammar | 'runtime'): string {
  const { pkg, wasm: file } = which === 'runtime' ? RUNTIME : GRAMMARS[which];
  const beside = path.join(__dirname, file);
  if (existsSync(beside)) return beside;
  return path.resolve(__dirname, '..', '..', '..', '..', 'node_modules', pkg, file);
}

let ready: Promise<void> | undefined;
const parsers = new Map<HostGrammar, HostParser>();

/**
 * The exports of web-tree-sitter's WebAssembly module that `copyFresh` calls
 * directly. The Emscripten module is the options object given to
 * `Parser.init` (its factory fills that object in), so it is at hand here.
 * Each cursor function reads the cursor from the module's transfer buffer,
 * and the moves write it back there: a walk that calls nothing else in
 * between needs none of web-tree-sitter's copying of the cursor in and out
 * (four `setValue` calls before every call, four `getValue` after every move,
 * which made up most of a tree's copy).
 */
interface TreeSitterModule {
  HEAP32: Int32Array;
  _ts_init(): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_named_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_current_node_wasm(tree: number): void;
  _ts_node_has_error_wasm(tree: number): number;
}

let binding: { module: TreeSitterModule; transfer: number } | undefined;

/**
 * Loads web-tree-sitter and `grammars` (all of them by default); resolves when they are ready. A
 * workspace loads those of its files' languages only (a TypeScript project compiles no Python or Rust grammar).
 */
export function initHostParsers(grammars: readonly HostGrammar[] = Object.keys(GRAMMARS) as HostGrammar[]): Promise<void> {
  ready ??= (async () => {
    const options = { locateFile: () => locate('runtime') };
    await Parser.init(options);
    const module = options as unknown as TreeSitterModule;
    // `_ts_init` only writes the language versions into the transfer buffer and returns its address.
    if (typeof module._ts_tree_cursor_current_node_id_wasm === 'function' && module.HEAP32 instanceof Int32Array) binding = { module, transfer: module._ts_init() };
  })();
  const runtime = ready;
  return Promise.all(
    grammars.map((lang) => {
      let loaded = loading.get(lang);
      if (!loaded) {
        loaded = runtime.then(async () => {
          const parser = new Parser();
          parser.setLanguage(await Language.load(locate(lang)));
          parsers.set(lang, new HostParser(parser));
        });
        loading.set(lang, loaded);
      }
      return loaded;
    }),
  ).then(() => undefined);
}

/** Each grammar's load, once started. */
const loading = new Map<HostGrammar, Promise<void>>();

/** The parser for `lang`; throws if `initHostParsers()` has not completed. */
export function hostParser(lang: HostGrammar): HostParser {
  const parser = parsers.get(lang);
  if (!parser) throw new Error(`tree-sitter ${lang} grammar not loaded: call initHostParsers() first`);
  return parser;
}

/** The grammar a file of a host language is parsed with (TypeScript and JavaScript by extension). */
export function hostGrammarOf(file: string): HostGrammar | undefined {
  const lower = file.toLowerCase();
  return (Object.keys(GRAMMARS) as HostGrammar[]).find((g) => GRAMMARS[g].extensions.some((ext) => lower.endsWith(ext)));
}

// ---------------------------------------------------------------------------------------------
// The JavaScript syntax tree.

/** The text a tree's nodes read; shared by the versions of one tree, so reused subtrees read the new text. */
interface Source {
  text: string;
}

/**
 * A node of the copied tree, answering like web-tree-sitter's Node for what the
 * extractors read: type, text, indices (UTF-16), id, parent, children, named
 * children, fields, error flags, descendantsOfType and a cursor.
 */
export class SyntaxNode {
  // Set in the constructor, not as class fields: a field's initialiser defines the property
  // (`Object.defineProperty`), slower than an assignment, and a copy makes a node per token.
  declare parent: SyntaxNode | null;
  declare children: readonly SyntaxNode[];
  /** Field name of each child (null when none). */
  declare fields: readonly (string | null)[];
  declare hasError: boolean;
  declare private named: readonly SyntaxNode[] | undefined;
  /**
   * Answers to `descendantsOfType` by types, kept by the root and its children (a subtree
   * taken over by a later copy keeps its children, so its answers stay true; their nodes
   * are moved in place).
   */
  declare private found: Map<string, SyntaxNode[]> | undefined;

  constructor(
    private readonly source: Source,
    /** tree-sitter's id; an unchanged statement taken back under a rebuilt parent takes its new one (see `copyTree`). */
    public id: number,
    readonly type: string,
    /** Offsets less `placement.by`. */
    private start: number,
    private end: number,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    /** Shared by the nodes of one top-level statement (see `Placement`). */
    public placement: Placement,
  ) {
    this.parent = null;
    this.children = NO_NODES;
    this.fields = NO_FIELDS;
    this.hasError = false;
    this.named = undefined;
    this.found = undefined;
  }

  get startIndex(): number {
    return this.start + this.placement.by;
  }

  get endIndex(): number {
    return this.end + this.placement.by;
  }

  /**
   * Moves the subtree by `delta` units: a top-level statement with its own
   * placement at once; any other subtree node by node, into `placement` (the
   * statement it now belongs to).
   */
  move(delta: number, placement: Placement): void {
    if (this.placement === placement && placement.top === this) {
      placement.by += delta;
      if (placement.members) shiftMembers(this, delta);
      return;
    }
    const stack: SyntaxNode[] = [this];
    while (stack.length) {
      const n = stack.pop()!;
      const start = n.startIndex + delta;
      const end = n.endIndex + delta;
      n.placement = placement;
      n.start = start - placement.by;
      n.end = end - placement.by;
      for (const c of n.children) stack.push(c);
    }
  }

  /** The placement of a top-level statement or member that is its own (see `copyTree`). */
  ownPlacement(): Placement {
    return this.placement.top === this ? this.placement : { by: 0, top: this };
  }

  get isError(): boolean {
    return this.type === 'ERROR';
  }

  get text(): string {
    return this.source.text.slice(this.startIndex, this.endIndex);
  }

  get namedChildren(): readonly SyntaxNode[] {
    if (!this.named) this.named = this.children.every((c) => c.isNamed) ? this.children : this.children.filter((c) => c.isNamed);
    return this.named;
  }

  get childCount(): number {
    return this.children.length;
  }

  child(index: number): SyntaxNode | null {
    return this.children[index] ?? null;
  }

  childForFieldName(name: string): SyntaxNode | null {
    const at = this.fields.indexOf(name);
    return at < 0 ? null : this.children[at]!;
  }

  /** This node and its descendants of the given type(s), in document order (like web-tree-sitter's, which includes the node). */
  descendantsOfType(types: string | readonly string[]): SyntaxNode[] {
    const wanted = typeof types === 'string' ? [types] : types;
    if (!kept.remember) return collect(this, wanted);
    if (this.parent !== null && this.parent.parent !== null) {
      // A member of a long class (see `Placement`) remembers its answers as a top-level statement does.
      return this.placement.top === this && readingOnce === 0 ? [...this.statementFound(wanted)] : collect(this, wanted);
    }
    // A top-level statement asked itself (the walk's sessions of each statement) shares the answer it keeps for the root's.
    if (this.parent !== null) return [...this.statementFound(wanted)];
    // The extractors ask the root for its calls, imports... several times per extraction, and a
    // file is extracted twice (with and without the workspace's models): the root remembers
    // its answers. Each top-level statement remembers its own: an edit's copy takes the
    // unchanged ones over (see `keptStatement`), so typing in one function walks only that one again.
    // (Remembering them on every long node too, for the methods of one long class, held polar's
    // language server 200 MB higher; a one-off run remembers nothing: see the README's cold checks.)
    const key = wanted.join(' ');
    let known = this.found?.get(key);
    if (!known) {
      known = wanted.includes(this.type) ? [this] : [];
      for (const statement of this.children) for (const n of statement.statementFound(wanted, key)) known.push(n);
      (this.found ??= new Map()).set(key, known);
    }
    return [...known];
  }

  /**
   * A top-level statement's or a member's `descendantsOfType`, remembered (not to be changed by
   * the caller). A class's is made of its members' (typing in one method of a long class walks
   * that method again, not the class): when the tree is held for edits (not read once).
   */
  private statementFound(wanted: readonly string[], key = wanted.join(' ')): readonly SyntaxNode[] {
    let known = this.found?.get(key);
    if (!known) {
      known = this.placement.members && this.placement.top === this && readingOnce === 0 ? collectByMembers(this, wanted, key) : collect(this, wanted);
      (this.found ??= new Map()).set(key, known);
    }
    return known;
  }

  /** `statementFound` for `collectByMembers`. */
  memberFound(wanted: readonly string[], key: string): readonly SyntaxNode[] {
    return this.statementFound(wanted, key);
  }

  walk(): SyntaxCursor {
    return new SyntaxCursor(this);
  }
}

/** `node` and its descendants whose type is one of `wanted`, in document order. */
function collect(node: SyntaxNode, wanted: readonly string[]): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const stack: SyntaxNode[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (wanted.includes(n.type)) out.push(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return out;
}

/** `collect` of a top-level statement with members (see `Placement`): each member's answer is its remembered one. */
function collectByMembers(statement: SyntaxNode, wanted: readonly string[], key: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  walkByMembers(
    statement,
    wanted,
    (n) => out.push(n),
    (member) => {
      for (const n of member.memberFound(wanted, key)) out.push(n);
    },
  );
  return out;
}

/** Walks a statement in document order: `own` gets its nodes of the `wanted` types outside its members, `member` each member (see `Placement`). */
function walkByMembers(statement: SyntaxNode, wanted: readonly string[], own: (node: SyntaxNode) => void, member: (node: SyntaxNode) => void): void {
  const stack: SyntaxNode[] = [statement];
  while (stack.length) {
    const n = stack.pop()!;
    if (n !== statement && n.placement.top === n) {
      member(n);
      continue;
    }
    if (wanted.includes(n.type)) own(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
}

/**
 * A top-level statement's members (see `Placement`) and its nodes of the `wanted` types outside
 * them, for an answer an extractor keeps per statement to be made of its members' (the session
 * receivers of a long class, python/walk.ts): undefined when it has none, or its tree is read once.
 */
export function byMembers(statement: SyntaxNode, wanted: readonly string[]): { own: SyntaxNode[]; members: SyntaxNode[] } | undefined {
  if (!kept.remember || readingOnce > 0 || !statement.placement.members || statement.placement.top !== statement || statement.parent?.parent !== null) return undefined;
  const own: SyntaxNode[] = [];
  const members: SyntaxNode[] = [];
  walkByMembers(statement, wanted, (n) => own.push(n), (m) => members.push(m));
  return { own, members };
}

/**
 * Members: the statements in the body of a class that is a top-level statement (or the class
 * of one: a decorated or exported class). Each gets a placement of its own, like a top-level
 * statement, so an edit in one method of a long class (polar's 4,200-line subscription
 * service is one class) moves the methods below it one addition each, not node by node, the
 * copy takes the unchanged methods over whole, and what is remembered of them stays theirs.
 */
const CLASS_TYPES = new Set(['class_definition', 'class_declaration', 'abstract_class_declaration', 'class', 'impl_item']);
const CLASS_BODY_TYPES = new Set(['block', 'class_body', 'declaration_list']);
const CLASS_WRAPPER_TYPES = new Set(['decorated_definition', 'export_statement']);

/** Whether a node at `depth` (the root's children: 1) whose ancestors' types below the root are `types` is a member. */
function isMember(depth: number, type1: string, type2: string, type3: string | undefined): boolean {
  if (depth === 3) return CLASS_TYPES.has(type1) && CLASS_BODY_TYPES.has(type2);
  return depth === 4 && CLASS_WRAPPER_TYPES.has(type1) && CLASS_TYPES.has(type2) && CLASS_BODY_TYPES.has(type3!);
}

/**
 * Whether the node made under the ancestors `stack` (the root first) gets a placement of its
 * own: a top-level statement or a member (whose statement is then marked as having members).
 */
function ownsPlacement(stack: readonly { node: SyntaxNode }[]): boolean {
  return ownsPlacementAt(stack.length, stack[1]?.node, stack[2]?.node, stack[3]?.node);
}

/** `ownsPlacement` given how many ancestors the node has (`depth`) and the three below the root. */
function ownsPlacementAt(depth: number, statement: SyntaxNode | undefined, body: SyntaxNode | undefined, third: SyntaxNode | undefined): boolean {
  if (depth === 1) return true;
  if ((depth !== 3 && depth !== 4) || !isMember(depth, statement!.type, body!.type, third?.type)) return false;
  statement!.placement.members = true;
  return true;
}

/** Moves the members of a top-level statement moved whole (their placements follow theirs). */
function shiftMembers(statement: SyntaxNode, delta: number): void {
  eachMember(statement, (member) => {
    member.placement.by += delta;
  });
}

/** Each member of a top-level statement (see `isMember`: a child of its body, or of the body of the class it wraps). */
function eachMember(statement: SyntaxNode, visit: (member: SyntaxNode) => void): void {
  for (const a of statement.children) {
    for (const b of a.children) {
      if (b.placement.top === b) visit(b);
      else for (const c of b.children) if (c.placement.top === c) visit(c);
    }
  }
}

const NO_NODES: readonly SyntaxNode[] = [];
const NO_FIELDS: readonly (string | null)[] = [];

/** A cursor over the copied tree (the part of TreeCursor the extractors use). */
export class SyntaxCursor {
  private path: { node: SyntaxNode; index: number }[] = [];
  constructor(private node: SyntaxNode) {}
  get currentNode(): SyntaxNode {
    return this.node;
  }
  get nodeType(): string {
    return this.node.type;
  }
  get nodeText(): string {
    return this.node.text;
  }
  get nodeIsNamed(): boolean {
    return this.node.isNamed;
  }
  get startIndex(): number {
    return this.node.startIndex;
  }
  get endIndex(): number {
    return this.node.endIndex;
  }
  gotoFirstChild(): boolean {
    const first = this.node.children[0];
    if (!first) return false;
    this.path.push({ node: this.node, index: 0 });
    this.node = first;
    return true;
  }
  gotoNextSibling(): boolean {
    const top = this.path[this.path.length - 1];
    const next = top?.node.children[top.index + 1];
    if (!top || !next) return false;
    top.index++;
    this.node = next;
    return true;
  }
  gotoParent(): boolean {
    const top = this.path.pop();
    if (!top) return false;
    this.node = top.node;
    return true;
  }
  delete(): void {}
}

/** What `hostParser(lang).parse(text)` returns: the copied tree (its `delete()` is a no-op, the cache owns it). */
export interface HostTree {
  readonly rootNode: SyntaxNode;
  delete(): void;
}

/**
 * How far the nodes of one top-level statement have moved since their offsets
 * were stored: an edit above a statement moves it with one addition, not
 * node by node (typing in a 3,000-line file moved every node below the edit).
 */
interface Placement {
  by: number;
  /** The top-level statement or member whose nodes share it (null: the root's). */
  top: SyntaxNode | null;
  /** A top-level statement's: it has members, with placements of their own (moved with it: `shiftMembers`). */
  members?: boolean;
}

/** A parsed text: the real tree (for incremental parsing), its copy, and the shared source. */
interface Parsed {
  text: string;
  tree: Tree;
  root: SyntaxNode;
  source: Source;
  /** The copy's nodes with children, by tree-sitter id: built once, then kept up to date edit by edit. */
  byId?: Map<number, SyntaxNode>;
}

/**
 * Trees kept per language: the latest few texts, and of the older ones the largest (the
 * costliest to parse again), for an editor's edits; a one-off run keeps the latest only
 * (`keepTreesForReuse`).
 */
const kept = { trees: 8, latest: 4, remember: true };

/**
 * What is left of the budget for flat copies of trees (`keepTreesForReuse`), in
 * 32-bit integers: zero (the default, the language server) keeps none.
 */
const flatBudget = { left: 0 };

/**
 * Lets a one-off run (the CLI's check) keep a flat copy of the trees it says
 * it will parse again (`parse(text, { again: true })`: a Python file extracted
 * for its models, then for its queries once every file's models are known),
 * up to `bytes` in all: the second parse of that text is then a rebuild of the
 * copy, without tree-sitter. A copy is dropped once used.
 */
export function keepTreesForReuse(bytes: number): void {
  // No budget: none kept either (the copies an earlier run kept and never parsed again go).
  if (bytes <= 0) for (const parser of parsers.values()) parser.dropKept();
  flatBudget.left = Math.floor(bytes / 4);
  // Such a run parses each text once more at most, from its flat copy: the copies (JavaScript objects)
  // of older trees, the largest kept for an editor (polar's: 160 MB), would only hold memory.
  // Nor do remembered `descendantsOfType` answers pay there (they serve an editor's next edit): with them
  // the trees a check holds on to took polar's cold check from 365 MB to 1.1 GB.
  Object.assign(kept, bytes > 0 ? { trees: 1, latest: 1, remember: false } : { trees: 8, latest: 4, remember: true });
}

/** Above zero while the files parsed are read once, not typed in (`treesNotKept`). */
let readingOnce = 0;

/**
 * `steps` (core/steps.ts) with every tree they parse read once: not kept for
 * an edit to come. For an editor's background reads of files no one types in
 * (indexing the workspace, workspace diagnostics): kept, each such copy lived
 * on through the next few parses (and the largest ones through all of them),
 * long enough for the JavaScript heap to move it to its old generation, where
 * it stayed as garbage until a full collection; the language server on polar
 * peaked at 510–620 MB from that alone, 350 MB without. A tree already kept
 * (the file was parsed for an edit) is still taken, and stays.
 */
export function* treesNotKept<T>(steps: Steps<T>): Steps<T> {
  for (;;) {
    readingOnce++;
    let step: IteratorResult<void, T>;
    try {
      step = steps.next();
    } finally {
      readingOnce--;
    }
    if (step.done) return step.value;
    yield;
  }
}

/** How many flat copies are kept (see `keepTreesForReuse`), over every grammar. */
export function keptTreeCount(): number {
  let count = 0;
  for (const parser of parsers.values()) count += parser.keptCount;
  return count;
}

/** How many trees are held for edits to come (the latest texts parsed, see `kept`), over every grammar. */
export function heldTreeCount(): number {
  let count = 0;
  for (const parser of parsers.values()) count += parser.heldCount;
  return count;
}

/** The trees `fixTree` holds, by text, least recently used first. */
const fixTrees = new Map<string, { grammar: HostGrammar; root: SyntaxNode | undefined }>();
/**
 * At most this many trees, of texts of this many characters in all (the latest one whatever its
 * size): a copy takes about 90 bytes a character (dokploy's schema files), 24 MB at most here.
 * dokploy's fixes edit 157,000 characters of schema files, daily-api's 101,000 of entities.
 */
const FIX_TREES = { count: 64, chars: 1 << 18 };
let fixTreeChars = 0;

/**
 * The tree of a model file that index fixes edit (a Drizzle table's schema file, a TypeORM
 * entity's): each index finding builds its fix, and one schema file serves many of them (a
 * check of dokploy parsed 34 schema files for 153 fixes, daily-api 53 entity files for 125).
 * The latest texts' copies are kept (`FIX_TREES`), owned by this cache (`parseOwned`: an edit's
 * incremental parse takes a kept tree's nodes over); callers only read them.
 */
export function fixTree(grammar: HostGrammar, text: string): SyntaxNode | undefined {
  const found = fixTrees.get(text);
  if (found) fixTrees.delete(text);
  else fixTreeChars += text.length;
  const entry = found?.grammar === grammar ? found : { grammar, root: hostParser(grammar).parseOwned(text) };
  fixTrees.set(text, entry);
  while (fixTrees.size > 1 && (fixTrees.size > FIX_TREES.count || fixTreeChars > FIX_TREES.chars)) {
    const oldest = fixTrees.keys().next().value!;
    fixTrees.delete(oldest);
    fixTreeChars -= oldest.length;
  }
  return entry.root;
}

/** A tree's nodes in pre-order, FLAT_INTS each: id, start, end, packed (type id, field + 1, flags), child count. */
interface FlatTree {
  nodes: Int32Array;
}

const FLAT_INTS = 5;

export class HostParser {
  /** Most recently used last. */
  private recent: Parsed[] = [];
  /** Flat copies of trees to be parsed again, by text (see `keepTreesForReuse`). */
  private flats = new Map<string, FlatTree>();
  /** Texts whose flat copy, once used, stays for `parseOwned` (`forFixes`). */
  private readonly forFixes = new Set<string>();
  /** Flat copies kept after their use for `parseOwned`: the model files index fixes edit (`fixTree`). */
  private readonly fixFlats = new Map<string, FlatTree>();

  constructor(readonly parser: Parser) {}

  get keptCount(): number {
    return this.flats.size;
  }

  get heldCount(): number {
    return this.recent.length;
  }

  /**
   * The syntax tree of `text`, as web-tree-sitter would give it (the nodes are
   * `SyntaxNode`s). `again`: the caller will parse the same text again soon; `forFixes` too, and
   * index fixes may edit it (a model's file: `fixTree`), so its flat copy stays after that parse.
   */
  parse(text: string, options?: { again?: boolean; forFixes?: boolean }): HostTree | null {
    let parsed = this.take((p) => p.text === text, false);
    const flat = this.flats.get(text);
    if (flat) {
      this.flats.delete(text);
      if (this.forFixes.delete(text)) this.fixFlats.set(text, flat);
      else flatBudget.left += flat.nodes.length;
      if (!parsed) return { rootNode: rebuild(flat, { text }, this.parser.language!), delete: () => {} };
    }
    if (!parsed && readingOnce > 0) {
      // Read once (`treesNotKept`): copied, and the tree-sitter tree let go at once.
      const once = this.fresh(text, false);
      once?.tree.delete();
      return once ? { rootNode: once.root, delete: () => {} } : null;
    }
    if (!parsed) parsed = this.incremental(text) ?? this.fresh(text, options?.again === true && flatBudget.left > 0);
    if (!parsed) return null;
    if (options?.forFixes && this.flats.has(text)) this.forFixes.add(text);
    this.recent.push(parsed);
    while (this.recent.length > kept.trees) {
      // A workspace scan parses every file once after the one being typed in: keep the big one.
      // A tree with errors goes first: the next versions are parsed from an error-free one.
      const worse = (a: Parsed, b: Parsed) => (a.root.hasError !== b.root.hasError ? a.root.hasError : a.text.length < b.text.length);
      let drop = 0;
      for (let i = 1; i < this.recent.length - kept.latest; i++) if (worse(this.recent[i]!, this.recent[drop]!)) drop = i;
      this.recent.splice(drop, 1)[0]!.tree.delete();
    }
    return { rootNode: parsed.root, delete: () => {} };
  }

  /**
   * A copy of `text`'s tree that no kept tree shares: for a caller that holds on to it
   * (`fixTree`). A kept copy is not: the incremental parse of an edited text takes its nodes over.
   */
  parseOwned(text: string): SyntaxNode | undefined {
    // A model file's kept flat copy (dokploy: 34 schema files, 160,000 characters, not parsed a third time).
    const flat = this.fixFlats.get(text);
    if (flat) return rebuild(flat, { text }, this.parser.language!);
    const once = this.fresh(text, false);
    once?.tree.delete();
    return once?.root;
  }

  /** Drops the flat copies kept for a parse to come (see `keepTreesForReuse`). */
  dropKept(): void {
    this.flats.clear();
    this.forFixes.clear();
    this.fixFlats.clear();
  }

  /** Drops every kept tree (tests, and memory). */
  clear(): void {
    for (const p of this.recent) p.tree.delete();
    this.recent = [];
  }

  private take(match: (p: Parsed) => boolean, consume: boolean): Parsed | undefined {
    const at = this.recent.findIndex(match);
    if (at < 0) return undefined;
    const [found] = this.recent.splice(at, 1);
    if (consume) found!.tree.delete();
    return found;
  }

  private fresh(text: string, keep: boolean): Parsed | undefined {
    const tree = this.parser.parse(text);
    if (!tree) return undefined;
    const source = { text };
    const recorder = keep && binding ? new FlatRecorder() : undefined;
    const root = binding ? copyFresh(tree, source, binding, recorder) : copyTree(tree, source);
    const flat = recorder?.finish();
    if (flat && flat.nodes.length <= flatBudget.left) {
      flatBudget.left -= flat.nodes.length;
      this.flats.set(text, flat);
    }
    return { text, tree, root, source };
  }

  /**
   * `text` as an edit of a kept error-free text: parsed from the edited old
   * tree. A tree without errors is copied reusing the old copy's unchanged
   * subtrees, and the old version is consumed (its copy's nodes now belong to
   * the new one). A tree with errors (typing breaks the syntax for a moment) is
   * copied whole and the old version kept, so that the next versions are parsed
   * from it too: tree-sitter reuses no ERROR, MISSING or error-recovered
   * subtree of the old tree, and from an error-free tree its incremental parse
   * gave the fresh parse's tree in every one of 2,470 random edits of polar's
   * Python files that broke the syntax, but from a tree with errors it did not
   * always (2 of 4,470 typing edits: an ERROR node placed differently).
   * Before, an edit that broke the syntax was parsed from scratch: 17 ms in
   * polar's 3,300-line order/service.py, against 2 ms from the version before.
   */
  private incremental(text: string): Parsed | undefined {
    const limit = text.length / 4 + 64;
    let best: { parsed: Parsed; edit: TextEdit } | undefined;
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const parsed = this.recent[i]!;
      if (parsed.root.hasError || Math.abs(parsed.text.length - text.length) > limit) continue;
      const edit = editBetween(parsed.text, text);
      if (edit.size <= limit && (!best || edit.size < best.edit.size)) best = { parsed, edit };
      if (edit.size < 64) break; // a keystroke away: no need to look further
    }
    if (!best) return undefined;
    const { parsed: old, edit } = best;
    const edited = old.tree.copy();
    let tree: Tree | null;
    try {
      edited.edit(edit.input);
      tree = this.parser.parse(text, edited);
    } finally {
      edited.delete();
    }
    if (!tree) return undefined;
    if (tree.rootNode.hasError) {
      const source = { text };
      return { text, tree, root: binding ? copyFresh(tree, source, binding) : copyTree(tree, source), source };
    }
    this.take((p) => p === old, false);
    old.source.text = text;
    const byId = old.byId ?? reusable(old.root);
    const { oldEndIndex, newEndIndex } = edit.input;
    const reuse: Reuse = {
      byId,
      reused: new Set(),
      created: new Set(),
      renamed: [],
      topByFirstChild: topLevelByFirstChild(old.root),
      topByStart: topLevelByStart(old.root),
      edit: { after: newEndIndex, delta: newEndIndex - oldEndIndex },
    };
    const root = copyTree(tree, old.source, reuse);
    old.tree.delete();
    updateReusable(old.root, reuse);
    return { text, tree, root, source: old.source, byId };
  }
}

interface TextEdit {
  /** Changed UTF-16 units (the larger of removed and inserted). */
  size: number;
  input: Edit;
}

/** The single edit turning `before` into `after`: common prefix and suffix kept. */
function editBetween(before: string, after: string): TextEdit {
  const { start, oldEnd, newEnd } = changedRange(before, after);
  const startPosition = pointAt(before, start);
  return {
    size: Math.max(oldEnd - start, newEnd - start),
    input: new Edit({
      startIndex: start,
      oldEndIndex: oldEnd,
      newEndIndex: newEnd,
      startPosition,
      oldEndPosition: pointAt(before, oldEnd, start, startPosition),
      newEndPosition: pointAt(after, newEnd, start, startPosition),
    }),
  };
}

/** Row and column (UTF-16 units) of `offset`, counting from a known point. */
function pointAt(text: string, offset: number, from = 0, at = { row: 0, column: 0 }): { row: number; column: number } {
  let row = at.row;
  let lineStart = from - at.column;
  for (let i = text.indexOf('\n', from); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/**
 * Subtrees of an old copy an incremental parse may have kept, by id: every
 * node with children. (tree-sitter's node id is the address of its slot in
 * the parent, so a subtree kept under a rebuilt parent shows under a new id,
 * its children under their old ones: reuse happens at any depth.)
 */
function reusable(root: SyntaxNode): Map<number, SyntaxNode> {
  const byId = new Map<number, SyntaxNode>();
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    for (const c of n.children) {
      if (c.children.length === 0) continue;
      byId.set(c.id, c);
      stack.push(c);
    }
  }
  return byId;
}

/**
 * The JavaScript copy of `tree`, one cursor walk: visible nodes (named and
 * anonymous) with their field names. A node the old copy has (same id, type
 * and length: the parse kept that subtree) is taken over instead of walked.
 */
/** What an incremental copy may take over, and what it took, took back and made (to keep `byId` current). */
interface Reuse {
  byId: Map<number, SyntaxNode>;
  reused: Set<SyntaxNode>;
  created: Set<SyntaxNode>;
  /** Top-level statements taken over under a new id (see `keptStatement`), with the id they had. */
  renamed: { node: SyntaxNode; oldId: number }[];
  /** The old copy's top-level statements with children, by their first child's id. */
  topByFirstChild: Map<number, SyntaxNode>;
  /** The old copy's top-level statements with a placement of their own, by start (see `takenPlacement`). */
  topByStart: Map<number, SyntaxNode>;
  /** The edit: where its new text ends, and how much longer it made the text. */
  edit: { after: number; delta: number };
}

function topLevelByFirstChild(root: SyntaxNode): Map<number, SyntaxNode> {
  const out = new Map<number, SyntaxNode>();
  for (const statement of ownersOf(root)) if (statement.children.length > 0) out.set(statement.children[0]!.id, statement);
  return out;
}

function topLevelByStart(root: SyntaxNode): Map<number, SyntaxNode> {
  const out = new Map<number, SyntaxNode>();
  for (const statement of ownersOf(root)) if (statement.placement.top === statement) out.set(statement.startIndex, statement);
  return out;
}

/** The top-level statements and their members (see `Placement`). */
function ownersOf(root: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const statement of root.children) {
    out.push(statement);
    if (statement.placement.members && statement.placement.top === statement) eachMember(statement, (member) => out.push(member));
  }
  return out;
}

/**
 * The placement a top-level statement or member built anew takes over: that of the
 * old one of its type at its start (the one typed in), or, below the edit, at its
 * start before the edit, moved by the edit's length (tree-sitter builds some
 * unchanged methods of a long Python class anew after an edit above them), whose
 * subtrees it takes over where they did not move. They then keep their offsets:
 * before, they were moved node by node into the new statement's placement, every
 * node of the statement at every edit (polar's 3,300-line order/service.py is one class).
 */
function takenPlacement(reuse: Reuse, type: string, start: number): Placement | undefined {
  const before = start >= reuse.edit.after ? start - reuse.edit.delta : start;
  const old = reuse.topByStart.get(before);
  if (!old || old.type !== type || reuse.reused.has(old) || old.placement.top !== old) return undefined;
  reuse.topByStart.delete(before);
  // Its members move with it (a class or body the copy takes over whole keeps them).
  if (start !== before) old.move(start - before, old.placement);
  return old.placement;
}

/**
 * The old copy of the top-level statement at the cursor, when the parse kept
 * it whole. tree-sitter's id is a node's slot in its parent, so after an edit
 * anywhere every top-level statement shows under a new id (the root was
 * rebuilt), but an unchanged statement's children sit in the same slots: same
 * ids, all of them (a child's slot lies in the allocation of the node holding
 * it, alive in the old tree while the copy is made). Asked of tree-sitter in
 * one call for all children, instead of a cursor visit of each; the statement
 * keeps its identity edit after edit, and what is cached on it with it
 * (`descendantsOfType`, the extractors' per-statement answers).
 */
function keptStatement(walk: CopyWalk, reuse: Reuse, type: string, start: number, end: number): SyntaxNode | undefined {
  const children = walk.childIds();
  const old = children.length > 0 ? reuse.topByFirstChild.get(children[0]!) : undefined;
  if (!old || reuse.reused.has(old) || old.type !== type || old.endIndex - old.startIndex !== end - start) return undefined;
  if (old.children.length !== children.length || children.some((id, i) => id !== old.children[i]!.id)) return undefined;
  return old;
}

/**
 * What `copyTree` asks of the node at a tree cursor. With the module at hand (see
 * `TreeSitterModule`), its cursor functions are called directly, as `copyFresh` calls
 * them: web-tree-sitter's own cursor copies the cursor in and out of the module at every
 * call (most of an edit's copy in polar's service.py), and its `children` makes a Node per child.
 */
interface CopyWalk {
  id(): number;
  type(): string;
  start(): number;
  end(): number;
  isNamed(): boolean;
  isMissing(): boolean;
  fieldName(): string | null;
  hasError(): boolean;
  /** The ids of the node's children (the cursor stays on the node). */
  childIds(): number[];
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): void;
  delete(): void;
}

function cursorWalk(tree: Tree): CopyWalk {
  const cursor: TreeCursor = tree.walk();
  return {
    id: () => cursor.nodeId,
    type: () => cursor.nodeType,
    start: () => cursor.startIndex,
    end: () => cursor.endIndex,
    isNamed: () => cursor.nodeIsNamed,
    isMissing: () => cursor.nodeIsMissing,
    fieldName: () => cursor.currentFieldName ?? null,
    hasError: () => cursor.currentNode.hasError,
    childIds: () => cursor.currentNode.children.map((c) => c!.id),
    gotoFirstChild: () => cursor.gotoFirstChild(),
    gotoNextSibling: () => cursor.gotoNextSibling(),
    gotoParent: () => void cursor.gotoParent(),
    delete: () => cursor.delete(),
  };
}

function moduleWalk(tree: Tree, binding: { module: TreeSitterModule; transfer: number }): CopyWalk {
  const m = binding.module;
  const { address, cursor } = openCursor(tree, binding);
  const { typeNames, fieldNames } = namesOf(tree.language);
  return {
    id: () => m._ts_tree_cursor_current_node_id_wasm(address),
    type: () => typeNames[m._ts_tree_cursor_current_node_type_id_wasm(address)] ?? 'ERROR',
    start: () => m._ts_tree_cursor_start_index_wasm(address),
    end: () => m._ts_tree_cursor_end_index_wasm(address),
    isNamed: () => m._ts_tree_cursor_current_node_is_named_wasm(address) === 1,
    isMissing: () => m._ts_tree_cursor_current_node_is_missing_wasm(address) === 1,
    fieldName: () => {
      const fieldId = m._ts_tree_cursor_current_field_id_wasm(address);
      return fieldId < 0 ? null : (fieldNames[fieldId] ?? null);
    },
    hasError: () => cursorNodeHasError(binding, address),
    childIds: () => {
      const ids: number[] = [];
      if (m._ts_tree_cursor_goto_first_child_wasm(address) !== 1) return ids;
      do ids.push(m._ts_tree_cursor_current_node_id_wasm(address));
      while (m._ts_tree_cursor_goto_next_sibling_wasm(address) === 1);
      m._ts_tree_cursor_goto_parent_wasm(address);
      return ids;
    },
    gotoFirstChild: () => m._ts_tree_cursor_goto_first_child_wasm(address) === 1,
    gotoNextSibling: () => m._ts_tree_cursor_goto_next_sibling_wasm(address) === 1,
    gotoParent: () => void m._ts_tree_cursor_goto_parent_wasm(address),
    delete: () => closeCursor(binding, cursor),
  };
}

/** A cursor at the root of `tree`, in the module's transfer buffer (see `TreeSitterModule`), and the tree's address to call with. */
function openCursor(tree: Tree, { module: m, transfer }: { module: TreeSitterModule; transfer: number }): { address: number; cursor: TreeCursor } {
  const cursor: TreeCursor = tree.walk();
  const state = cursor as unknown as { 0: number; 1: number; 2: number; 3: number };
  const at = transfer >> 2;
  const heap = m.HEAP32;
  heap[at] = state[0];
  heap[at + 1] = state[1];
  heap[at + 2] = state[2];
  heap[at + 3] = state[3];
  return { address: (tree as unknown as { 0: number })[0], cursor };
}

/** tree-sitter's `hasError` of the node at the cursor in the transfer buffer (the node goes through the buffer too: the cursor is put back after). */
function cursorNodeHasError({ module: m, transfer }: { module: TreeSitterModule; transfer: number }, address: number): boolean {
  const at = transfer >> 2;
  let heap = m.HEAP32;
  const c0 = heap[at]!;
  const c1 = heap[at + 1]!;
  const c2 = heap[at + 2]!;
  const c3 = heap[at + 3]!;
  m._ts_tree_cursor_current_node_wasm(address);
  const answer = m._ts_node_has_error_wasm(address) === 1;
  heap = m.HEAP32;
  heap[at] = c0;
  heap[at + 1] = c1;
  heap[at + 2] = c2;
  heap[at + 3] = c3;
  return answer;
}

/** Deletes a cursor of `openCursor`, as the module left it. */
function closeCursor({ module: m, transfer }: { module: TreeSitterModule; transfer: number }, cursor: TreeCursor): void {
  const state = cursor as unknown as { 0: number; 1: number; 2: number; 3: number };
  const at = transfer >> 2;
  const heap = m.HEAP32;
  state[0] = heap[at]!;
  state[1] = heap[at + 1]!;
  state[2] = heap[at + 2]!;
  state[3] = heap[at + 3]!;
  cursor.delete();
}

/**
 * Turns the old copy's map into the new copy's: the old nodes that were not
 * taken over (the edited spine, walked down to the taken-over subtrees) leave,
 * the new nodes with children come in. Cheaper than walking the whole new
 * copy again, which on a large file cost more than the parse itself.
 */
function updateReusable(oldRoot: SyntaxNode, reuse: Reuse): void {
  const { byId, reused, created, renamed } = reuse;
  const stack = [oldRoot];
  while (stack.length) {
    const n = stack.pop()!;
    if (reused.has(n)) continue;
    if (byId.get(n.id) === n) byId.delete(n.id);
    for (const c of n.children) stack.push(c);
  }
  for (const { node, oldId } of renamed) {
    if (byId.get(oldId) === node) byId.delete(oldId);
    byId.set(node.id, node);
  }
  for (const n of created) if (n.children.length > 0) byId.set(n.id, n);
}

function copyTree(tree: Tree, source: Source, reuse?: Reuse): SyntaxNode {
  const errors = tree.rootNode.hasError;
  const cursor = binding ? moduleWalk(tree, binding) : cursorWalk(tree);
  try {
    // Pre-order walk; `stack` holds the nodes being filled and their children so far.
    const stack: { node: SyntaxNode; children: SyntaxNode[]; fields: (string | null)[] }[] = [];
    const make = (): { node: SyntaxNode; reused: boolean } => {
      const id = cursor.id();
      const start = cursor.start();
      const end = cursor.end();
      const type = cursor.type();
      // A top-level statement or a member: a placement of its own; any other node its parent's (the root: its own).
      const atTop = stack.length > 0 && ownsPlacement(stack);
      const top = stack.length > 0 ? stack[stack.length - 1]!.node.placement : undefined;
      let previous = reuse?.byId.get(id);
      if (reuse && atTop && !(previous && previous.type === type)) {
        previous = keptStatement(cursor, reuse, type, start, end);
        if (previous && previous.id !== id) {
          reuse.renamed.push({ node: previous, oldId: previous.id });
          previous.id = id;
        }
      }
      if (previous && !reuse!.reused.has(previous) && previous.type === type && previous.endIndex - previous.startIndex === end - start) {
        reuse!.reused.add(previous);
        // A top-level statement or member keeps (or gets) a placement of its own; a subtree joins its parent's.
        const placement = atTop ? previous.ownPlacement() : top!;
        if (previous.startIndex !== start || previous.placement !== placement) previous.move(start - previous.startIndex, placement);
        // Left in place, a class (or its body) taken over whole keeps its members' own placements: its statement must move them.
        else if ((stack.length === 2 || stack.length === 3) && (CLASS_TYPES.has(type) || CLASS_BODY_TYPES.has(type))) stack[1]!.node.placement.members = true;
        return { node: previous, reused: true };
      }
      const placement: Placement = (atTop && reuse && takenPlacement(reuse, type, start)) || (atTop || !top ? { by: 0, top: null } : top);
      const node = new SyntaxNode(source, id, type, start - placement.by, end - placement.by, cursor.isNamed(), cursor.isMissing(), placement);
      if (atTop) placement.top = node;
      reuse?.created.add(node);
      // tree-sitter's `hasError` is an error cost (a recovery may leave no ERROR node, a small
      // ERROR token stored inline has none): asked of tree-sitter when the tree has errors at all.
      if (errors) node.hasError = cursor.hasError();
      return { node, reused: false };
    };
    const root = make().node;
    if (root.children.length > 0) return root; // the whole tree was kept
    const finish = (node: SyntaxNode, children: SyntaxNode[], fields: (string | null)[]) => {
      if (children.length > 0) {
        node.children = children;
        node.fields = fields;
      }
    };
    stack.push({ node: root, children: [], fields: [] });
    if (!cursor.gotoFirstChild()) {
      finish(root, [], []);
      return root;
    }
    for (;;) {
      const { node, reused } = make();
      const top = stack[stack.length - 1]!;
      node.parent = top.node;
      top.children.push(node);
      // An ERROR node has no field map: tree-sitter finds no field child in it, whatever the cursor says.
      top.fields.push(top.node.type === 'ERROR' ? null : cursor.fieldName());
      if (!reused && cursor.gotoFirstChild()) {
        stack.push({ node, children: [], fields: [] });
        continue;
      }
      if (!reused) finish(node, [], []);
      while (!cursor.gotoNextSibling()) {
        const done = stack.pop()!;
        finish(done.node, done.children, done.fields);
        if (stack.length === 0) return root;
        cursor.gotoParent();
      }
    }
  } finally {
    cursor.delete();
  }
}

/** A grammar's node type and field names as dense arrays (web-tree-sitter's have holes): `typeNames[id]`, `fieldNames[id]`. */
interface GrammarNames {
  typeNames: string[];
  fieldNames: (string | null)[];
  /**
   * Whether a node of each type is named. tree-sitter's node type is its public symbol, which
   * its generator picks among the symbols of the same name and kind (named or anonymous), so the
   * type tells (the same answer as asking each node, on the 17 million nodes of the 13 real projects).
   */
  namedTypes: boolean[];
}

const grammarNames = new WeakMap<Language, GrammarNames>();

function namesOf(language: Language): GrammarNames {
  let names = grammarNames.get(language);
  if (!names) {
    const { types, fields } = language;
    // `|| 'ERROR'` as before: a symbol without a name (hidden) or out of range (65535, tree-sitter's ERROR).
    names = {
      typeNames: Array.from({ length: types.length }, (_, i) => types[i] || 'ERROR'),
      fieldNames: Array.from({ length: fields.length }, (_, i) => fields[i] ?? null),
      namedTypes: Array.from({ length: types.length }, (_, i) => language.nodeTypeIsNamed(i)),
    };
    grammarNames.set(language, names);
  }
  return names;
}

/**
 * `copyTree` of a fresh parse (nothing to take over), calling the module's
 * cursor functions directly (see `TreeSitterModule`): the same nodes, ids,
 * types, fields and error flags, without the marshalling. It runs once per
 * node of every file read (polar: 1.1 million), so it asks tree-sitter only
 * what it must (whether a node is named only in a tree with errors, see
 * `GrammarNames`; whether it is missing only there too: a missing node is an
 * error), keeps its stacks in parallel arrays, and gives a node
 * a field array only when one of its children has a field (`childForFieldName`
 * answers the same from the shared empty one). A node's children (and their
 * fields) are gathered in one array shared by the nodes being filled and copied
 * out at their length when the node is done: an array grown by pushes from `[]`
 * keeps room for 17 entries, 150 bytes where most nodes have one to three children
 * (documenso's check copies 403,000 nodes: 97 MB made, 72 MB with arrays of their length, and its
 * heap peaks at 89 MB instead of 130 MB).
 */
function copyFresh(tree: Tree, source: Source, binding: { module: TreeSitterModule; transfer: number }, flat?: FlatRecorder): SyntaxNode {
  const errors = tree.rootNode.hasError;
  const m = binding.module;
  const { address, cursor } = openCursor(tree, binding);
  const { typeNames, fieldNames, namedTypes } = namesOf(tree.language);
  /** The flat copy's slot of the node made last. */
  let slot = -1;
  // Pre-order walk; the stacks hold the nodes being filled (the root first), where their children start in `kids`,
  // whether one of those has a field, and their flat slots. `kids` and `names` hold the children made so far of every
  // node being filled, and their field names: a node's are the last ones, from its start to `top`.
  const parents: SyntaxNode[] = [];
  const firsts: number[] = [];
  const named: boolean[] = [];
  const slots: number[] = [];
  const kids: SyntaxNode[] = [];
  const names: (string | null)[] = [];
  let top = 0;
  // The root, each top-level statement and each member get a placement of their own, deeper nodes their parent's (see `copyTree`).
  const make = (field: number, outer?: Placement): SyntaxNode => {
    // `field`: the field id + 1 as the flat copy keeps it (0: a child of an ERROR node).
    const typeId = m._ts_tree_cursor_current_node_type_id_wasm(address);
    const owner = outer === undefined || ownsPlacementAt(parents.length, parents[1], parents[2], parents[3]);
    const placement: Placement = owner ? { by: 0, top: null } : outer;
    const node = new SyntaxNode(
      source,
      m._ts_tree_cursor_current_node_id_wasm(address),
      typeId < typeNames.length ? typeNames[typeId]! : 'ERROR',
      m._ts_tree_cursor_start_index_wasm(address),
      m._ts_tree_cursor_end_index_wasm(address),
      // A tree with errors asks each node (an ERROR node's type is out of the grammar's range).
      errors ? m._ts_tree_cursor_current_node_is_named_wasm(address) === 1 : namedTypes[typeId]!,
      errors && m._ts_tree_cursor_current_node_is_missing_wasm(address) === 1,
      placement,
    );
    if (owner && parents.length > 0) placement.top = node;
    if (errors) node.hasError = cursorNodeHasError(binding, address);
    if (flat) slot = flat.add(node, typeId, field);
    return node;
  };
  try {
    const root = make(0);
    if (m._ts_tree_cursor_goto_first_child_wasm(address) !== 1) return root;
    parents.push(root);
    firsts.push(0);
    named.push(false);
    slots.push(slot);
    for (;;) {
      const depth = parents.length - 1;
      const parent = parents[depth]!;
      // An ERROR node has no field map: tree-sitter finds no field child in it, whatever the cursor says.
      const fieldId = parent.type === 'ERROR' ? -1 : m._ts_tree_cursor_current_field_id_wasm(address);
      const node = make(fieldId + 1, parent.placement);
      node.parent = parent;
      const name = fieldId > 0 ? (fieldNames[fieldId] ?? null) : null;
      if (name !== null) named[depth] = true;
      kids[top] = node;
      names[top] = name;
      top++;
      if (m._ts_tree_cursor_goto_first_child_wasm(address) === 1) {
        parents.push(node);
        firsts.push(top);
        named.push(false);
        slots.push(slot);
        continue;
      }
      while (m._ts_tree_cursor_goto_next_sibling_wasm(address) !== 1) {
        const done = parents.pop()!;
        const first = firsts.pop()!;
        done.children = kids.slice(first, top);
        done.fields = named.pop()! ? names.slice(first, top) : NO_FIELDS;
        top = first;
        flat?.setChildCount(slots.pop()!, done.children.length);
        if (parents.length === 0) return root;
        m._ts_tree_cursor_goto_parent_wasm(address);
      }
    }
  } finally {
    closeCursor(binding, cursor);
  }
}

/** Builds a `FlatTree` during `copyFresh`; gives up (no copy) on ids that do not fit its packing. */
class FlatRecorder {
  private nodes = new Int32Array(FLAT_INTS * 1024);
  private count = 0;
  private failed = false;

  /** Appends a node (`field`: its field id + 1, 0 for none); returns its slot. */
  add(node: SyntaxNode, typeId: number, field: number): number {
    const at = this.count;
    if (at + FLAT_INTS > this.nodes.length) {
      const grown = new Int32Array(this.nodes.length * 2);
      grown.set(this.nodes);
      this.nodes = grown;
    }
    if (typeId > 0xffff || field > 0xff) this.failed = true;
    const a = this.nodes;
    a[at] = node.id;
    a[at + 1] = node.startIndex;
    a[at + 2] = node.endIndex;
    a[at + 3] = typeId | (field << 16) | (node.isNamed ? 1 << 24 : 0) | (node.isMissing ? 1 << 25 : 0) | (node.hasError ? 1 << 26 : 0);
    a[at + 4] = 0;
    this.count = at + FLAT_INTS;
    return at;
  }

  setChildCount(slot: number, count: number): void {
    this.nodes[slot + 4] = count;
  }

  finish(): FlatTree | undefined {
    return this.failed ? undefined : { nodes: this.nodes.slice(0, this.count) };
  }
}

/** The `SyntaxNode` copy a `FlatTree` was recorded from: same nodes, ids, types, fields and flags. */
function rebuild(flat: FlatTree, source: Source, language: Language): SyntaxNode {
  const { types, fields } = language;
  const a = flat.nodes;
  // Placements as `copyFresh` gives them: the root's, each top-level statement's and each member's own, deeper nodes their parent's.
  const make = (at: number, outer?: Placement): SyntaxNode => {
    const packed = a[at + 3]!;
    const placement: Placement = outer ?? { by: 0, top: null };
    const node = new SyntaxNode(source, a[at]!, types[packed & 0xffff] || 'ERROR', a[at + 1]!, a[at + 2]!, (packed & (1 << 24)) !== 0, (packed & (1 << 25)) !== 0, placement);
    if ((packed & (1 << 26)) !== 0) node.hasError = true;
    return node;
  };
  const root = make(0);
  if (a[4] === 0) return root;
  const stack: { node: SyntaxNode; left: number; children: SyntaxNode[]; fields: (string | null)[] }[] = [{ node: root, left: a[4]!, children: [], fields: [] }];
  for (let at = FLAT_INTS; stack.length > 0; at += FLAT_INTS) {
    const top = stack[stack.length - 1]!;
    const node = make(at, ownsPlacement(stack) ? undefined : top.node.placement);
    if (node.placement.top === null) node.placement.top = node;
    const field = (a[at + 3]! >>> 16) & 0xff;
    node.parent = top.node;
    top.children.push(node);
    top.fields.push(field === 0 ? null : (fields[field - 1] ?? null));
    top.left--;
    const count = a[at + 4]!;
    if (count > 0) {
      stack.push({ node, left: count, children: [], fields: [] });
      continue;
    }
    while (stack.length > 0 && stack[stack.length - 1]!.left === 0) {
      const done = stack.pop()!;
      done.node.children = done.children;
      done.node.fields = done.fields;
    }
  }
  return root;
}
