"""No path returns another agency's record without a disclosure-log entry.

Walks every GET route of the OpenAPI document twice: as an outside agency (every route about a
person or their information answers 404 and nothing is disclosed) and as an agency with interest
and a basis (every record it receives from another agency has a disclosure row carrying that
request's id).
"""

import re
import uuid
from typing import Any

from sqlalchemy import select

from app.models.sharing import Disclosure
from tests.factories import (
    add_record,
    give_consent,
    make_practitioner,
    make_staffed_agency,
    register_person,
)

PERSON_SCOPED = {
    "person_id",
    "record_id",
    "consent_id",
    "decision_id",
    "family_id",
    "request_id",
    "share_id",
    "referral_id",
    "caf_id",
    "action_id",
    "review_id",
    "follow_up_id",
    "conference_id",
}
ALL_CATEGORIES = ["health", "mental_health", "education", "housing", "family_circumstances"]


async def build_world(client) -> dict[str, Any]:
    _, holder = await make_staffed_agency(client, name="Holder", kind="health_visiting")
    reader_admin, reader = await make_staffed_agency(client, name="Reader", kind="school")
    outsider_admin, _ = await make_staffed_agency(client, name="Outsider", kind="police")
    roles = ("practitioner", "authorised_worker", "data_protection_officer")
    reader = await make_practitioner(client, admin=reader_admin, roles=roles)
    outsider = await make_practitioner(client, admin=outsider_admin, roles=roles)
    mum = await register_person(
        client, actor=holder, given_name="Mum", date_of_birth="1990-01-01", nhs_number="9434765919"
    )
    child = await register_person(
        client, actor=holder, given_name="Kid", date_of_birth="2020-01-01", nhs_number="9434765870"
    )
    r = await client.post(
        "/relationships",
        headers=holder.headers,
        json={
            "person_id": mum["id"],
            "related_person_id": child["id"],
            "kind": "parent",
            "parental_responsibility": True,
        },
    )
    assert r.status_code == 201
    await register_person(
        client, actor=reader, given_name="Kid", date_of_birth=None, nhs_number="9434765870"
    )
    records = []
    for subject in (mum, child):
        for category in ALL_CATEGORIES:
            records.append(
                await add_record(
                    client,
                    actor=holder,
                    subject=subject["id"],
                    category=category,
                    summary=f"{category} of {subject['given_name']}",
                )
            )
        await give_consent(
            client,
            actor=holder,
            decision="granted",
            subjects=[subject["id"]],
            given_by=[mum["id"]],
            recipients=[reader.agency_id],
            purposes=["early_help_assessment"],
            categories=ALL_CATEGORIES,
        )
    consent = await give_consent(
        client,
        actor=holder,
        decision="granted",
        subjects=[child["id"]],
        given_by=[mum["id"]],
        recipients=[reader.agency_id],
        purposes=["family_support"],
    )
    family = (
        await client.post(
            "/families",
            headers=holder.headers,
            json={"name": "F", "members": [{"person_id": child["id"]}]},
        )
    ).json()
    decision = (
        await client.post(
            "/sharing-decisions",
            headers=holder.headers,
            json={
                "kind": "not_share",
                "subject_person_id": child["id"],
                "recipients": [reader.agency_id],
                "purposes": ["housing_support"],
                "reasons": "x",
                "consent_sought": True,
                "subject_told": True,
            },
        )
    ).json()
    request = (
        await client.post(
            "/information-requests",
            headers=reader.headers,
            json={
                "subject_person_id": child["id"],
                "purpose": "early_help_assessment",
                "needed": "x",
                "due_by": "2099-01-01",
                "holders": [holder.agency_id],
            },
        )
    ).json()
    r = await client.post(
        f"/information-requests/{request['id']}/answers",
        headers=holder.headers,
        json={"share": {"record_ids": [records[-1]["id"]], "why": "w", "action_expected": "a"}},
    )
    assert r.status_code == 200, r.text
    share = (await client.get("/shares", headers=reader.headers)).json()["items"][0]
    referral = (
        await client.post(
            "/referrals",
            headers=holder.headers,
            json={
                "to_agency_id": reader.agency_id,
                "subject_person_ids": [child["id"]],
                "purpose": "early_help_assessment",
                "reason": "x",
                "action_expected": "y",
                "feedback_by": "2099-01-01",
            },
        )
    ).json()
    return {
        "holder": holder,
        "reader": reader,
        "outsider": outsider,
        "child": child,
        "mum": mum,
        "records": records,
        "consent": consent,
        "family": family,
        "decision": decision,
        "request": request,
        "share": share,
        "referral": referral,
        "action": (
            await client.post(
                "/actions",
                headers=holder.headers,
                json={
                    "child_id": child["id"],
                    "plan": "p",
                    "description": "d",
                    "due_on": "2099-01-01",
                },
            )
        ).json(),
        "review": (
            await client.post(
                "/reviews",
                headers=holder.headers,
                json={
                    "child_id": child["id"],
                    "what": "w",
                    "due_on": "2099-01-01",
                    "responsible_practitioner_id": holder.practitioner_id,
                },
            )
        ).json(),
        "follow_up": await _follow_up(client, holder, mum["id"]),
        "conference": (
            await client.post(
                "/conferences",
                headers=holder.headers,
                json={
                    "kind": "team_around_the_family",
                    "title": "TAF",
                    "held_on": "2026-11-01",
                    "purpose": "early_help_assessment",
                    "chair_practitioner_id": holder.practitioner_id,
                    "attending_agency_ids": [reader.agency_id],
                    "subject_person_ids": [child["id"]],
                },
            )
        ).json(),
        "caf": (
            await client.post(
                "/early-help-assessments", headers=holder.headers, json={"child_id": child["id"]}
            )
        ).json(),
    }


