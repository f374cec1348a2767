"""A labelled corpus for precision/recall: >= 200 zh/en documents in every format mosaicguard reads,
with planted leaks of every content category and decoys that must stay quiet (prose about
secrets, checksum near-misses, order numbers, amounts, dates, tender numbers, masked unit numbers,
public IPs, placeholder passwords).

`build(folder)` writes the files and returns the ground truth: one `Planted(path, category,
value)` per leak, with `path` as `scan_paths` reports it (zip members as `bundle.zip!inner.txt`).
Deterministic: the same seed gives byte-identical texts.

    .venv/bin/python tests/corpus/builder.py OUT_DIR   # write a corpus to look at
"""

from __future__ import annotations

import csv
import html
import io
import json
import random
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SEED = 7301
LEXICON = ("7301工程", "Project Falcon", "红星基地", "磐石计划")


@dataclass(frozen=True)
class Planted:
    path: str
    category: str
    value: str


# ---------------------------------------------------------------- value generators (valid leaks)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def cn_id(rng: random.Random, valid: bool = True) -> str:
    region = rng.choice(("110105", "310104", "440305", "510107", "610113", "320102"))
    body = f"{region}{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]
    if not valid:
        check = "10X98765432"[("10X98765432".index(check) + 3) % 11]
    return body + check


def luhn_card(rng: random.Random, valid: bool = True) -> str:
    length = rng.choice((16, 19))
    digits = "62" + "".join(str(rng.randint(0, 9)) for _ in range(length - 3))
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    check = (10 - total % 10) % 10
    if not valid:
        check = (check + 5) % 10
    return digits + str(check)


def mobile(rng: random.Random) -> str:
    """A mobile number in an allocated PRC range (13x, 18x, 15x and 19x but not 154 / 194,
    which libphonenumber, following the numbering plan, does not accept)."""
    second = rng.choice("3589")
    third = rng.choice("0123456789" if second in "38" else "01235789")
    return f"1{second}{third}{rng.randint(0, 99999999):08d}"


def _group(value: str, sizes: tuple[int, ...]) -> str:
    parts, pos = [], 0
    for size in sizes:
        parts.append(value[pos : pos + size])
        pos += size
    if pos < len(value):
        parts.append(value[pos:])
    return " ".join(parts)


def _fullwidth(value: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" or "A" <= c <= "Z" else c for c in value)


# Each generator returns (sentence containing the value, value, category).
Plant = tuple[str, str, str]


def plant_marking(rng: random.Random, labels_ok: bool) -> Plant:
    star = rng.choice(("机密★10年", "秘密★", "绝密★长期", "秘密★6个月", "机密★2028年12月31日前", "绝密★启用前"))
    if not labels_ok:
        return star, star, "marking"
    value = rng.choice((star, star, "秘密", "机 密", "内部资料 注意保存", "工作秘密", "SECRET//NOFORN",
                        "TOP SECRET//SCI", "CONFIDENTIAL", "FOR OFFICIAL USE ONLY"))
    return value, value, "marking"


def plant(rng: random.Random, category: str, labels_ok: bool = True) -> Plant:
    """One leak of `category` in a sentence (zh or en)."""
    if category == "marking":
        return plant_marking(rng, labels_ok)
    if category == "cn_id":
        v = cn_id(rng)
        shown = rng.choice((v, v, _group(v, (6, 8, 4)), _fullwidth(v)))
        return rng.choice((f"现场负责人身份证号：{shown}，", f"ID card no. {shown} was attached. ")), shown, category
    if category == "phone":
        m = mobile(rng)
        shown = rng.choice((m, _group(m, (3, 4, 4)), f"+86 {m}", f"{m[:3]}-{m[3:7]}-{m[7:]}"))
        if rng.random() < 0.15:
            # An agency's published office line: public by design, so reported at low severity,
            # but still reported (issue 10: nothing disappears unseen).
            line = f"010-{rng.randint(62000000, 69999999)}"
            return f"采购代理机构：某招标有限公司，联系电话：{line}。", line, category
        return rng.choice((f"施工负责人手机：{shown}。", f"Site manager mobile: {shown}. ")), shown, category
    if category == "email":
        v = f"{rng.choice(('zhang.wei', 'li_na', 'wangfang', 'j.smith', 'ops-team'))}{rng.randint(1, 99)}@" \
            f"{rng.choice(('example.cn', 'mail.example.com', 'corp-mail.cn'))}"
        return rng.choice((f"联系邮箱：{v}。", f"Write to {v} for the drawings. ")), v, category
    if category == "bank_card":
        v = luhn_card(rng)
        shown = rng.choice((v, _group(v, (4, 4, 4, 4))))
        return rng.choice((f"收款银行卡号：{shown}。", f"Payment card {shown} on file. ")), shown, category
    if category == "passport":
        v = f"E{rng.randint(10000000, 99999999)}"
        return rng.choice((f"护照号码：{v}。", f"Passport No. {v} issued 2024. ")), v, category
    if category == "coordinates":
        lat, lon = rng.uniform(20, 45), rng.uniform(80, 125)
        d1, m1, s1 = int(lat), rng.randint(0, 59), rng.randint(0, 59)
        d2, m2, s2 = int(lon), rng.randint(0, 59), rng.randint(0, 59)
        v = rng.choice((
            f"{lat:.5f}, {lon:.5f}",
            f"N{lat:.4f}° E{lon:.4f}°",
            f"{lat:.4f}°N, {lon:.4f}°E",
            f"{d1}°{m1}′{s1}″N {d2}°{m2}′{s2}″E",
            f"东经{d2}°{m2}′{s2}″，北纬{d1}°{m1}′{s1}″",
        ))
        return rng.choice((f"场址坐标：{v}。", f"Site location: {v}. ")), v, category
    if category == "unit_designator":
        n = rng.randint(31000, 96999)
        v = rng.choice((f"中国人民解放军{n}部队", f"{n}部队", f"武警{rng.randint(8000, 8999)}部队"))
        return f"采购单位为{v}，请按时送达。", v, category
    if category == "credential":
        token = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ234567") for _ in range(16))
        v, sentence = rng.choice((
            ("Hx9#kLm2Qw", "db password=Hx9#kLm2Qw "),
            ("Admin@2026", "服务器登录密码：Admin@2026。"),
            (f"AKIA{token}", f"aws_access_key_id = AKIA{token} "),
            ("-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----"),
            ("postgres://ops:S3cr3tPw@10.20.30.40", "DSN postgres://ops:S3cr3tPw@10.20.30.40:5432/ops "),
        ))
        return sentence, v, category
    if category == "internal_network":
        v = rng.choice((
            f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}:8080",
            f"build{rng.randint(1, 9)}.corp",
            "nas.office.local",
            r"\\fs01\share\drawings",
            r"C:\Users\zhangwei\Desktop\plan.docx",
        ))
        return rng.choice((f"内网服务器：{v} ，", f"Files are on {v} for now. ")), v, category
    if category == "protected_term":
        term = rng.choice(LEXICON)
        shown = rng.choice((term, term, _fullwidth(term), " ".join(term) if len(term) < 8 else term.upper()))
        return rng.choice((f"关于{shown}的进度说明。", f"Status of {shown} this month. ")), shown, category
    raise ValueError(category)


