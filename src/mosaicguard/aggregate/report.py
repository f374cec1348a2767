"""Aggregation reports: JSON (CONTRACTS.md shape, plus explanation fields) and a self-contained
HTML page showing each exposure as a picture (documents -> facts -> entity, with the links) and
the text evidence beside it. Attribute values are the evidence and are shown; personal contact
values (phone numbers, names with roles) are masked in HTML and everywhere with `redact`."""

from __future__ import annotations

import json
import re
from functools import cache
from html import escape
from typing import Any

from .. import __version__
from ..detect.facts.persons import ROLE_RE
from ..detect.registry import get_detector
from ..model import Location, mask
from ..policy.schema import Policy
from ..report.labels import severity_label
from .result import AggregationResult, Evidence, Exposure

ATTRIBUTE_LABELS: dict[str, tuple[str, str]] = {
    "location": ("位置", "location"),
    "purpose": ("用途", "purpose"),
    "schedule": ("进度", "schedule"),
    "capacity": ("规模/参数", "capacity"),
    "personnel": ("人员/联系方式", "personnel"),
    "organisation": ("单位", "organisation"),
}
LINK_LABELS: dict[str, tuple[str, str]] = {
    "code": ("编号相同", "same code"),
    "permit": ("施工许可证号相同", "same construction permit number"),
    "subject": ("受保护项目别名", "protected subject alias"),
    "name": ("项目名称相同", "same project name"),
    "unit": ("部队番号相同", "same unit designator"),
    "address": ("详细地址相同", "same precise address"),
    "coord": ("坐标相近", "coordinates within radius"),
    "phone": ("罕见电话相同", "same rare phone"),
    "person": ("相同人员", "same person"),
    "landline": ("相同固定电话", "same fixed line"),
    "org": ("相同单位", "same organisation"),
    "area": ("相同县镇", "same county/town"),
    "grp": ("同村同组", "same village group"),
    "vil": ("同村", "same village"),
    "date": ("相同日期", "same date"),
    "amt": ("金额相同", "same amount"),
    "amtr": ("约数金额相同", "same round amount"),
}
PERSONAL_KINDS = frozenset({"phone", "person", "landline"})


def _label(table: dict[str, tuple[str, str]], key: str) -> str:
    zh, en = table.get(key, (key, key))
    return f"{zh} / {en}"


# Entity ids quote a value (`code:ZB20267301`, `name:…`) except these: a policy label
# (`subject:p7301`) and a document path (`doc:corpus/a.txt#0`).
_UNMASKED_ID_PREFIXES = ("subject:", "doc:")
# A value quoted in an explanation (`linked by code 'ZB-2026-7301'`: Python's repr of a string).
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")


def mask_entity_id(entity: str) -> str:
    """An entity id with its value masked (`code:ZB*****301`); labels and paths stay."""
    if entity.startswith(_UNMASKED_ID_PREFIXES) or ":" not in entity:
        return entity
    prefix, _, value = entity.partition(":")
    return f"{prefix}:{mask(value)}"


def redact_explanation(text: str) -> str:
    """An explanation with every value it quotes masked (`linked by phone '139*******345'`)."""
    return _QUOTED.sub(lambda m: repr(mask(m.group(1) if m.group(1) is not None else m.group(2))), text)


def render_json(result: AggregationResult, redact: bool = False) -> str:
    data = result.to_dict(__version__)
    if redact:
        for exp in data["exposures"]:
            exp["entity"] = {"id": mask_entity_id(exp["entity"]["id"]),
                             "names": [mask(n) for n in exp["entity"]["names"]]}
            exp["explanation"] = redact_explanation(exp["explanation"])
            exp["linked_entities"] = [mask_entity_id(e) for e in exp["linked_entities"]]
            for values in exp["attributes"].values():
                for v in values:
                    v["value"] = mask(v["value"])
                    v.pop("context", None)
            for lk in exp["links"]:
                _mask_link(lk)
            for fx in (*exp["minimal_fix"], *exp["repeats_public"]):
                fx["value"] = mask(fx["value"])
        for fx in (*data["minimal_fix"], *data["repeats_public"]):
            fx["value"] = mask(fx["value"])
        for ent in data["entities"]:
            ent["id"] = mask_entity_id(ent["id"])
            ent["names"] = [mask(n) for n in ent["names"]]
            if ent["weakest_link"]:
                _mask_link(ent["weakest_link"])
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _mask_link(link: dict[str, Any]) -> None:
    link["value"] = mask(link["value"])
    for comp in link.get("evidence", ()):
        if "value" in comp:
            comp["value"] = mask(comp["value"])


