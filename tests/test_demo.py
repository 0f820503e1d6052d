"""The demo loader builds all ten case examples and plays each story to its end state; the printed
credentials work, and each story's end state is visible through the HTTP API."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from app.db import make_engine
from app.demo.cases import CASES, PEOPLE
from app.demo.loader import load_demo
from app.main import create_app
from app.migrate import upgrade


@dataclass
class Demo:
    client: httpx.AsyncClient
    summary: dict[str, Any]

    def person(self, key: str) -> str:
        return str(self.summary["people_ids"][key])

    def practitioner(self, key: str) -> str:
        return str(self.summary["credentials"][key]["practitioner_id"])

    async def get(self, who: str, path: str, **params: Any) -> Any:
        key = self.summary["credentials"][who]["key"]
        r = await self.client.get(path, params=params, headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 200, (who, path, r.text)
        return r.json()

    async def status(self, who: str, path: str) -> int:
        key = self.summary["credentials"][who]["key"]
        r = await self.client.get(path, headers={"Authorization": f"Bearer {key}"})
        return r.status_code

    async def summary_of(self, who: str, person: str, purpose: str) -> Any:
        return await self.get(who, f"/people/{self.person(person)}/summary", purpose=purpose)


@pytest.fixture(scope="module")
async def demo(settings, tmp_path_factory) -> AsyncIterator[Demo]:
    """The demo is loaded once for the module: every test only reads."""
    tmp = tmp_path_factory.mktemp("demo")
    url = f"sqlite+aiosqlite:///{tmp}/demo.db"
    demo_settings = settings.model_copy(update={"database_url": url})
    engine = make_engine(url)
    await upgrade(engine)
    summary = await load_demo(demo_settings, credentials_dir=tmp)
    app = create_app(demo_settings, engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield Demo(c, summary)
    await engine.dispose()


def _summaries(view: dict[str, Any]) -> list[str]:
    return [r["summary"] for r in view["records"]]


def _months_out(due: str, months: int) -> bool:
    days = (date.fromisoformat(due) - date.today()).days
    return abs(days - 30.4 * months) <= 4


async def test_demo_loads_every_case_and_its_keys_work(demo):
    assert demo.summary["people"] == len(PEOPLE) and len(CASES) == 10
    names = {p["given_name"] for p in (await demo.get("c3_health_visitor", "/people"))["items"]}
    assert {"Jenny", "Jack"} <= names
    jack = await demo.get("c3_jack_teacher", f"/people/{demo.person('c3_jack')}")
    assert jack["given_name"] == "Jack"
    # Poppy is known to the health visitor only: to the school she does not exist.
    poppy = f"/people/{demo.person('c3_poppy')}"
    assert await demo.status("c3_jack_teacher", poppy) == 404
    assert await demo.status("c3_health_visitor", poppy) == 200


async def test_case_1_kelly_asked_and_everyone_answered_and_they_alert_each_other(demo):
    sent = await demo.get("c1_kelly", "/information-requests", box="sent")
    [request] = sent["items"]
    assert request["status"] == "answered"
    assert {t["status"] for t in request["targets"]} == {"answered"}
    # What the midwife shared reaches Kelly; Kate's health stays with the midwife and the HV.
    view = await demo.summary_of("c1_kelly", "c1_kate", "family_support")
    assert "Postnatal visits: Kate very tired; no one to help her at home" in _summaries(view)
    assert {w["reason"] for w in view["withheld"]} == {"no_consent"}
    alerts = await demo.get("c1_kelly", "/alerts")
    assert [a["person_id"] for a in alerts if a["kind"] == "concern_raised"] == [
        demo.person("c1_mia")
    ]


async def test_case_1_ends_with_kate_at_work_and_childcare_through_the_centre(demo):
    # The children's centre works in other cases too: Kate's family's plan is "Outreach support".
    listed = (await demo.get("c1_kelly", "/actions", limit=100))["items"]
    actions = [a for a in listed if a["plan"] == "Outreach support"]
    assert {(a["description"], a["status"], a["outcome"]) for a in actions} == {
        (
            "Go with Kate and the children to the first mother and baby club sessions",
            "done",
            "Kate now goes to the club on her own",
        ),
        (
            "Help Kate arrange childcare through the centre for her part-time work",
            "done",
            "Childcare arranged at the centre; Kate starts part-time work",
        ),
    }
    assert len({a["family_id"] for a in actions}) == 1
    assert {a["owner_practitioner_id"] for a in actions} == {demo.practitioner("c1_kelly")}
    # The centre's actions are its own: neither the health visitor nor housing sees them.
    for who in ("c1_health_visitor", "c1_housing_officer"):
        theirs = (await demo.get(who, "/actions", limit=100))["items"]
        assert not {a["id"] for a in theirs} & {a["id"] for a in actions}
        assert await demo.status(who, f"/actions/{actions[0]['id']}") == 404
    view = await demo.summary_of("c1_kelly", "c1_kate", "family_support")
    assert any(s.startswith("Kate is returning to work part-time") for s in _summaries(view))


async def test_case_2_consent_for_attendance_does_not_cover_health(demo):
    volunteer = "Volunteer worried Ben may not hear well"
    health = await demo.summary_of("c2_health_visitor", "c2_ben", "health_care")
    shared = [r for r in health["records"] if r["summary"].startswith(volunteer)]
    assert [r["shared"]["basis"] for r in shared] == ["consent"]
    school = await demo.summary_of("c2_health_visitor", "c2_ben", "education_support")
    assert not any(s.startswith(volunteer) for s in _summaries(school))
    assert {"reason": "no_consent", "count": 2} in school["withheld"]
    consents = await demo.get("c2_organiser", f"/people/{demo.person('c2_cathy')}/consents")
    assert sorted(c["status"] for c in consents["items"]) == ["active", "withdrawn"]
    referrals = await demo.get("c2_gp", "/referrals")
    assert [r["status"] for r in referrals["items"]] == ["accepted"]


async def test_case_3_decision_not_to_share_and_fortnightly_monitoring(demo):
    view = await demo.summary_of("c3_jack_teacher", "c3_lisa", "early_help_assessment")
    assert _summaries(view) == ["Three children under six; the family has had some difficulties"]
    assert view["withheld"] == [{"reason": "decision_not_to_share", "count": 1}]
    for who in ("c3_health_visitor", "c3_cp_lead"):  # one agency's each, with who is responsible
        reviews = (await demo.get(who, "/reviews"))["items"]
        [review] = [r for r in reviews if r["child_id"] == demo.person("c3_jack")]
        assert review["recurrence_days"] == 14 and review["status"] == "scheduled"
        assert review["responsible_practitioner_id"] == demo.practitioner(who)


async def test_case_4_schools_shared_without_consent_and_the_plan_has_owners(demo):
    view = await demo.summary_of("c4_yos_worker", "c4_jackie", "crime_and_disorder_reduction")
    confided = [r for r in view["records"] if r["summary"].startswith("Told her tutor")]
    assert [r["shared"]["basis"] for r in confided] == ["decision"]
    assert view["withheld"] == []
    actions = (await demo.get("c4_brett_mentor", "/actions"))["items"]
    [mentoring] = [
        a for a in actions if a["owner_practitioner_id"] == demo.practitioner("c4_brett_mentor")
    ]
    assert mentoring["child_id"] == demo.person("c4_brett") and mentoring["status"] == "in_progress"
    assert {a["plan"] for a in actions} == {"Joint action plan"}


async def test_case_5_jag_meetings_select_families_and_actions_are_reviewed(demo):
    groups = (await demo.get("c5_jag_chair", "/groups"))["items"]
    [jag] = [g for g in groups if g["kind"] == "joint_action_group"]
    agenda = (await demo.get("c5_jag_chair", f"/groups/{jag['id']}/agenda", limit=100))["items"]
    on_agenda = {e["person_id"] for e in agenda}
    assert {demo.person(k) for k in ("c5_tony", "c5_louise", "c5_paul", "c5_karen")} <= on_agenda
    assert {e["meeting_on"] for e in agenda} == {"2026-10-14", "2026-11-11"}
    actions = (await demo.get("c5_connexions_adviser", "/actions"))["items"]
    [club] = [a for a in actions if "youth club" in a["description"]]
    assert club["status"] == "done" and "severed her ties" in club["outcome"]
    # Agreed at the October meeting, whose named practitioners are minuted; on the JAG's plan.
    assert club["group_id"] == jag["id"] and club["conference_id"]
    october = await demo.get("c5_housing_officer", f"/conferences/{club['conference_id']}")
    assert october["title"] == "JAG monthly meeting, October"
    assert demo.practitioner("c5_connexions_adviser") in {
        a["practitioner_id"] for a in october["attendees"]
    }
    assert club["id"] in october["action_ids"] and len(october["action_ids"]) == 8
    # Social care, which owns the assessment but was not there, sees neither the meeting nor its
    # actions; its own action is on the plan only.
    assert await demo.status("c5_social_worker", f"/conferences/{october['id']}") == 404
    [assessment] = (await demo.get("c5_social_worker", "/actions", group_id=jag["id"]))["items"]
    assert assessment["owner_practitioner_id"] == demo.practitioner("c5_social_worker")
    assert assessment["group_id"] == jag["id"] and assessment["conference_id"] is None
    # Progress reviewed at each meeting: the group's reviews, listed to its members only.
    reviews = (await demo.get("c5_police_deputy", "/reviews", group_id=jag["id"]))["items"]
    assert sorted(r["status"] for r in reviews) == ["done"] * 3 + ["scheduled"] * 3
    assert {r["due_on"] for r in reviews if r["status"] == "scheduled"} == {"2026-12-09"}
    assert await demo.status("c5_social_worker", f"/reviews?group_id={jag['id']}") == 404


async def test_case_6_consultant_overrides_the_refusal(demo):
    for who in ("c6_social_worker", "c6_police_officer"):
        view = await demo.summary_of(who, "c6_helen", "child_protection_enquiry")
        bruising = [r for r in view["records"] if r["summary"].startswith("On admission")]
        assert [r["shared"]["basis"] for r in bruising] == ["decision"]


async def test_case_7_competent_child_referred_without_consent(demo):
    natasha = demo.person("c7_natasha")
    [assessment] = (await demo.get("c7_health_practitioner", f"/people/{natasha}/competence"))[
        "items"
    ]
    assert assessment["competent"] is True and assessment["standard"] == "fraser"
    view = await demo.summary_of("c7_social_worker", "c7_natasha", "child_protection_enquiry")
    assert len(view["records"]) == 4 and view["withheld"] == []
    assert {r["shared"]["basis"] for r in view["records"]} == {"decision"}


async def test_case_8_history_brought_together_and_no_closing_without_follow_up(demo):
    chronology = await demo.get(
        "c8_social_worker",
        f"/people/{demo.person('c8_baby')}/chronology",
        purpose="child_protection_enquiry",
    )
    # What probation and the police hold about Mark, the baby's father, shared under s.47.
    about_mark = {
        e["summary"].split(";")[0]: e["shared"]["basis"]
        for e in chronology["entries"]
        if e["relationship_to_child"] == "household member" and e["shared"]
    }
    assert about_mark == {
        "Children with several women": "decision",
        "Previous convictions, none for offences against children": "decision",
    }
    reviews = (await demo.get("c8_health_visitor", "/reviews"))["items"]
    [review] = [r for r in reviews if r["child_id"] == demo.person("c8_baby")]
    assert review["follow_up_id"]
    follow_up = await demo.get("c8_health_visitor", f"/follow-ups/{review['follow_up_id']}")
    assert follow_up["accepted_at"] is not None
    assert follow_up["monitor_practitioner_id"] == demo.practitioner("c8_health_visitor")
    # The monitor is told Mark's history, on social care's decision; nothing else of his.
    seen = await demo.get(
        "c8_health_visitor",
        f"/people/{demo.person('c8_baby')}/chronology",
        purpose="health_care",
    )
    [history] = [e for e in seen["entries"] if e["relationship_to_child"] == "household member"]
    assert history["summary"].startswith("Historical: two of his children")
    assert history["shared"]["basis"] == "decision"


async def test_case_8_closed_again_after_the_birth_and_the_overdue_follow_up_alerts(demo):
    baby = demo.person("c8_baby")
    # Probation's report that Maggie and Mark are together again was declined.
    sent = (await demo.get("c8_probation_officer", "/referrals", box="sent"))["items"]
    assert [r["status"] for r in sent] == ["accepted", "declined"]
    assert sent[1]["decline_reason"].startswith("Maggie has a good level of support")
    # The baby is born, with an NHS number; the midwife's referral after the birth is flagged
    # as a re-referral (social care had closed) and accepted.
    born = await demo.get("c8_midwife", f"/people/{baby}")
    assert born["kind"] == "known" and born["date_of_birth"] and born["nhs_number"]
    referred = (await demo.get("c8_midwife", "/referrals", box="sent"))["items"]
    assert [(r["purpose"], r["re_referral"], r["status"]) for r in referred] == [
        ("child_protection_enquiry", False, "accepted"),
        ("child_in_need_assessment", True, "accepted"),
    ]
    # Social care's chronology of the baby holds the whole story, to the last failed visit.
    chronology = await demo.get(
        "c8_social_worker", f"/people/{baby}/chronology", purpose="child_protection_enquiry"
    )
    told = [e["summary"] for e in chronology["entries"]]
    assert "Maggie and Mark have resumed their relationship" in told
    assert told[-1] == "Two further visits: no answer at Mark's address"
    # The first follow-up: the midwife accepted it and her review is done (the birth).
    [antenatal] = [
        r for r in (await demo.get("c8_midwife", "/reviews"))["items"] if r["child_id"] == baby
    ]
    assert antenatal["follow_up_id"] and antenatal["status"] == "done"
    first = await demo.get("c8_midwife", f"/follow-ups/{antenatal['follow_up_id']}")
    assert first["accepted_at"] and first["monitor_practitioner_id"] == demo.practitioner(
        "c8_midwife"
    )
    # Social care closed again: in the index, the baby is left with the midwife and the
    # health visitor who monitors it.
    index = await demo.get("c8_health_visitor", f"/people/{baby}/index")
    assert {i["agency_name"] for i in index["involvements"]} == {
        "Brackenford Community Midwifery",
        "Brackenford Health Visiting Service",
    }
    # The second follow-up: the health visitor accepted it, could not get access (two failed
    # contacts), and its review is overdue ...
    [review] = (await demo.get("c8_health_visitor", "/reviews", overdue=True))["items"]
    follow_up = await demo.get("c8_health_visitor", f"/follow-ups/{review['follow_up_id']}")
    assert follow_up["accepted_at"] and follow_up["failed_contacts"] == 2
    assert follow_up["review"]["overdue"] and follow_up["review"]["status"] == "scheduled"
    assert follow_up["ended_by"] == demo.practitioner("c8_social_worker")
    # ... so the social worker who ended the involvement is alerted.
    alerts = await demo.get("c8_social_worker", "/alerts")
    assert ("follow_up_review_overdue", follow_up["id"]) in {
        (a["kind"], a["object_id"]) for a in alerts
    }
    # Nobody else's: probation does not see the follow-up.
    assert await demo.status("c8_probation_officer", f"/follow-ups/{follow_up['id']}") == 404


async def test_case_9_group_referral_lead_professional_and_review_in_three_months(demo):
    [referral] = (await demo.get("c9_susan", "/referrals", box="sent"))["items"]
    assert referral["to_group_id"] and referral["status"] == "accepted"
    index = await demo.get("c9_naomi", f"/people/{demo.person('c9_amy')}/index")
    assert index["lead_professional"]["practitioner_name"] == "Naomi Ashworth"
    assert index["early_help_assessment"]["status"] == "completed"
    [review] = (await demo.get("c9_naomi", "/reviews"))["items"]
    assert review["family_id"] and _months_out(review["due_on"], 3)


async def test_case_10_lead_passes_to_the_social_worker_child_in_need(demo):
    ryan = demo.person("c10_ryan")
    index = await demo.get("c10_nadine", f"/people/{ryan}/index")
    assert index["lead_professional"]["practitioner_name"] == "Eddie Coleman"
    [status] = await demo.get("c10_pastoral_manager", f"/people/{ryan}/child-status")
    assert status["status"] == "child_in_need"
    assert status["social_worker"]["practitioner_name"] == "Eddie Coleman"
    reviews = (await demo.get("c10_eddie", "/reviews"))["items"]
    assert [_months_out(r["due_on"], 2) for r in reviews] == [True]
    # The child in need meeting: Eddie and Nadine attended; the actions of their agencies are
    # tied to it, not the drug service's outreach or the school's learning mentor.
    [cin] = [
        a["conference_id"]
        for a in (await demo.get("c10_eddie", "/actions"))["items"]
        if a["description"].startswith("Sarah's boyfriend")
    ]
    meeting = await demo.get("c10_nadine", f"/conferences/{cin}")
    assert {a["practitioner_id"] for a in meeting["attendees"]} == {
        demo.practitioner("c10_eddie"),
        demo.practitioner("c10_nadine"),
    }
    tied = (await demo.get("c10_eddie", "/actions", conference_id=cin))["items"]
    assert sorted(a["owner_practitioner_id"] for a in tied) == sorted(
        [demo.practitioner("c10_eddie"), demo.practitioner("c10_nadine")]
    )
    # Nadine sees the one Space 4 Me owns; social care's own action is not hers to see.
    assert meeting["action_ids"] == [
        a["id"] for a in tied if a["owner_practitioner_id"] == demo.practitioner("c10_nadine")
    ]
    # The school's disclosure reached Nadine on the pastoral manager's decision, not consent.
    view = await demo.summary_of("c10_nadine", "c10_ryan", "family_support")
    told = [r for r in view["records"] if r["summary"].startswith("Tired and withdrawn")]
    assert [r["shared"]["basis"] for r in told] == ["decision"]
