/**
 * Row-by-row writes in host code: a `session.commit()` per loop iteration
 * (one transaction, one round trip and one durable flush per item), and an
 * INSERT, UPDATE or DELETE executed once per item (`session.execute(update(T)
 * .where(T.id == item.id))` in a loop over items). `session.add(x)` alone in a
 * loop is not reported: the session writes pending objects together at the
 * next flush.
 *
 * Deliberate batching and isolation are not reported: a commit under an `if`
 * (`if n % 1000 == 0: commit()`), a loop whose iterations are batches (`while`
 * loops that take the next batch, `range(0, n, size)`, `batched(...)`,
 * `for chunk in chunks`), a commit in a `try` whose `except` goes on with the
 * next item (one transaction per item, so one failure does not undo the
 * others), a session the loop body opens itself, and `flush()` (it sends
 * pending rows inside the same transaction, often to get generated keys).
 * Work per item of one object's own collection (`participant.roles`) is
 * plausible but small: reported at `info`. So are a write per group of rows
 * (`WHERE id IN` the item's list of keys, `listBoundKey`), a write in a script
 * run by hand (`bin/`, `scripts/`: `handRunScript`), an ORM write whose
 * items set values of their own, which the ORM cannot send in one call
 * (the adapter's `rowWriteNote`), and a write beside such a write in the same
 * loop (the loop pays a round trip per item for that one anyway).
 */
import { docsUrl } from '../../../../shared/types';
import { spelledTableName } from '../catalog/build';
import { adapterOf } from '../host/languages';
import type { HostExtraction, HostQuery, HostWrite, LoopContext } from '../host/types';
import type { QueryModel, Span } from '../sql/model';
import { codePath, fixedBound, handRunScript, indentationAt, isBatchLoop, lineNumber, migrationModule, otherAwait, lineEnd, lineStart, seedFile, smallLoopNote, spanText, startsLine, statementOf, userTenantsNote } from './host-helpers';
import { knownTable, listBoundKey } from './query-helpers';
import type { CoreFix, FileContext, Rule } from './types';

const ID = 'commit-in-loop';

export const commitInLoop: Rule = {
  meta: {
    id: ID,
    description: 'A commit, INSERT, UPDATE or DELETE runs once per item inside a loop instead of once for all items.',
    defaultSeverity: 'warning',
    docs: docsUrl(ID),
    fixable: true,
    category: 'query',
  },
  scope: 'file',
  check(ctx) {
    const host = ctx.host;
    if (!host) return;
    const reported = new Set<number>();
    const warned = new Map<number, string>();
    for (const write of host.writes) {
      if (write.loops.length === 0) continue;
      if (write.kind === 'commit') checkCommit(ctx, host, write);
      if (write.kind === 'insert' && write.query !== undefined) {
        reported.add(write.query);
        checkRowWrite(ctx, host, write.query, warned);
      }
    }
    host.queries.forEach((query, index) => {
      if (query.loops.length > 0 && ROW_WRITES.has(query.statementKind) && !reported.has(index)) checkRowWrite(ctx, host, index, warned);
    });
  },
};

const ROW_WRITES = new Set(['insert', 'update', 'delete']);

function innermost(loops: LoopContext[]): LoopContext {
  return loops[loops.length - 1];
}

function perItem(loop: LoopContext): string {
  return loop.targets.length === 1 ? `once per ${loop.targets[0]}` : loop.targets.length > 1 ? 'once per item' : 'once per iteration';
}

