"""The desk's HTML pages: login, drafts list, upload, progress, review (pages with findings drawn,
decisions, exposure graph, sanitise), verdict, record export and the language switch.

Thin by design: every operation is a `DeskService` call; this module only turns requests into
calls and results into templates (plain dataclasses and dicts). Login is enforced by the app's
middleware and CSRF by a router-level dependency (`auth.require_csrf`), so every form here only
has to carry the session's token. No page waits for a scan: uploads answer at once and the
progress page polls a small JSON route from `static/progress.js`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import UploadFile as StarletteUploadFile

from . import auth
from .graph import draft_paths, exposure_views
from .i18n import LANG_COOKIE, LANGS, normalise_lang
from .record import record_html, record_pdf
from .render import page_png as draw_page
from .render import render_document
from .service import (
    DECISIONS,
    Actor,
    AuthFailed,
    Decision,
    DeskService,
    DraftDetail,
    DraftSummary,
    LockedOut,
    ServiceError,
    Upload,
    VerdictKind,
)
from .templating import render_template

router = APIRouter(include_in_schema=False)

STATIC_DIR = Path(__file__).with_name("static")
#: How many drafts one progress page follows (a submission holds at most this many files).
MAX_PROGRESS_IDS = 50

ServiceDep = Annotated[DeskService, Depends(auth.service_of)]
ActorDep = Annotated[Actor, Depends(auth.current_actor)]


def mount_static(app: FastAPI) -> None:
    """Serve `static/` (CSS, JS) from the app itself: nothing comes from a CDN."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


# ---------------------------------------------------------------- helpers


def _lang(request: Request) -> str:
    return normalise_lang(request.cookies.get(LANG_COOKIE))


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    session = auth.current_session(request)
    actor = getattr(request.state, "actor", None)
    html = render_template(
        name, _lang(request),
        csrf_token=session.csrf_token if session else "",
        user=actor,
        path=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        langs=LANGS,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)


def _error(request: Request, exc: ServiceError | str, status_code: int | None = None) -> HTMLResponse:
    """An error page: a sentence in the user's language for the kind of refusal, and the
    service's own message (which names the reason) under it."""
    message = str(exc)
    code = status_code or (exc.status_code if isinstance(exc, ServiceError) else 400)
    summary = {403: "error.forbidden", 404: "error.not_found"}.get(code, "")
    return _page(request, "error.html.j2", status_code=code, message=message, summary=summary)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(target: str | None) -> str:
    """A local path to go back to (never another site: `//host` and `/\\host` are refused)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/drafts"


def _summary_view(s: DraftSummary) -> dict[str, Any]:
    return {
        "id": s.id, "filename": s.filename, "profile": s.profile or "", "status": s.status,
        "progress": s.progress, "stage": s.stage, "submitter": s.submitter,
        "created_at": s.created_at.strftime("%Y-%m-%d %H:%M"), "media_type": s.media_type, "size": s.size,
        "error": s.error or "", "verdict": s.verdict or "", "published": s.published,
        "findings": s.findings, "new_exposures": s.new_exposures, "open_findings": s.open_findings,
    }


def _scanned_file(detail: DraftDetail) -> Mapping[str, Any] | None:
    files = (detail.report or {}).get("files") or []
    return files[0] if files else None


def _raw_findings(detail: DraftDetail) -> list[Mapping[str, Any]]:
    """The main file's findings as the scan reported them (values unmasked: for placing them only)."""
    scanned = _scanned_file(detail)
    return list(scanned.get("findings", [])) if scanned else []


# ---------------------------------------------------------------- login, language


LOGIN_COOKIE = "mg_login"
LOGIN_FIELD = "login_token"


def _login_page(request: Request, error: str = "", status_code: int = 200) -> HTMLResponse:
    """The login form with a double-submit token (there is no session yet to bind a CSRF token
    to): the same random value in a SameSite=Strict cookie and in the form. The browser's token
    is kept while it has one: a second load of the page (another tab, the favicon request
    redirected here) must not invalidate a form already shown."""
    current = request.cookies.get(LOGIN_COOKIE, "")
    token = current if 20 <= len(current) <= 100 and current.replace("-", "").replace("_", "").isalnum() \
        else auth.new_secret()
    response = _page(request, "login.html.j2", status_code=status_code, error=error, login_token=token)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/login",
                        secure=request.app.state.settings.secure_cookies)
    return response


