import { extractPython } from '../../../server/src/core/host/python/extract';
import { extractRust } from '../../../server/src/core/host/rust/extract';
import { nPlusOne } from '../../../server/src/core/rules/n-plus-one';
import { AGENT_SCHEMA } from './fixtures';
import { at, between, embedded, extraction, hostRuleTester, loop, ormModel, query } from './host-harness';

// The seed's N+1: agents, then the conversations of each agent (SQLAlchemy 2.0, async).
const seedOrm = `from sqlalchemy import select

async def conversations(db):
    agents = await db.execute(select(Agent))
    for agent in agents:
        conversations = await db.execute(
            select(Conversation).where(Conversation.agent_id == agent.id)
        )
`;
const seedOrmHost = (code: string) =>
  extraction({
    queries: [
      query({ kind: 'orm', span: at(code, 'db.execute(select(Agent))'), terminal: 'execute', entity: 'Agent', assignedTo: 'agents', model: ormModel(code, 'agents') }),
      query({
        kind: 'orm',
        span: between(code, 'db.execute(\n            select(Conversation)', ')\n        )'),
        terminal: 'execute',
        entity: 'Conversation',
        parameterRoots: ['agent'],
        loops: [loop(code, 'for agent in agents:', ')\n        )', { iterableQuery: 0 })],
        model: ormModel(code, 'conversations', [{ text: 'Conversation.agent_id == agent.id', columnText: 'Conversation.agent_id', column: 'agent_id' }]),
      }),
    ],
  });

/** The seed's code with the batched select inserted above its loop. */
const withSeedOrmFix = (code: string) =>
  code.replace(
    '    for agent in agents:\n',
    '    # QueryLens n-plus-one: one query for every agent; use these rows in the loop instead of its query.\n' +
      '    agents = list(agents)\n' +
      '    agent_ids = [agent.id for agent in agents]\n' +
      '    all_conversations = (await db.execute(select(Conversation).where(Conversation.agent_id.in_(agent_ids)))).scalars().all()\n' +
      '    for agent in agents:\n',
  );

// Raw SQL through text(), one query per row of an earlier list.
const rawSql = `import os
from sqlalchemy import text

def messages(session):
    agents = session.execute(text("SELECT planner_id FROM planners")).all()
    for agent in agents:
        rows = session.execute(text("SELECT body FROM planner_messages WHERE agent_id = :agent_id"), {"agent_id": agent.planner_id}).all()
        print(rows)
`;
const rawSqlHost = (dialect: 'postgres' | 'sqlite') => (code: string) =>
  extraction({
    queries: [
      query({ kind: 'sql', span: at(code, 'session.execute(text("SELECT planner_id FROM planners")).all()'), sql: embedded(code, '"SELECT planner_id FROM planners"', dialect) }),
      query({
        kind: 'sql',
        span: between(code, 'session.execute(text("SELECT body', '.all()'),
        sql: embedded(code, '"SELECT body FROM planner_messages WHERE agent_id = :agent_id"', dialect, dialect === 'postgres' ? { ':agent_id': '$1' } : {}),
        parameterRoots: ['agent'],
        loops: [loop(code, 'for agent in agents:', 'print(rows)', { iterableQuery: 0 })],
      }),
    ],
  });

// The lazy relationship read per row.
const lazy = (options = '') => `from sqlalchemy.orm import Session

def report(session):
    agents = session.query(Agent).filter(Agent.tenant_id == 1)${options}.all()
    for agent in agents:
        print(len(agent.conversations), agent.conversations)
`;
const lazyHost = (lazyMode: string, eagerLoads: string[] = []) => (code: string) =>
  extraction({
    queries: [
      query({
        kind: 'orm',
        span: between(code, 'session.query(Agent)', '.all()'),
        entity: 'Agent',
        eagerLoads,
        beforeTerminal: at(code, '.all()').start,
        model: ormModel(code, 'agents', [{ text: 'Agent.tenant_id == 1', columnText: 'Agent.tenant_id', column: 'tenant_id', valueKind: 'literal' }]),
      }),
    ],
    accesses: [0, 1].map((nth) => ({
      object: 'agent',
      attribute: 'conversations',
      span: at(code, 'agent.conversations', nth),
      loops: [loop(code, 'for agent in agents:', 'agent.conversations)', { iterableQuery: 0 })],
    })),
    models: [
      {
        className: 'Agent',
        table: 'agents',
        span: { start: 0, end: 0 },
        changes: [],
        relationships: [{ attribute: 'conversations', target: 'Conversation', lazy: lazyMode, span: { start: 0, end: 0 } }],
      },
    ],
  });

