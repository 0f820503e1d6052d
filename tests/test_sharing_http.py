"""The sharing core through HTTP: withdrawal, corrections, citations, groups, sensitive services,
entitlement, pagination of policy-filtered records."""

from tests.factories import (
    ADMIN,
    add_record,
    decide_sharing,
    give_consent,
    make_staffed_agency,
    register_person,
    summaries,
    summary_of,
    withheld,
)
from tests.test_auth import assert_problem

AMY, STEVE, ANGELA, RYAN, SARAH = (
    "9434765919",
    "9434765870",
    "9434765889",
    "9434765897",
    "9434765900",
)


async def two_agencies(client):
    _, holder = await make_staffed_agency(client, name="Holder", kind="health_visiting")
    _, reader = await make_staffed_agency(client, name="Reader", kind="school")
    return holder, reader


async def shared_adult(client, holder, reader, nhs=STEVE, name="Steve"):
    person = await register_person(
        client, actor=holder, given_name=name, date_of_birth="1985-01-01", nhs_number=nhs
    )
    await register_person(client, actor=reader, given_name=name, date_of_birth=None, nhs_number=nhs)
    return person


async def test_withdrawing_consent_stops_disclosure_at_once(client):
    holder, reader = await two_agencies(client)
    steve = await shared_adult(client, holder, reader)
    await add_record(
        client, actor=holder, subject=steve["id"], category="housing", summary="Damp flat"
    )
    consent = await give_consent(
        client,
        actor=holder,
        decision="granted",
        subjects=[steve["id"]],
        given_by=[steve["id"]],
        recipients=[reader.agency_id],
        purposes=["family_support"],
    )
    assert consent["status"] == "active"
    view = await summary_of(client, actor=reader, person=steve["id"], purpose="family_support")
    assert summaries(view) == {"Damp flat"}
    url = f"/consents/{consent['id']}"
    etag = (await client.get(url, headers=holder.headers)).headers["etag"]
    r = await client.post(
        f"{url}/withdrawal",
        headers={**holder.headers, "If-Match": etag},
        json={"reason": "Steve changed his mind"},
    )
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    view = await summary_of(client, actor=reader, person=steve["id"], purpose="family_support")
    assert view["records"] == [] and withheld(view) == {"consent_withdrawn": 1}
    again = await client.post(
        f"{url}/withdrawal",
        headers={**holder.headers, "If-Match": r.headers["etag"]},
        json={"reason": "twice"},
    )
    assert assert_problem(again, 409)["current_state"] == "withdrawn"
    # The reader cannot see or touch the holder's consent statement.
    assert_problem(await client.get(url, headers=reader.headers), 404)


async def test_refusals_are_superseded_not_withdrawn(client):
    holder, reader = await two_agencies(client)
    steve = await shared_adult(client, holder, reader)
    refusal = await give_consent(
        client,
        actor=holder,
        decision="refused",
        subjects=[steve["id"]],
        given_by=[steve["id"]],
        recipients=[reader.agency_id],
        purposes=["family_support"],
    )
    url = f"/consents/{refusal['id']}"
    etag = (await client.get(url, headers=holder.headers)).headers["etag"]
    r = await client.post(
        f"{url}/withdrawal", headers={**holder.headers, "If-Match": etag}, json={"reason": "x"}
    )
    assert assert_problem(r, 409)["current_state"] == "refused"


async def test_corrections_supersede_and_are_never_deleted(client):
    holder, reader = await two_agencies(client)
    steve = await shared_adult(client, holder, reader)
    rec = await add_record(
        client,
        actor=holder,
        subject=steve["id"],
        category="housing",
        level="non_confidential",
        summary="Lives at no. 12",
    )
    r = await client.post(
        f"/records/{rec['id']}/corrections",
        headers=holder.headers,
        json={"summary": "Lives at no. 21", "reason": "Typo"},
    )
    assert r.status_code == 201, r.text
    fixed = r.json()
    assert fixed["supersedes_id"] == rec["id"] and fixed["correction_reason"] == "Typo"
    view = await summary_of(client, actor=reader, person=steve["id"], purpose="family_support")
    assert summaries(view) == {"Lives at no. 21"}
    again = await client.post(
        f"/records/{rec['id']}/corrections",
        headers=holder.headers,
        json={"summary": "x", "reason": "again"},
    )
    assert_problem(again, 409)
    assert_problem(
        await client.post(
            f"/records/{fixed['id']}/corrections",
            headers=reader.headers,
            json={"summary": "x", "reason": "not mine"},
        ),
        404,
    )
    # The superseded record is kept: it is still read by id.
    r = await client.get(
        f"/records/{rec['id']}", headers=holder.headers, params={"purpose": "family_support"}
    )
    assert r.status_code == 200 and r.json()["summary"] == "Lives at no. 12"


