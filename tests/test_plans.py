"""Actions, reviews and alerts. Case 8's regression (no closing while concerns remain without a
real follow-up arrangement) is told in tests/stories/test_case_08_maggie.py."""

import uuid
from datetime import date, timedelta

from sqlalchemy import update

from app.models.plans import Review
from tests.factories import (
    give_consent,
    make_practitioner,
    make_staffed_agency,
    register_person,
    relate,
)
from tests.stories.steps_a import nhs
from tests.test_auth import assert_problem

TODAY = date.today()
AUTHORISED = ("practitioner", "authorised_worker")


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
    # A sensitive service's concern: even unnamed, an alert would tell that it works with the
    # child, so the others are alerted only once the family agreed they may know it.
    r = await client.post(
        "/concerns",
        headers=clinic.headers,
        json={"child_id": oliver["id"], "summary": "Mother disclosed violence", "source": "family"},
    )
    assert r.status_code == 201, r.text
    before = (await client.get("/alerts", headers=kelly.headers)).json()
    assert [a["kind"] for a in before] == ["concern_raised"]
    assert "clinic" not in str(before).lower() and "another agency" not in str(before).lower()
    kate = await register_person(
        client, actor=clinic, given_name="Kate", date_of_birth="1990-01-01"
    )
    await relate(client, clinic, kate["id"], oliver["id"])
    await give_consent(
        client,
        actor=clinic,
        decision="granted",
        subjects=[oliver["id"]],
        given_by=[kate["id"]],
        recipients=[kelly.agency_id],
        purposes=["family_support"],
        show_involvement=True,
    )
    texts = [a["text"] for a in (await client.get("/alerts", headers=kelly.headers)).json()]
    assert any(t.startswith("Sexual health clinic raised a concern") for t in texts)
    housing_texts = [
        a["text"] for a in (await client.get("/alerts", headers=housing.headers)).json()
    ]
    assert "clinic" not in " ".join(housing_texts).lower()


async def _review(client, actor, about: dict, **extra):
    body = {
        **about,
        "what": "Fortnightly monitoring with the school",
        "due_on": (TODAY + timedelta(days=14)).isoformat(),
        "responsible_practitioner_id": actor.practitioner_id,
        "recurrence_days": 14,
        **extra,
    }
    return await client.post("/reviews", headers=actor.headers, json=body)


