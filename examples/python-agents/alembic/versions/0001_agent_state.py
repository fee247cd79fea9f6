"""agent state: planners, workers, planner messages

Revision ID: 0001
Revises:
Create Date: 2025-08-06 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'planners',
        sa.Column('planner_id', sa.String(32), primary_key=True),
        sa.Column('status', sa.String(20), nullable=False),
        sa.Column('created_at', sa.DateTime()),
    )
    op.create_table(
        'workers',
        sa.Column('worker_id', sa.String(32), primary_key=True),
        sa.Column('planner_id', sa.String(32), sa.ForeignKey('planners.planner_id'), nullable=False),
        sa.Column('task_status', sa.String(50), nullable=False),
        sa.Column('task_context', sa.Text()),
        sa.Column('updated_at', sa.DateTime()),
    )
    # index=True on each column of the model: two single-column indexes, no composite one.
    op.create_index('ix_workers_planner_id', 'workers', ['planner_id'])
    op.create_index('ix_workers_task_status', 'workers', ['task_status'])
    op.create_table(
        'planner_messages',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('agent_id', sa.String(32), nullable=False),
        sa.Column('role', sa.String(20), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime()),
    )
    op.create_index('ix_planner_messages_agent_id', 'planner_messages', ['agent_id'])


def downgrade():
    op.drop_index('ix_planner_messages_agent_id', table_name='planner_messages')
    op.drop_table('planner_messages')
    op.drop_index('ix_workers_task_status', table_name='workers')
    op.drop_index('ix_workers_planner_id', table_name='workers')
    op.drop_table('workers')
    op.drop_table('planners')
