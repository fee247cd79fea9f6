"""Reports and batch jobs over agents, conversations and documents (SQLAlchemy 2.0, async)."""
from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from app.models import Agent, Conversation, Document, Planner


# BAD: N+1, one conversations query per agent.
async def conversations_per_agent(db):
    agents = await db.execute(select(Agent).where(Agent.tenant_id == 1).limit(100))
    counts = {}
    for agent in agents.scalars():
        conversations = await db.execute(
            select(Conversation).where(Conversation.agent_id == agent.id).limit(100)
        )
        counts[agent.id] = len(conversations.scalars().all())
    return counts


# GOOD: the conversations of every agent in one more query.
async def conversations_per_agent_eager(db, tenant_id: int):
    agents = await db.execute(
        select(Agent)
        .options(selectinload(Agent.conversations))
        .where(Agent.tenant_id == tenant_id)
        .limit(100)
    )
    return {agent.id: len(agent.conversations) for agent in agents.scalars()}


# GOOD: one batched query over the collected keys.
async def conversations_batched(db, agent_ids: list[int]):
    result = await db.execute(
        select(Conversation).where(Conversation.agent_id.in_(agent_ids)).limit(1000)
    )
    return result.scalars().all()


# BAD: the lazy relationship planner.workers read for each planner.
def planner_workload(session):
    planners = session.query(Planner).filter(Planner.status == 'busy').limit(50).all()
    for planner in planners:
        print(planner.planner_id, len(planner.workers))


# GOOD: the same report with the workers loaded eagerly.
def planner_workload_eager(session):
    planners = (
        session.query(Planner)
        .options(selectinload(Planner.workers))
        .filter(Planner.status == 'busy')
        .limit(50)
        .all()
    )
    for planner in planners:
        print(planner.planner_id, len(planner.workers))


# BAD: one commit (one transaction, one log sync) per document.
async def import_documents(db, documents: list[Document]):
    for document in documents:
        db.add(document)
        await db.commit()


# GOOD: add them all, commit once.
async def import_documents_batched(db, documents: list[Document]):
    db.add_all(documents)
    await db.commit()


# BAD: a leading wildcard, no B-tree index can serve it.
async def find_test_agents(db):
    result = await db.execute(select(Agent).where(Agent.name.like("%test%")).limit(100))
    return result.scalars().all()


# BAD: the same in raw SQL.
def find_test_documents(session):
    return session.execute(text("SELECT id, title FROM documents WHERE title LIKE '%test%' LIMIT 100")).all()


# GOOD: a prefix search can use an index.
async def find_agents_by_prefix(db, prefix: str):
    result = await db.execute(select(Agent).where(Agent.name.like(prefix + "%")).limit(100))
    return result.scalars().all()


# BAD: every agent of the tenant, however many there are.
async def list_agents(db, tenant_id: int):
    result = await db.execute(select(Agent).where(Agent.tenant_id == tenant_id))
    return result.scalars().all()


# GOOD: one page.
async def list_agents_page(db, tenant_id: int, offset: int = 0, limit: int = 100):
    result = await db.execute(
        select(Agent)
        .where(Agent.tenant_id == tenant_id)
        .limit(min(limit, 100))
        .offset(offset)
    )
    return result.scalars().all()


# GOOD: keyset pagination on the primary key.
async def list_agents_after(db, after_id: int):
    result = await db.execute(
        select(Agent)
        .where(Agent.id > after_id)
        .order_by(Agent.id)
        .limit(100)
    )
    return result.scalars().all()


# GOOD: one agent by primary key.
async def get_agent(db, agent_id: int):
    return await db.get(Agent, agent_id)
