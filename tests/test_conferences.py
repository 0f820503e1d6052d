"""Case conferences: each attending agency fetches its own pack, computed under the policy for it;
no caller, the chair included, receives another agency's view (case 5: the JAG)."""

import uuid
from datetime import date, timedelta

from tests.factories import add_record, make_practitioner, make_staffed_agency, register_person
from tests.test_auth import assert_problem


async def test_the_chairs_agency_must_attend_and_subjects_must_be_known(client):
    _, a = await make_staffed_agency(client, name="A", kind="social_care")
    _, b = await make_staffed_agency(client, name="B")
    child = await register_person(client, actor=a, given_name="Amy")
    body = {
        "kind": "team_around_the_family",
        "title": "TAF",
        "held_on": date.today().isoformat(),
        "purpose": "family_support",
        "chair_practitioner_id": b.practitioner_id,
        "attending_agency_ids": [a.agency_id],
        "subject_person_ids": [child["id"]],
    }
    problem = assert_problem(await client.post("/conferences", headers=a.headers, json=body), 422)
    assert problem["errors"][0]["field"] == "body:/chair_practitioner_id"
    assert_problem(
        await client.post(
            "/conferences",
            headers=b.headers,
            json={**body, "attending_agency_ids": [a.agency_id, b.agency_id]},
        ),
        404,
    )


async def test_a_group_member_minutes_a_meeting_about_the_groups_agenda(client):
    """Case 5: a JAG member (the chair's agency) puts the people on the JAG's agenda on its
    meeting without registering each of them; a problem names the subject at fault."""
    la_admin, chair = await make_staffed_agency(client, name="Council", kind="local_authority")
    _, police = await make_staffed_agency(client, name="Police", kind="police")
    _, school = await make_staffed_agency(client, name="School")
    r = await client.post(
        "/groups",
        headers=la_admin.headers,
        json={
            "name": "JAG",
            "kind": "joint_action_group",
            "chair_agency_id": chair.agency_id,
            "purposes": ["crime_and_disorder_reduction"],
            "legal_gateway": "crime_and_disorder_act_s115",
            "members": [police.agency_id],
        },
    )
    assert r.status_code == 201, r.text
    gid = r.json()["id"]
    tony = await register_person(client, actor=police, given_name="Tony")
    dean = await register_person(client, actor=police, given_name="Dean")
    pupil = await register_person(client, actor=school, given_name="Sam")
    today = date.today().isoformat()
    r = await client.post(
        f"/groups/{gid}/agenda",
        headers=police.headers,
        json={"person_id": tony["id"], "meeting_on": today, "reason": "s.115"},
    )
    assert r.status_code == 201, r.text
    r = await client.post(
        "/families",
        headers=police.headers,
        json={"name": "Family 2", "members": [{"person_id": dean["id"]}]},
    )
    assert r.status_code == 201, r.text
    family = r.json()["id"]
    r = await client.post(
        f"/groups/{gid}/agenda",
        headers=police.headers,
        json={"family_id": family, "meeting_on": today, "reason": "s.115"},
    )
    assert r.status_code == 201, r.text
    body = {
        "kind": "group_meeting",
        "title": "JAG monthly meeting",
        "held_on": today,
        "purpose": "crime_and_disorder_reduction",
        "group_id": gid,
        "chair_practitioner_id": chair.practitioner_id,
        "attending_agency_ids": [police.agency_id],
        "subject_person_ids": [tony["id"]],
        "family_ids": [family],
    }
    # Someone the group never had on its agenda: 404 naming which subject.
    problem = assert_problem(
        await client.post(
            "/conferences",
            headers=chair.headers,
            json={**body, "subject_person_ids": [tony["id"], pupil["id"]]},
        ),
        404,
    )
    assert problem["detail"] == "No such person."
    assert problem["errors"][0]["field"] == "body:/subject_person_ids/1"
    r = await client.post(
        "/families",
        headers=school.headers,
        json={"name": "Sam's", "members": [{"person_id": pupil["id"]}]},
    )
    problem = assert_problem(
        await client.post(
            "/conferences",
            headers=chair.headers,
            json={**body, "family_ids": [family, r.json()["id"]]},
        ),
        404,
    )
    assert problem["errors"][0]["field"] == "body:/family_ids/1"
    # Without the group, the chair's agency knows none of them.
    problem = assert_problem(
        await client.post(
            "/conferences",
            headers=chair.headers,
            json={**body, "group_id": None, "kind": "other", "family_ids": []},
        ),
        404,
    )
    assert problem["errors"][0]["field"] == "body:/subject_person_ids/0"
    # Not a member: 404 at the group.
    problem = assert_problem(
        await client.post(
            "/conferences",
            headers=school.headers,
            json={
                **body,
                "chair_practitioner_id": school.practitioner_id,
                "attending_agency_ids": [school.agency_id],
                "subject_person_ids": [pupil["id"]],
                "family_ids": [],
            },
        ),
        404,
    )
    assert problem["errors"][0]["field"] == "body:/group_id"
    r = await client.post("/conferences", headers=chair.headers, json=body)
    assert r.status_code == 201, r.text
    meeting = r.json()
    assert set(meeting["subject_person_ids"]) == {tony["id"], dean["id"]}
    # The chair's agency has interest through the group's agenda: its pack has both.
    r = await client.get(f"/conferences/{meeting['id']}/pack", headers=chair.headers)
    assert r.status_code == 200, r.text
    assert all(e["summary"] is not None for e in r.json()["entries"])


