"""Every business operation of the review desk, as library functions.

The web pages (`web.py`), the REST API (`api.py`), the CLI (`cli/desk.py`) and the worker call
these; nothing else touches the database for business operations. Results are plain frozen
dataclasses (never ORM objects), so templates and JSON encoders can use them directly.

Scanning, sanitising, the draft-vs-corpus check and the fingerprint registry are the package's
own (`pipeline`, `sanitize.run`, `aggregate.engine`, `fingerprint.detector`): no second
implementation here.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import mimetypes
import os
import re
import urllib.error
import urllib.request
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import __version__
from ..detect.engine import Engine
from ..extract.base import Limits
from ..extract.registry import SNIFF_BYTES, sniff_suffix, supported_suffixes
from ..model import ScanReport, Severity
from ..pipeline import InputFile, ScanOptions, build_engine, scan_one
from ..policy.decide import Suppressor, load_baseline
from ..policy.load import load_policy
from ..policy.schema import Policy
from ..report.json_report import JsonReporter
from ..sanitize.run import _Run, sanitize_one
from . import audit
from .auth import burn_time, digest, hash_password, new_secret, verify_password
from .db import make_engine, session_factory, transaction
from .models import (
    ApiToken,
    AuditEvent,
    Draft,
    FindingDecision,
    Job,
    LoginAttempt,
    SanitisedCopy,
    User,
    Verdict,
    WebSession,
)
from .settings import DeskSettings

Role = Literal["submitter", "reviewer", "approver", "admin"]
ROLES: tuple[Role, ...] = ("submitter", "reviewer", "approver", "admin")
DraftStatus = Literal["queued", "running", "done", "failed"]
Decision = Literal["must_fix", "accepted_risk", "false_positive"]
DECISIONS: tuple[Decision, ...] = ("must_fix", "accepted_risk", "false_positive")
VerdictKind = Literal["approve", "return"]


# ---------------------------------------------------------------- errors (mapped to HTTP by callers)


class ServiceError(Exception):
    """Base of the errors a caller shows to the user; `str(exc)` is a clear message."""

    status_code = 400


class NotFound(ServiceError):
    """No such draft/finding/user, or one the actor may not see (never says which)."""

    status_code = 404


class Forbidden(ServiceError):
    """The actor's role or relation to the draft does not allow this action."""

    status_code = 403


class InvalidInput(ServiceError):
    """A refused request: bad field, missing reason, refused upload (size, count, type, zip bomb)."""

    status_code = 400


class UploadRefused(InvalidInput):
    """An upload refused before it was stored (too large, too many files, lying extension, bomb)."""

    status_code = 413


class Conflict(ServiceError):
    """The draft is not in a state that allows this (e.g. a verdict before the scan is done)."""

    status_code = 409


class AuthFailed(ServiceError):
    """Wrong user name or password (never says which)."""

    status_code = 401


class LockedOut(AuthFailed):
    """Too many failed logins: the account is locked for a while."""

    status_code = 429


# ---------------------------------------------------------------- views handed to callers


@dataclass(frozen=True)
class Actor:
    """Who is acting, and from where (recorded in the audit log)."""

    user_id: int
    username: str
    role: Role
    ip: str | None = None
    via: Literal["session", "token", "cli"] = "session"


@dataclass(frozen=True)
class UserView:
    """A desk account (never its password hash)."""

    id: int
    username: str
    role: Role
    active: bool = True


@dataclass(frozen=True)
class SessionInfo:
    """A logged-in browser session: the user and the CSRF token its forms must carry."""

    token: str  # the cookie value (only its hash is stored)
    csrf_token: str
    user: UserView
    expires_at: datetime


@dataclass(frozen=True)
class Upload:
    """One uploaded file as received: its name is for display only and never reaches the disk."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class DraftSummary:
    """A line of the drafts list."""

    id: str
    filename: str  # as uploaded, for display only
    profile: str | None
    status: DraftStatus
    progress: int  # 0-100
    stage: str  # "queued", "scan", "registry", "check", "done", "failed"
    submitter: str
    created_at: datetime
    media_type: str
    size: int
    error: str | None = None  # why a failed job failed
    attempts: int = 0
    verdict: VerdictKind | None = None
    published: bool = False
    findings: int = 0  # reported findings (after suppression)
    new_exposures: int = 0
    open_findings: int = 0  # findings without a decision yet


@dataclass(frozen=True)
class FindingView:
    """A finding of the draft's scan with the reviewer's decision. `match` is masked; the
    unmasked value is only in `DraftDetail.report` for callers that ask for it."""

    id: str
    path: str  # file path in the report (`draft.docx`, `draft.zip!inner.txt`)
    category: str
    severity: str
    confidence: float
    layer: str
    rule: str
    message: str
    match: str  # masked
    location: dict[str, Any]
    kind: Literal["scan", "fingerprint"] = "scan"
    decision: Decision | None = None
    reason: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True)
class SanitisedView:
    """The sanitised copy of a draft and the re-scan of that copy."""

    status: str  # sanitized | error | unsupported (sanitize.run.FileOutcome.status)
    error: str | None
    filename: str  # suggested download name (generated from the draft id and kind)
    size: int
    sha256: str
    actions: tuple[dict[str, Any], ...]
    residual: tuple[dict[str, Any], ...]  # findings left in the copy (masked)
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class VerdictView:
    """The approver's verdict on a draft."""

    verdict: VerdictKind
    reasons: str
    by: str
    at: datetime
    published: bool = False


@dataclass(frozen=True)
class AuditEntry:
    """One row of the audit log as shown to people (before/after are JSON objects)."""

    id: int
    ts: datetime
    actor: str
    action: str
    target: str
    ip: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    hash: str


@dataclass(frozen=True)
class DraftDetail:
    """Everything the review page needs about one draft.

    `report` is the scan report JSON (docs/contracts.md shape, masked unless asked otherwise);
    `exposures` the `check` report's exposures of this draft; `check` the whole check report
    (entities, minimal_fix, repeats_public) when the check ran.
    """

    summary: DraftSummary
    findings: tuple[FindingView, ...]
    exposures: tuple[dict[str, Any], ...]
    report: dict[str, Any] | None
    check: dict[str, Any] | None
    notes: tuple[str, ...] = ()
    sanitised: SanitisedView | None = None
    verdict: VerdictView | None = None
    callback_url: str | None = None
    can_decide: bool = False
    can_sanitise: bool = False
    can_verdict: bool = False
    can_publish: bool = False


