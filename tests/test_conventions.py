"""API conventions on every route: problem details, idempotency, ETags, pagination, limits."""

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.db import make_engine
from app.main import create_app
from tests.factories import (
    ADMIN,
    make_practitioner,
    make_staffed_agency,
    register_person,
)
from tests.test_auth import assert_problem


@dataclass
class PostCase:
    """A POST route with a valid body and, for each kind of bad input, the field at fault."""

    path: str
    body: dict[str, Any]
    missing: str  # a required field
    wrong_type: tuple[str, Any]
    bad_enum: tuple[str, Any] | None  # None when the body has no enum field
    as_admin: bool = False
    as_platform: bool = False
    ok_status: int = 201
    if_match: bool = False  # an action on a shared object: needs If-Match
    as_peer: bool = False  # answers come from the agency asked
    actor: str | None = None  # another caller from the world, by name
    ok_status: int = 201
    if_match: bool = False  # an action on a shared object: needs If-Match


@pytest.fixture
async def world(client):
    admin, worker = await make_staffed_agency(client, name="School")
    other = await register_person(client, actor=worker, given_name="Jenny", nhs_number="9434765919")
    person = await register_person(client, actor=worker)
    family = await client.post("/families", headers=worker.headers, json={"name": "Doe household"})
    _, peer = await make_staffed_agency(client, name="Peer agency", kind="health_visiting")
    adult = await register_person(
        client, actor=worker, given_name="Adult", date_of_birth="1980-01-01"
    )
    record = await client.post(
        "/records",
        headers=worker.headers,
        json={
            "subject_person_id": person["id"],
            "category": "education",
            "level": "confidential",
            "summary": "A note",
            "occurred_on": "2026-10-01",
        },
    )
    consent = await client.post(
        "/consents",
        headers=worker.headers,
        json={
            "decision": "granted",
            "subjects": [adult["id"]],
            "given_by": [adult["id"]],
            "form": "verbal",
            "recipients": [peer.agency_id],
            "purposes": ["family_support"],
        },
    )
    decision = await client.post(
        "/sharing-decisions",
        headers=worker.headers,
        json={
            "kind": "share",
            "subject_person_id": person["id"],
            "recipients": [peer.agency_id],
            "purposes": ["family_support"],
            "categories": ["education"],
            "legal_basis": "public_interest",
            "reasons": "x",
            "consent_sought": True,
            "subject_told": True,
        },
    )
    group = await client.post(
        "/groups",
        headers=admin.headers,
        json={
            "name": "JAG",
            "kind": "joint_action_group",
            "chair_agency_id": admin.agency_id,
            "purposes": ["family_support"],
            "legal_gateway": "children_act_s17",
        },
    )
    await register_person(client, actor=peer, given_name="Jack", nhs_number="9434765870")
    request = await client.post(
        "/information-requests",
        headers=worker.headers,
        json={
            "subject_person_id": person["id"],
            "purpose": "family_support",
            "needed": "Anything",
            "due_by": "2099-01-01",
            "holders": [peer.agency_id],
        },
    )
    referral = await client.post(
        "/referrals",
        headers=worker.headers,
        json={
            "to_agency_id": peer.agency_id,
            "subject_person_ids": [person["id"]],
            "purpose": "family_support",
            "reason": "x",
            "action_expected": "y",
            "feedback_by": "2099-01-01",
        },
    )
    _, social = await make_staffed_agency(
        client, name="Social care", kind="social_care", job_title="Social worker"
    )
    child = await register_person(
        client, actor=social, given_name="Ryan", date_of_birth="2016-02-01"
    )
    status = await client.post(
        f"/people/{child['id']}/child-status",
        headers=social.headers,
        json={
            "status": "child_in_need",
            "start_date": "2026-11-01",
            "social_worker_id": social.practitioner_id,
        },
    )
    assert status.status_code == 201, status.text
    caf = await client.post(
        "/early-help-assessments", headers=worker.headers, json={"child_id": person["id"]}
    )
    action = await client.post(
        "/actions",
        headers=worker.headers,
        json={
            "child_id": person["id"],
            "plan": "joint plan",
            "description": "x",
            "due_on": "2099-01-01",
        },
    )
    review = await client.post(
        "/reviews",
        headers=worker.headers,
        json={
            "child_id": person["id"],
            "what": "x",
            "due_on": "2099-01-01",
            "responsible_practitioner_id": worker.practitioner_id,
        },
    )
    [involvement] = (
        await client.get(f"/people/{other['id']}/involvements", headers=worker.headers)
    ).json()
    followed = await register_person(client, actor=worker, given_name="Followed")
    [ended] = (
        await client.get(f"/people/{followed['id']}/involvements", headers=worker.headers)
    ).json()
    closing = await client.post(
        f"/involvements/{ended['id']}/end",
        headers=worker.headers,
        json={
            "reason": "Assessment done",
            "concerns_remain": True,
            "follow_up": {
                "monitor_practitioner_id": worker.practitioner_id,
                "review_on": "2099-01-01",
                "what": "x",
            },
        },
    )
    assert closing.status_code == 200, closing.text
    follow_up = (await client.get("/alerts", headers=worker.headers)).json()[0]["object_id"]
    conference = await client.post(
        "/conferences",
        headers=worker.headers,
        json={
            "kind": "team_around_the_family",
            "title": "TAF",
            "held_on": "2026-11-01",
            "purpose": "family_support",
            "chair_practitioner_id": worker.practitioner_id,
            "attending_agency_ids": [peer.agency_id],
            "subject_person_ids": [person["id"]],
        },
    )
    for created in (
        record,
        consent,
        decision,
        group,
        request,
        referral,
        caf,
        action,
        review,
        conference,
    ):
        assert created.status_code == 201, created.text
    return {
        "admin": admin,
        "worker": worker,
        "person": person,
        "other": other,
        "adult": adult,
        "family": family.json(),
        "peer": peer,
        "record": record.json(),
        "consent": consent.json(),
        "decision": decision.json(),
        "group": group.json(),
        "request": request.json(),
        "referral": referral.json(),
        "social": social,
        "child": child,
        "child_status": status.headers["location"],
        "caf": caf.json(),
        "action": action.json(),
        "review": review.json(),
        "involvement": involvement,
        "follow_up": follow_up,
        "conference": conference.json(),
    }


