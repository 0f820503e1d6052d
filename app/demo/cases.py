"""The cast of the ten information-sharing case examples, as plain data.

Derived from the ten UK cross-government "Information Sharing: Case examples" (DCSF/CLG, 2009)
in `/work/shared/seeds/000_a4141e39c5e050ec.txt`. Each case lists the agencies, practitioners,
people, families, relationships, competence assessments and addresses the API needs to tell that
story; a loader inserts them through the service layer. Nothing here is real:

- Every family name is invented, and so is every given name the text does not give (marked
  "invented" where it matters). Practitioners' names are invented unless the text names them
  (Kelly, Susan, Naomi, Nadine, Eddie).
- The agencies serve one fictional town, Brackenford: one police force, one children's social
  care, one health visiting service... shared between cases. Postcodes use the non-existent ZZ area.
- Dates of birth are derived from the ages in the text on REFERENCE_DATE; the day and month are
  invented. Adults' dates of birth are invented.
- NHS numbers are in the 999 test range and pass the modulus 11 check (checked at import).

Keys are unique across all cases: agencies and practitioners are defined once (AGENCIES,
PRACTITIONERS) and each CaseSpec lists the keys it uses; a shared agency (and its admin and data
protection officer) appears in several cases and must be created once. People keys are prefixed
with the case number and belong to one case.

Registration: the service layer links one agency's registration of a person to another's only by
NHS number, so everyone registered by more than one agency has one (checked below). An agency
records a relationship, family, address or competence only for people it registered itself.
"""

from dataclasses import dataclass
from datetime import date

REFERENCE_DATE = date(2026, 11, 1)

AGENCY_KINDS = frozenset(
    {
        "school",
        "nursery",
        "health_visiting",
        "midwifery",
        "gp_practice",
        "hospital",
        "community_health",
        "sexual_health",
        "mental_health",
        "substance_misuse",
        "social_care",
        "police",
        "probation",
        "youth_offending",
        "housing",
        "education_welfare",
        "local_authority",
        "fire_service",
        "youth_support",
        "charity",
        "other",
    }
)
SECTORS = frozenset({"statutory", "voluntary", "private"})
ROLES = frozenset({"practitioner", "authorised_worker", "agency_admin", "data_protection_officer"})
RELATIONSHIP_KINDS = frozenset(
    {
        "parent",
        "step_parent",
        "grandparent",
        "partner",
        "carer",
        "sibling",
        "household_member",
        "other",
    }
)
PR_KINDS = frozenset({"parent", "step_parent", "carer", "grandparent"})
PERSON_KINDS = frozenset({"known", "unborn", "described"})


@dataclass(frozen=True)
class AgencySpec:
    key: str
    name: str
    kind: str
    sector: str
    sensitive_service: bool = False
    services: tuple[str, ...] = ()


@dataclass(frozen=True)
class PractitionerSpec:
    key: str
    agency_key: str
    name: str
    job_title: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class PersonSpec:
    key: str
    given_name: str | None
    family_name: str | None
    kind: str = "known"
    date_of_birth: date | None = None
    date_of_birth_estimated: bool = False
    expected_date: date | None = None
    description: str | None = None
    nhs_number: str | None = None
    # (agency_key, reason): the agencies working with the person when the story starts.
    registered_by: tuple[tuple[str, str], ...] = ()
    # Known to no agency at the start: an agency registers them as the story is played.
    arrives_in_story: bool = False


@dataclass(frozen=True)
class RelationshipSpec:
    # person_key is the <kind> of related_person_key: "c3_lisa is parent of c3_jack".
    person_key: str
    related_person_key: str
    kind: str
    parental_responsibility: bool
    recorded_by_agency_key: str


@dataclass(frozen=True)
class FamilySpec:
    key: str
    name: str
    agency_key: str
    member_keys: tuple[str, ...]


@dataclass(frozen=True)
class CompetenceSpec:
    person_key: str
    agency_key: str
    assessed_by_key: str
    competent: bool
    standard: str  # "gillick" | "fraser"
    assessed_on: date
    notes: str


@dataclass(frozen=True)
class AddressSpec:
    person_key: str
    agency_key: str
    line1: str
    town: str
    postcode: str
    confidential: bool = False


@dataclass(frozen=True)
class CaseSpec:
    number: int
    title: str
    summary: str
    agencies: tuple[str, ...]  # agency keys
    practitioners: tuple[str, ...]  # practitioner keys, the agencies' admins and DPOs included
    people: tuple[PersonSpec, ...]
    relationships: tuple[RelationshipSpec, ...] = ()
    families: tuple[FamilySpec, ...] = ()
    competences: tuple[CompetenceSpec, ...] = ()
    addresses: tuple[AddressSpec, ...] = ()
    demo_credentials: tuple[str, ...] = ()  # practitioner keys worth printing for a newcomer


TOWN = "Brackenford"  # invented

# ---------------------------------------------------------------------------------------------
# Agencies
# ---------------------------------------------------------------------------------------------

_AGENCY_LIST = (
    # Shared statutory services.
    AgencySpec(
        "police",
        "Brackenford Police",
        "police",
        "statutory",
        services=("Neighbourhood policing", "Family support unit", "Child abuse investigation"),
    ),
    AgencySpec(
        "social_care",
        "Brackenford Children's Social Care",
        "social_care",
        "statutory",
        services=("Referral and assessment", "Children in need", "Child protection"),
    ),
    AgencySpec(
        "health_visiting",
        "Brackenford Health Visiting Service",
        "health_visiting",
        "statutory",
        services=("Health visiting", "Child health clinic"),
    ),
    AgencySpec(
        "midwifery",
        "Brackenford Community Midwifery",
        "midwifery",
        "statutory",
        services=("Antenatal care", "Postnatal visits"),
    ),
    AgencySpec(
        "hospital",
        "Brackenford General Hospital",
        "hospital",
        "statutory",
        services=("Children's ward", "Emergency department"),
    ),
    AgencySpec(
        "council_housing",
        "Brackenford Council Housing Office",
        "housing",
        "statutory",
        services=("Tenancy management", "Repairs", "Housing assessment"),
    ),
    # Children's centre: Kelly's outreach (case 1), parenting group (case 9), PSA (case 10).
    AgencySpec(
        "childrens_centre",
        "Brackenford Children's Centre",
        "local_authority",
        "statutory",
        services=(
            "Outreach",
            "Mother and baby club",
            "Childcare",
            "Parenting support group",
            "Parent support advisory service",
        ),
    ),
    AgencySpec(
        "fire_service",
        "Brackenford Fire and Rescue Service",
        "fire_service",
        "statutory",
        services=("Fire safety and arson reduction",),
    ),
    AgencySpec(
        "yos",
        "Brackenford Youth Offending Service",
        "youth_offending",
        "statutory",
        services=("Prevention", "Court orders"),
    ),
    AgencySpec(
        "ews",
        "Brackenford Education Welfare Service",
        "education_welfare",
        "statutory",
        services=("School attendance",),
    ),
    AgencySpec(
        "probation",
        "Brackenford Probation Service",
        "probation",
        "statutory",
        services=("Offender supervision",),
    ),
    # Case 5's JAG: chaired by the local authority, police as deputy.
    AgencySpec(
        "la_social_inclusion",
        "Brackenford Council Social Inclusion Unit",
        "local_authority",
        "statutory",
        services=("Joint action group secretariat",),
    ),
    AgencySpec(
        "housing_trust",
        "Brackenford Housing Trust",
        "housing",
        "voluntary",  # a not-for-profit housing association
        services=("Tenancy enforcement", "Anti-social behaviour"),
    ),
    AgencySpec(
        "connexions",
        "Brackenford Connexions",
        "youth_support",
        "statutory",
        services=("Personal advisers", "Youth work"),
    ),
    # Case 2.
    AgencySpec(
        "home_start",
        "Home-Start Brackenford",
        "charity",
        "voluntary",
        services=("Home visiting volunteers", "Parents' group"),
    ),
    AgencySpec(
        "hillcrest_nursery",
        "Hillcrest School Nursery",  # Ben's first nursery (invented name)
        "nursery",
        "statutory",
        services=("Nursery class",),
    ),
    AgencySpec(
        "meadow_lane_nursery",
        "Meadow Lane School Nursery",  # the closer nursery Ben moves to (invented name)
        "nursery",
        "statutory",
        services=("Nursery class",),
    ),
    AgencySpec(
        "hillview_surgery",
        "Hillview Surgery",
        "gp_practice",
        "statutory",
        services=("General practice",),
    ),
    # Schools (names invented).
    AgencySpec(
        "oakfield_primary",
        "Oakfield Primary School",  # Jenny and Jack (case 3); Josh Brown (case 9)
        "school",
        "statutory",
        services=("Pastoral care", "Safeguarding"),
    ),
    AgencySpec(
        "elm_park_primary",
        "Elm Park Primary School",  # Connor (case 4)
        "school",
        "statutory",
        services=("Pastoral care", "Safeguarding"),
    ),
    AgencySpec(
        "brackenford_academy",
        "Brackenford Academy",  # Jackie and Brett (case 4)
        "school",
        "statutory",
        services=("Pastoral care", "Learning mentors", "School nurse"),
    ),
    AgencySpec(
        "riverside_high",
        "Riverside High School",  # Amy (case 9)
        "school",
        "statutory",
        services=("Pastoral care", "After-school activities"),
    ),
    AgencySpec(
        "westgate_school",
        "Westgate School",  # Ryan (case 10)
        "school",
        "statutory",
        services=("Pastoral care", "Listening service", "Learning mentors"),
    ),
    # Case 6: where Helen goes for short breaks (kind "other": no closer kind in the list).
    AgencySpec(
        "respite_care",
        "Brackenford Short Breaks",
        "other",
        "private",
        services=("Residential respite care",),
    ),
    # Sensitive services: their very involvement with a person is confidential.
    AgencySpec(
        "gu_clinic",
        "Brackenford Genito-Urinary Medicine Clinic",
        "sexual_health",
        "statutory",
        sensitive_service=True,
        services=("Sexual health clinic",),
    ),
    AgencySpec(
        "adult_mental_health",
        "Brackenford Adult Mental Health Team",
        "mental_health",
        "statutory",
        sensitive_service=True,
        services=("Community mental health",),
    ),
    AgencySpec(
        "adult_drug_service",
        "Brackenford Adult Drug Treatment Service",
        "substance_misuse",
        "statutory",
        sensitive_service=True,
        services=("Methadone maintenance", "Counselling", "Outreach"),
    ),
    # Case 9: employs the family support worker and the service's coordinator; the family support
    # service itself is a multi-agency group, built by the loader from its member agencies.
    AgencySpec(
        "family_support_team",
        "Brackenford Family Support Team",
        "local_authority",
        "statutory",
        services=("Family support",),
    ),
    # Case 10: a children's services group-work project that keeps its information apart, so its
    # own agency. Not a sensitive service: Nadine is on the index as lead professional.
    AgencySpec(
        "space4me",
        "Space 4 Me",
        "other",
        "statutory",
        services=("Group work for children of substance misusing parents",),
    ),
)