function checkCommit(ctx: FileContext, host: HostExtraction, write: HostWrite): void {
  const loop = innermost(write.loops);
  const block = enclosingBlock(ctx.text, loop, write.span);
  const placement = write.placement;
  if (block === 'conditional' || placement?.conditional || placement?.isolated || placement?.ownSession || isBatchLoop(loop)) return;
  const small = smallLoopNote(loop);
  const bound = fixedBound(loop);
  // A job, command or script, as its decorator or file says (a name like import_documents is no sign of a one-off run).
  const path = codePath(ctx.file, write);
  const job = path?.kind === 'batch' && path.by !== 'name' ? path : undefined;
  const call = spanText(ctx.text, write.span).replace(/^await\s+/, '');
  const receiver = /^([\w.]+)\./.exec(call)?.[1] ?? 'session';
  const add = host.writes.find((w) => w.kind === 'add' && w.loops.length > 0 && innermost(w.loops).span.start === loop.span.start);
  const items = loop.iterable ?? 'items';
  const adapter = adapterOf(host.language);
  // `add_all(items)` only when the loop adds its own items (`for doc in docs: session.add(doc)`): an object built
  // per item (`session.add(Flag(content=item))`, CTFd's CSV import) is no element of `items`.
  const addsItems = add !== undefined && loop.targets.length === 1 && add.argument === loop.targets[0] && !/\.add_all\s*\(/.test(spanText(ctx.text, add.span));
  const how = adapter.commitOnceAdvice(ctx.dialect, receiver, items, addsItems);
  ctx.report({
    span: write.span,
    message:
      `${call} runs ${perItem(loop)} of ${items}: every item pays a round trip and its own transaction ` +
      `(a durable flush to disk per commit), 10-50x slower than one write for all. ${how}` +
      (small ?? '') +
      fixedNote(bound) +
      (job
        ? ` (It runs ${job.why}, where a commit per item may be meant to keep the work done if the run stops halfway; ` +
          'committing every few hundred items keeps that at a fraction of the cost.)'
        : ''),
    ...(small || job || bound !== undefined ? { tentative: true } : {}),
    explanation: [
      `**Loop:** \`${loop.targets.join(', ') || '?'}\` over \`${items}\`` + (add ? ` — \`${spanText(ctx.text, add.span)}\` per item` : ''),
      '',
      'A commit ends a transaction: the database writes and syncs its log before answering. Done per item, ' +
        'that wait repeats for every row. One commit after the loop (with `add_all`, or `insert(T).values([...])` ' +
        'for plain rows) writes the same rows in one transaction.',
    ].join('\n'),
    fixes: adapter.movesCommitAfterLoop && write.kind === 'commit' && block === 'body' ? moveAfterLoop(ctx, loop, write.span) : [],
  });
}

/**
 * Whether the write sits directly in the loop's body, under an `if`/`else`
 * (periodic batching: not reported), or in another block (`try`, `with`:
 * reported, but moving it out would change the block's meaning).
 */
function enclosingBlock(text: string, loop: LoopContext, span: Span): 'body' | 'conditional' | 'other' {
  const loopLine = lineStart(text, loop.span.start);
  const depth = indentationAt(text, span.start).length;
  for (let at = lineStart(text, span.start) - 1; lineStart(text, at) > loopLine; at = lineStart(text, at) - 1) {
    const line = text.slice(lineStart(text, at), at);
    if (line.trim() === '' || indentationAt(line, 0).length >= depth) continue;
    // An exception handler (`except`, `catch`) runs for the items that fail only.
    return /^\s*(if|elif|else|except|\}\s*else|\}?\s*catch)\b/.test(line) ? 'conditional' : 'other';
  }
  return 'body';
}

/** Deletes the commit's line and writes it after the loop, at the loop's indentation. */
function moveAfterLoop(ctx: FileContext, loop: LoopContext, span: Span): CoreFix[] {
  const text = ctx.text;
  const start = lineStart(text, span.start);
  const end = lineEnd(text, span.start);
  const statement = text.slice(start, end).trim();
  const alone = /^(await)?$/.test(text.slice(start, span.start).trim()) && text.slice(span.end, end).trim() === '';
  if (!alone || !startsLine(text, loop.span.start) || end > loop.span.end) return [];
  const header = lineEnd(text, loop.span.start);
  const rest = (text.slice(header, start) + text.slice(end, loop.span.end)).split('\n');
  if (!rest.some((l) => l.trim() !== '' && !l.trim().startsWith('#'))) return []; // the loop would be left empty
  return [
    {
      title: `Move ${statement} after the loop`,
      isPreferred: true,
      changes: [
        {
          kind: 'edit',
          file: ctx.file,
          // One edit from the line before the commit to the loop's end: never overlaps another edit of this fix.
          edits: [
            {
              span: { start: start - 1, end: loop.span.end },
              newText: `${text.slice(end, loop.span.end)}\n${indentationAt(text, loop.span.start)}${statement}`,
            },
          ],
        },
      ],
    },
  ];
}

