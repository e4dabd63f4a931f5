"""results tables of the read model: derived_result and refresh_state

Revision ID: 0006
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'derived_result',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('store_version', sa.String(length=200), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'key', name='uq_derived_result'),
    )
    with op.batch_alter_table('derived_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_derived_result_kind'), ['kind'], unique=False)
    op.create_table(
        'refresh_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('holder', sa.String(length=200), nullable=True),
        sa.Column('locked_at', sa.DateTime(), nullable=True),
        sa.Column('pending', sa.Boolean(), nullable=False),
        sa.Column('pending_ids', sa.Text(), nullable=False),
        sa.Column('store_version', sa.String(length=200), nullable=True),
        sa.Column('refreshed_at', sa.DateTime(), nullable=True),
        sa.Column('step', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.execute("INSERT INTO refresh_state (id, pending, pending_ids, step) VALUES (1, false, '', '')")


def downgrade() -> None:
    op.drop_table('refresh_state')
    with op.batch_alter_table('derived_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_derived_result_kind'))
    op.drop_table('derived_result')
