import { extractPython } from '../../../server/src/core/host/python/extract';
import { leadingWildcardLike } from '../../../server/src/core/rules/leading-wildcard-like';
import { hostRuleTester } from './host-harness';

const models = `from sqlalchemy import Column, Integer, String, select


class Agent(Base):
    __tablename__ = "agents"
    id = Column(Integer, primary_key=True)
    name = Column(String)

`;
const python = (code: string) => extractPython(code, '/ws/app.py');

hostRuleTester(leadingWildcardLike, 'ORM code', {
  valid: [{ name: '.startswith() / a prefix pattern', code: `${models}\ndef f(db):\n    return db.execute(select(Agent).where(Agent.name.like("test%")))\n`, host: python }],
  invalid: [
    {
      name: 'seed: Agent.name.like("%test%")',
      code: `${models}\ndef f(db):\n    return db.execute(select(Agent).where(Agent.name.like("%test%")))\n`,
      host: python,
      errors: [
        {
          message: [`Agent.name.like("%test%") sends agents.name LIKE '%test%', which starts with a wildcard`, 'every call scans agents', 'trigram index'],
          span: 'Agent.name.like("%test%")',
          fixes: ['Add Index on agents(name) using gin to the Agent model (needs the pg_trgm extension)'],
        },
      ],
      // The index fix of a project without migrations: an Index(...) in the model's __table_args__ (engine's makeIndexFixes).
      output: models.replace('select\n', 'select\nfrom sqlalchemy import Index\n').replace(
        '    __tablename__ = "agents"\n',
        "    __tablename__ = \"agents\"\n    __table_args__ = (Index('idx_agents_name_trgm', 'name', postgresql_using='gin', postgresql_ops={'name': 'gin_trgm_ops'}),)\n",
      ) + '\ndef f(db):\n    return db.execute(select(Agent).where(Agent.name.like("%test%")))\n',
    },
    {
      name: 'SQLite: .contains() suggests full-text search or .startswith()',
      dialect: 'sqlite',
      code: `${models}\ndef f(session):\n    return session.query(Agent).filter(Agent.name.contains("bob")).all()\n`,
      host: (code) => extractPython(code, '/ws/app.py', { dialect: 'sqlite' }),
      errors: [{ message: [`Agent.name.contains("bob") sends agents.name LIKE '%bob%'`, 'FTS5', '(.startswith())'], span: 'Agent.name.contains("bob")', fixes: [] }],
    },
  ],
});
