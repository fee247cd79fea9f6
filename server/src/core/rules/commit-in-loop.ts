/**
 * Row-by-row writes in host code: a `session.commit()`/`flush()` per loop
 * iteration (one transaction, one round trip and one durable flush per item)
 * and an INSERT executed once per item. `session.add(x)` alone in a loop is
 * not reported: the session keeps pending objects and writes them together at
 * the next flush; it is row-by-row only with a commit or flush in the same
 * loop, which this rule reports (and its message says `add_all`).
 *
 * A commit under an `if` inside the loop (`if len(batch) >= 1000: commit()`)
 * is the batching this rule asks for and is not reported.
 */
import { docsUrl } from '../../../../shared/types';
import type { HostExtraction, HostWrite, LoopContext } from '../host/types';
import type { Span } from '../sql/model';
import { indentationAt, lineEnd, lineStart, spanText, startsLine, statementOf } from './host-helpers';
import type { CoreFix, FileContext, Rule } from './types';

const ID = 'commit-in-loop';

export const commitInLoop: Rule = {
  meta: {
    id: ID,
    description: 'A commit, flush or INSERT runs once per item inside a loop instead of once for all items.',
    defaultSeverity: 'warning',
    docs: docsUrl(ID),
    fixable: true,
    category: 'query',
  },
  scope: 'file',
  check(ctx) {
    const host = ctx.host;
    if (!host) return;
    const inserts = new Set<number>();
    for (const write of host.writes) {
      if (write.loops.length === 0) continue;
      if (write.kind === 'commit' || write.kind === 'flush') checkCommit(ctx, host, write);
      if (write.kind === 'insert') {
        if (write.query !== undefined) inserts.add(write.query);
        reportInsert(ctx, host, write.span, write.loops, write.query);
      }
    }
    host.queries.forEach((query, index) => {
      if (query.statementKind === 'insert' && query.loops.length > 0 && !inserts.has(index)) {
        reportInsert(ctx, host, query.span, query.loops, index);
      }
    });
  },
};

function innermost(loops: LoopContext[]): LoopContext {
  return loops[loops.length - 1];
}

function perItem(loop: LoopContext): string {
  return loop.targets.length === 1 ? `once per ${loop.targets[0]}` : loop.targets.length > 1 ? 'once per item' : 'once per iteration';
}

function checkCommit(ctx: FileContext, host: HostExtraction, write: HostWrite): void {
  const loop = innermost(write.loops);
  const block = enclosingBlock(ctx.text, loop, write.span);
  if (block === 'conditional') return;
  const call = spanText(ctx.text, write.span).replace(/^await\s+/, '');
  const receiver = /^([\w.]+)\./.exec(call)?.[1] ?? 'session';
  const add = host.writes.find((w) => w.kind === 'add' && w.loops.length > 0 && innermost(w.loops).span.start === loop.span.start);
  const items = loop.iterable ?? 'items';
  const python = host.language === 'python';
  const how = !python
    ? 'Write all items in one transaction and one statement (sqlx QueryBuilder::push_values, or INSERT ... SELECT FROM UNNEST($1, ...)), then commit once.'
    : add
      ? `Add them all with ${receiver}.add_all(${items}) and commit once after the loop.`
      : `Commit once after the loop.`;
  ctx.report({
    span: write.span,
    message:
      `${call} runs ${perItem(loop)} of ${items}: every item pays a round trip and its own transaction ` +
      `(a durable flush to disk per ${write.kind}), 10-50x slower than one write for all. ${how}`,
    explanation: [
      `**Loop:** \`${loop.targets.join(', ') || '?'}\` over \`${items}\`` + (add ? ` — \`${spanText(ctx.text, add.span)}\` per item` : ''),
      '',
      'A commit ends a transaction: the database writes and syncs its log before answering. Done per item, ' +
        'that wait repeats for every row. One commit after the loop (with `add_all`, or `insert(T).values([...])` ' +
        'for plain rows) writes the same rows in one transaction.',
    ].join('\n'),
    fixes: python && write.kind === 'commit' && block === 'body' ? moveAfterLoop(ctx, loop, write.span) : [],
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
    return /^\s*(if|elif|else|\}\s*else)\b/.test(line) ? 'conditional' : 'other';
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

function reportInsert(ctx: FileContext, host: HostExtraction, span: Span, loops: LoopContext[], index: number | undefined): void {
  const loop = innermost(loops);
  const query = index === undefined ? undefined : host.queries[index];
  const table = (query?.model ?? (index === undefined ? undefined : statementOf(ctx, index)?.query))?.tables[0]?.name;
  const how =
    host.language === 'rust'
      ? 'Build one multi-row INSERT with sqlx::QueryBuilder::push_values, or bind arrays: INSERT ... SELECT * FROM UNNEST($1::type[], ...).'
      : `Insert all rows in one statement: session.execute(insert(${query?.entity ?? 'Model'}), rows) or insert(${table ?? 'table'}).values([...]).`;
  ctx.report({
    span,
    message: `INSERT${table ? ` into ${table}` : ''} runs ${perItem(loop)} of ${loop.iterable ?? 'the loop'}: one round trip (and statement) per row. ${how}`,
    explanation:
      'Row-by-row inserts pay network latency and statement overhead for every row; one multi-row INSERT (or a ' +
      'bulk insert API) sends them together and is typically 10-50x faster.',
  });
}
