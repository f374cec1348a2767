"""Builders for the test fixtures of issue #5: OFD, e-mail, DXF, OpenDocument, OLE files and
rendered page images, all generated in the test's tmp_path (nothing is committed)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
OFD_NS = "http://www.ofdspec.org/2016"


def _xml(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}'


def build_ofd(
    pages: list[list[tuple[str, tuple[float, float, float, float]]]],
    *,
    author: str = "张伟",
    creator: str = "WPS Office",
    custom: dict[str, str] | None = None,
    annotation: tuple[str, str] | None = None,  # (creator, remark) on page 1
    attachment: tuple[str, bytes] | None = None,
    image: bytes | None = None,
    hidden_text: str | None = None,
    scan: tuple[bytes, float] | None = None,  # (PNG, page height in mm): one extra image-only page
    template: str | None = None,  # text of a template page (Tpls/) drawn under every page
) -> bytes:
    """A minimal valid OFD package; each page is a list of (text, boundary x y w h in mm)."""
    ns = f'xmlns:ofd="{OFD_NS}"'
    customs = "".join(f'<ofd:CustomData Name="{k}">{v}</ofd:CustomData>' for k, v in (custom or {}).items())
    ofd_xml = _xml(
        f'<ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
        f"<ofd:DocID>6ef1c1a0</ofd:DocID><ofd:Title>关于项目的通知</ofd:Title><ofd:Author>{author}</ofd:Author>"
        f"<ofd:CreationDate>2026-03-01</ofd:CreationDate><ofd:Creator>{creator}</ofd:Creator>"
        f"<ofd:CreatorVersion>11.8.2</ofd:CreatorVersion>"
        f"{'<ofd:CustomDatas>' + customs + '</ofd:CustomDatas>' if customs else ''}"
        f"</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    n_pages = len(pages) + (1 if scan else 0)
    page_refs = "".join(f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(n_pages))
    extras = ""
    if annotation:
        extras += "<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>"
    if attachment:
        extras += "<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments>"
    tpl = '<ofd:TemplatePage ID="5" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if template else ""
    document = _xml(
        f"<ofd:Document {ns}><ofd:CommonData><ofd:MaxUnitID>99</ofd:MaxUnitID><ofd:PageArea>"
        f"<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
        f"<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>{tpl}</ofd:CommonData>"
        f"<ofd:Pages>{page_refs}</ofd:Pages>{extras}</ofd:Document>"
    )
    files: dict[str, bytes | str] = {"OFD.xml": ofd_xml, "Doc_0/Document.xml": document}
    if template:
        files["Doc_0/Tpls/Tpl_0/Content.xml"] = _xml(
            f'<ofd:Page {ns}><ofd:Content><ofd:Layer ID="1"><ofd:TextObject ID="90" Boundary="20 5 150 8" '
            f'Font="3" Size="4"><ofd:TextCode X="0" Y="4">{template}</ofd:TextCode></ofd:TextObject>'
            f"</ofd:Layer></ofd:Content></ofd:Page>")
    for i, items in enumerate(pages):
        objs = ""
        for j, (text, (x, y, w, h)) in enumerate(items):
            objs += (f'<ofd:TextObject ID="{100 + j}" Boundary="{x} {y} {w} {h}" Font="3" Size="4">'
                     f'<ofd:TextCode X="0" Y="4">{text}</ofd:TextCode></ofd:TextObject>')
        if hidden_text and i == 0:
            objs += (f'<ofd:TextObject ID="99" Boundary="10 280 100 5" Font="3" Size="4" Visible="false">'
                     f'<ofd:TextCode X="0" Y="4">{hidden_text}</ofd:TextCode></ofd:TextObject>')
        files[f"Doc_0/Pages/Page_{i}/Content.xml"] = _xml(
            f'<ofd:Page {ns}><ofd:Content><ofd:Layer ID="2">{objs}</ofd:Layer></ofd:Content></ofd:Page>')
    media = ""
    if image is not None:
        media += ('<ofd:MultiMedia ID="50" Type="Image" Format="JPEG">'
                  "<ofd:MediaFile>photo.jpg</ofd:MediaFile></ofd:MultiMedia>")
        files["Doc_0/Res/photo.jpg"] = image
    if scan is not None:
        media += ('<ofd:MultiMedia ID="51" Type="Image" Format="PNG">'
                  "<ofd:MediaFile>scan.png</ofd:MediaFile></ofd:MultiMedia>")
        files["Doc_0/Res/scan.png"] = scan[0]
        files[f"Doc_0/Pages/Page_{len(pages)}/Content.xml"] = _xml(
            f'<ofd:Page {ns}><ofd:Content><ofd:Layer ID="3"><ofd:ImageObject ID="61" ResourceID="51" '
            f'Boundary="0 0 210 {scan[1]}" CTM="210 0 0 {scan[1]} 0 0"/></ofd:Layer></ofd:Content></ofd:Page>')
    res = f"<ofd:MultiMedias>{media}</ofd:MultiMedias>" if media else ""
    files["Doc_0/DocumentRes.xml"] = _xml(f'<ofd:Res {ns} BaseLoc="Res">{res}</ofd:Res>')
    if annotation:
        files["Doc_0/Annots/Annotations.xml"] = _xml(
            f'<ofd:Annotations {ns}><ofd:Page PageID="10"><ofd:FileLoc>Page_0/Annotation.xml</ofd:FileLoc>'
            f"</ofd:Page></ofd:Annotations>")
        files["Doc_0/Annots/Page_0/Annotation.xml"] = _xml(
            f'<ofd:PageAnnot {ns}><ofd:Annot ID="70" Type="Stamp" Creator="{annotation[0]}" '
            f'LastModDate="2026-03-02"><ofd:Remark>{annotation[1]}</ofd:Remark>'
            f'<ofd:Appearance Boundary="10 10 50 20"/></ofd:Annot></ofd:PageAnnot>')
    if attachment:
        files["Doc_0/Attachs/Attachments.xml"] = _xml(
            f'<ofd:Attachments {ns}><ofd:Attachment ID="80" Name="{attachment[0]}" Format="txt" '
            f'CreationDate="2026-03-01" Size="1"><ofd:FileLoc>{attachment[0]}</ofd:FileLoc>'
            f"</ofd:Attachment></ofd:Attachments>")
        files[f"Doc_0/Attachs/{attachment[0]}"] = attachment[1]
    return _zip(files)


def _zip(files: dict[str, bytes | str], first: tuple[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if first is not None:  # ODF: the mimetype entry comes first, stored uncompressed
            zf.writestr(zipfile.ZipInfo(first[0]), first[1], compress_type=zipfile.ZIP_STORED)
        for name, content in files.items():
            zf.writestr(name, content)
    return buf.getvalue()


def jpeg_with_gps() -> bytes:
    """A small JPEG with an EXIF GPS position (what a phone photo carries)."""
    from PIL import Image

    img = Image.new("RGB", (64, 48), "gray")
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (39.0, 54.0, 15.0)
    gps[3], gps[4] = "E", (116.0, 24.0, 27.0)
    exif[0x010F] = "Canon"
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def render_text_image(lines: list[str], *, width: int = 2480, line_height: int = 150, font_size: int = 42,
                      top: int = 100, left: int = 150) -> tuple[object, list[tuple[float, float, float, float]]]:
    """A 300-dpi page strip with `lines` drawn in a CJK font; returns the image and each line's
    drawn box in pixels (the planted regions)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(CJK_FONT, font_size)
    height = top * 2 + line_height * len(lines)
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    boxes = []
    for i, text in enumerate(lines):
        xy = (left, top + i * line_height)
        draw.text(xy, text, font=font, fill="black")
        boxes.append(tuple(float(v) for v in draw.textbbox(xy, text, font=font)))
    img.info["dpi"] = (300, 300)
    return img, boxes  # type: ignore[return-value]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def build_eml(*, attachment: tuple[str, bytes] | None = None, html: str | None = None, text: str = "",
              extra_headers: dict[str, str] | None = None) -> bytes:
    """A MIME message with internal relay headers, a body and optional attachment."""
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "张伟 <zhang.wei@example.gov.cn>"
    msg["To"] = "publish@example.gov.cn"
    msg["Subject"] = "转发：7301工程验收材料"
    msg["Message-ID"] = "<20260301.1234@mail01.corp.local>"
    msg["Received"] = "from pc-zhangwei.corp.local (10.12.3.45) by mail01.corp.local with ESMTP; Sun, 1 Mar 2026"
    msg["X-Mailer"] = "Foxmail 7.2.25"
    msg["X-Originating-IP"] = "[192.168.10.23]"
    for k, v in (extra_headers or {}).items():
        msg[k] = v
    msg.set_content(text or "见附件。")
    if html is not None:
        msg.add_alternative(html, subtype="html")
    if attachment is not None:
        msg.add_attachment(attachment[1], maintype="application", subtype="octet-stream", filename=attachment[0])
    return bytes(msg)


_ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
           'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
           'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
           'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
           'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xlink="http://www.w3.org/1999/xlink" '
           'office:version="1.3"')


def build_odf(kind: str, body: str, *, styles: str = "", initial_creator: str = "张伟",
              user_defined: dict[str, str] | None = None) -> bytes:
    """An OpenDocument package: `kind` is text|spreadsheet|presentation, `body` the inner XML
    of office:<kind>, `styles` automatic styles for content.xml."""
    udf = "".join(f'<meta:user-defined meta:name="{k}">{v}</meta:user-defined>'
                  for k, v in (user_defined or {}).items())
    meta = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_ODF_NS}><office:meta>'
            f"<meta:initial-creator>{initial_creator}</meta:initial-creator><dc:creator>李明</dc:creator>"
            f"<meta:generator>WPS Office/11.1</meta:generator>"
            f"<meta:creation-date>2026-03-01T09:00:00</meta:creation-date>"
            f'<meta:template xlink:href="file:///C:/Users/zhangwei/模板/红头.ott"/>{udf}'
            f"</office:meta></office:document-meta>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODF_NS}>'
               f"<office:automatic-styles>{styles}</office:automatic-styles>"
               f"<office:body><office:{kind}>{body}</office:{kind}></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                f'opendocument.{kind}"/></manifest:manifest>')
    return _zip({"content.xml": content, "meta.xml": meta, "META-INF/manifest.xml": manifest},
                first=("mimetype", f"application/vnd.oasis.opendocument.{kind}".encode()))


