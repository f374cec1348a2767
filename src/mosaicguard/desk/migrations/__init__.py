"""Alembic migrations of the desk's schema (applied by `mosaicguard migrate`, `serve`, `users add`)."""
