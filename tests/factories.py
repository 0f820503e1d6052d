"""Factories: keyword-only async functions that build through the HTTP API, as a caller would."""

from dataclasses import dataclass
from typing import Any

import httpx

from tests.conftest import BOOTSTRAP_KEY

ADMIN = {"Authorization": f"Bearer {BOOTSTRAP_KEY}"}


@dataclass
class Actor:
    """A practitioner with an API key: what a test acts as."""

    agency_id: str
    practitioner_id: str
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


async def make_agency(
    client: httpx.AsyncClient,
    *,
    name: str = "Hillside Primary School",
    kind: str = "school",
    sector: str = "statutory",
    sensitive_service: bool = False,
) -> dict[str, Any]:
    r = await client.post(
        "/agencies",
        headers=ADMIN,
        json={"name": name, "kind": kind, "sector": sector, "sensitive_service": sensitive_service},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def make_admin(
    client: httpx.AsyncClient, *, agency_id: str, name: str = "Ada Admin"
) -> Actor:
    r = await client.post(
        f"/agencies/{agency_id}/practitioners",
        headers=ADMIN,
        json={"name": name, "job_title": "Systems administrator", "roles": ["agency_admin"]},
    )
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    k = await client.post(
        f"/agencies/{agency_id}/practitioners/{pid}/api-keys", headers=ADMIN, json={"label": "test"}
    )
    assert k.status_code == 201, k.text
    return Actor(agency_id, pid, k.json()["key"])


async def make_practitioner(
    client: httpx.AsyncClient,
    *,
    admin: Actor,
    name: str = "Pat Practitioner",
    job_title: str = "Teacher",
    roles: tuple[str, ...] = ("practitioner",),
) -> Actor:
    r = await client.post(
        f"/agencies/{admin.agency_id}/practitioners",
        headers=admin.headers,
        json={"name": name, "job_title": job_title, "roles": list(roles)},
    )
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    k = await client.post(
        f"/agencies/{admin.agency_id}/practitioners/{pid}/api-keys",
        headers=admin.headers,
        json={"label": "test"},
    )
    assert k.status_code == 201, k.text
    return Actor(admin.agency_id, pid, k.json()["key"])


async def make_staffed_agency(
    client: httpx.AsyncClient,
    *,
    name: str,
    kind: str = "school",
    job_title: str = "Teacher",
    roles: tuple[str, ...] = ("practitioner",),
    sensitive_service: bool = False,
) -> tuple[Actor, Actor]:
    """An agency with its admin and one practitioner: (admin, practitioner)."""
    agency = await make_agency(client, name=name, kind=kind, sensitive_service=sensitive_service)
    admin = await make_admin(client, agency_id=agency["id"])
    worker = await make_practitioner(client, admin=admin, job_title=job_title, roles=roles)
    return admin, worker


async def register_person(
    client: httpx.AsyncClient,
    *,
    actor: Actor,
    given_name: str = "Jack",
    family_name: str = "Doe",
    date_of_birth: str | None = "2022-03-01",
    nhs_number: str | None = None,
    reason: str = "Pupil at the school",
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "given_name": given_name,
        "family_name": family_name,
        "date_of_birth": date_of_birth,
        "reason": reason,
        **extra,
    }
    if nhs_number:
        body["nhs_number"] = nhs_number
    r = await client.post("/people", headers=actor.headers, json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def add_record(
    client: httpx.AsyncClient,
    *,
    actor: Actor,
    subject: str,
    category: str,
    level: str = "confidential",
    summary: str = "A note",
    occurred_on: str = "2026-10-01",
    **extra: Any,
) -> dict[str, Any]:
    r = await client.post(
        "/records",
        headers=actor.headers,
        json={
            "subject_person_id": subject,
            "category": category,
            "level": level,
            "summary": summary,
            "occurred_on": occurred_on,
            **extra,
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def give_consent(
    client: httpx.AsyncClient, *, actor: Actor, status: int = 201, **body: Any
) -> dict[str, Any]:
    body.setdefault("form", "verbal")
    r = await client.post("/consents", headers=actor.headers, json=body)
    assert r.status_code == status, r.text
    return dict(r.json())


async def decide_sharing(
    client: httpx.AsyncClient, *, actor: Actor, status: int = 201, **body: Any
) -> dict[str, Any]:
    body.setdefault("consent_sought", True)
    body.setdefault("subject_told", True)
    body.setdefault("reasons", "Recorded reasons")
    r = await client.post("/sharing-decisions", headers=actor.headers, json=body)
    assert r.status_code == status, r.text
    return dict(r.json())


async def summary_of(
    client: httpx.AsyncClient, *, actor: Actor, person: str, purpose: str, status: int = 200
) -> dict[str, Any]:
    r = await client.get(
        f"/people/{person}/summary", headers=actor.headers, params={"purpose": purpose}
    )
    assert r.status_code == status, r.text
    return dict(r.json())


def summaries(view: dict[str, Any]) -> set[str]:
    return {r["summary"] for r in view["records"]}


def withheld(view: dict[str, Any]) -> dict[str, int]:
    return {w["reason"]: w["count"] for w in view["withheld"]}


async def relate(
    client: httpx.AsyncClient, actor: Actor, parent: str, child: str, pr: bool = True
) -> None:
    """Record that `parent` is a parent of `child` (with parental responsibility by default)."""
    r = await client.post(
        "/relationships",
        headers=actor.headers,
        json={
            "person_id": parent,
            "related_person_id": child,
            "kind": "parent",
            "parental_responsibility": pr,
        },
    )
    assert r.status_code == 201, r.text
