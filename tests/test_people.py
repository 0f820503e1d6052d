"""People, families and relationships: each agency sees what it recorded, never another's."""

import uuid

from tests.factories import make_practitioner, make_staffed_agency, register_person
from tests.test_auth import assert_problem

NHS = "9434765919"


async def test_same_nhs_number_links_without_leaking(client):
    _, teacher = await make_staffed_agency(client, name="School")
    _, hv = await make_staffed_agency(client, name="Health visiting", kind="health_visiting")
    school_view = await register_person(
        client,
        actor=teacher,
        given_name="Jack",
        family_name="Doe",
        nhs_number=NHS,
        date_of_birth="2022-03-01",
    )
    r = await client.post(
        "/people",
        headers=hv.headers,
        json={
            "given_name": "J.",
            "nhs_number": "943 476 5919",
            "reason": "Health visiting the family",
        },
    )
    assert r.status_code == 201, r.text
    hv_view = r.json()
    assert hv_view["id"] == school_view["id"]  # one person, never a duplicate
    # The answer holds only what the health visitor sent: no family name or birth date from school.
    assert hv_view["given_name"] == "J." and hv_view["family_name"] is None
    assert hv_view["date_of_birth"] is None
    again = await client.get(f"/people/{hv_view['id']}", headers=hv.headers)
    assert again.json()["given_name"] == "J." and again.json()["family_name"] is None
    mine = await client.get(f"/people/{hv_view['id']}", headers=teacher.headers)
    assert mine.json()["given_name"] == "Jack"


async def test_registering_twice_is_a_conflict_naming_the_person(client):
    _, teacher = await make_staffed_agency(client, name="School")
    first = await register_person(client, actor=teacher, nhs_number=NHS)
    r = await client.post(
        "/people",
        headers=teacher.headers,
        json={"given_name": "Jack", "nhs_number": NHS, "reason": "again"},
    )
    problem = assert_problem(r, 409)
    assert problem["person_id"] == first["id"]
    assert problem["errors"][0]["field"] == "body:/nhs_number"


async def test_unborn_and_described_people(client):
    _, sw = await make_staffed_agency(client, name="Social care", kind="social_care")
    baby = await register_person(
        client,
        actor=sw,
        given_name=None,
        family_name=None,
        date_of_birth=None,
        kind="unborn",
        expected_date="2027-03-01",
        reason="Pre-birth assessment",
    )
    assert baby["kind"] == "unborn" and baby["is_child"] is True
    boyfriend = await register_person(
        client,
        actor=sw,
        given_name=None,
        family_name=None,
        date_of_birth=None,
        kind="described",
        description="Older boyfriend, drives a car, name not known",
        reason="Person of concern",
    )
    assert boyfriend["is_child"] is None and boyfriend["description"].startswith("Older")
    bad = await client.post(
        "/people", headers=sw.headers, json={"kind": "unborn", "reason": "x", "given_name": "Baby"}
    )
    assert "expected_date" in assert_problem(bad, 422)["errors"][0]["detail"]
    bad = await client.post(
        "/people", headers=sw.headers, json={"kind": "described", "reason": "x"}
    )
    assert "description" in assert_problem(bad, 422)["errors"][0]["detail"]
    future = await client.post(
        "/people",
        headers=sw.headers,
        json={"given_name": "A", "date_of_birth": "2999-01-01", "reason": "x"},
    )
    assert_problem(future, 422)


async def test_estimated_birth_date_is_kept(client):
    _, nurse = await make_staffed_agency(client, name="GU clinic", kind="sexual_health")
    natasha = await register_person(
        client,
        actor=nurse,
        given_name="Natasha",
        date_of_birth="2012-06-01",
        date_of_birth_estimated=True,
        reason="Clinic patient",
    )
    assert natasha["date_of_birth_estimated"] is True and natasha["is_child"] is True


async def test_confidential_address_stays_with_its_agency(client):
    _, volunteer = await make_staffed_agency(client, name="Home-Start", kind="charity")
    _, nursery = await make_staffed_agency(client, name="Nursery", kind="nursery")
    cathy = await register_person(client, actor=volunteer, given_name="Cathy", nhs_number=NHS)
    r = await client.post(
        f"/people/{cathy['id']}/addresses",
        headers=volunteer.headers,
        json={"line1": "Room 4, Riverside Hostel", "postcode": "AB1 2CD", "confidential": True},
    )
    assert r.status_code == 201 and r.json()["confidential"] is True
    await register_person(client, actor=nursery, given_name="Cathy", nhs_number=NHS)
    theirs = await client.get(f"/people/{cathy['id']}/addresses", headers=nursery.headers)
    assert theirs.status_code == 200 and theirs.json()["items"] == []
    ours = await client.get(f"/people/{cathy['id']}/addresses", headers=volunteer.headers)
    assert [a["line1"] for a in ours.json()["items"]] == ["Room 4, Riverside Hostel"]
    person = (await client.get(f"/people/{cathy['id']}", headers=nursery.headers)).json()
    assert "Riverside" not in str(person)