def _login_forged(request: Request, login_token: str | None) -> bool:
    """Whether a login POST must be refused as a cross-site request. A browser always sends
    `Origin` with a POST (`null` under the desk's own no-referrer policy): then the form's token
    must match the SameSite=Strict cookie, which another site's form cannot have, and a named
    origin must be the desk's own. A client with no `Origin` is not a browser acting for someone
    (scripts, the API's tests) and cannot be made to log in unawares."""
    origin = request.headers.get("origin")
    if origin is None and "sec-fetch-site" not in request.headers:
        return False
    if origin not in (None, "null") and urlsplit(origin).netloc != request.headers.get("host", ""):
        return True
    cookie = request.cookies.get(LOGIN_COOKIE)
    return not (login_token and cookie and auth.same(login_token, cookie))


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, lang: str | None = None) -> Response:
    """The login page (public). `?lang=en` switches the language before logging in."""
    if lang:
        response = _redirect("/login")
        response.set_cookie(LANG_COOKIE, normalise_lang(lang), samesite="strict", httponly=True, path="/")
        return response
    return _login_page(request)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, service: ServiceDep, username: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "", login_token: Annotated[str | None, Form()] = None) -> Response:
    """Check the password; on success set the session cookie and go to the drafts. A browser's
    form without the matching token is refused before the password is looked at (login CSRF:
    being logged in to someone else's account unawares; see `_login_forged`)."""
    if _login_forged(request, login_token):
        return _login_page(request, "error.csrf", status_code=403)
    try:
        info = service.login(username.strip(), password, auth.client_ip(request))
    except LockedOut:
        return _login_page(request, "login.locked", status_code=429)
    except AuthFailed:
        return _login_page(request, "login.failed", status_code=401)
    response = _redirect("/drafts")
    settings = request.app.state.settings
    auth.set_session_cookie(response, info, settings.secure_cookies)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, service: ServiceDep) -> Response:
    """End the session."""
    token = request.cookies.get(auth.SESSION_COOKIE)
    if token:
        service.logout(token, auth.client_ip(request))
    response = _redirect("/login")
    auth.clear_session_cookie(response)
    return response


@router.post("/lang")
def switch_language(lang: Annotated[str, Form()] = "zh", next: Annotated[str, Form()] = "/drafts") -> Response:
    """Store the chosen language in a cookie and go back where the user was."""
    response = _redirect(_safe_next(next))
    response.set_cookie(LANG_COOKIE, normalise_lang(lang), samesite="strict", httponly=True, path="/",
                        max_age=365 * 24 * 3600)
    return response


# ---------------------------------------------------------------- drafts, upload, progress


@router.get("/")
def home() -> Response:
    """The drafts list is the start page."""
    return _redirect("/drafts")


@router.get("/drafts", response_class=HTMLResponse)
def drafts(request: Request, service: ServiceDep, actor: ActorDep) -> Response:
    """Own drafts for submitters, every draft for reviewers, approvers and admins."""
    items = [_summary_view(s) for s in service.list_drafts(actor)]
    return _page(request, "drafts.html.j2", drafts=items, mine_only=actor.role == "submitter")


