"""Regressions for the findings of an adversarial review (an outside agency trying to read what
it should not). Each test is the attack; it must fail to get anything."""

from datetime import date

from tests.factories import (
    add_record,
    give_consent,
    make_staffed_agency,
    register_person,
    summaries,
    summary_of,
)
from tests.test_auth import assert_problem


def nhs(prefix: str) -> str:
    """A valid NHS number starting with `prefix` (8 digits)."""
    for mid in range(10):
        digits = f"{prefix}{mid}"[:9]
        check = 11 - sum(int(x) * w for x, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return digits + str(check)
    raise AssertionError(prefix)


async def rel(client, actor, parent, child):
    r = await client.post(
        "/relationships",
        headers=actor.headers,
        json={
            "person_id": parent,
            "related_person_id": child,
            "kind": "parent",
            "parental_responsibility": True,
        },
    )
    assert r.status_code == 201, r.text


async def test_f3_another_agency_cannot_record_consent_for_a_sensitive_service(client):
    _, drugs = await make_staffed_agency(
        client, name="Drug service", kind="substance_misuse", sensitive_service=True
    )
    _, school = await make_staffed_agency(client, name="School")
    n = nhs("81234567")
    sarah = await register_person(client, actor=drugs, nhs_number=n, date_of_birth="1990-01-01")
    await add_record(
        client,
        actor=drugs,
        subject=sarah["id"],
        category="substance_misuse",
        summary="Methadone script",
    )
    p = await register_person(client, actor=school, nhs_number=n, date_of_birth="1990-01-01")
    await give_consent(
        client,
        actor=school,
        decision="granted",
        subjects=[p["id"]],
        given_by=[p["id"]],
        holders=[drugs.agency_id],
        recipients=[school.agency_id],
        purposes=["family_support"],
        categories=["substance_misuse"],
        show_involvement=True,
    )
    after = await summary_of(client, actor=school, person=p["id"], purpose="family_support")
    assert after["records"] == [] and after["withheld"] == []


async def test_f4_no_agency_can_make_an_adult_a_child_with_a_parent(client):
    _, mh = await make_staffed_agency(client, name="Community health", kind="community_health")
    _, police = await make_staffed_agency(client, name="Police", kind="police")
    n = nhs("91234560")
    v = await register_person(client, actor=mh, nhs_number=n, date_of_birth="1985-05-05")
    await add_record(
        client, actor=mh, subject=v["id"], category="mental_health", summary="Psychotic episode"
    )
    await give_consent(
        client,
        actor=mh,
        decision="refused",
        subjects=[v["id"]],
        given_by=[v["id"]],
        recipients=[police.agency_id],
        purposes=["crime_and_disorder_reduction"],
    )
    pv = await register_person(client, actor=police, nhs_number=n, date_of_birth="2015-05-05")
    fake = await register_person(
        client, actor=police, given_name="Fake", date_of_birth="1970-01-01"
    )
    await rel(client, police, fake["id"], pv["id"])
    await give_consent(
        client,
        actor=police,
        decision="granted",
        subjects=[pv["id"]],
        given_by=[fake["id"]],
        holders=[mh.agency_id],
        recipients=[police.agency_id],
        purposes=["crime_and_disorder_reduction"],
        categories=["mental_health"],
    )
    got = await summary_of(
        client, actor=police, person=pv["id"], purpose="crime_and_disorder_reduction"
    )
    assert "Psychotic episode" not in summaries(got)


async def test_f4b_another_agencys_assessment_cannot_silence_a_competent_child(client):
    _, hospital = await make_staffed_agency(client, name="Hospital", kind="hospital")
    _, school = await make_staffed_agency(client, name="School")
    n_c, n_m = nhs("12345678"), nhs("22345678")
    child = await register_person(
        client, actor=hospital, nhs_number=n_c, date_of_birth="2012-01-01"
    )
    mum = await register_person(client, actor=hospital, nhs_number=n_m, date_of_birth="1980-01-01")
    await rel(client, hospital, mum["id"], child["id"])
    r = await client.post(
        f"/people/{child['id']}/competence",
        headers=hospital.headers,
        json={"competent": True, "standard": "fraser", "assessed_on": "2026-01-10"},
    )
    assert r.status_code == 201
    await add_record(
        client,
        actor=hospital,
        subject=child["id"],
        category="sexual_health",
        summary="Contraception advice",
    )
    c = await register_person(client, actor=school, nhs_number=n_c, date_of_birth="2012-01-01")
    m = await register_person(client, actor=school, nhs_number=n_m, date_of_birth="1980-01-01")
    await rel(client, school, m["id"], c["id"])
    r = await client.post(
        f"/people/{c['id']}/competence",
        headers=school.headers,
        json={"competent": False, "standard": "gillick", "assessed_on": date.today().isoformat()},
    )
    assert r.status_code == 201
    await give_consent(
        client,
        actor=school,
        decision="granted",
        subjects=[c["id"]],
        given_by=[m["id"]],
        holders=[hospital.agency_id],
        recipients=[school.agency_id],
        purposes=["education_support"],
        categories=["sexual_health"],
    )
    got = await summary_of(client, actor=school, person=c["id"], purpose="education_support")
    assert "Contraception advice" not in summaries(got)


async def test_f2_recording_a_consent_reveals_nothing_another_agency_recorded(client):
    _, sc = await make_staffed_agency(client, name="Social care", kind="social_care")
    _, school = await make_staffed_agency(client, name="School")
    n_child, n_dad = nhs("51234567"), nhs("61234567")
    c_sc = await register_person(client, actor=sc, nhs_number=n_child, date_of_birth="2012-01-01")
    d_sc = await register_person(client, actor=sc, nhs_number=n_dad, date_of_birth="1980-01-01")
    await rel(client, sc, d_sc["id"], c_sc["id"])
    c = await register_person(client, actor=school, nhs_number=n_child, date_of_birth="2012-01-01")
    d = await register_person(client, actor=school, nhs_number=n_dad, date_of_birth="1980-01-01")
    body = {
        "decision": "granted",
        "subjects": [c["id"]],
        "given_by": [d["id"]],
        "form": "verbal",
        "recipients": [school.agency_id],
        "purposes": ["education_support"],
    }
    # The school knows of no parental responsibility: the same answer whatever social care knows.
    before = assert_problem(await client.post("/consents", headers=school.headers, json=body), 422)
    r = await client.post(
        f"/people/{c_sc['id']}/competence",
        headers=sc.headers,
        json={"competent": True, "standard": "gillick", "assessed_on": "2026-01-10"},
    )
    assert r.status_code == 201
    after = assert_problem(await client.post("/consents", headers=school.headers, json=body), 422)
    assert before["detail"] == after["detail"]
