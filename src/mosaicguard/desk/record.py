"""The per-draft review record for inspectors: one self-contained HTML file (inline CSS, pages and
graphs as data: URIs, no script, no external URL) and the same record as PDF, in Chinese or English.

The record holds what Art. 58 inspectors ask for: the document's identity and SHA-256, every
finding with its decision (who, when, why), the exposures found against the public corpus with
their minimal fix, the sanitised copy's hash and what its re-scan found, the verdict, and the
draft's whole audit trail with the chain's state. Every finding value is masked, on the drawn
pages too (the boxes are filled).

The PDF is made offline by PyMuPDF's Story (HTML -> PDF) with the WenQuanYi Micro Hei font
(Debian `fonts-wqy-microhei`), subset into the file; exposure graphs are drawn to PNG by MuPDF's
own SVG reader, since Story does not lay out inline SVG.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pymupdf

from .graph import draft_paths, exposure_views
from .render import page_png, render_document
from .service import ReviewRecord, StoredFile
from .templating import render_template

#: CJK font for the PDF (Debian fonts-wqy-microhei; installed by scripts/install-system-deps.sh).
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
#: Pages drawn into a record at most (the findings table lists every finding regardless).
MAX_RECORD_PAGES = 12
_DETAIL_CHARS = 300


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if value else ""


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _compact(value: Mapping[str, Any] | None) -> str:
    if not value:
        return ""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return _short(text, _DETAIL_CHARS)


def _scan_file(record: ReviewRecord) -> Mapping[str, Any] | None:
    report = record.detail.report or {}
    files = report.get("files") or []
    return files[0] if files else None


def record_context(record: ReviewRecord, lang: str, original: StoredFile | None = None,
                   raw_findings: Sequence[Mapping[str, Any]] | None = None, *, for_pdf: bool = False,
                   ) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Everything the record template shows, and the images it refers to (name -> PNG bytes).

    `original` and `raw_findings` (the scan's findings with unmasked values, used only to place
    them) let the record draw the marked pages; without them the record has the tables only."""
    detail = record.detail
    summary = detail.summary
    images: dict[str, bytes] = {}
    pages: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    scanned = _scan_file(record)
    if original is not None and raw_findings is not None:
        path = str(scanned.get("path")) if scanned else summary.filename
        rendering = render_document(original.data, path, original.media_type, raw_findings, reveal=False)
        for view in rendering.pages[:MAX_RECORD_PAGES]:
            name = f"page-{view.number}.png"
            images[name] = page_png(original.data, original.media_type, view.number, raw_findings, reveal=False,
                                    zoom=1.0)
            pages.append({"number": view.number, "src": name, "boxes": len(view.boxes)})
        for part in rendering.parts:
            parts.append({"part": part.part, "layer": part.layer, "truncated": part.truncated,
                          "pieces": [{"text": p.text, "marked": bool(p.finding_ids), "severity": p.severity}
                                     for p in part.pieces]})
    drafts = draft_paths(detail.check) or ({str(scanned.get("path"))} if scanned else {summary.filename})
    check_report = {"exposures": list(detail.exposures)} if detail.exposures else None
    exposures = exposure_views(check_report, drafts, lang, reveal=False,
                               display=dict.fromkeys(drafts, summary.filename))
    for exp in exposures:
        name = f"graph-{exp['index']}.png"
        if for_pdf:
            images[name] = _svg_png(exp["svg"])
        exp["src"] = name
    findings = [{
        "id": f.id, "category": f.category, "severity": f.severity, "layer": f.layer, "match": _short(f.match, 48),
        "where": _where(f.location, lang), "message": f.message, "decision": f.decision or "none",
        "reason": f.reason or "", "decided_by": f.decided_by or "", "decided_at": _when(f.decided_at),
    } for f in detail.findings]
    sanitised = None
    if detail.sanitised is not None:
        s = detail.sanitised
        sanitised = {"status": s.status, "error": s.error or "", "filename": s.filename, "size": s.size,
                     "sha256": s.sha256, "residual": len(s.residual), "actions": len(s.actions),
                     "created_at": _when(s.created_at), "created_by": s.created_by}
    verdict = None
    if detail.verdict is not None:
        v = detail.verdict
        verdict = {"verdict": "approved" if v.verdict == "approve" else "returned", "reasons": v.reasons,
                   "by": v.by, "at": _when(v.at), "published": v.published}
    events = [{"when": _when(e.ts), "who": e.actor, "action": e.action, "target": e.target, "ip": e.ip or "",
               "before": _compact(e.before), "after": _compact(e.after), "hash": e.hash[:16]}
              for e in record.events]
    context = {
        "draft": {"id": summary.id, "filename": summary.filename, "profile": summary.profile or "",
                  "submitter": summary.submitter, "submitted": _when(summary.created_at),
                  "media_type": summary.media_type, "size": summary.size,
                  "sha256": str(scanned.get("sha256", "")) if scanned else "", "status": summary.status},
        "findings": findings,
        "notes": list(detail.notes),
        "exposures": exposures,
        "sanitised": sanitised,
        "verdict": verdict,
        "events": events,
        "chain_intact": record.chain_intact,
        "chain_message": record.chain_message,
        "generated_at": _when(record.generated_at),
        "generated_by": record.generated_by,
        "tool_version": record.tool_version,
        "policy": record.policy or "",
        "pages": pages,
        "parts": parts,
        "for_pdf": for_pdf,
    }
    return context, images