@dataclass(frozen=True)
class StoredFile:
    """Bytes of a stored file with a safe download name and its media type."""

    data: bytes
    filename: str
    media_type: str


@dataclass(frozen=True)
class ReviewRecord:
    """The per-draft review record for inspectors (rendered by `record.py`)."""

    detail: DraftDetail
    events: tuple[AuditEntry, ...]
    chain_intact: bool
    chain_message: str
    generated_at: datetime
    generated_by: str
    tool_version: str
    policy: str | None
    extra: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- uploads: type by content


# Suffixes that name the same kind of content (a file may be called by any of its kind's names).
_KINDS: dict[str, frozenset[str]] = {
    ".pdf": frozenset({".pdf"}),
    ".png": frozenset({".png"}),
    ".jpg": frozenset({".jpg", ".jpeg"}),
    ".tif": frozenset({".tif", ".tiff"}),
    ".gif": frozenset({".gif"}),
    ".jxl": frozenset({".jxl"}),
    ".doc": frozenset({".doc", ".xls", ".ppt", ".wps", ".et", ".dps", ".msg"}),
    ".mp3": frozenset({".mp3"}),
    ".flac": frozenset({".flac"}),
    ".ogg": frozenset({".ogg", ".oga", ".opus"}),
    ".mkv": frozenset({".mkv", ".webm"}),
    ".wmv": frozenset({".wmv", ".asf", ".wma"}),
    ".torrent": frozenset({".torrent"}),
    ".wav": frozenset({".wav"}),
    ".avi": frozenset({".avi"}),
    ".aiff": frozenset({".aiff", ".aif"}),
    ".heic": frozenset({".heic", ".heif", ".avif"}),
    ".mp4": frozenset({".mp4", ".m4v", ".mov", ".3gp", ".m4a"}),
    ".m4a": frozenset({".m4a", ".mp4"}),
    ".ppm": frozenset({".ppm", ".pgm", ".pbm", ".pnm"}),
    ".svg": frozenset({".svg"}),
    ".docx": frozenset({".docx", ".docm", ".zip"}),
    ".xlsx": frozenset({".xlsx", ".xlsm", ".zip"}),
    ".pptx": frozenset({".pptx", ".pptm", ".zip"}),
    ".odt": frozenset({".odt", ".ods", ".odp", ".odg", ".zip"}),
    ".epub": frozenset({".epub", ".zip"}),
    ".ofd": frozenset({".ofd", ".zip"}),
    ".zip": frozenset({".zip"}),
    ".txt": frozenset({".txt", ".md", ".log", ".htm", ".html", ".xhtml", ".csv", ".tsv", ".json", ".jsonl",
                       ".ndjson", ".eml", ".css", ".dxf"}),
}
_KIND_NAMES = {".doc": "a legacy Office/WPS (OLE) file", ".docx": "a Word document (docx)",
               ".xlsx": "an Excel workbook (xlsx)", ".pptx": "a PowerPoint deck (pptx)",
               ".odt": "an OpenDocument file", ".txt": "plain text", ".zip": "a zip archive",
               ".pdf": "a PDF", ".jpg": "a JPEG image", ".png": "a PNG image"}


def _zip_kind(data: bytes) -> str:
    """Which zip-based format: by the members that define each (not by the name)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype")[:80] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, RuntimeError, ValueError) as exc:
        raise UploadRefused(f"damaged zip container: {exc}") from None
    if "[Content_Types].xml" in names:
        for prefix, kind in (("word/", ".docx"), ("xl/", ".xlsx"), ("ppt/", ".pptx")):
            if any(n.startswith(prefix) for n in names):
                return kind
    if mimetype.startswith(b"application/epub+zip"):
        return ".epub"
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        return ".odt"
    if "OFD.xml" in names:
        return ".ofd"
    return ".zip"


def sniff_kind(data: bytes) -> str | None:
    """The kind of `data` by its content (the package's own magic tables, `extract/registry.py`),
    as the canonical suffix of `_KINDS`; None when it is no kind the desk reads."""
    sniffed = sniff_suffix(data[:SNIFF_BYTES])
    if sniffed in (".zip", ".epub"):
        return _zip_kind(data)  # which Office/ODF/OFD/EPUB package, from its member names
    return sniffed


def checked_suffix(filename: str, data: bytes) -> str:
    """The suffix to store an upload under: its own when the content is of that kind, the
    sniffed one when the name has none. Raises UploadRefused for a lying extension or content
    of no kind the desk reads."""
    kind = sniff_kind(data)
    dot = filename.rfind(".")
    claimed = filename[dot:].lower() if dot > 0 else ""
    if kind is None:
        raise UploadRefused(f"{safe_name(filename)}: the content is not a kind of file mosaicguard reads "
                            "(type sniffed from the content, not the name)")
    allowed = _KINDS.get(kind, frozenset({kind}))
    if not claimed or claimed not in supported_suffixes():
        if claimed and claimed not in allowed:
            raise UploadRefused(f"{safe_name(filename)}: the name ends in {claimed}, an unsupported kind, but the "
                                f"content is {_KIND_NAMES.get(kind, kind)}; rename it")
        return kind
    if claimed not in allowed:
        raise UploadRefused(f"{safe_name(filename)}: the name says {claimed} but the content is "
                            f"{_KIND_NAMES.get(kind, kind.lstrip('.'))} (the extension lies); refused")
    return claimed


def check_zip_bomb(filename: str, data: bytes, settings: DeskSettings) -> None:
    """Refuse a zip container that would expand beyond the limits (zip bombs)."""
    if not data.startswith(b"PK\x03\x04"):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise UploadRefused(f"{safe_name(filename)}: damaged zip container: {exc}") from None
    if len(infos) > Limits().max_archive_members:
        raise UploadRefused(f"{safe_name(filename)}: {len(infos)} members in the container, over the limit "
                            f"of {Limits().max_archive_members} (zip bomb?)")
    total = sum(i.file_size for i in infos)
    if total > settings.max_expanded_bytes:
        raise UploadRefused(f"{safe_name(filename)}: would expand to {total} bytes, over the limit of "
                            f"{settings.max_expanded_bytes} (zip bomb?)")
    for info in infos:
        # Small members compress far by nature; the ratio matters once a member is large.
        if info.file_size > 1_000_000 and info.file_size > settings.max_compression_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise UploadRefused(f"{safe_name(filename)}: a member expands {ratio} times, over the limit of "
                                f"{settings.max_compression_ratio:.0f} (zip bomb?)")


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def safe_name(filename: str) -> str:
    """An uploaded name fit for display and reports: its last path component, control and path
    characters replaced, at most 120 characters. It is never used as a path on disk."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .") or "upload"
    return cleaned[-120:]


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between the desk's processes (baseline file, corpus index)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
_READ_ALL: frozenset[str] = frozenset({"reviewer", "approver", "admin"})
_DECIDERS: frozenset[str] = frozenset({"reviewer", "approver", "admin"})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuses every redirect of a verdict callback (it would leave the allowed hosts)."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> urllib.request.Request | None:
        return None


