"""Chinese and English labels for categories, layers and severities (reports and the web app)."""

from __future__ import annotations

CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "marking": ("密级标志", "secrecy marking"),
    "cn_id": ("身份证号", "PRC resident ID"),
    "phone": ("电话号码", "phone number"),
    "email": ("电子邮箱", "e-mail address"),
    "bank_card": ("银行卡号", "bank card number"),
    "bank_account": ("银行账号", "bank account number"),
    "org_id": ("统一社会信用代码/组织机构代码", "organisation ID (credit code)"),
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


# What to do about each category: the smallest change that fixes it (zh, en).
FIX_LABELS: dict[str, tuple[str, str]] = {
    "marking": ("删除密级标志；带密级标志的文件不得公开发布，应退回定密责任人确认。",
                "Remove the marking; a marked document must not be published: return it to its classifier."),
    "cn_id": ("删除或遮盖身份证号（公开文本中至多保留首尾各一位）。", "Delete or mask the ID number."),
    "phone": ("改用单位对外公开的联系电话，删除个人号码。", "Use the organisation's published contact number instead."),
    "email": ("改用单位对外公开的邮箱，删除个人邮箱。", "Use the organisation's published mailbox instead."),
    "bank_card": ("删除银行卡号。", "Delete the card number."),
    "bank_account": ("确认该账号应当公开（如单位对公收款账户）；个人账户应删除。",
                     "Confirm the account is meant to be public (an organisation's); delete a person's."),
    "org_id": ("单位统一社会信用代码通常可公开；确认与所述单位一致，并注意其与其他文件的关联。",
               "An organisation's credit code is usually public: check it names the right body; it links documents."),
    "passport": ("删除护照号码。", "Delete the passport number."),
    "coordinates": ("删除精确坐标，必要时只写到县级行政区。", "Remove exact coordinates; name the county at most."),
    "unit_designator": ("删除部队番号，改用“有关单位”等通称。", "Remove the unit number; use a generic name."),
    "credential": ("删除账号口令或密钥，并立即更换该口令/密钥。", "Remove the secret and rotate it now."),
    "internal_network": ("删除内部地址、主机名和网络路径。", "Remove internal addresses, host names and paths."),
    "protected_term": ("删除或替换受保护的代号、地名和项目名。", "Remove or replace the protected name."),
    "metadata": ("清除文档属性（作者、单位、模板路径等）后再发布。",
                 "Clear the document properties before publishing."),
    "gps": ("清除照片中的GPS定位信息。", "Strip the GPS tags from the image."),
    "revision": ("接受或拒绝全部修订并另存，确认删除内容已不在文件中。",
                 "Accept or reject all tracked changes so deleted text leaves the file."),
    "comment": ("删除全部批注。", "Delete all comments."),
    "hidden_text": ("删除隐藏文字，不要只是隐藏。", "Delete hidden text instead of hiding it."),
    "hidden_sheet": ("删除隐藏的工作表、行和列。", "Delete hidden sheets, rows and columns."),
    "notes": ("删除演讲者备注和隐藏幻灯片。", "Delete speaker notes and hidden slides."),
    "redaction_failure": ("用真正的删除（如“应用遮盖”）代替黑框覆盖，黑框下文字仍可复制。",
                          "Apply a true redaction: text under a drawn box can still be copied."),
    "pdf_history": ("完整另存（不要增量保存）以删除历史版本。",
                    "Save the PDF in full (not incrementally) to drop old revisions."),
    "embedded": ("删除嵌入的文件或对象，或单独审查。", "Remove embedded files or review them separately."),
    "fingerprint": ("该段落来自登记的涉密文件，删除或改写后重新审查。",
                    "This passage comes from a registered confidential document: remove it."),
}

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "ok": ("已检查", "checked"),
    "error": ("未检查：无法读取", "not checked: could not be read"),
    "unsupported": ("未检查：不支持的文件类型", "not checked: unsupported kind of file"),
}

# Verdicts: what the reviewer should do with a file.
VERDICT_LABELS: dict[str, tuple[str, str]] = {
    "publish": ("可以发布", "may be published"),
    "review": ("建议复核", "review suggested"),
    "change": ("需修改", "must change"),
    "unchecked": ("未检查", "not checked"),
}


def fix_label(category: str, lang: str = "zh") -> str:
    return _pick(FIX_LABELS, category, lang) if category in FIX_LABELS else ""


def status_label(status: str, lang: str = "zh") -> str:
    return _pick(STATUS_LABELS, status, lang)


def verdict_label(verdict: str, lang: str = "zh") -> str:
    return _pick(VERDICT_LABELS, verdict, lang)


def both(zh: str, en: str) -> str:
    """'中文 / English' for places that show both languages at once."""
    return f"{zh} / {en}" if zh != en else zh