AGENCIES: dict[str, AgencySpec] = {a.key: a for a in _AGENCY_LIST}

# ---------------------------------------------------------------------------------------------
# Practitioners
# ---------------------------------------------------------------------------------------------

_FRONT = ("practitioner",)
_INDEX = ("practitioner", "authorised_worker")  # may look up the involvement index

# Each agency's administrator and data protection officer (all names invented).
_OFFICE_NAMES: dict[str, tuple[str, str]] = {
    "police": ("Priya Shah", "Tom Reilly"),
    "social_care": ("Hannah Brooks", "Imran Qureshi"),
    "health_visiting": ("Gemma Lloyd", "Neil Forsyth"),
    "midwifery": ("Rosa Mendes", "Alan Pritchard"),
    "hospital": ("Fiona Grant", "Daniel Osei"),
    "council_housing": ("Sue Rahman", "Keith Barlow"),
    "childrens_centre": ("Jo Whitfield", "Marcus Bell"),
    "fire_service": ("Wendy Hughes", "Stuart Pike"),
    "yos": ("Kerry Maddox", "Owen Price"),
    "ews": ("Julie Tate", "Frank Bowen"),
    "probation": ("Alison Reeve", "Gareth Lyle"),
    "la_social_inclusion": ("Yvonne Clarke", "Henry Dale"),
    "housing_trust": ("Pam Ellery", "Victor Nunn"),
    "connexions": ("Lucy Kemp", "Andrew Rowe"),
    "home_start": ("Ann Cole", "Peter Lyons"),
    "hillcrest_nursery": ("Debbie Shaw", "Colin Marsh"),
    "meadow_lane_nursery": ("Nina Patel", "Gordon Hale"),
    "hillview_surgery": ("Tracy Noble", "Ian Moss"),
    "oakfield_primary": ("Carol Dent", "Raj Mistry"),
    "elm_park_primary": ("Beverley Hunt", "Simon Archer"),
    "brackenford_academy": ("Lorraine Fox", "Adam Kerr"),
    "riverside_high": ("Maureen Tully", "Graham Pell"),
    "westgate_school": ("Kim Lowther", "Vikram Desai"),
    "respite_care": ("Sandra Moor", "Eric Lund"),
    "gu_clinic": ("Claire Vaughan", "Mohammed Aziz"),
    "adult_mental_health": ("Denise Ward", "Patrick Quinn"),
    "adult_drug_service": ("Jane Corby", "Sean Malik"),
    "family_support_team": ("Rachel Imrie", "Leon Hart"),
    "space4me": ("Tessa Hope", "Nigel Ambrose"),
}


def _office(agency_key: str) -> tuple[PractitionerSpec, PractitionerSpec]:
    admin, dpo = _OFFICE_NAMES[agency_key]
    return (
        PractitionerSpec(
            f"{agency_key}_admin", agency_key, admin, "agency administrator", ("agency_admin",)
        ),
        PractitionerSpec(
            f"{agency_key}_dpo",
            agency_key,
            dpo,
            "data protection officer",
            ("data_protection_officer",),
        ),
    )


def office_keys(agency_key: str) -> tuple[str, str]:
    """The keys of an agency's administrator and data protection officer."""
    return f"{agency_key}_admin", f"{agency_key}_dpo"


