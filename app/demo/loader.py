"""Builds the ten case examples' cast through the service layer, as their agencies would."""

import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.demo import stories
from app.demo.cases import AGENCIES, CASES, GROUPS, PEOPLE, PRACTITIONERS, CaseSpec
from app.models.agency import AgencyCreate, AgencyKind, Sector, ServiceCreate
from app.models.identity import AccessRole, ApiKeyCreate, PractitionerCreate
from app.models.person import (
    AddressCreate,
    CompetenceCreate,
    CompetenceStandard,
    FamilyCreate,
    FamilyMemberIn,
    PersonKind,
    PersonRegister,
    RelationshipCreate,
    RelationshipKind,
)
from app.models.sharing import GroupCreate, GroupKind, LegalBasis
from app.policy import Purpose
from app.principal import Principal, PrincipalKind
from app.services import agencies, families, groups, people, practitioners

CREDENTIALS_FILE = "confer-demo-credentials.json"
PLATFORM = Principal(kind=PrincipalKind.platform_admin, agency_id=None)


def _as(practitioner_id: uuid.UUID, agency_id: uuid.UUID, roles: tuple[str, ...]) -> Principal:
    return Principal(
        kind=PrincipalKind.practitioner,
        agency_id=agency_id,
        practitioner_id=practitioner_id,
        roles=frozenset(AccessRole(r) for r in roles),
    )


