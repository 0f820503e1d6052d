"""PATCH /people/{id}: the NHS number learned after birth links the person; unknown fields are
refused, never dropped."""

from tests.factories import make_staffed_agency, register_person
from tests.stories.steps_b import days, nhs
from tests.test_auth import assert_problem

BABY, OTHER = nhs(4001), nhs(4101)


async def unborn(client, actor):
    return await register_person(
        client,
        actor=actor,
        given_name=None,
        family_name="Turner",
        date_of_birth=None,
        kind="unborn",
        expected_date=days(60),
        reason="s.47 enquiry with respect to the unborn child",
    )


async def patch(client, actor, person_id, body, status=200):
    r = await client.patch(
        f"/people/{person_id}", headers={**actor.headers, "If-Match": "*"}, json=body
    )
    if status == 200:
        assert r.status_code == 200, r.text
        return r.json()
    return assert_problem(r, status)


async def test_nhs_number_after_birth_links_other_agencies(client):
    _, sw = await make_staffed_agency(client, name="Social care", kind="social_care")
    _, midwife = await make_staffed_agency(client, name="Midwifery", kind="midwifery")
    baby = await unborn(client, sw)
    born = await patch(
        client,
        sw,
        baby["id"],
        {
            "kind": "known",
            "given_name": "Baby",
            "date_of_birth": days(-2),
            "nhs_number": f"{BABY[:3]} {BABY[3:6]} {BABY[6:]}",
        },
    )
    assert born["nhs_number"] == BABY and born["kind"] == "known" and born["is_child"]
    again = await client.get(f"/people/{baby['id']}", headers=sw.headers)
    assert again.json()["nhs_number"] == BABY
    mine = await client.get("/people", headers=sw.headers, params={"nhs_number": BABY})
    assert [p["id"] for p in mine.json()["items"]] == [baby["id"]]
    # The midwife registers the newborn by NHS number: the same person, her own profile only.
    seen = await register_person(
        client, actor=midwife, given_name="Lily", date_of_birth=days(-2), nhs_number=BABY
    )
    assert seen["id"] == baby["id"]
    assert seen["given_name"] == "Lily" and seen["family_name"] == "Doe"
    # Giving the same number again (the midwife, or social care) changes only one's own profile.
    await patch(client, midwife, baby["id"], {"nhs_number": BABY})
    await patch(client, sw, baby["id"], {"nhs_number": BABY})


async def test_nhs_number_another_person_has_is_a_conflict(client):
    _, sw = await make_staffed_agency(client, name="Social care", kind="social_care")
    _, gp = await make_staffed_agency(client, name="GP practice", kind="gp_practice")
    baby = await unborn(client, sw)
    # The GP registered the newborn first, as someone new: people are not merged by an update.
    elsewhere = await register_person(client, actor=gp, nhs_number=BABY, date_of_birth=days(-1))
    problem = await patch(
        client,
        sw,
        baby["id"],
        {"kind": "known", "date_of_birth": days(-1), "nhs_number": BABY},
        409,
    )
    assert problem["errors"][0]["field"] == "body:/nhs_number"
    assert "person_id" not in problem  # the GP's person is not the caller's to learn
    unchanged = await client.get(f"/people/{baby['id']}", headers=sw.headers)
    assert unchanged.json()["kind"] == "unborn" and unchanged.json()["nhs_number"] is None
    # The caller's own other registration is named: it may carry on there.
    mine = await register_person(client, actor=sw, nhs_number=BABY, date_of_birth=days(-1))
    assert mine["id"] == elsewhere["id"]
    problem = await patch(client, sw, baby["id"], {"nhs_number": BABY}, 409)
    assert problem["person_id"] == elsewhere["id"]
    # A person who already has an NHS number keeps it.
    problem = await patch(client, sw, elsewhere["id"], {"nhs_number": OTHER}, 409)
    assert problem["errors"][0]["field"] == "body:/nhs_number"


async def test_nhs_number_is_validated_and_not_removed(client):
    _, sw = await make_staffed_agency(client, name="Social care", kind="social_care")
    baby = await unborn(client, sw)
    problem = await patch(client, sw, baby["id"], {"nhs_number": BABY[:9] + "0"}, 422)
    assert problem["errors"][0]["field"] == "body:/nhs_number"
    await patch(client, sw, baby["id"], {"nhs_number": BABY})
    problem = await patch(client, sw, baby["id"], {"nhs_number": None}, 422)
    assert problem["errors"][0]["field"] == "body:/nhs_number"


async def test_unknown_fields_are_refused_naming_the_field(client):
    _, sw = await make_staffed_agency(client, name="Social care", kind="social_care")
    baby = await unborn(client, sw)
    problem = await patch(client, sw, baby["id"], {"given_name": "Baby", "nhs_numbr": BABY}, 422)
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [
        ("body:/nhs_numbr", "extra_forbidden")
    ]
    unchanged = await client.get(f"/people/{baby['id']}", headers=sw.headers)
    assert unchanged.json()["given_name"] is None