P = PractitionerSpec
# Front-line practitioners, by case. Names invented unless the text gives them.
_FRONT_LINE = (
    # Case 1
    P("c1_health_visitor", "health_visiting", "Joanne Price", "health visitor", _INDEX),
    P("c1_kelly", "childrens_centre", "Kelly Dawson", "outreach worker", _INDEX),
    P("c1_midwife", "midwifery", "Eleanor Voss", "community midwife", _FRONT),
    P("c1_housing_officer", "council_housing", "Derek Hollis", "housing officer", _FRONT),
    # Case 2
    P("c2_organiser", "home_start", "Margaret Lane", "Home-Start organiser", _INDEX),
    P("c2_volunteer", "home_start", "Bridget Kaye", "Home-Start volunteer", _FRONT),
    P("c2_nursery_teacher", "hillcrest_nursery", "Sophie Grey", "nursery teacher", _FRONT),
    P("c2_new_nursery_teacher", "meadow_lane_nursery", "Amina Yusuf", "nursery teacher", _FRONT),
    P("c2_health_visitor", "health_visiting", "Ruth Baxter", "health visitor", _INDEX),
    P("c2_gp", "hillview_surgery", "Dr Alex Morgan", "GP", _FRONT),
    # Case 3 (the school nurse is at the school: her advice to the teacher stays inside it,
    # and the health visitor's records stay with health visiting)
    P("c3_health_visitor", "health_visiting", "Siobhan Kelly", "health visitor", _INDEX),
    P("c3_jack_teacher", "oakfield_primary", "Emma Fielding", "class teacher (Jack)", _FRONT),
    P("c3_jenny_teacher", "oakfield_primary", "David Okoro", "class teacher (Jenny)", _FRONT),
    P("c3_school_nurse", "oakfield_primary", "Beth Saunders", "school nurse", _INDEX),
    P("c3_cp_lead", "oakfield_primary", "Richard Holt", "child protection lead", _INDEX),
    # Case 4
    P("c4_police_officer", "police", "Nicola Hurst", "police constable", _INDEX),
    P("c4_fire_officer", "fire_service", "Dave Rennie", "fire safety officer", _FRONT),
    P("c4_yos_worker", "yos", "Tariq Hussain", "YOS worker", _INDEX),
    P("c4_ews_officer", "ews", "Janet Pollard", "education welfare officer", _INDEX),
    P("c4_connor_teacher", "elm_park_primary", "Laura Benson", "class teacher (Connor)", _FRONT),
    P("c4_brett_head_of_year", "brackenford_academy", "Chris Adebayo", "head of year", _FRONT),
    P("c4_brett_mentor", "brackenford_academy", "Zoe Harding", "learning mentor", _FRONT),
    P("c4_jackie_head_of_year", "brackenford_academy", "Philip Moore", "head of year", _FRONT),
    P("c4_jackie_teacher", "brackenford_academy", "Rebecca Stone", "form tutor", _FRONT),
    P("c4_school_nurse", "brackenford_academy", "Paula Grimes", "school nurse", _INDEX),
    # Case 5 (JAG members and the workers the actions go to)
    P("c5_jag_chair", "la_social_inclusion", "Diane Whitaker", "social inclusion manager", _INDEX),
    P("c5_police_deputy", "police", "Rob Keane", "police inspector", _INDEX),
    P("c5_probation_officer", "probation", "Sunita Rao", "probation officer", _FRONT),
    P("c5_yos_worker", "yos", "Glen Tovey", "YOS worker", _INDEX),
    P("c5_housing_officer", "housing_trust", "Maria Santos", "tenancy officer", _FRONT),
    P("c5_connexions_manager", "connexions", "Heather Bloom", "Connexions team manager", _FRONT),
    P("c5_connexions_adviser", "connexions", "Jas Sandhu", "Connexions personal adviser", _INDEX),
    P("c5_social_worker", "social_care", "Olu Adeyemi", "social worker", _INDEX),
    P("c5_ews_officer", "ews", "Bernard Gill", "education welfare officer", _INDEX),
    P("c5_drug_worker", "adult_drug_service", "Owen Tranter", "drug worker", _FRONT),
    # Case 6
    P("c6_doctor", "hospital", "Dr Ravi Kapoor", "admitting doctor", _FRONT),
    P("c6_consultant", "hospital", "Dr Catherine Byrne", "consultant paediatrician", _INDEX),
    P("c6_social_worker", "social_care", "Megan Doherty", "social worker", _INDEX),
    P("c6_police_officer", "police", "Lee Chapman", "detective constable", _INDEX),
    P("c6_respite_manager", "respite_care", "Joyce Ingram", "respite unit manager", _FRONT),
    # Case 7
    P("c7_health_practitioner", "gu_clinic", "Farah Nasser", "sexual health nurse", _FRONT),
    P("c7_named_nurse", "gu_clinic", "Moira Caldwell", "named nurse for safeguarding", _INDEX),
    P("c7_social_worker", "social_care", "Kwame Mensah", "social worker", _INDEX),
    P("c7_police_officer", "police", "Harriet Pearce", "detective constable", _INDEX),
    # Case 8
    P("c8_probation_officer", "probation", "Elaine Moffat", "probation officer", _FRONT),
    P("c8_team_manager", "social_care", "Brian Lister", "team manager", _INDEX),
    P("c8_social_worker", "social_care", "Charlotte Webb", "social worker", _INDEX),
    P("c8_police_officer", "police", "Gary Finch", "detective sergeant", _INDEX),
    P("c8_midwife", "midwifery", "Irene Walton", "community midwife", _INDEX),
    P("c8_health_visitor", "health_visiting", "Tanya Cross", "health visitor", _INDEX),
    P("c8_ed_doctor", "hospital", "Dr Hugh Bennett", "emergency department consultant", _INDEX),
    # Case 9
    P("c9_susan", "adult_mental_health", "Susan Fletcher", "adult mental health worker", _FRONT),
    P("c9_amh_manager", "adult_mental_health", "Roger Blake", "team manager", _FRONT),
    P("c9_naomi", "family_support_team", "Naomi Ashworth", "family support worker", _INDEX),
    P("c9_coordinator", "family_support_team", "Leroy Campbell", "service coordinator", _INDEX),
    P("c9_health_visitor", "health_visiting", "Frances Dunn", "health visitor", _INDEX),
    P("c9_pastoral_manager", "riverside_high", "Kevin Shepherd", "pastoral manager", _INDEX),
    P("c9_housing_officer", "council_housing", "Sanjay Mehta", "housing officer", _FRONT),
    P("c9_social_worker", "social_care", "Abigail Horne", "social worker", _INDEX),
    P("c9_josh_teacher", "oakfield_primary", "Hazel Norris", "class teacher (Josh)", _FRONT),
    P("c9_police_officer", "police", "Dean Whitley", "youth officer", _FRONT),
    # Case 10
    P("c10_drug_worker", "adult_drug_service", "Lorna Finlay", "drug worker", _FRONT),
    P("c10_drug_counsellor", "adult_drug_service", "Dev Bhatt", "counsellor", _FRONT),
    P("c10_drug_outreach", "adult_drug_service", "Carl Simmons", "outreach worker", _FRONT),
    P("c10_nadine", "space4me", "Nadine Foster", "project worker", _INDEX),
    P("c10_eddie", "social_care", "Eddie Coleman", "social worker", _INDEX),
    P("c10_eddie_manager", "social_care", "Yasmin Akhtar", "team manager", _INDEX),
    P("c10_pastoral_manager", "westgate_school", "Tina Rowley", "pastoral manager", _INDEX),
    P("c10_ryan_teacher", "westgate_school", "Jamie Lockwood", "teacher", _FRONT),
    P("c10_school_counsellor", "westgate_school", "Ingrid Holm", "school counsellor", _FRONT),
    P("c10_learning_mentor", "westgate_school", "Patrice Lemaire", "learning mentor", _FRONT),
    P("c10_psa", "childrens_centre", "Shirley Adams", "parent support adviser", _FRONT),
)
del P

PRACTITIONERS: dict[str, PractitionerSpec] = {
    p.key: p for p in (*_FRONT_LINE, *(s for a in AGENCIES for s in _office(a)))
}

# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------


def _staff(agencies: tuple[str, ...], front_line: tuple[str, ...]) -> tuple[str, ...]:
    """A case's practitioners: its front-line cast plus each agency's admin and DPO."""
    return front_line + tuple(k for a in agencies for k in office_keys(a))


Rel = RelationshipSpec

# Case 1 -----------------------------------------------------------------------------------------
_C1_AGENCIES = ("health_visiting", "childrens_centre", "midwifery", "council_housing")
CASE_1 = CaseSpec(
    number=1,
    title="Sharing with consent to support a parent's parenting capability",
    summary=(
        "Kate, a single mother, struggles with a toddler, a new baby and a damp home. With her "
        "consent the outreach worker Kelly, the health visitor, the midwife and housing share "
        "and agree to alert each other to concerns."
    ),
    agencies=_C1_AGENCIES,
    practitioners=_staff(
        _C1_AGENCIES, ("c1_health_visitor", "c1_kelly", "c1_midwife", "c1_housing_officer")
    ),
    people=(
        PersonSpec(
            "c1_kate",
            "Kate",
            "Ellison",
            date_of_birth=date(1996, 6, 12),
            nhs_number="9990101175",
            registered_by=(
                ("health_visiting", "Mother of a new baby and a toddler"),
                ("midwifery", "Postnatal care"),
                ("council_housing", "Council tenant"),
            ),
        ),
        PersonSpec(  # Kate's son, three; name invented
            "c1_oliver",
            "Oliver",
            "Ellison",
            date_of_birth=date(2023, 4, 8),
            nhs_number="9990102171",
            registered_by=(("health_visiting", "Child under five"),),
        ),
        PersonSpec(  # the new baby; name invented
            "c1_mia",
            "Mia",
            "Ellison",
            date_of_birth=date(2026, 10, 18),
            nhs_number="9990103178",
            registered_by=(
                ("health_visiting", "New birth visit"),
                ("midwifery", "Postnatal care"),
            ),
        ),
    ),
    relationships=(
        Rel("c1_kate", "c1_oliver", "parent", True, "health_visiting"),
        Rel("c1_kate", "c1_mia", "parent", True, "health_visiting"),
        Rel("c1_oliver", "c1_mia", "sibling", False, "health_visiting"),
    ),
    families=(
        FamilySpec(
            "c1_family", "Kate's family", "health_visiting", ("c1_kate", "c1_oliver", "c1_mia")
        ),
    ),
    addresses=(
        AddressSpec("c1_kate", "council_housing", "Flat 6, Ashdown Court", TOWN, "ZZ1 4AB"),
    ),
    demo_credentials=("c1_health_visitor", "c1_kelly"),
)

