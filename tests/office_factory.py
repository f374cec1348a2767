"""Builders for real Office files with planted hidden data, for extractor and sanitiser tests.

python-docx, openpyxl and python-pptx write the visible parts; what they cannot write (tracked
changes, hidden sheets' states, notes, comments, custom properties...) is added by editing the
raw XML of the saved package, exactly as Word/Excel/PowerPoint store it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from PIL import Image

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# Planted values: each must be found by the extractor and be gone after sanitising.
AUTHOR = "Zhang Wei 张伟"
LAST_MODIFIED_BY = "Li Si 李四"
COMPANY = "第七研究所 Seventh Institute"
CUSTOM_VALUE = "内部项目编号 ZB-2026-7301"
DELETED_TEXT = "删除的文字 deleted secret 7301"
INSERTED_TEXT = "inserted words 新增"
COMMENT_TEXT = "批注：不要公开 do not publish"
HIDDEN_TEXT = "隐藏文字 hidden run 机密"
VISIBLE_TEXT = "公开招标公告 public tender notice"
TABLE_TEXT = "表格单元 table cell"
HEADER_TEXT = "页眉 header line"
FOOTER_TEXT = "页脚 footer line"
TEXTBOX_TEXT = "文本框 textbox words"
ID_NUMBER = "11010519491231002X"  # valid PRC resident ID checksum
PHONE = "13812345678"
DOC_VAR = "docvar \\\\fileserver\\secret\\plan.docx"
CAMERA = "SecretCam 9000"


def jpeg_with_exif(color: str = "red") -> bytes:
    """A small JPEG carrying an EXIF camera model (planted metadata)."""
    img = Image.new("RGB", (32, 24), color)
    exif = Image.Exif()
    exif[0x0110] = CAMERA  # Model
    exif[0x010F] = "MakerCorp"
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif.tobytes())
    return buf.getvalue()


def edit_package(path: Path, edits: dict[str, Callable[[bytes | None], bytes | None]]) -> None:
    """Rewrite members of a saved package: each edit gets the old bytes (None if absent) and
    returns the new bytes (None deletes the member)."""
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    for name, fn in edits.items():
        new = fn(members.get(name))
        if new is None:
            members.pop(name, None)
        else:
            members[name] = new
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)


def all_member_bytes(path_or_data: Path | bytes) -> bytes:
    """Every member of a zip, decompressed and concatenated (for byte-level absence checks)."""
    data = path_or_data if isinstance(path_or_data, bytes) else path_or_data.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return b"\n".join(zf.read(i) for i in zf.infolist())


def contains_text(blob: bytes, text: str) -> bool:
    """True when `text` appears in the blob as UTF-8 or XML-escaped UTF-8."""
    encoded = text.encode("utf-8")
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode("utf-8")
    return encoded in blob or escaped in blob


def _insert_before(xml: bytes, marker: bytes, addition: bytes) -> bytes:
    index = xml.rfind(marker)
    assert index >= 0, marker
    return xml[:index] + addition + xml[index:]


def _add_custom_props(edits: dict[str, Callable[[bytes | None], bytes | None]]) -> None:
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="ProjectCode">'
        f"<vt:lpwstr>{CUSTOM_VALUE}</vt:lpwstr></property></Properties>"
    ).encode()
    edits["docProps/custom.xml"] = lambda _old: custom

    def ct(old: bytes | None) -> bytes:
        assert old is not None
        if b"docProps/custom.xml" in old:
            return old
        return _insert_before(old, b"</Types>", b'<Override PartName="/docProps/custom.xml" ContentType='
                              b'"application/vnd.openxmlformats-officedocument.custom-properties+xml"/>')

    def rels(old: bytes | None) -> bytes:
        assert old is not None
        return _insert_before(old, b"</Relationships>", b'<Relationship Id="rIdCustom9" Type="http://schemas.'
                              b'openxmlformats.org/officeDocument/2006/relationships/custom-properties" '
                              b'Target="docProps/custom.xml"/>')

    edits["[Content_Types].xml"] = ct
    edits["_rels/.rels"] = rels


def _add_company(edits: dict[str, Callable[[bytes | None], bytes | None]]) -> None:
    def app(old: bytes | None) -> bytes:
        if old is None:
            return (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.'
                'openxmlformats.org/officeDocument/2006/extended-properties"><Company>'
                f"{COMPANY}</Company><Manager>{AUTHOR}</Manager></Properties>"
            ).encode()
        return _insert_before(old, b"</Properties>", f"<Company>{COMPANY}</Company>".encode())

    edits["docProps/app.xml"] = app


def make_docx(path: Path, *, revisions: bool = True, hidden: bool = True, comments: bool = True,
              metadata: bool = True, image: bool = True, textbox: bool = True, extra_body: str = "") -> Path:
    """A Word document with every kind of hidden data this project knows about."""
    import docx

    document = docx.Document()
    document.add_paragraph(VISIBLE_TEXT)
    if extra_body:
        document.add_paragraph(extra_body)
    anchor = document.add_paragraph("Contact: ")
    anchor.add_run(PHONE)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = TABLE_TEXT
    table.cell(0, 1).text = ID_NUMBER
    section = document.sections[0]
    section.header.paragraphs[0].text = HEADER_TEXT
    section.footer.paragraphs[0].text = FOOTER_TEXT
    if hidden:
        para = document.add_paragraph("visible before ")
        para.add_run(HIDDEN_TEXT).font.hidden = True
    if comments:
        para = document.add_paragraph("commented words")
        document.add_comment(para.runs, text=COMMENT_TEXT, author=AUTHOR, initials="ZW")
    if revisions:
        document.add_paragraph("REVISION_ANCHOR")
    if textbox:
        document.add_paragraph("TEXTBOX_ANCHOR")
    if image:
        document.add_picture(io.BytesIO(jpeg_with_exif()))
    if metadata:
        document.core_properties.author = AUTHOR
        document.core_properties.last_modified_by = LAST_MODIFIED_BY
        document.core_properties.title = "Tender notice"
    document.save(path)

    edits: dict[str, Callable[[bytes | None], bytes | None]] = {}

    def body(old: bytes | None) -> bytes:
        assert old is not None
        xml = old
        if revisions:
            tracked = (
                f'<w:r><w:t xml:space="preserve">kept </w:t></w:r>'
                f'<w:del w:id="901" w:author="{AUTHOR}" w:date="2026-01-02T03:04:05Z">'
                f'<w:r><w:delText xml:space="preserve">{DELETED_TEXT}</w:delText></w:r></w:del>'
                f'<w:ins w:id="902" w:author="{LAST_MODIFIED_BY}" w:date="2026-01-02T03:04:06Z">'
                f"<w:r><w:t>{INSERTED_TEXT}</w:t></w:r></w:ins>"
            ).encode()
            xml = xml.replace(b"<w:r><w:t>REVISION_ANCHOR</w:t></w:r>", tracked)
        if textbox:
            box = (
                '<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
                '<mc:Choice xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
                'Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r>'
                f"<w:t>{TEXTBOX_TEXT}</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
                '<mc:Fallback><w:pict><w:txbxContent><w:p><w:r>'
                f"<w:t>{TEXTBOX_TEXT}</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>"
                "</mc:AlternateContent></w:r>"
            ).encode()
            xml = xml.replace(b"<w:r><w:t>TEXTBOX_ANCHOR</w:t></w:r>", box)
        return xml

    edits["word/document.xml"] = body
    if metadata:
        _add_custom_props(edits)
        _add_company(edits)

        def settings(old: bytes | None) -> bytes:
            assert old is not None
            var = DOC_VAR.replace("\\", "\\")
            addition = f'<w:docVars><w:docVar w:name="SourcePath" w:val="{var}"/></w:docVars>'.encode()
            return _insert_before(old, b"</w:settings>", addition)

        edits["word/settings.xml"] = settings
    edit_package(path, edits)
    return path


HIDDEN_SHEET_VALUE = "隐藏工作表 hidden sheet cost 998877"
VERY_HIDDEN_VALUE = "very hidden 绝密 value"
HIDDEN_ROW_VALUE = "hidden row 行 content"
HIDDEN_COL_VALUE = "hidden column 列 content"
CELL_COMMENT = "单元格批注 cell note secret"
NAME_PATH = "'\\\\fileserver\\finance\\[budget2026.xlsx]Sheet1'!$A$1"
VISIBLE_CELL = "公开数据 visible cell"


def make_xlsx(path: Path, *, metadata: bool = True, image: bool = True) -> Path:
    """A workbook with a hidden and a very hidden sheet, a hidden row and column, a cell note,
    a defined name pointing at a network share, and an image with EXIF."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image as XlImage
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Public"
    ws["A1"] = VISIBLE_CELL
    ws["A2"] = ID_NUMBER
    ws["B2"] = int(PHONE)
    ws["A3"] = "=1+1"
    ws["A5"] = HIDDEN_ROW_VALUE
    ws.row_dimensions[5].hidden = True
    ws["D1"] = HIDDEN_COL_VALUE
    ws.column_dimensions["D"].hidden = True
    ws["C1"] = "noted cell"
    ws["C1"].comment = Comment(CELL_COMMENT, AUTHOR)
    hidden = wb.create_sheet("Costs")
    hidden["A1"] = HIDDEN_SHEET_VALUE
    hidden.sheet_state = "hidden"
    very = wb.create_sheet("Secret")
    very["B3"] = VERY_HIDDEN_VALUE
    very.sheet_state = "veryHidden"
    wb.defined_names["SourceBudget"] = DefinedName("SourceBudget", attr_text=NAME_PATH)
    if image:
        ws.add_image(XlImage(io.BytesIO(jpeg_with_exif("blue"))), "F2")
    if metadata:
        wb.properties.creator = AUTHOR
        wb.properties.lastModifiedBy = LAST_MODIFIED_BY
    wb.save(path)
    edits: dict[str, Callable[[bytes | None], bytes | None]] = {}
    _use_shared_strings(edits)
    edit_package(path, edits)
    if metadata:
        more: dict[str, Callable[[bytes | None], bytes | None]] = {}
        _add_custom_props(more)
        _add_company(more)
        edit_package(path, more)
    return path


