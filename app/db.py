"""Engine and sessions. Async throughout (see docs/decisions/0001-async-database-access.md)."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session
from sqlmodel import SQLModel

# Constraint names are stable across SQLite and PostgreSQL, so migrations can name them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC on the way in and out; SQLite keeps no offset of its own."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


# The audit trail and the disclosure log: the database refuses changes (triggers, privileges),
# and so does the app, before a statement is even sent.
APPEND_ONLY_TABLES = frozenset(
    {"audit_entry", "audit_chain", "audit_seal", "audit_checkpoint", "disclosure"}
)


class AppendOnlyViolation(RuntimeError):
    pass


@event.listens_for(Session, "do_orm_execute")
def _refuse_dml_on_append_only(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in APPEND_ONLY_TABLES:
            raise AppendOnlyViolation(f"{table.name} is append-only")  # type: ignore[union-attr]


@event.listens_for(Session, "before_flush")
def _refuse_orm_changes_to_append_only(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if getattr(obj, "__tablename__", None) in APPEND_ONLY_TABLES:
            raise AppendOnlyViolation(f"{obj.__tablename__} is append-only")


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    # No pre-ping: asyncpg's is BEGIN, a query and ROLLBACK, three round trips on every request
    # (a summary makes four). A connection the database dropped fails its request with 503 and
    # Retry-After, which invalidates the pool, so the next request reconnects (decision 0001).
    # A read's facts statement is over asyncpg's default 15 KB for caching: uncached, it would be
    # planned on every execution (decision 0009).
    kwargs.setdefault("connect_args", {}).setdefault("max_cacheable_statement_size", 64 * 1024)
    return create_async_engine(url, pool_pre_ping=False, **kwargs)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, issue BEGIN, so SAVEPOINT works.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # One writer at a time: take the write lock at BEGIN rather than fail on upgrade later.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    from app.driver import RequestAsyncSession  # the driver builds on these types

    return async_sessionmaker(
        engine, class_=RequestAsyncSession, expire_on_commit=False, autoflush=False
    )


async def session_scope(maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with maker() as session:
        yield session