# Case 2 -----------------------------------------------------------------------------------------
_C2_AGENCIES = (
    "home_start",
    "hillcrest_nursery",
    "meadow_lane_nursery",
    "health_visiting",
    "hillview_surgery",
)
CASE_2 = CaseSpec(
    number=2,
    title="Sharing with consent following concerns about a toddler's development",
    summary=(
        "Cathy, a teenage mother who fled violence, lives in a hostel. Home-Start shares with "
        "the nursery with her consent (attendance), then seeks consent again for health: a CAF, "
        "the health visitor, and Ben's referral to his GP."
    ),
    agencies=_C2_AGENCIES,
    practitioners=_staff(
        _C2_AGENCIES,
        (
            "c2_organiser",
            "c2_volunteer",
            "c2_nursery_teacher",
            "c2_new_nursery_teacher",
            "c2_health_visitor",
            "c2_gp",
        ),
    ),
    people=(
        PersonSpec(
            "c2_cathy",
            "Cathy",
            "Dunmore",
            date_of_birth=date(2007, 2, 20),  # "a teenage mother": 19
            nhs_number="9990201188",
            registered_by=(
                ("home_start", "Referred by Ben's nursery: erratic attendance"),
                ("hillcrest_nursery", "Ben's mother"),
                ("health_visiting", "Mother of Ben and Jake"),
            ),
        ),
        PersonSpec(
            "c2_ben",
            "Ben",
            "Dunmore",
            date_of_birth=date(2023, 7, 3),
            nhs_number="9990202176",
            registered_by=(
                ("hillcrest_nursery", "Nursery place; erratic attendance"),
                ("home_start", "Family support"),
                ("health_visiting", "Missed developmental checks"),
                ("hillview_surgery", "Registered patient"),
            ),
        ),
        PersonSpec(
            "c2_jake",
            "Jake",
            "Dunmore",
            date_of_birth=date(2026, 4, 25),
            nhs_number="9990203172",
            registered_by=(
                ("home_start", "Family support"),
                ("health_visiting", "Child under five"),
            ),
        ),
    ),
    relationships=(
        Rel("c2_cathy", "c2_ben", "parent", True, "home_start"),
        Rel("c2_cathy", "c2_jake", "parent", True, "home_start"),
        Rel("c2_ben", "c2_jake", "sibling", False, "home_start"),
        # The health visitor records who speaks for the boys (Cathy's consent to tell the GP).
        Rel("c2_cathy", "c2_ben", "parent", True, "health_visiting"),
        Rel("c2_cathy", "c2_jake", "parent", True, "health_visiting"),
    ),
    families=(
        FamilySpec("c2_family", "Cathy's family", "home_start", ("c2_cathy", "c2_ben", "c2_jake")),
    ),
    addresses=(
        # She fled a violent relationship and must not be found: confidential.
        AddressSpec(
            "c2_cathy", "home_start", "Flat 4, Young Parents' Hostel", TOWN, "ZZ1 7QD", True
        ),
    ),
    demo_credentials=("c2_organiser", "c2_health_visitor"),
)

# Case 3 -----------------------------------------------------------------------------------------
_C3_AGENCIES = ("oakfield_primary", "health_visiting")
CASE_3 = CaseSpec(
    number=3,
    title="Respecting a parent's refusal of consent to share",
    summary=(
        "Jack's teacher is worried about him. The health visitor holds the mother's mental "
        "health information; the mother refuses consent to share it with the school. The health "
        "visitor records a decision not to share; school and health visitor confer fortnightly."
    ),
    agencies=_C3_AGENCIES,
    practitioners=_staff(
        _C3_AGENCIES,
        (
            "c3_health_visitor",
            "c3_jack_teacher",
            "c3_jenny_teacher",
            "c3_school_nurse",
            "c3_cp_lead",
        ),
    ),
    people=(
        PersonSpec(  # the mother; the text gives no name
            "c3_lisa",
            "Lisa",
            "Harper",
            date_of_birth=date(1994, 9, 30),
            nhs_number="9990301174",
            registered_by=(
                ("health_visiting", "Mother of Poppy; family CAF"),
                ("oakfield_primary", "Parent of Jenny and Jack"),
            ),
        ),
        PersonSpec(
            "c3_jenny",
            "Jenny",
            "Harper",
            date_of_birth=date(2020, 5, 11),
            nhs_number="9990302170",
            registered_by=(
                ("oakfield_primary", "Pupil"),
                ("health_visiting", "Sibling in a family on the caseload"),
            ),
        ),
        PersonSpec(
            "c3_jack",
            "Jack",
            "Harper",
            date_of_birth=date(2022, 3, 14),
            nhs_number="9990303177",
            registered_by=(
                ("oakfield_primary", "Pupil"),
                ("health_visiting", "CAF with the family"),
            ),
        ),
        PersonSpec(  # the younger sister, 12 months; name invented
            "c3_poppy",
            "Poppy",
            "Harper",
            date_of_birth=date(2025, 10, 22),
            nhs_number="9990304173",
            registered_by=(("health_visiting", "Child under five"),),
        ),
    ),
    relationships=(
        Rel("c3_lisa", "c3_jenny", "parent", True, "oakfield_primary"),
        Rel("c3_lisa", "c3_jack", "parent", True, "oakfield_primary"),
        Rel("c3_jenny", "c3_jack", "sibling", False, "oakfield_primary"),
        Rel("c3_lisa", "c3_poppy", "parent", True, "health_visiting"),
    ),
    families=(
        FamilySpec(
            "c3_family",
            "Jenny and Jack's family",
            "health_visiting",
            ("c3_lisa", "c3_jenny", "c3_jack", "c3_poppy"),
        ),
    ),
    addresses=(AddressSpec("c3_lisa", "oakfield_primary", "23 Linden Road", TOWN, "ZZ1 2LR"),),
    demo_credentials=("c3_health_visitor", "c3_jack_teacher", "c3_cp_lead"),
)

