"""Agent state database (SQLAlchemy declarative models).

Routers delegate to planners, planners hand tasks to workers, every agent writes
chat messages; agents of a tenant hold conversations and search documents.
The schema itself is created by the Alembic revisions in alembic/versions/.
"""
from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class Planner(Base):
    __tablename__ = 'planners'

    planner_id = Column(String(32), primary_key=True)
    status = Column(String(20), nullable=False, default='idle')
    created_at = Column(DateTime, default=datetime.utcnow)

    # Default lazy loading: reading planner.workers runs one SELECT per planner.
    workers = relationship('Worker', back_populates='planner')


class Worker(Base):
    __tablename__ = 'workers'

    worker_id = Column(String(32), primary_key=True)
    planner_id = Column(String(32), ForeignKey('planners.planner_id'), nullable=False, index=True)
    task_status = Column(String(50), nullable=False, index=True)
    task_context = Column(Text)
    updated_at = Column(DateTime, default=datetime.utcnow)

    planner = relationship('Planner', back_populates='workers')


class PlannerMessage(Base):
    __tablename__ = 'planner_messages'

    id = Column(Integer, primary_key=True)
    agent_id = Column(String(32), nullable=False, index=True)
    role = Column(String(20), nullable=False)
    content = Column(Text, nullable=False)
    created_at = Column(DateTime, default=datetime.utcnow)


class Agent(Base):
    __tablename__ = 'agents'

    id = Column(Integer, primary_key=True)
    tenant_id = Column(Integer, nullable=False, index=True)
    name = Column(String(200), nullable=False)
    status = Column(String(20), nullable=False, default='active')
    created_at = Column(DateTime, default=datetime.utcnow)

    conversations = relationship('Conversation', back_populates='agent')


class Conversation(Base):
    __tablename__ = 'conversations'

    id = Column(Integer, primary_key=True)
    agent_id = Column(Integer, ForeignKey('agents.id'), nullable=False, index=True)
    title = Column(String(200))
    created_at = Column(DateTime, default=datetime.utcnow)

    agent = relationship('Agent', back_populates='conversations')


class Document(Base):
    __tablename__ = 'documents'

    id = Column(Integer, primary_key=True)
    collection_id = Column(Integer, nullable=False, index=True)
    title = Column(String(300), nullable=False)
    status = Column(String(20), nullable=False, default='pending')
    content = Column(Text)
