"""Hot reads on the driver outside a transaction (decision 0009), on a database of their own:
elsewhere each test's requests run inside one rolled-back transaction, so nothing commits."""

import asyncio
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
    # One pooled connection: a request that needed two (its driver's and its session's) would
    # wait for itself and fail.
    engine = make_engine(fresh_database.url, pool_size=1, max_overflow=0, pool_timeout=5)
    app = create_app(settings.model_copy(update={"database_url": fresh_database.url}), engine)
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


async def _consent_setup(client: httpx.AsyncClient) -> tuple[Any, dict[str, Any]]:
    holder, reader = await two_agencies(client)
    steve = await shared_adult(client, holder, reader)
    body = {
        "decision": "granted",
        "form": "verbal",
        "subjects": [steve["id"]],
        "given_by": [steve["id"]],
        "recipients": [reader.agency_id],
        "purposes": ["family_support"],
    }
    return holder, body


async def _count(admin: Any, sql: str, **params: Any) -> int:
    async with admin.connect() as conn:
        return int((await conn.execute(sa.text(sql), params)).scalar_one())


async def test_a_consent_with_a_key_is_one_statement_and_a_retry_replays_it(committed):
    client, _app, admin, statements = committed
    holder, body = await _consent_setup(client)
    warm = {**holder.headers, "Idempotency-Key": "warm-up"}
    assert (await client.post("/consents", headers=warm, json=body)).status_code == 201
    statements.clear()
    h = {**holder.headers, "Idempotency-Key": "consent-1"}
    first = await client.post("/consents", headers=h, json=body)
    assert first.status_code == 201, first.text
    # The checks' SELECT, then the key, the statement, its subjects and the audit entry at once.
    assert statements == ["SELECT", "WITH"]
    again = await client.post("/consents", headers=h, json=body)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json() and again.headers["location"] == first.headers["location"]
    other = await client.post("/consents", headers=h, json={**body, "purposes": ["health"]})
    assert other.status_code == 422
    consent_id = first.json()["id"]
    assert (
        await _count(admin, "SELECT count(*) FROM consent_statement WHERE id = :i", i=consent_id)
        == 1
    )
    assert (
        await _count(
            admin, "SELECT count(*) FROM consent_subject WHERE statement_id = :i", i=consent_id
        )
        == 1
    )
    assert (
        await _count(
            admin,
            "SELECT count(*) FROM audit_entry WHERE action = 'consent.granted' AND object_id = :i",
            i=consent_id,
        )
        == 1
    )
    # What was written reads back as it was answered.
    got = await client.get(f"/consents/{consent_id}", headers=holder.headers)
    assert got.json() == first.json() and got.headers["etag"] == first.headers["etag"]


async def test_a_consent_without_a_key_is_written_whole(committed):
    client, _app, _admin, _statements = committed
    holder, body = await _consent_setup(client)
    r = await client.post("/consents", headers=holder.headers, json=body)
    assert r.status_code == 201, r.text
    got = await client.get(f"/consents/{r.json()['id']}", headers=holder.headers)
    assert got.status_code == 200 and got.json() == r.json()


async def test_concurrent_consents_with_one_key_make_one_statement(committed):
    client, _app, admin, _statements = committed
    holder, body = await _consent_setup(client)
    h = {**holder.headers, "Idempotency-Key": "race"}
    r1, r2 = await asyncio.gather(
        client.post("/consents", headers=h, json=body),
        client.post("/consents", headers=h, json=body),
    )
    assert {r1.status_code, r2.status_code} == {201}
    assert r1.json()["id"] == r2.json()["id"]
    replayed = sorted(str(r.headers.get("idempotent-replayed")) for r in (r1, r2))
    assert replayed == ["None", "true"]
    n = await _count(
        admin,
        "SELECT count(*) FROM consent_statement WHERE recorded_by_agency_id = :a",
        a=holder.agency_id,
    )
    assert n == 1


async def test_a_referral_with_a_key_is_one_statement_and_reads_back_as_answered(committed):
    client, _app, _admin, statements = committed
    holder, reader = await two_agencies(client)
    steve = await shared_adult(client, holder, reader)
    body = {
        "to_agency_id": reader.agency_id,
        "subject_person_ids": [steve["id"]],
        "purpose": "family_support",
        "reason": "Rent arrears and a damp flat.",
        "action_expected": "An assessment.",
        "feedback_by": "2099-01-01",
    }
    warm = {**holder.headers, "Idempotency-Key": "warm-up"}
    assert (await client.post("/referrals", headers=warm, json=body)).status_code == 201
    statements.clear()
    h = {**holder.headers, "Idempotency-Key": "referral-1"}
    sent = await client.post("/referrals", headers=h, json=body)
    assert sent.status_code == 201, sent.text
    assert statements == ["SELECT", "WITH"]
    again = await client.post("/referrals", headers=h, json=body)
    assert again.headers["idempotent-replayed"] == "true" and again.json() == sent.json()
    got = await client.get(f"/referrals/{sent.json()['id']}", headers=reader.headers)
    assert got.status_code == 200 and got.json() == sent.json()
    assert got.headers["etag"] == sent.headers["etag"]


async def test_the_driver_and_then_the_session_share_one_connection_and_return_it(committed):
    client, app, _admin, statements = committed
    holder, reader = await two_agencies(client)
    steve = await shared_adult(client, holder, reader)
    child = await register_person(client, actor=holder, given_name="Ryan")
    treatment = await add_record(client, actor=holder, subject=steve["id"], category="housing")
    note = await add_record(
        client,
        actor=holder,
        subject=child["id"],
        category="family_circumstances",
        summary="Draws on the housing record",
        cites=[treatment["id"]],
    )
    statements.clear()
    # The note cites a record about somebody else: the summary reads the child's facts on the
    # driver, then that person's facts through the session, on the same (only) connection.
    view = await summary_of(client, actor=holder, person=child["id"], purpose="family_support")
    assert [(r["id"], r["cites"]) for r in view["records"]] == [(note["id"], [treatment["id"]])]
    # (asyncpg's query logger leaves out the session's prepared SELECTs.) Once the session has
    # begun, the audit entry goes into its transaction, and the request commits it.
    assert [s.rstrip(";") for s in statements] == ["SELECT", "BEGIN", "INSERT", "COMMIT"]
    pool = app.state.engine.pool
    for _ in range(50):  # the sealer may hold it for a moment
        if pool.checkedout() == 0:
            break
        await asyncio.sleep(0.02)
    assert pool.checkedout() == 0
