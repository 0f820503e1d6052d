# ruff: noqa: S311, S608
# (a local benchmark: seeded RNG, its own subprocesses and SQL)
"""A deterministic dataset at the scale of a large local authority, bulk-loaded.

PostgreSQL: COPY (asyncpg copy_records_to_table) as the tables' owner. SQLite: executemany of
SQLAlchemy Core inserts. Never HTTP, never ORM objects. Same seed, same rows (ids included).

Casework over the same people: referrals (sent, accepted, declined, withdrawn; to agencies and
to groups), actions of plans, reviews (recurring series, joint reviews) and case conferences of
three families and eight attending agencies, each consistent with what the API would have let
its agencies do (a profile or the family for the sender, interest for owners and participants).
"""

import asyncio
import json
import random
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import rfc8785
import sqlalchemy as sa
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table)
from app.policy import POLICY_VERSION, SPECIAL_CATEGORIES, Category, Purpose, effective_level
from app.security import hash_api_key, new_api_key
from app.services.audit_chain import GENESIS, leaf_of, link

BATCH = 20_000
NOW = datetime.now(UTC).replace(microsecond=0)
TODAY = NOW.date()

AGENCY_KINDS = [
    # (kind, sector, sensitive, count)
    ("school", "statutory", False, 12),
    ("nursery", "private", False, 3),
    ("health_visiting", "statutory", False, 2),
    ("midwifery", "statutory", False, 1),
    ("gp_practice", "statutory", False, 6),
    ("hospital", "statutory", False, 1),
    ("social_care", "statutory", False, 1),
    ("police", "statutory", False, 1),
    ("housing", "statutory", False, 2),
    ("youth_offending", "statutory", False, 1),
    ("education_welfare", "statutory", False, 1),
    ("charity", "voluntary", False, 3),
    ("sexual_health", "statutory", True, 2),
    ("mental_health", "statutory", True, 2),
    ("substance_misuse", "voluntary", True, 2),
]  # 40 agencies, 6 sensitive services
CATEGORY_WEIGHTS = {
    Category.education: 18,
    Category.social_care: 14,
    Category.family_circumstances: 14,
    Category.housing: 8,
    Category.health: 14,
    Category.mental_health: 5,
    Category.sexual_health: 2,
    Category.substance_misuse: 3,
    Category.offending: 4,
    Category.finance: 5,
    Category.employment: 3,
    Category.identity: 4,
    Category.other: 6,
}
SENSITIVE_CATEGORY = {
    "sexual_health": Category.sexual_health,
    "mental_health": Category.mental_health,
    "substance_misuse": Category.substance_misuse,
}
PURPOSES = [p.value for p in Purpose]
HOT_PURPOSES = ["family_support", "early_help_assessment", "child_in_need_assessment"]
GIVEN = [
    "Amy",
    "Ben",
    "Cathy",
    "Dev",
    "Ella",
    "Finn",
    "Grace",
    "Hari",
    "Isla",
    "Jay",
    "Kai",
    "Lena",
]
FAMILY = ["Smith", "Jones", "Patel", "Khan", "Brown", "Wilson", "Taylor", "Ahmed", "Evans", "Lee"]


@dataclass(eq=False)
class Agency:
    id: uuid.UUID
    kind: str
    sensitive: bool
    practitioner_id: uuid.UUID
    dpo_id: uuid.UUID
    key: str = ""
    dpo_key: str = ""


@dataclass
class Child:
    id: uuid.UUID
    agencies: list[uuid.UUID]  # registering agencies, first also registered the parents
    active: list[uuid.UUID]  # those with an active involvement
    parents: list[uuid.UUID]
    competent: bool = False


@dataclass(eq=False)
class Family:
    id: uuid.UUID
    lead: Agency  # registered the family and its adults
    members: list[uuid.UUID]  # adults, then children
    kids: list[Child]
    agencies: list[uuid.UUID]  # agencies with an active involvement with one of the members