FORMULA_CACHED = "cached 外部 value"


def _use_shared_strings(edits: dict[str, Callable[[bytes | None], bytes | None]]) -> None:
    """Store the visible A1 and the hidden sheet's value as shared strings (as Excel does) and
    add formulas with cached values, one reading a workbook on a network share."""
    x_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    edits["xl/sharedStrings.xml"] = lambda _old: (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{x_ns}" count="2" uniqueCount="2">'
        f"<si><t>{HIDDEN_SHEET_VALUE}</t></si><si><r><t>公开数据 </t></r><r><t>visible cell</t></r>"
        '<rPh sb="0" eb="1"><t>phonetic</t></rPh></si></sst>'
    ).encode()

    def sheet1(old: bytes | None) -> bytes:
        assert old is not None
        visible = "&#20844;&#24320;&#25968;&#25454; visible cell"
        old = old.replace(f'<c r="A1" t="inlineStr"><is><t>{visible}</t></is></c>'.encode(),
                          b'<c r="A1" t="s"><v>1</v></c>')
        path_formula = "'\\\\fileserver\\finance\\[budget2026.xlsx]Sheet1'!A1"
        return old.replace(b"<f>1+1</f><v></v></c>", (
            f'<f>1+1</f><v>2</v></c><c r="C3" t="str"><f>{path_formula}</f><v>{FORMULA_CACHED}</v></c>'
        ).encode())

    def sheet2(old: bytes | None) -> bytes:
        assert old is not None
        value = "".join(ch if ord(ch) < 128 else f"&#{ord(ch)};" for ch in HIDDEN_SHEET_VALUE)
        new = old.replace(f'<c r="A1" t="inlineStr"><is><t>{value}</t></is></c>'.encode(),
                          b'<c r="A1" t="s"><v>0</v></c>')
        assert new != old
        return new

    def rels(old: bytes | None) -> bytes:
        assert old is not None
        return _insert_before(old, b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.'
                              b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                              b'Target="sharedStrings.xml"/>')

    def content_types(old: bytes | None) -> bytes:
        assert old is not None
        return _insert_before(old, b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                              b'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')

    edits["xl/worksheets/sheet1.xml"] = sheet1
    edits["xl/worksheets/sheet2.xml"] = sheet2
    edits["xl/_rels/workbook.xml.rels"] = rels
    edits["[Content_Types].xml"] = content_types


