"""Every business operation of the review desk, as library functions.

The web pages (`web.py`), the REST API (`api.py`), the CLI (`cli/desk.py`) and the worker call
these; nothing else touches the database for business operations. Results are plain frozen
dataclasses (never ORM objects), so templates and JSON encoders can use them directly.

Scanning, sanitising, the draft-vs-corpus check and the fingerprint registry are the package's
own (`pipeline`, `sanitize.run`, `aggregate.engine`, `fingerprint.detector`): no second
implementation here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

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


# ---------------------------------------------------------------- the service


class DeskService:
    """The desk's operations over one database and data folder.

    Create one per process (`DeskService(settings)`); it is safe to share between threads.
    Every method that changes something writes an audit row in the same transaction.
    """

    def __init__(self, settings: DeskSettings) -> None:
        self.settings = settings

    # ---- accounts and sessions

    def add_user(self, username: str, password: str, role: Role, actor: Actor | None = None) -> UserView:
        """Create an account (password hashed with argon2id). Raises InvalidInput if the name is
        taken, the role unknown or the password shorter than 10 characters."""
        raise NotImplementedError

    def login(self, username: str, password: str, ip: str | None) -> SessionInfo:
        """Check a password and open a session. Raises AuthFailed, or LockedOut after 5 failures
        in 15 minutes (for 15 minutes)."""
        raise NotImplementedError

    def session(self, token: str) -> SessionInfo | None:
        """The live session of a cookie value, or None (unknown, expired or logged out)."""
        raise NotImplementedError

    def logout(self, token: str, ip: str | None = None) -> None:
        """End a session."""
        raise NotImplementedError

    def actor_for_token(self, bearer: str, ip: str | None) -> Actor | None:
        """The actor of an API bearer token, or None."""
        raise NotImplementedError

    def create_token(self, username: str, name: str = "api", actor: Actor | None = None) -> str:
        """A new API bearer token for `username` (stored hashed; shown once). With an actor, the
        actor must be an admin."""
        raise NotImplementedError

    def list_users(self, actor: Actor) -> list[UserView]:
        """Every account (admins only)."""
        raise NotImplementedError

    # ---- drafts

    def profiles(self) -> list[str]:
        """Profiles a submitter may choose (those of the policy)."""
        raise NotImplementedError

    def submit(self, actor: Actor, uploads: list[Upload], profile: str | None = None,
               callback_url: str | None = None) -> list[str]:
        """Store uploads (by generated id, type sniffed from content) and queue a job for each;
        returns the draft ids. Raises UploadRefused (size, count, lying extension, zip bomb,
        unreadable type) before anything is stored."""
        raise NotImplementedError

    def list_drafts(self, actor: Actor) -> list[DraftSummary]:
        """Drafts the actor may see, newest first (submitters: their own only)."""
        raise NotImplementedError

    def draft(self, actor: Actor, draft_id: str, unmasked: bool = False) -> DraftDetail:
        """One draft with findings, exposures, decisions, sanitised copy and verdict.
        Raises NotFound (also for a draft the actor may not see)."""
        raise NotImplementedError

    def original(self, actor: Actor, draft_id: str) -> StoredFile:
        """The uploaded file (for rendering the pages with findings drawn)."""
        raise NotImplementedError

    def retry(self, actor: Actor, draft_id: str) -> DraftSummary:
        """Queue a failed draft again. Raises Conflict unless it failed."""
        raise NotImplementedError

    def decide(self, actor: Actor, draft_id: str, finding_id: str, decision: Decision,
               reason: str = "") -> FindingView:
        """Record a decision on a finding (reviewer, approver or admin). `accepted_risk` needs a
        reason; `false_positive` adds the finding id to the profile's baseline file so later
        scans with that profile hide it."""
        raise NotImplementedError

    def sanitise(self, actor: Actor, draft_id: str) -> SanitisedView:
        """Produce the sanitised copy with the package's sanitiser, re-scanned."""
        raise NotImplementedError

    def sanitised_file(self, actor: Actor, draft_id: str) -> StoredFile:
        """The sanitised copy for download. Raises NotFound if none was produced."""
        raise NotImplementedError

    def verdict(self, actor: Actor, draft_id: str, verdict: VerdictKind, reasons: str = "") -> VerdictView:
        """Approve or return a draft. Only an approver other than the submitter; `return` needs
        reasons. Sends the verdict JSON to the draft's callback URL, if any."""
        raise NotImplementedError

    def publish(self, actor: Actor, draft_id: str) -> DraftSummary:
        """Add an approved draft to the public corpus index so later checks know it is public."""
        raise NotImplementedError

    def record(self, actor: Actor, draft_id: str) -> ReviewRecord:
        """The review record of a draft: its detail, every audit event about it, chain status."""
        raise NotImplementedError

    def events(self, actor: Actor, draft_id: str) -> list[AuditEntry]:
        """Audit events about one draft, oldest first."""
        raise NotImplementedError
