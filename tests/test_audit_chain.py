"""The tamper-evident audit trail: verify names the first broken entry; a saved signed checkpoint
catches a superuser who rewrites the tail; the app and (on PostgreSQL) the app's role cannot
change the append-only tables; the sealer never skips an entry still in flight.

These need real commits, so each runs on a database of its own.
"""

import base64
import hashlib
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from app.checkpoint import Checkpoint
from app.db import APPEND_ONLY_TABLES, AppendOnlyViolation, make_engine
from app.main import create_app
from app.merkle import verify_consistency, verify_inclusion
from app.models.audit import AuditEntry
from app.services import checkpoints
from app.services.audit_chain import seal
from tests.conftest import FreshDatabase
from tests.factories import ADMIN, make_practitioner, make_staffed_agency, register_person


@pytest.fixture
async def world(fresh_database: FreshDatabase, settings) -> AsyncIterator[dict]:
    s = settings.model_copy(update={"database_url": fresh_database.url})
    app = create_app(s)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        admin, worker = await make_staffed_agency(client, name="Audited agency")
        dpo = await make_practitioner(client, admin=admin, roles=("data_protection_officer",))
        for i in range(4):
            await register_person(client, actor=worker, given_name=f"Child {i}")
        await seal_all(app, fresh_database)
        yield {
            "app": app,
            "client": client,
            "db": fresh_database,
            "settings": s,
            "dpo": dpo,
            "worker": worker,
        }
    await app.state.engine.dispose()


async def seal_all(app, db: FreshDatabase) -> None:
    if db.is_postgres:  # SQLite chains inside each write transaction
        async with app.state.sessionmaker() as session:
            await seal(session)
            await session.commit()


async def as_superuser(db: FreshDatabase, *statements: str, params: dict | None = None) -> list:
    """Bypass every protection, as someone with the database files or superuser rights."""
    engine = make_engine(db.admin_url)
    results = []
    async with engine.begin() as conn:
        if db.is_postgres:
            await conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for table in APPEND_ONLY_TABLES:
                for action in ("update", "delete"):
                    await conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{action}"))
        for statement in statements:
            result = await conn.execute(text(statement), params or {})
            results.append(result.all() if result.returns_rows else None)
    await engine.dispose()
    return results


async def chained_entry_ids(db: FreshDatabase) -> list[int]:
    [rows] = await as_superuser(db, "SELECT entry_id FROM audit_chain ORDER BY seq")
    return [r[0] for r in rows]


async def verify(client) -> dict:
    r = await client.get("/audit/verify", headers=ADMIN)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_intact_chain_verifies(world):
    report = await verify(world["client"])
    assert report["ok"] and report["problem"] is None
    assert report["entries_checked"] >= 10 and report["awaiting_seal"] == 0


@pytest.mark.parametrize(
    ("how", "problem"),
    [
        ("edit", "the entry was changed"),
        ("delete", "the entry was deleted"),
        ("reorder", "the entry was changed"),
    ],
)
async def test_verify_names_the_first_broken_entry(world, how, problem):
    db = world["db"]
    ids = await chained_entry_ids(db)
    target, following = ids[3], ids[4]
    if how == "edit":
        await as_superuser(
            db,
            f"UPDATE audit_entry SET body = body || CAST('x' AS BLOB) WHERE id = {target}"
            if not db.is_postgres
            else f"UPDATE audit_entry SET body = body || '\\x20'::bytea WHERE id = {target}",
        )
    elif how == "delete":
        await as_superuser(db, f"DELETE FROM audit_entry WHERE id = {target}")
    else:  # swap two entries' contents: each still hashes, but no longer where the chain says
        await as_superuser(
            db,
            f"UPDATE audit_entry SET id = -1 WHERE id = {target}",
            f"UPDATE audit_entry SET id = {target} WHERE id = {following}",
            f"UPDATE audit_entry SET id = {following} WHERE id = -1",
        )
    report = await verify(world["client"])
    assert report["ok"] is False
    assert report["first_broken_entry_id"] == target
    assert report["problem"] == problem