def post_cases(w: dict[str, Any]) -> list[PostCase]:
    a, p, pid, oid = (
        w["admin"].agency_id,
        w["worker"].practitioner_id,
        w["person"]["id"],
        w["other"]["id"],
    )
    return [
        PostCase(
            "/agencies",
            {"name": "Police", "kind": "police", "sector": "statutory"},
            "name",
            ("sensitive_service", {"x": 1}),
            ("kind", "bakery"),
            as_platform=True,
        ),
        PostCase(
            f"/agencies/{a}/services",
            {"name": "MASH team"},
            "name",
            ("name", 12),
            None,
            as_admin=True,
        ),
        PostCase(
            f"/agencies/{a}/practitioners",
            {"name": "Kelly", "job_title": "Outreach worker"},
            "job_title",
            ("name", ["x"]),
            ("roles", ["superuser"]),
            as_admin=True,
        ),
        PostCase(
            f"/agencies/{a}/practitioners/{p}/api-keys",
            {"label": "script"},
            "label",
            ("expires_at", "soon"),
            None,
            as_admin=True,
        ),
        PostCase(
            f"/agencies/{a}/clients",
            {
                "name": "Case system",
                "jwks": {"keys": [{"kty": "RSA", "kid": "k", "n": "AQAB", "e": "AQAB"}]},
            },
            "jwks",
            ("jwks", "not-a-jwks"),
            None,
            as_admin=True,
        ),
        PostCase(
            "/people",
            {"given_name": "Amy", "date_of_birth": "2015-01-01", "reason": "pupil"},
            "reason",
            ("date_of_birth", "yesterday"),
            ("kind", "alien"),
        ),
        PostCase(
            f"/people/{pid}/addresses",
            {"line1": "1 High St"},
            "line1",
            ("confidential", "maybe"),
            None,
        ),
        PostCase(
            f"/people/{pid}/competence",
            {"competent": True, "standard": "gillick", "assessed_on": "2026-01-01"},
            "competent",
            ("assessed_on", 5),
            ("standard", "vibes"),
        ),
        PostCase(
            "/relationships",
            {"person_id": oid, "related_person_id": pid, "kind": "sibling"},
            "kind",
            ("parental_responsibility", "perhaps"),
            ("kind", "nemesis"),
        ),
        PostCase("/families", {"name": "Household"}, "name", ("members", "all"), None),
        PostCase(
            f"/families/{w['family']['id']}/members",
            {"person_id": oid},
            "person_id",
            ("person_id", 5),
            None,
            ok_status=200,
            if_match=True,
        ),
        PostCase(
            "/records",
            {
                "subject_person_id": pid,
                "category": "housing",
                "level": "confidential",
                "summary": "Damp",
                "occurred_on": "2026-09-01",
            },
            "summary",
            ("occurred_on", "last week"),
            ("category", "gossip"),
        ),
        PostCase(
            f"/records/{w['record']['id']}/corrections",
            {"summary": "Fixed", "reason": "typo"},
            "reason",
            ("occurred_on", 7),
            ("level", "secret"),
        ),
        PostCase(
            "/consents",
            {
                "decision": "refused",
                "subjects": [w["adult"]["id"]],
                "given_by": [w["adult"]["id"]],
                "form": "written",
                "recipients": [w["peer"].agency_id],
                "purposes": ["health_care"],
            },
            "purposes",
            ("subjects", "everyone"),
            ("form", "telepathy"),
        ),
        PostCase(
            f"/consents/{w['consent']['id']}/withdrawal",
            {"reason": "changed mind"},
            "reason",
            ("reason", ["x"]),
            None,
            ok_status=200,
            if_match=True,
        ),
        PostCase(
            "/sharing-decisions",
            {
                "kind": "not_share",
                "subject_person_id": pid,
                "recipients": [w["peer"].agency_id],
                "purposes": ["health_care"],
                "reasons": "No benefit",
                "consent_sought": True,
                "subject_told": True,
            },
            "reasons",
            ("consent_sought", "sort of"),
            ("kind", "maybe"),
        ),
        PostCase(
            f"/sharing-decisions/{w['decision']['id']}/end",
            {"reason": "done"},
            "reason",
            ("reason", {"a": 1}),
            None,
            ok_status=200,
            if_match=True,
        ),
        PostCase(
            "/groups",
            {
                "name": "TAF",
                "kind": "team_around_the_family",
                "chair_agency_id": a,
                "purposes": ["family_support"],
                "legal_gateway": "children_act_s17",
            },
            "chair_agency_id",
            ("purposes", "all"),
            ("legal_gateway", "vibes"),
            as_admin=True,
        ),
        PostCase(
            f"/groups/{w['group']['id']}/members",
            {"agency_id": w["peer"].agency_id},
            "agency_id",
            ("agency_id", 12),
            None,
            as_admin=True,
            ok_status=200,
            if_match=True,
        ),
        PostCase(
            f"/groups/{w['group']['id']}/agenda",
            {"person_id": pid, "meeting_on": "2026-11-01", "reason": "x"},
            "reason",
            ("meeting_on", "soon"),
            None,
        ),
        PostCase(
            "/information-requests",
            {
                "subject_person_id": pid,
                "purpose": "family_support",
                "needed": "x",
                "due_by": "2099-01-01",
                "holders": [w["peer"].agency_id],
            },
            "needed",
            ("holders", "everyone"),
            ("purpose", "curiosity"),
        ),
        PostCase(
            f"/information-requests/{w['request']['id']}/answers",
            {"decline": {"reasons": "No", "consent_sought": True, "subject_told": True}},
            "decline/reasons",
            ("note", ["x"]),
            None,
            ok_status=200,
            as_peer=True,
        ),
        PostCase(
            "/referrals",
            {
                "to_agency_id": w["peer"].agency_id,
                "subject_person_ids": [pid],
                "purpose": "family_support",
                "reason": "Needs support",
                "action_expected": "Assess",
                "feedback_by": "2099-01-01",
            },
            "reason",
            ("subject_person_ids", "all"),
            ("purpose", "gossip"),
        ),
        PostCase(
            f"/referrals/{w['referral']['id']}/decline",
            {"reason": "Threshold not met"},
            "reason",
            ("reason", 3),
            None,
            ok_status=200,
            if_match=True,
            as_peer=True,
        ),
        PostCase(
            f"/people/{pid}/involvements",
            {"reason": "Pastoral support"},
            "reason",
            ("service_id", "the team"),
            None,
        ),
        PostCase(
            f"/people/{w['adult']['id']}/lead-professional",
            {
                "practitioner_id": w["worker"].practitioner_id,
                "agreed_by": [w["adult"]["id"]],
                "agreed_on": "2026-11-01",
                "reason": "Knows the family",
            },
            "agreed_by",
            ("agreed_on", "yesterday"),
            None,
        ),
        PostCase("/early-help-assessments", {"child_id": pid}, "child_id", ("note", ["x"]), None),
        PostCase(
            f"/early-help-assessments/{w['caf']['id']}/transitions",
            {"to": "consent_sought"},
            "to",
            ("note", 5),
            ("to", "abandoned"),
            ok_status=200,
            if_match=True,
        ),
        PostCase(
            f"/people/{w['child']['id']}/child-status",
            {
                "status": "child_in_need",
                "start_date": "2026-11-01",
                "social_worker_id": w["social"].practitioner_id,
            },
            "social_worker_id",
            ("start_date", "soon"),
            ("status", "famous"),
            actor="social",
        ),
        PostCase(
            f"{w['child_status']}/end",
            {"reason": "Stepped down to early help"},
            "reason",
            ("end_date", "someday"),
            None,
            ok_status=200,
            if_match=True,
            actor="social",
        ),
        PostCase(
            "/actions",
            {
                "child_id": pid,
                "plan": "joint plan",
                "description": "Breakfast club",
                "due_on": "2099-01-01",
            },
            "description",
            ("due_on", "soon"),
            None,
        ),
        PostCase(
            f"/actions/{w['action']['id']}/transitions",
            {"to": "in_progress"},
            "to",
            ("outcome", 3),
            ("to", "forgotten"),
            ok_status=200,
            if_match=True,
        ),
        PostCase(
            "/reviews",
            {
                "child_id": pid,
                "what": "Monitoring",
                "due_on": "2099-01-01",
                "responsible_practitioner_id": w["worker"].practitioner_id,
            },
            "what",
            ("recurrence_days", "fortnightly"),
            None,
        ),
        PostCase(
            f"/reviews/{w['review']['id']}/outcome",
            {"to": "missed"},
            "to",
            ("outcome", ["x"]),
            ("to", "postponed"),
            ok_status=200,
            if_match=True,
        ),
        PostCase(
            f"/involvements/{w['involvement']['id']}/end",
            {"reason": "Moved away", "concerns_remain": False},
            "concerns_remain",
            ("reason", 7),
            None,
            ok_status=200,
        ),
        PostCase(
            f"/follow-ups/{w['follow_up']}/failed-contacts",
            {"note": "No answer"},
            "note",
            ("note", {"a": 1}),
            None,
            ok_status=200,
        ),
        PostCase(
            "/conferences",
            {
                "kind": "child_in_need_review",
                "title": "CIN review",
                "held_on": "2026-11-01",
                "purpose": "child_in_need_assessment",
                "chair_practitioner_id": w["worker"].practitioner_id,
                "attending_agency_ids": [w["peer"].agency_id],
                "subject_person_ids": [pid],
            },
            "title",
            ("held_on", "next week"),
            ("kind", "party"),
        ),
        PostCase(
            f"/conferences/{w['conference']['id']}/notes",
            {"kind": "decision", "text": "Review in 3 months"},
            "text",
            ("text", 9),
            ("kind", "gossip"),
            ok_status=200,
        ),
        PostCase(
            f"/conferences/{w['conference']['id']}/attendees",
            {"practitioner_ids": [w["worker"].practitioner_id]},
            "practitioner_ids",
            ("practitioner_ids", "everyone"),
            None,
            ok_status=200,
        ),
        PostCase(
            "/concerns",
            {"child_id": pid, "summary": "Crying for hours", "source": "neighbour"},
            "summary",
            ("source_description", 4),
            ("source", "rumour"),
        ),
    ]