CATEGORIES = ("marking", "cn_id", "phone", "email", "bank_card", "passport", "coordinates", "unit_designator",
              "credential", "internal_network", "protected_term")


def decoy(rng: random.Random) -> str:
    """A sentence that looks risky to a naive scanner and must yield nothing."""
    return rng.choice((
        "秘书处负责会议安排。",
        "双方应签订保密协议。",
        "All bids are kept confidential until opening. ",
        "I will tell you, this is a secret. ",
        "严禁泄露国家秘密和机密信息。",
        "机密文件管理办法另行制定。",
        f"身份证号 {cn_id(rng, valid=False)} 校验位错误。",
        f"卡号 {luhn_card(rng, valid=False)} 无效。",
        f"订单号 {rng.randint(10**13, 10**15 - 1)}。",
        f"合同金额 {rng.randint(100, 9999)},{rng.randint(100, 999)}.{rng.randint(10, 99)} 元。",
        f"{rng.randint(2024, 2027)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 开标。",
        f"{rng.randint(2024, 2027)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日发布。",
        f"招标编号 ZB-{rng.randint(2024, 2027)}-{rng.randint(1000, 9999)}。",
        "61XXX部队后勤部。",
        "Upgrade to version 10.0.1 today. ",
        "Our website is served from 8.8.8.8. ",
        "password: ******** ",
        "密码：请联系管理员获取。",
        "单价 12.500, 13.250 元。",
        "Python 3.11.4 released. ",
        "温度 25.5°C。",
        "Unit 12345 of the apartment block. ",
        "内部控制制度应当完善。",
        f"Invoice {rng.randint(10**14, 10**15 - 1)} paid. ",
    ))


# ---------------------------------------------------------------------------- format writers
# Each writer gets the document's lines and a path; a line is a paragraph (or a cell). docx puts
# the first line in the page header and the last in a table; pptx puts the last in the notes.

def _filler(rng: random.Random) -> str:
    return rng.choice((
        "本项目按照政府采购有关规定组织实施，",
        "请各供应商按要求提交投标文件。",
        "The supplier shall deliver the goods within thirty days. ",
        "评审委员会由相关专家组成。",
        "Acceptance will follow the published technical specification. ",
    ))


def write_txt(lines: list[str], path: Path) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_md(lines: list[str], path: Path) -> None:
    path.write_text("# 公告\n\n" + "\n\n".join(lines) + "\n", encoding="utf-8")


def write_html(lines: list[str], path: Path) -> None:
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in lines)
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>公告</title></head><body>\n{body}"
                    "</body></html>\n", encoding="utf-8")


def write_csv(lines: list[str], path: Path) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["序号", "内容"])
    for i, line in enumerate(lines, 1):
        writer.writerow([i, line])
    path.write_text(buf.getvalue(), encoding="utf-8")