def _evidence_text(evidence_json: str, redact: bool) -> str:
    """`name +5.8 (北山隧道, 2 docs); code -3.1 (differ)`: every comparison that moved the score."""
    parts = []
    for comp in json.loads(evidence_json or "[]"):
        if comp.get("weight", 0) == 0 and comp.get("comparison") != "conflict":
            continue
        value = comp.get("value", "")
        shown = _shown(value, comp["comparison"], redact) if value else comp.get("level", "")
        docs = f", {comp['documents_with_value']} docs" if "documents_with_value" in comp else ""
        parts.append(f"{comp['comparison']} {comp['weight']:+.1f} ({shown}{docs})")
    return "; ".join(parts)


def _shown(value: str, kind: str, redact: bool) -> str:
    return mask(value) if redact or kind in PERSONAL_KINDS else _scrub(value)


def _scrub(text: str) -> str:
    """Mask personal numbers and names-with-roles inside free text (context, explanations)."""
    for pattern in _phone_patterns():
        text = pattern.sub(lambda m: m.group(0).replace(m.group("v"), mask(m.group("v"))), text)
    return ROLE_RE.sub(lambda m: m.group(0).replace(m.group("name") or m.group("ename"),
                                                      mask(m.group("name") or m.group("ename"))), text)


@cache
def _phone_patterns() -> list[re.Pattern[str]]:
    """The phone detector's own patterns: what scan calls a phone number is masked here."""
    return [rule.compiled for rule in get_detector("phone").rules(Policy())]


def _short(path: str, n: int = 28) -> str:
    return path if len(path) <= n else "…" + path[-(n - 1):]


_ATTR_ORDER = ("location", "purpose", "schedule", "capacity", "personnel", "organisation")


def _ordered_attributes(exp: Exposure) -> list[tuple[str, tuple[Evidence, ...]]]:
    """The lead rule's attributes first, then the others in a fixed order."""
    lead = exp.rule.split("+")
    rank = {a: (0 if a in lead else 1, _ATTR_ORDER.index(a) if a in _ATTR_ORDER else 9) for a, _ in exp.attributes}
    return sorted(exp.attributes, key=lambda item: rank[item[0]])


