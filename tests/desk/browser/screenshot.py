"""Take the README's screenshot of the review page (docs/img/desk-review.png), reproducibly:
a fresh desk (`mosaicguard serve`, SQLite in a temporary folder), the demo's leaky PDF submitted
by a submitter, opened by a reviewer in headless Chromium.

    PYTHONPATH=src .venv/bin/python tests/desk/browser/screenshot.py docs/img/desk-review.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desk_server import SAMPLES, DeskServer
from playwright.sync_api import expect, sync_playwright

from pdf_factory import build_leaky_pdf


def main(out: Path) -> int:
    """Write the screenshot to `out`."""
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        root = Path(tmp)
        pdf = root / "progress-report.pdf"
        build_leaky_pdf(pdf)
        note = root / "progress-note.txt"
        note.write_bytes((SAMPLES / "drafts" / "draft-progress-note.txt").read_bytes())
        desk = DeskServer(root / "desk")
        desk.root.mkdir()
        desk.start()
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1500}, locale="zh-CN")
            for name in ("wang.fang", "li.ming"):
                page.goto(desk.base + "/login")
                page.fill("#username", name)
                page.fill("#password", desk.users[name][1])
                page.click("button[type=submit]")
                page.wait_for_url(desk.base + "/drafts")
                if name == "wang.fang":
                    page.goto(desk.base + "/upload")
                    page.set_input_files("#files", [str(pdf), str(note)])
                    page.select_option("#profile", "procurement-notice")
                    page.click("button[type=submit].primary")
                    expect(page.locator("#progress .review-link:not(.hidden)")).to_have_count(2, timeout=60_000)
                    page.context.clear_cookies()
            page.click("text=progress-report.pdf")
            page.wait_for_selector("#page-1 img")
            page.wait_for_load_state("networkidle")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=False)
        finally:
            browser.close()
            desk.stop()
    print(f"screenshot written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img/desk-review.png")))