async def test_each_agencys_pack_is_what_it_would_read_person_by_person(client):
    """The pack reads every person on the agenda in one go; each entry must be exactly the
    summary the agency would get asking for that person alone (and nothing where it gets 404)."""
    _, care = await make_staffed_agency(client, name="Social care", kind="social_care")
    _, school = await make_staffed_agency(client, name="School")
    _, health = await make_staffed_agency(client, name="Health", kind="community_health")
    ann_nhs, pat_nhs = "9434765919", "9434765870"
    ann = await register_person(client, actor=care, given_name="Ann", nhs_number=ann_nhs)
    await register_person(client, actor=school, given_name="Ann", nhs_number=ann_nhs)
    await register_person(client, actor=health, given_name="Ann", nhs_number=ann_nhs)
    bo = await register_person(client, actor=care, given_name="Bo")
    pat = await register_person(
        client, actor=care, given_name="Pat", date_of_birth="1990-01-01", nhs_number=pat_nhs
    )
    await register_person(
        client, actor=health, given_name="Pat", date_of_birth="1990-01-01", nhs_number=pat_nhs
    )
    for actor, category, level in [
        (care, "family_circumstances", "non_confidential"),
        (care, "social_care", "confidential"),
        (school, "education", "non_confidential"),
        (school, "education", "confidential"),
        (health, "health", "special"),
    ]:
        await add_record(client, actor=actor, subject=ann["id"], category=category, level=level)
    await add_record(
        client, actor=care, subject=bo["id"], category="education", level="confidential"
    )
    await add_record(client, actor=health, subject=pat["id"], category="mental_health")
    await add_record(
        client, actor=health, subject=pat["id"], category="housing", level="non_confidential"
    )
    r = await client.post(
        "/conferences",
        headers=care.headers,
        json={
            "kind": "team_around_the_family",
            "title": "TAF",
            "held_on": date.today().isoformat(),
            "purpose": "family_support",
            "chair_practitioner_id": care.practitioner_id,
            "attending_agency_ids": [care.agency_id, school.agency_id, health.agency_id],
            "subject_person_ids": [ann["id"], bo["id"], pat["id"]],
        },
    )
    assert r.status_code == 201, r.text
    meeting = r.json()["id"]
    shared_somewhere = withheld_somewhere = no_interest = 0
    for actor in (care, school, health):
        r = await client.get(f"/conferences/{meeting}/pack", headers=actor.headers)
        assert r.status_code == 200, r.text
        pack = r.json()
        assert pack["agency_id"] == actor.agency_id
        assert {e["person_id"] for e in pack["entries"]} == {ann["id"], bo["id"], pat["id"]}
        for entry in pack["entries"]:
            alone = await client.get(
                f"/people/{entry['person_id']}/summary",
                headers=actor.headers,
                params={"purpose": "family_support"},
            )
            if alone.status_code == 404:
                assert entry["summary"] is None
                assert entry["note"] == "no legitimate interest"
                no_interest += 1
                continue
            assert alone.status_code == 200, alone.text
            expected, got = alone.json(), entry["summary"]
            for view in (expected, got):
                view.pop("generated_at")
            assert got == expected
            shared_somewhere += any(
                rec["holder_agency_id"] != actor.agency_id for rec in got["records"]
            )
            withheld_somewhere += bool(got["withheld"])
    # The comparison covered shared records, withheld counts and people without interest.
    assert shared_somewhere and withheld_somewhere and no_interest


