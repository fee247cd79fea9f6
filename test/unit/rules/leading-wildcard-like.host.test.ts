import { extractPython } from '../../../server/src/core/host/python/extract';
import { extractRust } from '../../../server/src/core/host/rust/extract';
import { leadingWildcardLike } from '../../../server/src/core/rules/leading-wildcard-like';
import { hostRuleTester } from './host-harness';

const models = `from sqlalchemy import Column, Integer, String, select


class Agent(Base):
    __tablename__ = "agents"
    id = Column(Integer, primary_key=True)
    name = Column(String)

`;
const python = (code: string) => extractPython(code, '/ws/app.py');
/** The models with the trigram index fix applied, then `code`. */
const withTrigramIndex = (code: string) =>
  models.replace('select\n', 'select\nfrom sqlalchemy import Index\n').replace(
    '    __tablename__ = "agents"\n',
    "    __tablename__ = \"agents\"\n    __table_args__ = (Index('idx_agents_name_trgm', 'name', postgresql_using='gin', postgresql_ops={'name': 'gin_trgm_ops'}),)\n",
  ) + code;

hostRuleTester(leadingWildcardLike, 'ORM code', {
  valid: [
    { name: '.startswith() / a prefix pattern', code: `${models}\ndef f(db):\n    return db.execute(select(Agent).where(Agent.name.like("test%")))\n`, host: python },
    { name: 'an f-string prefix search', code: `${models}\ndef f(db, q):\n    return db.execute(select(Agent).where(Agent.name.ilike(f"{q}%")))\n`, host: python },
    { name: 'a concatenated prefix search', code: `${models}\ndef f(db, q):\n    return db.execute(select(Agent).where(Agent.name.like(q + "%")))\n`, host: python },
    {
      name: 'a pattern the caller passes (nothing of it is known here)',
      code: `${models}\ndef f(db, term):\n    return db.execute(select(Agent).where(Agent.name.ilike(term)))\n`,
      host: python,
    },
    {
      name: 'raw SQL: the LIKE parameter takes a prefix; the wildcard value goes to another name',
      code: `${models}\ndef f(session, q):\n    return session.execute(text("SELECT id FROM agents WHERE name LIKE :q AND id <> :other"), {"q": q + "%", "other": f"%{q}"}).all()\n`,
      host: python,
    },
    {
      name: '.contains([x]) on an ARRAY column is containment, not LIKE',
      code: `${models.replace('    name = Column(String)\n', '    name = Column(String)\n    tags = Column(ARRAY(String))\n')}\ndef f(db, tag):\n    return db.execute(select(Agent).where(Agent.tags.contains([tag])))\n`,
      host: python,
    },
    {
      name: '.contains(x) on an ARRAY column the catalog knows',
      code: `${models.replace('    name = Column(String)\n', '    name = Column(String)\n    tags = Column(ARRAY(String))\n')}\ndef f(db, wanted):\n    return db.execute(select(Agent).where(Agent.tags.contains(wanted)))\n`,
      host: python,
    },
    {
      name: 'a variable last assigned a prefix pattern',
      code: `${models}\ndef f(db, q):\n    term = f"%{q}%"\n    term = f"{q}%"\n    return db.execute(select(Agent).where(Agent.name.ilike(term)))\n`,
      host: python,
    },
  ],
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
      output: withTrigramIndex('\ndef f(db):\n    return db.execute(select(Agent).where(Agent.name.like("%test%")))\n'),
    },
    {
      name: 'an f-string search: .ilike(f"%{q}%")',
      code: `${models}\ndef f(db, q):\n    return db.execute(select(Agent).where(Agent.name.ilike(f"%{q}%")))\n`,
      host: python,
      output: withTrigramIndex(`\ndef f(db, q):\n    return db.execute(select(Agent).where(Agent.name.ilike(f"%{q}%")))\n`),
      errors: [{ message: [`Agent.name.ilike(f"%{q}%") sends agents.name ILIKE '%{q}%', which starts with a wildcard`, 'trigram index'], span: 'Agent.name.ilike(f"%{q}%")' }],
    },
    {
      name: 'a concatenated search: .like("%" + q + "%"), built up over a few statements',
      code: `${models}\ndef f(db, q):\n    statement = select(Agent)\n    if q:\n        statement = statement.where(Agent.name.like("%" + q + "%"))\n    return db.execute(statement).scalars().all()\n`,
      host: python,
      output: withTrigramIndex(`\ndef f(db, q):\n    statement = select(Agent)\n    if q:\n        statement = statement.where(Agent.name.like("%" + q + "%"))\n    return db.execute(statement).scalars().all()\n`),
      errors: [{ message: [`Agent.name.like("%" + q + "%") sends agents.name LIKE '%{q}%', which starts with a wildcard`], span: 'Agent.name.like("%" + q + "%")' }],
    },
    {
      name: 'a pattern held in a local variable: term = "%" + q.lower() + "%"',
      code: `${models}\ndef f(db, q):\n    term = "%" + q.lower() + "%"\n    return db.execute(select(Agent).where(Agent.name.ilike(term)))\n`,
      host: python,
      output: withTrigramIndex(`\ndef f(db, q):\n    term = "%" + q.lower() + "%"\n    return db.execute(select(Agent).where(Agent.name.ilike(term)))\n`),
      errors: [{ message: [`Agent.name.ilike(term) sends agents.name ILIKE '%{q.lower()}%', which starts with a wildcard`], span: 'Agent.name.ilike(term)' }],
    },
    {
      name: 'raw SQL: ILIKE :q with {"q": "%" + q + "%"}',
      code: `${models}\ndef f(session, q):\n    return session.execute(text("SELECT id FROM agents WHERE name ILIKE :q"), {"q": "%" + q + "%"}).all()\n`,
      host: python,
      output: withTrigramIndex(`\ndef f(session, q):\n    return session.execute(text("SELECT id FROM agents WHERE name ILIKE :q"), {"q": "%" + q + "%"}).all()\n`),
      errors: [{ message: ["agents.name ILIKE '%{q}%' starts with a wildcard"], span: 'name ILIKE :q' }],
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

const rust = (code: string) => extractRust(code, '/ws/app.rs');
const releases = 'CREATE TABLE releases (id bigint PRIMARY KEY, repository_url text, note text);';
const rustCase = (body: string) => `async fn search(pool: &PgPool, host: &str) -> Result<()> {\n${body}\n    Ok(())\n}\n`;

hostRuleTester(leadingWildcardLike, 'Rust code: a LIKE placeholder bound to a pattern the code builds', {
  valid: [
    {
      name: 'format!("{letter}%"): a prefix search',
      language: 'rust',
      schema: releases,
      host: rust,
      code: rustCase('    let letter_pattern = format!("{host}%");\n    sqlx::query!("SELECT id FROM releases WHERE repository_url ILIKE $1", letter_pattern).fetch_all(pool).await?;'),
    },
    {
      name: 'the wildcard pattern goes to $2, an equality; $1 of the LIKE is the caller\'s',
      language: 'rust',
      schema: releases,
      host: rust,
      code: rustCase('    sqlx::query("SELECT id FROM releases WHERE repository_url LIKE $1 AND note = $2").bind(host).bind(format!("%{}%", host)).fetch_all(pool).await?;'),
    },
  ],
  invalid: [
    {
      name: 'query! with format!("%{}%", ..) as its argument',
      language: 'rust',
      schema: releases,
      host: rust,
      code: rustCase('    sqlx::query!("SELECT id FROM releases WHERE repository_url LIKE $1", format!("%{}%", host)).fetch_all(pool).await?;'),
      errors: [{ message: ["releases.repository_url LIKE '%{}%' starts with a wildcard", 'every call scans releases', 'trigram index'], span: 'repository_url LIKE $1' }],
    },
    {
      name: '.bind(format!(..)) on the second placeholder',
      language: 'rust',
      schema: releases,
      host: rust,
      code: rustCase('    sqlx::query("SELECT id FROM releases WHERE note = $1 AND repository_url ILIKE $2").bind(host).bind(format!("%{host}")).fetch_all(pool).await?;'),
      errors: [{ message: ["releases.repository_url ILIKE '%{host}' starts with a wildcard"], span: 'repository_url ILIKE $2' }],
    },
    {
      name: 'a client slice with a pattern from a let',
      language: 'rust',
      schema: releases,
      host: rust,
      code: rustCase('    let pattern = format!("%{}%", host);\n    client.query("SELECT id FROM releases WHERE repository_url LIKE $1", &[&pattern]).await?;'),
      errors: [{ message: ["releases.repository_url LIKE '%{}%' starts with a wildcard"], span: 'repository_url LIKE $1' }],
    },
  ],
});
