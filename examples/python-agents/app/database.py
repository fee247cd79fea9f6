"""Where the service opens its databases, as the two Python guides write it."""
import os
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import sessionmaker

DATABASE_URL = os.environ["DATABASE_URL"]
AGENT_DATABASE_PATH = os.environ.get("AGENT_DATABASE_PATH", "agent_state.db")


# BAD: the agent state database (seed 001) opens SQLite with its defaults: the
# rollback journal (a writer blocks every reader) and synchronous=FULL on
# every connection: sqlite-without-pragmas (fix: a "connect" listener).
class AgentDatabase:
    def __init__(self):
        db_path = Path(AGENT_DATABASE_PATH)
        self.engine = create_engine(f'sqlite:///{db_path}')
        self.SessionLocal = sessionmaker(bind=self.engine)


# GOOD: the platform's pool (seed 002): 20 + 10 overflow, pre-ping, recycled
# after an hour. (The seed also passes poolclass=QueuePool, which an asyncio
# engine refuses; its default AsyncAdaptedQueuePool is the queue pool.)
engine = create_async_engine(
    DATABASE_URL,
    pool_size=20,              # Base pool size
    max_overflow=10,           # Additional connections
    pool_pre_ping=True,        # Verify connections
    pool_recycle=3600,         # Recycle after 1 hour
)