async def test_joint_review_names_practitioners_of_agencies_with_interest(client, session):
    """Case 3: the health visitor and the school share one fortnightly review."""
    hv_admin, hv = await make_staffed_agency(
        client, name="Health visiting", kind="health_visiting", roles=AUTHORISED
    )
    hv_colleague = await make_practitioner(client, admin=hv_admin, name="Colleague")

    school_admin, teacher = await make_staffed_agency(client, name="School")
    _, police = await make_staffed_agency(client, name="Police", kind="police")
    _, clinic = await make_staffed_agency(
        client, name="Clinic", kind="mental_health", sensitive_service=True
    )
    number = nhs(901)
    jack = await register_person(client, actor=hv, given_name="Jack", nhs_number=number)
    await register_person(client, actor=teacher, given_name="Jack", nhs_number=number)
    await register_person(client, actor=clinic, given_name="Jack", nhs_number=number)
    about = {"child_id": jack["id"]}
    # Unknown practitioner: 404 at its index. No interest: 422 at its index. A sensitive
    # service's practitioner, although it knows Jack: the same 422, so nothing is revealed.
    problem = assert_problem(
        await _review(client, hv, about, participant_practitioner_ids=[str(uuid.uuid4())]), 404
    )
    assert problem["errors"][0]["field"] == "body:/participant_practitioner_ids/0"
    no_interest = assert_problem(
        await _review(
            client,
            hv,
            about,
            participant_practitioner_ids=[teacher.practitioner_id, police.practitioner_id],
        ),
        422,
    )
    assert no_interest["errors"][0]["field"] == "body:/participant_practitioner_ids/1"
    sensitive = assert_problem(
        await _review(client, hv, about, participant_practitioner_ids=[clinic.practitioner_id]),
        422,
    )
    assert sensitive["errors"][0]["field"] == "body:/participant_practitioner_ids/0"
    assert sensitive["detail"] == no_interest["detail"]
    assert "Clinic" not in str(sensitive) and "Jack" not in str(no_interest)
    # Whether naming succeeds tells who works with Jack, so it is an authorised worker's act:
    # her colleague, who may not look up the index, may not name the teacher either.
    assert_problem(
        await _review(
            client,
            hv_colleague,
            about,
            responsible_practitioner_id=hv_colleague.practitioner_id,
            participant_practitioner_ids=[teacher.practitioner_id],
        ),
        403,
    )
    # The responsible practitioner is still one of the caller's own.
    problem = assert_problem(
        await _review(client, hv, about, responsible_practitioner_id=teacher.practitioner_id), 404
    )
    assert problem["errors"][0]["field"] == "body:/responsible_practitioner_id"
    # A colleague and the teacher; repeats are named once.
    r = await _review(
        client,
        hv,
        about,
        participant_practitioner_ids=[
            teacher.practitioner_id,
            hv_colleague.practitioner_id,
            teacher.practitioner_id,
            hv.practitioner_id,
        ],
    )
    assert r.status_code == 201, r.text
    review = r.json()
    assert {(p["practitioner_id"], p["agency_id"]) for p in review["participants"]} == {
        (teacher.practitioner_id, teacher.agency_id),
        (hv_colleague.practitioner_id, hv.agency_id),
    }
    # The school reads it and lists it; the police and the clinic, not named, do not.
    got = (await client.get(f"/reviews/{review['id']}", headers=teacher.headers)).json()
    assert got["id"] == review["id"] and got["agency_id"] == hv.agency_id
    for outsider in (police, clinic):
        assert_problem(await client.get(f"/reviews/{review['id']}", headers=outsider.headers), 404)
        assert (await client.get("/reviews", headers=outsider.headers)).json()["items"] == []
    # Overdue: in the school's overdue list and the named teacher's alerts.
    await session.execute(
        update(Review)
        .where(Review.id == uuid.UUID(review["id"]))
        .values(due_on=TODAY - timedelta(days=1))
    )
    await session.commit()
    for actor in (hv, teacher):
        overdue = (
            await client.get("/reviews", headers=actor.headers, params={"overdue": True})
        ).json()["items"]
        assert [x["id"] for x in overdue] == [review["id"]]
    alerts = (await client.get("/alerts", headers=teacher.headers)).json()
    assert [(a["kind"], a["object_id"]) for a in alerts] == [("review_overdue", review["id"])]
    # Another teacher at the school reads it but is not named on it: it is not theirs to record.
    other_teacher = await make_practitioner(client, admin=school_admin, name="Other teacher")
    url = f"/reviews/{review['id']}/outcome"
    outcome = {"to": "done", "outcome": "Jack on time all fortnight"}
    assert_problem(
        await client.post(url, headers={**other_teacher.headers, "If-Match": "*"}, json=outcome),
        403,
    )
    assert_problem(
        await client.post(url, headers={**police.headers, "If-Match": "*"}, json=outcome), 404
    )
    # The named teacher records it; the next review keeps the same people.
    r = await client.post(url, headers={**teacher.headers, "If-Match": "*"}, json=outcome)
    assert r.status_code == 200, r.text
    nxt = (
        await client.get(f"/reviews/{r.json()['next_review_id']}", headers=teacher.headers)
    ).json()
    assert {p["practitioner_id"] for p in nxt["participants"]} == {
        p["practitioner_id"] for p in review["participants"]
    }
    assert_problem(await client.get(f"/reviews/{nxt['id']}", headers=police.headers), 404)


