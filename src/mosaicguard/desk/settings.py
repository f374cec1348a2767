"""Settings of the review desk: one frozen object handed to the app, the worker and the CLI."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DB = "sqlite:///desk.db"


@dataclass(frozen=True)
class DeskSettings:
    """Where the desk keeps its data and how it serves.

    `db_url` is an SQLAlchemy URL (`sqlite:///desk.db`, `postgresql+psycopg://...`). Uploaded
    files, sanitised copies and baselines live under `data_dir`, named by generated ids only.
    """

    db_url: str = DEFAULT_DB
    data_dir: Path = field(default_factory=lambda: Path("desk-data"))
    corpus_index: Path | None = None  # SQLite fact index of the public corpus (`check --index`)
    corpus_dirs: tuple[Path, ...] = ()  # folders of the public corpus (read incrementally into the index)
    policy_path: Path | None = None
    registry_path: Path | None = None  # fingerprint registry of confidential documents
    registry_key_file: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8700
    workers: int = 1
    max_upload_bytes: int = 50 * 1024 * 1024
    max_files_per_submit: int = 20
    # Zip containers (docx, xlsx, zip...): refused when their members would expand beyond these.
    max_expanded_bytes: int = 512 * 1024 * 1024
    max_compression_ratio: float = 200.0
    lease_seconds: float = 120.0
    max_attempts: int = 3
    session_hours: float = 8.0
    # argon2id parameters for new password hashes (argon2-cffi's recommended defaults); a stored
    # hash carries its own parameters, so changing these never locks anybody out.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    secure_cookies: bool = False  # set when served over https
    # Hosts ("host" or "host:port") a verdict callback may be sent to. Empty: callback URLs are
    # refused. A submitter must not make the desk POST to any address it can reach (SSRF).
    callback_hosts: tuple[str, ...] = ()

    @property
    def uploads_dir(self) -> Path:
        """Original uploads, one file per draft, named by the draft id."""
        return self.data_dir / "uploads"

    @property
    def sanitised_dir(self) -> Path:
        """Sanitised copies, one file per draft, named by the draft id."""
        return self.data_dir / "sanitised"

    @property
    def baselines_dir(self) -> Path:
        """Per-profile baseline files (false positives decided by reviewers)."""
        return self.data_dir / "baselines"

    @property
    def published_dir(self) -> Path:
        """Approved drafts added to the public corpus (by draft id)."""
        return self.data_dir / "published"

    def ensure_dirs(self) -> None:
        """Create the data folders (owner-only: they hold unpublished drafts)."""
        for d in (self.data_dir, self.uploads_dir, self.sanitised_dir, self.baselines_dir, self.published_dir):
            d.mkdir(parents=True, exist_ok=True)
            os.chmod(d, 0o700)