@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request, service: ServiceDep) -> Response:
    """Choose files and the kind of publication."""
    settings = request.app.state.settings
    return _page(request, "upload.html.j2", profiles=service.profiles(), error="",
                 max_files=settings.max_files_per_submit, max_mb=settings.max_upload_bytes // (1024 * 1024))


@router.post("/upload", response_class=HTMLResponse)
async def upload(request: Request, service: ServiceDep, actor: ActorDep) -> Response:
    """Store the drafts and queue their checks; answer at once with the progress page."""
    settings = request.app.state.settings
    # Read from the form itself: a browser sends an empty part (no name, no bytes) when no file
    # was chosen, which is "no file" here rather than a validation error.
    form = await request.form()
    profile = form.get("profile")
    profile = profile if isinstance(profile, str) else ""
    uploads = []
    for item in form.getlist("files"):
        if not isinstance(item, StarletteUploadFile) or not item.filename:
            continue
        # Read one byte over the limit at most: the service refuses it with its own message.
        uploads.append(Upload(filename=item.filename, data=await item.read(settings.max_upload_bytes + 1)))
    if not uploads:
        return _page(request, "upload.html.j2", status_code=400, profiles=service.profiles(), error="upload.none",
                     max_files=settings.max_files_per_submit, max_mb=settings.max_upload_bytes // (1024 * 1024))
    try:
        ids = service.submit(actor, uploads, profile or None)
    except ServiceError as exc:
        return _error(request, exc)
    return _redirect("/progress?ids=" + quote(",".join(ids)))


def _ids(raw: str) -> list[str]:
    return [i for i in raw.split(",") if i][:MAX_PROGRESS_IDS]


@router.get("/progress", response_class=HTMLResponse)
def progress(request: Request, service: ServiceDep, actor: ActorDep, ids: str = "") -> Response:
    """The state of just-submitted drafts; `static/progress.js` refreshes it without blocking."""
    items = []
    for draft_id in _ids(ids):
        try:
            items.append(_summary_view(service.draft(actor, draft_id).summary))
        except ServiceError:
            continue
    return _page(request, "progress.html.j2", drafts=items, ids=",".join(i["id"] for i in items))


@router.get("/progress.json")
def progress_json(service: ServiceDep, actor: ActorDep, ids: str = "") -> JSONResponse:
    """Status, progress and failure reason of drafts, polled by the progress page."""
    out = []
    for draft_id in _ids(ids):
        try:
            s = service.draft(actor, draft_id).summary
        except ServiceError:
            continue
        out.append({"id": s.id, "status": s.status, "progress": s.progress, "stage": s.stage,
                    "error": s.error or "", "findings": s.findings, "new_exposures": s.new_exposures})
    return JSONResponse({"drafts": out})


@router.post("/drafts/{draft_id}/retry")
def retry(request: Request, draft_id: str, service: ServiceDep, actor: ActorDep) -> Response:
    """Queue a failed draft again."""
    try:
        service.retry(actor, draft_id)
    except ServiceError as exc:
        return _error(request, exc)
    return _redirect("/progress?ids=" + quote(draft_id))


# ---------------------------------------------------------------- review


def _finding_rows(detail: DraftDetail, reveal: bool, placed: Mapping[str, str]) -> list[dict[str, Any]]:
    raw = {}
    for file in (detail.report or {}).get("files") or []:
        for f in file.get("findings", []):
            raw[str(f.get("id"))] = f
    rows = []
    for f in detail.findings:
        value = str(raw.get(f.id, {}).get("match", f.match)) if reveal else f.match
        rows.append({
            "id": f.id, "path": f.path, "category": f.category, "severity": f.severity, "layer": f.layer,
            "rule": f.rule, "message": f.message, "match": _short(value, 60), "location": f.location,
            "where": _where(f.location, f.path, detail), "decision": f.decision or "", "reason": f.reason or "",
            "decided_by": f.decided_by or "", "placed": placed.get(f.id, ""), "kind": f.kind,
        })
    # Worst first (a failed redaction before a template path); the scan's order within a severity.
    return sorted(rows, key=lambda r: -_SEVERITY_RANK.get(str(r["severity"]), 0))


_SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1}


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _where(location: Mapping[str, Any], path: str, detail: DraftDetail) -> str:
    bits = []
    if path and path != detail.summary.filename and "!" in path:
        bits.append(path.split("!", 1)[1])
    for key in ("page", "part", "pointer"):
        if location.get(key) is not None:
            bits.append(f"p.{location[key]}" if key == "page" else str(location[key]))
    return " · ".join(bits)


@router.get("/drafts/{draft_id}", response_class=HTMLResponse)
def review(request: Request, draft_id: str, service: ServiceDep, actor: ActorDep, reveal: int = 0,
           msg: str = "") -> Response:
    """The review page: the document with its findings drawn, the findings with decision
    controls, the exposure graph, the sanitised copy and the verdict."""
    try:
        detail = service.draft(actor, draft_id, unmasked=True)
    except ServiceError as exc:
        return _error(request, exc)
    summary = detail.summary
    lang = _lang(request)
    shown = bool(reveal)
    rendering = None
    placed: dict[str, str] = {}
    if summary.status == "done":
        raw = _raw_findings(detail)
        scanned = _scanned_file(detail)
        try:
            original = service.original(actor, draft_id)
        except ServiceError:
            original = None
        if original is not None and scanned is not None:
            marks = raw + _fix_marks(detail)
            rendering = render_document(original.data, str(scanned.get("path")), original.media_type, marks,
                                        reveal=shown)
            for page in rendering.pages:
                for box in page.boxes:
                    placed[box.finding_id] = f"page-{page.number}"
            for i, part in enumerate(rendering.parts):
                for piece in part.pieces:
                    for fid in piece.finding_ids:
                        placed.setdefault(fid, f"part-{i}")
    scanned = _scanned_file(detail)
    drafts_named = draft_paths(detail.check) or ({str(scanned.get("path"))} if scanned else set())
    check_report = {"exposures": list(detail.exposures)} if detail.exposures else None
    exposures = exposure_views(check_report, drafts_named, lang, reveal=shown,
                               display=dict.fromkeys(drafts_named, summary.filename))
    sanitised = None
    if detail.sanitised is not None:
        s = detail.sanitised
        sanitised = {"status": s.status, "error": s.error or "", "filename": s.filename, "size": s.size,
                     "sha256": s.sha256, "residual": len(s.residual), "created_by": s.created_by,
                     "created_at": s.created_at.strftime("%Y-%m-%d %H:%M")}
    verdict = None
    if detail.verdict is not None:
        v = detail.verdict
        verdict = {"verdict": "approved" if v.verdict == "approve" else "returned", "reasons": v.reasons,
                   "by": v.by, "at": v.at.strftime("%Y-%m-%d %H:%M"), "published": v.published}
    findings = _finding_rows(detail, shown, placed)
    return _page(
        request, "review.html.j2",
        draft=_summary_view(summary),
        sha256=str(scanned.get("sha256", "")) if scanned else "",
        scan_status=str(scanned.get("status", "")) if scanned else "",
        scan_error=str(scanned.get("error") or "") if scanned else "",
        rendering=rendering,
        findings=findings,
        elsewhere={i for i in rendering.elsewhere if not i.startswith(FIX_PREFIX)} if rendering else set(),
        exposures=exposures,
        corpus_checked=detail.check is not None,
        notes=list(detail.notes),
        sanitised=sanitised,
        verdict=verdict,
        can_decide=detail.can_decide,
        can_sanitise=detail.can_sanitise,
        can_verdict=detail.can_verdict,
        can_publish=detail.can_publish,
        decisions=DECISIONS,
        reveal=shown,
        msg=msg if msg in _MESSAGES else "",
        undecided=sum(1 for f in findings if not f["decision"]),
    )


FIX_PREFIX = "fix-"


def _fix_marks(detail: DraftDetail) -> list[Mapping[str, Any]]:
    """The minimal fix of each exposure as marks in the draft's text: the words to cut are
    highlighted where they stand (ids `fix-<exposure>-<n>`; the template links them to the graph)."""
    drafts = draft_paths(detail.check)
    marks: list[Mapping[str, Any]] = []
    for i, exposure in enumerate(detail.exposures):
        for j, fix in enumerate(exposure.get("minimal_fix", [])):
            if drafts and str(fix.get("doc")) not in drafts:
                continue
            marks.append({"id": f"{FIX_PREFIX}{i}-{j}", "category": "exposure",
                          "severity": str(exposure.get("severity", "high")), "match": str(fix.get("value", "")),
                          "layer": "body", "location": dict(fix.get("location") or {})})
    return marks


#: Messages a redirect may ask the review page to show (catalogue keys only: nothing typed).
_MESSAGES = frozenset({"review.decided", "review.reason_required", "review.published"})


@router.get("/drafts/{draft_id}/pages/{number}.png")
def page_image(draft_id: str, number: int, service: ServiceDep, actor: ActorDep, reveal: int = 0) -> Response:
    """Page `number` of the draft with its findings framed (filled, i.e. masked, by default)."""
    try:
        detail = service.draft(actor, draft_id, unmasked=True)
        original = service.original(actor, draft_id)
    except ServiceError as exc:
        return Response(str(exc), status_code=exc.status_code, media_type="text/plain")
    try:
        png = draw_page(original.data, original.media_type, number, _raw_findings(detail), reveal=bool(reveal))
    except ValueError as exc:
        return Response(str(exc), status_code=404, media_type="text/plain")
    return Response(png, media_type="image/png")


_DECISION_OF: dict[str, Decision] = {d: d for d in DECISIONS}


def _decisions_from(form: Mapping[str, Any], finding_ids: Sequence[str]) -> list[tuple[str, Decision, str]]:
    out = []
    for fid in finding_ids:
        raw = form.get(f"decision-{fid}")
        decision = _DECISION_OF.get(raw) if isinstance(raw, str) else None
        if decision is not None:
            reason = form.get(f"reason-{fid}")
            out.append((fid, decision, reason.strip() if isinstance(reason, str) else ""))
    return out


@router.post("/drafts/{draft_id}/decisions")
async def decide(request: Request, draft_id: str, service: ServiceDep, actor: ActorDep) -> Response:
    """Record the decisions chosen on the review page (only those that changed)."""
    form = await request.form()
    try:
        detail = service.draft(actor, draft_id)
    except ServiceError as exc:
        return _error(request, exc)
    current = {f.id: (f.decision or "", f.reason or "") for f in detail.findings}
    chosen = _decisions_from(form, list(current))
    missing_reason = False
    try:
        for fid, decision, reason in chosen:
            if current.get(fid) == (decision, reason):
                continue
            if decision == "accepted_risk" and not reason:
                missing_reason = True  # the service refuses it too; say so in the user's language
                continue
            service.decide(actor, draft_id, fid, decision, reason)
    except ServiceError as exc:
        return _error(request, exc)
    msg = "review.reason_required" if missing_reason else "review.decided"
    return _redirect(f"/drafts/{quote(draft_id)}?msg={msg}#findings")


@router.post("/drafts/{draft_id}/sanitise")
def sanitise(request: Request, draft_id: str, service: ServiceDep, actor: ActorDep) -> Response:
    """Make the sanitised copy (re-scanned by the service)."""
    try:
        service.sanitise(actor, draft_id)
    except ServiceError as exc:
        return _error(request, exc)
    return _redirect(f"/drafts/{quote(draft_id)}#sanitised")


@router.get("/drafts/{draft_id}/sanitised")
def download_sanitised(request: Request, draft_id: str, service: ServiceDep, actor: ActorDep) -> Response:
    """Download the sanitised copy."""
    try:
        stored = service.sanitised_file(actor, draft_id)
    except ServiceError as exc:
        return _error(request, exc)
    return Response(stored.data, media_type=stored.media_type or "application/octet-stream",
                    headers={"Content-Disposition": _attachment(stored.filename)})


@router.post("/drafts/{draft_id}/verdict")
def verdict(request: Request, draft_id: str, service: ServiceDep, actor: ActorDep,
            verdict: Annotated[str, Form()] = "", reasons: Annotated[str, Form()] = "") -> Response:
    """Approve or return the draft (an approver other than the submitter)."""
    kind: VerdictKind
    if verdict == "approve":
        kind = "approve"
    elif verdict == "return":
        kind = "return"
    else:
        return _error(request, "verdict must be approve or return", 400)
    try:
        service.verdict(actor, draft_id, kind, reasons.strip())
    except ServiceError as exc:
        return _error(request, exc)
    return _redirect(f"/drafts/{quote(draft_id)}#verdict")


@router.post("/drafts/{draft_id}/publish")
def publish(request: Request, draft_id: str, service: ServiceDep, actor: ActorDep) -> Response:
    """Add the approved draft to the public corpus index."""
    try:
        service.publish(actor, draft_id)
    except ServiceError as exc:
        return _error(request, exc)
    return _redirect(f"/drafts/{quote(draft_id)}?msg=review.published#verdict")


# ---------------------------------------------------------------- record export


def _attachment(filename: str) -> str:
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in filename) or "download"
    return f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(filename)}"


@router.get("/drafts/{draft_id}/record.{fmt}")
def record(request: Request, draft_id: str, fmt: str, service: ServiceDep, actor: ActorDep,
           lang: str | None = None) -> Response:
    """The review record as a self-contained HTML file or a PDF, in the page's language (or `?lang=`)."""
    if fmt not in ("html", "pdf"):
        return _error(request, "record formats: html, pdf", 404)
    language = normalise_lang(lang) if lang else _lang(request)
    try:
        rec = service.record(actor, draft_id)
        raw = _raw_findings(service.draft(actor, draft_id, unmasked=True))
        original = service.original(actor, draft_id)
    except ServiceError as exc:
        return _error(request, exc)
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    name = f"review-record-{draft_id}-{stamp}-{language}.{fmt}"
    if fmt == "html":
        body = record_html(rec, language, original, raw).encode("utf-8")
        media = "text/html; charset=utf-8"
    else:
        body = record_pdf(rec, language, original, raw)
        media = "application/pdf"
    return Response(body, media_type=media, headers={"Content-Disposition": _attachment(name)})
