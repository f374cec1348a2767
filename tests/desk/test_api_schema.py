"""The store: the Alembic migrations build exactly the schema of the models, on both databases,
and applying them again changes nothing."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from mosaicguard.desk.db import migrate
from mosaicguard.desk.models import Base


def test_migrations_match_the_models(service: Any) -> None:
    migrate(service.settings.db_url)  # a second run is a no-op
    with service.engine.connect() as conn:
        context = MigrationContext.configure(conn)
        assert context.get_current_revision() == "0002"
        assert compare_metadata(context, Base.metadata) == []