async def test_a_deleted_chain_link_is_caught(world):
    db = world["db"]
    ids = await chained_entry_ids(db)
    await as_superuser(db, f"DELETE FROM audit_chain WHERE entry_id = {ids[-1]}")
    report = await verify(world["client"])
    assert report["ok"] is False and report["first_broken_entry_id"] == ids[-1]
    assert "not in the chain" in report["problem"]


async def test_saved_checkpoint_catches_a_rewritten_tail(world):
    client, db, settings = world["client"], world["db"], world["settings"]
    r = await client.post(
        "/audit/checkpoints", headers={"Authorization": world["dpo"].headers["Authorization"]}
    )
    assert r.status_code == 201, r.text
    exported = {k: v for k, v in r.json().items() if k != "signed_text"}
    saved = Checkpoint.from_dict(exported)  # kept outside the database
    # More work is logged; the log grows consistently with the checkpoint.
    await register_person(client, actor=world["worker"], given_name="Later")
    await seal_all(world["app"], db)
    proof = (
        await client.get(
            "/audit/proofs/consistency",
            headers=ADMIN,
            params={"old_size": saved.size, "new_size": saved.size + 1},
        )
    ).json()
    assert verify_consistency(
        saved.size,
        proof["new_size"],
        saved.root,
        base64.b64decode(proof["new_root"]),
        [base64.b64decode(p) for p in proof["proof"]],
    )
    # A superuser deletes the newest entries, forges others and re-chains them consistently.
    [tail] = await as_superuser(
        db, "SELECT seq, entry_id FROM audit_chain ORDER BY seq DESC LIMIT 3"
    )
    [[(head,)]] = await as_superuser(
        db, f"SELECT chain_hash FROM audit_chain WHERE seq = {min(s for s, _ in tail) - 1}"
    )
    statements = [f"DELETE FROM audit_chain WHERE seq >= {min(s for s, _ in tail)}"]
    statements += [f"DELETE FROM audit_entry WHERE id = {e}" for _, e in tail]
    statements += ["DELETE FROM audit_checkpoint"]
    previous = bytes(head)
    for seq, entry_id in sorted(tail):
        body = b'{"action":"forged"}'
        leaf = hashlib.sha256(b"\x00" + body).digest()
        previous = hashlib.sha256(previous + leaf).digest()
        statements.append(
            "INSERT INTO audit_entry (id, occurred_at, action, object_type, outcome, body) "
            f"VALUES ({entry_id}, CURRENT_TIMESTAMP, 'forged', 'x', 'ok', {_blob(db, body)})"
        )
        statements.append(
            "INSERT INTO audit_chain (seq, entry_id, leaf_hash, chain_hash, sealed_at) "
            f"VALUES ({seq}, {entry_id}, {_blob(db, leaf)}, {_blob(db, previous)}, CURRENT_TIMESTAMP)"
        )
    await as_superuser(db, *statements)
    # The chain on its own looks intact...
    report = await verify(client)
    assert report["problem"] is None and report["checkpoint_problem"] is None
    # ...but the saved checkpoint does not match the log any more.
    async with world["app"].state.sessionmaker() as session:
        problem = await checkpoints.matches_log(session, settings, saved)
    assert problem is not None and "no longer have the checkpoint's root" in problem


def _blob(db: FreshDatabase, data: bytes) -> str:
    return f"'\\x{data.hex()}'::bytea" if db.is_postgres else f"X'{data.hex()}'"


