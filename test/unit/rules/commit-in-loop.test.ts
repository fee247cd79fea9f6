import { extractPython } from '../../../server/src/core/host/python/extract';
import { extractRust } from '../../../server/src/core/host/rust/extract';
import type { HostWrite } from '../../../server/src/core/host/types';
import { commitInLoop } from '../../../server/src/core/rules/commit-in-loop';
import { at, between, extraction, hostRuleTester, loop } from './host-harness';

const covered = (code: string, span: { start: number; end: number }) => code.slice(span.start, span.end);

/** `add`/`commit` writes of a Python snippet, inside the loop `header` ... `last` when they sit in it. */
function writes(code: string, header: string | undefined, last: string, calls: [HostWrite['kind'], string][]): HostWrite[] {
  const loops = header ? [loop(code, header, last)] : [];
  return calls.map(([kind, call]) => {
    const span = at(code, call);
    const inside = loops.filter((l) => span.start >= l.span.start && span.end <= l.span.end);
    return { kind, span, loops: inside, receiver: call.split('.')[0], argument: kind === 'add' ? /\((.*)\)/.exec(call)?.[1] : undefined };
  });
}

const seed = `async def save(db, documents):
    for document in documents:
        db.add(document)
        await db.commit()
`;

const rustLoop = `async fn save(pool: &PgPool, docs: Vec<Doc>) -> Result<()> {
    for doc in &docs {
        let mut tx = pool.begin().await?;
        sqlx::query("INSERT INTO documents (title, body) VALUES ($1, $2)")
            .bind(&doc.title)
            .bind(&doc.body)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(())
}`;

const rustSqliteLoop = rustLoop.replace('PgPool', 'SqlitePool').replace('VALUES ($1, $2)', 'VALUES (?1, ?2)');

hostRuleTester(commitInLoop, 'hand-built extractions', {
  valid: [
    {
      name: 'add in the loop, one commit after it',
      code: 'def save(session, docs):\n    for doc in docs:\n        session.add(doc)\n    session.commit()\n',
      host: (code) => extraction({ writes: writes(code, 'for doc in docs:', 'session.add(doc)', [['add', 'session.add(doc)'], ['commit', 'session.commit()']]) }),
    },
    {
      name: 'periodic batching: commit under an if in the loop',
      code: 'def save(session, docs):\n    for i, doc in enumerate(docs):\n        session.add(doc)\n        if i % 1000 == 0:\n            session.commit()\n',
      host: (code) => extraction({ writes: writes(code, 'for i, doc in enumerate(docs):', 'session.commit()', [['add', 'session.add(doc)'], ['commit', 'session.commit()']]) }),
    },
    {
      name: "a commit in an except handler runs for the items that fail only (redash's scheduler marks a broken query disabled)",
      code: 'def refresh(session, queries):\n    for query in queries:\n        try:\n            run(query)\n        except Exception:\n            query.disabled = True\n            session.commit()\n',
      host: (code) => extraction({ writes: writes(code, 'for query in queries:', 'session.commit()', [['commit', 'session.commit()']]) }),
    },
    {
      name: 'a commit in a JavaScript catch block: the same',
      code: 'async function refresh(db, queries) {\n  for (const query of queries) {\n    try {\n      await run(query);\n    } catch (error) {\n      await db.commit();\n    }\n  }\n}\n',
      host: (code) => extraction({ writes: writes(code, 'for (const query of queries) {', 'await db.commit();\n    }\n  }', [['commit', 'db.commit()']]) }),
    },
    {
      name: 'add_all and one commit',
      code: 'def save(session, docs):\n    session.add_all(docs)\n    session.commit()\n',
      host: (code) => extraction({ writes: writes(code, undefined, '', [['commit', 'session.commit()']]) }),
    },
  ],
  invalid: [
    {
      name: 'seed: add + await commit per document: the commit moves after the loop',
      code: seed,
      host: (code) => extraction({ writes: writes(code, 'for document in documents:', 'await db.commit()', [['add', 'db.add(document)'], ['commit', 'db.commit()']]) }),
      errors: [
        {
          message: ['db.commit() runs once per document of documents', 'its own transaction', 'db.add_all(documents)', 'commit once after the loop'],
          span: 'db.commit()',
          fixes: ['Move await db.commit() after the loop'],
          explanation: ['`db.add(document)` per item'],
        },
      ],
      output: 'async def save(db, documents):\n    for document in documents:\n        db.add(document)\n    await db.commit()\n',
    },
    {
      name: 'commit in the middle of the body, code after the loop kept',
      code: 'def save(session, docs):\n    for doc in docs:\n        session.merge(doc)\n        session.commit()\n        log(doc)\n    return len(docs)\n',
      host: (code) => extraction({ writes: writes(code, 'for doc in docs:', 'log(doc)', [['commit', 'session.commit()']]) }),
      errors: [{ message: ['session.commit() runs once per doc of docs', 'Commit once after the loop.'], span: 'session.commit()' }],
      output: 'def save(session, docs):\n    for doc in docs:\n        session.merge(doc)\n        log(doc)\n    session.commit()\n    return len(docs)\n',
    },
    {
      name: 'an object built per item is added: no add_all of the items (they are not what is added)',
      code: 'def load(db, flags):\n    for flag in flags:\n        f = Flags(content=flag)\n        db.session.add(f)\n        db.session.commit()\n',
      host: (code) => extraction({ writes: writes(code, 'for flag in flags:', 'db.session.commit()', [['add', 'db.session.add(f)'], ['commit', 'db.session.commit()']]) }),
      errors: [
        {
          message: [
            'db.session.commit() runs once per flag of flags: every item pays a round trip and its own transaction (a durable flush to disk per commit), ' +
              '10-50x slower than one write for all. Commit once after the loop.',
          ],
          span: 'db.session.commit()',
          fixes: ['Move db.session.commit() after the loop'],
        },
      ],
      output: 'def load(db, flags):\n    for flag in flags:\n        f = Flags(content=flag)\n        db.session.add(f)\n    db.session.commit()\n',
    },
    {
      name: 'commit inside a try that re-raises (not isolation): reported, not moved',
      code: 'def save(session, docs):\n    for doc in docs:\n        session.add(doc)\n        try:\n            session.commit()\n        except Exception:\n            session.rollback()\n            raise\n',
      host: (code) => extraction({ writes: writes(code, 'for doc in docs:', 'raise', [['add', 'session.add(doc)'], ['commit', 'session.commit()']]) }),
      errors: [{ message: ['session.add_all(docs)'], span: 'session.commit()', fixes: [] }],
    },
    {
      name: 'a commit alone in the loop is not moved (the loop would be empty)',
      code: 'def save(session, docs):\n    for doc in docs:\n        session.commit()\n',
      host: (code) => extraction({ writes: writes(code, 'for doc in docs:', 'session.commit()', [['commit', 'session.commit()']]) }),
      errors: [{ message: ['runs once per doc'], span: 'session.commit()', fixes: [] }],
    },
  ],
});

