/**
 * unpaginated-query tells a request path from a batch path (issue 10, cause 6):
 * an endpoint is told to paginate (warning); a job that must see every row is
 * told to stream or walk keyset chunks, with no LIMIT fix (info); a method whose
 * caller is not visible gets both, at info. A LIMIT is never the preferred fix.
 */
import assert from 'node:assert/strict';
import { extractPython } from '../../../server/src/core/host/python/extract';
import { extractRust } from '../../../server/src/core/host/rust/extract';
import { unpaginatedQuery } from '../../../server/src/core/rules/unpaginated-query';
import { hostRuleTester, runHostRule } from './host-harness';

const py = (code: string) => extractPython(code, '/ws/app.py');
const rs = (code: string) => extractRust(code, '/ws/app.rs');

const models = `from sqlalchemy import Column, Integer, String, select


class Ticket(Base):
    __tablename__ = "tickets"
    id = Column(Integer, primary_key=True)
    board_id = Column(Integer)
    title = Column(String)

`;
const schema = 'CREATE TABLE tickets (id bigint PRIMARY KEY, board_id bigint, title text);';

const endpoint = `${models}
@router.get("/tickets")
async def list_tickets(q: str, session: AsyncSession = Depends(get_session)):
    result = await session.execute(select(Ticket).where(Ticket.title == q))
    return result.scalars().all()
`;

const boardEndpoint = `${models}
@router.get("/boards/{board_id}/tickets")
async def board_tickets(board_id: int, session: AsyncSession = Depends(get_session)):
    result = await session.execute(select(Ticket).where(Ticket.board_id == board_id))
    return result.scalars().all()
`;

const repository = `${models}
class TicketRepository:
    def by_board(self, board_id):
        return self.session.query(Ticket).filter(Ticket.board_id == board_id).all()
`;

