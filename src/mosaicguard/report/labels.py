"""Chinese and English labels for categories, layers and severities (reports and the web app)."""

from __future__ import annotations

CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "marking": ("密级标志", "secrecy marking"),
    "cn_id": ("身份证号", "PRC resident ID"),
    "phone": ("电话号码", "phone number"),
    "email": ("电子邮箱", "e-mail address"),
    "bank_card": ("银行卡号", "bank card number"),
    "passport": ("护照号码", "passport number"),
    "coordinates": ("地理坐标", "coordinates"),
    "unit_designator": ("部队番号", "military unit designator"),
    "credential": ("账号口令/密钥", "credential"),
    "internal_network": ("内部网络信息", "internal network detail"),
    "protected_term": ("受保护词汇", "protected term"),
    "metadata": ("文档元数据", "document metadata"),
    "gps": ("GPS定位信息", "GPS location"),
    "revision": ("修订痕迹", "tracked change"),
    "comment": ("批注", "comment"),
    "hidden_text": ("隐藏文字", "hidden text"),
    "hidden_sheet": ("隐藏工作表/行列", "hidden sheet, row or column"),
    "notes": ("演讲者备注", "speaker notes"),
    "redaction_failure": ("遮盖未真正删除", "failed redaction"),
    "pdf_history": ("PDF历史版本", "earlier PDF revision"),
    "embedded": ("嵌入对象", "embedded object"),
    "fingerprint": ("涉密文档片段", "fragment of a registered document"),
}

LAYER_LABELS: dict[str, tuple[str, str]] = {
    "body": ("正文", "body"),
    "header": ("页眉", "header"),
    "footer": ("页脚", "footer"),
    "table": ("表格", "table"),
    "metadata": ("元数据", "metadata"),
    "revision": ("修订", "tracked change"),
    "comment": ("批注", "comment"),
    "hidden_text": ("隐藏文字", "hidden text"),
    "hidden_sheet": ("隐藏表", "hidden sheet"),
    "notes": ("备注", "notes"),
    "under_redaction": ("遮盖下", "under redaction"),
    "history": ("历史版本", "earlier revision"),
    "embedded": ("嵌入内容", "embedded"),
    "ocr": ("识别文字", "OCR text"),
}

SEVERITY_LABELS: dict[str, tuple[str, str]] = {
    "low": ("低", "low"),
    "medium": ("中", "medium"),
    "high": ("高", "high"),
    "critical": ("严重", "critical"),
}


def _pick(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    zh, en = table.get(key, (key, key))
    return zh if lang == "zh" else en


def category_label(category: str, lang: str = "zh") -> str:
    return _pick(CATEGORY_LABELS, category, lang)


def layer_label(layer: str, lang: str = "zh") -> str:
    return _pick(LAYER_LABELS, layer, lang)


def severity_label(severity: str, lang: str = "zh") -> str:
    return _pick(SEVERITY_LABELS, severity, lang)