async def test_joint_review_of_a_family_needs_interest_in_one_of_them(client):
    _, hv = await make_staffed_agency(
        client, name="Health visiting", kind="health_visiting", roles=AUTHORISED
    )
    _, teacher = await make_staffed_agency(client, name="School")
    _, police = await make_staffed_agency(client, name="Police", kind="police")
    mum = await register_person(client, actor=hv, given_name="Lisa", date_of_birth="1994-01-01")
    number = nhs(902)
    jack = await register_person(client, actor=hv, given_name="Jack", nhs_number=number)
    await register_person(client, actor=teacher, given_name="Jack", nhs_number=number)
    r = await client.post(
        "/families",
        headers=hv.headers,
        json={
            "name": "The family",
            "members": [{"person_id": mum["id"]}, {"person_id": jack["id"]}],
        },
    )
    assert r.status_code == 201, r.text
    about = {"family_id": r.json()["id"]}
    problem = assert_problem(
        await _review(client, hv, about, participant_practitioner_ids=[police.practitioner_id]), 422
    )
    assert problem["errors"][0]["field"] == "body:/participant_practitioner_ids/0"
    r = await _review(client, hv, about, participant_practitioner_ids=[teacher.practitioner_id])
    assert r.status_code == 201, r.text
    # Someone else's family: 404 at the field.
    problem = assert_problem(await _review(client, teacher, about), 404)
    assert problem["errors"][0]["field"] == "body:/family_id"