hostRuleTester(unpaginatedQuery, 'request path and batch path', {
  valid: [
    {
      name: 'a job that streams every row with yield_per',
      code: `${models}\n@actor(actor_name="tickets.reindex")\ndef reindex(session):\n    for ticket in session.execute(select(Ticket).execution_options(yield_per=500)).scalars():\n        index(ticket)\n`,
      host: py,
    },
    {
      name: 'Rust: rows streamed with .fetch(..)',
      language: 'rust',
      schema,
      code: 'async fn export(pool: &PgPool) -> Result<()> {\n    let mut rows = sqlx::query("SELECT id, title FROM tickets").fetch(pool);\n    while let Some(row) = rows.try_next().await? { write(row)?; }\n    Ok(())\n}\n',
      host: rs,
    },
  ],
  invalid: [
    {
      name: "an endpoint in a staff tool (CTFd's admin/ listings): info, saying so, still with the LIMIT fix",
      path: 'app/admin/tickets.py',
      code: endpoint,
      host: py,
      errors: [
        {
          message: [
            'Query reads tickets without LIMIT in the request handler list_tickets (@router.get), so it returns every matching row. ' +
              'Each request pays for the whole table as it grows: paginate (.limit(...) plus a keyset: .where(T.id > last_id).order_by(T.id)) and return a cursor. ' +
              '(It runs in a staff tool (folder admin/): staff open it now and then, not users on every request, and a staff page often lists every row on purpose: ' +
              'this matters if the table grows large.)',
          ],
          span: 'session.execute(select(Ticket).where(Ticket.title == q))',
          fixes: ['Add .limit(100)'],
          tentative: true,
        },
      ],
      output: endpoint.replace('Ticket.title == q))', 'Ticket.title == q).limit(100))'),
    },
    {
      name: 'an endpoint that returns every ticket of a board: warning, paginate',
      code: endpoint,
      host: py,
      errors: [
        {
          message: [
            'Query reads tickets without LIMIT in the request handler list_tickets (@router.get), so it returns every matching row.',
            'paginate (.limit(...) plus a keyset: .where(T.id > last_id).order_by(T.id)) and return a cursor.',
          ],
          span: 'session.execute(select(Ticket).where(Ticket.title == q))',
          fixes: ['Add .limit(100)'],
        },
      ],
      output: endpoint.replace('Ticket.title == q))', 'Ticket.title == q).limit(100))'),
    },
    {
      name: "an endpoint that returns one board's tickets (a foreign key pinned): info, the rows of one parent",
      code: boardEndpoint,
      host: py,
      errors: [
        {
          message: ['in the request handler board_tickets (@router.get)', '(It reads the rows of one board_id, often a bounded set: this matters only if one board_id can have many.)'],
          span: 'session.execute(select(Ticket).where(Ticket.board_id == board_id))',
          fixes: ['Add .limit(100)'],
          tentative: true,
        },
      ],
      output: boardEndpoint.replace('Ticket.board_id == board_id))', 'Ticket.board_id == board_id).limit(100))'),
    },
    {
      name: 'a task that must see every ticket: info, stream or keyset chunks, no LIMIT fix',
      code: `${models}\n@actor(actor_name="tickets.close_stale")\nasync def close_stale(session):\n    tickets = (await session.execute(select(Ticket))).scalars().all()\n    for t in tickets:\n        close(t)\n`,
      host: py,
      errors: [
        {
          message: [
            'Query reads tickets without LIMIT in the job close_stale (@actor)',
            'A job that must see every row is right not to truncate it',
            '.execution_options(yield_per=1000)',
            'keyset chunks',
          ],
          span: '(await session.execute(select(Ticket))).scalars().all()',
          fixes: [],
          tentative: true,
        },
      ],
    },
    {
      name: 'a function named for a backfill: batch path',
      code: `${models}\ndef backfill_titles(session):\n    return session.query(Ticket).all()\n`,
      host: py,
      errors: [{ message: ['in backfill_titles, which by its name works over every row'], span: 'session.query(Ticket).all()', fixes: [], tentative: true }],
    },
    {
      name: 'a repository method (caller not visible): info with both advices',
      code: repository,
      host: py,
      errors: [
        {
          message: ['Whether the caller needs every row is not visible here', 'on a request path, paginate', 'in a job, stream them'],
          span: 'self.session.query(Ticket).filter(Ticket.board_id == board_id).all()',
          fixes: ['Add .limit(100)'],
          tentative: true,
        },
      ],
      output: repository.replace('board_id).all()', 'board_id).limit(100).all()'),
    },
    {
      name: 'Rust: an axum handler (Query extractor) returns every matching row: warning',
      language: 'rust',
      schema,
      code: 'async fn tickets(Query(q): Query<String>, State(pool): State<PgPool>) -> Result<Json<Vec<Ticket>>> {\n    let rows = sqlx::query_as("SELECT id, title FROM tickets WHERE title = $1").bind(q).fetch_all(&pool).await?;\n    Ok(Json(rows))\n}\n',
      host: rs,
      errors: [{ message: ['in the request handler tickets, so it returns every matching row', 'and return a cursor'], span: 'SELECT id, title FROM tickets', fixes: ['Add LIMIT 100'] }],
      output: 'async fn tickets(Query(q): Query<String>, State(pool): State<PgPool>) -> Result<Json<Vec<Ticket>>> {\n    let rows = sqlx::query_as("SELECT id, title FROM tickets WHERE title = $1 LIMIT 100").bind(q).fetch_all(&pool).await?;\n    Ok(Json(rows))\n}\n',
    },
    {
      name: 'Rust: a #[tokio::main] command: batch path',
      language: 'rust',
      schema,
      code: '#[tokio::main]\nasync fn main() -> Result<()> {\n    let pool = connect().await?;\n    let rows = sqlx::query("SELECT id FROM tickets").fetch_all(&pool).await?;\n    Ok(())\n}\n',
      host: rs,
      errors: [{ message: ['in the job main (@tokio::main)', 'stream the rows with .fetch(..) instead of fetch_all'], span: 'SELECT id FROM tickets', fixes: [], tentative: true }],
    },
  ],
});

describe('unpaginated-query: a LIMIT is never the preferred fix', () => {
  it('the endpoint\'s .limit(100) is offered, not preferred', () => {
    const { reports } = runHostRule(unpaginatedQuery, { code: endpoint, host: py });
    assert.deepEqual(reports.flatMap((r) => r.fixes ?? []).map((f) => [f.title, !!f.isPreferred]), [['Add .limit(100)', false]]);
  });
});