def build_dxf(*, geodata: tuple[float, float] | None = (116.4074, 39.9042), survey_extents: bool = False) -> bytes:
    """A DXF drawing with planted text, MTEXT, a block with attributes, XDATA and header values."""
    import ezdxf

    doc = ezdxf.new("R2018", setup=False)
    doc.header["$LASTSAVEDBY"] = "zhangwei"
    doc.header["$PROJECTNAME"] = "7301工程"
    doc.header["$HYPERLINKBASE"] = r"\\fileserver\design\7301"
    doc.layers.add("雷达站-基础")
    doc.appids.add("SURVEY")
    msp = doc.modelspace()
    msp.add_text("总平面图 机密★10年", dxfattribs={"layer": "雷达站-基础"})
    msp.add_mtext("现场负责人：李明\\P电话 13812345678")
    block = doc.blocks.new("TITLE-7301")
    block.add_attdef("DRAWER", insert=(0, 0), text="未填")
    insert = msp.add_blockref("TITLE-7301", (100, 100))
    insert.add_attrib("DRAWER", "身份证 11010519491231002X", (100, 100))
    image_def = doc.add_image_def(filename=r"\\fileserver\design\7301\site-photo.jpg", size_in_pixel=(640, 480))
    msp.add_image(image_def, insert=(0, 0), size_in_units=(6.4, 4.8))
    line = msp.add_line((0, 0), (10, 10))
    line.set_xdata("SURVEY", [(1000, "测量员 王芳 坐标 N39.9042 E116.4074")])
    if geodata is not None:
        geo = msp.new_geodata()
        geo.dxf.reference_point = (geodata[0], geodata[1], 0)
        geo.dxf.coordinate_type = 2
    if survey_extents:  # a site boundary drawn in CGCS2000 3-degree-zone grid coordinates
        msp.add_line((39_512_345.0, 4_419_876.0), (39_513_345.0, 4_420_876.0))
    stream = io.StringIO()
    doc.write(stream)
    return stream.getvalue().encode("utf-8")


# ---- OLE compound files (legacy .doc/.xls/.ppt), written by hand: no Python library creates them.