@dataclass
class Manifest:
    scale: float
    seed: int
    agencies: list[Agency] = field(default_factory=list)
    groups: list[uuid.UUID] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)
    # Referrals `sent` to an agency: (id, receiving agency, version), for POST .../accept.
    referrals_sent: list[tuple[uuid.UUID, uuid.UUID, int]] = field(default_factory=list)
    # Conferences: (id, attending agencies), for GET /conferences/{id}/pack.
    conferences: list[tuple[uuid.UUID, list[uuid.UUID]]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    audit_entries: int = 0
    build_seconds: float = 0.0

    def to_json(self) -> str:
        return json.dumps(
            {
                "scale": self.scale,
                "seed": self.seed,
                "agencies": [
                    [
                        str(a.id),
                        a.kind,
                        a.sensitive,
                        str(a.practitioner_id),
                        str(a.dpo_id),
                        a.key,
                        a.dpo_key,
                    ]
                    for a in self.agencies
                ],
                "groups": [str(g) for g in self.groups],
                "children": [
                    [
                        str(c.id),
                        [str(a) for a in c.agencies],
                        [str(a) for a in c.active],
                        [str(p) for p in c.parents],
                        c.competent,
                    ]
                    for c in self.children
                ],
                "referrals_sent": [[str(r), str(a), v] for r, a, v in self.referrals_sent],
                "conferences": [[str(c), [str(a) for a in ags]] for c, ags in self.conferences],
                "counts": self.counts,
                "audit_entries": self.audit_entries,
                "build_seconds": self.build_seconds,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        d = json.loads(text)
        U = uuid.UUID
        m = cls(
            d["scale"],
            d["seed"],
            counts=d["counts"],
            audit_entries=d["audit_entries"],
            build_seconds=d["build_seconds"],
        )
        m.agencies = [
            Agency(U(a), k, s, U(p), U(q), key, dk) for a, k, s, p, q, key, dk in d["agencies"]
        ]
        m.groups = [U(g) for g in d["groups"]]
        m.children = [
            Child(U(c), [U(a) for a in ags], [U(a) for a in act], [U(p) for p in ps], comp)
            for c, ags, act, ps, comp in d["children"]
        ]
        # (absent from manifests written before casework was generated)
        m.referrals_sent = [(U(r), U(a), v) for r, a, v in d.get("referrals_sent", [])]
        m.conferences = [(U(c), [U(a) for a in ags]) for c, ags in d.get("conferences", [])]
        return m


class Gen:
    """Deterministic ids (UUIDv7 layout, time-ordered) and values from one seeded RNG."""

    def __init__(self, seed: int, scale: float):
        self.rng = random.Random(seed)
        total_ids = max(1, int(4_000_000 * scale))
        self.step_ms = max(1, int(365 * 86400 * 1000 / total_ids))
        self.ms = int((NOW - timedelta(days=400)).timestamp() * 1000)

    def uid(self) -> uuid.UUID:
        self.ms += self.step_ms
        r = self.rng.getrandbits(74)
        v = (self.ms & ((1 << 48) - 1)) << 80
        v |= 0x7 << 76
        v |= (r >> 62) << 64
        v |= 0b10 << 62
        v |= r & ((1 << 62) - 1)
        return uuid.UUID(int=v)

    def at(self) -> datetime:
        return datetime.fromtimestamp(self.ms / 1000, UTC)

    def day(self, years_back: float = 3.0) -> date:
        return TODAY - timedelta(days=self.rng.randrange(1, int(365 * years_back)))


class Builder:
    def __init__(self, seed: int, scale: float, pepper: str, audit_entries: int | None = None):
        self.g = Gen(seed, scale)
        self.scale = scale
        self.pepper = pepper
        self.m = Manifest(scale, seed)
        self.n_children = int(60_000 * scale)
        self.n_adults = int(60_000 * scale)
        self.n_consents = int(150_000 * scale)
        self.n_decisions = int(5_000 * scale)
        self.n_disclosures = int(200_000 * scale)
        self.n_audit = audit_entries if audit_entries is not None else int(1_000_000 * scale)
        self.n_referrals = int(20_000 * scale)
        self.n_actions = int(40_000 * scale)
        self.n_reviews = int(10_000 * scale)
        self.n_conferences = max(4, int(500 * scale))
        self.families: list[Family] = []
        self.group_members: dict[uuid.UUID, list[Agency]] = {}  # current members
        self.group_chair: dict[uuid.UUID, Agency] = {}
        self.agenda: list[tuple[uuid.UUID, Child]] = []  # group agenda within the last 12 months
        self.counts: dict[str, int] = {}
        self.buf: dict[str, list[dict[str, Any]]] = {}

    # --- batching ---
    def emit(self, table: str, row: dict[str, Any]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        rows = self.buf.setdefault(table, [])
        rows.append(row)
        self.counts[table] = self.counts.get(table, 0) + 1
        if len(rows) >= BATCH:
            self.buf[table] = []
            yield table, rows

    def flush(self, *tables: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        for t in tables or list(self.buf):
            rows = self.buf.pop(t, [])
            if rows:
                yield t, rows

    # --- the dataset ---
    def rows(self) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        g, rng = self.g, self.g.rng
        yield from self._agencies()
        agencies = self.m.agencies
        sensitive = [a for a in agencies if a.sensitive]
        ordinary = [a for a in agencies if not a.sensitive]
        by_kind: dict[str, list[Agency]] = {}
        for a in agencies:
            by_kind.setdefault(a.kind, []).append(a)
        yield from self._groups()

        # families: 1-2 adults, 1-3 children, until both totals are reached
        children_left, adults_left = self.n_children, self.n_adults
        record_weights = list(CATEGORY_WEIGHTS.values())
        record_cats = list(CATEGORY_WEIGHTS)
        people_records: list[tuple[uuid.UUID, list[Agency], bool]] = []
        fam_i = 0
        while children_left > 0 or adults_left > 0:
            fam_i += 1
            n_ad = min(adults_left, rng.choice((1, 2, 2, 2)))
            n_ch = min(children_left, rng.choice((1, 1, 2, 2, 3)))
            if n_ad == 0 and n_ch == 0:
                break
            surname = rng.choice(FAMILY)
            # the agencies around this family's children: a school, a GP, plus 0-2 others
            core = [rng.choice(by_kind["school"]), rng.choice(by_kind["gp_practice"])]
            extra_pool = ordinary if rng.random() < 0.85 else agencies
            extras = rng.sample(extra_pool, rng.choice((0, 1, 1, 2)))
            if rng.random() < 0.08:
                extras.append(rng.choice(sensitive))
            fam_agencies: list[Agency] = []
            for a in [
                rng.choice(by_kind["social_care"] + by_kind["health_visiting"]),
                *core,
                *extras,
            ]:
                if a not in fam_agencies:
                    fam_agencies.append(a)
            lead = fam_agencies[0]
            adults = []
            for _ in range(n_ad):
                pid = g.uid()
                adults.append(pid)
                yield from self._person(pid, surname, g.day(60) - timedelta(days=18 * 365), "adult")
                regs = [lead] + ([rng.choice(ordinary)] if rng.random() < 0.5 else [])
                for a in dict.fromkeys(regs):
                    yield from self._register(pid, a, surname, adult=True)
                people_records.append((pid, list(dict.fromkeys(regs)), False))
            adults_left -= n_ad
            # agencies working with the family: the adults' registrations, then the children's
            fam_interest = list(
                dict.fromkeys(
                    a.id for _, rs, _ in people_records[len(people_records) - n_ad :] for a in rs
                )
            )
            fam_id = g.uid()
            yield from self.emit(
                "family",
                {
                    "id": fam_id,
                    "agency_id": lead.id,
                    "name": f"{surname} family",
                    "version": 1,
                    "created_at": g.at(),
                },
            )
            for pid in adults:
                yield from self.emit(
                    "family_member",
                    {"family_id": fam_id, "person_id": pid, "role": "parent", "created_at": g.at()},
                )
            for _ in range(n_ch):
                cid = g.uid()
                born = TODAY - timedelta(days=rng.randrange(30, 17 * 365))
                yield from self._person(cid, surname, born, "child")
                k = rng.choice((2, 3, 3, 4))
                regs = fam_agencies[:k] if len(fam_agencies) >= k else fam_agencies
                if len(regs) < 2:
                    regs = [*regs, rng.choice([a for a in ordinary if a not in regs])]
                active = []
                for i, a in enumerate(regs):
                    ended = i > 0 and rng.random() < 0.03
                    yield from self._register(cid, a, surname, adult=False, ended=ended)
                    if not ended:
                        active.append(a.id)
                competent = False
                if (TODAY - born).days > 13 * 365 and rng.random() < 0.02:
                    competent = True
                    yield from self.emit(
                        "competence_assessment",
                        {
                            "id": g.uid(),
                            "person_id": cid,
                            "agency_id": lead.id,
                            "assessed_by": lead.practitioner_id,
                            "competent": True,
                            "standard": "gillick",
                            "assessed_on": g.day(1),
                            "notes": None,
                            "created_at": g.at(),
                        },
                    )
                for pid in adults:
                    yield from self.emit(
                        "relationship",
                        {
                            "id": g.uid(),
                            "person_id": pid,
                            "related_person_id": cid,
                            "agency_id": lead.id,
                            "recorded_by": lead.practitioner_id,
                            "kind": "parent",
                            "parental_responsibility": True,
                            "from_date": None,
                            "to_date": None,
                            "version": 1,
                            "created_at": g.at(),
                        },
                    )
                yield from self.emit(
                    "family_member",
                    {"family_id": fam_id, "person_id": cid, "role": "child", "created_at": g.at()},
                )
                self.m.children.append(Child(cid, [a.id for a in regs], active, adults, competent))
                people_records.append((cid, regs, True))
            children_left -= n_ch
            kids = self.m.children[len(self.m.children) - n_ch :] if n_ch else []
            for k in kids:
                fam_interest += [a for a in k.active if a not in fam_interest]
            self.families.append(
                Family(fam_id, lead, adults + [k.id for k in kids], kids, fam_interest)
            )
        yield from self.flush(
            "person",
            "person_profile",
            "involvement",
            "family",
            "family_member",
            "competence_assessment",
            "relationship",
        )

        # records: ~8 per child, ~2 per adult (600,000 at scale 1), with some citations and
        # historical disclosures
        n_records = int(600_000 * self.scale)
        weights = [8 if is_child else 2 for _, _, is_child in people_records]
        total_w = sum(weights)
        p_disclose = self.n_disclosures / n_records
        p_cite = 10_000 * self.scale / n_records
        for (pid, regs, _is_child), w in zip(people_records, weights, strict=True):
            n = max(0, round(w * n_records / total_w + rng.uniform(-0.5, 0.5) * w))
            previous: uuid.UUID | None = None
            for _ in range(n):
                holder = rng.choice(regs)
                cat = (
                    SENSITIVE_CATEGORY.get(holder.kind)
                    if holder.sensitive and rng.random() < 0.7
                    else rng.choices(record_cats, record_weights)[0]
                )
                r = rng.random()
                entered = (
                    "non_confidential" if r < 0.4 else "confidential" if r < 0.85 else "special"
                )
                level = effective_level(cat, entered, holder.sensitive).value
                rid = g.uid()
                yield from self.emit(
                    "record",
                    {
                        "id": rid,
                        "holder_agency_id": holder.id,
                        "subject_person_id": pid,
                        "category": cat.value,
                        "level_entered": entered,
                        "level": level,
                        "summary": f"{cat.value.replace('_', ' ')} note {rid.hex[-6:]}",
                        "detail": "Details as recorded by the practitioner. " * rng.randint(1, 6),
                        "occurred_on": g.day(3),
                        "source_practitioner_id": None,
                        "recorded_by": holder.practitioner_id,
                        "supersedes_id": None,
                        "correction_reason": None,
                        "created_at": g.at(),
                    },
                )
                if previous is not None and rng.random() < p_cite:
                    yield from self.emit(
                        "record_citation", {"record_id": rid, "cited_record_id": previous}
                    )
                if len(regs) > 1 and rng.random() < p_disclose:
                    recipient = rng.choice([a for a in regs if a is not holder])
                    basis = "non_confidential" if level == "non_confidential" else "consent"
                    yield from self.emit(
                        "disclosure",
                        {
                            "id": g.uid(),
                            "request_id": f"hist{rid.hex[:12]}",
                            "disclosed_at": g.at(),
                            "holder_agency_id": holder.id,
                            "recipient_agency_id": recipient.id,
                            "recipient_practitioner_id": recipient.practitioner_id,
                            "recipient_client_id": None,
                            "record_id": rid,
                            "subject_person_id": pid,
                            "purpose": rng.choice(HOT_PURPOSES),
                            "basis": basis,
                            "basis_id": None,
                            "article6_basis": "public_task",
                            "article9_condition": None,
                            "endpoint": "person.summary",
                            "policy_version": POLICY_VERSION,
                        },
                    )
                previous = rid
        yield from self.flush("record", "record_citation", "disclosure")

        yield from self._consents()
        yield from self._decisions()
        yield from self._agenda()
        yield from self.flush()
        yield from self._referrals()
        yield from self._actions()
        yield from self._reviews()
        yield from self._conferences()
        yield from self.flush()
        yield from self._audit()
        self.m.counts = dict(self.counts)
        self.m.audit_entries = self.n_audit

    def _agencies(self) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        g = self.g
        for kind, sector, sensitive, count in AGENCY_KINDS:
            for i in range(count):
                aid, pid, dpo = g.uid(), g.uid(), g.uid()
                agency = Agency(aid, kind, sensitive, pid, dpo)
                yield from self.emit(
                    "agency",
                    {
                        "id": aid,
                        "name": f"{kind.replace('_', ' ').title()} {i + 1}",
                        "kind": kind,
                        "sector": sector,
                        "sensitive_service": sensitive,
                        "contact_email": None,
                        "contact_phone": None,
                        "version": 1,
                        "created_at": g.at(),
                    },
                )
                for prac, roles, title in (
                    (pid, ["practitioner", "authorised_worker"], "Practitioner"),
                    (dpo, ["data_protection_officer"], "Data protection officer"),
                ):
                    yield from self.emit(
                        "practitioner",
                        {
                            "id": prac,
                            "agency_id": aid,
                            "service_id": None,
                            "name": f"{title} at {kind} {i + 1}",
                            "job_title": title,
                            "email": None,
                            "phone": None,
                            "roles": roles,
                            "active": True,
                            "version": 1,
                            "created_at": g.at(),
                        },
                    )
                    # Keys are random (not from the seed): secrets are never reproducible.
                    lookup, key = new_api_key()
                    yield from self.emit(
                        "api_key",
                        {
                            "id": g.uid(),
                            "lookup": lookup,
                            "secret_hash": hash_api_key(key, self.pepper),
                            "agency_id": aid,
                            "practitioner_id": prac,
                            "label": "bench",
                            "created_at": g.at(),
                            "expires_at": None,
                            "revoked_at": None,
                        },
                    )
                    if prac == pid:
                        agency.key = key
                    else:
                        agency.dpo_key = key
                self.m.agencies.append(agency)
        yield from self.flush("agency", "practitioner", "api_key")

    def _groups(self) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        g, rng = self.g, self.g.rng
        for name, kind in (
            ("MASH", "mash"),
            ("Early help panel", "team_around_the_family"),
            ("Joint action group", "joint_action_group"),
        ):
            members = rng.sample(self.m.agencies, 12)
            gid = g.uid()
            self.m.groups.append(gid)
            yield from self.emit(
                "agency_group",
                {
                    "id": gid,
                    "name": name,
                    "kind": kind,
                    "chair_agency_id": members[0].id,
                    "deputy_agency_id": members[1].id,
                    "purposes": rng.sample(PURPOSES, 4),
                    "legal_gateway": "children_act_s17",
                    "agreement": "ISA 2025",
                    "version": 1,
                    "created_at": g.at(),
                },
            )
            self.group_chair[gid] = members[0]
            for a in members:
                mid = g.uid()  # (the same draws, in the same order, as before)
                joined_at = g.at() - timedelta(days=300)
                left_at = None if rng.random() < 0.9 else g.at() - timedelta(days=10)
                yield from self.emit(
                    "group_membership",
                    {
                        "id": mid,
                        "group_id": gid,
                        "agency_id": a.id,
                        "joined_at": joined_at,
                        "left_at": left_at,
                    },
                )
                if left_at is None:
                    self.group_members.setdefault(gid, []).append(a)
        yield from self.flush("agency_group", "group_membership")

    def _person(self, pid: uuid.UUID, surname: str, born: date, _kind: str) -> Iterator[Any]:
        self._born = born
        yield from self.emit("person", {"id": pid, "nhs_number": None, "created_at": self.g.at()})

    def _register(
        self, pid: uuid.UUID, a: Agency, surname: str, *, adult: bool, ended: bool = False
    ) -> Iterator[Any]:
        g, rng = self.g, self.g.rng
        at = g.at()
        yield from self.emit(
            "person_profile",
            {
                "id": g.uid(),
                "person_id": pid,
                "agency_id": a.id,
                "registered_by": a.practitioner_id,
                "kind": "known",
                "given_name": rng.choice(GIVEN),
                "family_name": surname,
                "description": None,
                "date_of_birth": self._born,
                "date_of_birth_estimated": False,
                "expected_date": None,
                "nhs_number": None,
                "version": 1,
                "created_at": at,
                "updated_at": None,
            },
        )
        yield from self.emit(
            "involvement",
            {
                "id": g.uid(),
                "agency_id": a.id,
                "person_id": pid,
                "service_id": None,
                "practitioner_id": a.practitioner_id,
                "source": "registration",
                "reason": "parent of a child we support" if adult else "enrolled / registered",
                "started_at": at,
                "ended_at": at + timedelta(days=30) if ended else None,
                "end_reason": "case closed" if ended else None,
                "version": 1,
            },
        )

    def _consents(self) -> Iterator[Any]:
        g, rng = self.g, self.g.rng
        children = self.m.children
        agencies = {a.id: a for a in self.m.agencies}
        cats = [c.value for c in Category]
        for _ in range(self.n_consents):
            c = rng.choice(children)
            if not c.parents and not c.competent:
                continue
            adult_subject = c.parents and rng.random() < 0.15
            if adult_subject:
                subject = giver = rng.choice(c.parents)
            else:
                subject = c.id
                giver = c.id if c.competent or not c.parents else rng.choice(c.parents)
            holders = rng.sample(c.agencies, rng.choice((1, 1, 2)) if len(c.agencies) > 1 else 1)
            others = [a for a in c.agencies if a not in holders] or c.agencies
            recipients = rng.sample(others, min(len(others), rng.choice((1, 2, 2, 3))))
            use_group = rng.random() < 0.1
            r = rng.random()
            decision = "refused" if r < 0.15 else "granted"
            given_at = g.at() - timedelta(days=rng.randrange(1, 300))
            expires_at = withdrawn_at = None
            if decision == "granted":
                if r < 0.30:
                    withdrawn_at = given_at + timedelta(days=rng.randrange(1, 30))
                elif r < 0.40:
                    expires_at = given_at + timedelta(days=rng.randrange(1, 30))
                elif r < 0.6:
                    expires_at = NOW + timedelta(days=rng.randrange(30, 700))
            categories = [] if rng.random() < 0.5 else rng.sample(cats, rng.randint(1, 3))
            special = bool(SPECIAL_CATEGORIES.intersection(categories))
            purposes = rng.sample(PURPOSES, rng.randint(1, 3))
            if rng.random() < 0.6 and HOT_PURPOSES[0] not in purposes:
                purposes.append(rng.choice(HOT_PURPOSES))
            sid = g.uid()
            recorder = agencies[holders[0]]
            yield from self.emit(
                "consent_statement",
                {
                    "id": sid,
                    "decision": decision,
                    "form": rng.choice(("verbal", "written")),
                    "given_at": given_at,
                    "recorded_by_agency_id": recorder.id,
                    "recorded_by": recorder.practitioner_id,
                    "holders": [str(h) for h in holders],
                    "holder_groups": [],
                    "recipients": [str(x) for x in recipients],
                    "recipient_groups": [str(rng.choice(self.m.groups))] if use_group else [],
                    "purposes": purposes,
                    "categories": categories,
                    "expires_at": expires_at,
                    "withdrawn_at": withdrawn_at,
                    "withdrawn_reason": "changed their mind" if withdrawn_at else None,
                    "show_involvement": rng.random() < 0.05,
                    "article6_basis": "consent",
                    "article9_condition": "explicit_consent" if special else None,
                    "notes": None,
                    "version": 1,
                    "created_at": given_at,
                },
            )
            yield from self.emit(
                "consent_subject",
                {"statement_id": sid, "subject_person_id": subject, "given_by_person_id": giver},
            )
        yield from self.flush("consent_statement", "consent_subject")

    def _decisions(self) -> Iterator[Any]:
        g, rng = self.g, self.g.rng
        agencies = {a.id: a for a in self.m.agencies}
        for _ in range(self.n_decisions):
            c = rng.choice(self.m.children)
            holder = agencies[rng.choice(c.agencies)]
            others = [a for a in c.agencies if a != holder.id]
            share = rng.random() < 0.7
            yield from self.emit(
                "sharing_decision",
                {
                    "id": g.uid(),
                    "kind": "share" if share else "not_share",
                    "holder_agency_id": holder.id,
                    "subject_person_id": c.id,
                    "recipients": [str(a) for a in others[:2]],
                    "recipient_groups": [],
                    "purposes": [*rng.sample(PURPOSES, 2), HOT_PURPOSES[0]],
                    "categories": [],
                    "record_ids": [],
                    "legal_basis": "children_act_s47" if share else None,
                    "reasons": "Risk of significant harm; consent would place the child at risk.",
                    "consent_sought": False,
                    "consent_not_sought_reason": "would increase risk",
                    "subject_told": False,
                    "not_told_reason": "would prejudice the enquiry",
                    "decided_by": holder.practitioner_id,
                    "consulted": [],
                    "decided_at": g.at() - timedelta(days=rng.randrange(1, 200)),
                    "expires_at": None,
                    "ended_at": g.at() - timedelta(days=1) if rng.random() < 0.1 else None,
                    "end_reason": None,
                    "article6_basis": "public_task",
                    "article9_condition": None,
                    "information_request_id": None,
                    "ends_with_request": False,
                    "version": 1,
                },
            )
        yield from self.flush("sharing_decision")

    def _agenda(self) -> Iterator[Any]:
        g, rng = self.g, self.g.rng
        agencies = {a.id: a for a in self.m.agencies}
        for _ in range(int(2_000 * self.scale)):
            c = rng.choice(self.m.children)
            adder = agencies[c.agencies[0]]
            eid = g.uid()  # (the same draws, in the same order, as before)
            gid = rng.choice(self.m.groups)
            meeting_on = g.day(1.5)
            if meeting_on >= TODAY - timedelta(days=365):
                self.agenda.append((gid, c))
            yield from self.emit(
                "group_agenda_entry",
                {
                    "id": eid,
                    "group_id": gid,
                    "person_id": c.id,
                    "family_id": None,
                    "meeting_on": meeting_on,
                    "reason": "discussed at panel",
                    "added_by_agency_id": adder.id,
                    "added_by": adder.practitioner_id,
                    "created_at": g.at(),
                },
            )

    # --- casework: referrals, actions, reviews, conferences ---

    def _when(self, days_back: int, days_min: int = 1) -> datetime:
        rng = self.g.rng
        return NOW - timedelta(
            days=rng.randrange(days_min, days_back), seconds=rng.randrange(86400)
        )

    def _referrals(self) -> Iterator[Any]:
        """As app/services/referrals.py leaves them: sent by an agency that registered the child
        (or the family's agency, for a family), to another agency not yet working with them or to
        a group; answered by the receiver's practitioner (a group's chair agency); an accepted
        referral to an agency gave it an involvement with each subject."""
        g, rng = self.g, self.g.rng
        agencies = {a.id: a for a in self.m.agencies}
        families = [f for f in self.families if f.kids]
        for _ in range(self.n_referrals):
            if rng.random() < 0.1:
                fam = rng.choice(families)
                sender, family_id = fam.lead, fam.id
                subjects, known = fam.members, set(fam.agencies)
            else:
                c = rng.choice(self.m.children)
                sender, family_id = agencies[rng.choice(c.active)], None
                subjects, known = [c.id], set(c.agencies)
            to_group = rng.choice(self.m.groups) if rng.random() < 0.1 else None
            receiver = None
            if to_group is None:
                receiver = rng.choice([a for a in self.m.agencies if a.id not in known])
            answerer = self.group_chair[to_group] if to_group is not None else receiver
            assert answerer is not None
            r = rng.random()
            status = (
                "sent"
                if r < 0.35
                else "accepted"
                if r < 0.70
                else "declined"
                if r < 0.85
                else "withdrawn"
            )
            created = self._when(40 if status == "sent" else 380, 0 if status == "sent" else 30)
            feedback_by = created.date() + timedelta(days=rng.choice((14, 21, 28)))
            acknowledged = status in ("accepted", "declined") or rng.random() < 0.4
            acknowledged_at = (
                created + timedelta(hours=rng.randrange(1, 72)) if acknowledged else None
            )
            answered_at = (
                created + timedelta(days=rng.randrange(1, 20), hours=rng.randrange(24))
                if status in ("accepted", "declined")
                else None
            )
            purpose = rng.choice(HOT_PURPOSES) if rng.random() < 0.7 else rng.choice(PURPOSES)
            reason = rng.choice(
                (
                    "Attendance has fallen and the family asked for support.",
                    "Concerns about neglect raised by the school nurse.",
                    "Housing conditions affect the children's health.",
                    "Parent asked for help with the child's behaviour.",
                )
            )
            rid = g.uid()
            version = 1 + acknowledged + (status != "sent")
            yield from self.emit(
                "referral",
                {
                    "id": rid,
                    "from_agency_id": sender.id,
                    "from_practitioner_id": sender.practitioner_id,
                    "to_agency_id": receiver.id if receiver else None,
                    "to_service_id": None,
                    "to_group_id": to_group,
                    "family_id": family_id,
                    "purpose": purpose,
                    "reason": reason,
                    "action_expected": "An assessment and a reply to the referrer.",
                    "feedback_by": feedback_by,
                    "status": status,
                    "re_referral": False,
                    "acknowledged_at": acknowledged_at,
                    "acknowledged_by": answerer.practitioner_id if acknowledged else None,
                    "answered_at": answered_at,
                    "answered_by": answerer.practitioner_id if answered_at else None,
                    "decline_reason": "Does not meet our threshold; universal services advised."
                    if status == "declined"
                    else None,
                    "version": version,
                    "created_at": created,
                },
            )
            for pid in subjects:
                yield from self.emit("referral_subject", {"referral_id": rid, "person_id": pid})
            if status == "accepted" and receiver is not None:
                for pid in subjects:
                    yield from self.emit(
                        "involvement",
                        {
                            "id": g.uid(),
                            "agency_id": receiver.id,
                            "person_id": pid,
                            "service_id": None,
                            "practitioner_id": receiver.practitioner_id,
                            "source": "referral",
                            "reason": f"Accepted referral: {reason}",
                            "started_at": answered_at,
                            "ended_at": None,
                            "end_reason": None,
                            "version": 1,
                        },
                    )
            if status == "sent" and receiver is not None:
                self.m.referrals_sent.append((rid, receiver.id, version))
        yield from self.flush("referral", "referral_subject", "involvement")

    def _actions(self) -> Iterator[Any]:
        """Recorded by an agency working with the child (the family's agency for a family, a
        current member for a group's action about someone on its agenda), owned by an agency
        working with them; open, in progress, done with an outcome, or cancelled with a reason."""
        g, rng = self.g, self.g.rng
        agencies = {a.id: a for a in self.m.agencies}
        families = [f for f in self.families if f.kids]
        plans = ("child in need plan", "early help plan", "team around the family plan")
        tasks = (
            "Home visit to review the sleeping arrangements.",
            "Arrange a school attendance meeting with the parents.",
            "Refer the family to the food bank and debt advice.",
            "Book a developmental review at the health centre.",
            "Check the housing repair has been completed.",
        )
        for _ in range(self.n_actions):
            r = rng.random()
            child_id = family_id = group_id = None
            if r < 0.08 and self.agenda:
                gid, c = rng.choice(self.agenda)
                members = self.group_members.get(gid) or [self.group_chair[gid]]
                recorder, owner = rng.choice(members), rng.choice(members)
                child_id, group_id, plan = c.id, gid, "joint action group plan"
            elif r < 0.18:
                fam = rng.choice(families)
                recorder, owner = fam.lead, agencies[rng.choice(fam.agencies)]
                family_id, plan = fam.id, rng.choice(plans)
            else:
                c = rng.choice(self.m.children)
                recorder, owner = agencies[rng.choice(c.active)], agencies[rng.choice(c.active)]
                child_id, plan = c.id, rng.choice(plans)
            created = self._when(360)
            s = rng.random()
            status = (
                "open"
                if s < 0.35
                else "in_progress"
                if s < 0.6
                else "done"
                if s < 0.9
                else "cancelled"
            )
            via_progress = status in ("done", "cancelled") and rng.random() < 0.6
            yield from self.emit(
                "action",
                {
                    "id": g.uid(),
                    "agency_id": recorder.id,
                    "child_id": child_id,
                    "family_id": family_id,
                    "group_id": group_id,
                    "plan": plan,
                    "description": rng.choice(tasks),
                    "owner_agency_id": owner.id,
                    "owner_practitioner_id": owner.practitioner_id if rng.random() < 0.8 else None,
                    "due_on": created.date() + timedelta(days=rng.randrange(7, 90)),
                    "status": status,
                    "outcome": "Done; the family engaged well." if status == "done" else None,
                    "cancel_reason": "No longer needed: the family moved away."
                    if status == "cancelled"
                    else None,
                    "version": 1 + (status != "open") + via_progress,
                    "created_at": created,
                },
            )
        yield from self.flush("action")

    def _reviews(self) -> Iterator[Any]:
        """Reviews by an agency working with the child (or the family's agency), with its own
        practitioner responsible; a quarter are joint (practitioners of other, non-sensitive
        agencies working with them). A recurring review's series: each recorded one (done or
        missed) was followed by the next, the last still scheduled."""
        g, rng = self.g, self.g.rng
        agencies = {a.id: a for a in self.m.agencies}
        families = [f for f in self.families if f.kids]
        made = 0
        while made < self.n_reviews:
            if rng.random() < 0.15:
                fam = rng.choice(families)
                agency, child_id, family_id = fam.lead, None, fam.id
                interested = fam.agencies
            else:
                c = rng.choice(self.m.children)
                agency, child_id, family_id = agencies[rng.choice(c.active)], c.id, None
                interested = c.active
            others = [
                agencies[a] for a in interested if a != agency.id and not agencies[a].sensitive
            ]
            participants = (
                rng.sample(others, min(len(others), rng.choice((1, 1, 2))))
                if others and rng.random() < 0.25
                else []
            )
            recurrence = rng.choice((14, 28)) if rng.random() < 0.4 else None
            if recurrence:
                n = min(rng.randint(1, 5), self.n_reviews - made)
                due = TODAY - timedelta(days=recurrence * (n - 1) + rng.randrange(-20, 10))
                statuses = ["done" if rng.random() < 0.8 else "missed" for _ in range(n - 1)]
                statuses.append("scheduled")
            else:
                s = rng.random()
                statuses = ["scheduled" if s < 0.4 else "done" if s < 0.85 else "missed"]
                due = (
                    TODAY + timedelta(days=rng.randrange(-20, 60))
                    if statuses[0] == "scheduled"
                    else TODAY - timedelta(days=rng.randrange(1, 300))
                )
            created = datetime.combine(due, datetime.min.time(), UTC) - timedelta(days=14)
            what = "Monitoring visit with the family" if recurrence else "Review of the plan"
            for status in statuses:
                rid = g.uid()
                recorded = status != "scheduled"
                done_at = (
                    datetime.combine(due, datetime.min.time(), UTC)
                    + timedelta(days=rng.randrange(0, 3), hours=rng.randrange(9, 17))
                    if recorded
                    else None
                )
                yield from self.emit(
                    "review",
                    {
                        "id": rid,
                        "agency_id": agency.id,
                        "child_id": child_id,
                        "family_id": family_id,
                        "what": what,
                        "due_on": due,
                        "responsible_practitioner_id": agency.practitioner_id,
                        "recurrence_days": recurrence,
                        "status": status,
                        "outcome": "Seen at home; the plan continues."
                        if status == "done"
                        else None,
                        "done_at": done_at,
                        "follow_up_id": None,
                        "version": 2 if recorded else 1,
                        "created_at": created,
                    },
                )
                for a in participants:
                    yield from self.emit(
                        "review_participant",
                        {"review_id": rid, "practitioner_id": a.practitioner_id, "agency_id": a.id},
                    )
                made += 1
                if recurrence and done_at is not None:
                    due += timedelta(days=recurrence)
                    created = done_at
        yield from self.flush("review", "review_participant")

    def _conferences(self) -> Iterator[Any]:
        """Meetings about three families of one agency (it organises and its practitioner chairs)
        with eight attending agencies, as many as possible of them working with the families."""
        g, rng = self.g, self.g.rng
        agencies = {a.id: a for a in self.m.agencies}
        by_lead: dict[uuid.UUID, list[Family]] = {}
        for f in self.families:
            if f.kids:
                by_lead.setdefault(f.lead.id, []).append(f)
        leads = [lead for lead, fams in by_lead.items() if len(fams) >= 3]
        ordinary = [a for a in self.m.agencies if not a.sensitive]
        kinds = (
            ("team_around_the_family", "family_support"),
            ("child_in_need_review", "child_in_need_assessment"),
            ("child_protection_conference", "child_protection_enquiry"),
        )
        for _ in range(self.n_conferences if leads else 0):
            bucket = by_lead[rng.choice(leads)]
            candidates = rng.sample(bucket, min(30, len(bucket)))
            chosen: list[Family] = []
            union: list[uuid.UUID] = []
            for _ in range(3):  # greedily: the family that brings the most agencies
                best = max(
                    (f for f in candidates if f not in chosen),
                    key=lambda f: len(set(f.agencies) - set(union)),
                )
                chosen.append(best)
                union += [a for a in best.agencies if a not in union]
            organiser = chosen[0].lead
            others = [a for a in union if a != organiser.id]
            attending = [organiser.id, *rng.sample(others, min(7, len(others)))]
            while len(attending) < 8:  # invited without interest: their pack says so
                a = rng.choice(ordinary)
                if a.id not in attending:
                    attending.append(a.id)
            kind, purpose = rng.choice(kinds)
            cid = g.uid()
            held_on = TODAY + timedelta(days=rng.randrange(-30, 30))
            yield from self.emit(
                "conference",
                {
                    "id": cid,
                    "kind": kind,
                    "title": f"{kind.replace('_', ' ').capitalize()} {held_on.isoformat()}",
                    "held_on": held_on,
                    "purpose": purpose,
                    "group_id": None,
                    "organiser_agency_id": organiser.id,
                    "chair_practitioner_id": organiser.practitioner_id,
                    "family_attendees": ["Parent"] * rng.randint(0, 3),
                    "version": 1,
                    "created_at": datetime.combine(held_on, datetime.min.time(), UTC)
                    - timedelta(days=14),
                },
            )
            for a in attending:
                yield from self.emit("conference_agency", {"conference_id": cid, "agency_id": a})
            people = list(dict.fromkeys(p for f in chosen for p in f.members))
            for p in people:
                yield from self.emit("conference_subject", {"conference_id": cid, "person_id": p})
            if held_on < TODAY:
                for a, note_kind in ((attending[1], "contribution"), (organiser.id, "decision")):
                    yield from self.emit(
                        "conference_note",
                        {
                            "id": g.uid(),
                            "conference_id": cid,
                            "agency_id": a,
                            "kind": note_kind,
                            "text": "Contribution to the meeting."
                            if note_kind == "contribution"
                            else "The plan continues; review in six weeks.",
                            "recorded_by": agencies[a].practitioner_id,
                            "created_at": datetime.combine(held_on, datetime.min.time(), UTC),
                        },
                    )
            self.m.conferences.append((cid, attending))
        yield from self.flush(
            "conference", "conference_agency", "conference_subject", "conference_note"
        )

    def _audit(self) -> Iterator[Any]:
        """Entries shaped as app/services/audit.py writes them, chained as the sealer would."""
        rng = self.g.rng
        previous = GENESIS
        actions = [
            "person.summary.read",
            "person.chronology.read",
            "person.register",
            "consent.granted",
            "record.create",
            "disclosures.read",
        ]
        start = NOW - timedelta(days=365)
        step = timedelta(seconds=365 * 86400 / max(1, self.n_audit))
        children = self.m.children
        for i in range(1, self.n_audit + 1):
            c = children[i % len(children)]
            a = self.m.agencies[rng.randrange(len(self.m.agencies))]
            occurred = start + step * i
            row = {
                "occurred_at": occurred,
                "request_id": f"h{i:x}",
                "agency_id": a.id,
                "practitioner_id": a.practitioner_id,
                "client_id": None,
                "action": actions[i % len(actions)],
                "object_type": "person",
                "object_id": str(c.id),
                "subject_person_id": c.id,
                "outcome": "ok",
            }
            canonical = {
                **{k: str(v) if isinstance(v, uuid.UUID) else v for k, v in row.items()},
                "occurred_at": occurred.isoformat(),
                "actor_kind": "practitioner",
                "detail": {
                    "purpose": HOT_PURPOSES[i % 3],
                    "disclosed": i % 5,
                    "withheld": i % 3,
                    "policy_version": POLICY_VERSION,
                },
            }
            body = rfc8785.dumps(canonical)
            leaf = leaf_of(body)
            previous = link(previous, leaf)
            row.update(id=i, body=body, txid=1)
            yield from self.emit("audit_entry", row)
            yield from self.emit(
                "audit_chain",
                {
                    "seq": i,
                    "entry_id": i,
                    "leaf_hash": leaf,
                    "chain_hash": previous,
                    "sealed_at": occurred,
                },
            )
        yield from self.flush("audit_entry", "audit_chain")
        if self.n_audit:
            # One seal covering them (boundary 2: below every real transaction id).
            yield (
                "audit_seal",
                [
                    {
                        "id": 1,
                        "boundary": 2,
                        "first_seq": 1,
                        "last_seq": self.n_audit,
                        "entries": self.n_audit,
                        "sealed_at": NOW,
                    }
                ],
            )


# --- loading ---


def _table(name: str) -> sa.Table:
    return SQLModel.metadata.tables[name]


async def load_postgres(superuser_url: str, builder: Builder) -> Manifest:
    import asyncpg

    t0 = time.perf_counter()
    conn = await asyncpg.connect(superuser_url.replace("postgresql+asyncpg", "postgresql"))
    json_cols = {
        name: {c.name for c in t.columns if isinstance(c.type, sa.JSON)}
        for name, t in SQLModel.metadata.tables.items()
    }
    try:
        await conn.execute("SET synchronous_commit = off")  # the load only; the server is durable
        # Tables are written in interleaved batches: foreign keys are consistent by construction,
        # so their triggers are skipped for this session (superuser).
        await conn.execute("SET session_replication_role = replica")
        last = time.perf_counter()
        for table, rows in builder.rows():
            cols = list(rows[0])
            jc = json_cols[table]
            records = [tuple(json.dumps(r[c]) if c in jc else r[c] for c in cols) for r in rows]
            await conn.copy_records_to_table(table, records=records, columns=cols)
            if time.perf_counter() - last > 10:
                last = time.perf_counter()
                print(
                    f"bench: loading... {sum(builder.counts.values()):,} rows ({last - t0:.0f}s)",
                    file=sys.stderr,
                )
        for table, col in (("audit_entry", "id"), ("audit_chain", "seq"), ("audit_seal", "id")):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{col}'), "
                f"GREATEST((SELECT max({col}) FROM {table}), 1))"
            )
        print("bench: VACUUM ANALYZE", file=sys.stderr)
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()
    builder.m.build_seconds = time.perf_counter() - t0
    return builder.m


def load_sqlite(path: str, builder: Builder) -> Manifest:
    t0 = time.perf_counter()
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        for table, rows in builder.rows():
            conn.execute(sa.insert(_table(table)), rows)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    builder.m.build_seconds = time.perf_counter() - t0
    return builder.m


def run_load(url_or_path: str, db: str, builder: Builder) -> Manifest:
    if db == "postgres":
        return asyncio.run(load_postgres(url_or_path, builder))
    return load_sqlite(url_or_path, builder)