const rustSeed = `use sqlx::PgPool;

async fn memories_per_agent(pool: &PgPool, org: Uuid) -> Result<()> {
    let agents = sqlx::query_as!(Agent, "SELECT id, name FROM agents WHERE organization_id = $1", org)
        .fetch_all(pool)
        .await?;
    for agent in &agents {
        let memories = sqlx::query!("SELECT * FROM memories WHERE agent_id = $1", agent.id)
            .fetch_all(pool)
            .await?;
    }
    Ok(())
}
`;
const rust = (code: string) => extractRust(code, '/ws/app.rs');

const tokioLoop = `async fn f(client: &Client) -> Result<()> {
    let rows = client.query("SELECT id FROM agents", &[]).await?;
    let stmt = client.prepare("SELECT body FROM messages WHERE agent_id = $1").await?;
    for row in &rows {
        let msgs = client.query(&stmt, &[&row.get::<_, i64>(0)]).await?;
    }
    Ok(())
}
`;

hostRuleTester(nPlusOne, 'hand-built extractions', {
  valid: [
    {
      name: 'a query in a loop over a parameter list, not over query rows',
      code: 'def f(session, ids):\n    for i in ids:\n        session.execute(text("SELECT 1 FROM planners WHERE planner_id = $1"), {"p": i})\n',
      host: (code) =>
        extraction({
          queries: [query({ kind: 'sql', span: between(code, 'session.execute', '{"p": i})'), sql: embedded(code, '"SELECT 1 FROM planners WHERE planner_id = $1"'), parameterRoots: ['i'], loops: [loop(code, 'for i in ids:', '{"p": i})')] })],
        }),
    },
    {
      name: 'a query in a loop over rows whose parameters do not come from the loop',
      code: seedOrm,
      host: (code) => {
        const h = seedOrmHost(code);
        h.queries[1].parameterRoots = ['tenant_id'];
        return h;
      },
    },
    { name: 'relationship already loaded with selectinload', code: lazy('.options(selectinload(Agent.conversations))'), host: lazyHost('select', ['Agent.conversations']) },
    { name: 'relationship eager by its lazy= setting', code: lazy(), host: lazyHost('selectin') },
    { name: 'relationship lazy="raise"', code: lazy(), host: lazyHost('raise') },
    { name: 'not host code: no extraction, no report', code: 'SELECT 1', host: () => extraction({}) },
  ],
  invalid: [
    {
      name: 'seed: select(Conversation) per agent (async ORM), batched select with in_()',
      code: seedOrm,
      host: seedOrmHost,
      errors: [
        {
          message: ['Query on conversations runs once per agent of the query on line 4', 'N+1 round trips', 'Conversation.agent_id.in_(keys)'],
          span: 'db.execute(\n            select(Conversation).where(Conversation.agent_id == agent.id)\n        )',
          fixes: ['Insert one query for all agent rows above the loop (review, then use its rows)'],
        },
      ],
      output: withSeedOrmFix(seedOrm),
    },
    {
      name: "in a populate script (CTFd's populate.py: development data): info, saying so",
      path: 'populate.py',
      code: seedOrm,
      host: seedOrmHost,
      errors: [
        {
          message: [
            'Query on conversations runs once per agent of the query on line 4',
            ' (It runs in a script run by hand (populate.py), which no request waits for: worth batching only if the loop is long.)',
          ],
          span: 'db.execute(\n            select(Conversation).where(Conversation.agent_id == agent.id)\n        )',
          fixes: ['Insert one query for all agent rows above the loop (review, then use its rows)'],
          tentative: true,
        },
      ],
      output: withSeedOrmFix(seedOrm),
    },
    {
      name: 'raw SQL on PostgreSQL: = ANY(:keys) over the collected keys',
      schema: AGENT_SCHEMA,
      code: rawSql,
      host: rawSqlHost('postgres'),
      errors: [{ message: ['Query on planner_messages runs once per agent of the query on line 5', 'WHERE agent_id = ANY(:keys)'], span: 'session.execute(text("SELECT body FROM planner_messages WHERE agent_id = :agent_id"), {"agent_id": agent.planner_id}).all()' }],
      output: rawSql.replace(
        '    for agent in agents:\n',
        '    # QueryLens n-plus-one: one query for every agent; use these rows in the loop instead of its query.\n' +
          '    planner_ids = [agent.planner_id for agent in agents]\n' +
          '    all_planner_messages = session.execute(text("SELECT body FROM planner_messages WHERE agent_id = ANY(:planner_ids)"), {"planner_ids": planner_ids}).all()\n' +
          '    for agent in agents:\n',
      ),
    },
    {
      name: 'raw SQL on SQLite: IN with an expanding bind parameter, bindparam imported',
      dialect: 'sqlite',
      code: rawSql,
      host: rawSqlHost('sqlite'),
      errors: [{ message: ['WHERE agent_id IN (...)'], span: 'session.execute(text("SELECT body FROM planner_messages WHERE agent_id = :agent_id"), {"agent_id": agent.planner_id}).all()' }],
      output: rawSql
        .replace('from sqlalchemy import text\n', 'from sqlalchemy import text\nfrom sqlalchemy import bindparam\n')
        .replace(
          '    for agent in agents:\n',
          '    # QueryLens n-plus-one: one query for every agent; use these rows in the loop instead of its query.\n' +
            '    planner_ids = [agent.planner_id for agent in agents]\n' +
            '    all_planner_messages = session.execute(text("SELECT body FROM planner_messages WHERE agent_id IN :planner_ids").bindparams(bindparam("planner_ids", expanding=True)), {"planner_ids": planner_ids}).all()\n' +
            '    for agent in agents:\n',
        ),
    },
    {
      name: 'lazy relationship per row: selectinload on the outer query, import added, one report per relationship',
      code: lazy(),
      host: lazyHost('select'),
      errors: [
        {
          message: ['agent.conversations lazy-loads Agent.conversations once per agent of the query on line 4', 'N+1 queries', '.options(selectinload(Agent.conversations))'],
          span: 'agent.conversations',
          fixes: ['Load Agent.conversations with the query (selectinload)'],
          explanation: ['lazy=`select`'],
        },
      ],
      output: lazy('.options(selectinload(Agent.conversations))').replace(
        'from sqlalchemy.orm import Session\n',
        'from sqlalchemy.orm import Session\nfrom sqlalchemy.orm import selectinload\n',
      ),
    },
  ],
});