async def _follow_up(client, holder, person_id: str) -> str:
    [involvement] = (
        await client.get(f"/people/{person_id}/involvements", headers=holder.headers)
    ).json()
    r = await client.post(
        f"/involvements/{involvement['id']}/end",
        headers=holder.headers,
        json={
            "reason": "r",
            "concerns_remain": True,
            "follow_up": {
                "monitor_practitioner_id": holder.practitioner_id,
                "review_on": "2099-01-01",
                "what": "w",
            },
        },
    )
    assert r.status_code == 200, r.text
    return str((await client.get("/alerts", headers=holder.headers)).json()[0]["object_id"])


def params_for(
    path: str, op: dict[str, Any], w: dict[str, Any], actor
) -> tuple[str, dict[str, Any]]:
    values = {
        "person_id": w["child"]["id"],
        "record_id": w["records"][0]["id"],
        "consent_id": w["consent"]["id"],
        "decision_id": w["decision"]["id"],
        "family_id": w["family"]["id"],
        "agency_id": actor.agency_id,
        "practitioner_id": actor.practitioner_id,
        "group_id": str(uuid.uuid4()),
        "client_id": str(uuid.uuid4()),
        "service_id": str(uuid.uuid4()),
        "key_id": str(uuid.uuid4()),
        "request_id": w["request"]["id"],
        "share_id": w["share"]["id"],
        "referral_id": w["referral"]["id"],
        "caf_id": w["caf"]["id"],
        "action_id": w["action"]["id"],
        "review_id": w["review"]["id"],
        "follow_up_id": w["follow_up"],
        "conference_id": w["conference"]["id"],
        "status_id": str(uuid.uuid4()),  # the holder records no child status (social care does)
    }
    url = re.sub(r"{(\w+)}", lambda m: values[m.group(1)], path)
    query: dict[str, Any] = {}
    for p in op.get("parameters", []):
        if p["in"] != "query" or not p.get("required"):
            continue
        query[p["name"]] = {
            "purpose": "early_help_assessment",
            "subject_person_id": w["child"]["id"],
            "entry_id": 1,
            "tree_size": 1,
            "old_size": 1,
            "new_size": 1,
        }[p["name"]]
    return url, query


def get_routes(app) -> list[tuple[str, dict[str, Any]]]:
    return [(path, ops["get"]) for path, ops in app.openapi()["paths"].items() if "get" in ops]


def received_records(body: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(body, dict):
        if {"holder_agency_id", "subject_person_id", "summary"} <= body.keys():
            found.append(body)
        for value in body.values():
            found += received_records(value)
    elif isinstance(body, list):
        for value in body:
            found += received_records(value)
    return found


async def test_outsider_gets_404_and_nothing_is_disclosed(app, client, session):
    w = await build_world(client)
    outsider = w["outsider"]
    walked = 0
    for path, op in get_routes(app):
        url, query = params_for(path, op, w, outsider)
        r = await client.get(url, headers=outsider.headers, params=query)
        assert r.status_code < 500, (path, r.text)
        if PERSON_SCOPED & set(re.findall(r"{(\w+)}", path)) or "subject_person_id" in query:
            assert r.status_code == 404, (path, r.status_code, r.text)
        assert w["child"]["given_name"] not in r.text and "of Mum" not in r.text, path
        walked += 1
    assert walked >= 25
    leaked = (
        (
            await session.execute(
                select(Disclosure).where(
                    Disclosure.recipient_agency_id == uuid.UUID(outsider.agency_id)
                )
            )
        )
        .scalars()
        .all()
    )
    assert leaked == []


async def test_every_record_received_has_a_disclosure_row_with_the_request_id(app, client, session):
    w = await build_world(client)
    reader = w["reader"]
    received_total = 0
    for path, op in get_routes(app):
        url, query = params_for(path, op, w, reader)
        request_id = uuid.uuid4().hex
        r = await client.get(
            url, headers={**reader.headers, "X-Request-ID": request_id}, params=query
        )
        assert r.status_code < 500, (path, r.text)
        if r.status_code != 200 or not r.headers["content-type"].startswith("application/json"):
            continue
        foreign = [
            rec for rec in received_records(r.json()) if rec["holder_agency_id"] != reader.agency_id
        ]
        rows = (
            (await session.execute(select(Disclosure).where(Disclosure.request_id == request_id)))
            .scalars()
            .all()
        )
        logged = {str(d.record_id) for d in rows}
        for rec in foreign:
            assert rec["id"] in logged, (path, rec["summary"])
            assert all(str(d.recipient_agency_id) == reader.agency_id for d in rows)
        received_total += len(foreign)
    # The walk did receive records from the holder, through several routes.
    assert received_total >= 10
