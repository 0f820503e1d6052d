"""Case conferences: each attending agency fetches its own pack, computed under the policy for it;
no caller, the chair included, receives another agency's view (case 5: the JAG)."""

from datetime import date

from tests.factories import add_record, make_staffed_agency, register_person
from tests.test_auth import assert_problem


async def test_case_5_jag_meeting_packs_are_per_agency(client):
    la_admin, la = await make_staffed_agency(
        client, name="Council social inclusion", kind="local_authority", job_title="Chair"
    )
    _, police = await make_staffed_agency(
        client, name="Police", kind="police", job_title="Inspector"
    )
    _, housing = await make_staffed_agency(
        client, name="Housing trust", kind="housing", job_title="Housing officer"
    )
    _, outsider = await make_staffed_agency(client, name="School")
    group = (
        await client.post(
            "/groups",
            headers=la_admin.headers,
            json={
                "name": "Joint Action Group",
                "kind": "joint_action_group",
                "chair_agency_id": la.agency_id,
                "deputy_agency_id": police.agency_id,
                "purposes": ["crime_and_disorder_reduction"],
                "legal_gateway": "crime_and_disorder_act_s115",
                "members": [housing.agency_id],
            },
        )
    ).json()
    tony = await register_person(
        client, actor=police, given_name="Tony", date_of_birth="2009-05-01"
    )
    await add_record(
        client,
        actor=police,
        subject=tony["id"],
        category="family_circumstances",
        level="non_confidential",
        summary="Hangs around with a large group",
    )
    await add_record(
        client, actor=police, subject=tony["id"], category="offending", summary="Arrested twice"
    )
    r = await client.post(
        "/conferences",
        headers=police.headers,
        json={
            "kind": "group_meeting",
            "title": "JAG November",
            "held_on": date.today().isoformat(),
            "purpose": "crime_and_disorder_reduction",
            "group_id": group["id"],
            "chair_practitioner_id": la.practitioner_id,
            "attending_agency_ids": [la.agency_id, housing.agency_id],
            "subject_person_ids": [tony["id"]],
        },
    )
    assert r.status_code == 201, r.text
    conference = r.json()
    url = f"/conferences/{conference['id']}"

    async def pack(actor):
        r = await client.get(f"{url}/pack", headers=actor.headers)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["agency_id"] == actor.agency_id
        return body["entries"][0]["summary"]

    police_view = await pack(police)
    assert {x["summary"] for x in police_view["records"]} == {
        "Hangs around with a large group",
        "Arrested twice",
    }
    for other in (housing, la):  # the chair too sees only its own agency's view
        view = await pack(other)
        assert {x["summary"] for x in view["records"]} == {"Hangs around with a large group"}
        assert view["withheld"] == [{"reason": "no_consent", "count": 1}]
    # Not attending: the conference does not exist for you.
    assert_problem(await client.get(url, headers=outsider.headers), 404)
    assert_problem(await client.get(f"{url}/pack", headers=outsider.headers), 404)
    # Contributions and decisions are minuted.
    r = await client.post(
        f"{url}/notes",
        headers=housing.headers,
        json={"kind": "contribution", "text": "Tenancy warning issued"},
    )
    assert r.status_code == 200
    r = await client.post(
        f"{url}/notes",
        headers=la.headers,
        json={"kind": "decision", "text": "Connexions to engage Tony; review next month"},
    )
    assert [n["kind"] for n in r.json()["notes"]] == ["contribution", "decision"]


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