// A per-row lookup in the table the loop walks: a duplicate check against rows the loop updates.
const selfLookup = `from sqlalchemy import text

def assign(session):
    grants = session.execute(text("SELECT worker_id, planner_id FROM workers WHERE task_status = 'new'")).all()
    for grant in grants:
        taken = session.execute(text("SELECT worker_id FROM workers WHERE planner_id = :planner_id"), {"planner_id": grant.planner_id}).first()
        print(taken)
`;
const selfLookupHost = (code: string) =>
  extraction({
    queries: [
      query({ kind: 'sql', span: at(code, `session.execute(text("SELECT worker_id, planner_id FROM workers WHERE task_status = 'new'")).all()`), sql: embedded(code, `"SELECT worker_id, planner_id FROM workers WHERE task_status = 'new'"`, 'postgres') }),
      query({
        kind: 'sql',
        span: between(code, 'session.execute(text("SELECT worker_id FROM workers WHERE planner_id', '.first()'),
        sql: embedded(code, '"SELECT worker_id FROM workers WHERE planner_id = :planner_id"', 'postgres', { ':planner_id': '$1' }),
        terminal: 'first',
        parameterRoots: ['grant'],
        loops: [loop(code, 'for grant in grants:', 'print(taken)', { iterableQuery: 0 })],
      }),
    ],
  });

hostRuleTester(nPlusOne, 'a per-row lookup in the table the loop walks', {
  valid: [],
  invalid: [
    {
      name: 'info with the reason, and no batched rewrite (it could miss rows the loop changes)',
      schema: AGENT_SCHEMA,
      code: selfLookup,
      host: selfLookupHost,
      errors: [
        {
          message: ['Query on workers runs once per grant of the query on line 4', 'It reads workers, the table the loop walks', 'no automatic rewrite'],
          span: 'session.execute(text("SELECT worker_id FROM workers WHERE planner_id = :planner_id"), {"planner_id": grant.planner_id}).first()',
          fixes: [],
          tentative: true,
        },
      ],
    },
  ],
});

