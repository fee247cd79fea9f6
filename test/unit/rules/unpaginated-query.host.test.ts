import { extractPython } from '../../../server/src/core/host/python/extract';
import { extractRust } from '../../../server/src/core/host/rust/extract';
import { unpaginatedQuery } from '../../../server/src/core/rules/unpaginated-query';
import { AGENT_SCHEMA } from './fixtures';
import { hostRuleTester } from './host-harness';

const python = (code: string) => extractPython(code, '/ws/app.py');
const rust = (code: string) => extractRust(code, '/ws/app.rs');

const models = `from sqlalchemy import Column, Integer, String, select, text


class Agent(Base):
    __tablename__ = "agents"
    id = Column(Integer, primary_key=True)
    tenant_id = Column(Integer)
    name = Column(String)

`;

hostRuleTester(unpaginatedQuery, 'host code', {
  valid: [
    { name: '.first() fetches one row', code: `${models}\ndef f(session, t):\n    return session.query(Agent).filter(Agent.tenant_id == t).first()\n`, host: python },
    { name: 'lookup by primary key', code: `${models}\ndef f(session, i):\n    return session.query(Agent).filter(Agent.id == i).all()\n`, host: python },
    { name: '.limit() already there', code: `${models}\ndef f(session, t):\n    return session.query(Agent).filter(Agent.tenant_id == t).limit(20).all()\n`, host: python },
    {
      name: 'sqlx fetch_one / fetch_optional',
      language: 'rust',
      schema: AGENT_SCHEMA,
      code: 'async fn f(pool: &PgPool, p: &str) -> Result<()> {\n    let w = sqlx::query!("SELECT worker_id FROM workers WHERE planner_id = $1", p).fetch_optional(pool).await?;\n    Ok(())\n}\n',
      host: rust,
    },
  ],
  invalid: [
    {
      name: 'ORM 1.x .all(): .limit(100) before the terminal',
      code: `${models}\ndef f(session, t):\n    return session.query(Agent).filter(Agent.tenant_id == t).all()\n`,
      host: python,
      errors: [{ message: ['Query reads agents without LIMIT', 'not visible here', 'paginate (.limit(...) plus a keyset'], span: 'session.query(Agent).filter(Agent.tenant_id == t).all()', fixes: ['Add .limit(100)'], tentative: true }],
      output: `${models}\ndef f(session, t):\n    return session.query(Agent).filter(Agent.tenant_id == t).limit(100).all()\n`,
    },
    {
      name: 'seed: 2.0 execute(select(...).where(...)): .limit(100) on the select',
      code: `${models}\nasync def f(db, tenant_id):\n    agents = await db.execute(\n        select(Agent).where(Agent.tenant_id == tenant_id)\n    )\n    return agents\n`,
      host: python,
      errors: [{ message: ['Query reads agents without LIMIT'], span: 'db.execute(\n        select(Agent).where(Agent.tenant_id == tenant_id)\n    )', fixes: ['Add .limit(100)'], tentative: true }],
      output: `${models}\nasync def f(db, tenant_id):\n    agents = await db.execute(\n        select(Agent).where(Agent.tenant_id == tenant_id).limit(100)\n    )\n    return agents\n`,
    },
    {
      name: 'text(): LIMIT inside the quotes',
      code: `${models}\ndef f(session, t):\n    return session.execute(text("SELECT id FROM agents WHERE tenant_id = :t"), {"t": t}).all()\n`,
      host: python,
      errors: [{ message: ['paginate (LIMIT plus a keyset'], span: 'SELECT id FROM agents', fixes: ['Add LIMIT 100'], tentative: true }],
      output: `${models}\ndef f(session, t):\n    return session.execute(text("SELECT id FROM agents WHERE tenant_id = :t LIMIT 100"), {"t": t}).all()\n`,
    },
    {
      name: 'sqlx raw string with a trailing newline: LIMIT before the closing quote',
      language: 'rust',
      schema: AGENT_SCHEMA,
      code: 'async fn f(pool: &PgPool) -> Result<()> {\n    let w = sqlx::query(r#"\n        SELECT worker_id FROM workers WHERE task_status = \'pending\'\n    "#).fetch_all(pool).await?;\n    Ok(())\n}\n',
      host: rust,
      errors: [{ message: ['Query reads workers without LIMIT'], span: 'SELECT worker_id FROM workers', fixes: ['Add LIMIT 100'], tentative: true }],
      output: 'async fn f(pool: &PgPool) -> Result<()> {\n    let w = sqlx::query(r#"\n        SELECT worker_id FROM workers WHERE task_status = \'pending\' LIMIT 100\n    "#).fetch_all(pool).await?;\n    Ok(())\n}\n',
    },
  ],
});
