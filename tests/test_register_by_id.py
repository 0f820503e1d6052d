"""An agency with a legitimate interest in a person who has no NHS number (a referral to it, say)
registers its own profile of them by id; an agency without interest cannot, and learns nothing."""

import uuid

from tests.factories import make_staffed_agency, register_person
from tests.stories.steps_b import days, referral
from tests.test_auth import assert_problem


async def test_a_referred_agency_registers_the_person_by_id(client):
    _, clinic = await make_staffed_agency(client, name="Sexual health clinic", kind="sexual_health")
    _, social = await make_staffed_agency(client, name="Children's social care", kind="social_care")
    _, housing = await make_staffed_agency(client, name="Housing", kind="housing")
    natasha = await register_person(
        client, actor=clinic, given_name="Natasha", date_of_birth="2012-03-01", reason="Clinic"
    )
    body = {"given_name": "Natasha", "date_of_birth": "2012-03-01", "reason": "Referred to us"}
    body["person_id"] = natasha["id"]
    # Before any referral social care has no interest: the person does not exist for it.
    r = await client.post("/people", headers=social.headers, json=body)
    assert assert_problem(r, 404)["errors"][0]["field"] == "body:/person_id"
    await referral(
        client,
        clinic,
        to_agency_id=social.agency_id,
        subject_person_ids=[natasha["id"]],
        purpose="child_protection_enquiry",
        reason="Risk of significant harm",
        action_expected="Assess",
        feedback_by=days(7),
    )
    r = await client.post("/people", headers=social.headers, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["id"] == natasha["id"]
    listed = await client.get("/people", headers=social.headers)
    assert [p["id"] for p in listed.json()["items"]] == [natasha["id"]]
    # Twice is a conflict; housing, with no interest, gets the same 404 as for an unknown id.
    assert_problem(await client.post("/people", headers=social.headers, json=body), 409)
    for pid in (natasha["id"], str(uuid.uuid4())):
        r = await client.post("/people", headers=housing.headers, json={**body, "person_id": pid})
        assert assert_problem(r, 404)["errors"][0]["field"] == "body:/person_id"
    # An id and an NHS number together are ambiguous.
    both = {**body, "nhs_number": "9434765919"}
    assert_problem(await client.post("/people", headers=social.headers, json=both), 422)