NOTES_TEXT = "演讲者备注 speaker notes secret"
HIDDEN_SLIDE_TEXT = "隐藏幻灯片 hidden slide content"
OFF_SLIDE_TEXT = "幻灯片外 parked off slide"
SLIDE_TEXT = "公开演示 public slide title"
PPT_COMMENT = "幻灯片批注 slide comment text"
PPT_TABLE_TEXT = "演示表格 table text"


def make_pptx(path: Path, *, metadata: bool = True, image: bool = True) -> Path:
    """A presentation with notes, a hidden slide, a shape off the slide, a legacy comment,
    a table and an image with EXIF."""
    from pptx import Presentation
    from pptx.util import Emu, Inches

    prs = Presentation()
    layout = prs.slide_layouts[5]  # title only
    s1 = prs.slides.add_slide(layout)
    s1.shapes.title.text = SLIDE_TEXT
    box = s1.shapes.add_textbox(Inches(1), Inches(2), Inches(4), Inches(1))
    box.text_frame.text = f"Call {PHONE}"
    table = s1.shapes.add_table(1, 2, Inches(1), Inches(3), Inches(4), Inches(1)).table
    table.cell(0, 0).text = PPT_TABLE_TEXT
    table.cell(0, 1).text = ID_NUMBER
    off = s1.shapes.add_textbox(Emu(prs.slide_width + Inches(1)), Inches(1), Inches(3), Inches(1))
    off.text_frame.text = OFF_SLIDE_TEXT
    s1.notes_slide.notes_text_frame.text = NOTES_TEXT
    if image:
        s1.shapes.add_picture(io.BytesIO(jpeg_with_exif("green")), Inches(6), Inches(4))
    s2 = prs.slides.add_slide(layout)
    s2.shapes.title.text = HIDDEN_SLIDE_TEXT
    s2._element.set("show", "0")
    if metadata:
        prs.core_properties.author = AUTHOR
        prs.core_properties.last_modified_by = LAST_MODIFIED_BY
    prs.save(path)

    edits: dict[str, Callable[[bytes | None], bytes | None]] = {}
    p_ns = "http://schemas.openxmlformats.org/presentationml/2006/main"
    edits["ppt/comments/comment1.xml"] = lambda _old: (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:cmLst xmlns:p="{p_ns}">'
        f'<p:cm authorId="0" dt="2026-01-01T00:00:00.000" idx="1"><p:pos x="10" y="10"/>'
        f"<p:text>{PPT_COMMENT}</p:text></p:cm></p:cmLst>"
    ).encode()
    edits["ppt/commentAuthors.xml"] = lambda _old: (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:cmAuthorLst xmlns:p="{p_ns}">'
        f'<p:cmAuthor id="0" name="{AUTHOR}" initials="ZW" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>'
    ).encode()
    rel_base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    def slide_rels(old: bytes | None) -> bytes:
        assert old is not None
        return _insert_before(old, b"</Relationships>", f'<Relationship Id="rIdCm1" Type="{rel_base}/comments" '
                              f'Target="../comments/comment1.xml"/>'.encode())

    def pres_rels(old: bytes | None) -> bytes:
        assert old is not None
        return _insert_before(old, b"</Relationships>", f'<Relationship Id="rIdAuth1" Type="{rel_base}/'
                              f'commentAuthors" Target="commentAuthors.xml"/>'.encode())

    def content_types(old: bytes | None) -> bytes:
        assert old is not None
        ct = "application/vnd.openxmlformats-officedocument.presentationml."
        return _insert_before(old, b"</Types>", (
            f'<Override PartName="/ppt/comments/comment1.xml" ContentType="{ct}comments+xml"/>'
            f'<Override PartName="/ppt/commentAuthors.xml" ContentType="{ct}commentAuthors+xml"/>').encode())

    edits["ppt/slides/_rels/slide1.xml.rels"] = slide_rels
    edits["ppt/_rels/presentation.xml.rels"] = pres_rels
    edits["[Content_Types].xml"] = content_types
    edit_package(path, edits)
    if metadata:
        more: dict[str, Callable[[bytes | None], bytes | None]] = {}
        _add_custom_props(more)
        _add_company(more)
        edit_package(path, more)
    return path


def make_white_tiny_docx(path: Path) -> Path:
    """White text on white, 1 pt text (both hidden) and white text on a dark paragraph (not)."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    para = document.add_paragraph("normal ")
    para.add_run("white secret 白色文字").font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    para.add_run(" tiny secret 小字").font.size = Pt(1)
    shaded = document.add_paragraph()
    shaded.add_run("white on dark 深色底").font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    shd = shaded._p.get_or_add_pPr().makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:fill"): "1F3864"})
    shaded._p.get_or_add_pPr().append(shd)
    document.save(path)
    return path
