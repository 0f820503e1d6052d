"""Running a hot read's two statements on asyncpg itself, outside a transaction (decision 0009).

A shared summary is one SELECT of its facts and one INSERT of its disclosure rows and audit entry.
Through the session that is four round trips: BEGIN, SELECT, INSERT, COMMIT. When the request has
not begun a transaction (nothing read or written yet through the session), the SELECT runs on its
own snapshot and the INSERT commits by itself: two round trips, and none of SQLAlchemy's
per-statement work. Anywhere else (SQLite, or a request that has already used its session) the
same statements go through the session, in the request's transaction.

The driver's connection is checked out of the engine's pool by itself, not through the session
(a tenth of a summary's CPU). If the request then uses its session, the session runs on that
same connection (`RequestSession.get_bind`), so a request never holds two; it goes back to the
pool when the session closes.
"""

import contextlib
from collections.abc import Mapping
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.util import greenlet_spawn

# Connection problems: the request fails with 503 and the connection leaves the pool.
_LOST = (
    OSError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,  # the protocol's state is lost: seen after a backend was killed
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
)


class _Compiled:
    """A statement compiled once for asyncpg; its SQL and argument order once per length of
    each list it takes (an IN of a list has a placeholder per item, as SQLAlchemy renders it).
    An `= ANY(array)` would keep one text for every length, but PostgreSQL then estimates the
    array at ten items and plans the facts statement afresh on every execution."""

    def __init__(self, stmt: Any, dialect: sa.Dialect):
        self.compiled = stmt.compile(dialect=dialect)
        self.defaults = self.compiled.params  # the values of literals (IN lists of constants)
        self.lists = [name for b, name in self.compiled.bind_names.items() if b.expanding]
        self._forms: dict[tuple[int, ...], tuple[str, list[tuple[str, int | None]]]] = {}

    def sql_and_args(self, params: Mapping[str, Any]) -> tuple[str, list[Any]]:
        values = {**self.defaults, **params}
        key = tuple(len(values[n]) for n in self.lists)
        form = self._forms.get(key)
        if form is None:
            state = self.compiled.construct_expanded_state(values)
            item: dict[str, tuple[str, int | None]] = {
                e: (n, i)
                for n, names in state.parameter_expansion.items()
                for i, e in enumerate(names)
            }
            order = [item.get(name, (name, None)) for name in state.positiontup or ()]
            form = (state.statement, order)
            self._forms[key] = form
        sql, order = form
        return sql, [values[n] if i is None else values[n][i] for n, i in order]


# Keyed by the statement object: these are module constants, built once.
_compiled: dict[int, tuple[Any, _Compiled]] = {}


def _compile(stmt: Any, dialect: sa.Dialect) -> _Compiled:
    hit = _compiled.get(id(stmt))
    if hit is None or hit[0] is not stmt:
        hit = (stmt, _Compiled(stmt, dialect))
        _compiled[id(stmt)] = hit
    return hit[1]


class Db:
    """Executes Core statements for one read: on the idle driver connection, or the session."""

    def __init__(self, session: AsyncSession, pooled: Any = None, owned: bool = False) -> None:
        self.session = session
        self._pooled = pooled  # the pool's connection (a "fairy") the driver statements use
        self._owned = owned  # checked out for them (else it is the session's own)
        self._driver: asyncpg.Connection | None = pooled.driver_connection if pooled else None
        self._bound: sa.Connection | None = None  # the session's Connection over it, if used

    @classmethod
    async def of(cls, session: AsyncSession) -> "Db":
        """The request's: decided at its first use, and the same for the rest of the request."""
        db: Db | None = session.info.get(_KEY)
        if db is None:
            bind = session.bind
            if session.get_bind().dialect.name != "postgresql" or session.in_transaction():
                db = cls(session)
            elif isinstance(bind, AsyncEngine):
                db = cls(session, await bind.raw_connection(), owned=True)
            else:  # a session bound to a connection (the tests' rolled-back one): that one
                conn = await session.connection()
                db = cls(session, await conn.get_raw_connection())
            session.info[_KEY] = db
        return db

    @property
    def direct(self) -> bool:
        """On the driver, with no transaction open: each statement commits by itself."""
        return self._driver is not None

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    async def one(self, stmt: Any, params: Mapping[str, Any]) -> Mapping[str, Any]:
        """The statement's only row, by column name."""
        if self._driver is None:
            row = (await self.session.execute(stmt, params)).one()
            return row._mapping  # type: ignore[return-value]
        sql, args = _compile(stmt, self.session.get_bind().dialect).sql_and_args(params)
        row = await self._run(self._driver.fetchrow, sql, args)
        assert row is not None
        return row  # type: ignore[no-any-return]

    async def write(self, stmt: Any, params: Mapping[str, Any]) -> None:
        """On the driver, committed when it returns (no transaction is open)."""
        if self._driver is None:
            await self.session.execute(stmt, params)
            return
        sql, args = _compile(stmt, self.session.get_bind().dialect).sql_and_args(params)
        await self._run(self._driver.execute, sql, args)

    async def fetchval(self, sql: str, args: list[Any]) -> Any:
        """A statement of the driver's own (`direct` only): its first value."""
        assert self._driver is not None
        return await self._run(self._driver.fetchval, sql, args)

    async def _run(self, call: Any, sql: str, args: list[Any]) -> Any:
        try:
            return await call(sql, *args)
        except _LOST as exc:
            with contextlib.suppress(Exception):  # discarded either way; the 503 is what matters
                await greenlet_spawn(self._pooled.invalidate, exc)
            raise ConnectionError("the database connection was lost") from exc

    def bound(self, engine: sa.Engine) -> sa.Connection:
        """The session's Connection over the driver's pooled connection (built at first use)."""
        if self._bound is None:
            self._bound = sa.Connection(engine, connection=self._pooled)
        return self._bound

    def session_bind(self, bind: Any) -> Any:
        """What the session should run on instead of `bind`: the connection the driver took."""
        if self._owned and self._pooled is not None and isinstance(bind, sa.Engine):
            return self.bound(bind)
        return bind

    async def release(self) -> None:
        """Back to the pool (the session has ended its transaction on it, if it began one)."""
        if self._owned and self._pooled is not None:
            pooled, self._pooled, self._driver = self._pooled, None, None
            await greenlet_spawn((self._bound or pooled).close)


_KEY = "confer.db"


class RequestSession(Session):
    """A request's session: on the connection its driver statements took, if they took one."""

    def get_bind(self, *args: Any, **kw: Any) -> Any:
        db: Db | None = self.info.get(_KEY)
        bind = super().get_bind(*args, **kw)
        return bind if db is None else db.session_bind(bind)


class RequestAsyncSession(AsyncSession):
    sync_session_class = RequestSession

    async def close(self) -> None:
        await super().close()
        db: Db | None = self.info.pop(_KEY, None)
        if db is not None:
            await db.release()
