"""Regressions for the findings of an adversarial review (an outside agency trying to read what
it should not). Each test is the attack; it must fail to get anything."""

import base64
import uuid
from datetime import date

from tests.factories import (
    add_record,
    decide_sharing,
    give_consent,
    make_staffed_agency,
    register_person,
    relate,
    summaries,
    summary_of,
    withheld,
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
    await relate(client, police, fake["id"], pv["id"])
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
    await relate(client, hospital, mum["id"], child["id"])
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
    await relate(client, school, m["id"], c["id"])
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
    await relate(client, sc, d_sc["id"], c_sc["id"])
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


async def test_f1_a_linked_person_id_carries_no_timestamp(client):
    _, clinic = await make_staffed_agency(
        client, name="Clinic", kind="sexual_health", sensitive_service=True
    )
    _, school = await make_staffed_agency(client, name="School")
    first = await register_person(client, actor=clinic, nhs_number=nhs("33345678"))
    linked = await register_person(client, actor=school, nhs_number=nhs("33345678"))
    fresh = await register_person(client, actor=school, nhs_number=nhs("43345678"))
    assert linked["id"] == first["id"]
    assert {uuid.UUID(linked["id"]).version, uuid.UUID(fresh["id"]).version} == {4}


async def test_f7_a_machine_client_cannot_act_as_admin_or_dpo(client):
    from tests.test_auth import assertion, jwk_of, request_token, rsa_key

    admin, worker = await make_staffed_agency(client, name="Social care", kind="social_care")
    key = rsa_key()
    c = (
        await client.post(
            f"/agencies/{admin.agency_id}/clients",
            headers=admin.headers,
            json={"name": "Case system", "jwks": {"keys": [jwk_of(key, "k1")]}},
        )
    ).json()
    machine = {"worker": admin, "key": key, "client_id": c["id"]}
    token = (
        await request_token(client, machine, assertion(key, c["id"]), admin.practitioner_id)
    ).json()
    h = {"Authorization": f"Bearer {token['access_token']}"}
    assert (await client.get("/me", headers=h)).json()["roles"] == []
    r = await client.post(
        f"/agencies/{admin.agency_id}/practitioners/{worker.practitioner_id}/api-keys",
        headers=h,
        json={"label": "minted"},
    )
    assert_problem(r, 403)


async def test_f8_a_correction_stays_under_the_decision_not_to_share(client):
    _, hv = await make_staffed_agency(client, name="Health visiting", kind="health_visiting")
    _, sc = await make_staffed_agency(client, name="Social care", kind="social_care")
    p = await register_person(
        client, actor=hv, date_of_birth="1990-01-01", nhs_number=nhs("53345678")
    )
    rec = await add_record(
        client, actor=hv, subject=p["id"], category="housing", summary="Refuge address"
    )
    await give_consent(
        client,
        actor=hv,
        decision="granted",
        subjects=[p["id"]],
        given_by=[p["id"]],
        recipients=[sc.agency_id],
        purposes=["family_support"],
    )
    await decide_sharing(
        client,
        actor=hv,
        kind="not_share",
        subject_person_id=p["id"],
        recipients=[sc.agency_id],
        purposes=["family_support"],
        record_ids=[rec["id"]],
        reasons="Risk to the mother",
    )
    ps = await register_person(
        client, actor=sc, date_of_birth="1990-01-01", nhs_number=nhs("53345678")
    )
    r = await client.post(
        f"/records/{rec['id']}/corrections",
        headers=hv.headers,
        json={"summary": "Refuge address, flat 2", "reason": "flat number"},
    )
    assert r.status_code == 201
    got = await summary_of(client, actor=sc, person=ps["id"], purpose="family_support")
    assert got["records"] == [] and withheld(got) == {"decision_not_to_share": 1}


async def test_f10_superseded_records_are_read_by_id_only_by_their_holder(client):
    _, school = await make_staffed_agency(client, name="School")
    _, police = await make_staffed_agency(client, name="Police", kind="police")
    p = await register_person(
        client, actor=school, date_of_birth="2012-01-01", nhs_number=nhs("63345678")
    )
    r1 = await add_record(
        client,
        actor=school,
        subject=p["id"],
        category="family_circumstances",
        level="non_confidential",
        summary="Told us at school",
    )
    pp = await register_person(
        client, actor=police, date_of_birth="2012-01-01", nhs_number=nhs("63345678")
    )
    r = await client.post(
        f"/records/{r1['id']}/corrections",
        headers=school.headers,
        json={"summary": "Told us at school", "level": "confidential", "reason": "In confidence"},
    )
    assert r.status_code == 201
    assert (
        await summary_of(
            client, actor=police, person=pp["id"], purpose="crime_and_disorder_reduction"
        )
    )["records"] == []
    params = {"purpose": "crime_and_disorder_reduction"}
    assert_problem(
        await client.get(f"/records/{r1['id']}", headers=police.headers, params=params), 404
    )
    assert (
        await client.get(f"/records/{r1['id']}", headers=school.headers, params=params)
    ).status_code == 200


async def test_f11_f12_no_interest_is_404_for_chronology_and_paged_records(client):
    _, sc = await make_staffed_agency(client, name="Social care", kind="social_care")
    _, police = await make_staffed_agency(client, name="Police", kind="police")
    child = await register_person(client, actor=sc, date_of_birth="2015-01-01")
    dad_sc = await register_person(
        client, actor=sc, date_of_birth="1980-01-01", nhs_number=nhs("73345678")
    )
    await relate(client, sc, dad_sc["id"], child["id"])
    dad = await register_person(
        client, actor=police, date_of_birth="1980-01-01", nhs_number=nhs("73345678")
    )
    await add_record(
        client, actor=police, subject=dad["id"], category="offending", summary="Arrest"
    )
    params = {"purpose": "child_protection_enquiry"}
    assert_problem(
        await client.get(
            f"/people/{child['id']}/chronology", headers=police.headers, params=params
        ),
        404,
    )
    cursor = base64.urlsafe_b64encode(b"00000000-0000-0000-0000-000000000000").decode().rstrip("=")
    r = await client.get(
        f"/people/{child['id']}/records",
        headers=police.headers,
        params={**params, "cursor": cursor},
    )
    assert_problem(r, 404)


async def test_f9_odd_input_is_never_a_500(client):
    admin, dpo = await make_staffed_agency(client, name="S", roles=("data_protection_officer",))
    p = await register_person(client, actor=dpo, date_of_birth="1990-01-01")
    big = base64.urlsafe_b64encode(b"99999999999999999999999").decode().rstrip("=")
    assert_problem(await client.get("/audit", headers=dpo.headers, params={"cursor": big}), 422)
    base = {
        "decision": "granted",
        "subjects": [p["id"]],
        "given_by": [p["id"]],
        "form": "verbal",
        "recipients": [dpo.agency_id],
        "purposes": ["family_support"],
    }
    assert_problem(
        await client.post(
            "/consents", headers=dpo.headers, json={**base, "given_at": "2026-01-01T00:00:00"}
        ),
        422,
    )
    r = await client.post(
        f"/agencies/{admin.agency_id}/practitioners/{dpo.practitioner_id}/api-keys",
        headers=admin.headers,
        json={"label": "x", "expires_at": "2030-01-01T00:00:00"},
    )
    assert_problem(r, 422)
    r = await client.post(
        f"/people/{p['id']}/competence",
        headers=dpo.headers,
        json={"competent": True, "standard": "gillick", "assessed_on": "0001-01-01"},
    )
    assert_problem(r, 422)


async def test_f5_agenda_entries_keep_a_sensitive_service_hidden(client):
    la_admin, la = await make_staffed_agency(client, name="Council", kind="local_authority")
    _, drugs = await make_staffed_agency(
        client, name="Drug service", kind="substance_misuse", sensitive_service=True
    )
    _, school = await make_staffed_agency(client, name="School")
    g = (
        await client.post(
            "/groups",
            headers=la_admin.headers,
            json={
                "name": "Family support service",
                "kind": "family_support_service",
                "chair_agency_id": la.agency_id,
                "purposes": ["family_support"],
                "legal_gateway": "public_interest",
                "members": [drugs.agency_id, school.agency_id],
            },
        )
    ).json()
    p = await register_person(client, actor=drugs, date_of_birth="1990-01-01")
    r = await client.post(
        f"/groups/{g['id']}/agenda",
        headers=drugs.headers,
        json={
            "person_id": p["id"],
            "meeting_on": "2026-11-01",
            "reason": "Client of ours, relapsing",
        },
    )
    assert r.status_code == 201
    seen = (await client.get(f"/groups/{g['id']}/agenda", headers=school.headers)).json()["items"][
        0
    ]
    assert seen["added_by_agency_id"] is None and seen["reason"] is None
    own = (await client.get(f"/groups/{g['id']}/agenda", headers=drugs.headers)).json()["items"][0]
    assert own["added_by_agency_id"] == drugs.agency_id


async def test_f6_a_decline_does_not_tell_the_requester_whether_the_holder_knows_the_person(client):
    _, sc = await make_staffed_agency(client, name="Social care", kind="social_care")
    _, clinic = await make_staffed_agency(
        client, name="Clinic", kind="sexual_health", sensitive_service=True
    )
    _, gp = await make_staffed_agency(client, name="GP", kind="gp_practice")
    known = await register_person(
        client, actor=sc, date_of_birth="2010-01-01", nhs_number=nhs("83345678")
    )
    await register_person(
        client, actor=clinic, date_of_birth="2010-01-01", nhs_number=nhs("83345678")
    )
    req = (
        await client.post(
            "/information-requests",
            headers=sc.headers,
            json={
                "subject_person_id": known["id"],
                "purpose": "child_protection_enquiry",
                "needed": "Anything",
                "due_by": "2099-12-31",
                "holders": [clinic.agency_id, gp.agency_id],
            },
        )
    ).json()
    for who in (clinic, gp):
        r = await client.post(
            f"/information-requests/{req['id']}/answers",
            headers=who.headers,
            json={
                "decline": {
                    "reasons": "We do not share",
                    "consent_sought": True,
                    "subject_told": True,
                }
            },
        )
        assert r.status_code == 200
    targets = (await client.get(f"/information-requests/{req['id']}", headers=sc.headers)).json()[
        "targets"
    ]
    assert {t["decision_id"] for t in targets} == {None}
    mine = (await client.get(f"/information-requests/{req['id']}", headers=clinic.headers)).json()[
        "targets"
    ]
    assert any(t["decision_id"] for t in mine if t["holder_agency_id"] == clinic.agency_id)


async def test_group_members_are_shown_to_members_only(client):
    la_admin, la = await make_staffed_agency(client, name="Council", kind="local_authority")
    _, drugs = await make_staffed_agency(
        client, name="Drug service", kind="substance_misuse", sensitive_service=True
    )
    _, outsider = await make_staffed_agency(client, name="Outsider")
    g = (
        await client.post(
            "/groups",
            headers=la_admin.headers,
            json={
                "name": "Team around the family",
                "kind": "team_around_the_family",
                "chair_agency_id": la.agency_id,
                "purposes": ["family_support"],
                "legal_gateway": "children_act_s17",
                "members": [drugs.agency_id],
            },
        )
    ).json()
    seen = (await client.get(f"/groups/{g['id']}", headers=outsider.headers)).json()
    assert seen["members"] == [] and drugs.agency_id not in str(seen)
    member_view = (await client.get(f"/groups/{g['id']}", headers=la.headers)).json()
    assert {m["agency_id"] for m in member_view["members"]} == {la.agency_id, drugs.agency_id}