// The many-to-one read per row: conversation.agent, where conversations holds the foreign key to agents.
const manyToOne = `from sqlalchemy.orm import Session

def report(session):
    conversations = session.query(Conversation).filter(Conversation.user_id == 1).all()
    for conversation in conversations:
        print(conversation.agent.name)
`;
const manyToOneHost = (code: string) =>
  extraction({
    queries: [
      query({
        kind: 'orm',
        span: between(code, 'session.query(Conversation)', '.all()'),
        entity: 'Conversation',
        beforeTerminal: at(code, '.all()').start,
        model: ormModel(code, 'conversations', [{ text: 'Conversation.user_id == 1', columnText: 'Conversation.user_id', column: 'user_id', valueKind: 'literal' }]),
      }),
    ],
    accesses: [{ object: 'conversation', attribute: 'agent', span: at(code, 'conversation.agent'), loops: [loop(code, 'for conversation in conversations:', 'agent.name)', { iterableQuery: 0 })] }],
    models: [
      { className: 'Conversation', table: 'conversations', span: { start: 0, end: 0 }, changes: [], relationships: [{ attribute: 'agent', target: 'Agent', lazy: 'select', span: { start: 0, end: 0 } }] },
      { className: 'Agent', table: 'agents', span: { start: 0, end: 0 }, changes: [], relationships: [] },
    ],
  });

hostRuleTester(nPlusOne, 'many-to-one lazy loads', {
  valid: [],
  // The collection direction (agent.conversations) stays a sure N+1: the Python extractor cases above.
  invalid: [
    {
      name: 'a many-to-one per row is one query per distinct parent (identity map): info, with selectinload still offered',
      code: manyToOne,
      schema: 'CREATE TABLE agents (id bigint PRIMARY KEY, name text NOT NULL);\nCREATE TABLE conversations (id bigint PRIMARY KEY, user_id bigint NOT NULL, agent_id bigint NOT NULL REFERENCES agents (id));\n',
      host: manyToOneHost,
      errors: [
        {
          message: ['conversation.agent lazy-loads Conversation.agent (many-to-one) on each conversation of the query on line 4', 'one query per distinct Agent, up to one per row'],
          span: 'conversation.agent',
          fixes: ['Load Conversation.agent with the query (selectinload)'],
          tentative: true,
        },
      ],
      output: manyToOne
        .replace('from sqlalchemy.orm import Session\n', 'from sqlalchemy.orm import Session\nfrom sqlalchemy.orm import selectinload\n')
        .replace('.all()', '.options(selectinload(Conversation.agent)).all()'),
    },
  ],
});

hostRuleTester(nPlusOne, 'Rust extractor', {
  valid: [
    {
      name: 'one query with = ANY($1) before the loop',
      language: 'rust',
      code: `async fn f(pool: &PgPool, ids: Vec<Uuid>) -> Result<()> {
    let memories = sqlx::query!("SELECT * FROM memories WHERE agent_id = ANY($1)", &ids[..]).fetch_all(pool).await?;
    for m in &memories {
        println!("{}", m.id);
    }
    Ok(())
}
`,
      host: rust,
    },
  ],
  invalid: [
    {
      name: 'tokio-postgres: a prepared statement executed per row (reported, no automatic fix)',
      language: 'rust',
      code: tokioLoop,
      host: rust,
      errors: [{ message: ['Query on messages runs once per row of the query on line 2', 'WHERE agent_id = ANY($1)'], span: 'client.query(&stmt, &[&row.get::<_, i64>(0)]).await', fixes: [] }],
    },
    {
      name: 'seed: query! per agent of query_as!(...).fetch_all',
      language: 'rust',
      code: rustSeed,
      host: rust,
      errors: [
        {
          message: ['Query on memories runs once per agent of the query on line 4', 'WHERE agent_id = ANY($1)'],
          span: 'sqlx::query!("SELECT * FROM memories WHERE agent_id = $1", agent.id)\n            .fetch_all(pool)\n            .await',
        },
      ],
      output: rustSeed.replace(
        '    for agent in &agents {\n',
        '    // QueryLens n-plus-one: one query for every agent; use these rows in the loop instead of its query.\n' +
          '    let agent_ids: Vec<_> = agents.iter().map(|agent| agent.id.clone()).collect();\n' +
          '    let all_memories = sqlx::query!("SELECT * FROM memories WHERE agent_id = ANY($1)", &agent_ids[..]).fetch_all(pool).await?;\n' +
          '    for agent in &agents {\n',
      ),
    },
  ],
});

