"""Case 7, Natasha: a competent 14-year-old refuses to involve her parents; the clinic refers her to
social care and the police without consent; her parents, through their GP, get nothing."""

from tests.factories import (
    add_record,
    decide_sharing,
    give_consent,
    make_practitioner,
    make_staffed_agency,
    register_person,
    relate,
    summaries,
    summary_of,
)
from tests.stories.steps_b import days, nhs, not_found, post, referral
from tests.stories.story import Story

NATASHA, MUM = nhs(701), nhs(702)
CPE = "child_protection_enquiry"
PURPOSES = ("health_care", CPE, "family_support")
STI = "STI treated; advice on sexual health and contraception"
PREGNANT = "Pregnant, a different STI; boyfriend likely older, pressing her into group sex"
BRUISES = "Faded bruising, left side of face; says she walked into a door"


async def test_case_07_natasha(client):
    story = Story.load(client, "case_07_natasha.md")

    async def gp_sees_nothing() -> None:
        for purpose in PURPOSES:
            view = await summary_of(client, actor=gp, person=natasha["id"], purpose=purpose)
            assert view["records"] == [] and view["withheld"] == []
            assert clinic_admin.agency_id not in str(view)

    async with story.step("1"):
        clinic_admin, nurse = await make_staffed_agency(
            client,
            name="GU clinic",
            kind="sexual_health",
            job_title="Health practitioner",
            sensitive_service=True,
        )
        named_nurse = await make_practitioner(
            client,
            admin=clinic_admin,
            name="Named nurse",
            job_title="Named nurse for safeguarding",
        )
        _, social_worker = await make_staffed_agency(
            client, name="Children's social care", kind="social_care", job_title="Social worker"
        )
        _, officer = await make_staffed_agency(
            client, name="Police", kind="police", job_title="Police officer"
        )
        _, gp = await make_staffed_agency(
            client, name="Family GP", kind="gp_practice", job_title="GP"
        )
        # The family GP knows Natasha and her mother.
        at_gp = await register_person(
            client,
            actor=gp,
            given_name="Natasha",
            date_of_birth="2012-06-01",
            nhs_number=NATASHA,
            reason="Registered patient",
        )
        mum = await register_person(
            client,
            actor=gp,
            given_name="Mum",
            date_of_birth="1985-01-01",
            nhs_number=MUM,
            reason="Registered patient",
        )
        await relate(client, gp, mum["id"], at_gp["id"])

    async with story.step("2"):
        natasha = await register_person(
            client,
            actor=nurse,
            given_name="Natasha",
            date_of_birth="2012-06-01",
            date_of_birth_estimated=True,
            nhs_number=NATASHA,
            reason="Clinic patient",
        )
        assert natasha["id"] == at_gp["id"]
        await post(
            client,
            nurse,
            f"/people/{natasha['id']}/competence",
            {
                "competent": True,
                "standard": "fraser",
                "assessed_on": days(0),
                "notes": "Discussed with the named nurse; understands the advice and treatment",
            },
        )
        await add_record(
            client, actor=nurse, subject=natasha["id"], category="sexual_health", summary=STI
        )
        own = await summary_of(client, actor=nurse, person=natasha["id"], purpose="health_care")
        assert summaries(own) == {STI}
        await gp_sees_nothing()
        for outsider in (social_worker, officer):
            await not_found(client, outsider, f"/people/{natasha['id']}/summary", purpose=CPE)

    async with story.step("3"):
        # Natasha refuses to involve her parents or their GP.
        refusal = await give_consent(
            client,
            actor=nurse,
            decision="refused",
            subjects=[natasha["id"]],
            given_by=[natasha["id"]],
            recipients=[gp.agency_id],
            purposes=["health_care"],
        )
        assert refusal["subjects"][0]["given_by_person_id"] == natasha["id"]
        await gp_sees_nothing()

    async with story.step("4"):
        # Her mother's consent, recorded at the GP, cannot speak for a competent child: the GP
        # does not know of the clinic's assessment (and is not told), and gets nothing from it.
        await give_consent(
            client,
            actor=gp,
            decision="granted",
            subjects=[natasha["id"]],
            given_by=[mum["id"]],
            holders=[clinic_admin.agency_id],
            recipients=[gp.agency_id],
            purposes=["health_care"],
            categories=["sexual_health"],
        )
        await gp_sees_nothing()

    async with story.step("5"):
        await add_record(
            client, actor=nurse, subject=natasha["id"], category="sexual_health", summary=PREGNANT
        )
        await add_record(
            client, actor=nurse, subject=natasha["id"], category="health", summary=BRUISES
        )
        own = await summary_of(client, actor=nurse, person=natasha["id"], purpose=CPE)
        assert summaries(own) == {STI, PREGNANT, BRUISES}
        await gp_sees_nothing()
        for outsider in (social_worker, officer):
            await not_found(client, outsider, f"/people/{natasha['id']}/summary", purpose=CPE)

    async with story.step("6"):
        decision = await decide_sharing(
            client,
            actor=nurse,
            kind="share",
            subject_person_id=natasha["id"],
            recipients=[social_worker.agency_id, officer.agency_id],
            purposes=[CPE],
            categories=["sexual_health", "health"],
            legal_basis="risk_of_significant_harm",
            reasons="Likely exploited by an older man who may be violent; risk to other girls.",
            consent_sought=True,
            subject_told=True,
            article9_condition="safeguarding_children_and_individuals_at_risk",
            consulted=["Named nurse for safeguarding"],
        )
        records = [r["id"] for r in own["records"]]
        for by, to in ((nurse, social_worker), (named_nurse, officer)):
            sent = await referral(
                client,
                by,
                to_agency_id=to.agency_id,
                subject_person_ids=[natasha["id"]],
                purpose=CPE,
                reason="Risk of significant harm: underage sexual relationship with an older man",
                action_expected="Strategy discussion; s.47 enquiry",
                record_ids=records,
            )
            assert len(sent["share_ids"]) == 3
        for reader in (social_worker, officer):
            view = await summary_of(client, actor=reader, person=natasha["id"], purpose=CPE)
            assert summaries(view) == {STI, PREGNANT, BRUISES}
            assert {r["shared"]["basis"] for r in view["records"]} == {"decision"}
            assert {r["shared"]["basis_id"] for r in view["records"]} == {decision["id"]}
            other = await summary_of(
                client, actor=reader, person=natasha["id"], purpose="family_support"
            )
            assert other["records"] == []
        # Her parents' GP still gets nothing, for any purpose, and no trace of the clinic.
        await gp_sees_nothing()

    story.done()