def without(body: dict[str, Any], path: list[str]) -> dict[str, Any]:
    """The body less one (possibly nested) field."""
    head, *rest = path
    if not rest:
        return {k: v for k, v in body.items() if k != head}
    return {**body, head: without(body[head], rest)}


def headers_for(case: PostCase, w: dict[str, Any]) -> dict[str, str]:
    if case.as_platform:
        return ADMIN
    if case.actor is not None:
        headers = w[case.actor].headers
    else:
        headers = (
            w["admin"] if case.as_admin else w["peer"] if case.as_peer else w["worker"]
        ).headers
    return {**headers, "If-Match": "*"} if case.if_match else headers


async def test_post_cases_cover_every_post_operation(app, world):
    def shape(path: str) -> str:
        return "/".join("{}" if p.startswith("{") or len(p) == 36 else p for p in path.split("/"))

    covered = {shape(c.path) for c in post_cases(world)}
    # The token endpoint takes a form (tests/test_auth.py); some actions take no body at all.
    template = {
        shape(path)
        for path, ops in app.openapi()["paths"].items()
        if "post" in ops and path != "/oauth2/token" and "requestBody" in ops["post"]
    }
    assert template <= covered, f"add a PostCase for {template - covered}"


async def test_every_post_rejects_bad_input_with_problem_details(client, world):
    for case in post_cases(world):
        h = headers_for(case, world)
        body = without(case.body, case.missing.split("/"))
        problem = assert_problem(await client.post(case.path, headers=h, json=body), 422)
        assert any(e["field"] == f"body:/{case.missing}" for e in problem["errors"]), (
            case.path,
            problem,
        )

        field, value = case.wrong_type
        problem = assert_problem(
            await client.post(case.path, headers=h, json={**case.body, field: value}), 422
        )
        assert any(e["field"].startswith(f"body:/{field}") for e in problem["errors"]), (
            case.path,
            problem,
        )

        if case.bad_enum:
            field, value = case.bad_enum
            r = await client.post(case.path, headers=h, json={**case.body, field: value})
            problem = assert_problem(r, 422)
            assert any(e["field"].startswith(f"body:/{field}") for e in problem["errors"]), (
                case.path,
                problem,
            )

        r = await client.post(
            case.path, headers={**h, "content-type": "application/json"}, content=b"{not json"
        )
        assert_problem(r, 422)

        oversize = {**case.body, "padding": "x" * 1_100_000}
        problem = assert_problem(await client.post(case.path, headers=h, json=oversize), 413)
        assert "1000000 bytes" in problem["detail"]

        # The valid body works, so each failure above was about the input, not the route.
        ok = await client.post(case.path, headers=h, json=case.body)
        assert ok.status_code == case.ok_status, (case.path, ok.text)


