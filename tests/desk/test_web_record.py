"""The review record for inspectors, from a real desk (SQLite, the worker's own job code): one
self-contained HTML file and a PDF, in Chinese and English, with every value masked."""

from __future__ import annotations

import re
from typing import Any

import pymupdf
import pytest

from mosaicguard.desk import db, worker
from mosaicguard.desk.record import record_html, record_pdf
from mosaicguard.desk.service import Actor, DeskService, Upload
from mosaicguard.desk.settings import DeskSettings
from pdf_factory import ID_UNDER_BOX, build_leaky_pdf


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A leaky PDF submitted, scanned, decided, sanitised and approved."""
    root = tmp_path_factory.mktemp("desk")
    url = f"sqlite:///{root / 'desk.db'}"
    db.migrate(url)
    service = DeskService(DeskSettings(db_url=url, data_dir=root / "data"))
    ids = {}
    for name, role in (("wang", "submitter"), ("li", "reviewer"), ("zhao", "approver")):
        ids[name] = Actor(service.add_user(name, f"{name}-password-123", role).id, name, role, "127.0.0.1")  # type: ignore[arg-type]
    data = build_leaky_pdf(root / "report.pdf")
    (draft_id,) = service.submit(ids["wang"], [Upload("进度报告.pdf", data)])
    while worker.run_once(service):
        pass
    detail = service.draft(ids["li"], draft_id)
    for i, finding in enumerate(detail.findings):
        if i == 0:
            service.decide(ids["li"], draft_id, finding.id, "accepted_risk", "公开的作者署名")
        else:
            service.decide(ids["li"], draft_id, finding.id, "must_fix")
    service.sanitise(ids["li"], draft_id)
    service.verdict(ids["zhao"], draft_id, "approve", "同意发布")
    full = service.draft(ids["zhao"], draft_id, unmasked=True)
    return {
        "record": service.record(ids["zhao"], draft_id),
        "original": service.original(ids["zhao"], draft_id),
        "raw": full.report["files"][0]["findings"] if full.report else [],
        "sha256": full.report["files"][0]["sha256"] if full.report else "",
        "findings": len(detail.findings),
    }


def test_html_record_is_self_contained_and_complete(reviewed: dict[str, Any]) -> None:
    html = record_html(reviewed["record"], "zh", reviewed["original"], reviewed["raw"])
    assert "<script" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)  # nothing fetched from anywhere
    assert reviewed["sha256"] in html
    assert html.count('class="finding"') == reviewed["findings"]
    assert "公开的作者署名" in html and "必须修改" in html and "已批准" in html and "同意发布" in html
    assert html.count('class="event"') >= reviewed["findings"] + 3  # submit, decisions, sanitise, verdict
    assert ID_UNDER_BOX not in html
    assert len(re.findall(r'src="data:image/png;base64,', html)) == 1  # the one marked page
    english = record_html(reviewed["record"], "en", reviewed["original"], reviewed["raw"])
    assert "Confidentiality review record" in english and "approved" in english


def test_pdf_record_has_the_same_content(reviewed: dict[str, Any]) -> None:
    pdf = record_pdf(reviewed["record"], "zh", reviewed["original"], reviewed["raw"])
    assert len(pdf) < 2_000_000  # the CJK font is subset, not the whole 8 MB collection
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        text = "".join(page.get_text() for page in doc)
        assert doc.page_count >= 2
        assert any(img for page in doc for img in page.get_images())
    assert "保密审查记录" in text and "已批准" in text and "公开的作者署名" in text
    assert reviewed["sha256"][:32] in text.replace("\n", "")
    assert ID_UNDER_BOX not in text
    english = record_pdf(reviewed["record"], "en")  # without the original: tables only
    with pymupdf.open(stream=english, filetype="pdf") as doc:
        assert "Confidentiality review record" in "".join(page.get_text() for page in doc)
