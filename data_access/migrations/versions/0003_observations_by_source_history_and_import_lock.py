"""observations keyed by source, observation history, import staging and the import lock

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 21:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.drop_constraint('uq_observation_key', type_='unique')
        batch_op.create_unique_constraint('uq_observation_source_key', ['area_id', 'indicator_id', 'period', 'source'])

    op.create_table('observation_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('old_value', sa.Float(), nullable=True),
    sa.Column('old_numerator', sa.Float(), nullable=True),
    sa.Column('old_denominator', sa.Float(), nullable=True),
    sa.Column('old_detractors', sa.Float(), nullable=True),
    sa.Column('old_suppressed', sa.Boolean(), nullable=True),
    sa.Column('old_batch_id', sa.Integer(), nullable=True),
    sa.Column('new_value', sa.Float(), nullable=True),
    sa.Column('new_numerator', sa.Float(), nullable=True),
    sa.Column('new_denominator', sa.Float(), nullable=True),
    sa.Column('new_detractors', sa.Float(), nullable=True),
    sa.Column('new_suppressed', sa.Boolean(), nullable=True),
    sa.Column('new_source', sa.String(length=100), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('changed_by', sa.String(length=200), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], ),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('observation_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observation_history_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_observation_history_key', ['area_id', 'indicator_id', 'period'], unique=False)

    op.create_table('observation_staging',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('numerator', sa.Float(), nullable=True),
    sa.Column('denominator', sa.Float(), nullable=True),
    sa.Column('detractors', sa.Float(), nullable=True),
    sa.Column('suppressed', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('observation_staging', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observation_staging_batch_id'), ['batch_id'], unique=False)

    op.create_table('import_lock',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=True),
    sa.Column('since', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    op.bulk_insert(sa.table('import_lock', sa.column('name', sa.String), sa.column('holder', sa.String),
                            sa.column('since', sa.DateTime)), [{'name': 'import', 'holder': None, 'since': None}])


def downgrade() -> None:
    op.drop_table('import_lock')
    with op.batch_alter_table('observation_staging', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observation_staging_batch_id'))
    op.drop_table('observation_staging')
    with op.batch_alter_table('observation_history', schema=None) as batch_op:
        batch_op.drop_index('ix_observation_history_key')
        batch_op.drop_index(batch_op.f('ix_observation_history_batch_id'))
    op.drop_table('observation_history')
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.drop_constraint('uq_observation_source_key', type_='unique')
        batch_op.create_unique_constraint('uq_observation_key', ['area_id', 'indicator_id', 'period'])
