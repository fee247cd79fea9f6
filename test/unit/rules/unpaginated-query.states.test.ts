/**
 * unpaginated-query on a read of the rows in a state work passes through
 * (issue 10): `status = 'running'` reads the jobs under way, as many as run at
 * once, so a request handler listing them is info and says why. A backlog
 * state (`queued`) can pile up and stays a warning, as does a state bound by
 * a parameter.
 */
import { extractRust } from '../../../server/src/core/host/rust/extract';
import { unpaginatedQuery } from '../../../server/src/core/rules/unpaginated-query';
import { hostRuleTester } from './host-harness';

const rs = (code: string) => extractRust(code, '/ws/app.rs');
const schema = 'CREATE TABLE jobs (id bigint PRIMARY KEY, runner text, job_state text, started_at timestamptz);';

const handler = (where: string) => `async fn jobs_handler(State(db): State<PgPool>, Query(q): Query<Params>) -> Result<Json<Vec<Job>>> {
    let rows = sqlx::query_as::<_, Job>("SELECT id, runner, started_at FROM jobs WHERE ${where} ORDER BY id").bind(q.state).fetch_all(&db).await?;
    Ok(Json(rows))
}
`;
const span = 'SELECT id, runner, started_at FROM jobs';
/** The LIMIT fix is offered (not preferred), as on any handler. */
const limited = (where: string) => handler(where).replace(' ORDER BY id"', ' ORDER BY id LIMIT 100"');

hostRuleTester(unpaginatedQuery, 'rows in a passing state', {
  valid: [],
  invalid: [
    {
      name: "job_state = 'running' in a handler: info, naming the state",
      language: 'rust',
      schema,
      code: handler("job_state = 'running'"),
      host: rs,
      output: limited("job_state = 'running'"),
      errors: [{ message: ['Query reads jobs without LIMIT in the request handler jobs_handler', "(It reads only the rows whose job_state is 'running', a state rows pass through while work on them runs"], span, tentative: true }],
    },
    {
      name: "job_state = 'queued' (a backlog): still a warning",
      language: 'rust',
      schema,
      code: handler("job_state = 'queued'"),
      host: rs,
      output: limited("job_state = 'queued'"),
      errors: [{ message: ['Query reads jobs without LIMIT in the request handler jobs_handler, so it returns every matching row. Each request pays for the whole table as it grows'], span }],
    },
    {
      name: 'a state bound by a parameter: still a warning',
      language: 'rust',
      schema,
      code: handler('job_state = $1'),
      host: rs,
      output: limited('job_state = $1'),
      errors: [{ message: ['Query reads jobs without LIMIT in the request handler jobs_handler, so it returns every matching row.'], span }],
    },
  ],
});
