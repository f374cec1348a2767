"""Fixtures of the browser tests: a real desk (`mosaicguard serve`: uvicorn and its worker
process, SQLite in a temporary folder) and Debian's Chromium driven by Playwright. In CI
(CI=true) a missing Chromium fails the run instead of skipping it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# desk_server.py is shared with the screenshot script (run as a program), so it is a plain module
# beside this file rather than a package member.
sys.path.insert(0, str(Path(__file__).parent))
from desk_server import DeskServer

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskServer]:
    """A running desk (`mosaicguard serve`) with a submitter, a reviewer and an approver."""
    server = DeskServer(tmp_path_factory.mktemp("desk")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's) through Playwright."""
    if not CHROMIUM.exists():
        message = "Chromium is not installed (scripts/install-system-deps.sh installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield instance
        finally:
            instance.close()