# Case 4 -----------------------------------------------------------------------------------------
_C4_AGENCIES = (
    "police",
    "fire_service",
    "yos",
    "ews",
    "elm_park_primary",
    "brackenford_academy",
)
_C4_CHILD_REASONS = (("police", "Interviewed about car fires on the estate"),)
CASE_4 = CaseSpec(
    number=4,
    title="Sharing without consent: children at risk of crime and exploitation",
    summary=(
        "Three children on an estate linked to car fires and theft. Police notify the YOS; the "
        "schools share confidential information without consent (risk of significant harm) and "
        "tell the family; a multi-agency meeting agrees a joint action plan."
    ),
    agencies=_C4_AGENCIES,
    practitioners=_staff(
        _C4_AGENCIES,
        (
            "c4_police_officer",
            "c4_fire_officer",
            "c4_yos_worker",
            "c4_ews_officer",
            "c4_connor_teacher",
            "c4_brett_head_of_year",
            "c4_brett_mentor",
            "c4_jackie_head_of_year",
            "c4_jackie_teacher",
            "c4_school_nurse",
        ),
    ),
    people=(
        PersonSpec(  # the father; name invented
            "c4_robert",
            "Robert",
            "Walsh",
            date_of_birth=date(1981, 1, 15),
            nhs_number="9990401179",
            registered_by=(
                ("police", "Past conviction: handling stolen goods"),
                ("brackenford_academy", "Parent of Jackie and Brett"),
                ("elm_park_primary", "Parent of Connor"),
            ),
        ),
        PersonSpec(  # the mother; name invented
            "c4_linda",
            "Linda",
            "Walsh",
            date_of_birth=date(1985, 8, 2),
            nhs_number="9990402175",
            registered_by=(
                ("police", "Parent present at interview"),
                ("brackenford_academy", "Parent of Jackie and Brett"),
                ("elm_park_primary", "Parent of Connor"),
            ),
        ),
        PersonSpec(
            "c4_jackie",
            "Jackie",
            "Walsh",
            date_of_birth=date(2011, 6, 19),
            nhs_number="9990403171",
            registered_by=(*_C4_CHILD_REASONS, ("brackenford_academy", "Pupil")),
        ),
        PersonSpec(
            "c4_brett",
            "Brett",
            "Walsh",
            date_of_birth=date(2012, 9, 5),
            nhs_number="9990404178",
            registered_by=(*_C4_CHILD_REASONS, ("brackenford_academy", "Pupil")),
        ),
        PersonSpec(
            "c4_connor",
            "Connor",
            "Walsh",
            date_of_birth=date(2016, 2, 27),
            nhs_number="9990405174",
            registered_by=(*_C4_CHILD_REASONS, ("elm_park_primary", "Pupil")),
        ),
    ),
    relationships=(
        Rel("c4_robert", "c4_jackie", "parent", True, "brackenford_academy"),
        Rel("c4_linda", "c4_jackie", "parent", True, "brackenford_academy"),
        Rel("c4_robert", "c4_brett", "parent", True, "brackenford_academy"),
        Rel("c4_linda", "c4_brett", "parent", True, "brackenford_academy"),
        Rel("c4_robert", "c4_connor", "parent", True, "elm_park_primary"),
        Rel("c4_linda", "c4_connor", "parent", True, "elm_park_primary"),
        Rel("c4_linda", "c4_robert", "partner", False, "police"),
    ),
    families=(
        FamilySpec(
            "c4_family",
            "Walsh family",
            "police",
            ("c4_robert", "c4_linda", "c4_jackie", "c4_brett", "c4_connor"),
        ),
    ),
    addresses=(
        AddressSpec("c4_robert", "police", "7 Fenwick Walk, Marsh Lane estate", TOWN, "ZZ1 9FW"),
    ),
    demo_credentials=("c4_yos_worker", "c4_police_officer", "c4_jackie_head_of_year"),
)

# Case 5 -----------------------------------------------------------------------------------------
_C5_AGENCIES = (
    "la_social_inclusion",
    "police",
    "probation",
    "yos",
    "housing_trust",
    "connexions",
    "social_care",
    "ews",
    "adult_drug_service",  # both Family 1 parents are on methadone maintenance
)
_C5_F1_SC = ("social_care", "Initial assessment of Tony and Louise")
_C5_F2_ASB = ("police", "Neighbours' reports of anti-social behaviour")
_C5_F2_HOUSE = ("housing_trust", "Household member on the tenancy")
CASE_5 = CaseSpec(
    number=5,
    title="The joint action group: targeted action on anti-social behaviour",
    summary=(
        "A JAG under s.115 Crime and Disorder Act 1998 (chair: local authority; deputy: police) "
        "meets monthly, selects three families, agrees actions with owners and reviews progress "
        "at the next meeting."
    ),
    agencies=_C5_AGENCIES,
    practitioners=_staff(
        _C5_AGENCIES,
        (
            "c5_jag_chair",
            "c5_police_deputy",
            "c5_probation_officer",
            "c5_yos_worker",
            "c5_housing_officer",
            "c5_connexions_manager",
            "c5_connexions_adviser",
            "c5_social_worker",
            "c5_ews_officer",
            "c5_drug_worker",
        ),
    ),
    people=(
        # Family 1: parents' names invented.
        PersonSpec(
            "c5_martin",
            "Martin",
            "Pryce",
            date_of_birth=date(1983, 4, 10),
            nhs_number="9990501173",
            registered_by=(
                ("probation", "On probation: drug-related offences"),
                ("police", "Conviction for drug-related offences"),
                ("adult_drug_service", "Methadone maintenance programme"),
                ("social_care", "Parent: initial assessment of the children"),
            ),
        ),
        PersonSpec(
            "c5_clare",
            "Clare",
            "Pryce",
            date_of_birth=date(1986, 12, 1),
            nhs_number="9990502188",
            registered_by=(
                ("adult_drug_service", "Methadone maintenance programme"),
                ("social_care", "Parent: initial assessment of the children"),
            ),
        ),
        PersonSpec(
            "c5_tony",
            "Tony",
            "Pryce",
            date_of_birth=date(2009, 3, 22),
            nhs_number="9990503176",
            registered_by=(("police", "Well known to local police"), _C5_F1_SC),
        ),
        PersonSpec(
            "c5_louise",
            "Louise",
            "Pryce",
            date_of_birth=date(2012, 7, 30),
            nhs_number="9990504172",
            registered_by=(("connexions", "Personal adviser"), _C5_F1_SC),
        ),
        # Family 2: every name invented (children aged 14, 11 and 9).
        PersonSpec(
            "c5_paul",
            "Paul",
            "Carter",
            date_of_birth=date(1984, 5, 17),
            nhs_number="9990505179",
            registered_by=(
                ("police", "Charged: public order offence"),
                ("housing_trust", "Tenant"),
            ),
        ),
        PersonSpec(
            "c5_joanne",
            "Joanne",
            "Carter",
            date_of_birth=date(1987, 3, 9),
            nhs_number="9990506175",
            registered_by=(
                ("police", "Reported for threatening behaviour"),
                ("housing_trust", "Joint tenant"),
            ),
        ),
        PersonSpec(
            "c5_jordan",
            "Jordan",
            "Carter",
            date_of_birth=date(2012, 1, 12),
            nhs_number="9990507171",
            registered_by=(_C5_F2_ASB, _C5_F2_HOUSE),
        ),
        PersonSpec(
            "c5_ellie",
            "Ellie",
            "Carter",
            date_of_birth=date(2015, 6, 6),
            nhs_number="9990508178",
            registered_by=(_C5_F2_ASB, _C5_F2_HOUSE),
        ),
        PersonSpec(
            "c5_sam",
            "Sam",
            "Carter",
            date_of_birth=date(2017, 4, 18),
            nhs_number="9990509174",
            registered_by=(_C5_F2_ASB, _C5_F2_HOUSE),
        ),
        # Family 3: the mother's name invented; no father is mentioned.
        PersonSpec(
            "c5_karen",
            "Karen",
            "Doyle",
            date_of_birth=date(1978, 10, 3),
            nhs_number="9990510172",
            registered_by=(
                ("housing_trust", "Tenant; anonymous reports of domestic violence"),
                ("police", "Called to the address by neighbours"),
            ),
        ),
        PersonSpec(
            "c5_charlie",
            "Charlie",
            "Doyle",
            date_of_birth=date(2009, 8, 14),
            nhs_number="9990511179",
            registered_by=(
                ("police", "Convicted: actual bodily harm"),
                ("housing_trust", "Household member on the tenancy"),
            ),
        ),
        PersonSpec(
            "c5_ben",
            "Ben",
            "Doyle",
            date_of_birth=date(2012, 2, 9),
            nhs_number="9990512175",
            registered_by=(
                ("police", "Drunk and disorderly; returned home"),
                ("housing_trust", "Household member on the tenancy"),
            ),
        ),
    ),
    relationships=(
        Rel("c5_martin", "c5_tony", "parent", True, "social_care"),
        Rel("c5_clare", "c5_tony", "parent", True, "social_care"),
        Rel("c5_martin", "c5_louise", "parent", True, "social_care"),
        Rel("c5_clare", "c5_louise", "parent", True, "social_care"),
        Rel("c5_clare", "c5_martin", "partner", False, "social_care"),
        Rel("c5_paul", "c5_jordan", "parent", True, "housing_trust"),
        Rel("c5_joanne", "c5_jordan", "parent", True, "housing_trust"),
        Rel("c5_paul", "c5_ellie", "parent", True, "housing_trust"),
        Rel("c5_joanne", "c5_ellie", "parent", True, "housing_trust"),
        Rel("c5_paul", "c5_sam", "parent", True, "housing_trust"),
        Rel("c5_joanne", "c5_sam", "parent", True, "housing_trust"),
        Rel("c5_joanne", "c5_paul", "partner", False, "housing_trust"),
        Rel("c5_karen", "c5_charlie", "parent", True, "housing_trust"),
        Rel("c5_karen", "c5_ben", "parent", True, "housing_trust"),
    ),
    families=(
        FamilySpec(
            "c5_family1",
            "Family 1 (Pryce)",
            "social_care",
            ("c5_martin", "c5_clare", "c5_tony", "c5_louise"),
        ),
        FamilySpec(
            "c5_family2",
            "Family 2 (Carter)",
            "housing_trust",
            ("c5_paul", "c5_joanne", "c5_jordan", "c5_ellie", "c5_sam"),
        ),
        FamilySpec(
            "c5_family3",
            "Family 3 (Doyle)",
            "housing_trust",
            ("c5_karen", "c5_charlie", "c5_ben"),
        ),
    ),
    addresses=(
        AddressSpec("c5_clare", "social_care", "31 Brook Street", TOWN, "ZZ1 3BS"),
        AddressSpec("c5_paul", "housing_trust", "15 Heron Close", TOWN, "ZZ1 5HC"),
        AddressSpec("c5_karen", "housing_trust", "2 Sedge Gardens", TOWN, "ZZ1 5SG"),
    ),
    demo_credentials=("c5_jag_chair", "c5_police_deputy", "c5_connexions_adviser"),
)

