/**
 * commit-in-loop on loops whose code fixes how often they run (issue 10):
 * `range(3)`, a literal list, a Rust array of enum values. The cost there does
 * not grow with the data, so the finding is info and says why; a loop over a
 * list of unknown size stays a warning.
 */
import { extractPython } from '../../../server/src/core/host/python/extract';
import { extractRust } from '../../../server/src/core/host/rust/extract';
import { commitInLoop } from '../../../server/src/core/rules/commit-in-loop';
import { hostRuleTester } from './host-harness';

const py = (code: string) => extractPython(code, '/ws/app.py');
const rs = (code: string) => extractRust(code, '/ws/app.rs');

const retries = `def warm(session):
    for attempt in range(3):
        session.execute(text("SELECT 1"))
        session.commit()
`;

const seedKinds = `def seed(session):
    for label in ["red", "green", "blue"]:
        session.execute(text("INSERT INTO colours (label) VALUES (:label)"), {"label": label})
`;

const rustArray = `async fn tag_formats(pool: &PgPool, release: i32) -> sqlx::Result<()> {
    for format in [Format::Gzip, Format::Zstd] {
        sqlx::query("INSERT INTO release_formats (release, format) VALUES ($1, $2)").bind(release).bind(format).execute(pool).await?;
    }
    Ok(())
}
`;

const unknownSize = `def seed(session, labels):
    for label in labels:
        session.execute(text("INSERT INTO colours (label) VALUES (:label)"), {"label": label})
`;

hostRuleTester(commitInLoop, 'loops of a fixed size', {
  valid: [],
  invalid: [
    {
      name: 'a commit in range(3): info, the loop runs a fixed 3 times',
      code: retries,
      host: py,
      errors: [{ message: ['session.commit() runs once per attempt of range(3)', '(The loop runs a fixed 3 times, as its code says: the cost does not grow with the data.)'], span: 'session.commit()', tentative: true }],
      output: retries.replace('        session.commit()\n', '').replace('"))\n', '"))\n    session.commit()\n'),
    },
    {
      name: 'an INSERT per item of a literal list: info',
      code: seedKinds,
      host: py,
      errors: [{ message: ['INSERT runs once per label of ["red", "green", "blue"]', '(The loop runs a fixed 3 times'], span: 'session.execute(text("INSERT INTO colours (label) VALUES (:label)"), {"label": label})', tentative: true }],
    },
    {
      name: 'a Rust INSERT per value of an array of two enum values: info',
      code: rustArray,
      host: rs,
      errors: [{ message: ['INSERT runs once per format of [Format::Gzip, Format::Zstd]', '(The loop runs a fixed 2 times'], span: 'sqlx::query("INSERT INTO release_formats (release, format) VALUES ($1, $2)").bind(release).bind(format).execute(pool).await', tentative: true }],
    },
    {
      name: 'a list of unknown size: still a warning',
      code: unknownSize,
      host: py,
      errors: [{ message: ['INSERT runs once per label of labels: one round trip (and statement) per row.'], span: 'session.execute(text("INSERT INTO colours (label) VALUES (:label)"), {"label": label})' }],
    },
  ],
});

const backfill = `async fn backfill(pool: &PgPool, rows: Vec<Row>) -> Result<()> {
    for row in &rows {
        if let Some(owner) = lookup_owner(&row.url).await? {
            sqlx::query("UPDATE packages SET owner_id = $1 WHERE id = $2").bind(owner).bind(row.id).execute(pool).await?;
        }
    }
    Ok(())
}
`;

const pyNotify = `async def notify_all(session, client, users):
    for user in users:
        await client.post("/notify", json={"id": user.id})
        await session.execute(text("UPDATE users SET notified = true WHERE id = :id"), {"id": user.id})
`;

hostRuleTester(commitInLoop, 'loops that await other work per item', {
  valid: [],
  invalid: [
    {
      name: 'Rust: each iteration also awaits another call: info, batching the UPDATE saves only a share',
      code: backfill,
      host: rs,
      errors: [
        {
          message: ['UPDATE of packages runs once per row of &rows', '(Each iteration also awaits lookup_owner(&row.url), another round trip at least: batching this statement alone saves only a share of the loop\'s time.)'],
          span: 'sqlx::query("UPDATE packages SET owner_id = $1 WHERE id = $2").bind(owner).bind(row.id).execute(pool).await',
          tentative: true,
        },
      ],
    },
    {
      name: 'Python: an awaited HTTP call per user beside the UPDATE: info',
      code: pyNotify,
      host: py,
      errors: [
        {
          message: ['UPDATE of users runs once per user of users', '(Each iteration also awaits client.post("/notify", json={"id": user.id})'],
          span: 'session.execute(text("UPDATE users SET notified = true WHERE id = :id"), {"id": user.id})',
          tentative: true,
        },
      ],
    },
  ],
});