async def test_inclusion_proof_for_an_entry_of_the_dpos_agency(world):
    client, dpo = world["client"], world["dpo"]
    r = await client.get("/audit", headers=dpo.headers)
    entry = r.json()["items"][-1]
    size = (await verify(client))["entries_checked"]
    r = await client.get(
        "/audit/proofs/inclusion",
        headers=dpo.headers,
        params={"entry_id": entry["id"], "tree_size": size},
    )
    assert r.status_code == 200, r.text
    p = r.json()
    assert verify_inclusion(
        p["leaf_index"],
        size,
        base64.b64decode(p["leaf_hash"]),
        [base64.b64decode(x) for x in p["proof"]],
        base64.b64decode(p["root"]),
    )
    assert base64.b64decode(p["root"]) == base64.b64decode((await verify(client))["root"])
    # Not for entries of other agencies.
    r = await client.get(
        "/audit/proofs/inclusion", headers=dpo.headers, params={"entry_id": 1, "tree_size": size}
    )
    assert r.status_code == 404


async def test_the_app_refuses_to_change_append_only_tables(world):
    async with world["app"].state.sessionmaker() as session:
        with pytest.raises(AppendOnlyViolation):
            await session.execute(update(AuditEntry).values(outcome="edited"))
        entry = await session.get(AuditEntry, 1)
        entry.outcome = "edited"
        with pytest.raises(AppendOnlyViolation):
            await session.flush()


async def test_the_database_refuses_changes_even_to_a_direct_connection(world):
    db = world["db"]
    engine = make_engine(db.url)  # the app's own role
    statements = [
        "UPDATE audit_entry SET outcome = 'x'",
        "DELETE FROM audit_entry",
        "UPDATE audit_chain SET leaf_hash = chain_hash",
        "DELETE FROM audit_chain",
    ]
    if db.is_postgres:  # privileges hold even where no row would fire a trigger
        statements += [
            "DELETE FROM disclosure",
            "TRUNCATE audit_entry",
            "TRUNCATE audit_chain",
            "TRUNCATE disclosure",
            "TRUNCATE audit_checkpoint",
        ]
    for statement in statements:
        with pytest.raises(DBAPIError) as caught:
            async with engine.begin() as conn:
                await conn.execute(text(statement))
        message = str(caught.value).lower()
        assert "permission denied" in message or "append-only" in message, message
    await engine.dispose()


async def test_on_postgresql_the_app_role_lacks_the_privileges(world):
    db = world["db"]
    if not db.is_postgres:
        pytest.skip("roles and privileges are a PostgreSQL matter")
    engine = make_engine(db.url)
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT t, p, has_table_privilege(current_user, t, p) FROM "
                    "unnest(ARRAY['audit_entry','audit_chain','audit_seal','audit_checkpoint','disclosure']) t, "
                    "unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE']) p"
                )
            )
        ).all()
        superuser = (
            await conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
        ).scalar_one()
    await engine.dispose()
    assert superuser is False
    granted = {(t, p) for t, p, ok in rows if ok}
    assert {p for _, p in granted} == {"SELECT", "INSERT"}, granted


async def test_the_sealer_never_skips_an_entry_still_in_flight(world):
    db = world["db"]
    if not db.is_postgres:
        pytest.skip("SQLite chains inside the write transaction; there is no sealer")
    app = world["app"]
    from app.services import audit

    maker = app.state.sessionmaker
    async with maker() as slow:  # a transaction that appends and stays open
        await audit.append(slow, None, action="slow.write", object_type="test")
        async with maker() as fast:
            await audit.append(fast, None, action="fast.write", object_type="test")
            await fast.commit()
        async with maker() as sealer:
            await seal(sealer)
            await sealer.commit()
        report = await verify(world["client"])
        # The committed "fast" entry waits: the older "slow" transaction is still in flight.
        assert report["ok"] and report["awaiting_seal"] == 1
        await slow.commit()
    async with maker() as sealer:
        await seal(sealer)
        await sealer.commit()
    report = await verify(world["client"])
    assert report["ok"] and report["awaiting_seal"] == 0
    [rows] = await as_superuser(
        db,
        "SELECT e.action FROM audit_chain c JOIN audit_entry e ON e.id = c.entry_id ORDER BY c.seq DESC LIMIT 2",
    )
    assert [r[0] for r in rows] == ["fast.write", "slow.write"]