async def test_oversize_body_without_content_length_is_413(client, world):
    async def chunks():
        for _ in range(40):
            yield b"x" * 50_000

    r = await client.post("/people", headers=world["worker"].headers, content=chunks())
    assert_problem(r, 413)


async def test_bad_nhs_number_names_the_field(client, world):
    body = {"given_name": "Ben", "reason": "pupil", "nhs_number": "9434765918"}
    problem = assert_problem(
        await client.post("/people", headers=world["worker"].headers, json=body), 422
    )
    assert problem["errors"][0]["field"] == "body:/nhs_number"
    assert "check digit" in problem["errors"][0]["detail"]


async def test_idempotent_retry_returns_the_stored_creation(client, world):
    h = {**world["worker"].headers, "Idempotency-Key": "register-amy-1"}
    body = {"given_name": "Amy", "date_of_birth": "2015-01-01", "reason": "pupil"}
    first = await client.post("/people", headers=h, json=body)
    again = await client.post("/people", headers=h, json=body)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    listed = (await client.get("/people", headers=world["worker"].headers)).json()["items"]
    assert [p["given_name"] for p in listed].count("Amy") == 1

    changed = await client.post("/people", headers=h, json={**body, "given_name": "Amelia"})
    problem = assert_problem(changed, 422)
    assert problem["errors"][0]["field"] == "header:/Idempotency-Key"


