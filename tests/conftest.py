"""Test fixtures: a migrated database (SQLite by default, PostgreSQL when CONFER_TEST_DATABASE_URL
is set), one rolled-back transaction per test, and the HTTP API through httpx's ASGI transport."""

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.checkpoint import generate_signing_key
from app.config import Settings
from app.db import make_engine
from app.deps import get_sessionmaker
from app.main import create_app
from app.migrate import upgrade

BOOTSTRAP_KEY = "bootstrap-" + "k" * 40


def database_url() -> str:
    url = os.environ.get("CONFER_TEST_DATABASE_URL")
    if url:
        return url
    path = Path(tempfile.mkdtemp(prefix="confer-test-")) / "test.db"
    return f"sqlite+aiosqlite:///{path}"


def admin_url_for(url: str) -> str:
    """The role that migrates, resets and (in tamper tests) plays the superuser."""
    return os.environ.get("CONFER_TEST_ADMIN_DATABASE_URL") or url


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


async def reset_database(engine: AsyncEngine) -> None:
    """PostgreSQL is reused between runs: start from an empty schema."""
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def db_url() -> str:
    return database_url()


@pytest.fixture(scope="session")
def settings(db_url: str) -> Settings:
    return Settings(
        database_url=db_url,
        api_key_pepper=SecretStr("pepper-" + "p" * 40),
        token_secret=SecretStr("token-" + "t" * 40),
        bootstrap_admin_key=SecretStr(BOOTSTRAP_KEY),
        audit_signing_key=SecretStr(generate_signing_key()),
        public_base_url="http://testserver",
        rate_limit="100000/minute",
        token_rate_limit="100000/minute",
        log_level="WARNING",
    )


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    admin = make_engine(admin_url_for(settings.database_url))
    await reset_database(admin)
    await upgrade(admin)
    await admin.dispose()
    engine = make_engine(settings.database_url)
    yield engine
    await engine.dispose()


@dataclass
class FreshDatabase:
    """A database of its own, migrated, for tests that need real commits."""

    url: str  # as the app's role
    admin_url: str  # as the migrating role / superuser

    @property
    def is_postgres(self) -> bool:
        return is_postgres(self.url)


@pytest.fixture
async def fresh_database(db_url: str, tmp_path: Path) -> AsyncIterator[FreshDatabase]:
    if not is_postgres(db_url):
        url = f"sqlite+aiosqlite:///{tmp_path}/fresh.db"
        engine = make_engine(url)
        await upgrade(engine)
        await engine.dispose()
        yield FreshDatabase(url, url)
        return
    admin = admin_url_for(db_url)
    name = f"confer_t_{uuid.uuid4().hex[:12]}"
    server = make_engine(admin, isolation_level="AUTOCOMMIT")
    async with server.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    fresh_admin = admin.rsplit("/", 1)[0] + f"/{name}"
    migrator = make_engine(fresh_admin)
    await upgrade(migrator)
    await migrator.dispose()
    yield FreshDatabase(db_url.rsplit("/", 1)[0] + f"/{name}", fresh_admin)
    async with server.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await server.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[object]:
    async with engine.connect() as conn:
        outer = await conn.begin()
        yield conn
        await outer.rollback()


@pytest.fixture
def sessionmaker(connection: object) -> async_sessionmaker[AsyncSession]:
    # Each request's commit only releases a savepoint; the test's transaction is rolled back.
    return async_sessionmaker(
        bind=connection,  # type: ignore[arg-type]
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    )


@pytest.fixture
def app(settings: Settings, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]):  # type: ignore[no-untyped-def]
    application = create_app(settings, engine)
    application.dependency_overrides[get_sessionmaker] = lambda: sessionmaker
    return application


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as s:
        yield s