async def _taf(client):
    """A team-around-the-family meeting organised and chaired by social care, attended by the
    school and health visiting; the police know the child but do not attend."""
    sw_admin, sw = await make_staffed_agency(client, name="Social care", kind="social_care")
    school_admin, school = await make_staffed_agency(client, name="School")
    _, hv = await make_staffed_agency(client, name="Health visiting", kind="health_visiting")
    _, police = await make_staffed_agency(client, name="Police", kind="police")
    child = await register_person(client, actor=sw, given_name="Amy", nhs_number=AMY)
    other = await register_person(client, actor=sw, given_name="Ben")
    for actor in (school, police):
        await register_person(client, actor=actor, given_name="Amy", nhs_number=AMY)
    body = {
        "kind": "team_around_the_family",
        "title": "TAF",
        "held_on": date.today().isoformat(),
        "purpose": "family_support",
        "chair_practitioner_id": sw.practitioner_id,
        "attending_agency_ids": [school.agency_id, hv.agency_id],
        "subject_person_ids": [child["id"]],
    }
    return sw_admin, sw, school_admin, school, hv, police, child, other, body


AMY = "9434765919"


async def test_practitioner_attendees_are_of_attending_agencies(client):
    """Issue 5 item 7: attendees are practitioners (and family members); each practitioner
    works for an attending agency."""
    sw_admin, sw, school_admin, school, hv, police, _, _, body = await _taf(client)
    colleague = await make_practitioner(client, admin=sw_admin, name="Family support worker")
    # Not of an attending agency: 422 at its index; no such practitioner: 404 at its index.
    problem = assert_problem(
        await client.post(
            "/conferences",
            headers=sw.headers,
            json={
                **body,
                "attendee_practitioner_ids": [school.practitioner_id, police.practitioner_id],
            },
        ),
        422,
    )
    assert problem["errors"][0]["field"] == "body:/attendee_practitioner_ids/1"
    problem = assert_problem(
        await client.post(
            "/conferences",
            headers=sw.headers,
            json={**body, "attendee_practitioner_ids": [str(uuid.uuid4())]},
        ),
        404,
    )
    assert problem["errors"][0]["field"] == "body:/attendee_practitioner_ids/0"
    r = await client.post(
        "/conferences",
        headers=sw.headers,
        json={
            **body,
            "attendee_practitioner_ids": [
                colleague.practitioner_id,
                school.practitioner_id,
                school.practitioner_id,
            ],
            "family_attendees": ["Amy's mother"],
        },
    )
    assert r.status_code == 201, r.text
    conference = r.json()
    assert {(a["practitioner_id"], a["agency_id"]) for a in conference["attendees"]} == {
        (colleague.practitioner_id, sw.agency_id),
        (school.practitioner_id, school.agency_id),
    }
    assert conference["family_attendees"] == ["Amy's mother"]
    url = f"/conferences/{conference['id']}/attendees"
    # An attending agency records its own practitioners' attendance; once is enough.
    teacher = await make_practitioner(client, admin=school_admin, name="Class teacher")
    r = await client.post(
        url,
        headers=school.headers,
        json={"practitioner_ids": [teacher.practitioner_id, school.practitioner_id]},
    )
    assert r.status_code == 200, r.text
    assert sorted(a["practitioner_id"] for a in r.json()["attendees"]) == sorted(
        [colleague.practitioner_id, school.practitioner_id, teacher.practitioner_id]
    )
    # ... not another agency's (the organiser minutes those): 403 at the field.
    problem = assert_problem(
        await client.post(
            url, headers=school.headers, json={"practitioner_ids": [hv.practitioner_id]}
        ),
        403,
    )
    assert problem["errors"][0]["field"] == "body:/practitioner_ids/0"
    r = await client.post(url, headers=sw.headers, json={"practitioner_ids": [hv.practitioner_id]})
    assert r.status_code == 200, r.text
    # The organiser may not name a practitioner of an agency that does not attend: 422.
    problem = assert_problem(
        await client.post(
            url, headers=sw.headers, json={"practitioner_ids": [police.practitioner_id]}
        ),
        422,
    )
    assert problem["errors"][0]["field"] == "body:/practitioner_ids/0"
    # An agency that does not attend does not see the conference: 404.
    assert_problem(
        await client.post(
            url, headers=police.headers, json={"practitioner_ids": [police.practitioner_id]}
        ),
        404,
    )
    assert_problem(
        await client.get(f"/conferences/{conference['id']}", headers=police.headers), 404
    )
    # Every attending agency sees who attended.
    seen = (await client.get(f"/conferences/{conference['id']}", headers=hv.headers)).json()
    assert {a["practitioner_id"] for a in seen["attendees"]} == {
        colleague.practitioner_id,
        school.practitioner_id,
        teacher.practitioner_id,
        hv.practitioner_id,
    }


