"""Passwords, sessions, CSRF and bearer tokens.

Passwords are hashed with argon2id (argon2-cffi). Session cookies and API tokens are random
(`secrets`) and stored as SHA-256 hashes only: a copy of the database does not log anybody in.
The session cookie is HttpOnly and SameSite=Strict (and Secure when served over https); every
state-changing request made with it must carry the session's CSRF token (form field
`csrf_token` or header `X-CSRF-Token`). Requests authenticated by a bearer token and carrying no
session cookie are exempt: a browser never sends a bearer token on its own.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request, Response

if TYPE_CHECKING:  # service.py imports the hashing helpers from here
    from .service import Actor, DeskService, SessionInfo

SESSION_COOKIE = "mg_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Posting the login form needs no session (there is none yet); SameSite=Strict and the
# password itself protect it.
CSRF_EXEMPT_PATHS = frozenset({"/login"})

_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str, time_cost: int | None = None, memory_kib: int | None = None) -> str:
    """An argon2id hash of `password` (the library's recommended parameters unless given)."""
    if time_cost is None and memory_kib is None:
        return _HASHER.hash(password)
    hasher = PasswordHasher(time_cost=time_cost or _HASHER.time_cost, memory_cost=memory_kib or _HASHER.memory_cost)
    return hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Whether `password` matches the stored argon2 hash."""
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


# A fixed hash checked when the user does not exist, so that timing does not tell names apart.
_DUMMY_HASHES: dict[tuple[int | None, int | None], str] = {}


def burn_time(password: str, time_cost: int | None = None, memory_kib: int | None = None) -> None:
    """Spend the time of one password check (unknown user names must not answer faster)."""
    key = (time_cost, memory_kib)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hash_password("not a password of anybody", time_cost, memory_kib)
    verify_password(_DUMMY_HASHES[key], password)


def new_secret() -> str:
    """A random URL-safe secret (session cookie, CSRF token, API token)."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """How a session or token secret is stored: its SHA-256."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


# ---------------------------------------------------------------- request helpers


def client_ip(request: Request) -> str | None:
    """The peer address (the desk binds loopback or sits behind a proxy the admin configures)."""
    return request.client.host if request.client else None


def resolve(request: Request, service: DeskService) -> None:
    """Set `request.state.actor` (Actor | None), `request.state.session` (SessionInfo | None)
    and `request.state.via_cookie` from the session cookie or the bearer token."""
    from .service import Actor

    request.state.actor = None
    request.state.session = None
    request.state.via_cookie = False
    ip = client_ip(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        info = service.session(cookie)
        if info is not None:
            request.state.session = info
            request.state.via_cookie = True
            request.state.actor = Actor(info.user.id, info.user.username, info.user.role, ip, "session")
            return
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        request.state.actor = service.actor_for_token(value.strip(), ip)


def service_of(request: Request) -> DeskService:
    """The app's DeskService (FastAPI dependency)."""
    return cast("DeskService", request.app.state.service)


def current_actor(request: Request) -> Actor:
    """The logged-in actor (FastAPI dependency); the middleware already refused anonymous calls."""
    actor = getattr(request.state, "actor", None)
    if actor is None:
        raise HTTPException(status_code=401, detail="login required")
    return cast("Actor", actor)


def current_session(request: Request) -> SessionInfo | None:
    """The browser session, if the request came with one (None for bearer-token calls)."""
    return cast("SessionInfo | None", getattr(request.state, "session", None))


async def require_csrf(request: Request) -> None:
    """Refuse a state-changing request made with the session cookie unless it carries the
    session's CSRF token (router-level dependency on every router)."""
    if request.method in SAFE_METHODS or request.url.path in CSRF_EXEMPT_PATHS:
        return
    cookie_sent = SESSION_COOKIE in request.cookies
    session = current_session(request)
    if session is None and not cookie_sent:
        return  # bearer token without any cookie: not a browser acting on its own
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()  # cached by Starlette: the endpoint reads the same form
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if session is None or sent is None or not same(sent, session.csrf_token):
        raise HTTPException(status_code=403, detail="CSRF token missing or wrong; reload the page and try again")


def set_session_cookie(response: Response, info: SessionInfo, secure: bool) -> None:
    """Put the session cookie on a response (after `DeskService.login`)."""
    response.set_cookie(SESSION_COOKIE, info.token, httponly=True, samesite="strict", secure=secure, path="/",
                        expires=info.expires_at)


def clear_session_cookie(response: Response) -> None:
    """Remove the session cookie (after `DeskService.logout`)."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
