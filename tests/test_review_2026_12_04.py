"""Regressions from the review of 2026-12-04 (an outside agency trying to read what it should
not): each test was a working leak before its fix."""

from datetime import date, timedelta

from tests.factories import (
    make_practitioner,
    make_staffed_agency,
    register_person,
    summary_of,
    withheld,
)
from tests.test_auth import assert_problem

TODAY = date.today()
DUE = (TODAY + timedelta(days=14)).isoformat()
NHS = "9434765919"


async def _jag(client, members):
    la_admin, chair = await make_staffed_agency(client, name="Council", kind="local_authority")
    r = await client.post(
        "/groups",
        headers=la_admin.headers,
        json={
            "name": "JAG",
            "kind": "joint_action_group",
            "chair_agency_id": chair.agency_id,
            "purposes": ["crime_and_disorder_reduction"],
            "legal_gateway": "crime_and_disorder_act_s115",
            "members": [m.agency_id for m in members],
        },
    )
    assert r.status_code == 201, r.text
    return chair, r.json()["id"]


async def test_a_groups_plan_is_only_about_people_on_its_agenda(client):
    """Every member reads a group's actions and reviews: a member may not file one about a child
    only it knows (the police have no interest in Sam), so Sam's name and the text stay its own."""
    _, school = await make_staffed_agency(client, name="School")
    _, police = await make_staffed_agency(client, name="Police", kind="police")
    _, gid = await _jag(client, [school, police])
    sam = await register_person(client, actor=school, given_name="Sam")
    action = {
        "child_id": sam["id"],
        "group_id": gid,
        "plan": "joint plan",
        "description": "Sam disclosed self-harm; school nurse to see him",
        "due_on": DUE,
    }
    problem = assert_problem(
        await client.post("/actions", headers=school.headers, json=action), 404
    )
    assert problem["errors"][0]["field"] == "body:/child_id"
    review = {
        "child_id": sam["id"],
        "group_id": gid,
        "what": "Review Sam's self-harm plan",
        "due_on": DUE,
        "responsible_practitioner_id": school.practitioner_id,
    }
    problem = assert_problem(
        await client.post("/reviews", headers=school.headers, json=review), 404
    )
    assert problem["errors"][0]["field"] == "body:/child_id"
    # Once the group has Sam on a meeting's agenda (audited, and giving the members interest), it may.
    r = await client.post(
        f"/groups/{gid}/agenda",
        headers=school.headers,
        json={"person_id": sam["id"], "meeting_on": TODAY.isoformat(), "reason": "s.115"},
    )
    assert r.status_code == 201, r.text
    assert (await client.post("/actions", headers=school.headers, json=action)).status_code == 201
    assert (await client.post("/reviews", headers=school.headers, json=review)).status_code == 201
    seen = (await client.get("/actions", headers=police.headers, params={"group_id": gid})).json()
    assert [a["child_id"] for a in seen["items"]] == [sam["id"]]


async def test_a_meetings_action_is_not_filed_under_another_group(client):
    """An action agreed at a meeting the police do not attend, filed under a group they are in,
    would show them the meeting, the child and the action."""
    _, sw = await make_staffed_agency(client, name="Social care", kind="social_care")
    _, school = await make_staffed_agency(client, name="School")
    _, police = await make_staffed_agency(client, name="Police", kind="police")
    _, gid = await _jag(client, [sw, police])
    amy = await register_person(client, actor=sw, given_name="Amy")
    r = await client.post(
        "/conferences",
        headers=sw.headers,
        json={
            "kind": "team_around_the_family",
            "title": "TAF for Amy",
            "held_on": TODAY.isoformat(),
            "purpose": "family_support",
            "chair_practitioner_id": sw.practitioner_id,
            "attending_agency_ids": [school.agency_id],
            "subject_person_ids": [amy["id"]],
        },
    )
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    action = {
        "child_id": amy["id"],
        "conference_id": cid,
        "plan": "TAF plan",
        "description": "Refer Amy to CAMHS",
        "due_on": DUE,
    }
    filed = {**action, "group_id": gid}
    # Amy is not on the JAG's agenda: for the group's work she does not exist.
    problem = assert_problem(await client.post("/actions", headers=sw.headers, json=filed), 404)
    assert problem["errors"][0]["field"] == "body:/child_id"
    # On it, the meeting is still not the JAG's: the action is not filed under the JAG.
    r = await client.post(
        f"/groups/{gid}/agenda",
        headers=sw.headers,
        json={"person_id": amy["id"], "meeting_on": TODAY.isoformat(), "reason": "s.115"},
    )
    assert r.status_code == 201, r.text
    problem = assert_problem(await client.post("/actions", headers=sw.headers, json=filed), 422)
    assert problem["errors"][0]["field"] == "body:/group_id"
    assert (await client.post("/actions", headers=sw.headers, json=action)).status_code == 201
    r = await client.get("/actions", headers=police.headers, params={"conference_id": cid})
    assert r.status_code == 200 and r.json()["items"] == []


