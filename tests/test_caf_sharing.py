"""Another agency reads an early help assessment (CAF) only through the sharing policy: the CAF is
the holder's confidential social care information about the child, read for an early help
assessment; every such read is a logged disclosure; otherwise the CAF does not exist for it."""

import uuid

from tests.factories import give_consent, make_practitioner, make_staffed_agency, register_person
from tests.stories.steps_b import move_caf, nhs, not_found, post
from tests.test_auth import assert_problem

CHILD, MOTHER = nhs(5001), nhs(5101)
EH = "early_help_assessment"


async def setting(client):
    holder_admin, holder = await make_staffed_agency(client, name="Space 4 Me", kind="charity")
    _, school = await make_staffed_agency(client, name="School")
    _, outsider = await make_staffed_agency(client, name="Housing", kind="housing")
    people = {}
    for actor in (holder, school):
        people["child"] = await register_person(
            client, actor=actor, given_name="Ryan", nhs_number=CHILD, date_of_birth="2015-05-16"
        )
        people["mother"] = await register_person(
            client, actor=actor, given_name="Sarah", nhs_number=MOTHER, date_of_birth="1990-12-05"
        )
        r = await client.post(
            "/relationships",
            headers=actor.headers,
            json={
                "person_id": people["mother"]["id"],
                "related_person_id": people["child"]["id"],
                "kind": "parent",
                "parental_responsibility": True,
            },
        )
        assert r.status_code == 201, r.text
    caf = await post(client, holder, "/early-help-assessments", {"child_id": people["child"]["id"]})
    await move_caf(client, holder, caf["id"], "consent_sought")
    await move_caf(client, holder, caf["id"], "in_progress")
    await move_caf(
        client,
        holder,
        caf["id"],
        "completed",
        strengths="Loves drawing",
        needs="Support at school",
        completed_with=["Ryan", "Sarah"],
    )
    return holder, school, holder_admin, outsider, people, caf


async def consent(client, holder, school, people, **scope):
    return await give_consent(
        client,
        actor=holder,
        decision="granted",
        form="written",
        subjects=[people["child"]["id"]],
        given_by=[people["mother"]["id"]],
        recipients=[school.agency_id],
        **{"purposes": [EH], **scope},
    )


async def test_school_reads_the_caf_once_consent_names_it(client):
    holder, school, holder_admin, outsider, people, caf = await setting(client)
    url = f"/early-help-assessments/{caf['id']}"
    await not_found(client, school, url)
    # Consent for another purpose, or another category, does not reach the CAF.
    await consent(client, holder, school, people, purposes=["education_support"])
    await consent(client, holder, school, people, categories=["education"])
    await not_found(client, school, url)
    granted = await consent(client, holder, school, people, categories=["social_care"])
    request_id = uuid.uuid4().hex
    r = await client.get(url, headers={**school.headers, "X-Request-ID": request_id})
    assert r.status_code == 200, r.text
    seen = r.json()
    assert (seen["status"], seen["strengths"], seen["needs"]) == (
        "completed",
        "Loves drawing",
        "Support at school",
    )
    assert seen["holder_agency_id"] == holder.agency_id
    # Logged as a disclosure by the holder, on the consent, to the reader.
    dpo = await make_practitioner(
        client, admin=holder_admin, name="DPO", roles=("data_protection_officer",)
    )
    r = await client.get(
        "/disclosures", headers=dpo.headers, params={"subject_person_id": people["child"]["id"]}
    )
    assert r.status_code == 200, r.text
    logged = [d for d in r.json()["items"] if d["record_id"] == caf["id"]]
    assert [
        (
            d["recipient_agency_id"],
            d["recipient_practitioner_id"],
            d["basis"],
            d["basis_id"],
            d["purpose"],
            d["endpoint"],
            d["request_id"],
        )
        for d in logged
    ] == [
        (
            school.agency_id,
            school.practitioner_id,
            "consent",
            granted["id"],
            EH,
            "early_help_assessment",
            request_id,
        )
    ]
    # The reader may read, not move the assessment on (403, since it can see it); an outsider
    # without interest still gets 404.
    r = await client.post(
        f"{url}/transitions",
        headers={**school.headers, "If-Match": "*"},
        json={"to": "closed"},
    )
    assert_problem(r, 403)
    await not_found(client, outsider, url)
    r = await client.post(
        f"{url}/transitions",
        headers={**outsider.headers, "If-Match": "*"},
        json={"to": "closed"},
    )
    assert_problem(r, 404)


async def test_a_refusal_or_a_decision_not_to_share_keeps_the_caf_hidden(client):
    holder, school, _, _, people, caf = await setting(client)
    url = f"/early-help-assessments/{caf['id']}"
    await consent(client, holder, school, people, categories=["social_care"])
    r = await client.get(url, headers=school.headers)
    assert r.status_code == 200, r.text
    await give_consent(
        client,
        actor=holder,
        decision="refused",
        subjects=[people["child"]["id"]],
        given_by=[people["mother"]["id"]],
        recipients=[school.agency_id],
        purposes=[EH],
    )
    await not_found(client, school, url)


async def test_a_decision_to_share_without_consent_reaches_the_caf(client):
    holder, school, _, _, people, caf = await setting(client)
    url = f"/early-help-assessments/{caf['id']}"
    r = await client.post(
        "/sharing-decisions",
        headers=holder.headers,
        json={
            "kind": "share",
            "subject_person_id": people["child"]["id"],
            "recipients": [school.agency_id],
            "purposes": [EH],
            "categories": ["social_care"],
            "legal_basis": "risk_of_significant_harm",
            "reasons": "The school must know the assessment now",
            "consent_sought": False,
            "consent_not_sought_reason": "Would place the child at risk",
            "subject_told": False,
            "not_told_reason": "Would place the child at risk",
            "article6_basis": "public_task",
        },
    )
    assert r.status_code == 201, r.text
    r = await client.get(url, headers=school.headers)
    assert r.status_code == 200 and r.json()["id"] == caf["id"]


async def test_unknown_caf_is_404(client):
    _, school = await make_staffed_agency(client, name="School")
    await not_found(client, school, f"/early-help-assessments/{uuid.uuid4()}")
