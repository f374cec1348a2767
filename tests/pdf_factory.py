"""Builders for real PDFs with planted hidden data, written with PyMuPDF, for the PDF extractor
and sanitiser tests.

ASCII markers are written with the base-14 Helvetica font so they sit in the content stream as
literal strings (a byte search can find them); Chinese text uses the WenQuanYi font (CID-encoded,
so it is checked through text extraction instead).
"""

from __future__ import annotations

import io
import math
import re
import zlib
from pathlib import Path

import pymupdf
from PIL import Image

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

VISIBLE = "Progress report: foundation works finished on time."
VISIBLE_ZH = "项目进度报告：基础工程按期完成"
PHONE = "13812345678"  # visible, a content finding the sanitiser must redact
ID_UNDER_BOX = "11010519491231002X"  # valid PRC ID, drawn over with a black box (bad redaction)
WHITE = "WHITE-SECRET-5521"
WHITE_ZH = "白色隐藏文字"
TINY = "TINY-SECRET-8830"
OFFPAGE = "OFFPAGE-SECRET-4417"
COMMENT = "COMMENT-SECRET-2290 请删除此段"
COMMENT_AUTHOR = "Li Si 李四"
ATTACHMENT_NAME = "notes.txt"
ATTACHMENT = b"ATTACH-SECRET-6612 internal notes, contact 13900001111"
AUTHOR = "Zhang San 张三"
CUSTOM_KEY = "Department"
CUSTOM = "CUSTOM-SECRET-3318"
XMP_PATH = "C:\\Users\\zhangsan\\Desktop\\project-7301.docx"
XMP_AGENT = "Adobe Acrobat Pro 23.1"
JS = "JS-SECRET-7741"
REMOVED = "REMOVED-SECRET-9902 old paragraph"
REMOVED_ZH = "旧段落：施工地点在某县某镇"
REMOVED_PHONE = "13700002222"

XMP = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
    xmpMM:DocumentID="uuid:1f0c7a52-7301-4c1b-9d55-0a1b2c3d4e5f"
    xmpMM:InstanceID="uuid:9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d">
   <dc:creator><rdf:Seq><rdf:li>{AUTHOR}</rdf:li></rdf:Seq></dc:creator>
   <xmpMM:History><rdf:Seq>
    <rdf:li stEvt:action="created" stEvt:when="2026-03-01T09:00:00+08:00"
      stEvt:softwareAgent="{XMP_AGENT}" stEvt:instanceID="uuid:aaaa-0001"/>
    <rdf:li stEvt:action="saved" stEvt:when="2026-03-02T10:00:00+08:00"
      stEvt:softwareAgent="{XMP_AGENT}" stEvt:changed="/" stEvt:instanceID="uuid:aaaa-0002"/>
   </rdf:Seq></xmpMM:History>
   <xmpMM:DerivedFrom>{XMP_PATH}</xmpMM:DerivedFrom>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""

# Every planted value that must be gone from a sanitised file (by byte search or text search).
ASCII_SECRETS = (ID_UNDER_BOX, WHITE, TINY, OFFPAGE, "COMMENT-SECRET-2290", "ATTACH-SECRET-6612", CUSTOM,
                 "zhangsan", "Zhang San", "JS-SECRET-7741", "REMOVED-SECRET-9902", PHONE, REMOVED_PHONE, XMP_AGENT)
TEXT_SECRETS = (*ASCII_SECRETS, WHITE_ZH, REMOVED_ZH, "张三", "李四")


def _cjk(page: pymupdf.Page) -> str:
    page.insert_font(fontname="wqy", fontfile=CJK_FONT)
    return "wqy"


def jpeg_with_exif() -> bytes:
    """A small JPEG carrying an EXIF block (camera model), as a phone photo would."""
    img = Image.new("RGB", (64, 48), (120, 160, 200))
    exif = Image.Exif()
    exif[0x0110] = "PlantedCam X100"  # Model
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif.tobytes())
    return buf.getvalue()


