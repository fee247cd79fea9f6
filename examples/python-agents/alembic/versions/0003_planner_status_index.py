"""index planners by status (live table: built concurrently)

Revision ID: 0003
Revises: 0002
Create Date: 2025-08-07 09:00:00
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    with op.get_context().autocommit_block():
        op.create_index('idx_planners_status', 'planners', ['status'], postgresql_concurrently=True)


def downgrade():
    with op.get_context().autocommit_block():
        op.drop_index('idx_planners_status', table_name='planners', postgresql_concurrently=True)
