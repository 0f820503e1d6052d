"""Helpers for the story tests of cases 1 to 5: small steps through the HTTP API, each asserting
its status, so that a story reads as what the practitioners do."""

import uuid
from datetime import date, timedelta
from functools import cache
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.casework import Referral
from tests.factories import Actor, make_admin, make_agency, make_practitioner
from tests.test_auth import assert_problem

TODAY = date.today()


def days(n: int) -> str:
    """The date `n` days from today (negative: in the past), as the API takes it."""
    return (TODAY + timedelta(days=n)).isoformat()


def born(years: int, months: int = 0) -> str:
    """A date of birth `years` (and `months`) ago."""
    return (TODAY - timedelta(days=365 * years + 30 * months + 10)).isoformat()


@cache
def _nhs_numbers() -> list[str]:
    numbers = []
    k = 0
    while len(numbers) < 1000:
        digits = f"999{k:06d}"
        k += 1
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            numbers.append(digits + str(check))
    return numbers


def nhs(n: int) -> str:
    """The n-th valid NHS number in the 999 test range (modulus 11 check digit)."""
    return _nhs_numbers()[n]


async def staffed(
    client: httpx.AsyncClient,
    *,
    agency: str,
    kind: str,
    worker: str,
    job_title: str,
    roles: tuple[str, ...] = ("practitioner",),
    sensitive_service: bool = False,
) -> tuple[Actor, Actor]:
    """An agency with its administrator and one named practitioner: (admin, practitioner)."""
    body = await make_agency(client, name=agency, kind=kind, sensitive_service=sensitive_service)
    admin = await make_admin(client, agency_id=body["id"])
    person = await make_practitioner(
        client, admin=admin, name=worker, job_title=job_title, roles=roles
    )
    return admin, person


async def colleague(
    client: httpx.AsyncClient,
    admin: Actor,
    *,
    name: str,
    job_title: str,
    roles: tuple[str, ...] = ("practitioner",),
) -> Actor:
    return await make_practitioner(client, admin=admin, name=name, job_title=job_title, roles=roles)


async def ok(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    actor: Actor,
    *,
    status: int | None = None,
    json: Any = None,
    params: dict[str, Any] | None = None,
    if_match: bool = False,
) -> Any:
    """Make a call that must succeed; its JSON body."""
    headers = {**actor.headers, **({"If-Match": "*"} if if_match else {})}
    r = await client.request(method, url, headers=headers, json=json, params=params)
    expected = status or (201 if method == "POST" and not if_match else 200)
    assert r.status_code == expected, r.text
    return r.json()


async def refused(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    actor: Actor,
    status: int,
    *,
    json: Any = None,
    params: dict[str, Any] | None = None,
    if_match: bool = False,
) -> dict[str, Any]:
    """A call that must fail with `status` as a problem document; the problem."""
    headers = {**actor.headers, **({"If-Match": "*"} if if_match else {})}
    r = await client.request(method, url, headers=headers, json=json, params=params)
    return assert_problem(r, status)


async def unknown(client: httpx.AsyncClient, actor: Actor, person: str, purpose: str) -> None:
    """The person does not exist for this agency: no legitimate interest is a 404."""
    await refused(
        client, "GET", f"/people/{person}/summary", actor, 404, params={"purpose": purpose}
    )


async def chronology(
    client: httpx.AsyncClient, actor: Actor, child: str, purpose: str
) -> dict[str, Any]:
    return dict(
        await ok(client, "GET", f"/people/{child}/chronology", actor, params={"purpose": purpose})
    )


async def index_of(client: httpx.AsyncClient, actor: Actor, person: str) -> dict[str, Any]:
    return dict(await ok(client, "GET", f"/people/{person}/index", actor))


async def refer(client: httpx.AsyncClient, actor: Actor, **body: Any) -> dict[str, Any]:
    body.setdefault("feedback_by", days(14))
    return dict(await ok(client, "POST", "/referrals", actor, json=body))


async def accept(client: httpx.AsyncClient, actor: Actor, referral_id: str) -> dict[str, Any]:
    return dict(await ok(client, "POST", f"/referrals/{referral_id}/accept", actor, if_match=True))


async def ask(client: httpx.AsyncClient, actor: Actor, **body: Any) -> dict[str, Any]:
    """An information request to the holders named."""
    body.setdefault("due_by", days(7))
    return dict(await ok(client, "POST", "/information-requests", actor, json=body))


async def answer(
    client: httpx.AsyncClient, actor: Actor, request_id: str, **body: Any
) -> dict[str, Any]:
    return dict(
        await ok(
            client,
            "POST",
            f"/information-requests/{request_id}/answers",
            actor,
            status=200,
            json=body,
        )
    )


async def plan(client: httpx.AsyncClient, actor: Actor, **body: Any) -> dict[str, Any]:
    """An action of a plan: what, by whom (owner agency and practitioner), by when."""
    body.setdefault("due_on", days(28))
    return dict(await ok(client, "POST", "/actions", actor, json=body))


async def move(
    client: httpx.AsyncClient, actor: Actor, action_id: str, to: str, **body: Any
) -> dict[str, Any]:
    return dict(
        await ok(
            client,
            "POST",
            f"/actions/{action_id}/transitions",
            actor,
            json={"to": to, **body},
            if_match=True,
        )
    )


async def action_ids(client: httpx.AsyncClient, actor: Actor, **params: Any) -> set[str]:
    page = await ok(client, "GET", "/actions", actor, params=params or None)
    return {a["id"] for a in page["items"]}


async def pack(client: httpx.AsyncClient, actor: Actor, conference_id: str) -> dict[str, Any]:
    """The caller's agency's pack, by person: the summary, or None with the note why not."""
    body = await ok(client, "GET", f"/conferences/{conference_id}/pack", actor)
    assert body["agency_id"] == actor.agency_id and body["conference_id"] == conference_id
    return {e["person_id"]: e["summary"] if e["summary"] else e["note"] for e in body["entries"]}


def seen(view: dict[str, Any]) -> set[str]:
    """The summaries of the records a summary or chronology lets through."""
    key = "records" if "records" in view else "entries"
    return {r["summary"] for r in view[key]}


def held_by(view: dict[str, Any], agency: Actor) -> set[str]:
    key = "records" if "records" in view else "entries"
    return {r["summary"] for r in view[key] if r["holder_agency_id"] == agency.agency_id}


def alert_kinds(alerts: list[dict[str, Any]]) -> list[str]:
    return sorted(a["kind"] for a in alerts)


async def time_passes_for_referral(
    session: AsyncSession, referral_id: str, *, overdue_by: int
) -> None:
    """Set-up for "the weeks go by": a referral's feedback date passes (the API rightly refuses
    one in the past), so that its going overdue can be seen. Time cannot be moved through the
    API: the only step that goes around it."""
    await session.execute(
        update(Referral)
        .where(Referral.id == uuid.UUID(referral_id))
        .values(feedback_by=TODAY - timedelta(days=overdue_by))
    )
    await session.commit()
