"""Alembic environment: runs migrations on the engine the app hands over (see data_access.db.upgrade)."""

from alembic import context

from data_access.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
