"""The planner's TaskManager: which task is pending, which ones are done."""
from typing import Optional

from sqlalchemy.orm import Session

from app.models import Planner, PlannerMessage, Worker


class TaskManager:
    def __init__(self, session: Session, planner_id: str):
        self.session = session
        self.planner_id = planner_id

    # BAD: workers has one index on planner_id and one on task_status, none on
    # both: missing-composite-index workers(planner_id, task_status).
    def get_current_task(self) -> Optional[str]:
        worker = self.session.query(Worker).filter(Worker.planner_id == self.planner_id, Worker.task_status == 'pending').first()
        return worker.worker_id if worker else None

    # BAD: same columns, IN on the second one.
    def get_completed_task(self) -> Optional[Worker]:
        return self.session.query(Worker).filter(
            Worker.planner_id == self.planner_id,
            Worker.task_status.in_(['completed', 'failed_validation']),
        ).first()

    # BAD: messages by agent in chronological order, no (agent_id, created_at) index.
    def planner_messages(self, limit: int = 50):
        return (
            self.session.query(PlannerMessage)
            .filter(PlannerMessage.agent_id == self.planner_id)
            .order_by(PlannerMessage.created_at)
            .limit(limit)
            .all()
        )

    # GOOD: agent state lookup by primary key.
    def planner(self) -> Optional[Planner]:
        return self.session.get(Planner, self.planner_id)

    # GOOD: one worker by primary key.
    def worker(self, worker_id: str) -> Optional[Worker]:
        return self.session.query(Worker).filter(Worker.worker_id == worker_id).one_or_none()

    # GOOD: a single indexed column, bounded.
    def recent_workers(self, limit: int = 20):
        return self.session.query(Worker).filter(Worker.planner_id == self.planner_id).limit(limit).all()
