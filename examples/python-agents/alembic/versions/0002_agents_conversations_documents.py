"""agents, conversations, documents

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-15 00:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'agents',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('status', sa.String(20), nullable=False),
        sa.Column('created_at', sa.DateTime()),
    )
    op.create_index('ix_agents_tenant_id', 'agents', ['tenant_id'])
    op.create_table(
        'conversations',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('agent_id', sa.Integer(), sa.ForeignKey('agents.id'), nullable=False),
        sa.Column('title', sa.String(200)),
        sa.Column('created_at', sa.DateTime()),
    )
    op.create_index('ix_conversations_agent_id', 'conversations', ['agent_id'])
    op.create_table(
        'documents',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('collection_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(300), nullable=False),
        sa.Column('status', sa.String(20), nullable=False),
        sa.Column('content', sa.Text()),
    )
    op.create_index('ix_documents_collection_id', 'documents', ['collection_id'])


def downgrade():
    op.drop_index('ix_documents_collection_id', table_name='documents')
    op.drop_table('documents')
    op.drop_index('ix_conversations_agent_id', table_name='conversations')
    op.drop_table('conversations')
    op.drop_index('ix_agents_tenant_id', table_name='agents')
    op.drop_table('agents')