# Case 6 -----------------------------------------------------------------------------------------
_C6_AGENCIES = ("hospital", "social_care", "police", "respite_care")
CASE_6 = CaseSpec(
    number=6,
    title="Possible abuse of a disabled child",
    summary=(
        "Helen, seven, with cerebral palsy and little speech, has bruises on admission. Her "
        "mother refuses consent; the consultant overrides it on safeguarding grounds, tells her, "
        "and shares with children's social care and the police."
    ),
    agencies=_C6_AGENCIES,
    practitioners=_staff(
        _C6_AGENCIES,
        (
            "c6_doctor",
            "c6_consultant",
            "c6_social_worker",
            "c6_police_officer",
            "c6_respite_manager",
        ),
    ),
    people=(
        PersonSpec(
            "c6_helen",
            "Helen",
            "Okafor",
            date_of_birth=date(2019, 4, 2),
            nhs_number="9990601178",
            registered_by=(
                ("hospital", "Admitted to the children's ward for leg surgery"),
                ("respite_care", "Short-break respite care"),
            ),
        ),
        PersonSpec(  # Helen's mother; name invented. Her three other children are not modelled.
            "c6_grace",
            "Grace",
            "Okafor",
            date_of_birth=date(1988, 7, 21),
            nhs_number="9990602174",
            registered_by=(("hospital", "Helen's mother"),),
        ),
    ),
    relationships=(Rel("c6_grace", "c6_helen", "parent", True, "hospital"),),
    families=(FamilySpec("c6_family", "Helen's family", "hospital", ("c6_grace", "c6_helen")),),
    competences=(
        CompetenceSpec(
            "c6_helen",
            "hospital",
            "c6_consultant",
            False,
            "gillick",
            REFERENCE_DATE,
            "Aged 7, very little verbal communication: cannot consent to sharing.",
        ),
    ),
    addresses=(AddressSpec("c6_helen", "hospital", "48 Willow Crescent", TOWN, "ZZ1 6WC"),),
    demo_credentials=("c6_consultant", "c6_social_worker"),
)

# Case 7 -----------------------------------------------------------------------------------------
_C7_AGENCIES = ("gu_clinic", "social_care", "police")
CASE_7 = CaseSpec(
    number=7,
    title="Sharing without consent in a case of underage sex",
    summary=(
        "Natasha, who says she is 14, is treated at the GU clinic (Fraser competent) and refuses "
        "to involve her parents. Signs of coercion and violence lead the clinic to refer to "
        "children's social care and the police without her consent; her parents get nothing."
    ),
    agencies=_C7_AGENCIES,
    practitioners=_staff(
        _C7_AGENCIES,
        ("c7_health_practitioner", "c7_named_nurse", "c7_social_worker", "c7_police_officer"),
    ),
    people=(
        # No NHS number: she would not use her GP and may have given a false age and address.
        PersonSpec(
            "c7_natasha",
            "Natasha",
            "Reid",  # invented
            date_of_birth=date(2012, 6, 1),
            date_of_birth_estimated=True,  # "says she is 14"; may be younger
            registered_by=(("gu_clinic", "Attends with symptoms of an STI"),),
        ),
        PersonSpec(  # the text gives only her first name
            "c7_trina",
            "Trina",
            None,
            registered_by=(("gu_clinic", "Friend who came with Natasha"),),
        ),
        PersonSpec(
            "c7_boyfriend",
            None,
            None,
            kind="described",
            description="Natasha's boyfriend; she will not name him. Likely older: works, drives.",
            registered_by=(("gu_clinic", "Natasha's sexual partner; identity unknown"),),
        ),
    ),
    relationships=(
        Rel("c7_boyfriend", "c7_natasha", "partner", False, "gu_clinic"),
        Rel("c7_trina", "c7_natasha", "other", False, "gu_clinic"),  # friend
    ),
    competences=(
        CompetenceSpec(
            "c7_natasha",
            "gu_clinic",
            "c7_health_practitioner",
            True,
            "fraser",
            date(2026, 7, 20),  # her first visit
            "Fraser criteria met for STI treatment (with named nurse); won't involve parents.",
        ),
    ),
    addresses=(
        AddressSpec(
            "c7_natasha", "gu_clinic", "Address as given (may be false)", TOWN, "ZZ1 8AG", True
        ),
    ),
    demo_credentials=("c7_health_practitioner", "c7_named_nurse", "c7_social_worker"),
)