hostRuleTester(commitInLoop, 'Rust extractor', {
  valid: [
    {
      name: 'one INSERT and one commit, no loop',
      language: 'rust',
      code: 'async fn once(pool: &PgPool, a: i64) -> Result<()> {\n    let mut tx = pool.begin().await?;\n    sqlx::query!("INSERT INTO t (a) VALUES ($1)", a).execute(&mut *tx).await?;\n    tx.commit().await?;\n    Ok(())\n}\n',
      host: (code) => extractRust(code, '/ws/app.rs'),
    },
  ],
  invalid: [
    {
      // The transaction begun per document is isolation on purpose: only the INSERT per row is reported.
      name: 'an INSERT per document, each in its own transaction',
      language: 'rust',
      code: rustLoop,
      host: (code) => extractRust(code, '/ws/app.rs'),
      errors: [
        {
          message: ['INSERT runs once per doc of &docs', 'QueryBuilder::push_values', 'UNNEST'],
          span: covered(rustLoop, between(rustLoop, 'sqlx::query("INSERT', '.await')),
        },
      ],
    },
    {
      // SQLite binds no arrays: the advice is push_values, never PostgreSQL's UNNEST.
      name: 'SQLite: an INSERT per document, batched with push_values only',
      language: 'rust',
      dialect: 'sqlite',
      code: rustSqliteLoop,
      host: (code) => extractRust(code, '/ws/app.rs'),
      errors: [
        {
          message: ['INSERT runs once per doc of &docs', 'Build one multi-row INSERT with sqlx::QueryBuilder::push_values, inside one transaction.'],
          span: covered(rustSqliteLoop, between(rustSqliteLoop, 'sqlx::query("INSERT', '.await')),
        },
      ],
    },
  ],
});

hostRuleTester(commitInLoop, 'Python extractor', {
  valid: [
    {
      name: 'seed good example: add_all and one commit',
      code: 'async def save(db, documents):\n    db.add_all(documents)\n    await db.commit()\n',
      host: (code) => extractPython(code, '/ws/app.py'),
    },
  ],
  invalid: [
    {
      name: 'seed: add + commit per document',
      code: seed,
      host: (code) => extractPython(code, '/ws/app.py'),
      errors: [{ message: ['db.commit() runs once per document of documents', 'db.add_all(documents)'], span: 'db.commit()', fixes: ['Move await db.commit() after the loop'] }],
      output: 'async def save(db, documents):\n    for document in documents:\n        db.add(document)\n    await db.commit()\n',
    },
    {
      name: "a loop of two writes is one warning, at its first (midday's deletion of inbox items)",
      code:
        'def remove(session, items):\n    for item in items:\n' +
        '        session.execute(text("DELETE FROM suggestions WHERE inbox_id = :id"), {"id": item.id})\n' +
        '        session.execute(text("UPDATE inbox SET status = \'deleted\' WHERE id = :id"), {"id": item.id})\n',
      host: (code) => extractPython(code, '/ws/app.py'),
      errors: [
        { message: ['DELETE from suggestions runs once per item of items: one round trip (and statement) per row.'], span: 'session.execute(text("DELETE FROM suggestions WHERE inbox_id = :id"), {"id": item.id})' },
        {
          message: ['UPDATE of inbox runs once per item of items', ' Info, not warning: the loop is reported once, at its DELETE from suggestions on line 3.'],
          span: 'session.execute(text("UPDATE inbox SET status = \'deleted\' WHERE id = :id"), {"id": item.id})',
          tentative: true,
        },
      ],
    },
  ],
});
