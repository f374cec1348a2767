"""The REST API under `/api/v1` (bearer tokens or the browser session), documented by OpenAPI at
`/api/v1/openapi.json`. Every operation calls `DeskService`; nothing here touches the database.

Matches are masked in every answer unless `reveal=true` is asked for (reviewers need the value
to judge a finding; a dashboard polling statuses does not)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from .. import __version__
from .auth import current_actor, service_of
from .service import (
    Actor,
    AuditEntry,
    Decision,
    DeskService,
    DraftSummary,
    FindingView,
    SanitisedView,
    Upload,
    VerdictKind,
    VerdictView,
)

router = APIRouter(prefix="/api/v1", tags=["desk"])

ActorDep = Annotated[Actor, Depends(current_actor)]
ServiceDep = Annotated[DeskService, Depends(service_of)]


class Submitted(BaseModel):
    """Ids of the drafts created (`id` is the first, for single-file submissions)."""

    id: str
    ids: list[str]


class DraftStatusOut(BaseModel):
    """A draft's status; when done, its findings and exposures (docs/contracts.md shapes)."""

    id: str
    filename: str
    profile: str | None
    status: str
    stage: str
    progress: int
    error: str | None
    attempts: int
    verdict: str | None
    published: bool
    findings: list[dict[str, Any]] | None = None
    exposures: list[dict[str, Any]] | None = None
    report: dict[str, Any] | None = None
    check: dict[str, Any] | None = None
    decisions: dict[str, dict[str, Any]] | None = None


class DecisionIn(BaseModel):
    """A decision on one finding."""

    decision: Decision
    reason: str = ""


class VerdictIn(BaseModel):
    """The approver's verdict."""

    verdict: VerdictKind
    reasons: str = ""


class TokenIn(BaseModel):
    """A new API token for a user (admins only)."""

    user: str
    name: str = Field(default="api", max_length=64)


class TokenOut(BaseModel):
    """The token, shown once (only its hash is stored)."""

    token: str


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request) -> JSONResponse:
    """The API's OpenAPI document."""
    doc = get_openapi(title="mosaicguard review desk API", version=__version__, routes=request.app.routes,
                      description="Submit drafts, poll their status, decide, sanitise and approve. "
                                  "Authenticate with `Authorization: Bearer <token>` "
                                  "(`mosaicguard tokens create`).")
    doc["paths"] = {p: v for p, v in doc.get("paths", {}).items() if p.startswith("/api/v1/")}
    doc.setdefault("components", {})["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    doc["security"] = [{"bearer": []}]
    return JSONResponse(doc)


@router.post("/drafts", status_code=201, response_model=Submitted)
async def submit(actor: ActorDep, service: ServiceDep, file: Annotated[list[UploadFile], File()],
                 profile: Annotated[str | None, Form()] = None,
                 callback_url: Annotated[str | None, Form()] = None) -> Submitted:
    """Submit one or more drafts (multipart field `file`, repeatable); answers their ids."""
    uploads = []
    limit = service.settings.max_upload_bytes
    for f in file:
        data = await f.read(limit + 1)  # one byte over the limit is enough to refuse it
        uploads.append(Upload(f.filename or "upload", data))
    ids = service.submit(actor, uploads, profile or None, callback_url or None)
    return Submitted(id=ids[0], ids=ids)


@router.get("/drafts")
def list_drafts(actor: ActorDep, service: ServiceDep) -> list[DraftSummary]:
    """Drafts the caller may see, newest first (submitters: their own)."""
    return service.list_drafts(actor)


@router.get("/drafts/{draft_id}", response_model=DraftStatusOut)
def draft_status(actor: ActorDep, service: ServiceDep, draft_id: str,
                 reveal: Annotated[bool, Query(description="unmasked matches")] = False) -> DraftStatusOut:
    """Status of a draft (`queued|running|done|failed`); when done, findings and exposures."""
    d = service.draft(actor, draft_id, unmasked=reveal)
    s = d.summary
    out = DraftStatusOut(id=s.id, filename=s.filename, profile=s.profile, status=s.status, stage=s.stage,
                         progress=s.progress, error=s.error, attempts=s.attempts, verdict=s.verdict,
                         published=s.published)
    if s.status == "done":
        out.report = d.report
        out.check = d.check
        out.findings = [dict(f, path=file.get("path")) for file in (d.report or {}).get("files", [])
                        for f in file.get("findings", [])]
        out.exposures = list(d.exposures)
        out.decisions = {f.id: {"decision": f.decision, "reason": f.reason, "by": f.decided_by}
                         for f in d.findings if f.decision}
    return out


@router.post("/drafts/{draft_id}/retry")
def retry(actor: ActorDep, service: ServiceDep, draft_id: str) -> DraftSummary:
    """Queue a failed draft again."""
    return service.retry(actor, draft_id)


@router.post("/drafts/{draft_id}/findings/{finding_id}/decision")
def decide(actor: ActorDep, service: ServiceDep, draft_id: str, finding_id: str, body: DecisionIn) -> FindingView:
    """Decide on a finding: must_fix, accepted_risk (reason required), false_positive (baseline)."""
    return service.decide(actor, draft_id, finding_id, body.decision, body.reason)


@router.post("/drafts/{draft_id}/sanitise")
def sanitise(actor: ActorDep, service: ServiceDep, draft_id: str) -> SanitisedView:
    """Produce the sanitised copy (re-scanned)."""
    return service.sanitise(actor, draft_id)


@router.get("/drafts/{draft_id}/sanitised", response_class=Response)
def sanitised(actor: ActorDep, service: ServiceDep, draft_id: str) -> Response:
    """Download the sanitised copy."""
    f = service.sanitised_file(actor, draft_id)
    return Response(f.data, media_type=f.media_type,
                    headers={"Content-Disposition": _attachment(f.filename)})


@router.post("/drafts/{draft_id}/verdict")
def verdict(actor: ActorDep, service: ServiceDep, draft_id: str, body: VerdictIn) -> VerdictView:
    """Approve or return the draft (an approver other than the submitter)."""
    return service.verdict(actor, draft_id, body.verdict, body.reasons)


@router.post("/drafts/{draft_id}/publish")
def publish(actor: ActorDep, service: ServiceDep, draft_id: str) -> DraftSummary:
    """Add an approved draft to the public corpus index."""
    return service.publish(actor, draft_id)


@router.get("/drafts/{draft_id}/events")
def events(actor: ActorDep, service: ServiceDep, draft_id: str) -> list[AuditEntry]:
    """The audit events about a draft, oldest first."""
    return service.events(actor, draft_id)


@router.post("/tokens", status_code=201, response_model=TokenOut)
def create_token(actor: ActorDep, service: ServiceDep, body: TokenIn) -> TokenOut:
    """Create an API token for a user (admins only)."""
    return TokenOut(token=service.create_token(body.user, body.name, actor))


def _attachment(name: str) -> str:
    """A Content-Disposition value safe for any file name (RFC 6266 with an ASCII fallback)."""
    from urllib.parse import quote

    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