async def _sarah_at_a_drug_service_and_social_care(client):
    """A sensitive drug service and social care both know Sarah; a school exists."""
    _, drugs = await make_staffed_agency(
        client, name="Drug service", kind="substance_misuse", sensitive_service=True
    )
    _, social = await make_staffed_agency(client, name="Social care", kind="social_care")
    _, school = await make_staffed_agency(client, name="School", kind="school")
    sarah = await register_person(
        client, actor=drugs, given_name="Sarah", date_of_birth="1990-01-01", nhs_number=SARAH
    )
    await register_person(
        client, actor=social, given_name="Sarah", date_of_birth=None, nhs_number=SARAH
    )
    return drugs, social, school, sarah


async def test_citations_are_shown_only_when_the_cited_record_is_visible(client):
    drugs, social, school, sarah = await _sarah_at_a_drug_service_and_social_care(client)
    await register_person(
        client, actor=school, given_name="Sarah", date_of_birth=None, nhs_number=SARAH
    )
    treatment = await add_record(
        client,
        actor=drugs,
        subject=sarah["id"],
        category="substance_misuse",
        summary="Stable on treatment",
    )
    # Sarah agrees the drug service may share her treatment with social care.
    await give_consent(
        client,
        actor=drugs,
        decision="granted",
        subjects=[sarah["id"]],
        given_by=[sarah["id"]],
        recipients=[social.agency_id],
        purposes=["child_in_need_assessment"],
        categories=["substance_misuse"],
    )
    seen = await summary_of(
        client, actor=social, person=sarah["id"], purpose="child_in_need_assessment"
    )
    assert summaries(seen) == {"Stable on treatment"}
    # Eddie's assessment draws on it.
    assessment = await add_record(
        client,
        actor=social,
        subject=sarah["id"],
        category="family_circumstances",
        level="non_confidential",
        summary="Assessment: coping well",
        cites=[treatment["id"]],
    )
    assert assessment["cites"] == [treatment["id"]]
    # The school sees the assessment, but not the citation of the drug service's record.
    view = await summary_of(
        client, actor=school, person=sarah["id"], purpose="child_in_need_assessment"
    )
    assert summaries(view) == {"Assessment: coping well"}
    assert view["records"][0]["cites"] == []
    assert view["withheld"] == []  # and the drug service's record is not even counted
    # You cannot cite what you have not seen.
    r = await client.post(
        "/records",
        headers=school.headers,
        json={
            "subject_person_id": sarah["id"],
            "category": "education",
            "level": "confidential",
            "summary": "x",
            "occurred_on": "2026-10-01",
            "cites": [treatment["id"]],
        },
    )
    assert assert_problem(r, 404)["errors"][0]["field"] == "body:/cites"


async def test_a_citation_of_a_record_about_somebody_else_is_judged_on_that_record(client):
    drugs, social, school, sarah = await _sarah_at_a_drug_service_and_social_care(client)
    ryan = await register_person(
        client, actor=social, given_name="Ryan", date_of_birth="2016-05-01", nhs_number=RYAN
    )
    await register_person(
        client, actor=school, given_name="Ryan", date_of_birth=None, nhs_number=RYAN
    )
    treatment = await add_record(
        client, actor=drugs, subject=sarah["id"], category="substance_misuse", summary="Stable"
    )
    await give_consent(
        client,
        actor=drugs,
        decision="granted",
        subjects=[sarah["id"]],
        given_by=[sarah["id"]],
        recipients=[social.agency_id],
        purposes=["child_in_need_assessment"],
        categories=["substance_misuse"],
    )
    # Social care reads it, and its note about Ryan draws on his mother's treatment.
    await summary_of(client, actor=social, person=sarah["id"], purpose="child_in_need_assessment")
    note = await add_record(
        client,
        actor=social,
        subject=ryan["id"],
        category="family_circumstances",
        level="non_confidential",
        summary="Mother engaging with treatment",
        cites=[treatment["id"]],
    )
    own = await summary_of(
        client, actor=social, person=ryan["id"], purpose="child_in_need_assessment"
    )
    assert [(r["id"], r["cites"]) for r in own["records"]] == [(note["id"], [treatment["id"]])]
    # The school reads the note about Ryan, not that it cites a drug service's record.
    view = await summary_of(
        client, actor=school, person=ryan["id"], purpose="child_in_need_assessment"
    )
    assert [(r["id"], r["cites"]) for r in view["records"]] == [(note["id"], [])]


