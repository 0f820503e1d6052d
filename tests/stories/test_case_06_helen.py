"""Case 6, Helen: a parent's refusal overridden on safeguarding grounds, the parent told, shared
with social care and the police; the respite care provider learns nothing."""

from tests.factories import (
    add_record,
    give_consent,
    make_practitioner,
    make_staffed_agency,
    register_person,
    relate,
    summaries,
    summary_of,
    withheld,
)
from tests.stories.steps_b import days, disclosed, get, nhs, not_found, post, referral
from tests.stories.story import Story

HELEN, GRACE = nhs(601), nhs(602)
CPE = "child_protection_enquiry"
BRUISING = "Bruising to legs and thighs on admission"
ACCOUNT = "Mother: bruises may be from the callipers; Helen is just back from respite care"


async def test_case_06_helen(client):
    story = Story.load(client, "case_06_helen.md")

    async with story.step("1"):
        hospital_admin, doctor = await make_staffed_agency(
            client, name="General Hospital", kind="hospital", job_title="Admitting doctor"
        )
        consultant = await make_practitioner(
            client, admin=hospital_admin, name="Dr Shah", job_title="Consultant paediatrician"
        )
        _, social_worker = await make_staffed_agency(
            client, name="Children's social care", kind="social_care", job_title="Social worker"
        )
        _, officer = await make_staffed_agency(
            client, name="Police", kind="police", job_title="Detective constable"
        )
        _, respite = await make_staffed_agency(
            client, name="Short breaks service", kind="other", job_title="Respite care worker"
        )
        await register_person(
            client,
            actor=respite,
            given_name="Helen",
            date_of_birth="2019-04-01",
            nhs_number=HELEN,
            reason="Regular respite stays",
        )
        await register_person(
            client,
            actor=social_worker,
            given_name="Helen",
            date_of_birth="2019-04-01",
            nhs_number=HELEN,
            reason="Disabled children's team: arranges Helen's respite care",
        )

    async with story.step("2"):
        helen = await register_person(
            client,
            actor=doctor,
            given_name="Helen",
            date_of_birth="2019-04-01",
            nhs_number=HELEN,
            reason="Admitted for surgery to her legs",
        )
        grace = await register_person(
            client,
            actor=doctor,
            given_name="Grace",
            date_of_birth="1988-01-01",
            nhs_number=GRACE,
            reason="Helen's mother",
        )
        await relate(client, doctor, grace["id"], helen["id"])
        bruising = await add_record(
            client, actor=doctor, subject=helen["id"], category="health", summary=BRUISING
        )
        account = await add_record(
            client,
            actor=doctor,
            subject=helen["id"],
            category="family_circumstances",
            summary=ACCOUNT,
        )
        own = await summary_of(client, actor=doctor, person=helen["id"], purpose=CPE)
        assert summaries(own) == {BRUISING, ACCOUNT}
        for other in (respite, social_worker):
            view = await summary_of(client, actor=other, person=helen["id"], purpose=CPE)
            assert view["records"] == [] and withheld(view) == {"no_consent": 2}
        await not_found(client, officer, f"/people/{helen['id']}/summary", purpose=CPE)

    async with story.step("3"):
        # The mother (PR for a child who cannot consent) refuses to involve social care.
        refusal = await give_consent(
            client,
            actor=consultant,
            decision="refused",
            subjects=[helen["id"]],
            given_by=[grace["id"]],
            recipients=[social_worker.agency_id],
            purposes=[CPE],
        )
        listed = await get(client, consultant, f"/people/{helen['id']}/consents")
        assert [(c["id"], c["decision"], c["status"]) for c in listed["items"]] == [
            (refusal["id"], "refused", "active")
        ]
        assert refusal["subjects"] == [
            {"subject_person_id": helen["id"], "given_by_person_id": grace["id"]}
        ]
        view = await summary_of(client, actor=social_worker, person=helen["id"], purpose=CPE)
        assert view["records"] == [] and withheld(view) == {"consent_refused": 2}
        await not_found(client, social_worker, f"/consents/{refusal['id']}")
        await not_found(client, officer, f"/people/{helen['id']}/summary", purpose=CPE)

    async with story.step("4"):
        # Without a basis the bruising cannot travel with a referral: the refusal stands.
        problem = await post(
            client,
            consultant,
            "/referrals",
            {
                "to_agency_id": social_worker.agency_id,
                "subject_person_ids": [helen["id"]],
                "purpose": CPE,
                "reason": "Unexplained bruising on a child who cannot tell us how",
                "action_expected": "Consider a s.47 enquiry with the police",
                "feedback_by": days(14),
                "record_ids": [bruising["id"]],
            },
            status=422,
        )
        assert problem["errors"][0]["field"] == "body:/record_ids/0"
        assert "consent_refused" in problem["detail"]
        assert (await get(client, social_worker, "/referrals"))["items"] == []
        view = await summary_of(client, actor=social_worker, person=helen["id"], purpose=CPE)
        assert view["records"] == [] and withheld(view) == {"consent_refused": 2}

    async with story.step("5"):
        missing = await post(
            client,
            consultant,
            "/sharing-decisions",
            {
                "kind": "share",
                "subject_person_id": helen["id"],
                "recipients": [social_worker.agency_id],
                "purposes": [CPE],
                "reasons": "x",
                "consent_sought": True,
                "subject_told": True,
            },
            status=422,
        )
        assert "legal_basis" in missing["errors"][0]["detail"]
        decision = await post(
            client,
            consultant,
            "/sharing-decisions",
            {
                "kind": "share",
                "subject_person_id": helen["id"],
                "recipients": [social_worker.agency_id, officer.agency_id],
                "purposes": [CPE],
                "categories": ["health", "family_circumstances"],
                "legal_basis": "risk_of_significant_harm",
                "reasons": "Bruising not consistent with callipers; Helen cannot tell us.",
                "consent_sought": True,
                "subject_told": True,
                "article9_condition": "safeguarding_children_and_individuals_at_risk",
                "consulted": ["Admitting doctor"],
            },
        )
        assert decision["decided_by"] == consultant.practitioner_id
        assert decision["subject_told"] and decision["legal_basis"] == "risk_of_significant_harm"
        sent = await referral(
            client,
            consultant,
            to_agency_id=social_worker.agency_id,
            subject_person_ids=[helen["id"]],
            purpose=CPE,
            reason="Unexplained bruising on a child who cannot tell us how",
            action_expected="Consider a s.47 enquiry with the police",
            record_ids=[bruising["id"], account["id"]],
        )
        assert len(sent["share_ids"]) == 2
        view = await summary_of(client, actor=social_worker, person=helen["id"], purpose=CPE)
        assert summaries(view) == {BRUISING, ACCOUNT} and view["withheld"] == []
        assert {r["id"]: r["shared"] for r in view["records"]}[bruising["id"]] == {
            "basis": "decision",
            "basis_id": decision["id"],
            "purpose": CPE,
        }
        # Twins: not for another purpose; not yet the police; never the respite provider.
        other = await summary_of(
            client, actor=social_worker, person=helen["id"], purpose="family_support"
        )
        assert other["records"] == [] and withheld(other) == {"no_consent": 2}
        await not_found(client, officer, f"/people/{helen['id']}/summary", purpose=CPE)
        view = await summary_of(client, actor=respite, person=helen["id"], purpose=CPE)
        assert view["records"] == [] and withheld(view) == {"no_consent": 2}

    async with story.step("6"):
        await register_person(
            client,
            actor=officer,
            given_name="Helen",
            nhs_number=HELEN,
            reason="Strategy discussion with social care and the consultant",
        )
        view = await summary_of(client, actor=officer, person=helen["id"], purpose=CPE)
        assert summaries(view) == {BRUISING, ACCOUNT}
        assert {r["shared"]["basis_id"] for r in view["records"]} == {decision["id"]}
        other = await summary_of(
            client, actor=officer, person=helen["id"], purpose="crime_and_disorder_reduction"
        )
        assert other["records"] == []
        view = await summary_of(client, actor=respite, person=helen["id"], purpose=CPE)
        assert view["records"] == []

    async with story.step("7"):
        dpo = await make_practitioner(
            client, admin=hospital_admin, name="Hospital DPO", roles=("data_protection_officer",)
        )
        rows = await disclosed(client, dpo, helen["id"])
        assert {
            (d["recipient_agency_id"], d["basis"], d["article6_basis"], d["article9_condition"])
            for d in rows
            if d["record_id"] == bruising["id"]
        } == {
            (
                social_worker.agency_id,
                "decision",
                "public_task",
                "safeguarding_children_and_individuals_at_risk",
            ),
            (
                officer.agency_id,
                "decision",
                "public_task",
                "safeguarding_children_and_individuals_at_risk",
            ),
        }
        assert {d["basis_id"] for d in rows} == {decision["id"]}
        assert respite.agency_id not in {d["recipient_agency_id"] for d in rows}
        # The account is not special: no Article 9 condition is claimed for it.
        assert {d["article9_condition"] for d in rows if d["record_id"] == account["id"]} == {None}

    story.done()