def _where(location: Mapping[str, Any], lang: str) -> str:
    from ..model import Location
    from ..report.summary import location_text

    box = location.get("bbox")
    loc = Location(page=location.get("page"), start=location.get("start"), end=location.get("end"),
                   part=location.get("part"), pointer=location.get("pointer"),
                   bbox=tuple(box) if box and len(box) == 4 else None)
    return location_text(loc, lang)


def _svg_png(svg: str) -> bytes:
    with pymupdf.open(stream=svg.encode("utf-8"), filetype="svg") as doc:
        pix = doc[0].get_pixmap(matrix=pymupdf.Matrix(2, 2), alpha=False)
        return bytes(pix.tobytes("png"))


def record_html(record: ReviewRecord, lang: str, original: StoredFile | None = None,
                raw_findings: Sequence[Mapping[str, Any]] | None = None) -> str:
    """The review record as one self-contained HTML document (images inlined as data: URIs)."""
    context, images = record_context(record, lang, original, raw_findings)
    uris = {name: "data:image/png;base64," + base64.b64encode(data).decode("ascii") for name, data in images.items()}
    for page in context["pages"]:
        page["src"] = uris[page["src"]]
    return render_template("record.html.j2", lang, css=_record_css(), **context)


def record_pdf(record: ReviewRecord, lang: str, original: StoredFile | None = None,
               raw_findings: Sequence[Mapping[str, Any]] | None = None) -> bytes:
    """The review record as PDF (A4), laid out by PyMuPDF's Story from the same template."""
    context, images = record_context(record, lang, original, raw_findings, for_pdf=True)
    archive = pymupdf.Archive()
    for name, data in images.items():
        archive.add(data, name)
    css = _record_css()
    if CJK_FONT.is_file():
        archive.add(CJK_FONT.read_bytes(), "cjk.ttc")
        font = "@font-face {font-family: cjk; src: url(cjk.ttc);}\n"
        # Every family, monospace too: audit details quote reasons typed in Chinese.
        css = font + css.replace("font-family:", "font-family: cjk,")
    html = render_template("record.html.j2", lang, css="", **context)
    story = pymupdf.Story(html=html, user_css=css, archive=archive)
    out = io.BytesIO()
    writer = pymupdf.DocumentWriter(out)
    paper = pymupdf.paper_rect("a4")
    frame = pymupdf.Rect(paper.x0 + 40, paper.y0 + 40, paper.x1 - 40, paper.y1 - 40)
    more = 1
    while more:
        device = writer.begin_page(paper)
        more, _ = story.place(frame)
        story.draw(device)
        writer.end_page()
    writer.close()
    # Story embeds the whole font collection (8 MB): keep only the glyphs the record uses.
    with pymupdf.open(stream=out.getvalue(), filetype="pdf") as pdf:
        pdf.subset_fonts()
        pdf.set_metadata({"title": f"{context['draft']['filename']} — review record", "producer": "mosaicguard",
                          "creator": f"mosaicguard {record.tool_version}"})
        return bytes(pdf.tobytes(garbage=3, deflate=True))


def _record_css() -> str:
    return _CSS


# Plain CSS that both browsers and MuPDF's Story lay out (tables, no flex or grid).
_CSS = """
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; font-size: 10pt; color: #1b1b1b; }
h1 { font-size: 16pt; margin: 0 0 4pt 0; }
h2 { font-size: 12.5pt; margin: 14pt 0 4pt 0; border-bottom: 1px solid #888; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0; }
th, td { border: 1px solid #999; padding: 2pt 4pt; text-align: left; vertical-align: top; font-size: 9pt; }
th { background-color: #e8e8e8; }
.mono { font-family: monospace; font-size: 8pt; }
.sev-critical { color: #8b0000; font-weight: bold; }
.sev-high { color: #b22222; font-weight: bold; }
.sev-medium { color: #a05a00; }
.sev-low { color: #2a4d7a; }
.ok { color: #1e6b32; font-weight: bold; }
.bad { color: #8b0000; font-weight: bold; }
.note { color: #444; font-size: 9pt; }
mark { background-color: #f6d6d6; }
.part { border: 1px solid #bbb; padding: 4pt; white-space: pre-wrap; font-size: 9pt; }
img.page { border: 1px solid #777; width: 420px; }
img.graph { width: 100%; }
"""

__all__ = ["record_context", "record_html", "record_pdf"]