# Case 8 -----------------------------------------------------------------------------------------
C8_BABY_NHS_NUMBER = "9990804176"  # Maggie's baby's, given at birth in the story
_C8_AGENCIES = ("probation", "social_care", "police", "midwifery", "health_visiting", "hospital")
CASE_8 = CaseSpec(
    number=8,
    title="Failure to share information adequately in a child protection case",
    summary=(
        "Maggie, on probation, is pregnant by Mark, known for violence. Historical records held "
        "by several agencies are never brought together and the case is closed without a "
        "follow-up arrangement; the baby later dies."
    ),
    agencies=_C8_AGENCIES,
    practitioners=_staff(
        _C8_AGENCIES,
        (
            "c8_probation_officer",
            "c8_team_manager",
            "c8_social_worker",
            "c8_police_officer",
            "c8_midwife",
            "c8_health_visitor",
            "c8_ed_doctor",
        ),
    ),
    people=(
        PersonSpec(
            "c8_maggie",
            "Maggie",
            "Turner",
            date_of_birth=date(2001, 5, 9),
            nhs_number="9990801177",
            registered_by=(
                ("probation", "Under probation supervision"),
                ("midwifery", "Antenatal care"),
                ("social_care", "Historical: looked after as a child; child on CP register"),
            ),
        ),
        PersonSpec(
            "c8_mark",
            "Mark",
            "Lowe",
            date_of_birth=date(1990, 2, 11),
            nhs_number="9990802173",
            registered_by=(
                ("probation", "Known to probation: violent and abusive behaviour"),
                ("police", "Previous convictions, none against children"),
                ("social_care", "Historical: two of his children on the CP register"),
                ("midwifery", "Father of Maggie's expected baby"),
            ),
        ),
        # No NHS number before birth, so only midwifery registers the baby at the start. The baby
        # is born in the story (app/demo/stories.py::case_8), in time for the story to end before
        # the demo is loaded: the midwife then gives it C8_BABY_NHS_NUMBER.
        PersonSpec(
            "c8_baby",
            None,
            "Turner",
            kind="unborn",
            expected_date=date(2026, 11, 8),
            registered_by=(("midwifery", "Expected baby"),),
        ),
        PersonSpec(  # Maggie's mother; name invented
            "c8_pauline",
            "Pauline",
            "Turner",
            date_of_birth=date(1972, 10, 14),
            registered_by=(
                ("social_care", "Maternal grandmother; cares for Maggie's first child"),
            ),
        ),
        # Maggie's first child, on the CP register for neglect; name invented. Her second child
        # (taken by his father) is not modelled.
        PersonSpec(
            "c8_liam",
            "Liam",
            "Turner",
            date_of_birth=date(2019, 8, 23),
            nhs_number="9990803188",
            registered_by=(
                ("social_care", "Historical: CP register (neglect); lives with grandmother"),
            ),
        ),
    ),
    relationships=(
        # PR for the unborn child takes effect at birth; Mark, unmarried, would gain PR only by
        # being registered on the birth certificate.
        Rel("c8_maggie", "c8_baby", "parent", True, "midwifery"),
        Rel("c8_mark", "c8_baby", "parent", False, "midwifery"),
        Rel("c8_mark", "c8_maggie", "partner", False, "probation"),
        Rel("c8_pauline", "c8_maggie", "parent", False, "social_care"),
        Rel("c8_maggie", "c8_liam", "parent", True, "social_care"),
        Rel("c8_pauline", "c8_liam", "grandparent", True, "social_care"),  # lives with her
    ),
    families=(
        FamilySpec(
            "c8_family",
            "Maggie, Mark and the baby",
            "midwifery",
            ("c8_maggie", "c8_mark", "c8_baby"),
        ),
    ),
    addresses=(
        AddressSpec("c8_maggie", "probation", "12 Orchard Close (her mother's)", TOWN, "ZZ1 2OC"),
        AddressSpec("c8_mark", "probation", "Flat 3, 40 Quarry Road", TOWN, "ZZ1 4QR"),
    ),
    demo_credentials=("c8_probation_officer", "c8_social_worker", "c8_health_visitor"),
)

# Case 9 -----------------------------------------------------------------------------------------
# Member agencies of the family support service (a multi-agency group the loader builds).
FAMILY_SUPPORT_SERVICE_MEMBERS = (
    "family_support_team",
    "adult_mental_health",
    "social_care",
    "health_visiting",
    "riverside_high",
    "oakfield_primary",
    "council_housing",
    "childrens_centre",
)
_C9_AGENCIES = (*FAMILY_SUPPORT_SERVICE_MEMBERS, "police")  # police: Amy's shoplifting
_C9_HOUSE = ("council_housing", "Household member on the tenancy")
CASE_9 = CaseSpec(
    number=9,
    title="Multi-agency working to support a family with multiple needs",
    summary=(
        "Steve refuses consent to a referral; a week later he and Angela sign consent for the "
        "family support service. An index check, a meeting, a plan, a CAF for Amy, Naomi as "
        "lead professional and a review in three months follow."
    ),
    agencies=_C9_AGENCIES,
    practitioners=_staff(
        _C9_AGENCIES,
        (
            "c9_susan",
            "c9_amh_manager",
            "c9_naomi",
            "c9_coordinator",
            "c9_health_visitor",
            "c9_pastoral_manager",
            "c9_housing_officer",
            "c9_social_worker",
            "c9_josh_teacher",
            "c9_police_officer",
        ),
    ),
    people=(
        PersonSpec(
            "c9_steve",
            "Steve",
            "Brown",
            date_of_birth=date(1985, 3, 3),
            nhs_number="9990901171",
            registered_by=(
                ("adult_mental_health", "Receiving treatment; worker Susan"),
                ("council_housing", "Tenant"),
            ),
        ),
        PersonSpec(
            "c9_angela",
            "Angela",
            "Brown",
            date_of_birth=date(1989, 9, 19),
            nhs_number="9990902178",
            registered_by=(
                ("health_visiting", "Mother of Lily"),
                ("council_housing", "Joint tenant"),
            ),
        ),
        PersonSpec(
            "c9_amy",
            "Amy",
            "Brown",
            date_of_birth=date(2015, 1, 28),
            nhs_number="9990903174",
            registered_by=(
                ("riverside_high", "Pupil"),
                ("police", "Caught shoplifting; first offence, no charge"),
                _C9_HOUSE,
            ),
        ),
        PersonSpec(  # the middle child; name and age invented
            "c9_josh",
            "Josh",
            "Brown",
            date_of_birth=date(2019, 6, 10),
            nhs_number="9990904170",
            registered_by=(("oakfield_primary", "Pupil"), _C9_HOUSE),
        ),
        PersonSpec(  # the youngest, 13 months; name invented
            "c9_lily",
            "Lily",
            "Brown",
            date_of_birth=date(2025, 9, 27),
            nhs_number="9990905177",
            registered_by=(("health_visiting", "Child under five"), _C9_HOUSE),
        ),
    ),
    relationships=(
        Rel("c9_angela", "c9_steve", "partner", False, "council_housing"),
        *(
            Rel(parent, child, "parent", True, "council_housing")
            for parent in ("c9_steve", "c9_angela")
            for child in ("c9_amy", "c9_josh", "c9_lily")
        ),
    ),
    families=(
        FamilySpec(
            "c9_family",
            "The Brown family",
            "council_housing",
            ("c9_steve", "c9_angela", "c9_amy", "c9_josh", "c9_lily"),
        ),
    ),
    addresses=(AddressSpec("c9_steve", "council_housing", "9 Canal Row", TOWN, "ZZ1 1CR"),),
    demo_credentials=("c9_susan", "c9_naomi", "c9_coordinator"),
)

# Case 10 ----------------------------------------------------------------------------------------
_C10_AGENCIES = (
    "adult_drug_service",
    "space4me",
    "westgate_school",
    "social_care",
    "childrens_centre",  # the parent support adviser and parenting group
)
CASE_10 = CaseSpec(
    number=10,
    title="Adult drug treatment and children's services supporting a mother and child",
    summary=(
        "Sarah, in drug treatment, agrees to Space 4 Me for her son Ryan. Consent widens step by "
        "step (CAF refused, then agreed); the school shares without consent with Nadine, the "
        "lead professional; lead passes to Eddie, the social worker; review in two months."
    ),
    agencies=_C10_AGENCIES,
    practitioners=_staff(
        _C10_AGENCIES,
        (
            "c10_drug_worker",
            "c10_drug_counsellor",
            "c10_drug_outreach",
            "c10_nadine",
            "c10_eddie",
            "c10_eddie_manager",
            "c10_pastoral_manager",
            "c10_ryan_teacher",
            "c10_school_counsellor",
            "c10_learning_mentor",
            "c10_psa",
        ),
    ),
    people=(
        PersonSpec(
            "c10_sarah",
            "Sarah",
            "Milton",
            date_of_birth=date(1990, 12, 5),
            nhs_number="9991001174",
            registered_by=(
                ("adult_drug_service", "Client: methadone maintenance and counselling"),
                ("westgate_school", "Ryan's mother"),
            ),
        ),
        PersonSpec(
            "c10_ryan",
            "Ryan",
            "Milton",
            date_of_birth=date(2015, 5, 16),
            nhs_number="9991002170",
            registered_by=(
                ("westgate_school", "Pupil"),
                ("adult_drug_service", "Client's son, in her care"),
            ),
        ),
        # Sarah's new boyfriend arrives mid-story: no agency knows him at the start, so the loader
        # does not register him; Space 4 Me does, in the story (app/demo/stories.py).
        PersonSpec(
            "c10_boyfriend",
            None,
            None,
            kind="described",
            description="Sarah's new boyfriend; recently moved in. Ryan does not get on with him.",
            arrives_in_story=True,
        ),
    ),
    relationships=(
        Rel("c10_sarah", "c10_ryan", "parent", True, "westgate_school"),
        # Recorded at Sarah's assessment ("a son, Ryan, in her care"): she speaks for him.
        Rel("c10_sarah", "c10_ryan", "parent", True, "adult_drug_service"),
    ),
    families=(
        FamilySpec("c10_family", "Sarah and Ryan", "westgate_school", ("c10_sarah", "c10_ryan")),
    ),
    addresses=(AddressSpec("c10_ryan", "westgate_school", "27 Mill Street", TOWN, "ZZ1 3MS"),),
    demo_credentials=("c10_nadine", "c10_eddie", "c10_pastoral_manager"),
)

