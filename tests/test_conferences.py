"""Case conferences: each attending agency fetches its own pack, computed under the policy for it;
no caller, the chair included, receives another agency's view (case 5: the JAG)."""

from datetime import date

from tests.factories import make_staffed_agency, register_person
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
