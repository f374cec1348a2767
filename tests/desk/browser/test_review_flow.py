"""The review desk in a real browser: a submitter uploads a docx with planted leaks, a PDF with a
failed redaction and a draft that completes a forbidden combination with the public corpus; a
reviewer sees the findings drawn on the pages and highlighted in the text, decides each one and
makes the sanitised copy; an approver (not the submitter) approves; the record is exported as
HTML and PDF; `mosaicguard audit verify` passes, and fails once one audit row is edited."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from desk_server import SAMPLES, DeskServer
from playwright.sync_api import expect

from desk.deskutil import drop_audit_guard
from office_factory import ID_NUMBER, make_docx
from pdf_factory import ID_UNDER_BOX, build_leaky_pdf

pytestmark = pytest.mark.slow


def _login(browser: Any, desk: DeskServer, name: str, csp_errors: list[str]) -> Any:
    context = browser.new_context(accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(desk.base + "/login")
    page.fill("#username", name)
    page.fill("#password", desk.users[name][1])
    page.click("button[type=submit]")
    page.wait_for_url(desk.base + "/drafts")
    return page


def _draft_ids(page: Any) -> dict[str, str]:
    rows = page.locator("tr[data-draft]")
    return {rows.nth(i).locator("a").first.inner_text(): rows.nth(i).get_attribute("data-draft")
            for i in range(rows.count())}


def _audit_verify(desk: DeskServer) -> subprocess.CompletedProcess[str]:
    return desk.cli("audit", "verify", "--db", desk.db_url)


def test_submit_review_sanitise_approve_export_and_audit(desk: DeskServer, browser: Any, tmp_path: Path) -> None:
    csp_errors: list[str] = []
    docx = make_docx(tmp_path / "tender-notice.docx")
    pdf = tmp_path / "progress-report.pdf"
    build_leaky_pdf(pdf)
    note = tmp_path / "progress-note.txt"
    note.write_bytes((SAMPLES / "drafts" / "draft-progress-note.txt").read_bytes())

    # --- the submitter uploads three drafts; the progress page follows them without blocking
    submitter = _login(browser, desk, "wang.fang", csp_errors)
    submitter.goto(desk.base + "/upload")
    submitter.set_input_files("#files", [str(docx), str(pdf), str(note)])
    submitter.select_option("#profile", "procurement-notice")
    submitter.click("button[type=submit].primary")
    submitter.wait_for_url("**/progress?ids=*")
    assert submitter.locator("tr[data-draft]").count() == 3
    # Locators, not evaluated strings: the page's CSP forbids eval, for Playwright too.
    expect(submitter.locator("#progress .review-link:not(.hidden)")).to_have_count(3, timeout=60_000)
    submitter.goto(desk.base + "/drafts")
    ids = _draft_ids(submitter)
    assert set(ids) == {"tender-notice.docx", "progress-report.pdf", "progress-note.txt"}
    pdf_id, docx_id, note_id = ids["progress-report.pdf"], ids["tender-notice.docx"], ids["progress-note.txt"]

    # --- the reviewer sees the findings drawn: a box on the PDF page, a highlight in the docx
    reviewer = _login(browser, desk, "li.ming", csp_errors)
    assert set(_draft_ids(reviewer)) == set(ids)  # reviewers see every draft
    with reviewer.expect_response(lambda r: f"/drafts/{pdf_id}/pages/1.png" in r.url) as page_png:
        response = reviewer.goto(f"{desk.base}/drafts/{pdf_id}")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    box = reviewer.locator('rect.box[data-category="redaction_failure"]')
    assert box.count() >= 1
    finding_id = box.first.get_attribute("data-finding")
    assert reviewer.locator(f'tr#f-{finding_id}').count() == 1  # the box points at its row
    assert page_png.value.status == 200 and page_png.value.headers["content-type"] == "image/png"
    assert len(page_png.value.body()) > 10_000
    assert ID_UNDER_BOX not in reviewer.content()  # masked by default
    reviewer.click("#mask-toggle")
    assert ID_UNDER_BOX in reviewer.content()  # revealed on request

    reviewer.goto(f"{desk.base}/drafts/{docx_id}")
    id_row = reviewer.locator("tr.finding", has_text="身份证号").first
    id_finding = id_row.get_attribute("data-finding")
    assert reviewer.locator(f'mark.hl[data-finding~="{id_finding}"]').count() == 1
    assert ID_NUMBER not in reviewer.content()

    # --- decide every finding of the PDF; an accepted risk without a reason is held by the form
    reviewer.goto(f"{desk.base}/drafts/{pdf_id}")
    rows = reviewer.locator("tr.finding")
    finding_ids = [rows.nth(i).get_attribute("data-finding") for i in range(rows.count())]
    assert len(finding_ids) >= 5
    first = finding_ids[0]
    reviewer.check(f'input[name="decision-{first}"][value="accepted_risk"]')
    reviewer.click("#save-decisions")
    assert reviewer.locator(f'input[name="reason-{first}"]:invalid').count() == 1  # not sent
    reviewer.fill(f'input[name="reason-{first}"]', "作者姓名已在采购公告中公开")
    reviewer.check(f'input[name="decision-{finding_ids[1]}"][value="false_positive"]')
    for fid in finding_ids[2:]:
        reviewer.check(f'input[name="decision-{fid}"][value="must_fix"]')
    reviewer.click("#save-decisions")
    reviewer.wait_for_url(f"**/drafts/{pdf_id}?msg=review.decided*")
    assert reviewer.locator("input[type=radio]:checked").count() == len(finding_ids)
    assert reviewer.locator(f'input[name="decision-{first}"][value="accepted_risk"]').is_checked()
    assert reviewer.locator(f'input[name="reason-{first}"]').input_value() == "作者姓名已在采购公告中公开"

    # --- one click: the sanitised copy, re-scanned and downloadable
    reviewer.click("#sanitise")
    reviewer.wait_for_selector("#sanitised-sha256")
    with reviewer.expect_download() as download:
        reviewer.click("#download-sanitised")
    cleaned = Path(download.value.path()).read_bytes()
    with pymupdf.open(stream=cleaned, filetype="pdf") as doc:
        assert ID_UNDER_BOX not in "".join(p.get_text() for p in doc)
    assert reviewer.locator("#sanitised-sha256").inner_text().strip() == hashlib.sha256(cleaned).hexdigest()

    # --- the draft that completes a forbidden combination shows its exposure graph and fix
    reviewer.goto(f"{desk.base}/drafts/{note_id}")
    assert reviewer.locator("svg.exposure-graph").count() >= 1
    assert reviewer.locator("svg.exposure-graph .node-fix").count() >= 1
    assert reviewer.locator("svg.exposure-graph .node-draft").count() >= 1
    # ...and the words to cut are marked in the draft's own text, masked like the findings.
    assert reviewer.locator("mark.hl.fix").count() >= 1
    assert "2027年3月竣工" not in reviewer.content()

    # --- the submitter may not approve their own draft; an approver does
    submitter.goto(f"{desk.base}/drafts/{pdf_id}")
    assert submitter.locator("#approve").count() == 0
    approver = _login(browser, desk, "zhao.lei", csp_errors)
    approver.goto(f"{desk.base}/drafts/{pdf_id}")
    approver.fill("#reasons", "已按审查意见净化，同意发布")
    approver.click("#approve")
    approver.wait_for_selector("#verdict-state.ok")
    assert "已批准" in approver.locator("#verdict-state").inner_text()

    # --- the language switch, kept in a cookie
    approver.click('button[name="lang"][value="en"]')
    assert approver.locator("h1").inner_text().startswith("Review:")
    approver.click('button[name="lang"][value="zh"]')
    assert approver.locator("h1").inner_text().startswith("审查：")

    # --- the record: self-contained HTML and PDF, values masked, the verdict and the trail in it
    sha = approver.locator("#sha256").inner_text().strip()
    with approver.expect_download() as download:
        approver.click("#record-html")
    html = Path(download.value.path()).read_text(encoding="utf-8")
    assert sha in html and "已批准" in html and "作者姓名已在采购公告中公开" in html
    assert ID_UNDER_BOX not in html
    assert "<script" not in html and "src=\"http" not in html and "href=\"http" not in html
    assert html.count('class="event"') >= 5  # submit, decisions, sanitise, verdict...
    with approver.expect_download() as download:
        approver.click("#record-pdf")
    record_pdf = Path(download.value.path()).read_bytes()
    with pymupdf.open(stream=record_pdf, filetype="pdf") as doc:
        text = "".join(p.get_text() for p in doc)
    assert "保密审查记录" in text and "已批准" in text and ID_UNDER_BOX not in text
    assert not csp_errors, csp_errors

    # --- the audit chain verifies, and one edited row breaks it
    ok = _audit_verify(desk)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    with sqlite3.connect(desk.root / "desk.db") as con:
        (row_id,) = con.execute("SELECT id FROM audit_events WHERE action LIKE '%verdict%' LIMIT 1").fetchone() or (
            con.execute("SELECT MAX(id) FROM audit_events").fetchone())
        drop_audit_guard(con)  # the database refuses the edit until its append-only triggers are gone
        con.execute("UPDATE audit_events SET actor = 'mallory' WHERE id = ?", (row_id,))
    tampered = _audit_verify(desk)
    assert tampered.returncode == 1, tampered.stdout + tampered.stderr