async def test_a_group_agenda_gives_interest_while_a_member(client):
    la_admin, la = await make_staffed_agency(
        client, name="Council social inclusion", kind="local_authority"
    )
    _, police = await make_staffed_agency(client, name="Police", kind="police")
    _, housing = await make_staffed_agency(client, name="Housing trust", kind="housing")
    tony = await register_person(
        client, actor=police, given_name="Tony", date_of_birth="2009-05-01", nhs_number=AMY
    )
    await add_record(
        client,
        actor=police,
        subject=tony["id"],
        category="family_circumstances",
        level="non_confidential",
        summary="Known to local officers",
    )
    r = await client.post(
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
    assert r.status_code == 201, r.text
    group = r.json()
    assert {m["agency_id"] for m in group["members"]} == {
        la.agency_id,
        police.agency_id,
        housing.agency_id,
    }
    # Before the family is on an agenda, housing has no interest: Tony does not exist for it.
    assert_problem(
        await client.get(
            f"/people/{tony['id']}/summary",
            headers=housing.headers,
            params={"purpose": "crime_and_disorder_reduction"},
        ),
        404,
    )
    r = await client.post(
        f"/groups/{group['id']}/agenda",
        headers=police.headers,
        json={
            "person_id": tony["id"],
            "meeting_on": "2026-11-01",
            "reason": "Anti-social behaviour",
        },
    )
    assert r.status_code == 201, r.text
    view = await summary_of(
        client, actor=housing, person=tony["id"], purpose="crime_and_disorder_reduction"
    )
    assert summaries(view) == {"Known to local officers"}
    # A non-member cannot use the agenda, nor read it.
    _, school = await make_staffed_agency(client, name="School")
    assert_problem(await client.get(f"/groups/{group['id']}/agenda", headers=school.headers), 404)
    # Housing leaves the group: its interest ends with its membership.
    url = f"/groups/{group['id']}"
    etag = (await client.get(url, headers=la_admin.headers)).headers["etag"]
    r = await client.delete(
        f"{url}/members/{housing.agency_id}", headers={**la_admin.headers, "If-Match": etag}
    )
    assert r.status_code == 200, r.text
    assert_problem(
        await client.get(
            f"/people/{tony['id']}/summary",
            headers=housing.headers,
            params={"purpose": "crime_and_disorder_reduction"},
        ),
        404,
    )
    # Only the chair's administrators run the group.
    r = await client.post(
        f"{url}/members",
        headers={**police.headers, "If-Match": "*"},
        json={"agency_id": school.agency_id},
    )
    assert_problem(r, 403)
    r = await client.post(
        f"{url}/members", headers={**ADMIN, "If-Match": "*"}, json={"agency_id": school.agency_id}
    )
    assert r.status_code == 200


async def test_group_scoped_consent_uses_membership_at_request_time(client):
    fss_admin, fss = await make_staffed_agency(
        client, name="Family support", kind="local_authority"
    )
    _, amh = await make_staffed_agency(
        client, name="Adult mental health", kind="mental_health", sensitive_service=True
    )
    _, school = await make_staffed_agency(client, name="School")
    steve = await register_person(
        client, actor=amh, given_name="Steve", date_of_birth="1985-01-01", nhs_number=STEVE
    )
    await register_person(
        client, actor=school, given_name="Steve", date_of_birth=None, nhs_number=STEVE
    )
    await add_record(
        client, actor=amh, subject=steve["id"], category="finance", summary="Struggling with debts"
    )
    r = await client.post(
        "/groups",
        headers=fss_admin.headers,
        json={
            "name": "Family support service",
            "kind": "family_support_service",
            "chair_agency_id": fss.agency_id,
            "purposes": ["family_support"],
            "legal_gateway": "children_act_s17",
            "members": [amh.agency_id],
        },
    )
    group = r.json()
    await give_consent(
        client,
        actor=amh,
        decision="granted",
        subjects=[steve["id"]],
        given_by=[steve["id"]],
        holder_groups=[group["id"]],
        recipient_groups=[group["id"]],
        purposes=["family_support"],
        show_involvement=True,
    )
    # The school is not (yet) a member: nothing, and the sensitive service stays hidden.
    view = await summary_of(client, actor=school, person=steve["id"], purpose="family_support")
    assert view["records"] == [] and view["withheld"] == []
    r = await client.post(
        f"/groups/{group['id']}/members",
        headers={**fss_admin.headers, "If-Match": "*"},
        json={"agency_id": school.agency_id},
    )
    assert r.status_code == 200
    view = await summary_of(client, actor=school, person=steve["id"], purpose="family_support")
    assert summaries(view) == {"Struggling with debts"}


async def test_someone_not_entitled_cannot_consent_for_another(client):
    _, housing = await make_staffed_agency(client, name="Housing", kind="housing")
    steve = await register_person(
        client, actor=housing, given_name="Steve", date_of_birth="1985-01-01"
    )
    angela = await register_person(
        client, actor=housing, given_name="Angela", date_of_birth="1987-01-01"
    )
    amy = await register_person(client, actor=housing, given_name="Amy", date_of_birth="2025-10-01")
    for parent in (steve, angela):
        r = await client.post(
            "/relationships",
            headers=housing.headers,
            json={
                "person_id": parent["id"],
                "related_person_id": amy["id"],
                "kind": "parent",
                "parental_responsibility": True,
            },
        )
        assert r.status_code == 201
    # Steve cannot refuse on Angela's behalf (case 9).
    problem = assert_problem(
        await client.post(
            "/consents",
            headers=housing.headers,
            json={
                "decision": "refused",
                "subjects": [angela["id"]],
                "given_by": [steve["id"]],
                "form": "verbal",
                "recipients": [housing.agency_id],
                "purposes": ["family_support"],
            },
        ),
        422,
    )
    assert problem["errors"][0]["field"] == "body:/subjects/0"
    # Both parents sign for the whole family: each subject has an entitled signer.
    statement = await give_consent(
        client,
        actor=housing,
        decision="granted",
        subjects=[steve["id"], angela["id"], amy["id"]],
        given_by=[steve["id"], angela["id"]],
        recipients=[housing.agency_id],
        purposes=["family_support"],
        form="signed_statement",
    )
    pairs = {(s["subject_person_id"], s["given_by_person_id"]) for s in statement["subjects"]}
    assert pairs == {
        (steve["id"], steve["id"]),
        (angela["id"], angela["id"]),
        (amy["id"], steve["id"]),
        (amy["id"], angela["id"]),
    }


async def test_special_consent_needs_article9_and_decisions_need_reasons(client):
    holder, reader = await two_agencies(client)
    steve = await shared_adult(client, holder, reader)
    r = await client.post(
        "/consents",
        headers=holder.headers,
        json={
            "decision": "granted",
            "subjects": [steve["id"]],
            "given_by": [steve["id"]],
            "form": "verbal",
            "recipients": [reader.agency_id],
            "purposes": ["health_care"],
            "categories": ["mental_health"],
            "article9_condition": None,
        },
    )
    assert assert_problem(r, 422)["errors"][0]["field"] == "body:/article9_condition"
    r = await client.post(
        "/sharing-decisions",
        headers=holder.headers,
        json={
            "kind": "share",
            "subject_person_id": steve["id"],
            "recipients": [reader.agency_id],
            "purposes": ["health_care"],
            "legal_basis": "public_interest",
            "reasons": "",
            "consent_sought": False,
            "subject_told": True,
        },
    )
    assert_problem(r, 422)
    r = await client.post(
        "/sharing-decisions",
        headers=holder.headers,
        json={
            "kind": "share",
            "subject_person_id": steve["id"],
            "recipients": [reader.agency_id],
            "purposes": ["health_care"],
            "legal_basis": "public_interest",
            "reasons": "Risk",
            "consent_sought": False,
            "subject_told": True,
        },
    )
    assert "consent_not_sought_reason" in assert_problem(r, 422)["errors"][0]["detail"]


async def test_ending_a_decision_ends_what_it_allowed(client):
    holder, reader = await two_agencies(client)
    steve = await shared_adult(client, holder, reader)
    await add_record(
        client, actor=holder, subject=steve["id"], category="housing", summary="Arrears"
    )
    d = await decide_sharing(
        client,
        actor=holder,
        kind="share",
        subject_person_id=steve["id"],
        recipients=[reader.agency_id],
        purposes=["family_support"],
        categories=["housing"],
        legal_basis="public_interest",
    )
    assert summaries(
        await summary_of(client, actor=reader, person=steve["id"], purpose="family_support")
    ) == {"Arrears"}
    url = f"/sharing-decisions/{d['id']}"
    etag = (await client.get(url, headers=holder.headers)).headers["etag"]
    r = await client.post(
        f"{url}/end", headers={**holder.headers, "If-Match": etag}, json={"reason": "Risk passed"}
    )
    assert r.status_code == 200 and r.json()["ended_at"]
    view = await summary_of(client, actor=reader, person=steve["id"], purpose="family_support")
    assert view["records"] == [] and withheld(view) == {"no_consent": 1}
    assert_problem(await client.get(url, headers=reader.headers), 404)


async def test_records_list_pages_over_visible_records_only(client):
    holder, reader = await two_agencies(client)
    steve = await shared_adult(client, holder, reader)
    for i in range(5):
        await add_record(
            client,
            actor=holder,
            subject=steve["id"],
            category="housing",
            level="non_confidential",
            summary=f"open {i}",
        )
        await add_record(
            client, actor=holder, subject=steve["id"], category="housing", summary=f"closed {i}"
        )
    seen, cursor = [], None
    while True:
        params = {"purpose": "family_support", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (
            await client.get(
                f"/people/{steve['id']}/records", headers=reader.headers, params=params
            )
        ).json()
        seen += [r["summary"] for r in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"open {i}" for i in range(5)]


async def test_purpose_is_required_and_closed(client):
    holder, _ = await two_agencies(client)
    steve = await register_person(client, actor=holder, given_name="Steve")
    assert_problem(await client.get(f"/people/{steve['id']}/summary", headers=holder.headers), 422)
    r = await client.get(
        f"/people/{steve['id']}/summary", headers=holder.headers, params={"purpose": "curiosity"}
    )
    assert assert_problem(r, 422)["errors"][0]["field"] == "query:/purpose"


async def test_chronology_reads_the_child_and_exactly_the_people_around_them(client):
    """The chronology finds the people around the child in the same statement as the facts
    (sharing._CHILD_AND_AROUND); each must be labelled (sharing.around_from) and nobody else read:
    those with parental responsibility, the household (either way round, current) and the
    child's family; not a parent without PR, an ended household tie or a parent's own partner."""
    _, sc = await make_staffed_agency(client, name="Social care", kind="social_care")

    async def someone(given: str, born: str = "1985-01-01") -> str:
        person = await register_person(client, actor=sc, given_name=given, date_of_birth=born)
        await add_record(
            client,
            actor=sc,
            subject=person["id"],
            category="family_circumstances",
            level="non_confidential",
            summary=f"About {given}",
        )
        return str(person["id"])

    async def tie(person: str, related: str, kind: str, pr: bool = False, **extra) -> None:
        body = {"person_id": person, "related_person_id": related, "kind": kind}
        r = await client.post(
            "/relationships",
            headers=sc.headers,
            json={**body, "parental_responsibility": pr, **extra},
        )
        assert r.status_code == 201, r.text

    child = await someone("Child", "2016-01-01")
    mum, dad, lodger, nan, aunt, ex, partner = [
        await someone(n) for n in ("Mum", "Dad", "Lodger", "Nan", "Aunt", "Ex", "Partner")
    ]
    await tie(mum, child, "parent", pr=True)
    await tie(dad, child, "parent")  # no parental responsibility, not of the household
    await tie(child, lodger, "household_member")  # recorded the other way round
    await tie(ex, child, "household_member", from_date="2020-01-01", to_date="2021-01-01")
    await tie(partner, mum, "partner")  # around the mother, not the child
    r = await client.post(
        "/families",
        headers=sc.headers,
        json={"name": "Home", "members": [{"person_id": child}, {"person_id": nan}]},
    )
    assert r.status_code == 201, r.text
    del aunt  # registered, related to nobody
    r = await client.get(
        f"/people/{child}/chronology",
        headers=sc.headers,
        params={"purpose": "child_in_need_assessment"},
    )
    assert r.status_code == 200, r.text
    assert {e["summary"]: e["relationship_to_child"] for e in r.json()["entries"]} == {
        "About Child": "child",
        "About Mum": "parent with parental responsibility",
        "About Lodger": "household member",
        "About Nan": "household member",
    }