async def test_idempotency_keys_are_scoped_per_caller(client, world):
    colleague = await make_practitioner(client, admin=world["admin"], name="Colleague")
    body = {"given_name": "Amy", "date_of_birth": "2015-01-01", "reason": "pupil"}
    r1 = await client.post(
        "/people", headers={**world["worker"].headers, "Idempotency-Key": "k"}, json=body
    )
    r2 = await client.post(
        "/people",
        headers={**colleague.headers, "Idempotency-Key": "k"},
        json={**body, "given_name": "Ann"},
    )
    assert r1.status_code == r2.status_code == 201
    assert r2.json()["given_name"] == "Ann" and "idempotent-replayed" not in r2.headers


async def test_failed_creation_does_not_burn_the_key(client, world):
    h = {**world["worker"].headers, "Idempotency-Key": "addr-1"}
    r = await client.post(
        f"/people/{uuid.uuid4()}/addresses", headers=h, json={"line1": "1 High St"}
    )
    assert_problem(r, 404)
    r = await client.post(
        f"/people/{world['person']['id']}/addresses", headers=h, json={"line1": "1 High St"}
    )
    assert r.status_code == 201


async def test_if_match_is_required_and_checked(client, world):
    h = world["worker"].headers
    url = f"/people/{world['person']['id']}"
    first = await client.get(url, headers=h)
    etag = first.headers["etag"]
    assert_problem(await client.patch(url, headers=h, json={"given_name": "Jackie"}), 428)
    ok = await client.patch(url, headers={**h, "If-Match": etag}, json={"given_name": "Jackson"})
    assert ok.status_code == 200 and ok.json()["given_name"] == "Jackson"
    assert ok.headers["etag"] != etag and ok.json()["version"] == 2
    stale = await client.patch(url, headers={**h, "If-Match": etag}, json={"given_name": "Jack"})
    assert_problem(stale, 412)
    assert (await client.get(url, headers=h)).json()["given_name"] == "Jackson"


