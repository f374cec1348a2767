"""The exposure graph of a draft check, drawn on the server as SVG (no script, so the page's
Content-Security-Policy can forbid inline scripts and the review record stays self-contained).

One picture per exposure (the `check` report shape of docs/contracts.md): the draft and the
public documents it links to (left), the linked subject they describe (middle), the forbidden
combination of attributes with the values each document gives (right), and the minimal fix: the
draft's own words whose removal breaks the combination (bottom). Values are masked by default,
like every human report of the project; `reveal=True` shows them to a reviewer who asks.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from html import escape
from typing import Any

from ..model import mask
from .i18n import t

_ROW = 30
_DOC_X, _DOC_W = 10, 210
_ENT_X, _ENT_W = 290, 190
_ATTR_X, _ATTR_W = 550, 260
_WIDTH = 830
_MAX_DOCS = 12
_MAX_VALUES = 3

_DRAFT_FILL, _DRAFT_STROKE = "#fadbd8", "#b03a2e"
_PUBLIC_FILL, _PUBLIC_STROKE = "#eaf2f8", "#2e5e86"
_ENTITY_FILL, _ENTITY_STROKE = "#fcf3cf", "#9a7d0a"
_FIX_FILL, _FIX_STROKE = "#e9f7ef", "#1e8449"


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _attr_label(attr: str, lang: str) -> str:
    key = f"attr.{attr}"
    try:
        return t(key, lang)
    except KeyError:
        return attr


def exposure_svg(exposure: Mapping[str, Any], drafts: Collection[str], lang: str, *, reveal: bool = False,
                 label: str = "", display: Mapping[str, str] | None = None) -> str:
    """SVG markup of one exposure. `drafts` are the document names of the draft(s) as the check
    report names them (they are drawn red; public documents blue); `display` gives a draft's
    name as the user knows it (the desk stores drafts under generated names). Every text is escaped."""
    show = (lambda v: v) if reveal else mask
    shown_names = dict(display or {})

    def _name(path: str) -> str:
        return shown_names.get(path) or _basename(path)

    docs_all = [str(d) for d in exposure.get("documents", [])]
    docs = sorted(docs_all, key=lambda d: (d not in drafts, d))[:_MAX_DOCS]
    hidden_docs = len(docs_all) - len(docs)
    rule = str(exposure.get("rule", ""))
    rule_attrs = [a for a in rule.split("+") if a]
    attributes: Mapping[str, Sequence[Mapping[str, Any]]] = exposure.get("attributes", {})
    fixes = [fx for fx in exposure.get("minimal_fix", []) if isinstance(fx, Mapping)]
    entity = exposure.get("entity", {})
    names = [str(n) for n in entity.get("names", [])] or [str(entity.get("id", ""))]

    # Values per attribute of the forbidden combination: draft values first.
    attr_rows: list[tuple[str, list[Mapping[str, Any]]]] = []
    for attr in rule_attrs:
        seen: dict[str, Mapping[str, Any]] = {}
        for ev in sorted(attributes.get(attr, []), key=lambda e: (not e.get("draft", False), str(e.get("value")))):
            seen.setdefault(str(ev.get("value", "")), ev)
        attr_rows.append((attr, list(seen.values())[:_MAX_VALUES]))

    n_attr_lines = sum(1 + len(vals) for _, vals in attr_rows)
    rows = max(len(docs) + (1 if hidden_docs else 0), n_attr_lines, 3)
    top = 40
    body_h = rows * _ROW
    fix_h = 28 + 22 * len(fixes) if fixes else 0
    height = top + body_h + 20 + fix_h + 10

    title = t("graph.desc", lang, entity=_short(show(names[0]), 40), rule=_rule_label(rule, lang), docs=len(docs_all))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="exposure-graph" viewBox="0 0 {_WIDTH} {height}" '
        f'role="img" aria-labelledby="g-{escape(label)}-t" font-size="12" '
        f'font-family="Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif">',
        f'<title id="g-{escape(label)}-t">{escape(title)}</title>',
    ]
    # Column headings.
    out.append(f'<text x="{_DOC_X}" y="20" font-weight="bold">{escape(t("graph.public", lang))} / '
               f'{escape(t("graph.draft", lang))}</text>')
    out.append(f'<text x="{_ENT_X}" y="20" font-weight="bold">{escape(t("graph.entity", lang))}</text>')
    out.append(f'<text x="{_ATTR_X}" y="20" font-weight="bold">'
               f'{escape(t("graph.combination", lang, rule=_rule_label(rule, lang)))}</text>')

    doc_y = {d: top + 15 + i * _ROW for i, d in enumerate(docs)}
    ent_y = top + body_h // 2

    # Attribute boxes and the values each document gives.
    value_y: dict[tuple[str, str], int] = {}
    y = top + 15
    attr_y: dict[str, int] = {}
    for attr, values in attr_rows:
        attr_y[attr] = y
        y += _ROW
        for ev in values:
            value_y[(attr, str(ev.get("value", "")))] = y
            y += _ROW

    # Lines first, so boxes are drawn over them.
    for dy in doc_y.values():
        out.append(f'<line x1="{_DOC_X + _DOC_W}" y1="{dy}" x2="{_ENT_X}" y2="{ent_y}" stroke="#aab7b8"/>')
    for ay in attr_y.values():
        out.append(f'<line x1="{_ENT_X + _ENT_W}" y1="{ent_y}" x2="{_ATTR_X}" y2="{ay}" stroke="#7f8c8d" '
                   f'stroke-width="2"/>')
    for attr, values in attr_rows:
        for ev in values:
            vy = value_y[(attr, str(ev.get("value", "")))]
            src = str(ev.get("doc", ""))
            if src in doc_y:
                colour = _DRAFT_STROKE if src in drafts else _PUBLIC_STROKE
                out.append(f'<path d="M{_DOC_X + _DOC_W} {doc_y[src]} C{_ENT_X + 40} {doc_y[src]} '
                           f'{_ATTR_X - 60} {vy} {_ATTR_X + 20} {vy}" fill="none" stroke="{colour}" '
                           f'stroke-dasharray="4 3" opacity="0.7"/>')

    for d, dy in doc_y.items():
        is_draft = d in drafts
        fill, stroke = (_DRAFT_FILL, _DRAFT_STROKE) if is_draft else (_PUBLIC_FILL, _PUBLIC_STROKE)
        kind = t("graph.draft", lang) if is_draft else t("graph.public", lang)
        cls = "node-draft" if is_draft else "node-public"
        out.append(f'<g class="{cls}"><title>{escape(kind)}: {escape(d)}</title>'
                   f'<rect x="{_DOC_X}" y="{dy - 11}" width="{_DOC_W}" height="22" rx="4" fill="{fill}" '
                   f'stroke="{stroke}"/><text x="{_DOC_X + 6}" y="{dy + 4}">{escape(_short(_name(d), 30))}</text></g>')
    if hidden_docs:
        yy = top + 15 + len(docs) * _ROW
        out.append(f'<text x="{_DOC_X + 6}" y="{yy + 4}">+{hidden_docs}</text>')

    ent_label = _short(show(names[0]), 24)
    out.append(f'<g class="node-entity"><title>{escape(t("graph.entity", lang))}: '
               f'{escape(", ".join(show(n) for n in names[:6]))}</title>'
               f'<rect x="{_ENT_X}" y="{ent_y - 18}" width="{_ENT_W}" height="36" rx="8" fill="{_ENTITY_FILL}" '
               f'stroke="{_ENTITY_STROKE}" stroke-width="2"/>'
               f'<text x="{_ENT_X + 8}" y="{ent_y + 5}" font-weight="bold">{escape(ent_label)}</text></g>')

    new = bool(exposure.get("new"))
    for attr, values in attr_rows:
        ay = attr_y[attr]
        out.append(f'<g class="node-attr"><rect x="{_ATTR_X}" y="{ay - 12}" width="{_ATTR_W}" height="24" rx="4" '
                   f'fill="#f4ecf7" stroke="#6c3483" stroke-width="2"/><text x="{_ATTR_X + 8}" y="{ay + 4}" '
                   f'font-weight="bold">{escape(_attr_label(attr, lang))}</text></g>')
        for ev in values:
            vy = value_y[(attr, str(ev.get("value", "")))]
            from_draft = bool(ev.get("draft")) or str(ev.get("doc", "")) in drafts
            fill, stroke = (_DRAFT_FILL, _DRAFT_STROKE) if from_draft else (_PUBLIC_FILL, _PUBLIC_STROKE)
            value = _short(show(str(ev.get("value", ""))), 26)
            out.append(f'<g class="node-value"><title>{escape(_name(str(ev.get("doc", ""))))}</title>'
                       f'<rect x="{_ATTR_X + 20}" y="{vy - 11}" width="{_ATTR_W - 20}" height="22" rx="4" '
                       f'fill="{fill}" stroke="{stroke}"/><text x="{_ATTR_X + 28}" y="{vy + 4}">'
                       f'{escape(value)}</text></g>')
    badge = t("graph.new", lang) if new else t("graph.known", lang)
    out.append(f'<text x="{_ENT_X}" y="{ent_y + 36}" fill="{_DRAFT_STROKE if new else "#566573"}">'
               f'{escape(badge)}</text>')

    if fixes:
        fy = top + body_h + 20
        out.append(f'<g class="node-fix"><rect x="{_DOC_X}" y="{fy}" width="{_WIDTH - 2 * _DOC_X}" '
                   f'height="{fix_h - 6}" rx="6" fill="{_FIX_FILL}" stroke="{_FIX_STROKE}" stroke-width="2"/>')
        for i, fx in enumerate(fixes):
            text = t("graph.fix", lang, value=f"「{show(str(fx.get('value', '')))}」")
            where = _name(str(fx.get("doc", "")))
            out.append(f'<text x="{_DOC_X + 10}" y="{fy + 20 + i * 22}">{escape(text)} ({escape(where)})</text>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _rule_label(rule: str, lang: str) -> str:
    return " + ".join(_attr_label(a, lang) for a in rule.split("+") if a)


def draft_paths(check: Mapping[str, Any] | None) -> set[str]:
    """The draft documents of a check report, as its exposures name them."""
    return {str(d.get("path")) for d in (check or {}).get("drafts", []) if isinstance(d, Mapping)}


def exposure_views(report: Mapping[str, Any] | None, drafts: Collection[str], lang: str, *,
                   reveal: bool = False, display: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Plain dicts for templates: one per exposure of a check report, with its SVG, rule,
    severity, whether it is new, and its minimal fix (values masked unless `reveal`)."""
    if not report:
        return []
    show = (lambda v: v) if reveal else mask
    views = []
    for i, exp in enumerate(report.get("exposures", [])):
        views.append({
            "index": i,
            "rule": str(exp.get("rule", "")),
            "rule_label": _rule_label(str(exp.get("rule", "")), lang),
            "severity": str(exp.get("severity", "")),
            "new": bool(exp.get("new")),
            "documents": [str(d) for d in exp.get("documents", [])],
            "public_documents": [_basename(str(d)) for d in exp.get("documents", []) if d not in drafts],
            "minimal_fix": [{"doc": (display or {}).get(str(fx.get("doc", "")), _basename(str(fx.get("doc", "")))),
                             "value": show(str(fx.get("value", ""))),
                             "location": fx.get("location", {})} for fx in exp.get("minimal_fix", [])],
            "fix_verified": exp.get("fix_verified"),
            "linked_entities": [show(str(e)) for e in exp.get("linked_entities", [])],
            "svg": exposure_svg(exp, drafts, lang, reveal=reveal, label=str(i), display=display),
        })
    return views
