"""Subject access: what the caller's agency disclosed about a person, to whom, why, on what
basis."""

import csv
import io
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlmodel import select

from app.deps import DpoDep, PaginationDep, SessionDep
from app.models.sharing import Disclosure, DisclosurePublic
from app.pagination import Page, keyset, make_page
from app.routers.responses import READ_RESPONSES, encoded
from app.services import audit
from app.services.people import own_profile

router = APIRouter(prefix="/disclosures", tags=["disclosures"])


@router.get(
    "",
    response_model=Page[DisclosurePublic],
    responses={
        **READ_RESPONSES,
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
    },
    summary="Who has seen what about a person, and why (data protection officer)",
)
async def list_disclosures(
    session: SessionDep,
    principal: DpoDep,
    page: PaginationDep,
    subject_person_id: Annotated[uuid.UUID, Query()],
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> Page[DisclosurePublic] | Response:
    await own_profile(session, principal, subject_person_id, action="disclosures.read")
    stmt = select(Disclosure).where(
        Disclosure.holder_agency_id == principal.agency_id,
        Disclosure.subject_person_id == subject_person_id,
    )
    rows = list(
        (await session.execute(keyset(stmt, Disclosure.id, page, page.after_uuid()))).scalars()
    )
    await audit.append(
        session,
        principal,
        action="disclosures.read",
        object_type="person",
        object_id=subject_person_id,
        subject_person_id=subject_person_id,
        detail={"format": format, "count": min(len(rows), page.limit)},
    )
    result = make_page(rows, page, DisclosurePublic.model_validate, lambda d: d.id)
    if format == "json":
        return encoded(result)
    out = io.StringIO()
    fields = list(DisclosurePublic.model_fields)
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    for item in result.items:
        writer.writerow(item.model_dump(mode="json"))
    headers = {"Content-Disposition": f'attachment; filename="disclosures-{subject_person_id}.csv"'}
    if result.next_cursor:
        query = f"subject_person_id={subject_person_id}&format=csv&cursor={result.next_cursor}"
        headers["Link"] = f'<?{query}>; rel="next"'
    return Response(out.getvalue(), media_type="text/csv", headers=headers)
