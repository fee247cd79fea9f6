/**
 * libpg-query's WebAssembly, called without its JavaScript wrapper's extra work.
 *
 * The wrapper (`libpg-query`'s index) copies each query in with a JavaScript
 * loop, decodes the whole JSON tree into a string and parses it, for every
 * statement. Here the query goes in with `TextEncoder.encodeInto`, and the
 * top-level statement type is read from the tree's first bytes: a caller that
 * has no use for a statement of that type (a `SET`, a `GRANT`, a `VACUUM`)
 * gets the type alone, and the tree is never decoded. Same module, same
 * parser, same results as `parseSync` and `fingerprintSync`, which this file
 * also provides so that one WebAssembly instance serves the whole process.
 */
// The Emscripten factory of libpg-query's WebAssembly (the file its own wrapper loads).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createModule = require('libpg-query/wasm/libpg-query.js') as () => Promise<PgWasmModule>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PgTree = any;

interface PgWasmModule {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _wasm_parse_query_raw(queryPtr: number): number;
  _wasm_free_parse_result(resultPtr: number): void;
  _wasm_fingerprint(queryPtr: number): number;
  _wasm_free_string(ptr: number): void;
}

/** A syntax error as libpg-query's wrapper reports it (`sqlDetails.cursorPosition`: code points, 0-based). */
export class PgSqlError extends Error {
  constructor(
    message: string,
    readonly sqlDetails: { message: string; cursorPosition: number; fileName?: string; functionName?: string; lineNumber?: number },
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

let wasm: PgWasmModule | undefined;
let loading: Promise<void> | undefined;

/** Instantiates the WebAssembly once; the synchronous functions below need it done. */
export function loadPgWasm(): Promise<void> {
  loading ??= createModule().then((m) => {
    wasm = m;
  });
  return loading;
}

export function pgWasmLoaded(): boolean {
  return wasm !== undefined;
}

function module(): PgWasmModule {
  if (!wasm) throw new Error('WASM module not initialized. Call loadModule() first.');
  return wasm;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Copies `text` into the module's memory, NUL-terminated; the caller frees it. */
function copyIn(m: PgWasmModule, text: string): number {
  // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 for 2).
  const capacity = text.length * 3 + 1;
  const ptr = m._malloc(capacity);
  const { written } = encoder.encodeInto(text, m.HEAPU8.subarray(ptr, ptr + capacity - 1));
  m.HEAPU8[ptr + written] = 0;
  return ptr;
}

function cString(heap: Uint8Array, ptr: number): string {
  return decoder.decode(heap.subarray(ptr, heap.indexOf(0, ptr)));
}

function i32(heap: Uint8Array, ptr: number): number {
  return heap[ptr]! | (heap[ptr + 1]! << 8) | (heap[ptr + 2]! << 16) | (heap[ptr + 3]! << 24);
}

/** Throws the PgSqlError of a parse result's error struct, if it has one. */
function throwIfError(heap: Uint8Array, errorPtr: number): void {
  if (!errorPtr) return;
  const messagePtr = i32(heap, errorPtr);
  const funcnamePtr = i32(heap, errorPtr + 4);
  const filenamePtr = i32(heap, errorPtr + 8);
  const lineno = i32(heap, errorPtr + 12);
  const cursorpos = i32(heap, errorPtr + 16);
  const message = messagePtr ? cString(heap, messagePtr) : 'Unknown error';
  throw new PgSqlError(message, {
    message,
    cursorPosition: cursorpos > 0 ? cursorpos - 1 : 0,
    fileName: filenamePtr ? cString(heap, filenamePtr) : undefined,
    functionName: funcnamePtr ? cString(heap, funcnamePtr) : undefined,
    lineNumber: lineno > 0 ? lineno : undefined,
  });
}

/** `{"version":NNNNNN,"stmts":[{"stmt":{"` — what every tree with statements starts with. */
const STMTS_PREFIX = encoder.encode('"stmts":[{"stmt":{"');
const STMT_LOCATION = encoder.encode('"stmt_location"');
/**
 * How far from its end a tree's JSON holds its last statement's `"stmt_location"` key when
 * it has one: `"stmt_location":N,"stmt_len":M}]}`, each number at most 10 digits.
 */
const LAST_STATEMENT_TAIL = 64;

/** What `parsePg` returns: the first statement's node type and, unless skipped, the whole tree. */
export interface PgParse {
  /** The first statement's node type (`SelectStmt`, `VariableSetStmt`...); '' for none. */
  type: string;
  /** The tree (`{ version, stmts: [...] }`); undefined when `wanted(type)` said no and it holds one statement. */
  tree?: PgTree;
  /** With a tree and a `probe`: whether the tree's JSON holds that text. */
  probed?: boolean;
}

/**
 * Parses `text` (throws PgSqlError on a syntax error). The tree is decoded only
 * when `wanted(type, json)` holds for the first statement's type (`json()`: the
 * tree's bytes, valid during the call only; a view made when asked, since most
 * types answer without them), or when the text holds more than one statement
 * (every caller needs each statement's type then). `probe`: text to look for in a
 * decoded tree's JSON (`probed`), at the cost of a search of its text instead of a walk.
 */
export function parsePg(text: string, wanted: (type: string, json: () => Buffer) => boolean, probe?: string): PgParse {
  const m = module();
  if (text === '') throw new Error('Query cannot be empty');
  const queryPtr = copyIn(m, text);
  let resultPtr = 0;
  try {
    resultPtr = m._wasm_parse_query_raw(queryPtr);
    if (!resultPtr) throw new Error('Failed to parse query: memory allocation failed');
    // The memory may have grown during the parse: take its view afresh.
    const heap = m.HEAPU8;
    const treePtr = i32(heap, resultPtr);
    throwIfError(heap, i32(heap, resultPtr + 8));
    if (!treePtr) throw new Error('No parse tree generated');
    const end = heap.indexOf(0, treePtr);
    const type = firstType(heap, treePtr, end);
    let view: Buffer | undefined;
    const json = (): Buffer => (view ??= Buffer.from(heap.buffer, treePtr, end - treePtr));
    if (type && !wanted(type, json) && !locatedStatement(heap, treePtr, end)) return { type };
    const treeJson = decoder.decode(heap.subarray(treePtr, end));
    const tree = JSON.parse(treeJson) as PgTree;
    return probe ? { type: type ?? '', tree, probed: treeJson.includes(probe) } : { type: type ?? '', tree };
  } finally {
    m._free(queryPtr);
    if (resultPtr) m._wasm_free_parse_result(resultPtr);
  }
}

/**
 * Whether the tree's JSON (`heap[ptr, end)`) holds a `"stmt_location"` key: a statement
 * that does not start at the text's start, as every statement after the first does. The
 * statements come in the text's order, so when any has one the last has one, in its last
 * bytes (`LAST_STATEMENT_TAIL`): only those are read, not the whole tree. (The same bytes
 * inside the tree, a quoted identifier, only ask for a tree that was not needed.)
 */
function locatedStatement(heap: Uint8Array, ptr: number, end: number): boolean {
  const n = STMT_LOCATION.length;
  for (let at = end - n; at >= ptr && at >= end - LAST_STATEMENT_TAIL; at--) {
    let k = 0;
    while (k < n && heap[at + k] === STMT_LOCATION[k]) k++;
    if (k === n) return true;
  }
  return false;
}

/** The node type of the first statement in the JSON tree at `ptr`, read from its bytes; undefined for a tree without statements. */
function firstType(heap: Uint8Array, ptr: number, end: number): string | undefined {
  // Skip `{"version":NNNNNN,` to the `"stmts"` key.
  let i = ptr;
  const limit = Math.min(end, ptr + 40);
  while (i < limit && heap[i] !== 44 /* , */) i++;
  i++;
  for (let k = 0; k < STMTS_PREFIX.length; k++, i++) if (heap[i] !== STMTS_PREFIX[k]) return undefined;
  // The name (ASCII) up to its closing quote: one of a few dozen, each decoded once.
  const quote = heap.indexOf(34 /* " */, i);
  return quote < 0 || quote >= end ? undefined : typeName(heap, i, quote);
}

/** The node type names read so far, by length and first letters (`typeKey`). */
const typeNames = new Map<number, string[]>();

function typeKey(heap: Uint8Array, from: number, to: number): number {
  return (to - from) * 0x10000 + heap[from + 1]! * 0x100 + heap[to - 1]!;
}

/** The string of the ASCII bytes `heap[from, to)`, a node type's name: the one made before for the same bytes. */
function typeName(heap: Uint8Array, from: number, to: number): string {
  if (to - from < 2) return decoder.decode(heap.subarray(from, to));
  const key = typeKey(heap, from, to);
  const known = typeNames.get(key);
  if (known) {
    for (const name of known) if (sameAscii(heap, from, name)) return name;
  }
  const name = decoder.decode(heap.subarray(from, to));
  if (known) known.push(name);
  else typeNames.set(key, [name]);
  return name;
}

function sameAscii(heap: Uint8Array, from: number, name: string): boolean {
  for (let k = 0; k < name.length; k++) if (heap[from + k] !== name.charCodeAt(k)) return false;
  return true;
}

/** libpg-query's `parseSync`: the whole tree. */
export function parseSync(text: string): PgTree {
  return parsePg(text, () => true).tree;
}

/** libpg-query's `fingerprintSync`. */
export function fingerprintSync(text: string): string {
  const m = module();
  const queryPtr = copyIn(m, text);
  let resultPtr = 0;
  try {
    resultPtr = m._wasm_fingerprint(queryPtr);
    const heap = m.HEAPU8;
    const result = cString(heap, resultPtr);
    if (result.startsWith('syntax error') || result.startsWith('deparse error') || result.startsWith('ERROR')) throw new Error(result);
    return result;
  } finally {
    m._free(queryPtr);
    if (resultPtr) m._wasm_free_string(resultPtr);
  }
}