async def test_update_keeps_the_profile_consistent(client, world):
    h = world["worker"].headers
    url = f"/people/{world['person']['id']}"
    etag = (await client.get(url, headers=h)).headers["etag"]
    r = await client.patch(
        url, headers={**h, "If-Match": etag}, json={"given_name": None, "family_name": None}
    )
    assert_problem(r, 422)
    assert (await client.get(url, headers=h)).json()["given_name"] == "Jack"


async def test_pagination_loses_and_repeats_nothing(client, world):
    h = world["worker"].headers
    for i in range(7):
        await register_person(client, actor=world["worker"], given_name=f"Child{i}")
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/people", headers=h, params=params)).json()
        seen += [p["id"] for p in page["items"]]
        pages += 1
        if pages == 2:  # a person added mid-walk appears once, at the end
            await register_person(client, actor=world["worker"], given_name="Late")
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 12  # 4 from the world, 7, and the late one
    assert pages == 4
    assert_problem(await client.get("/people", headers=h, params={"cursor": "!!!"}), 422)
    assert_problem(await client.get("/people", headers=h, params={"limit": 1000}), 422)


async def test_rate_limit_per_caller(settings, engine, sessionmaker, world):
    limited = create_app(settings.model_copy(update={"rate_limit": "3/minute"}), engine)
    from app.deps import get_sessionmaker

    limited.dependency_overrides[get_sessionmaker] = lambda: sessionmaker
    transport = httpx.ASGITransport(app=limited)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        for _ in range(3):
            assert (await c.get("/me", headers=world["worker"].headers)).status_code == 200
        r = await c.get("/me", headers=world["worker"].headers)
        assert_problem(r, 429)
        assert int(r.headers["retry-after"]) >= 1
        # Another caller has its own allowance.
        assert (await c.get("/me", headers=world["admin"].headers)).status_code == 200


