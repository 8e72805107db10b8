"""Alembic environment: the URL and connection come from lablog, not alembic.ini."""

from alembic import context
from sqlmodel import SQLModel

import lablog.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from lablog.schema import include_object

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from lablog import db

        engine = db.create_engine(db.resolve(config.get_main_option("lablog_db")))
        with engine.begin() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("lablog migrations run online only: use `lablog db upgrade`")
run_migrations_online()