/**
 * An INSERT, UPDATE or DELETE run once per item: reported unless each
 * iteration is a batch, or (UPDATE/DELETE) the statement does not depend on
 * the item (then it is not a write per row).
 */
function checkRowWrite(ctx: FileContext, host: HostExtraction, index: number, warned: Map<number, string>): void {
  const query = host.queries[index]!;
  const loop = innermost(query.loops);
  if (isBatchLoop(loop)) return;
  const kind = query.statementKind;
  // One INSERT carrying many rows, or one run only when a batch is full (`if len(batch) >= size:`), is the batching asked for.
  if (kind === 'insert' && (query.manyRows || enclosingBlock(ctx.text, loop, query.span) === 'conditional')) return;
  if (kind !== 'insert' && !query.parameterRoots.some((r) => loop.targets.includes(r))) return;
  const model = query.model ?? statementOf(ctx, index)?.query;
  // INSERT ... SELECT writes many rows in one statement.
  if (kind === 'insert' && model && model.subqueries.some((q) => q !== model && q.tables.length > 0)) return;
  const written = model?.tables[0]?.name;
  const table = written === undefined ? undefined : spelledTableName(ctx.catalog, written);
  const small = smallLoopNote(loop) ?? userTenantsNote(ctx, host, loop);
  const bound = fixedBound(loop);
  const awaits = otherAwait(ctx.text, host, loop);
  // An UPDATE/DELETE whose subquery takes or skips each item's first rows (keep the last 100 rows of each monitor):
  // one statement over all keys would have to rank every key's rows, not just list the keys.
  const perKey = kind !== 'insert' && model !== undefined && limitedSubquery(model);
  const seed = seedFile(ctx.file);
  const script = seed ? undefined : handRunScript(ctx.file);
  const migration = seed || script ? undefined : migrationModule(ctx.file);
  // `UPDATE ... WHERE id IN (the item's ids)`: each iteration writes a group of rows, one statement per group.
  const writtenTable = model?.tables[0] ? knownTable(ctx.catalog, model.tables[0].name) : undefined;
  const listed = kind !== 'insert' && model && writtenTable ? listBoundKey(model, writtenTable, ctx.catalog) : undefined;
  // A reason the library cannot write these rows in one statement (Prisma: an UPDATE of many rows with different values).
  const unbatchable = adapterOf(host.language).rowWriteNote?.(ctx, query, loop);
  const stays = unbatchable ? undefined : unbatchableNeighbour(ctx, host, index, loop);
  const verb = kind.toUpperCase();
  const tentative = !!(small || bound !== undefined || awaits || perKey || unbatchable || stays || seed || script || migration || listed);
  // A loop of several writes is one warning, at its first (midday's deletion of inbox items: five writes per item).
  const first = tentative ? undefined : warned.get(loop.span.start);
  const write = `${verb}${table ? ` ${kind === 'insert' ? 'into' : kind === 'update' ? 'of' : 'from'} ${table}` : ''}`;
  if (!tentative && !first) warned.set(loop.span.start, `${write} on line ${lineNumber(ctx.text, query.span.start)}`);
  ctx.report({
    span: query.span,
    message:
      `${write} runs ${perItem(loop)} of ` +
      `${loop.iterable ?? 'the loop'}: ` +
      (listed
        ? `each over the rows whose ${listed} is in a list of the item's own, so one round trip (and statement) per group of rows, not per row: ` +
          'as many as the groups, worth merging only when they are many.'
        : 'one round trip (and statement) per row. ' +
          (perKey
            ? "Its subquery takes or skips each item's first rows (LIMIT, OFFSET), so one statement over all keys would have to rank every key's rows " +
              '(ROW_NUMBER() OVER (PARTITION BY the key)) rather than list the keys: worth it only when the loop is long (info, no automatic rewrite).'
            : howToBatch(ctx, host, query, loop, kind, table))) +
      (small ?? '') +
      fixedNote(bound) +
      awaitNote(awaits) +
      (unbatchable ?? '') +
      (stays
        ? ` (Each iteration also runs ${stays}, whose values are each item's own: it stays one statement per item, so batching this one ` +
          "saves only a share of the loop's round trips.)"
        : '') +
      (seed ? ` (It runs in a seed script (${seed}): development data written once, usually a handful of rows.)` : '') +
      (script ? ` (It runs in a script run by hand (${script}): it pays per run, not per request, so batching pays off only when it runs over many rows.)` : '') +
      (migration ? ` (It runs in migration code (${migration}): once per upgrade of the schema, so batching pays off only when it runs over many rows.)` : '') +
      (first ? ` Info, not warning: the loop is reported once, at its ${first}.` : ''),
    explanation:
      `Row-by-row ${verb}s pay network latency and statement overhead for every row; one statement for all rows ` +
      '(a multi-row INSERT, an UPDATE ... FROM a list of values, a DELETE ... WHERE key IN a list, or a bulk API) sends ' +
      'them together and is typically 10-50x faster.',
    ...(tentative || first ? { tentative: true } : {}),
    fixes: perKey ? [] : (adapterOf(host.language).batchWriteFix?.(ctx, index, loop) ?? []),
  });
}