class DeskService:
    """The desk's operations over one database and data folder.

    Create one per process (`DeskService(settings)`); it is safe to share between threads.
    Every method that changes something writes an audit row in the same transaction.
    """

    def __init__(self, settings: DeskSettings) -> None:
        self.settings = settings
        self.engine = make_engine(settings.db_url)
        self.factory = session_factory(self.engine)  # reads
        self.write_factory = session_factory(self.engine, write=True)
        self._policy: Policy | None = None

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def tx(self) -> AbstractContextManager[Session]:
        """A writing session in one transaction (committed on success)."""
        return transaction(self.write_factory)

    # ---- accounts and sessions

    def add_user(self, username: str, password: str, role: Role, actor: Actor | None = None) -> UserView:
        """Create an account (password hashed with argon2id). Raises InvalidInput if the name is
        taken, the role unknown or the password shorter than 10 characters."""
        if actor is not None and actor.role != "admin":
            raise Forbidden("only an admin can add users")
        username = username.strip()
        if not re.fullmatch(r"[\w.@-]{1,64}", username):
            raise InvalidInput("user names are 1-64 letters, digits, '.', '_', '-' or '@'")
        if role not in ROLES:
            raise InvalidInput(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        if len(password) < 10:
            raise InvalidInput("the password must have at least 10 characters")
        with self.tx() as s:
            if s.execute(select(User.id).where(User.username == username)).first() is not None:
                raise InvalidInput(f"user {username!r} exists already")
            hashed = hash_password(password, self.settings.argon2_time_cost, self.settings.argon2_memory_kib)
            user = User(username=username, password_hash=hashed, role=role, active=True, created_at=_now())
            s.add(user)
            s.flush()
            audit.append(s, actor.username if actor else "cli", "user.add", f"user:{username}",
                         actor.ip if actor else None, None, {"username": username, "role": role})
            return UserView(user.id, user.username, role)

    def login(self, username: str, password: str, ip: str | None) -> SessionInfo:
        """Check a password and open a session. Raises AuthFailed, or LockedOut after 5 failures
        in 15 minutes (for 15 minutes)."""
        now = _now()
        name = username[:64]
        with self.factory() as s:  # read, then check the password outside any transaction
            last_ok = s.execute(select(func.max(LoginAttempt.ts)).where(
                LoginAttempt.username == name, LoginAttempt.success.is_(True))).scalar()
            since = now - LOCKOUT_WINDOW
            if last_ok is not None and _aware(last_ok) > since:
                since = _aware(last_ok)
            failures = s.execute(select(func.count(LoginAttempt.id)).where(
                LoginAttempt.username == name, LoginAttempt.success.is_(False),
                LoginAttempt.ts > since)).scalar() or 0
            user = s.execute(select(User).where(User.username == name)).scalar_one_or_none()
        locked = failures >= LOCKOUT_FAILURES
        if locked or user is None:
            # Same time as a real check: neither a lock nor an unknown name answers faster.
            burn_time(password, self.settings.argon2_time_cost, self.settings.argon2_memory_kib)
            ok = False
        else:
            ok = user.active and verify_password(user.password_hash, password)
        with self.tx() as s:
            s.add(LoginAttempt(username=name, ip=ip, ts=now, success=ok))
            action = "login.locked" if locked else "login.ok" if ok else "login.failed"
            audit.append(s, name, action, f"user:{name}", ip)
            if ok and user is not None:
                token, csrf = new_secret(), new_secret()
                expires = now + timedelta(hours=self.settings.session_hours)
                s.add(WebSession(token_hash=digest(token), csrf_token=csrf, user_id=user.id, created_at=now,
                                 expires_at=expires, revoked=False))
                return SessionInfo(token, csrf, UserView(user.id, user.username, _role(user.role)), expires)
        if locked:
            raise LockedOut("too many failed logins: this account is locked for 15 minutes")
        raise AuthFailed("wrong user name or password")

    def session(self, token: str) -> SessionInfo | None:
        """The live session of a cookie value, or None (unknown, expired or logged out)."""
        with self.factory() as s:
            row = s.execute(select(WebSession, User).join(User, User.id == WebSession.user_id).where(
                WebSession.token_hash == digest(token))).first()
            if row is None:
                return None
            sess, user = row
            if sess.revoked or not user.active or _aware(sess.expires_at) <= _now():
                return None
            return SessionInfo(token, sess.csrf_token, UserView(user.id, user.username, _role(user.role)),
                               _aware(sess.expires_at))

    def logout(self, token: str, ip: str | None = None) -> None:
        """End a session."""
        with self.tx() as s:
            sess = s.execute(select(WebSession).where(WebSession.token_hash == digest(token))).scalar_one_or_none()
            if sess is not None and not sess.revoked:
                sess.revoked = True
                user = s.get(User, sess.user_id)
                name = user.username if user else "?"
                audit.append(s, name, "logout", f"user:{name}", ip)

    def actor_for_token(self, bearer: str, ip: str | None) -> Actor | None:
        """The actor of an API bearer token, or None."""
        with self.factory() as s:
            row = s.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id).where(
                ApiToken.token_hash == digest(bearer))).first()
            if row is None:
                return None
            tok, user = row
            if tok.revoked or not user.active:
                return None
            return Actor(user.id, user.username, _role(user.role), ip, "token")

    def create_token(self, username: str, name: str = "api", actor: Actor | None = None) -> str:
        """A new API bearer token for `username` (stored hashed; shown once). With an actor, the
        actor must be an admin."""
        if actor is not None and actor.role != "admin":
            raise Forbidden("only an admin can create API tokens")
        token = "mgd_" + new_secret()
        with self.tx() as s:
            user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
            if user is None:
                raise NotFound(f"no user {username!r}")
            s.add(ApiToken(token_hash=digest(token), name=name[:64], user_id=user.id, created_at=_now(),
                           revoked=False))
            audit.append(s, actor.username if actor else "cli", "token.create", f"user:{username}",
                         actor.ip if actor else None, None, {"name": name[:64]})
        return token

    def list_users(self, actor: Actor) -> list[UserView]:
        """Every account (admins only)."""
        if actor.role != "admin":
            raise Forbidden("only an admin can list users")
        with self.factory() as s:
            users = s.execute(select(User).order_by(User.username)).scalars()
            return [UserView(u.id, u.username, _role(u.role), u.active) for u in users]

    # ---- drafts

    def policy(self) -> Policy:
        """The desk's policy (the built-in default without `--policy`)."""
        if self._policy is None:
            self._policy = load_policy(self.settings.policy_path)
        return self._policy

    def profiles(self) -> list[str]:
        """Profiles a submitter may choose (those of the policy)."""
        return sorted(self.policy().profiles)

    def submit(self, actor: Actor, uploads: list[Upload], profile: str | None = None,
               callback_url: str | None = None) -> list[str]:
        """Store uploads (by generated id, type sniffed from content) and queue a job for each;
        returns the draft ids. Raises UploadRefused (size, count, lying extension, zip bomb,
        unreadable type) before anything is stored."""
        st = self.settings
        if not uploads:
            raise InvalidInput("no file was uploaded")
        if len(uploads) > st.max_files_per_submit:
            raise UploadRefused(f"{len(uploads)} files in one submission, over the limit of "
                                f"{st.max_files_per_submit}")
        profile = profile or None
        if profile is not None and profile not in self.policy().profiles:
            known = ", ".join(self.profiles()) or "none defined in the policy"
            raise InvalidInput(f"unknown profile {profile!r} (profiles: {known})")
        if callback_url:
            self._check_callback(callback_url)
        checked: list[tuple[Upload, str]] = []
        for up in uploads:
            if len(up.data) > st.max_upload_bytes:
                raise UploadRefused(f"{safe_name(up.filename)}: {len(up.data)} bytes, over the upload limit of "
                                    f"{st.max_upload_bytes} bytes")
            if not up.data:
                raise UploadRefused(f"{safe_name(up.filename)}: the file is empty")
            suffix = checked_suffix(up.filename, up.data)
            check_zip_bomb(up.filename, up.data, st)
            checked.append((up, suffix))
        st.ensure_dirs()
        ids: list[str] = []
        written: list[Path] = []
        try:
            with self.tx() as s:
                for up, suffix in checked:
                    draft_id = uuid.uuid4().hex
                    target = st.uploads_dir / f"{draft_id}{suffix}"
                    _write_private(target, up.data)
                    written.append(target)
                    now = _now()
                    name = safe_name(up.filename)
                    media = mimetypes.guess_type(f"x{suffix}")[0] or "application/octet-stream"
                    s.add(Draft(id=draft_id, submitter_id=actor.user_id, filename=name, suffix=suffix,
                                media_type=media, size=len(up.data), sha256=hashlib.sha256(up.data).hexdigest(),
                                profile=profile, callback_url=callback_url or None, status="queued", stage="queued",
                                progress=0, published=False, created_at=now, updated_at=now))
                    s.flush()
                    s.add(Job(draft_id=draft_id, status="queued", attempts=0, created_at=now))
                    audit.append(s, actor.username, "draft.submit", f"draft:{draft_id}", actor.ip, None,
                                 {"filename": name, "size": len(up.data), "sha256": hashlib.sha256(up.data).hexdigest(),
                                  "profile": profile, "kind": suffix, "via": actor.via})
                    ids.append(draft_id)
        except BaseException:
            for path in written:  # nothing stored without its row
                path.unlink(missing_ok=True)
            raise
        return ids

    def _visible(self, s: Session, actor: Actor, draft_id: str) -> Draft:
        draft = s.get(Draft, draft_id) if re.fullmatch(r"[0-9a-f]{32}", draft_id or "") else None
        if draft is None or (actor.role not in _READ_ALL and draft.submitter_id != actor.user_id):
            raise NotFound("no such draft")
        return draft

    def list_drafts(self, actor: Actor) -> list[DraftSummary]:
        """Drafts the actor may see, newest first (submitters: their own only)."""
        with self.factory() as s:
            stmt = select(Draft).order_by(Draft.created_at.desc(), Draft.id)
            if actor.role not in _READ_ALL:
                stmt = stmt.where(Draft.submitter_id == actor.user_id)
            return [self._summary(s, d) for d in s.execute(stmt).scalars()]

    def _summary(self, s: Session, d: Draft) -> DraftSummary:
        submitter = s.get(User, d.submitter_id)
        job = s.execute(select(Job).where(Job.draft_id == d.id)).scalar_one_or_none()
        verdict = s.execute(select(Verdict).where(Verdict.draft_id == d.id)).scalar_one_or_none()
        findings = _scan_findings(_loads(d.report_json))
        decided = set(s.execute(select(FindingDecision.finding_id).where(FindingDecision.draft_id == d.id)).scalars())
        check = _loads(d.check_json)
        new_exposures = sum(1 for e in (check or {}).get("exposures", []) if e.get("new"))
        return DraftSummary(
            id=d.id, filename=d.filename, profile=d.profile, status=_status(d.status), progress=d.progress,
            stage=d.stage, submitter=submitter.username if submitter else "?", created_at=_aware(d.created_at),
            media_type=d.media_type, size=d.size, error=d.error, attempts=job.attempts if job else 0,
            verdict=_verdict_kind(verdict.verdict) if verdict else None, published=d.published,
            findings=len(findings), new_exposures=new_exposures,
            open_findings=sum(1 for f in findings if f["id"] not in decided))

    def draft(self, actor: Actor, draft_id: str, unmasked: bool = False) -> DraftDetail:
        """One draft with findings, exposures, decisions, sanitised copy and verdict.
        Raises NotFound (also for a draft the actor may not see)."""
        with self.factory() as s:
            d = self._visible(s, actor, draft_id)
            summary = self._summary(s, d)
            report = _loads(d.report_json if unmasked else d.report_masked_json)
            masked = _loads(d.report_masked_json)
            check = _loads(d.check_json if unmasked else d.check_masked_json)
            decisions = {fd.finding_id: fd for fd in s.execute(
                select(FindingDecision).where(FindingDecision.draft_id == d.id)).scalars()}
            names = {u.id: u.username for u in s.execute(select(User)).scalars()}
            findings = []
            for f in _scan_findings(masked):
                fd = decisions.get(f["id"])
                findings.append(FindingView(
                    id=f["id"], path=f["_path"], category=f["category"], severity=f["severity"],
                    confidence=float(f.get("confidence", 0.0)), layer=f["layer"], rule=f["rule"],
                    message=f.get("message", ""), match=f.get("match", ""), location=f.get("location", {}),
                    kind="fingerprint" if f["category"] == "fingerprint" else "scan",
                    decision=_decision(fd.decision) if fd else None, reason=fd.reason if fd else None,
                    decided_by=names.get(fd.user_id) if fd else None, decided_at=_aware(fd.ts) if fd else None))
            notes = tuple(n for f in (masked or {}).get("files", []) for n in f.get("notes", []))
            exposures = tuple(e for e in (check or {}).get("exposures", []))
            san = s.execute(select(SanitisedCopy).where(SanitisedCopy.draft_id == d.id)).scalar_one_or_none()
            sanitised = _sanitised_view(san, d, names) if san else None
            v = s.execute(select(Verdict).where(Verdict.draft_id == d.id)).scalar_one_or_none()
            verdict = (VerdictView(_verdict_kind(v.verdict), v.reasons, names.get(v.user_id, "?"), _aware(v.ts),
                                   d.published) if v else None)
            done = d.status == "done"
            own = d.submitter_id == actor.user_id
            return DraftDetail(
                summary=summary, findings=tuple(findings), exposures=exposures, report=report, check=check,
                notes=notes, sanitised=sanitised, verdict=verdict, callback_url=d.callback_url,
                can_decide=done and actor.role in _DECIDERS,
                can_sanitise=done and (actor.role in _DECIDERS or own),
                can_verdict=done and actor.role == "approver" and not own and verdict is None,
                can_publish=(verdict is not None and verdict.verdict == "approve" and not d.published
                             and actor.role in ("approver", "admin")))

    def original(self, actor: Actor, draft_id: str) -> StoredFile:
        """The uploaded file (for rendering the pages with findings drawn)."""
        with self.factory() as s:
            d = self._visible(s, actor, draft_id)
            path = self.settings.uploads_dir / f"{d.id}{d.suffix}"
            return StoredFile(path.read_bytes(), d.filename, d.media_type)

    def upload_path(self, draft_id: str, suffix: str) -> Path:
        """Where a draft's upload is stored (by id: the uploaded name never reaches the disk)."""
        return self.settings.uploads_dir / f"{draft_id}{suffix}"

    def retry(self, actor: Actor, draft_id: str) -> DraftSummary:
        """Queue a failed draft again. Raises Conflict unless it failed."""
        with self.tx() as s:
            d = self._visible(s, actor, draft_id)
            if actor.role not in _DECIDERS and d.submitter_id != actor.user_id:
                raise Forbidden("only the submitter or a reviewer can retry a draft")
            if d.status != "failed":
                raise Conflict(f"the draft is {d.status}; only a failed draft can be retried")
            job = s.execute(select(Job).where(Job.draft_id == d.id)).scalar_one()
            before = {"status": d.status, "error": d.error, "attempts": job.attempts}
            job.status, job.attempts, job.lease_owner, job.lease_expires, job.error = "queued", 0, None, None, None
            d.status, d.stage, d.progress, d.error, d.updated_at = "queued", "queued", 0, None, _now()
            audit.append(s, actor.username, "draft.retry", f"draft:{d.id}", actor.ip, before, {"status": "queued"})
            s.flush()
            return self._summary(s, d)

    def decide(self, actor: Actor, draft_id: str, finding_id: str, decision: Decision,
               reason: str = "") -> FindingView:
        """Record a decision on a finding (reviewer, approver or admin). `accepted_risk` needs a
        reason; `false_positive` adds the finding id to the profile's baseline file so later
        scans with that profile hide it."""
        if actor.role not in _DECIDERS:
            raise Forbidden("only reviewers, approvers and admins decide on findings")
        if decision not in DECISIONS:
            raise InvalidInput(f"unknown decision {decision!r}; one of {', '.join(DECISIONS)}")
        reason = reason.strip()
        if decision == "accepted_risk" and not reason:
            raise InvalidInput("an accepted risk needs a reason")
        with self.tx() as s:
            d = self._visible(s, actor, draft_id)
            if d.status != "done":
                raise Conflict("the draft has not been scanned yet")
            found = {f["id"]: f for f in _scan_findings(_loads(d.report_masked_json))}
            if finding_id not in found:
                raise NotFound("no such finding in this draft")
            fd = s.execute(select(FindingDecision).where(FindingDecision.draft_id == d.id,
                                                         FindingDecision.finding_id == finding_id)
                           ).scalar_one_or_none()
            before = {"decision": fd.decision, "reason": fd.reason} if fd else None
            now = _now()
            if fd is None:
                fd = FindingDecision(draft_id=d.id, finding_id=finding_id, decision=decision, reason=reason,
                                     user_id=actor.user_id, ts=now)
                s.add(fd)
            else:
                fd.decision, fd.reason, fd.user_id, fd.ts = decision, reason, actor.user_id, now
            if decision == "false_positive":
                self._add_to_baseline(d.profile, finding_id)
            audit.append(s, actor.username, "finding.decide", f"draft:{d.id}", actor.ip, before,
                         {"finding": finding_id, "decision": decision, "reason": reason,
                          "baseline": d.profile or "default" if decision == "false_positive" else None})
            f = found[finding_id]
            return FindingView(
                id=f["id"], path=f["_path"], category=f["category"], severity=f["severity"],
                confidence=float(f.get("confidence", 0.0)), layer=f["layer"], rule=f["rule"],
                message=f.get("message", ""), match=f.get("match", ""), location=f.get("location", {}),
                kind="fingerprint" if f["category"] == "fingerprint" else "scan", decision=decision,
                reason=reason, decided_by=actor.username, decided_at=now)

    def baseline_path(self, profile: str | None) -> Path:
        """The baseline file of a profile (a scan-report-shaped JSON file: `scan --baseline`)."""
        name = re.sub(r"[^A-Za-z0-9_-]", "_", profile or "default")
        return self.settings.baselines_dir / f"{name}.json"

    def _add_to_baseline(self, profile: str | None, finding_id: str) -> None:
        path = self.baseline_path(profile)
        with _file_lock(path.with_suffix(".lock")):
            ids = set(load_baseline(path)) if path.exists() else set()
            ids.add(finding_id)
            data = {"tool": "mosaicguard", "report_version": 1, "note": "false positives decided on the desk",
                    "files": [{"path": f"profile:{profile or 'default'}",
                               "findings": [{"id": i} for i in sorted(ids)]}]}
            _write_private(path, (json.dumps(data, indent=1) + "\n").encode("utf-8"))

    def _options(self, profile: str | None, extra_baseline: frozenset[str] = frozenset()) -> ScanOptions:
        policy = self.policy().with_profile(profile)
        baseline = self.baseline_path(profile)
        ids = (load_baseline(baseline) if baseline.exists() else frozenset()) | extra_baseline
        extra: tuple[object, ...] = ()
        if self.settings.registry_path is not None:
            from ..fingerprint.detector import registry_detector

            key = str(self.settings.registry_key_file) if self.settings.registry_key_file else None
            extra = (registry_detector(str(self.settings.registry_path), key, policy),)
        return ScanOptions(policy=policy, baseline_ids=ids, profile=profile, extra_detectors=extra,
                           policy_path=str(self.settings.policy_path) if self.settings.policy_path else None)

    def sanitise(self, actor: Actor, draft_id: str) -> SanitisedView:
        """Produce the sanitised copy with the package's sanitiser, re-scanned. Findings decided
        false positive or accepted risk are left as they are."""
        with self.factory() as s:
            d = self._visible(s, actor, draft_id)
            if actor.role not in _DECIDERS and d.submitter_id != actor.user_id:
                raise Forbidden("only the submitter or a reviewer can sanitise a draft")
            if d.status != "done":
                raise Conflict("the draft has not been scanned yet")
            kept = frozenset(s.execute(select(FindingDecision.finding_id).where(
                FindingDecision.draft_id == d.id,
                FindingDecision.decision.in_(("false_positive", "accepted_risk")))).scalars())
            draft_id, suffix, name = d.id, d.suffix, d.filename
        options = self._options(d.profile, kept)
        target = self.settings.sanitised_dir / f"{draft_id}{suffix}"
        tmp = self.settings.sanitised_dir / f".{draft_id}.{uuid.uuid4().hex}{suffix}"
        engine = Engine(options.policy, options.engine)
        if options.extra_detectors:
            engine.detectors.extend(options.extra_detectors)  # type: ignore[arg-type]
        run = _Run(options, engine, Suppressor(options.policy, options.baseline_ids),
                   Severity.parse(options.policy.sanitize.redact_at))
        outcome = sanitize_one(InputFile(str(self.upload_path(draft_id, suffix)), name), tmp, run, False)
        size, sha = 0, ""
        if outcome.written and tmp.exists():
            os.chmod(tmp, 0o600)
            os.replace(tmp, target)
            data = target.read_bytes()
            size, sha = len(data), hashlib.sha256(data).hexdigest()
        else:
            tmp.unlink(missing_ok=True)
        summary = outcome.to_dict(redact=True)
        summary["output"] = None  # the disk path is the desk's business
        with self.tx() as s:
            d = self._visible(s, actor, draft_id)
            san = s.execute(select(SanitisedCopy).where(SanitisedCopy.draft_id == d.id)).scalar_one_or_none()
            before = {"status": san.status, "sha256": san.sha256} if san else None
            if san is None:
                san = SanitisedCopy(draft_id=d.id, status=outcome.status, error=outcome.error, size=size, sha256=sha,
                                    outcome_json=json.dumps(summary, ensure_ascii=False), user_id=actor.user_id,
                                    created_at=_now())
                s.add(san)
            else:
                san.status, san.error, san.size, san.sha256 = outcome.status, outcome.error, size, sha
                san.outcome_json = json.dumps(summary, ensure_ascii=False)
                san.user_id, san.created_at = actor.user_id, _now()
            audit.append(s, actor.username, "draft.sanitise", f"draft:{d.id}", actor.ip, before,
                         {"status": outcome.status, "sha256": sha, "actions": len(outcome.actions),
                          "residual": len(outcome.residual)})
            s.flush()
            return _sanitised_view(san, d, {actor.user_id: actor.username})

    def sanitised_file(self, actor: Actor, draft_id: str) -> StoredFile:
        """The sanitised copy for download. Raises NotFound if none was produced."""
        with self.factory() as s:
            d = self._visible(s, actor, draft_id)
            san = s.execute(select(SanitisedCopy).where(SanitisedCopy.draft_id == d.id)).scalar_one_or_none()
            if san is None or san.status != "sanitized":
                raise NotFound("no sanitised copy of this draft")
            data = (self.settings.sanitised_dir / f"{d.id}{d.suffix}").read_bytes()
            return StoredFile(data, _download_name(d), d.media_type)

    def verdict(self, actor: Actor, draft_id: str, verdict: VerdictKind, reasons: str = "") -> VerdictView:
        """Approve or return a draft. Only an approver other than the submitter; `return` needs
        reasons. Sends the verdict JSON to the draft's callback URL, if any."""
        if verdict not in ("approve", "return"):
            raise InvalidInput("the verdict is 'approve' or 'return'")
        reasons = reasons.strip()
        if verdict == "return" and not reasons:
            raise InvalidInput("returning a draft needs the reasons")
        with self.tx() as s:
            d = self._visible(s, actor, draft_id)
            if actor.role != "approver":
                raise Forbidden("only an approver gives the verdict")
            if d.submitter_id == actor.user_id:
                raise Forbidden("the submitter cannot give the verdict on their own draft")
            if d.status != "done":
                raise Conflict("the draft has not been scanned yet")
            if s.execute(select(Verdict.id).where(Verdict.draft_id == d.id)).first() is not None:
                raise Conflict("this draft has a verdict already")
            now = _now()
            s.add(Verdict(draft_id=d.id, verdict=verdict, reasons=reasons, user_id=actor.user_id, ts=now))
            audit.append(s, actor.username, f"verdict.{verdict}", f"draft:{d.id}", actor.ip, None,
                         {"verdict": verdict, "reasons": reasons})
            callback = d.callback_url
            payload = {"id": d.id, "status": d.status, "verdict": verdict, "reasons": reasons, "by": actor.username,
                       "at": now.isoformat()}
        if callback:
            self._callback(d.id, callback, payload)
        return VerdictView(verdict, reasons, actor.username, now)

    def _check_callback(self, url: str) -> None:
        """Refuse a callback URL that is not http(s) or whose host is not allowed by the
        operator (`serve --callback-host`): the desk never POSTs to an address a submitter chose."""
        parsed = urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise InvalidInput("callback URL must be an http or https URL")
        allowed = self.settings.callback_hosts
        if not allowed:
            raise InvalidInput("this desk sends no callbacks (start serve with --callback-host HOST to allow one)")
        host = parsed.hostname.lower()
        try:
            port = parsed.port or (443 if parsed.scheme == "https" else 80)
        except ValueError:
            raise InvalidInput("callback URL has an invalid port") from None
        if host not in allowed and f"{host}:{port}" not in allowed:
            raise InvalidInput(f"callback host {host}:{port} is not allowed "
                               f"(allowed: {', '.join(sorted(allowed))})")

    def _callback(self, draft_id: str, url: str, payload: dict[str, Any]) -> None:
        """POST the verdict JSON to the platform's callback URL; the outcome is recorded.
        The host is checked again (the allowlist may have changed since submission) and
        redirects are not followed (a redirect could point anywhere)."""
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        req = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": "mosaicguard-desk"})
        try:
            self._check_callback(url)
            with urllib.request.build_opener(_NoRedirect).open(req, timeout=10) as resp:
                status = f"delivered: HTTP {resp.status}"
        except InvalidInput as exc:
            status = f"not sent: {exc}"[:255]
        except (urllib.error.URLError, OSError, ValueError) as exc:
            status = f"failed: {exc}"[:255]
        with self.tx() as s:
            v = s.execute(select(Verdict).where(Verdict.draft_id == draft_id)).scalar_one()
            v.callback_status = status
            audit.append(s, "desk", "verdict.callback", f"draft:{draft_id}", None, None,
                         {"url_host": urlsplit(url).hostname, "status": status})

    def publish(self, actor: Actor, draft_id: str) -> DraftSummary:
        """Add an approved draft to the public corpus index so later checks know it is public
        (the sanitised copy when there is one, else the original)."""
        if actor.role not in ("approver", "admin"):
            raise Forbidden("only an approver or admin publishes")
        with self.factory() as s:
            d = self._visible(s, actor, draft_id)
            v = s.execute(select(Verdict).where(Verdict.draft_id == d.id)).scalar_one_or_none()
            if v is None or v.verdict != "approve":
                raise Conflict("only an approved draft can be published")
            if d.published:
                raise Conflict("the draft is published already")
            san = s.execute(select(SanitisedCopy).where(SanitisedCopy.draft_id == d.id)).scalar_one_or_none()
            source = (self.settings.sanitised_dir / f"{d.id}{d.suffix}" if san and san.status == "sanitized"
                      else self.upload_path(d.id, d.suffix))
            target = self.published_dir / f"{d.id}{d.suffix}"
            profile = d.profile
        self.settings.ensure_dirs()
        _write_private(target, source.read_bytes())
        documents = self._index_published(target, profile)
        with self.tx() as s:
            d = self._visible(s, actor, draft_id)
            d.published, d.updated_at = True, _now()
            audit.append(s, actor.username, "draft.publish", f"draft:{d.id}", actor.ip, {"published": False},
                         {"published": True, "source": "sanitised" if source.parent == self.settings.sanitised_dir
                          else "original", "corpus_documents": documents})
            s.flush()
            return self._summary(s, d)

    # ---- the corpus: check and publish

    @property
    def published_dir(self) -> Path:
        """Approved drafts added to the public corpus (by draft id)."""
        return self.settings.published_dir

    def _index_path(self) -> Path:
        return self.settings.corpus_index or self.settings.data_dir / "corpus-index.db"

    def _corpus_paths(self) -> list[str]:
        return [str(p) for p in self.settings.corpus_dirs] + [str(self.published_dir)]

    def _trusted(self) -> bool:
        """An index named without its corpus folders is used as it is (`check --trust-index`)."""
        return self.settings.corpus_index is not None and not self.settings.corpus_dirs

    def _aggregator(self, profile: str | None) -> tuple[Any, Any]:
        from ..aggregate.engine import AggregateOptions, Aggregator
        from ..aggregate.index import SQLiteFactStore

        policy = self.policy().with_profile(profile)
        store = SQLiteFactStore(str(self._index_path()))
        trusted = self._trusted() and store.linked_doc_count() > 0
        options = AggregateOptions(policy=policy, trust_index=trusted,
                                   policy_path=str(self.settings.policy_path) if self.settings.policy_path else None)
        return Aggregator(store, options), store

    def has_corpus(self) -> bool:
        """Whether there is any public corpus to check drafts against."""
        if self.settings.corpus_dirs:
            return True
        if self.published_dir.is_dir() and any(self.published_dir.iterdir()):
            return True
        return self.settings.corpus_index is not None and self.settings.corpus_index.exists()

    def check_draft(self, disk_path: Path, profile: str | None, name: str | None = None) -> tuple[str, str] | None:
        """The `check` report of one draft against the public corpus (full and masked JSON), or
        None when no corpus is configured. One process at a time updates the index. With `name`,
        the report calls the draft by that name instead of its path in the data folder."""
        if not self.has_corpus():
            return None
        from ..aggregate.report import render

        self.settings.ensure_dirs()
        with _file_lock(self.settings.data_dir / "corpus-index.lock"):
            aggregator, store = self._aggregator(profile)
            try:
                problem = aggregator.trust_problem() if aggregator.options.trust_index else None
                if problem:  # an answer from it would be wrong: the job fails with the reason
                    raise Conflict(f"the corpus index {self._index_path()} {problem}")
                result = aggregator.check([str(disk_path)], self._corpus_paths())
            finally:
                store.close()
        full, masked = render(result, "json", redact=False), render(result, "json", redact=True)
        if name:
            stored, shown = (json.dumps(v, ensure_ascii=False)[1:-1] for v in (str(disk_path), name))
            full, masked = full.replace(stored, shown), masked.replace(stored, shown)
        return full, masked

    def _index_published(self, target: Path, profile: str | None) -> int:
        """Add a published file to the corpus index (the corpus reader's own code) and re-link."""
        from ..aggregate.corpus import extract_file
        from ..aggregate.facts import FactExtractor

        with _file_lock(self.settings.data_dir / "corpus-index.lock"):
            aggregator, store = self._aggregator(profile)
            try:
                if not aggregator.options.trust_index:
                    aggregator.refresh(self._corpus_paths())  # reads the new file like any corpus file
                else:
                    problem = aggregator.trust_problem()
                    if problem:
                        raise Conflict(f"the corpus index {self._index_path()} {problem}")
                    st = os.stat(target)
                    item = InputFile(str(target), str(target))
                    for record, facts in extract_file(FactExtractor(aggregator.policy), aggregator.scan_options,
                                                      (item, st.st_mtime_ns, st.st_size)):
                        store.put_document(record, facts, aggregator.settings.coordinate_radius_m)
                    store.set_meta("dirty", "1")
                    store.commit()
                    aggregator.refresh([])
                count: int = store.doc_count()
            finally:
                store.close()
        return count

    # ---- jobs (run by worker.py)

    def warm_up(self) -> None:
        """Load what the first job would need (compiled rules, gazetteers, date parsers), so that a
        worker started with the server does it before the first draft arrives, not after."""
        from ..aggregate.facts import FactExtractor

        options = self._options(None)
        build_engine(options)
        if self.has_corpus():
            FactExtractor(options.policy).extract_text("warm-up", "2026年3月1日在北京。Beijing, March 1, 2026.")

    def set_progress(self, draft_id: str, stage: str, progress: int) -> None:
        """Record how far a running job is (the progress page polls it)."""
        with self.tx() as s:
            d = s.get(Draft, draft_id)
            if d is not None and d.status == "running":
                d.stage, d.progress, d.updated_at = stage, progress, _now()

    def run_job(self, draft_id: str) -> None:
        """Scan (content and hidden data, with the fingerprint registry when configured) and
        check a draft against the corpus; store both reports. Raises on failure (the worker
        records the reason)."""
        with self.factory() as s:
            d = s.get(Draft, draft_id)
            if d is None:
                raise LookupError(f"draft {draft_id} vanished")
            disk = self.upload_path(d.id, d.suffix)
            name, profile = d.filename, d.profile
        self.set_progress(draft_id, "scan", 10)
        options = self._options(profile)
        engine = build_engine(options)
        results = scan_one(InputFile(str(disk), name), engine, Suppressor(options.policy, options.baseline_ids),
                           options)
        report = ScanReport(files=tuple(results), version=__version__, policy=options.policy_path, profile=profile)
        fail_on = Severity.parse(options.policy.fail_on)
        full = JsonReporter(fail_on=fail_on).render(report, redact=False)
        masked = JsonReporter(fail_on=fail_on).render(report, redact=True)
        self.set_progress(draft_id, "check", 50)
        checked = self.check_draft(disk, profile, name)
        with self.tx() as s:
            d = s.get(Draft, draft_id)
            if d is None:
                raise LookupError(f"draft {draft_id} vanished")
            d.report_json, d.report_masked_json = full, masked
            d.check_json, d.check_masked_json = checked if checked else (None, None)
            d.stage, d.progress, d.updated_at = "done", 90, _now()

    # ---- the record

    def events(self, actor: Actor, draft_id: str) -> list[AuditEntry]:
        """Audit events about one draft, oldest first."""
        with self.factory() as s:
            d = self._visible(s, actor, draft_id)
            return [_entry(e) for e in audit.events_for(s, f"draft:{d.id}")]

    def verify_audit(self) -> audit.VerifyResult:
        """Check the whole audit chain."""
        with self.factory() as s:
            return audit.verify(s)

    def record(self, actor: Actor, draft_id: str) -> ReviewRecord:
        """The review record of a draft: its detail, every audit event about it, chain status."""
        detail = self.draft(actor, draft_id)
        events = tuple(self.events(actor, draft_id))
        check = self.verify_audit()
        with self.tx() as s:
            audit.append(s, actor.username, "record.export", f"draft:{draft_id}", actor.ip)
        return ReviewRecord(detail, events, check.ok, check.message, _now(), actor.username, __version__,
                            str(self.settings.policy_path) if self.settings.policy_path else None)


