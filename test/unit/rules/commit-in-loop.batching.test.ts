/**
 * commit-in-loop against deliberate batching and isolation (issue 10, cause 5),
 * and the per-row UPDATE/DELETE it used to miss: small Python and Rust
 * snippets through the real extractors.
 */
import { extractPython } from '../../../server/src/core/host/python/extract';
import { extractRust } from '../../../server/src/core/host/rust/extract';
import { commitInLoop } from '../../../server/src/core/rules/commit-in-loop';
import { hostRuleTester } from './host-harness';

const py = (code: string) => extractPython(code, '/ws/app.py');
const rs = (code: string) => extractRust(code, '/ws/app.rs');

const perRowUpdate = `from sqlalchemy import Column, Integer, String, update
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Ticket(Base):
    __tablename__ = "tickets"
    id = Column(Integer, primary_key=True)
    label = Column(String)


def relabel(session, changes):
    for change in changes:
        session.execute(update(Ticket).where(Ticket.id == change["id"]).values(label=change["label"]))
    session.commit()
`;

const perRowDelete = `from sqlalchemy import text

def purge(session, stale_ids):
    for stale_id in stale_ids:
        session.execute(text("DELETE FROM tickets WHERE id = :id"), {"id": stale_id})
    session.commit()
`;

const childCollection = `def close_roles(session, member):
    for role in member.roles:
        role.active = False
        session.commit()
`;

const rustUpdate = `async fn touch(pool: &PgPool, ids: &[i64]) -> Result<()> {
    for id in ids {
        sqlx::query("UPDATE tickets SET seen = true WHERE id = $1").bind(id).execute(pool).await?;
    }
    Ok(())
}`;

const rustCommitOutside = `async fn save(pool: &PgPool, docs: Vec<Doc>) -> Result<()> {
    let mut tx = pool.begin().await?;
    for doc in &docs {
        sqlx::query("UPDATE documents SET body = $2 WHERE id = $1").bind(doc.id).bind(&doc.body).execute(&mut *tx).await?;
        tx.commit().await?;
    }
    Ok(())
}`;