del Rel

CASES: tuple[CaseSpec, ...] = (
    CASE_1,
    CASE_2,
    CASE_3,
    CASE_4,
    CASE_5,
    CASE_6,
    CASE_7,
    CASE_8,
    CASE_9,
    CASE_10,
)

PEOPLE: dict[str, PersonSpec] = {p.key: p for c in CASES for p in c.people}

# ---------------------------------------------------------------------------------------------
# Multi-agency groups (created by an administrator of the chairing agency)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupSpec:
    key: str
    name: str
    kind: str  # app.models.sharing.GroupKind
    chair_key: str
    deputy_key: str | None
    members: tuple[str, ...]  # the chair and deputy are members too
    purposes: tuple[str, ...]  # app.policy.Purpose
    legal_gateway: str  # app.models.sharing.LegalBasis
    agreement: str


GROUPS: dict[str, GroupSpec] = {
    g.key: g
    for g in (
        # Case 5: chaired by the local authority, police as deputy, under s.115.
        GroupSpec(
            "jag",
            "Brackenford Joint Action Group",
            "joint_action_group",
            "la_social_inclusion",
            "police",
            ("probation", "yos", "housing_trust", "connexions"),
            ("crime_and_disorder_reduction",),
            "crime_and_disorder_act_s115",
            "Brackenford JAG information exchange protocol (s.115 Crime and Disorder Act 1998)",
        ),
        # Case 9: the multi-agency family support service; families join it by signed consent.
        GroupSpec(
            "family_support_service",
            "Brackenford Family Support Service",
            "family_support_service",
            "family_support_team",
            None,
            FAMILY_SUPPORT_SERVICE_MEMBERS[1:],
            ("family_support",),
            "children_act_s17",
            "Family support service information sharing policy; each family signs a privacy and "
            "confidentiality statement",
        ),
    )
}

# ---------------------------------------------------------------------------------------------
# Self-checks (run at import; cheap)
# ---------------------------------------------------------------------------------------------


def _nhs_ok(s: str) -> bool:
    """Ten digits whose last is the modulus 11 check digit of the first nine (10 is invalid)."""
    if len(s) != 10 or not s.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(s[:9], range(10, 1, -1), strict=True)) % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(s[9])


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _months(born: date, on: date) -> int:
    return (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)


# Ages the text gives, on REFERENCE_DATE.
_TEXT_AGES = {
    "c2_ben": 3,
    "c3_jenny": 6,
    "c3_jack": 4,
    "c4_jackie": 15,
    "c4_brett": 14,
    "c4_connor": 10,
    "c5_tony": 17,
    "c5_louise": 14,
    "c5_jordan": 14,
    "c5_ellie": 11,
    "c5_sam": 9,
    "c5_charlie": 17,
    "c5_ben": 14,
    "c6_helen": 7,
    "c7_natasha": 14,
    "c9_amy": 11,
    "c10_ryan": 11,
    "c1_oliver": 3,
}
_TEXT_MONTHS = {"c2_jake": 6, "c3_poppy": 12, "c9_lily": 13}


def _check() -> None:
    nhs = [p.nhs_number for p in PEOPLE.values() if p.nhs_number is not None]
    nhs.append(C8_BABY_NHS_NUMBER)
    assert all(n.startswith("999") and _nhs_ok(n) for n in nhs), "invalid NHS number"
    assert len(nhs) == len(set(nhs)), "duplicate NHS number"
    assert sum(len(c.people) for c in CASES) == len(PEOPLE), "duplicate person key"
    assert len(_AGENCY_LIST) == len(AGENCIES), "duplicate agency key"
    assert len(_FRONT_LINE) + 2 * len(AGENCIES) == len(PRACTITIONERS), "duplicate practitioner"
    assert set(_OFFICE_NAMES) == set(AGENCIES)
    names = [s.name for s in PRACTITIONERS.values()]
    assert len(names) == len(set(names)), "duplicate practitioner name"
    for agency in AGENCIES.values():
        assert agency.kind in AGENCY_KINDS and agency.sector in SECTORS, agency.key
        staff = [s for s in PRACTITIONERS.values() if s.agency_key == agency.key]
        assert sum("agency_admin" in s.roles for s in staff) == 1, agency.key
        assert sum("data_protection_officer" in s.roles for s in staff) == 1, agency.key
    for s in PRACTITIONERS.values():
        assert s.agency_key in AGENCIES and s.roles and set(s.roles) <= ROLES, s.key
    for key, years in _TEXT_AGES.items():
        born = PEOPLE[key].date_of_birth
        assert born is not None and _age(born, REFERENCE_DATE) == years, key
    for key, months in _TEXT_MONTHS.items():
        born = PEOPLE[key].date_of_birth
        assert born is not None and _months(born, REFERENCE_DATE) == months, key
    for group in GROUPS.values():
        named = {group.chair_key, *filter(None, [group.deputy_key]), *group.members}
        assert named <= set(AGENCIES), group.key
    for case in CASES:
        agencies = set(case.agencies)
        assert agencies <= set(AGENCIES), case.number
        assert set(case.practitioners) <= set(PRACTITIONERS), case.number
        assert {PRACTITIONERS[k].agency_key for k in case.practitioners} <= agencies, case.number
        assert set(case.demo_credentials) <= set(case.practitioners), case.number
        assert 1 <= len(case.demo_credentials) <= 3, case.number
        mine = {p.key: p for p in case.people}
        # Whoever registers a person needs a front-line practitioner in the case to do it.
        front = {
            PRACTITIONERS[k].agency_key
            for k in case.practitioners
            if "practitioner" in PRACTITIONERS[k].roles
        }
        assert {a for p in case.people for a, _ in p.registered_by} <= front, case.number
        registered = {(p.key, a) for p in case.people for a, _ in p.registered_by}
        for p in case.people:
            assert p.kind in PERSON_KINDS and bool(p.registered_by) != p.arrives_in_story, p.key
            assert {a for a, _ in p.registered_by} <= agencies, p.key
            assert len({a for a, _ in p.registered_by}) == len(p.registered_by), p.key
            # The service links agencies' registrations of one person by NHS number only.
            assert len(p.registered_by) <= 1 or p.nhs_number, p.key
            if p.kind == "unborn":
                assert p.expected_date and p.expected_date > REFERENCE_DATE, p.key
                assert p.date_of_birth is None, p.key
            elif p.kind == "described":
                assert p.description, p.key
            else:
                assert p.given_name or p.family_name, p.key
            if p.date_of_birth is not None:
                assert p.date_of_birth <= REFERENCE_DATE, p.key
        for r in case.relationships:
            assert r.kind in RELATIONSHIP_KINDS and r.person_key != r.related_person_key, r
            assert not r.parental_responsibility or r.kind in PR_KINDS, r
            assert (r.person_key, r.recorded_by_agency_key) in registered, r
            assert (r.related_person_key, r.recorded_by_agency_key) in registered, r
        for f in case.families:
            assert all((m, f.agency_key) in registered for m in f.member_keys), f.key
        for c in case.competences:
            assert (
                c.standard in {"gillick", "fraser"} and (c.person_key, c.agency_key) in registered
            )
            assert PRACTITIONERS[c.assessed_by_key].agency_key == c.agency_key, c
            born = mine[c.person_key].date_of_birth
            assert born is not None and _age(born, c.assessed_on) < 18, c
        for ad in case.addresses:
            assert (ad.person_key, ad.agency_key) in registered, ad
    sensitive = {a.key for a in AGENCIES.values() if a.sensitive_service}
    assert {"gu_clinic", "adult_drug_service", "adult_mental_health"} <= sensitive


_check()