/**
 * Another write in the same loop that the library cannot send for all items at once (its values are each item's own:
 * the adapter's `rowWriteNote`), as `the UPDATE of user on line 149`: the loop pays a round trip per item for it anyway.
 */
function unbatchableNeighbour(ctx: FileContext, host: HostExtraction, index: number, loop: LoopContext): string | undefined {
  const adapter = adapterOf(host.language);
  const other = host.queries.find(
    (q, i) => i !== index && q.loops.length > 0 && innermost(q.loops).span.start === loop.span.start && ROW_WRITES.has(q.statementKind) && adapter.rowWriteNote?.(ctx, q, loop) !== undefined,
  );
  if (!other) return undefined;
  const written = (other.model ?? statementOf(ctx, host.queries.indexOf(other))?.query)?.tables[0]?.name;
  const table = written === undefined ? undefined : spelledTableName(ctx.catalog, written);
  return `the ${other.statementKind.toUpperCase()}${table ? ` of ${table}` : ''} on line ${lineNumber(ctx.text, other.span.start)}`;
}

/** Whether a subquery of the statement (at any depth) has a LIMIT or an OFFSET. */
function limitedSubquery(model: QueryModel): boolean {
  return model.subqueries.some((q) => q !== model && (q.limit !== undefined || q.offset !== undefined || limitedSubquery(q)));
}

/** For a loop whose every iteration awaits another call too: batching this statement saves only a share. */
function awaitNote(call: string | undefined): string {
  return call ? ` (Each iteration also awaits ${call}, another round trip at least: batching this statement alone saves only a share of the loop's time.)` : '';
}

/** For a loop whose code fixes how often it runs: the note that says so (its cost does not grow with a table). */
function fixedNote(bound: number | undefined): string {
  return bound === undefined ? '' : ` (The loop runs a fixed ${bound} time${bound === 1 ? '' : 's'}, as its code says: the cost does not grow with the data.)`;
}

function howToBatch(ctx: FileContext, host: HostExtraction, query: HostQuery, loop: LoopContext, kind: string, table: string | undefined): string {
  return adapterOf(host.language).batchWriteAdvice(ctx.dialect, kind, query.entity ?? 'Model', table, query, kind === 'insert' ? undefined : writeKey(ctx.text, query, loop));
}

/**
 * The one key an ORM's UPDATE/DELETE per item filters on, as the code writes it (`authorId` of
 * `where: { authorId: id }`), and what to list for all items: the loop's items when the key is the item
 * itself (`ids` for `id` of `ids`), else `keys`. Undefined for SQL strings and several conditions.
 */
function writeKey(text: string, query: HostQuery, loop: LoopContext): { field: string; values: string } | undefined {
  const equal = query.kind === 'orm' ? query.model?.predicates.filter((p) => p.op === 'eq' && !p.disjunctive) : undefined;
  if (equal?.length !== 1) return undefined;
  const predicate = equal[0]!;
  const field = text.slice(predicate.column.span.start, predicate.column.span.end);
  if (!/^[A-Za-z_$][\w$]*$/.test(field)) return undefined;
  const value = text.slice(predicate.column.span.end, predicate.span.end).replace(/^\s*:\s*/, '').trim();
  const item = loop.targets.length === 1 && (value === loop.targets[0] || (value === '' && field === loop.targets[0]));
  return { field, values: item && loop.iterable && /^[\w$.]+$/.test(loop.iterable) ? loop.iterable : 'keys' };
}