def exposure_svg(exp: Exposure, redact: bool = False) -> str:
    """Documents (left) -> facts (middle) -> entity (right); document-to-document links as arcs.
    One box per distinct value, with a line from every document that states it."""
    docs = list(exp.documents)[:14]
    boxes: dict[tuple[str, str], list[Evidence]] = {}
    for attr, evs in _ordered_attributes(exp):
        if attr == "organisation":
            continue
        for ev in evs:
            key = (attr, ev.value)
            if key in boxes or len(boxes) < 16:
                boxes.setdefault(key, []).append(ev)
    row = 30
    height = max(len(docs), len(boxes), 1) * row + 30
    x_doc, x_fact, x_ent = 80, 360, 690
    y_doc = {d: 25 + i * row for i, d in enumerate(docs)}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 860 {height}" width="100%" role="img" '
             f'aria-label="{escape(mask_entity_id(exp.entity_id) if redact else exp.entity_id)}" font-size="11" '
             'font-family="sans-serif">']
    ent_y = height // 2
    for i, ((attr, value), box) in enumerate(boxes.items()):
        y = 25 + i * row
        for ev in box:
            if ev.doc in y_doc:
                colour = "#c0392b" if ev.draft else "#95a5a6"
                parts.append(f'<line x1="{x_doc + 200}" y1="{y_doc[ev.doc]}" x2="{x_fact}" y2="{y}" '
                             f'stroke="{colour}"/>')
        parts.append(f'<line x1="{x_fact + 240}" y1="{y}" x2="{x_ent}" y2="{ent_y}" stroke="#ccc"/>')
        label = ATTRIBUTE_LABELS.get(attr, (attr, attr))[0]
        text = escape(_short(f"{label}: {_shown(value, box[0].kind, redact)}", 36))
        draft = any(ev.draft for ev in box)
        parts.append(f'<rect x="{x_fact}" y="{y - 11}" width="240" height="22" rx="4" '
                     f'fill="{"#fadbd8" if draft else "#fdf2e9"}" stroke="#e59866"/>'
                     f'<text x="{x_fact + 6}" y="{y + 4}">{text}</text>')
    for lk in exp.links[:30]:
        if lk.from_doc in y_doc and lk.to_doc in y_doc and lk.from_doc != lk.to_doc:
            y1, y2 = y_doc[lk.from_doc], y_doc[lk.to_doc]
            bend = x_doc - 10 - min(60, abs(y2 - y1) // 3)
            parts.append(f'<path d="M{x_doc} {y1} C{bend} {y1} {bend} {y2} {x_doc} {y2}" fill="none" '
                         f'stroke="#2874a6" stroke-dasharray="3 2"><title>{escape(lk.by)}: '
                         f'{escape(_shown(lk.value, lk.by, redact))}</title></path>')
    for d, y in y_doc.items():
        draft = any(ev.draft and ev.doc == d for evs in boxes.values() for ev in evs)
        fill = "#fadbd8" if draft else "#eaf2f8"
        parts.append(f'<rect x="{x_doc}" y="{y - 11}" width="200" height="22" rx="4" fill="{fill}" stroke="#5d6d7e"/>'
                     f'<text x="{x_doc + 6}" y="{y + 4}"><title>{escape(d)}</title>{escape(_short(d))}</text>')
    name = exp.names[0] if exp.names else exp.entity_id
    if redact:
        name = mask(name) if exp.names else mask_entity_id(name)
    parts.append(f'<rect x="{x_ent}" y="{ent_y - 16}" width="165" height="32" rx="6" fill="#fcf3cf" '
                 f'stroke="#b7950b"/><text x="{x_ent + 6}" y="{ent_y + 4}" font-weight="bold">'
                 f'{escape(_short(name, 22))}</text></svg>')
    return "".join(parts)


_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:2em;color:#222}
h1{font-size:1.4em} .exp{border:1px solid #ccc;border-radius:6px;margin:1.5em 0;padding:1em}
.sev-critical{border-left:8px solid #922b21}.sev-high{border-left:8px solid #d35400}
.sev-medium{border-left:8px solid #d4ac0d}.sev-low{border-left:8px solid #7f8c8d}
.new{background:#c0392b;color:#fff;padding:2px 6px;border-radius:4px;margin-left:.5em}
.grid{display:flex;gap:1.5em;flex-wrap:wrap}.grid>div{flex:1 1 480px;overflow-x:auto}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ddd;padding:3px 6px;vertical-align:top}
.draft{background:#fdedec}.fix{background:#eafaf1;padding:.5em;border-radius:4px}code{background:#f4f4f4}
"""


def render_html(result: AggregationResult, redact: bool = False) -> str:
    title = "汇聚风险报告 / Aggregation report" if result.mode == "aggregate" else "发布前汇聚核查 / Draft check"
    out = [f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>{title}</title>"
           f"<style>{_CSS}</style></head><body><h1>{title}</h1>"]
    corpus = result.corpus
    out.append(f"<p>语料 / corpus: {corpus.get('documents', 0)} 份文档 / documents · "
               f"暴露 / exposures: {len(result.exposures)} · mosaicguard {escape(__version__)}</p>")
    if result.mode == "check":
        new = [e for e in result.exposures if e.new]
        out.append(f"<p><b>新增暴露 / new exposures: {len(new)}</b></p>")
        if result.minimal_fix:
            out.append("<div class='fix'><b>最小修改 / minimal fix</b>: 从草稿中删除 / remove from the drafts:<ul>")
            out.extend(f"<li><code>{escape(fx.doc)}</code>: {escape(mask(fx.value) if redact else _scrub(fx.value))}"
                       f"{_fix_where(fx.location)}</li>" for fx in result.minimal_fix)
            out.append("</ul></div>")
        if result.repeats_public:
            out.append("<div><b>仅重复已公开内容 / only repeats what is public</b> (不构成新增 / not new):<ul>")
            out.extend(f"<li><code>{escape(r.doc)}</code>: {escape(mask(r.value) if redact else _scrub(r.value))}"
                       f"{_fix_where(r.location)} ← {', '.join(f'<code>{escape(d)}</code>' for d in r.public[:5])}"
                       "</li>" for r in result.repeats_public)
            out.append("</ul></div>")
    out.extend(_fingerprints_html(result, redact))
    if not result.exposures:
        out.append("<p>未发现汇聚暴露 / no exposure found.</p>")
    for exp in result.exposures:
        out.append(_exposure_html(exp, redact))
    out.extend(_entities_html(result, redact))
    if result.errors:
        out.append("<h2>未能读取 / not read</h2><ul>")
        out.extend(f"<li>{escape(e['path'])}: {escape(e.get('error', ''))}</li>" for e in result.errors)
        out.append("</ul>")
    out.append("</body></html>\n")
    return "".join(out)


def _where(loc: dict[str, object]) -> str:
    parts = [f"page {loc['page']}" if "page" in loc else "", str(loc.get("part") or ""),
             f"{loc['start']}–{loc['end']}" if "start" in loc and "end" in loc else ""]
    return " · ".join(p for p in parts if p)


def _fingerprints_html(result: AggregationResult, redact: bool) -> list[str]:
    """`check --registry`: passages of registered confidential documents found in each draft."""
    checked = [d for d in result.drafts if "fingerprints" in d]
    if not checked:
        return []
    rows = [f"<tr class='sev-{escape(fp['severity'])}'><td><code>{escape(d['path'])}</code></td>"
            f"<td>{escape(_where(fp.get('location', {})))}</td><td>{escape(fp['registered_id'])} "
            f"{escape(fp.get('registered_label', ''))}</td><td>{escape(fp['severity'])}</td>"
            f"<td>{fp.get('draft_share', 0):.0%} / {fp.get('registered_share', 0):.0%}</td>"
            f"<td>{escape(fp['match'])}</td></tr>"  # already masked with --redact
            for d in checked for fp in d["fingerprints"]]
    out = [f"<h2>登记涉密文档片段 / passages of registered confidential documents: {len(rows)}</h2>"]
    if rows:
        out.append("<table><tr><th>草稿 / draft</th><th>位置 / location</th><th>登记文档 / registered</th>"
                   "<th>严重程度 / severity</th><th>占草稿 / 占原文 share</th><th>原文 / text</th></tr>"
                   + "".join(rows) + "</table>")
    else:
        out.append("<p>未发现 / none found.</p>")
    return out


def _entities_html(result: AggregationResult, redact: bool) -> list[str]:
    """Every multi-document entity with its weakest link: where a wrong merge would show."""
    if not result.entities:
        return []
    rows = []
    for ent in result.entities:
        weak = ent.get("weakest_link")
        weak_text = ""
        if weak:
            weak_text = (f"<code>{escape(weak['from'])}</code> ↔ <code>{escape(weak['to'])}</code>: "
                         f"{weak['match_weight']:.2f} — "
                         + escape(_evidence_text(json.dumps(weak.get("evidence", [])), redact)))
        names = "、".join(escape(mask(n) if redact else n) for n in ent["names"][:4])
        rows.append(f"<tr><td>{escape(ent['id'] if not redact else mask_entity_id(ent['id']))}</td><td>{names}</td>"
                    f"<td>{ent['size']}</td><td>{weak_text}</td></tr>")
    return [f"<h2>实体 / entities: {len(rows)}</h2><table><tr><th>实体 / entity</th><th>名称 / names</th>"
            "<th>文档数 / documents</th><th>最弱关联 / weakest link</th></tr>" + "".join(rows) + "</table>"]


def _exposure_html(exp: Exposure, redact: bool) -> str:
    sev = f"{severity_label(exp.severity.value, 'zh')} / {exp.severity.value}"
    names = ("、".join(escape(mask(n) if redact else n) for n in exp.names[:5])
             or escape(mask_entity_id(exp.entity_id) if redact else exp.entity_id))
    explanation = redact_explanation(exp.explanation) if redact else _scrub(exp.explanation)
    head = (f"<div class='exp sev-{exp.severity.value}'><h2>{names}"
            + ("<span class='new'>新增 / NEW</span>" if exp.new else "")
            + f"</h2><p>规则 / rule: <b>{escape(exp.rule)}</b> · 严重程度 / severity: <b>{sev}</b> · "
            f"{escape(explanation)}</p>")
    rows: list[str] = []
    for attr, evs in _ordered_attributes(exp):
        for ev in evs:
            cls = " class='draft'" if ev.draft else ""
            value = escape(_shown(ev.value, ev.kind, redact))
            context = escape("" if redact else _scrub(ev.snippet))
            rows.append(f"<tr{cls}><td>{_label(ATTRIBUTE_LABELS, attr)}</td><td>{value}</td>"
                        f"<td><code>{escape(ev.doc)}</code></td><td>{context}</td></tr>")
    links = [f"<tr><td>{_label(LINK_LABELS, lk.by)}</td><td>{escape(_shown(lk.value, lk.by, redact))}</td>"
             f"<td><code>{escape(lk.from_doc)}</code> ↔ <code>{escape(lk.to_doc)}</code></td>"
             f"<td>{lk.weight:.2f} (p={lk.probability:.3f})</td>"
             f"<td>{escape(_evidence_text(lk.evidence, redact))}</td></tr>" for lk in exp.links[:40]]
    fix = ""
    if exp.minimal_fix:
        items = "".join(f"<li><code>{escape(fx.doc)}</code>: {escape(mask(fx.value) if redact else _scrub(fx.value))}"
                        f"{_fix_where(fx.location)}</li>" for fx in exp.minimal_fix)
        fix = f"<div class='fix'><b>最小修改 / minimal fix</b> ({escape(exp.fix_method)}):<ul>{items}</ul></div>"
    return (head + "<div class='grid'><div>" + exposure_svg(exp, redact) + "</div><div>"
            + "<table><tr><th>属性 / attribute</th><th>值 / value</th><th>文档 / document</th><th>原文 / text</th></tr>"
            + "".join(rows) + "</table>"
            + ("<h3>关联 / links</h3><table><tr><th>依据 / by</th><th>值 / value</th><th>文档 / documents</th>"
               "<th>匹配权重 / match weight</th><th>证据 / evidence</th></tr>" + "".join(links) + "</table>"
               if links else "")
            + fix + "</div></div></div>")


def _fix_where(loc: Location) -> str:
    """` (page 2, chars 10-16)`: where a fix value is in the draft."""
    parts = [f"page {loc.page}" if loc.page is not None else "", escape(loc.part or ""),
             f"chars {loc.start}-{loc.end}" if loc.start is not None else ""]
    shown = ", ".join(p for p in parts if p)
    return f" <small>({shown})</small>" if shown else ""


def render(result: AggregationResult, fmt: str, redact: bool = False) -> str:
    if fmt == "html":
        return render_html(result, redact)
    return render_json(result, redact)