# ---------------------------------------------------------------- helpers


def _write_private(path: Path, data: bytes) -> None:
    """Write a file readable by the desk only, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _loads(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    data = json.loads(text)
    return data if isinstance(data, dict) else None


def _scan_findings(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every reported finding of a scan report, each with its file's path as `_path`."""
    out: list[dict[str, Any]] = []
    for f in (report or {}).get("files", []):
        for finding in f.get("findings", []):
            out.append({**finding, "_path": f.get("path", "")})
    return out


def _role(value: str) -> Role:
    return value if value in ROLES else "submitter"


def _status(value: str) -> DraftStatus:
    return cast(DraftStatus, value) if value in ("queued", "running", "done", "failed") else "failed"


def _decision(value: str) -> Decision:
    return cast(Decision, value)


def _verdict_kind(value: str) -> VerdictKind:
    return "approve" if value == "approve" else "return"


def _download_name(d: Draft) -> str:
    stem = d.filename.rsplit(".", 1)[0] if "." in d.filename else d.filename
    return f"{stem}.sanitised{d.suffix}"


def _sanitised_view(san: SanitisedCopy, d: Draft, names: dict[int, str]) -> SanitisedView:
    outcome = json.loads(san.outcome_json)
    return SanitisedView(status=san.status, error=san.error, filename=_download_name(d), size=san.size,
                         sha256=san.sha256, actions=tuple(outcome.get("actions", [])),
                         residual=tuple(outcome.get("residual", [])), created_at=_aware(san.created_at),
                         created_by=names.get(san.user_id, "?"))


def _entry(e: AuditEvent) -> AuditEntry:
    return AuditEntry(e.id, datetime.fromisoformat(e.ts), e.actor, e.action, e.target, e.ip,
                      audit.decode(e.before_json), audit.decode(e.after_json), e.hash)
