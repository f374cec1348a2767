"""The REST API under `/api/v1` (bearer tokens or the browser session), documented by OpenAPI at
`/api/v1/openapi.json`. Every operation calls `DeskService`; nothing here touches the database."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["desk"])
