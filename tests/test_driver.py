"""Hot reads on the driver outside a transaction (decision 0009), on a database of their own:
elsewhere each test's requests run inside one rolled-back transaction, so nothing commits."""

from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from app.db import make_engine
from app.main import create_app
from tests.factories import (
    add_record,
    give_consent,
    register_person,
    summaries,
    summary_of,
)
from tests.test_sharing_http import shared_adult, two_agencies


@pytest.fixture
async def committed(fresh_database: Any, settings: Any) -> Any:
    if not fresh_database.is_postgres:
        pytest.skip("the driver path is PostgreSQL's")
    app = create_app(settings.model_copy(update={"database_url": fresh_database.url}))
    statements: list[str] = []

    @sa.event.listens_for(app.state.engine.sync_engine, "connect")
    def _log(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.driver_connection.add_query_logger(
            lambda q: statements.append(q.query.split()[0].upper())
        )

    admin = make_engine(fresh_database.admin_url, isolation_level="AUTOCOMMIT")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client, app, admin, statements
    await admin.dispose()
    await app.state.engine.dispose()


async def _shared(client: httpx.AsyncClient) -> tuple[Any, dict[str, Any]]:
    holder, reader = await two_agencies(client)
    steve = await shared_adult(client, holder, reader)
    await add_record(client, actor=holder, subject=steve["id"], category="housing", summary="Damp")
    await give_consent(
        client,
        actor=holder,
        decision="granted",
        subjects=[steve["id"]],
        given_by=[steve["id"]],
        recipients=[reader.agency_id],
        purposes=["family_support"],
    )
    return reader, steve


async def test_a_summary_is_a_select_and_an_insert_and_its_disclosure_is_committed(committed):
    client, _app, admin, statements = committed
    reader, steve = await _shared(client)
    # The first time, asyncpg also looks up the statement's types on the connection.
    await summary_of(client, actor=reader, person=steve["id"], purpose="family_support")
    statements.clear()
    view = await summary_of(client, actor=reader, person=steve["id"], purpose="family_support")
    assert summaries(view) == {"Damp"}
    # No BEGIN, no COMMIT: the facts' SELECT, then the log's INSERT that commits by itself.
    assert statements == ["SELECT", "WITH"]
    async with admin.connect() as conn:
        disclosed = (
            await conn.execute(
                sa.text("SELECT count(*) FROM disclosure WHERE subject_person_id = :p"),
                {"p": steve["id"]},
            )
        ).scalar_one()
        entries = (
            await conn.execute(
                sa.text(
                    "SELECT count(*) FROM audit_entry WHERE action = 'person.summary.read' "
                    "AND subject_person_id = :p"
                ),
                {"p": steve["id"]},
            )
        ).scalar_one()
    assert (disclosed, entries) == (2, 2)


async def test_a_refused_summary_writes_no_disclosure_and_is_audited(committed):
    client, _app, admin, _statements = committed
    reader, _ = await _shared(client)
    stranger = await register_person(
        client, actor=reader, given_name="Zed", date_of_birth="1990-01-01", nhs_number=None
    )
    _, other = await two_agencies(client)
    await summary_of(
        client, actor=other, person=stranger["id"], purpose="family_support", status=404
    )
    async with admin.connect() as conn:
        outcome = (
            (
                await conn.execute(
                    sa.text(
                        "SELECT outcome FROM audit_entry WHERE action = 'person.summary.read' "
                        "AND subject_person_id = :p"
                    ),
                    {"p": stranger["id"]},
                )
            )
            .scalars()
            .all()
        )
    assert outcome == ["refused"]


async def test_a_connection_dropped_under_a_summary_costs_one_503_then_it_recovers(committed):
    client, _app, admin, _statements = committed
    reader, steve = await _shared(client)
    await summary_of(client, actor=reader, person=steve["id"], purpose="family_support")
    async with admin.connect() as conn:
        await conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    url, params = f"/people/{steve['id']}/summary", {"purpose": "family_support"}
    first, *rest = [await client.get(url, params=params, headers=reader.headers) for _ in range(3)]
    assert first.status_code in (200, 503)
    if first.status_code == 503:
        assert first.headers["retry-after"]
        assert first.headers["content-type"] == "application/problem+json"
    assert [r.status_code for r in rest] == [200, 200]
