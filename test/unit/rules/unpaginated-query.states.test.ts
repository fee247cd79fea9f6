/**
 * unpaginated-query on a read of the rows in a state work passes through
 * (issue 10): `status = 'running'` reads the jobs under way, as many as run at
 * once, so a request handler listing them is info and says why. A backlog
 * state (`queued`) can pile up and stays a warning, as does a state bound by
 * a parameter.
 */
import { extractPython } from '../../../server/src/core/host/python/extract';
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

const python = (code: string) => extractPython(code, '/ws/app.py');
const pluginModels = `from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, true


class Plugin(Base):
    __tablename__ = "plugins"
    id = Column(Integer, primary_key=True)
    slug = Column(String, unique=True)
    kind = Column(String)


class PluginInstance(Base):
    __tablename__ = "plugin_instances"
    id = Column(Integer, primary_key=True)
    plugin_id = Column(Integer, ForeignKey("plugins.id"))
    enabled = Column(Boolean)

`;
const instancesOf = (filter: string) => `${pluginModels}
@router.get("/hooks")
def hooks(session):
    return session.query(PluginInstance).join(Plugin).filter(PluginInstance.enabled == true(), ${filter}).all()
`;
const chain = (filter: string) => `session.query(PluginInstance).join(Plugin).filter(PluginInstance.enabled == true(), ${filter}).all()`;
const limitedChain = (filter: string) => instancesOf(filter).replace('.all()\n', '.limit(100).all()\n');

hostRuleTester(unpaginatedQuery, 'rows of one parent pinned through a join', {
  valid: [],
  invalid: [
    {
      name: 'joined to one plugin by its unique slug: info, the rows of one plugins row',
      code: instancesOf('Plugin.slug == "chat"'),
      host: python,
      errors: [{ message: ['Query reads plugin_instances, plugins without LIMIT in the request handler hooks (@router.get)', '(It reads the rows of one plugins, often a bounded set'], span: chain('Plugin.slug == "chat"'), tentative: true }],
      output: limitedChain('Plugin.slug == "chat"'),
    },
    {
      name: 'joined to the plugins of a kind (not a key): still a warning',
      code: instancesOf('Plugin.kind == "chat"'),
      host: python,
      errors: [{ message: ['Query reads plugin_instances, plugins without LIMIT in the request handler hooks (@router.get), so it returns every matching row. Each request pays'], span: chain('Plugin.kind == "chat"') }],
      output: limitedChain('Plugin.kind == "chat"'),
    },
  ],
});

// A read pinned to a list it is given (`= ANY($1)`, issue 15): as many rows as the list holds, when the column is a key.
const listSchema = schema.replace('started_at timestamptz);', 'started_at timestamptz, email text);') + ' CREATE INDEX jobs_email ON jobs (email); CREATE INDEX jobs_state ON jobs (job_state);';

hostRuleTester(unpaginatedQuery, 'rows pinned to a given list', {
  valid: [],
  invalid: [
    {
      name: 'email = ANY($1), email indexed: info, bounded by the list',
      language: 'rust',
      schema: listSchema,
      code: handler('email = ANY($1)'),
      host: rs,
      output: limited('email = ANY($1)'),
      errors: [
        {
          message: [
            'Query reads jobs without LIMIT in the request handler jobs_handler',
            '(It reads only the rows whose email is in the list it is given: as many as the list holds (times the rows per email), not the whole table. This matters only if the list can be long.)',
          ],
          span,
          tentative: true,
        },
      ],
    },
    {
      name: 'runner = ANY($1), no index on runner: still a warning',
      language: 'rust',
      schema: listSchema,
      code: handler('runner = ANY($1)'),
      host: rs,
      output: limited('runner = ANY($1)'),
      errors: [{ message: ['Query reads jobs without LIMIT in the request handler jobs_handler, so it returns every matching row. Each request pays for the whole table as it grows'], span }],
    },
    {
      name: 'job_state = ANY($1), indexed but a column of few values: still a warning',
      language: 'rust',
      schema: listSchema,
      code: handler('job_state = ANY($1)'),
      host: rs,
      output: limited('job_state = ANY($1)'),
      errors: [{ message: ['Query reads jobs without LIMIT in the request handler jobs_handler, so it returns every matching row. Each request pays for the whole table as it grows'], span }],
    },
  ],
});
