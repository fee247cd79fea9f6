/** The seed guides' connection set-up, verbatim: used by the seed tests and the pool rules' tests. */

/** Seed 001, "Current SQLAlchemy Setup": the agent state database's engine. */
export const SEED_001_ENGINE = `from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker


class AgentDatabase:
    def __init__(self):
        db_path = Path(settings.agent_database_path)
        self.engine = create_engine(f'sqlite:///{db_path}')
        self.SessionLocal = sessionmaker(bind=self.engine)
        self.ensure_tables_exist()
`;

/** Seed 001, "Optimized connection configuration": pool settings, the pragmas run elsewhere. */
export const SEED_001_OPTIMIZED_ENGINE = `from sqlalchemy import create_engine


def create_optimized_engine(db_path: Path):
    return create_engine(
        f'sqlite:///{db_path}',
        pool_pre_ping=True,
        pool_recycle=3600,
        echo=False,  # Disable SQL logging in production
        connect_args={
            "timeout": 30,
            "check_same_thread": False,
        }
    )
`;

/** Seed 002, "Database Pool Configuration". */
export const SEED_002_POOL = `from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import QueuePool

engine = create_async_engine(
    DATABASE_URL,
    pool_size=20,              # Base pool size
    max_overflow=10,           # Additional connections
    pool_pre_ping=True,        # Verify connections
    pool_recycle=3600,         # Recycle after 1 hour
    poolclass=QueuePool,       # Queue-based pooling
)
`;