const python = (code: string) => extractPython(code, '/ws/app.py');

const pyModels = `from sqlalchemy import Column, ForeignKey, Integer, String, select, text
from sqlalchemy.orm import relationship


class Agent(Base):
    __tablename__ = "agents"
    id = Column(Integer, primary_key=True)
    tenant_id = Column(Integer)
    conversations = relationship("Conversation")


class Conversation(Base):
    __tablename__ = "conversations"
    id = Column(Integer, primary_key=True)
    agent_id = Column(Integer, ForeignKey("agents.id"))
`;

const pySeed = `${pyModels}

async def conversations(db):
    agents = await db.execute(select(Agent))
    for agent in agents:
        conversations = await db.execute(
            select(Conversation).where(Conversation.agent_id == agent.id)
        )
`;

const pyLazy = (options = '') => `${pyModels}

def report(session, tenant_id):
    agents = session.query(Agent).filter(Agent.tenant_id == tenant_id)${options}.all()
    for agent in agents:
        print(agent.conversations)
`;

const pyRaw = `${pyModels}

def messages(session):
    agents = session.execute(text("SELECT id FROM agents")).all()
    for agent in agents:
        rows = session.execute(
            text("SELECT id FROM conversations WHERE agent_id = :agent_id"), {"agent_id": agent.id}
        ).all()
`;

hostRuleTester(nPlusOne, 'Python extractor', {
  valid: [
    { name: 'selectinload already there', code: pyLazy('.options(selectinload(Agent.conversations))'), host: python },
    {
      name: 'one query with in_() before the loop',
      code: `${pyModels}\n\ndef f(session, ids):\n    rows = session.execute(select(Conversation).where(Conversation.agent_id.in_(ids))).scalars().all()\n    for row in rows:\n        print(row.id)\n`,
      host: python,
    },
    {
      name: "a search that stops at its first match (bunkerweb: the setting of the first service whose prefix matches, then break): once per loop",
      code: `${pyModels}\n\ndef f(session, name):\n    for agent in session.query(Agent).all():\n        if name.startswith(agent.name):\n            found = session.query(Conversation).filter_by(agent_id=agent.id).first()\n            break\n    return found\n`,
      host: python,
    },
  ],
  invalid: [
    {
      name: 'a break only under an if of its own after the query: still a query per row',
      code: `${pyModels}\n\ndef f(session, name):\n    for agent in session.query(Agent).all():\n        found = session.query(Conversation).filter_by(agent_id=agent.id).first()\n        if found:\n            break\n`,
      host: python,
      errors: [{ message: ['Query on conversations runs once per agent of the query on line'], span: 'session.query(Conversation).filter_by(agent_id=agent.id).first()' }],
    },
    {
      name: 'seed: select(Conversation) per agent',
      code: pySeed,
      host: python,
      errors: [{ message: ['Query on conversations runs once per agent of the query on line 19'], span: 'db.execute(\n            select(Conversation).where(Conversation.agent_id == agent.id)\n        )' }],
      output: withSeedOrmFix(pySeed),
    },
    {
      name: 'lazy relationship read per row of session.query(...).all()',
      code: pyLazy(),
      host: python,
      errors: [{ message: ['agent.conversations lazy-loads Agent.conversations once per agent of the query on line 19'], span: 'agent.conversations' }],
      output: pyLazy('.options(selectinload(Agent.conversations))').replace(
        'from sqlalchemy.orm import relationship\n',
        'from sqlalchemy.orm import relationship\nfrom sqlalchemy.orm import selectinload\n',
      ),
    },
    {
      name: 'text() per row: ANY(:keys), the literal kept as written',
      code: pyRaw,
      host: python,
      errors: [{ message: ['Query on conversations runs once per agent of the query on line 19', 'ANY(:keys)'], span: 'session.execute(\n            text("SELECT id FROM conversations WHERE agent_id = :agent_id"), {"agent_id": agent.id}\n        ).all()' }],
      output: pyRaw.replace(
        '    for agent in agents:\n',
        '    # QueryLens n-plus-one: one query for every agent; use these rows in the loop instead of its query.\n' +
          '    agent_ids = [agent.id for agent in agents]\n' +
          '    all_conversations = session.execute(\n            text("SELECT id FROM conversations WHERE agent_id = ANY(:agent_ids)"), {"agent_ids": agent_ids}).all()\n' +
          '    for agent in agents:\n',
      ),
    },
  ],
});