def build_leaky_pdf(path: Path) -> bytes:
    """A two-revision PDF with every kind of hidden data the extractor looks for.

    Revision 1 holds a paragraph (`REMOVED`) that revision 2, an incremental save, truly redacts
    from the page: the current version does not show it, the earlier revision still does.
    """
    doc = pymupdf.open()
    page = doc.new_page()  # A4 portrait, 595 x 842
    zh = _cjk(page)
    page.insert_text((72, 72), VISIBLE, fontname="helv", fontsize=11)
    page.insert_text((72, 92), VISIBLE_ZH, fontname=zh, fontsize=11)
    page.insert_text((72, 112), f"Site manager phone {PHONE}", fontname="helv", fontsize=11)
    page.insert_text((72, 140), f"ID number: {ID_UNDER_BOX} (see file)", fontname="helv", fontsize=11)
    box = page.search_for(ID_UNDER_BOX)[0]
    # Drawn over the text: a fake redaction. Whole-point edges so the box renders as one solid colour.
    box = pymupdf.Rect(math.floor(box.x0) - 1, math.floor(box.y0) - 1, math.ceil(box.x1) + 1, math.ceil(box.y1) + 1)
    page.draw_rect(box, color=None, fill=(0, 0, 0))
    page.insert_text((72, 170), WHITE, fontname="helv", fontsize=11, color=(1, 1, 1))
    page.insert_text((250, 170), WHITE_ZH, fontname=zh, fontsize=11, color=(1, 1, 1))
    page.insert_text((72, 190), TINY, fontname="helv", fontsize=1)
    page.insert_text((650, 900), OFFPAGE, fontname="helv", fontsize=11)
    page.insert_text((72, 220), REMOVED, fontname="helv", fontsize=11)
    page.insert_text((72, 240), f"{REMOVED_ZH} {REMOVED_PHONE}", fontname=zh, fontsize=11)
    page.insert_text((72, 300), "Photo of the site:", fontname="helv", fontsize=11)
    page.insert_image(pymupdf.Rect(72, 310, 200, 406), stream=jpeg_with_exif())
    note = page.add_text_annot((400, 72), COMMENT)
    note.set_info(title=COMMENT_AUTHOR)
    note.update()
    doc.embfile_add(ATTACHMENT_NAME, ATTACHMENT, filename=ATTACHMENT_NAME)
    doc.set_metadata({"author": AUTHOR, "title": "Progress report", "producer": "PlantedWriter 1.0"})
    info = int(doc.xref_get_key(-1, "Info")[1].split()[0])
    doc.xref_set_key(info, CUSTOM_KEY, pymupdf.get_pdf_str(CUSTOM))
    doc.set_xml_metadata(XMP)
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"<</S/JavaScript/JS(app.alert\\('{JS}'\\))>>")
    doc.save(path)
    doc.close()

    # Revision 2: the author removes the paragraph properly, but saves incrementally.
    doc = pymupdf.open(path)
    page = doc[0]
    for needle in (REMOVED, REMOVED_ZH):
        for rect in page.search_for(needle):
            page.add_redact_annot(pymupdf.Rect(rect.x0 - 1, rect.y0 - 1, rect.x1 + 300, rect.y1 + 1))
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE, graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
    doc.saveIncr()
    doc.close()
    return path.read_bytes()


def build_text_pdf(path: Path, pages: int, lines_per_page: int = 40) -> bytes:
    """A plain multi-page report in Chinese and English (for speed and clean-file tests)."""
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page()
        zh = _cjk(page)
        lines = []
        for row in range(lines_per_page):
            if row % 2:
                lines.append(f"第{number + 1}页第{row}行：施工单位按期完成基础工程，质量验收合格。")
            else:
                lines.append(f"Page {number + 1} line {row}: the contractor completed the foundation on schedule.")
        page.insert_text((50, 60), "\n".join(lines), fontname=zh, fontsize=9)
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    path.write_bytes(data)
    return data


def all_stream_bytes(data: bytes) -> list[bytes]:
    """The raw file, every object and every decompressed stream of the current version, and every
    Flate stream found anywhere in the bytes (objects of earlier revisions are not in the current
    cross-reference table, yet they are in the file): where a leftover could hide."""
    out = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            out.append(zlib.decompressobj().decompress(data[match.end():match.end() + 4_000_000]))
        except zlib.error:
            continue
    doc = pymupdf.open(stream=data, filetype="pdf")
    for xref in range(1, doc.xref_length()):
        try:
            out.append(doc.xref_object(xref).encode("latin-1", "replace"))
            if doc.xref_is_stream(xref):
                out.append(doc.xref_stream(xref) or b"")
        except Exception:  # noqa: BLE001 - free or broken entries hold nothing
            continue
    doc.close()
    return out