async def test_actions_agreed_at_a_conference(client):
    """Issue 5 item 5: an action tied to a conference. The caller's agency and the owner's
    agency attend it; the action is about someone on its agenda. The conference lists the ids
    of its actions that the caller may see, as actions are seen anywhere."""
    _, sw, _, school, hv, police, child, other, body = await _taf(client)
    r = await client.post("/conferences", headers=sw.headers, json=body)
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    assert r.json()["action_ids"] == []
    due = (date.today() + timedelta(days=14)).isoformat()
    action = {
        "child_id": child["id"],
        "conference_id": cid,
        "plan": "team around the family plan",
        "description": "Breakfast club place",
        "owner_agency_id": school.agency_id,
        "due_on": due,
    }
    # The police know Amy but do not attend: 404 at the conference (as for no conference).
    for actor, conference in ((police, cid), (sw, str(uuid.uuid4()))):
        problem = assert_problem(
            await client.post(
                "/actions",
                headers=actor.headers,
                json={**action, "conference_id": conference, "owner_agency_id": None},
            ),
            404,
        )
        assert problem["errors"][0]["field"] == "body:/conference_id"
    # An owner whose agency does not attend: 422 at the owner.
    problem = assert_problem(
        await client.post(
            "/actions", headers=sw.headers, json={**action, "owner_agency_id": police.agency_id}
        ),
        422,
    )
    assert problem["errors"][0]["field"] == "body:/owner_agency_id"
    # Someone not on its agenda: 422 at the child.
    problem = assert_problem(
        await client.post("/actions", headers=sw.headers, json={**action, "child_id": other["id"]}),
        422,
    )
    assert problem["errors"][0]["field"] == "body:/child_id"
    r = await client.post("/actions", headers=sw.headers, json=action)
    assert r.status_code == 201, r.text
    owned_by_school = r.json()
    assert owned_by_school["conference_id"] == cid
    r = await client.post(
        "/actions",
        headers=sw.headers,
        json={**action, "owner_agency_id": None, "description": "Child in need visit"},
    )
    assert r.status_code == 201, r.text
    social_cares = r.json()
    r = await client.post(
        "/actions",
        headers=sw.headers,
        json={**action, "conference_id": None, "owner_agency_id": None},
    )
    assert r.status_code == 201, r.text
    not_at_the_conference = r.json()

    async def listed(actor, **params) -> set[str]:
        r = await client.get("/actions", headers=actor.headers, params=params)
        assert r.status_code == 200, r.text
        return {a["id"] for a in r.json()["items"]}

    async def on_conference(actor) -> set[str]:
        r = await client.get(f"/conferences/{cid}", headers=actor.headers)
        assert r.status_code == 200, r.text
        return set(r.json()["action_ids"])

    both = {owned_by_school["id"], social_cares["id"]}
    assert await listed(sw, conference_id=cid) == both
    assert not_at_the_conference["id"] in await listed(sw)
    assert await on_conference(sw) == both
    # The school sees the one it owns; health visiting attends but neither recorded nor owns
    # one: it sees none (actions are seen as before).
    assert await listed(school, conference_id=cid) == {owned_by_school["id"]}
    assert await on_conference(school) == {owned_by_school["id"]}
    assert await listed(hv, conference_id=cid) == set()
    assert await on_conference(hv) == set()
    assert_problem(await client.get(f"/actions/{social_cares['id']}", headers=hv.headers), 404)
    assert await listed(police, conference_id=cid) == set()
