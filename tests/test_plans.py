"""Actions, reviews and alerts. Case 8's regression (no closing while concerns remain without a
real follow-up arrangement) is told in tests/stories/test_case_08_maggie.py."""

import uuid
from datetime import date, timedelta

from sqlalchemy import update

from app.models.plans import Review
from tests.factories import make_staffed_agency, register_person
from tests.test_auth import assert_problem

TODAY = date.today()


async def test_actions_lifecycle_with_owner_and_overdue(client):
    _, teacher = await make_staffed_agency(client, name="School")
    _, hv = await make_staffed_agency(client, name="Health visiting", kind="health_visiting")
    jack = await register_person(client, actor=teacher, given_name="Jack")
    body = {
        "child_id": jack["id"],
        "plan": "joint plan",
        "description": "Breakfast club place",
        "owner_agency_id": hv.agency_id,
        "owner_practitioner_id": hv.practitioner_id,
        "due_on": (TODAY + timedelta(days=7)).isoformat(),
    }
    r = await client.post("/actions", headers=teacher.headers, json=body)
    assert r.status_code == 201, r.text
    action = r.json()
    assert action["status"] == "open" and not action["overdue"]
    # The owner sees it too; others do not.
    assert [
        a["id"] for a in (await client.get("/actions", headers=hv.headers)).json()["items"]
    ] == [action["id"]]
    _, stranger = await make_staffed_agency(client, name="Stranger", kind="police")
    assert_problem(await client.get(f"/actions/{action['id']}", headers=stranger.headers), 404)
    url = f"/actions/{action['id']}/transitions"
    h = {**hv.headers, "If-Match": "*"}
    assert_problem(await client.post(url, headers=h, json={"to": "done"}), 422)  # outcome required
    assert (await client.post(url, headers=h, json={"to": "in_progress"})).status_code == 200
    r = await client.post(url, headers=h, json={"to": "done", "outcome": "Jack attends daily"})
    assert r.status_code == 200 and r.json()["outcome"] == "Jack attends daily"
    problem = assert_problem(
        await client.post(url, headers=h, json={"to": "cancelled", "reason": "x"}), 409
    )
    assert problem["current_state"] == "done"


async def test_fortnightly_review_recurs_and_overdue_is_listed(client, session):
    _, hv = await make_staffed_agency(client, name="Health visiting", kind="health_visiting")
    lisa = await register_person(client, actor=hv, given_name="Lisa", date_of_birth="1994-01-01")
    r = await client.post(
        "/reviews",
        headers=hv.headers,
        json={
            "child_id": lisa["id"],
            "what": "Fortnightly monitoring with the school",
            "due_on": TODAY.isoformat(),
            "responsible_practitioner_id": hv.practitioner_id,
            "recurrence_days": 14,
        },
    )
    assert r.status_code == 201, r.text
    review = r.json()
    await session.execute(
        update(Review)
        .where(Review.id == uuid.UUID(review["id"]))
        .values(due_on=TODAY - timedelta(days=1))
    )
    await session.commit()
    overdue = (await client.get("/reviews", headers=hv.headers, params={"overdue": True})).json()[
        "items"
    ]
    assert [x["id"] for x in overdue] == [review["id"]] and overdue[0]["overdue"]
    alerts = (await client.get("/alerts", headers=hv.headers)).json()
    assert [a["kind"] for a in alerts] == ["review_overdue"]
    r = await client.post(
        f"/reviews/{review['id']}/outcome",
        headers={**hv.headers, "If-Match": "*"},
        json={"to": "done", "outcome": "Jack better fed; mother engaging"},
    )
    assert r.status_code == 200
    nxt = r.json()["next_review_id"]
    assert (
        nxt
        and (await client.get(f"/reviews/{nxt}", headers=hv.headers)).json()["due_on"]
        == (TODAY + timedelta(days=13)).isoformat()
    )
    assert (await client.get("/alerts", headers=hv.headers)).json() == []


async def test_case_1_agencies_alert_each_other_of_concerns(client):
    _, kelly = await make_staffed_agency(
        client, name="Children's centre", kind="local_authority", job_title="Outreach worker"
    )
    _, housing = await make_staffed_agency(client, name="Housing office", kind="housing")
    _, clinic = await make_staffed_agency(
        client, name="Sexual health clinic", kind="sexual_health", sensitive_service=True
    )
    _, stranger = await make_staffed_agency(client, name="Stranger", kind="police")
    nhs = "9434765919"
    oliver = await register_person(
        client, actor=kelly, given_name="Oliver", date_of_birth="2023-04-08", nhs_number=nhs
    )
    await register_person(client, actor=housing, given_name="Oliver", nhs_number=nhs)
    await register_person(client, actor=clinic, given_name="Oliver", nhs_number=nhs)
    r = await client.post(
        "/concerns",
        headers=housing.headers,
        json={
            "child_id": oliver["id"],
            "summary": "Neighbour reports the children crying for hours",
            "source": "neighbour",
            "source_description": "Flat 3",
        },
    )
    assert r.status_code == 201, r.text
    alerts = (await client.get("/alerts", headers=kelly.headers)).json()
    assert [a["kind"] for a in alerts] == ["concern_raised"]
    assert "Housing office" in alerts[0]["text"]
    # The content is a confidential record: the alert does not carry it.
    assert "crying" not in str(alerts)
    assert (await client.get("/alerts", headers=housing.headers)).json() == []
    assert (await client.get("/alerts", headers=stranger.headers)).json() == []
    # A sensitive service's concern names no one.
    await client.post(
        "/concerns",
        headers=clinic.headers,
        json={"child_id": oliver["id"], "summary": "Mother disclosed violence", "source": "family"},
    )
    texts = [a["text"] for a in (await client.get("/alerts", headers=kelly.headers)).json()]
    assert any(t.startswith("Another agency") for t in texts)
    assert "clinic" not in " ".join(texts).lower()