async def test_request_id_is_echoed_and_in_problems(client):
    r = await client.get("/people", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    assert r.json()["request_id"] == "abc-123"
    r = await client.get("/people", headers={"X-Request-ID": "bad id with spaces"})
    assert r.headers["x-request-id"] != "bad id with spaces"


async def test_unknown_route_and_method_are_problems(client):
    assert_problem(await client.get("/nowhere"), 404)
    assert_problem(await client.put("/health"), 405)


async def test_database_down_is_503_and_recovers(tmp_path, settings):
    missing_dir = tmp_path / "not-yet"
    url = f"sqlite+aiosqlite:///{missing_dir}/confer.db"
    app = create_app(settings.model_copy(update={"database_url": url}))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        assert_problem(await c.get("/ready"), 503)
        r = await c.get("/people", headers={"Authorization": "Bearer cfk_0123456789abcdef_x"})
        problem = assert_problem(r, 503)
        assert r.headers["retry-after"]
        assert "database" in problem["detail"]
        assert (await c.get("/health")).status_code == 200
        missing_dir.mkdir()  # the database becomes reachable: no restart needed
        assert (await c.get("/ready")).status_code == 200
    await app.state.engine.dispose()


async def test_concurrent_same_key_gets_one_creation(settings, engine):
    """Two in-flight requests with one key: one creation, the other gets its stored result.

    This needs real commits on separate connections, so it runs on the engine, not in the
    test's rolled-back transaction; its data is unique to it.
    """
    app = create_app(settings, engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        _admin, worker = await make_staffed_agency(c, name=f"Race school {uuid.uuid4()}")
        h = {**worker.headers, "Idempotency-Key": "race"}
        body = {"given_name": "Racer", "reason": "pupil"}
        r1, r2 = await asyncio.gather(
            c.post("/people", headers=h, json=body), c.post("/people", headers=h, json=body)
        )
        assert {r1.status_code, r2.status_code} == {201}
        assert r1.json()["id"] == r2.json()["id"]
        replayed = [r.headers.get("idempotent-replayed") for r in (r1, r2)]
        assert sorted(map(str, replayed)) == ["None", "true"]
        listed = (await c.get("/people", headers=worker.headers)).json()["items"]
        assert len(listed) == 1


async def test_postgresql_down_is_503(settings):
    # Nothing listens on port 1: connecting is refused, as when the database is down.
    url = "postgresql+asyncpg://confer_app@127.0.0.1:1/confer"
    app = create_app(settings.model_copy(update={"database_url": url}))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        assert_problem(await c.get("/ready"), 503)
        r = await c.get("/people", headers={"Authorization": "Bearer cfk_0123456789abcdef_x"})
        assert assert_problem(r, 503)["detail"].startswith("The database is not reachable")
    await app.state.engine.dispose()


async def test_rate_limits_in_memory_start_no_thread_per_request(monkeypatch):
    """limits' memory storage started a timer thread about once a request; ours sweeps stale
    keys inline, and still forgets them."""
    import asyncio
    import threading

    from limits import parse

    from app.ratelimit import InlineExpiryMemoryStorage, RateLimiter

    limiter = RateLimiter("memory://")
    item = parse("1000/second")
    await limiter.hit(item, "warm")
    await asyncio.sleep(0.03)  # the storage's first (constructor) timer has ended
    started = []
    real_start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda t: started.append(t) or real_start(t))
    for i in range(5):
        assert await limiter.hit(item, f"caller-{i}")
        await asyncio.sleep(0.015)  # longer than the library's 10 ms timer
    assert started == []
    storage = limiter._sync.storage  # type: ignore[union-attr]
    assert isinstance(storage, InlineExpiryMemoryStorage)
    assert any("caller-0" in k for k in storage.storage)
    await asyncio.sleep(2.1)  # past the 1 s window and its successor: the counters expire
    storage._next_sweep = 0.0
    assert await limiter.hit(item, "later")
    assert not any("caller-0" in k for k in storage.storage)
    # Still a limit: the 1001st hit within a second is refused.
    tight = parse("3/minute")
    assert [await limiter.hit(tight, "tight") for _ in range(4)] == [True, True, True, False]


async def test_connections_the_database_dropped_cost_one_503_then_it_recovers(
    fresh_database, settings
):
    """Without a pre-ping, a pooled connection that PostgreSQL dropped (a restart, a failover)
    fails the request that finds it with 503 and Retry-After; the pool is invalidated and the
    next request reconnects, with no restart of the service."""
    if not fresh_database.is_postgres:
        pytest.skip("a server that drops connections is a PostgreSQL matter")
    from sqlalchemy import text as sql

    app = create_app(settings.model_copy(update={"database_url": fresh_database.url}))
    transport = httpx.ASGITransport(app=app)
    server = make_engine(fresh_database.admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            _, worker = await make_staffed_agency(c, name="School")
            assert (await c.get("/people", headers=worker.headers)).status_code == 200
            async with server.connect() as conn:
                await conn.execute(
                    sql(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
            statuses = [(await c.get("/people", headers=worker.headers)) for _ in range(3)]
            assert statuses[0].status_code in (200, 503)
            if statuses[0].status_code == 503:
                assert statuses[0].headers["retry-after"]
            assert [r.status_code for r in statuses[1:]] == [200, 200]
    finally:
        await server.dispose()
        await app.state.engine.dispose()


def test_json_ready_gives_what_jsonable_encoder_gives() -> None:
    """An Idempotency-Key stored before `json_ready` replaced `jsonable_encoder` (in the request
    hash and the stored answer) still matches its retry."""
    import datetime as dt

    from fastapi.encoders import jsonable_encoder

    from app.idempotency import json_ready
    from app.models.casework import ReferralCreate
    from app.models.sharing import ConsentCreate

    ids = [str(uuid.UUID(int=n)) for n in range(1, 5)]
    consent = ConsentCreate.model_validate(
        {
            "decision": "granted",
            "subjects": ids[:2],
            "given_by": ids[2:3],
            "form": "written",
            "given_at": "2026-12-06T10:00:00+01:00",
            "recipients": ids[3:],
            "purposes": ["child_protection_enquiry", "health_care"],
            "categories": ["health"],
            "notes": 'Zoë\'s mother, "in person"\n',
        }
    )
    referral = ReferralCreate.model_validate(
        {
            "to_agency_id": ids[0],
            "subject_person_ids": ids[1:3],
            "purpose": "early_help_assessment",
            "reason": "r",
            "action_expected": "a",
            "feedback_by": dt.date(2026, 12, 20).isoformat(),
        }
    )
    for model in (consent, referral, None):
        assert json_ready(model) == jsonable_encoder(model)
    assert json_ready({"at": dt.date(2026, 1, 2)}) == {"at": "2026-01-02"}


def test_new_row_fills_what_the_constructor_fills() -> None:
    """A consent's or a referral's rows are built without SQLAlchemy's constructor: same
    columns, same defaults."""
    import datetime as dt

    from app.models.casework import Referral, ReferralSubject
    from app.models.requests import Share
    from app.models.sharing import ConsentStatement, ConsentSubject
    from app.writes import new_row

    a, b = uuid.UUID(int=1), uuid.UUID(int=2)
    cases = [
        (
            ConsentStatement,
            {
                "decision": "granted",
                "form": "written",
                "given_at": dt.datetime.now(dt.UTC),
                "recorded_by_agency_id": a,
                "article6_basis": "public_task",
            },
        ),
        (ConsentSubject, {"statement_id": a, "subject_person_id": b, "given_by_person_id": b}),
        (
            Referral,
            {
                "from_agency_id": a,
                "to_agency_id": b,
                "purpose": "health_care",
                "reason": "r",
                "action_expected": "x",
                "feedback_by": dt.date(2026, 12, 20),
            },
        ),
        (ReferralSubject, {"referral_id": a, "person_id": b}),
        (
            Share,
            {
                "referral_id": a,
                "holder_agency_id": a,
                "recipient_agency_id": b,
                "record_id": b,
                "subject_person_id": b,
                "purpose": "health_care",
                "why": "r",
            },
        ),
    ]
    for model, values in cases:
        built, constructed = new_row(model, **values).model_dump(), model(**values).model_dump()
        assert built.keys() == constructed.keys()
        generated = {k for k in built if built[k] != constructed[k]}
        assert generated <= {"id", "created_at", "given_at"}, (model.__name__, generated)
        for k in generated:  # fresh ids and times, of the same kind
            assert type(built[k]) is type(constructed[k])
