"""Alembic environment: always driven from ethos.db.migrate with a live
connection inside ethos' own transaction (see ``migrate.upgrade``)."""

from alembic import context

from ethos.db.tables import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