async def _group(client, chair_admin, chair, members) -> str:
    r = await client.post(
        "/groups",
        headers=chair_admin.headers,
        json={
            "name": "Joint Action Group",
            "kind": "joint_action_group",
            "chair_agency_id": chair.agency_id,
            "purposes": ["crime_and_disorder_reduction"],
            "legal_gateway": "crime_and_disorder_act_s115",
            "members": [m.agency_id for m in members],
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def test_group_actions_are_read_by_current_members(client):
    """Case 5: the chair records the JAG's plan about people on its agenda; its members follow
    the progress; the owner records it; a member who leaves loses the group's actions."""
    la_admin, chair = await make_staffed_agency(client, name="Council", kind="local_authority")
    _, police = await make_staffed_agency(client, name="Police", kind="police")
    _, housing = await make_staffed_agency(client, name="Housing", kind="housing")
    _, school = await make_staffed_agency(client, name="School")
    gid = await _group(client, la_admin, chair, [police, housing])
    tony = await register_person(client, actor=police, given_name="Tony")
    pupil = await register_person(client, actor=school, given_name="Sam")
    r = await client.post(
        f"/groups/{gid}/agenda",
        headers=police.headers,
        json={"person_id": tony["id"], "meeting_on": TODAY.isoformat(), "reason": "s.115"},
    )
    assert r.status_code == 201, r.text
    body = {
        "child_id": tony["id"],
        "group_id": gid,
        "plan": "JAG action plan",
        "description": "Short intensive patrol",
        "owner_agency_id": police.agency_id,
        "due_on": (TODAY + timedelta(days=28)).isoformat(),
    }
    # Without the group, Tony is no one to the chair's agency: 404 at the field.
    problem = assert_problem(
        await client.post("/actions", headers=chair.headers, json={**body, "group_id": None}), 404
    )
    assert problem["detail"] == "No such person." and problem["errors"][0]["field"] == (
        "body:/child_id"
    )
    # Not on the group's agenda: the same 404.
    problem = assert_problem(
        await client.post(
            "/actions", headers=chair.headers, json={**body, "child_id": pupil["id"]}
        ),
        404,
    )
    assert problem["errors"][0]["field"] == "body:/child_id"
    # Not a member, or no such group: 404 at group_id.
    for actor, group in ((school, gid), (chair, str(uuid.uuid4()))):
        problem = assert_problem(
            await client.post("/actions", headers=actor.headers, json={**body, "group_id": group}),
            404,
        )
        assert problem["errors"][0]["field"] == "body:/group_id"
    r = await client.post("/actions", headers=chair.headers, json=body)
    assert r.status_code == 201, r.text
    action = r.json()
    assert action["group_id"] == gid and action["agency_id"] == chair.agency_id
    mine = {"child_id": tony["id"], "plan": "p", "description": "d", "due_on": body["due_on"]}
    r = await client.post("/actions", headers=police.headers, json=mine)
    assert r.status_code == 201, r.text
    police_own = r.json()
    assert police_own["group_id"] is None

    async def listed(actor, **params) -> set[str]:
        r = await client.get("/actions", headers=actor.headers, params=params)
        assert r.status_code == 200, r.text
        return {a["id"] for a in r.json()["items"]}

    # Housing, a member that neither recorded nor owns it, reads it; the school does not; the
    # police's own (non-group) action stays the police's.
    assert (
        await client.get(f"/actions/{action['id']}", headers=housing.headers)
    ).status_code == 200
    assert await listed(housing) == {action["id"]}
    assert await listed(housing, group_id=gid) == {action["id"]}
    assert await listed(police, group_id=gid) == {action["id"]}
    assert await listed(police) == {action["id"], police_own["id"]}
    assert_problem(await client.get(f"/actions/{police_own['id']}", headers=housing.headers), 404)
    assert_problem(await client.get(f"/actions/{action['id']}", headers=school.headers), 404)
    assert await listed(school) == set()
    # Housing follows the progress; it does not record it.
    url = f"/actions/{action['id']}/transitions"
    assert_problem(
        await client.post(
            url, headers={**housing.headers, "If-Match": "*"}, json={"to": "in_progress"}
        ),
        403,
    )
    r = await client.post(
        url, headers={**police.headers, "If-Match": "*"}, json={"to": "in_progress"}
    )
    assert r.status_code == 200, r.text
    # Housing leaves the JAG: the group's action is gone for it.
    r = await client.delete(
        f"/groups/{gid}/members/{housing.agency_id}", headers={**la_admin.headers, "If-Match": "*"}
    )
    assert r.status_code == 200, r.text
    assert_problem(await client.get(f"/actions/{action['id']}", headers=housing.headers), 404)
    assert await listed(housing) == set()


async def test_accepting_a_follow_up_involves_the_monitors_agency(client):
    """Case 8: the monitor's agency gains a legitimate interest in the child on accepting."""
    _, sw = await make_staffed_agency(client, name="Social care", kind="social_care")
    _, hv = await make_staffed_agency(
        client,
        name="Health visiting",
        kind="health_visiting",
        roles=("practitioner", "authorised_worker"),
    )
    baby = await register_person(client, actor=sw, given_name="Baby")
    [involvement] = (
        await client.get(f"/people/{baby['id']}/involvements", headers=sw.headers)
    ).json()
    r = await client.post(
        f"/involvements/{involvement['id']}/end",
        headers=sw.headers,
        json={
            "reason": "Assessment complete",
            "concerns_remain": True,
            "follow_up": {
                "monitor_practitioner_id": hv.practitioner_id,
                "review_on": (TODAY + timedelta(days=14)).isoformat(),
                "what": "Monitor the baby",
            },
        },
    )
    assert r.status_code == 200, r.text
    summary = f"/people/{baby['id']}/summary"
    params = {"purpose": "health_care"}
    # Named but not yet accepted: no interest.
    assert_problem(await client.get(summary, headers=hv.headers, params=params), 404)
    [alert] = (await client.get("/alerts", headers=hv.headers)).json()
    fu = alert["object_id"]
    r = await client.post(f"/follow-ups/{fu}/acceptance", headers={**hv.headers, "If-Match": "*"})
    assert r.status_code == 200, r.text
    assert (await client.get(summary, headers=hv.headers, params=params)).status_code == 200
    # The index shows health visiting's involvement, the monitor as its contact.
    idx = (await client.get(f"/people/{baby['id']}/index", headers=hv.headers)).json()
    [hv_entry] = [i for i in idx["involvements"] if i["agency_id"] == hv.agency_id]
    assert hv_entry["practitioner_id"] == hv.practitioner_id
    assert hv_entry["source"] == "follow_up"


async def _end(client, actor, person, concerns_remain=False, **extra):
    [involvement] = [
        i
        for i in (
            await client.get(f"/people/{person['id']}/involvements", headers=actor.headers)
        ).json()
        if i["ended_at"] is None
    ]
    return await client.post(
        f"/involvements/{involvement['id']}/end",
        headers=actor.headers,
        json={"reason": "Closing", "concerns_remain": concerns_remain, **extra},
    )


def _refused_for(r, *kinds: str) -> str:
    problem = assert_problem(r, 422)
    [error] = problem["errors"]
    assert error["field"] == "body:/follow_up"
    for kind in kinds:
        assert kind in error["detail"], error["detail"]
    return str(error["detail"])


async def test_concerns_remain_is_derived_from_what_the_server_knows(client):
    """Case 8: `concerns_remain: false` is the caller's word; the server refuses to close without
    a follow-up when what it holds says concerns remain, and names the kinds of facts only."""
    _, sw = await make_staffed_agency(
        client, name="Children's social care", kind="social_care", job_title="Social worker"
    )
    _, school = await make_staffed_agency(client, name="School")
    _, housing = await make_staffed_agency(client, name="Housing office", kind="housing")
    _, clinic = await make_staffed_agency(
        client, name="Drug service", kind="substance_misuse", sensitive_service=True
    )

    async def child(serial, *agencies):
        number = nhs(serial)
        first = await register_person(client, actor=agencies[0], nhs_number=number)
        for other in agencies[1:]:
            await register_person(client, actor=other, nhs_number=number)
        return first

    # No facts: the caller's `false` stands.
    quiet = await child(910, school)
    r = await _end(client, school, quiet)
    assert r.status_code == 200, r.text
    # The caller may still say concerns remain by itself.
    said = await child(911, school)
    _refused_for(await _end(client, school, said, concerns_remain=True), "as you say")

    # A current child status (CP-IS: any agency with interest sees it).
    cin = await child(912, sw, school)
    r = await client.post(
        f"/people/{cin['id']}/child-status",
        headers=sw.headers,
        json={
            "status": "child_protection_plan",
            "start_date": TODAY.isoformat(),
            "social_worker_id": sw.practitioner_id,
        },
    )
    assert r.status_code == 201, r.text
    detail = _refused_for(await _end(client, school, cin), "child status")
    assert "social care" not in detail.lower()
    r = await _end(
        client,
        school,
        cin,
        follow_up={
            "monitor_practitioner_id": school.practitioner_id,
            "review_on": (TODAY + timedelta(days=14)).isoformat(),
            "what": "Watch attendance",
        },
    )
    assert r.status_code == 200, r.text

    # A concern raised about the child by another agency counts; a sensitive service's does not
    # (refusing would reveal it), unless it is the agency closing.
    worried = await child(913, school, housing, clinic)
    r = await client.post(
        "/concerns",
        headers=clinic.headers,
        json={"child_id": worried["id"], "summary": "Mother using again", "source": "practitioner"},
    )
    assert r.status_code == 201, r.text
    r = await _end(client, housing, worried)
    assert r.status_code == 200, r.text
    _refused_for(await _end(client, clinic, worried), "concern raised")
    r = await client.post(
        "/concerns",
        headers=housing.headers,
        json={"child_id": worried["id"], "summary": "Crying at night", "source": "neighbour"},
    )
    assert r.status_code == 201, r.text
    detail = _refused_for(await _end(client, school, worried), "concern raised")
    assert "housing" not in detail.lower() and "drug" not in detail.lower()

    # A child protection referral to the agency, sent or accepted.
    referred = await child(914, school, sw)
    r = await client.post(
        "/referrals",
        headers=school.headers,
        json={
            "to_agency_id": sw.agency_id,
            "subject_person_ids": [referred["id"]],
            "purpose": "child_protection_enquiry",
            "reason": "Bruising",
            "action_expected": "s.47 enquiry",
            "feedback_by": (TODAY + timedelta(days=3)).isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    _refused_for(await _end(client, sw, referred), "child protection referral")

    # A decision to share on the ground of risk of significant harm, by or to the agency.
    shared = await child(915, housing, sw)
    r = await client.post(
        "/sharing-decisions",
        headers=housing.headers,
        json={
            "kind": "share",
            "subject_person_id": shared["id"],
            "recipients": [sw.agency_id],
            "purposes": ["child_protection_enquiry"],
            "legal_basis": "risk_of_significant_harm",
            "article9_condition": "safeguarding_children_and_individuals_at_risk",
            "reasons": "Violence in the home",
            "consent_sought": False,
            "consent_not_sought_reason": "Would put the child at risk",
            "subject_told": False,
            "not_told_reason": "Would put the child at risk",
        },
    )
    assert r.status_code == 201, r.text
    _refused_for(await _end(client, sw, shared), "risk of significant harm")
    _refused_for(await _end(client, housing, shared), "risk of significant harm")

    # Open actions and scheduled reviews the agency owns about the child.
    planned = await child(916, school)
    r = await client.post(
        "/actions",
        headers=school.headers,
        json={
            "child_id": planned["id"],
            "plan": "child in need plan",
            "description": "Breakfast club",
            "due_on": (TODAY + timedelta(days=7)).isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    _refused_for(await _end(client, school, planned), "open action")
    reviewed = await child(917, school)
    await _review(client, school, {"child_id": reviewed["id"]})
    _refused_for(await _end(client, school, reviewed), "scheduled review")


async def test_group_reviews_and_overdue_reviews_per_group(client, session):
    """Issue 5 item 6: a group's member schedules a review for the group about someone on its
    agenda, with a responsible practitioner of a member agency; the group's (overdue) reviews
    are listed to its current members only."""
    la_admin, chair = await make_staffed_agency(client, name="Council", kind="local_authority")
    police_admin, police = await make_staffed_agency(client, name="Police", kind="police")
    _, housing = await make_staffed_agency(client, name="Housing", kind="housing")
    _, school = await make_staffed_agency(client, name="School")
    gid = await _group(client, la_admin, chair, [police, housing])
    officer = await make_practitioner(client, admin=police_admin, name="PC Jones")
    tony = await register_person(client, actor=police, given_name="Tony")
    pupil = await register_person(client, actor=school, given_name="Sam")
    r = await client.post(
        f"/groups/{gid}/agenda",
        headers=police.headers,
        json={"person_id": tony["id"], "meeting_on": TODAY.isoformat(), "reason": "s.115"},
    )
    assert r.status_code == 201, r.text
    body = {
        "child_id": tony["id"],
        "group_id": gid,
        "what": "JAG reviews the patrols at its next meeting",
        "due_on": (TODAY + timedelta(days=28)).isoformat(),
        "responsible_practitioner_id": officer.practitioner_id,
        "recurrence_days": 28,
    }
    # Not a member (or no such group): 404 at the group.
    for actor, group in ((school, gid), (chair, str(uuid.uuid4()))):
        problem = assert_problem(
            await client.post("/reviews", headers=actor.headers, json={**body, "group_id": group}),
            404,
        )
        assert problem["errors"][0]["field"] == "body:/group_id"
    # Not on the group's agenda (and unknown to the chair): 404 at the child.
    problem = assert_problem(
        await client.post(
            "/reviews", headers=chair.headers, json={**body, "child_id": pupil["id"]}
        ),
        404,
    )
    assert problem["errors"][0]["field"] == "body:/child_id"
    # Responsible: a practitioner of a member agency (the school is not one): 422.
    problem = assert_problem(
        await client.post(
            "/reviews",
            headers=chair.headers,
            json={**body, "responsible_practitioner_id": school.practitioner_id},
        ),
        422,
    )
    assert problem["errors"][0]["field"] == "body:/responsible_practitioner_id"
    # Without the group, Tony is no one to the chair's agency.
    problem = assert_problem(
        await client.post("/reviews", headers=chair.headers, json={**body, "group_id": None}), 404
    )
    assert problem["errors"][0]["field"] == "body:/child_id"
    r = await client.post("/reviews", headers=chair.headers, json=body)
    assert r.status_code == 201, r.text
    review = r.json()
    assert review["group_id"] == gid and review["agency_id"] == chair.agency_id

    async def group_reviews(actor, **params):
        return await client.get(
            "/reviews", headers=actor.headers, params={"group_id": gid, **params}
        )

    # Every current member reads it and lists it; the school does not (404 for the group).
    for actor in (chair, police, housing):
        assert (
            await client.get(f"/reviews/{review['id']}", headers=actor.headers)
        ).status_code == 200
        assert [x["id"] for x in (await group_reviews(actor)).json()["items"]] == [review["id"]]
    assert_problem(await client.get(f"/reviews/{review['id']}", headers=school.headers), 404)
    problem = assert_problem(await group_reviews(school), 404)
    assert problem["errors"][0]["field"] == "query:/group_id"
    assert (await client.get("/reviews", headers=school.headers)).json()["items"] == []
    assert [x["id"] for x in (await group_reviews(housing, overdue=True)).json()["items"]] == []

    await session.execute(
        update(Review)
        .where(Review.id == uuid.UUID(review["id"]))
        .values(due_on=TODAY - timedelta(days=1))
    )
    await session.commit()
    # Overdue per group: to every member. Per agency: the chair's (it scheduled it) and the
    # police's (its officer is responsible), not housing's; the officer is alerted.
    for actor in (chair, police, housing):
        overdue = (await group_reviews(actor, overdue=True)).json()["items"]
        assert [x["id"] for x in overdue] == [review["id"]] and overdue[0]["overdue"]
    for actor, expected in ((chair, [review["id"]]), (police, [review["id"]]), (housing, [])):
        r = await client.get("/reviews", headers=actor.headers, params={"overdue": True})
        assert [x["id"] for x in r.json()["items"]] == expected
    alerts = (await client.get("/alerts", headers=officer.headers)).json()
    assert [(a["kind"], a["object_id"]) for a in alerts] == [("review_overdue", review["id"])]
    # Housing follows it; the responsible officer records it; the next one is the group's too.
    url = f"/reviews/{review['id']}/outcome"
    outcome = {"to": "done", "outcome": "Fewer incidents; patrols continue"}
    assert_problem(
        await client.post(url, headers={**housing.headers, "If-Match": "*"}, json=outcome), 403
    )
    r = await client.post(url, headers={**officer.headers, "If-Match": "*"}, json=outcome)
    assert r.status_code == 200, r.text
    nxt = (
        await client.get(f"/reviews/{r.json()['next_review_id']}", headers=housing.headers)
    ).json()
    assert nxt["group_id"] == gid
    # Housing leaves the JAG: the group's reviews are gone for it.
    r = await client.delete(
        f"/groups/{gid}/members/{housing.agency_id}", headers={**la_admin.headers, "If-Match": "*"}
    )
    assert r.status_code == 200, r.text
    assert_problem(await client.get(f"/reviews/{review['id']}", headers=housing.headers), 404)
    assert_problem(await group_reviews(housing), 404)