async def test_a_sensitive_services_concern_alerts_no_one_it_would_reveal_itself_to(client):
    hv_admin, hv = await make_staffed_agency(client, name="Health visiting", kind="health_visiting")
    aw = await make_practitioner(
        client, admin=hv_admin, roles=("practitioner", "authorised_worker")
    )
    _, clinic = await make_staffed_agency(
        client, name="Sexual health clinic", kind="sexual_health", sensitive_service=True
    )
    oli = await register_person(
        client, actor=hv, given_name="Oliver", date_of_birth="2010-04-08", nhs_number=NHS
    )
    await register_person(client, actor=clinic, given_name="Oliver", nhs_number=NHS)
    r = await client.post(
        "/concerns",
        headers=clinic.headers,
        json={
            "child_id": oli["id"],
            "summary": "Disclosed older boyfriend",
            "source": "practitioner",
        },
    )
    assert r.status_code == 201
    idx = (await client.get(f"/people/{oli['id']}/index", headers=aw.headers)).json()
    assert [i["agency_name"] for i in idx["involvements"]] == ["Health visiting"]
    assert (
        withheld(await summary_of(client, actor=hv, person=oli["id"], purpose="health_care")) == {}
    )
    assert (await client.get("/alerts", headers=hv.headers)).json() == []


async def test_a_lead_whose_agency_has_no_interest_any_more_is_told_nothing_more(client):
    _, sw = await make_staffed_agency(
        client, name="Social care", kind="social_care", job_title="Social worker"
    )
    _, school = await make_staffed_agency(client, name="School")
    ryan = await register_person(
        client, actor=sw, given_name="Ryan", date_of_birth="2016-02-01", nhs_number=NHS
    )
    sarah = await register_person(client, actor=sw, given_name="Sarah", date_of_birth="1990-01-01")
    r = await client.post(
        "/relationships",
        headers=sw.headers,
        json={
            "person_id": sarah["id"],
            "related_person_id": ryan["id"],
            "kind": "parent",
            "parental_responsibility": True,
        },
    )
    assert r.status_code == 201
    r = await client.post(
        f"/people/{ryan['id']}/lead-professional",
        headers=sw.headers,
        json={
            "practitioner_id": sw.practitioner_id,
            "agreed_by": [sarah["id"]],
            "agreed_on": TODAY.isoformat(),
            "reason": "CIN",
        },
    )
    assert r.status_code == 201, r.text
    involvements = (
        await client.get(f"/people/{ryan['id']}/involvements", headers=sw.headers)
    ).json()
    for i in involvements["items"] if isinstance(involvements, dict) else involvements:
        r = await client.post(
            f"/involvements/{i['id']}/end",
            headers=sw.headers,
            json={"reason": "case closed", "concerns_remain": False},
        )
        assert r.status_code == 200, r.text
    await summary_of(
        client, actor=sw, person=ryan["id"], purpose="child_in_need_assessment", status=404
    )
    await register_person(
        client,
        actor=school,
        given_name="Ryan",
        nhs_number=NHS,
        reason="New pupil; mother says father back in the home",
    )
    assert (await client.get("/alerts", headers=sw.headers)).json() == []