_FREE, _END, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def build_cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal CFB v3 file with the given root-level streams (each padded to >= 4096 bytes so
    that all live in the regular FAT and no mini stream is needed)."""
    import struct

    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    datas = [streams[n].ljust(4096, b"\0") for n in names]
    sector_data: list[bytes] = []
    starts: list[int] = []
    fat: list[int] = []
    for data in datas:
        padded = data + b"\0" * (-len(data) % 512)
        first = len(sector_data)
        starts.append(first)
        count = len(padded) // 512
        for i in range(count):
            sector_data.append(padded[i * 512 : (i + 1) * 512])
            fat.append(first + i + 1 if i < count - 1 else _END)
    # directory: root + one entry per stream, chained through right siblings
    entries = []

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", _FREE, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<II", start, size) + b"\0" * 4)

    entries.append(entry("Root Entry", 5, 1 if names else _FREE, _FREE, _END, 0))
    for i, (name, data) in enumerate(zip(names, datas, strict=True)):
        right = i + 2 if i + 1 < len(names) else _FREE
        entries.append(entry(name, 2, _FREE, right, starts[i], len(data)))
    directory = b"".join(entries)
    directory += b"\0" * (-len(directory) % 512)
    dir_start = len(sector_data)
    dir_count = len(directory) // 512
    for i in range(dir_count):
        sector_data.append(directory[i * 512 : (i + 1) * 512])
        fat.append(dir_start + i + 1 if i < dir_count - 1 else _END)
    fat_count = 1
    while (len(sector_data) + fat_count) > fat_count * 128:
        fat_count += 1
    fat_start = len(sector_data)
    fat.extend([_FATSECT] * fat_count)
    fat.extend([_FREE] * (fat_count * 128 - len(fat)))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    difat = [fat_start + i for i in range(fat_count)] + [_FREE] * (109 - fat_count)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, fat_count, dir_start, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<109I", *difat))
    return header + b"".join(sector_data) + fat_bytes


def summary_information(props: dict[int, str], codepage: int = 936) -> bytes:
    """A SummaryInformation property set stream (PIDSI ids: 2 title, 4 author, 7 template,
    8 last saved by, 18 application) with strings in `codepage`."""
    import struct

    fmtid = bytes.fromhex("e0859ff2f94f6810ab9108002b27b3d9")
    values = [(1, struct.pack("<HHh", 2, 0, codepage) + b"\0\0")]
    for pid, text in props.items():
        raw = text.encode(f"cp{codepage}") + b"\0"
        raw += b"\0" * (-len(raw) % 4)
        values.append((pid, struct.pack("<HHI", 0x1E, 0, len(raw.rstrip(b"\0")) + 1) + raw))
    offset = 8 + 8 * len(values)
    table, blob = b"", b""
    for pid, value in values:
        table += struct.pack("<II", pid, offset + len(blob))
        blob += value
    section = struct.pack("<II", 8 + len(table) + len(blob), len(values)) + table + blob
    header = struct.pack("<HHI", 0xFFFE, 0, 0x00020006) + b"\0" * 16 + struct.pack("<I", 1) + fmtid
    header += struct.pack("<I", len(header) + 4)
    return header + section


def build_doc(body: str, comment: str = "", meta: dict[int, str] | None = None) -> bytes:
    """A minimal Word 97 binary: FIB, UTF-16 text at 0x400, one-piece piece table in 1Table."""
    import struct

    text = body + comment
    fib = bytearray(1024)
    struct.pack_into("<HH", fib, 0, 0xA5EC, 0x00C1)
    struct.pack_into("<H", fib, 0x0A, 0x0200)  # fWhichTblStm: the table stream is 1Table
    struct.pack_into("<H", fib, 32, 14)  # csw
    struct.pack_into("<H", fib, 62, 22)  # cslw
    struct.pack_into("<i", fib, 64 + 3 * 4, len(body))  # ccpText
    struct.pack_into("<i", fib, 64 + 7 * 4, len(comment))  # ccpAtn
    struct.pack_into("<H", fib, 152, 0x5D)  # cbRgFcLcb
    plc = struct.pack("<II", 0, len(text)) + struct.pack("<HIH", 0, 0x400, 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    struct.pack_into("<II", fib, 154 + 33 * 8, 0, len(clx))  # fcClx, lcbClx
    word = bytes(fib) + text.encode("utf-16-le")
    streams = {"WordDocument": word, "1Table": clx}
    if meta:
        streams["\x05SummaryInformation"] = summary_information(meta)
    return build_cfb(streams)


def build_xls(sheets: list[tuple[str, int, list[str]]]) -> bytes:
    """A minimal BIFF8 workbook: (sheet name, hidden state 0/1/2, strings in column A)."""
    import struct

    def rec(rtype: int, body: bytes) -> bytes:
        return struct.pack("<HH", rtype, len(body)) + body

    strings = [s for _, _, cells in sheets for s in cells]
    sst = struct.pack("<II", len(strings), len(strings))
    for s in strings:
        sst += struct.pack("<HB", len(s), 1) + s.encode("utf-16-le")
    bof = rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
    globals_ = bof
    for name, state, _ in sheets:
        globals_ += rec(0x0085, struct.pack("<IBB", 0, state, 0) + struct.pack("<BB", len(name), 1)
                        + name.encode("utf-16-le"))
    globals_ += rec(0x00FC, sst) + rec(0x000A, b"")
    body = globals_
    index = 0
    for _, _, cells in sheets:
        body += rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))
        for row, _ in enumerate(cells):
            body += rec(0x00FD, struct.pack("<HHHI", row, 0, 15, index))
            index += 1
        body += rec(0x000A, b"")
    return build_cfb({"Workbook": body})


def build_ppt(slide_text: str, notes_text: str) -> bytes:
    """A PowerPoint stream with one slide text atom and one notes container holding text."""
    import struct

    def atom(rtype: int, body: bytes) -> bytes:
        return struct.pack("<HHI", 0, rtype, len(body)) + body

    def container(rtype: int, body: bytes) -> bytes:
        return struct.pack("<HHI", 0x000F, rtype, len(body)) + body

    slide = container(0x03EE, atom(0x0FA0, slide_text.encode("utf-16-le")))
    notes = container(0x03F0, atom(0x0FA0, notes_text.encode("utf-16-le")))
    return build_cfb({"PowerPoint Document": container(0x03E8, slide + notes)})