async def test_competence_is_recorded_for_children_only(client):
    _, nurse = await make_staffed_agency(client, name="GU clinic", kind="sexual_health")
    natasha = await register_person(
        client, actor=nurse, given_name="Natasha", date_of_birth="2012-06-01"
    )
    r = await client.post(
        f"/people/{natasha['id']}/competence",
        headers=nurse.headers,
        json={
            "competent": True,
            "standard": "fraser",
            "assessed_on": "2026-10-01",
            "notes": "Understands advice",
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["assessed_by"] == nurse.practitioner_id
    listed = await client.get(f"/people/{natasha['id']}/competence", headers=nurse.headers)
    assert [a["standard"] for a in listed.json()["items"]] == ["fraser"]
    adult = await register_person(
        client, actor=nurse, given_name="Trina's mum", date_of_birth="1980-01-01"
    )
    r = await client.post(
        f"/people/{adult['id']}/competence",
        headers=nurse.headers,
        json={"competent": True, "standard": "gillick", "assessed_on": "2026-10-01"},
    )
    assert_problem(r, 422)


async def test_relationships_need_both_people_visible(client):
    _, hv = await make_staffed_agency(client, name="Health visiting", kind="health_visiting")
    _, teacher = await make_staffed_agency(client, name="School")
    mother = await register_person(client, actor=hv, given_name="Mum", date_of_birth="1990-01-01")
    jack = await register_person(client, actor=hv, given_name="Jack")
    r = await client.post(
        "/relationships",
        headers=hv.headers,
        json={
            "person_id": mother["id"],
            "related_person_id": jack["id"],
            "kind": "parent",
            "parental_responsibility": True,
        },
    )
    assert r.status_code == 201, r.text
    assert r.headers["etag"]
    listed = await client.get(f"/people/{jack['id']}/relationships", headers=hv.headers)
    assert [x["kind"] for x in listed.json()["items"]] == ["parent"]
    # The school has not registered the mother: to it she does not exist.
    school_jack = await register_person(client, actor=teacher, given_name="Jack")
    r = await client.post(
        "/relationships",
        headers=teacher.headers,
        json={"person_id": mother["id"], "related_person_id": school_jack["id"], "kind": "parent"},
    )
    assert_problem(r, 404)
    r = await client.post(
        "/relationships",
        headers=hv.headers,
        json={"person_id": jack["id"], "related_person_id": jack["id"], "kind": "sibling"},
    )
    assert_problem(r, 422)
    r = await client.post(
        "/relationships",
        headers=hv.headers,
        json={
            "person_id": jack["id"],
            "related_person_id": mother["id"],
            "kind": "sibling",
            "parental_responsibility": True,
        },
    )
    assert_problem(r, 422)


async def test_families_lifecycle_with_etags(client):
    admin, worker = await make_staffed_agency(client, name="Family support", kind="charity")
    steve = await register_person(
        client, actor=worker, given_name="Steve", date_of_birth="1985-01-01"
    )
    angela = await register_person(
        client, actor=worker, given_name="Angela", date_of_birth="1987-01-01"
    )
    amy = await register_person(client, actor=worker, given_name="Amy", date_of_birth="2025-10-01")
    r = await client.post(
        "/families",
        headers=worker.headers,
        json={
            "name": "The Browns",
            "members": [
                {"person_id": steve["id"], "role": "father"},
                {"person_id": angela["id"], "role": "mother"},
            ],
        },
    )
    assert r.status_code == 201, r.text
    family = r.json()
    etag = r.headers["etag"]
    url = f"/families/{family['id']}"
    r = await client.post(f"{url}/members", headers=worker.headers, json={"person_id": amy["id"]})
    assert_problem(r, 428)
    r = await client.post(
        f"{url}/members",
        headers={**worker.headers, "If-Match": etag},
        json={"person_id": amy["id"], "role": "child"},
    )
    assert r.status_code == 200 and len(r.json()["members"]) == 3
    new_etag = r.headers["etag"]
    r = await client.post(
        f"{url}/members",
        headers={**worker.headers, "If-Match": new_etag},
        json={"person_id": amy["id"]},
    )
    assert_problem(r, 409)
    r = await client.delete(
        f"{url}/members/{steve['id']}", headers={**worker.headers, "If-Match": etag}
    )
    assert_problem(r, 412)
    r = await client.delete(
        f"{url}/members/{steve['id']}", headers={**worker.headers, "If-Match": new_etag}
    )
    assert r.status_code == 200
    assert {m["role"] for m in r.json()["members"]} == {"mother", "child"}
    # Another agency cannot see the family at all.
    _, other = await make_staffed_agency(client, name="Housing", kind="housing")
    assert_problem(await client.get(url, headers=other.headers), 404)
    listed = await client.get("/families", headers=worker.headers)
    assert [f["name"] for f in listed.json()["items"]] == ["The Browns"]
    colleague = await make_practitioner(client, admin=admin)
    assert (await client.get(url, headers=colleague.headers)).status_code == 200


async def test_family_members_must_be_visible(client):
    _, a = await make_staffed_agency(client, name="A")
    _, b = await make_staffed_agency(client, name="B")
    theirs = await register_person(client, actor=a)
    r = await client.post(
        "/families", headers=b.headers, json={"name": "x", "members": [{"person_id": theirs["id"]}]}
    )
    assert_problem(r, 404)
    r = await client.post(
        "/families",
        headers=b.headers,
        json={"name": "x", "members": [{"person_id": str(uuid.uuid4())}]},
    )
    assert_problem(r, 404)


async def test_writes_are_audited_without_content(client):
    admin, worker = await make_staffed_agency(client, name="School")
    dpo = await make_practitioner(client, admin=admin, roles=("data_protection_officer",))
    person = await register_person(client, actor=worker, given_name="Secretname")
    r = await client.get("/audit", headers=dpo.headers)
    entries = r.json()["items"]
    actions = [e["action"] for e in entries]
    assert actions[-1] == "person.register" and "practitioner.create" in actions
    assert entries[-1]["subject_person_id"] == person["id"]
    assert entries[-1]["request_id"]
    assert "Secretname" not in r.text