hostRuleTester(commitInLoop, 'batching, isolation and per-row UPDATE/DELETE', {
  valid: [
    {
      name: 'a commit every 5000 rows (modulo counter under an if)',
      code: 'def load(session, rows):\n    for n, row in enumerate(rows):\n        session.add(Row(**row))\n        if n % 5000 == 0:\n            session.commit()\n    session.commit()\n',
      host: py,
    },
    {
      name: 'a commit per chunk of batched(...)',
      code: 'from sqlalchemy import insert\n\ndef load(session, rows):\n    for chunk in batched(rows, 5000):\n        session.execute(insert(Row), chunk)\n        session.commit()\n',
      host: py,
    },
    {
      name: 'a commit per range(0, n, size) window',
      code: 'def relabel(session, ids):\n    for start in range(0, len(ids), 1000):\n        session.execute(update(Ticket).where(Ticket.id.in_(ids[start : start + 1000])).values(label="x"))\n        session.commit()\n',
      host: py,
    },
    {
      name: 'a keyset while loop that commits each batch',
      code: 'def backfill(session):\n    last = 0\n    while True:\n        ids = session.execute(select(Ticket.id).where(Ticket.id > last).order_by(Ticket.id).limit(500)).scalars().all()\n        if not ids:\n            break\n        session.execute(update(Ticket).where(Ticket.id.in_(ids)).values(label="x"))\n        session.commit()\n        last = ids[-1]\n',
      host: py,
    },
    {
      name: 'one transaction per item, rolled back in except (isolation on purpose)',
      code: 'def process(session, jobs):\n    for job in jobs:\n        try:\n            run(job)\n            session.commit()\n        except Exception:\n            session.rollback()\n',
      host: py,
    },
    {
      name: 'one transaction per item, logged and skipped in except',
      code: 'def process(session, jobs):\n    for job in jobs:\n        try:\n            run(job)\n            session.commit()\n        except Exception as e:\n            log.exception(e)\n',
      host: py,
    },
    {
      name: 'a new session per iteration',
      code: 'async def process(sessionmaker, jobs):\n    for job in jobs:\n        async with sessionmaker() as session:\n            session.add(Result(job=job))\n            await session.commit()\n',
      host: py,
    },
    {
      name: 'flush() per item is not a commit',
      code: 'def save(session, docs):\n    for doc in docs:\n        session.add(doc)\n        session.flush()\n        links.append(doc.id)\n    session.commit()\n',
      host: py,
    },
    {
      name: 'one INSERT carrying every row, in a loop over tenants, is one statement per tenant: INSERT ... SELECT',
      code: 'from sqlalchemy import text\n\ndef archive(session, tenants):\n    for tenant in tenants:\n        session.execute(text("INSERT INTO archive (id) SELECT id FROM tickets WHERE tenant_id = :t"), {"t": tenant.id})\n',
      host: py,
    },
    {
      name: 'one INSERT carrying every row of a table (execute with a list of rows), per table',
      code: 'from sqlalchemy import insert\n\ndef restore(connection, dump):\n    for table, rows in dump.items():\n        connection.execute(insert(table), rows)\n',
      host: py,
    },
    {
      name: 'one INSERT with .values([...]) per tenant',
      code: 'from sqlalchemy import insert\n\ndef seed(session, tenants):\n    for tenant in tenants:\n        session.execute(insert(Tag).values([{"tenant_id": tenant.id, "name": n} for n in DEFAULT_TAGS]))\n',
      host: py,
    },
    {
      name: 'an INSERT run only when the batch is full',
      code: 'from sqlalchemy import insert\n\ndef load(session, source):\n    batch = []\n    for item in source:\n        batch.append(item)\n        if len(batch) >= 500:\n            session.execute(insert(Row).values(batch))\n            batch = []\n',
      host: py,
    },
    {
      name: 'an UPDATE in a loop that does not depend on the item is not a write per row',
      code: 'def retry(session, attempts):\n    for attempt in attempts:\n        session.execute(update(Lock).values(owner=None))\n',
      host: py,
    },
    {
      name: 'Rust: a transaction begun per item (isolation on purpose)',
      language: 'rust',
      code: 'async fn save(pool: &PgPool, docs: Vec<Doc>) -> Result<()> {\n    for doc in &docs {\n        let mut tx = pool.begin().await?;\n        handle(&mut tx, doc).await?;\n        tx.commit().await?;\n    }\n    Ok(())\n}',
      host: rs,
    },
    {
      name: 'Rust: an UPDATE per chunk of ids',
      language: 'rust',
      code: 'async fn touch(pool: &PgPool, ids: &[i64]) -> Result<()> {\n    for chunk in ids.chunks(500) {\n        sqlx::query("UPDATE tickets SET seen = true WHERE id = ANY($1)").bind(chunk).execute(pool).await?;\n    }\n    Ok(())\n}',
      host: rs,
    },
  ],
  invalid: [
    {
      name: 'an ORM UPDATE per row',
      code: perRowUpdate,
      host: py,
      errors: [
        {
          message: [
            'UPDATE of tickets runs once per change of changes: one round trip (and statement) per row.',
            'session.execute(update(Ticket), [{"id": ..., ...}, ...])',
          ],
          span: 'session.execute(update(Ticket).where(Ticket.id == change["id"]).values(label=change["label"]))',
        },
      ],
    },
    {
      name: 'a raw DELETE per row',
      code: perRowDelete,
      host: py,
      errors: [
        {
          message: ['DELETE from tickets runs once per stale_id of stale_ids', 'delete(Model).where(Model.id.in_(ids))'],
          span: 'session.execute(text("DELETE FROM tickets WHERE id = :id"), {"id": stale_id})',
        },
      ],
    },
    {
      name: "a commit per item of one object's own collection: info, with the reason",
      code: childCollection,
      host: py,
      output: 'def close_roles(session, member):\n    for role in member.roles:\n        role.active = False\n    session.commit()\n',
      errors: [
        {
          message: ['session.commit() runs once per role of member.roles', "member.roles is one object's own collection, likely a handful of items"],
          span: 'session.commit()',
          fixes: ['Move session.commit() after the loop'],
          tentative: true,
        },
      ],
    },
    {
      name: 'a commit per item in a CLI command: info, it may be meant to keep progress',
      code: '@cli.command()\ndef fix_titles(session, tickets):\n    for ticket in tickets:\n        ticket.title = ticket.title.strip()\n        session.commit()\n',
      host: py,
      output: '@cli.command()\ndef fix_titles(session, tickets):\n    for ticket in tickets:\n        ticket.title = ticket.title.strip()\n    session.commit()\n',
      errors: [
        {
          message: ['session.commit() runs once per ticket of tickets', 'It runs in the job fix_titles (@cli.command), where a commit per item may be meant to keep the work done'],
          span: 'session.commit()',
          fixes: ['Move session.commit() after the loop'],
          tentative: true,
        },
      ],
    },
    {
      name: "a commit per tenant schema in a migration environment (alembic/env.py): info",
      code: 'def run_migrations_online(connection, schemas):\n    for schema in schemas:\n        connection.execute(text(f"set search_path to {schema}"))\n        connection.commit()\n',
      path: 'alembic/env.py',
      host: (code) => extractPython(code, '/ws/alembic/env.py'),
      output: 'def run_migrations_online(connection, schemas):\n    for schema in schemas:\n        connection.execute(text(f"set search_path to {schema}"))\n    connection.commit()\n',
      errors: [{ message: ['connection.commit() runs once per schema of schemas', 'in a script or job file (env.py)'], span: 'connection.commit()', fixes: ['Move connection.commit() after the loop'], tentative: true }],
    },
    {
      name: 'a commit per item in a function whose name sounds like a batch (import_*) stays a warning',
      code: 'def import_notes(session, notes):\n    for note in notes:\n        session.add(note)\n        session.commit()\n',
      host: py,
      output: 'def import_notes(session, notes):\n    for note in notes:\n        session.add(note)\n    session.commit()\n',
      errors: [{ message: ['session.commit() runs once per note of notes', 'session.add_all(notes)'], span: 'session.commit()', fixes: ['Move session.commit() after the loop'] }],
    },
    {
      name: 'Rust: an UPDATE per id',
      language: 'rust',
      code: rustUpdate,
      host: rs,
      errors: [
        {
          message: ['UPDATE of tickets runs once per id of ids', 'UPDATE ... FROM UNNEST($1::type[], $2::type[])'],
          span: 'sqlx::query("UPDATE tickets SET seen = true WHERE id = $1").bind(id).execute(pool).await',
        },
      ],
    },
    {
      name: 'Rust: one transaction, committed per item',
      language: 'rust',
      code: rustCommitOutside,
      host: rs,
      errors: [
        { message: ['tx.commit().await runs once per doc of &docs'], span: 'tx.commit().await', fixes: [] },
        {
          message: ['UPDATE of documents runs once per doc of &docs'],
          span: 'sqlx::query("UPDATE documents SET body = $2 WHERE id = $1").bind(doc.id).bind(&doc.body).execute(&mut *tx).await',
        },
      ],
    },
  ],
});
