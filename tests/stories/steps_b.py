"""Helpers for the story tests of cases 6 to 10: small HTTP steps a practitioner takes, each
asserting the status it expects. They build on tests/factories.py and go through the API, except
one set-up helper for time passing."""

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.plans import Review
from tests.factories import Actor, make_admin, make_agency, make_practitioner
from tests.test_auth import assert_problem

TODAY = date.today()


def days(n: int) -> str:
    """An ISO date n days from today (negative: in the past)."""
    return (TODAY + timedelta(days=n)).isoformat()


def nhs(serial: int) -> str:
    """A valid NHS number in the 999 test range: nine digits and their modulus 11 check digit."""
    for n in range(serial, serial + 20):
        nine = f"999{n:06d}"
        check = 11 - sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return nine + str(check)
    raise AssertionError("no valid check digit near this serial")


async def staffed(
    client: httpx.AsyncClient,
    *,
    agency: str,
    kind: str,
    people: dict[str, tuple[str, tuple[str, ...]]],
    sensitive_service: bool = False,
) -> tuple[Actor, dict[str, Actor]]:
    """An agency with its admin and named practitioners: {name: (job title, roles)}."""
    made = await make_agency(client, name=agency, kind=kind, sensitive_service=sensitive_service)
    admin = await make_admin(client, agency_id=made["id"])
    staff = {
        name: await make_practitioner(client, admin=admin, name=name, job_title=title, roles=roles)
        for name, (title, roles) in people.items()
    }
    return admin, staff


WORKER: tuple[str, ...] = ("practitioner",)
AUTHORISED: tuple[str, ...] = ("practitioner", "authorised_worker")


async def post(
    client: httpx.AsyncClient,
    actor: Actor,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    status: int = 201,
    if_match: bool = False,
) -> Any:
    headers = {**actor.headers, "If-Match": "*"} if if_match else actor.headers
    r = await client.post(path, headers=headers, json=body)
    if status >= 400:
        return assert_problem(r, status)
    assert r.status_code == status, r.text
    return r.json() if r.content else None


async def get(
    client: httpx.AsyncClient,
    actor: Actor,
    path: str,
    *,
    status: int = 200,
    **params: Any,
) -> Any:
    r = await client.get(path, headers=actor.headers, params=params or None)
    if status >= 400:
        return assert_problem(r, status)
    assert r.status_code == status, r.text
    return r.json()


async def not_found(client: httpx.AsyncClient, actor: Actor, path: str, **params: Any) -> None:
    """The object does not exist for this caller: 404, never 403."""
    await get(client, actor, path, status=404, **params)


async def chronology(
    client: httpx.AsyncClient, actor: Actor, child: str, purpose: str
) -> dict[str, Any]:
    return dict(await get(client, actor, f"/people/{child}/chronology", purpose=purpose))


def entries(view: dict[str, Any]) -> set[str]:
    return {e["summary"] for e in view["entries"]}


async def index_of(client: httpx.AsyncClient, actor: Actor, person: str) -> dict[str, Any]:
    return dict(await get(client, actor, f"/people/{person}/index"))


def involved(idx: dict[str, Any]) -> set[str]:
    return {i["agency_name"] for i in idx["involvements"]}


async def referral(client: httpx.AsyncClient, actor: Actor, **body: Any) -> dict[str, Any]:
    body.setdefault("feedback_by", days(14))
    return await post(client, actor, "/referrals", body)


async def accept(client: httpx.AsyncClient, actor: Actor, referral_id: str) -> dict[str, Any]:
    return await post(client, actor, f"/referrals/{referral_id}/accept", status=200, if_match=True)


async def move_caf(
    client: httpx.AsyncClient, actor: Actor, caf_id: str, to: str, **extra: Any
) -> dict[str, Any]:
    caf = await post(
        client,
        actor,
        f"/early-help-assessments/{caf_id}/transitions",
        {"to": to, **extra},
        status=200,
        if_match=True,
    )
    assert caf["status"] == to
    return caf


async def disclosed(client: httpx.AsyncClient, dpo: Actor, person: str) -> list[dict[str, Any]]:
    """The data protection officer's subject access: what their agency disclosed about a person."""
    page = await get(client, dpo, "/disclosures", subject_person_id=person, limit=100)
    assert page["next_cursor"] is None
    return list(page["items"])


async def time_passes_for_review(session: AsyncSession, review_id: str, *, overdue_by: int) -> None:
    """Set-up for "the following weeks": a review's date passes (the API rightly refuses to
    schedule one in the past), so that what depends on it falling due can be seen. The only step
    that goes around the API: time cannot be moved through it."""
    await session.execute(
        update(Review)
        .where(Review.id == uuid.UUID(review_id))
        .values(due_on=TODAY - timedelta(days=overdue_by))
    )
    await session.commit()