async def load_demo(settings: Settings, credentials_dir: Path | None = None) -> dict[str, Any]:
    """Loads every case's cast, plays the ten stories to their end state; returns (and writes)
    the API key of every practitioner."""
    engine = make_engine(settings.database_url)
    maker = make_sessionmaker(engine)
    agency_ids: dict[str, uuid.UUID] = {}
    actors: dict[str, Principal] = {}
    keys: dict[str, dict[str, Any]] = {}
    async with maker() as session:
        for spec in AGENCIES.values():
            agency = await agencies.create_agency(
                session,
                PLATFORM,
                AgencyCreate(
                    name=spec.name,
                    kind=AgencyKind(spec.kind),
                    sector=Sector(spec.sector),
                    sensitive_service=spec.sensitive_service,
                ),
            )
            agency_ids[spec.key] = agency.id
        # Admins first (the platform admin bootstraps them), then each agency staffs itself.
        ordered = sorted(PRACTITIONERS.values(), key=lambda p: "agency_admin" not in p.roles)
        for p in ordered:
            agency_id = agency_ids[p.agency_key]
            creator = PLATFORM if "agency_admin" in p.roles else actors[f"admin:{p.agency_key}"]
            row = await practitioners.create_practitioner(
                session,
                creator,
                agency_id,
                PractitionerCreate(
                    name=p.name, job_title=p.job_title, roles=[AccessRole(r) for r in p.roles]
                ),
            )
            principal = _as(row.id, agency_id, p.roles)
            actors[p.key] = principal
            if "agency_admin" in p.roles:
                actors.setdefault(f"admin:{p.agency_key}", principal)
            _, key = await practitioners.issue_api_key(
                session, creator, settings, agency_id, row.id, ApiKeyCreate(label="demo")
            )
            keys[p.key] = {
                "key": key,
                "name": p.name,
                "job_title": p.job_title,
                "agency": AGENCIES[p.agency_key].name,
                "practitioner_id": str(row.id),
                "agency_id": str(agency_id),
            }
        service_ids: dict[tuple[str, str], uuid.UUID] = {}
        for spec in AGENCIES.values():
            for service_name in spec.services:
                service = await agencies.create_service(
                    session,
                    actors[f"admin:{spec.key}"],
                    agency_ids[spec.key],
                    ServiceCreate(name=service_name),
                )
                service_ids[(spec.key, service_name)] = service.id
        group_ids: dict[str, uuid.UUID] = {}
        for g in GROUPS.values():
            group = await groups.create_group(
                session,
                actors[f"admin:{g.chair_key}"],
                GroupCreate(
                    name=g.name,
                    kind=GroupKind(g.kind),
                    chair_agency_id=agency_ids[g.chair_key],
                    deputy_agency_id=agency_ids[g.deputy_key] if g.deputy_key else None,
                    purposes=[Purpose(p) for p in g.purposes],
                    legal_gateway=LegalBasis(g.legal_gateway),
                    agreement=g.agreement,
                    members=[agency_ids[m] for m in g.members],
                ),
            )
            group_ids[g.key] = group.id

        case_of = {p.key: case for case in CASES for p in case.people}

        def worker(agency_key: str, case: CaseSpec) -> Principal:
            """The agency's first front-line practitioner in the case: who registers its people
            (and so is their contact in the involvement index)."""
            for key in case.practitioners:
                p = PRACTITIONERS[key]
                if p.agency_key == agency_key and "practitioner" in p.roles:
                    return actors[key]
            raise LookupError(f"no front-line practitioner at {agency_key} in case {case.number}")

        person_ids: dict[str, uuid.UUID] = {}
        for person in PEOPLE.values():
            for agency_key, reason in person.registered_by:
                profile = await people.register_person(
                    session,
                    worker(agency_key, case_of[person.key]),
                    PersonRegister(
                        kind=PersonKind(person.kind),
                        given_name=person.given_name,
                        family_name=person.family_name,
                        description=person.description,
                        date_of_birth=person.date_of_birth,
                        date_of_birth_estimated=person.date_of_birth_estimated,
                        expected_date=person.expected_date,
                        nhs_number=person.nhs_number,
                        reason=reason,
                    ),
                )
                person_ids[person.key] = profile.person_id
        family_ids: dict[str, uuid.UUID] = {}
        for case in CASES:
            for rel in case.relationships:
                await people.create_relationship(
                    session,
                    worker(rel.recorded_by_agency_key, case),
                    RelationshipCreate(
                        person_id=person_ids[rel.person_key],
                        related_person_id=person_ids[rel.related_person_key],
                        kind=RelationshipKind(rel.kind),
                        parental_responsibility=rel.parental_responsibility,
                    ),
                )
            for fam in case.families:
                family = await families.create_family(
                    session,
                    worker(fam.agency_key, case),
                    FamilyCreate(
                        name=fam.name,
                        members=[FamilyMemberIn(person_id=person_ids[k]) for k in fam.member_keys],
                    ),
                )
                family_ids[fam.key] = family.id
            for comp in case.competences:
                await people.record_competence(
                    session,
                    actors[comp.assessed_by_key],
                    person_ids[comp.person_key],
                    CompetenceCreate(
                        competent=comp.competent,
                        standard=CompetenceStandard(comp.standard),
                        assessed_on=comp.assessed_on,
                        notes=comp.notes,
                    ),
                )
            for addr in case.addresses:
                await people.add_address(
                    session,
                    worker(addr.agency_key, case),
                    person_ids[addr.person_key],
                    AddressCreate(
                        line1=addr.line1,
                        town=addr.town,
                        postcode=addr.postcode,
                        confidential=addr.confidential,
                    ),
                )
        cast = stories.Cast(
            actors=actors,
            people=person_ids,
            agencies=agency_ids,
            families=family_ids,
            services=service_ids,
            groups=group_ids,
            today=date.today(),
        )
        for play in stories.STORIES:
            await play(session, cast)
        await session.commit()
    await engine.dispose()
    summary = {
        "agencies": len(agency_ids),
        "practitioners": len(keys),
        "people": len(person_ids),
        "credentials": keys,
        "people_ids": {k: str(v) for k, v in person_ids.items()},
        "group_ids": {k: str(v) for k, v in group_ids.items()},
    }
    target = (credentials_dir or Path.cwd()) / CREDENTIALS_FILE
    target.write_text(json.dumps(summary, indent=2) + "\n")
    summary["credentials_file"] = str(target)
    return summary


def print_welcome(summary: dict[str, Any], base_url: str) -> None:
    creds = summary["credentials"]
    lines = [
        "",
        "Confer demo: the ten case examples are loaded "
        f"({summary['agencies']} agencies, {summary['practitioners']} practitioners, "
        f"{summary['people']} people), each story played to its end state.",
        f"Open {base_url}/docs, press Authorize and paste one of these API keys:",
        "",
    ]
    for case in CASES:
        lines.append(f"  case {case.number:>2}  {case.title}")
        for key in case.demo_credentials:
            c = creds[key]
            who = f"{c['name']}, {c['job_title']} ({c['agency']})"
            lines.append(f"           {who}")
            lines.append(f"             {c['key']}")
    first = creds[CASES[2].demo_credentials[0]]
    lines += [
        "",
        f"Every practitioner's key: {summary['credentials_file']}",
        "",
        f"Try it (the people {first['name']} works with):",
        f'  curl -s -H "Authorization: Bearer {first["key"]}" {base_url}/people',
        "",
    ]
    print("\n".join(lines), flush=True)