def write_json(lines: list[str], path: Path) -> None:
    path.write_text(json.dumps({"title": "公告", "paragraphs": lines}, ensure_ascii=False, indent=1), encoding="utf-8")


def write_jsonl(lines: list[str], path: Path) -> None:
    path.write_text("".join(json.dumps({"id": i, "text": line}, ensure_ascii=False) + "\n"
                            for i, line in enumerate(lines)), encoding="utf-8")


def write_docx(lines: list[str], path: Path) -> None:
    """The first line goes into the page header (where markings sit), the last into a table."""
    import docx

    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = lines[0]
    for line in lines[1:-1]:
        doc.add_paragraph(line)
    if len(lines) > 1:
        doc.add_table(rows=1, cols=2).rows[0].cells[1].text = lines[-1]
    doc.save(str(path))


def write_xlsx(lines: list[str], path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "清单"
    ws.append(["序号", "内容"])
    for i, line in enumerate(lines, 1):
        ws.append([i, line])
    wb.save(str(path))


def write_pptx(lines: list[str], path: Path) -> None:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    body, notes = (lines[:-1], lines[-1]) if len(lines) > 1 else (lines, None)
    slide = None
    for start in range(0, len(body), 4):
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        box = slide.shapes.add_textbox(Inches(0.5), Inches(0.5), Inches(9), Inches(6))
        frame = box.text_frame
        for i, line in enumerate(body[start : start + 4]):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.text = line
    if notes is not None and slide is not None:
        # The last line in the speaker notes: a leak readers of the slides never see.
        slide.notes_slide.notes_text_frame.text = notes
    prs.save(str(path))


def write_pdf(lines: list[str], path: Path) -> None:
    import pymupdf

    doc = pymupdf.open()
    page = None
    y = 0.0
    for line in lines:
        if page is None or y > 780:
            page = doc.new_page(width=595, height=842)
            y = 60.0
        # One line per paragraph (lines are kept short enough), CJK-capable built-in font.
        page.insert_text((40, y), line, fontname="china-s", fontsize=9)
        y += 16
    doc.save(str(path), garbage=3, deflate=True)
    doc.close()


WRITERS: dict[str, Callable[[list[str], Path], None]] = {
    "txt": write_txt, "md": write_md, "html": write_html, "csv": write_csv, "json": write_json,
    "jsonl": write_jsonl, "docx": write_docx, "xlsx": write_xlsx, "pptx": write_pptx, "pdf": write_pdf,
}
# Formats whose paragraphs stay on their own lines, so standalone labels (`秘密`) read as labels.
_LABEL_FORMATS = frozenset({"txt", "md", "docx", "html", "pdf", "pptx"})


def _document(rng: random.Random, fmt: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Lines of one document and its planted (category, value) pairs."""
    lines: list[str] = []
    truth: list[tuple[str, str]] = []
    cats = rng.sample(CATEGORIES, rng.randint(2, 4))
    if "marking" in cats:
        # A marking is a label at the head of the document.
        sentence, value, cat = plant(rng, "marking", labels_ok=fmt in _LABEL_FORMATS)
        lines.append(sentence)
        truth.append((cat, value))
        cats.remove("marking")
    for _ in range(rng.randint(2, 4)):
        lines.append(_filler(rng) + _filler(rng))
    for cat in cats:
        sentence, value, c = plant(rng, cat)
        lines.append(_filler(rng) + sentence)
        truth.append((c, value))
        if value.startswith("postgres://"):
            truth.append(("internal_network", "10.20.30.40:5432"))  # the DSN's host is internal too
    for _ in range(rng.randint(1, 3)):
        lines.insert(rng.randint(1, len(lines)), decoy(rng))
    return lines, truth


def build(folder: Path, n_docs: int = 220, seed: int = SEED) -> list[Planted]:
    """Write the corpus into `folder`; return the ground truth."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    truth: list[Planted] = []
    formats = list(WRITERS)
    for i in range(n_docs):
        fmt = formats[i % len(formats)]
        lines, planted = _document(rng, fmt)
        name = f"doc-{i:03d}.{fmt}"
        WRITERS[fmt](lines, folder / name)
        truth.extend(Planted(f"{folder.name}/{name}", cat, value) for cat, value in planted)
    # Zips holding a text file and a docx, reported as members of their own.
    for j in range(6):
        zpath = folder / f"bundle-{j}.zip"
        with zipfile.ZipFile(zpath, "w") as zf:
            for inner_fmt in ("txt", "docx"):
                lines, planted = _document(rng, inner_fmt)
                tmp = folder / f".tmp.{inner_fmt}"
                WRITERS[inner_fmt](lines, tmp)
                inner = f"inner/notice-{j}.{inner_fmt}"
                zf.write(tmp, inner)
                tmp.unlink()
                truth.extend(Planted(f"{folder.name}/{zpath.name}!{inner}", cat, value) for cat, value in planted)
    return truth


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus-out")
    planted = build(out)
    print(f"{len(planted)} planted leaks in {out}")
