# ruff: noqa: E501  (OOXML literals are long lines by nature)
"""Generate the bundled demo set: realistic (fictional) zh/en documents with planted leaks and
hidden data, plus a small public corpus and a draft for the aggregation demo.

    .venv/bin/python samples/make_samples.py        # rewrites samples/documents, corpus, drafts

Everything here is invented: the agency, the "7301工程" project, people, numbers. ID numbers and
card numbers carry valid check digits so that detectors treat them as real. The generated files
are committed; re-running gives the same content (timestamps fixed where formats store them).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCS = HERE / "documents"
CORPUS = HERE / "corpus"
DRAFTS = HERE / "drafts"
FIXED = datetime(2026, 3, 18, 9, 30, 0)
ZIP_TIME = (2026, 3, 18, 9, 30, 0)


# ---------------------------------------------------------------- valid-looking identifiers
def cn_id(prefix17: str) -> str:
    """Append the ISO 7064 MOD 11-2 check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(prefix17, weights, strict=True))
    return prefix17 + "10X98765432"[total % 11]


def luhn(prefix: str) -> str:
    digits = [int(c) for c in prefix]
    for i in range(len(digits) - 1, -1, -2):
        digits[i] = digits[i] * 2 - 9 if digits[i] * 2 > 9 else digits[i] * 2
    return prefix + str((10 - sum(digits) % 10) % 10)


MANAGER_ID = cn_id("33010619850312123")  # site manager 王建国
WINNER_PM_ID = cn_id("33108219790908451")  # winning bidder's project manager
ACCOUNTANT_ID = cn_id("11010519900101002")
CARD = luhn("622202120300456789")  # UnionPay, 19 digits
AGENCY_PHONE = "0571-87654321"  # published contact line (allowed by the procurement-notice profile)
MANAGER_MOBILE = "139 5711 2345"
PRESS_PHONE = "0571-87650000"


# ---------------------------------------------------------------- plain text documents
PROCUREMENT_NOTICE = f"""江北市公共资源交易中心
配套道路及附属设施建设项目 招标公告

项目编号：JBGC-2026-0118
采购人：江北市交通建设投资有限公司
采购代理机构：江北市公共资源交易中心

一、项目概况
本项目为7301工程配套道路及附属设施建设，道路全长约3.2公里，起点位于青石县石门镇柳河村北侧，
终点接入现有县道X215。施工地点坐标：东经120°12′30″，北纬30°15′45″。

二、投标人资格要求
1. 具有独立承担民事责任的能力；
2. 具备公路工程施工总承包二级及以上资质。

三、联系方式
采购代理机构联系人：刘女士，联系电话：{AGENCY_PHONE}
现场踏勘联系人：王建国（项目现场负责人），手机：{MANAGER_MOBILE}，身份证号：{MANAGER_ID}

投标文件递交截止时间：2026年4月20日9时30分（北京时间）。投标文件在开标前保密。
"""

CLEAN_NOTICE = """江北市第三中学食堂食材采购项目 成交结果公告

项目编号：JBCG-2026-0342
一、成交信息
成交供应商：江北市鲜达农副产品配送有限公司
成交金额：人民币壹佰贰拾捌万元整（¥1,280,000.00）

二、主要标的信息
大米、食用油、蔬菜、肉类等食材配送服务，服务期一年。

三、公告期限
自本公告发布之日起1个工作日。

四、其他补充事宜
各有关当事人对成交结果有异议的，可以在成交结果公告期限届满之日起7个工作日内，以书面形式提出质疑。
联系方式详见江北市政府采购网。
"""

AWARD_NOTICE_GBK = f"""江北市公共资源交易中心
中标结果公告

项目名称：石门镇柳河村配套道路及附属设施建设项目
项目编号：JBGC-2026-0118

中标人：浙江恒通路桥工程有限公司
统一社会信用代码：91330100MA2H3K7Q5L
中标金额：人民币3,685.20万元
项目经理：陈志明，身份证号：{WINNER_PM_ID}
工期：计划2026年6月开工，2027年3月竣工，与7301工程主体同步交付。

联系电话：{AGENCY_PHONE}
"""

TENDER_NOTICE_EN = """# Invitation to Tender: Radome Maintenance Shelter (Lot 2)

**FOR OFFICIAL USE ONLY**

Contracting authority: Jiangbei Transport Construction Investment Co., Ltd.
Reference: ZB-2026-7301-L2

## Scope
Supply and installation of a climate-controlled maintenance shelter for the Project 7301 radome,
including foundations and a 10 kV connection. Site: 30.26254, 120.20833 (Shimen town, Qingshi county).

## Contacts
Procurement questions: service@jiangbei-ggzy.example.cn
Technical questions: Li Wei, li.wei.7301@gmail.com, +86 139 5711 2345

Bids remain confidential until opening.
"""

MINUTES_EN = """Coordination meeting, site works - minutes (draft)
SECRET//NOFORN

Attendees: site office, design institute, contractor.

1. Survey data is on \\\\fs01.qs-base.internal\\survey\\2026 and on the VPN host 10.31.7.15.
2. Contractor portal login for the design team: user qsdesign / password: Qs!2026-Radome
3. Payroll for local labour: transfer to card 6222 0212 0300 4567 89X is NOT our account - check.
4. Next site visit: 中国人民解放军61234部队 (the unit) escorts visitors from the north gate.
"""


# ---------------------------------------------------------------- docx (hand-written OOXML)
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx(path: Path) -> None:
    """A notice draft with tracked changes (the deletion keeps a unit designator), a comment with
    a mobile number, an internal marking in the header, and author metadata."""
    content_types = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>
<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""
    rels = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""
    doc_rels = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>
</Relationships>"""

    def p(*runs: str) -> str:
        return "<w:p>" + "".join(runs) + "</w:p>"

    def r(text: str) -> str:
        return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'

    document = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<w:body>
{p(r("关于柳河村段道路施工期间交通管制的通告"))}
{p(r("为保障配套道路施工安全，自2026年5月10日起，"),
   '<w:del w:id="1" w:author="张伟" w:date="2026-03-17T10:00:00Z"><w:r><w:delText>经中国人民解放军61234部队同意，</w:delText></w:r></w:del>',
   '<w:ins w:id="2" w:author="张伟" w:date="2026-03-17T10:01:00Z"><w:r><w:t>经有关单位同意，</w:t></w:r></w:ins>',
   r("对石门镇柳河村至县道X215路段实行临时交通管制。"))}
{p('<w:commentRangeStart w:id="0"/>', r("施工期间请绕行乡道Y031。"), '<w:commentRangeEnd w:id="0"/>',
   '<w:r><w:commentReference w:id="0"/></w:r>')}
{p(r("特此通告。"))}
{p(r("江北市交通建设投资有限公司  2026年3月18日"))}
<w:sectPr><w:headerReference w:type="default" r:id="rId2"/></w:sectPr>
</w:body>
</w:document>"""
    comments = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:comments xmlns:w="{W_NS}">
<w:comment w:id="0" w:author="张伟" w:date="2026-03-17T10:05:00Z" w:initials="ZW">
<w:p><w:r><w:t>绕行方案已和部队王参谋确认，他的手机{MANAGER_MOBILE}，7301工程进场车辆不受管制。</w:t></w:r></w:p>
</w:comment>
</w:comments>"""
    header = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr xmlns:w="{W_NS}"><w:p><w:r><w:t>内部资料 注意保存</w:t></w:r></w:p></w:hdr>"""
    core = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>交通管制通告（征求意见稿）</dc:title>
<dc:creator>张伟</dc:creator>
<cp:lastModifiedBy>青石基地工程处 张伟</cp:lastModifiedBy>
<dcterms:created xsi:type="dcterms:W3CDTF">2026-03-17T09:00:00Z</dcterms:created>
<dcterms:modified xsi:type="dcterms:W3CDTF">2026-03-18T09:30:00Z</dcterms:modified>
</cp:coreProperties>"""
    app = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">
<Application>Microsoft Office Word</Application><Company>7301工程指挥部</Company>
<Template>\\\\fs01.qs-base.internal\\templates\\通告.dotx</Template>
</Properties>"""
    parts = {
        "[Content_Types].xml": content_types,
        "_rels/.rels": rels,
        "word/_rels/document.xml.rels": doc_rels,
        "word/document.xml": document,
        "word/comments.xml": comments,
        "word/header1.xml": header,
        "docProps/core.xml": core,
        "docProps/app.xml": app,
    }
    path.write_bytes(_zip_bytes(parts))


def _zip_bytes(parts: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            if any(ord(c) > 127 for c in name):
                info.flag_bits |= 0x800
            zf.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


# ---------------------------------------------------------------- xlsx
def _xlsx(path: Path) -> None:
    """Equipment list: harmless visible sheet; a hidden sheet with internal costing and a
    person's ID; a hidden row with the delivery site; a cell comment; author metadata."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    wb = Workbook()
    ws = wb.active
    ws.title = "设备清单"
    ws.append(["序号", "设备名称", "规格型号", "数量", "单位"])
    rows = [
        (1, "柴油发电机组", "400kW", 2, "台"),
        (2, "不间断电源", "200kVA", 4, "台"),
        (3, "精密空调", "40kW", 6, "台"),
        (4, "天线罩维护平台", "定制", 1, "套"),
        (5, "交货地点", "青石县石门镇柳河村北侧7301工程现场", 1, "项"),
    ]
    for row in rows:
        ws.append(list(row))
    ws.row_dimensions[6].hidden = True  # the delivery-site row
    ws["B5"].comment = Comment("雷达阵面配套，数量勿改。联系人 王建国 " + MANAGER_MOBILE, "张伟")
    hidden = wb.create_sheet("内部核算")
    hidden.append(["项目", "金额（万元）", "经办人", "身份证号"])
    hidden.append(["发电机组", 186.4, "赵敏", ACCOUNTANT_ID])
    hidden.append(["天线罩维护平台", 912.0, "赵敏", ACCOUNTANT_ID])
    hidden.sheet_state = "hidden"
    wb.properties.creator = "张伟"
    wb.properties.lastModifiedBy = "青石基地 装备处"
    wb.properties.company = "7301工程指挥部"
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_normalise_zip(buf.getvalue(), fix_modified=True))


def _normalise_zip(data: bytes, fix_modified: bool = False) -> bytes:
    """Fixed member timestamps so that regenerating gives the same bytes (openpyxl also stamps
    the save time into docProps/core.xml)."""
    import re

    src = zipfile.ZipFile(io.BytesIO(data))
    parts: dict[str, str | bytes] = {i.filename: src.read(i) for i in src.infolist()}
    core = parts.get("docProps/core.xml")
    if fix_modified and isinstance(core, bytes):
        stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
        parts["docProps/core.xml"] = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, core)
    return _zip_bytes(parts)


# ---------------------------------------------------------------- pptx
def _pptx(path: Path) -> None:
    """Briefing slides: the slide is harmless, the speaker notes are not."""
    from pptx import Presentation

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "配套道路工程进展汇报"
    slide.placeholders[1].text = "路基完成60%\n桥涵完成40%\n计划按期通车"
    slide.notes_slide.notes_text_frame.text = (
        "口径：不提天穹系统和雷达阵地。通车时间与7301工程主体同步，2027年3月竣工。"
    )
    prs.core_properties.author = "张伟"
    prs.core_properties.last_modified_by = "青石基地工程处"
    prs.core_properties.created = FIXED
    prs.core_properties.modified = FIXED
    buf = io.BytesIO()
    prs.save(buf)
    path.write_bytes(_normalise_zip(buf.getvalue()))


# ---------------------------------------------------------------- pdf
def _pdf(path: Path) -> None:
    """A site-visit notice where a black box was drawn over the unit designator instead of a real
    redaction, with author metadata, then saved incrementally (the old title stays in history)."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    lines = [
        ("现场踏勘通知", 18),
        ("各潜在投标人：", 12),
        ("定于2026年4月8日上午9时组织现场踏勘，集合地点：石门镇政府门口。", 11),
        ("踏勘路线经中国人民解放军61234部队营区北门，请勿拍照。", 11),
        ("踏勘联系人：刘女士，联系电话：" + AGENCY_PHONE, 11),
        ("江北市公共资源交易中心", 11),
    ]
    y = 80.0
    box = None
    for text, size in lines:
        page.insert_text((60, y), text, fontname="china-s", fontsize=size)
        if "61234" in text:
            hits = page.search_for("中国人民解放军61234部队")
            if hits:
                box = hits[0]
        y += size * 2.2
    if box is not None:
        # The "redaction": a filled rectangle drawn on top. The text is still there.
        page.draw_rect(pymupdf.Rect(box.x0 - 1, box.y0 - 1, box.x1 + 1, box.y1 + 1), color=(0, 0, 0), fill=(0, 0, 0))
    doc.set_metadata({
        "title": "7301工程配套道路 现场踏勘通知",
        "author": "张伟",
        "creator": "Microsoft Word",
        "producer": "WPS PDF",
        "creationDate": "D:20260318093000+08'00'",
        "modDate": "D:20260318093000+08'00'",
    })
    doc.save(path, garbage=0, no_new_id=True)
    doc.close()
    # An incremental update: the earlier title (with the project name) stays in the file.
    doc = pymupdf.open(path)
    meta = doc.metadata or {}
    meta["title"] = "配套道路 现场踏勘通知"
    doc.set_metadata(meta)
    doc.saveIncr()
    doc.close()


# ---------------------------------------------------------------- html, json, csv, image
PRESS_RELEASE = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>江北市配套道路项目顺利开工 / Jiangbei road project breaks ground</title>
<meta name="author" content="张伟（青石基地宣传处）">
<meta name="generator" content="WPS Office">
</head>
<body>
<!-- 发稿前删除：素材在 \\\\fs01.qs-base.internal\\press\\2026 和 10.31.7.15 -->
<h1>江北市配套道路项目顺利开工</h1>
<p>3月18日，石门镇柳河村配套道路项目正式开工。项目建成后将改善沿线群众出行条件。</p>
<p>Jiangbei, 18 March: construction of the Shimen road project started today.</p>
<p class="hidden" style="display:none">内部口径：道路服务于天穹系统阵地，严禁对外提及。</p>
<p>新闻联系人：宣传办 {PRESS_PHONE}，press@jiangbei.example.cn</p>
<p>现场图片拍摄：小王 158 0571 6688</p>
</body>
</html>
"""


def _social_posts(path: Path) -> None:
    posts = [
        {"id": "p1001", "author": "石门小李", "time": "2026-03-18T21:04:00+08:00",
         "text": "又在青石基地加班到十点，天线罩今天吊装完成💪", "location": "石门镇"},
        {"id": "p1002", "author": "石门小李", "time": "2026-03-19T07:40:00+08:00",
         "text": "早上跑步打卡 30.262541,120.208333 山里空气真好", "location": None},
        {"id": "p1003", "author": "江北路桥小陈", "time": "2026-03-20T12:00:00+08:00",
         "text": "工地食堂伙食不错，就是离镇上太远了", "location": "柳河村"},
        {"id": "p1004", "author": "江北路桥小陈", "time": "2026-03-21T18:30:00+08:00",
         "text": "招人！7301工程配套道路缺钢筋工，日结，联系我 13957112345", "location": None},
    ]
    export = {"export": "social-posts", "account_group": "contractor staff", "posts": posts}
    path.write_text(json.dumps(export, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


QUOTE_CSV = f"""序号,品名,数量,单价(元),收款账户,联系人,联系电话
1,钢筋HRB400,120吨,4150,{CARD},陈志明,13857123456
2,商品混凝土C30,3600方,480,{CARD},陈志明,13857123456
"""


def _jpeg_with_gps(path: Path) -> None:
    """A site photo whose EXIF still holds the camera's GPS position and model."""
    from PIL import Image

    img = Image.new("RGB", (320, 200), (120, 150, 110))
    for x in range(0, 320, 8):
        for y in range(120, 200, 8):
            img.putpixel((x, y), (90, 80, 70))
    exif = Image.Exif()
    exif[0x010F] = "Huawei"  # Make
    exif[0x0110] = "Mate 60 Pro"  # Model
    exif[0x0132] = "2026:03:18 10:12:05"  # DateTime
    gps = {
        1: "N", 2: (30.0, 15.0, 45.0),  # latitude 30°15'45" N
        3: "E", 4: (120.0, 12.0, 30.0),  # longitude 120°12'30" E
    }
    exif[0x8825] = gps
    img.save(path, "JPEG", quality=70, exif=exif)


def _bundle(path: Path) -> None:
    """A tender package as agencies publish it: a zip of the notice, a quotation table and a
    drawing in a format the tool does not read (it must be listed as not checked)."""
    parts: dict[str, str | bytes] = {
        "招标文件/招标公告.txt": PROCUREMENT_NOTICE,
        "招标文件/附件1-报价清单.csv": QUOTE_CSV,
        "招标文件/附件2-总平面图.dwg": b"AC1032\x00\x00\x00\x00fake drawing for the demo\x00",
    }
    path.write_bytes(_zip_bytes(parts))


# ---------------------------------------------------------------- aggregation corpus
CORPUS_TEXTS: dict[str, str] = {
    "notice-0101.txt": """江北市公共资源交易中心 招标公告
项目名称：石门镇柳河村配套道路及附属设施建设项目
项目编号：JBGC-2026-0118
建设地点：青石县石门镇柳河村北侧山坡
联系人：刘女士 0571-87654321
""",
    "notice-0102.txt": """江北市政府采购网 采购公告
项目名称：天线罩维护平台及配套设备采购
项目编号：ZB-2026-7301
采购需求：雷达天线罩维护平台1套、柴油发电机组2台、精密空调6台。
交货地点：采购人指定地点。
""",
    "award-0107.html": """<html><head><meta charset="utf-8"><title>中标结果公告</title></head><body>
<h1>中标结果公告</h1>
<p>项目名称：天线罩维护平台及配套设备采购（项目编号：ZB-2026-7301）</p>
<p>中标人：江北华科装备有限公司，中标金额：1,098.40万元。</p>
<p>采购人联系人：王建国 139 5711 2345</p>
</body></html>
""",
    "permit-0110.txt": """建设工程规划许可证批前公示
建设单位：江北市交通建设投资有限公司
项目名称：柳河村配套道路（JBGC-2026-0118）
建设位置：石门镇柳河村，北至山脚，南接县道X215。
现场联系人：王建国 139 5711 2345
""",
    "env-0112.txt": """建设项目环境影响评价受理公示
项目名称：石门镇柳河村北侧配套设施建设项目
建设地点：青石县石门镇柳河村
主要内容：配套道路3.2公里、110kV变电站一座、营房及附属用房。
建设单位联系人：王建国 139 5711 2345
""",
    "job-0115.txt": """招聘启事
江北华科装备有限公司招聘驻场维护工程师2名，工作地点：青石县石门镇，
负责雷达天线罩维护平台的日常保养。待遇面议，项目编号ZB-2026-7301相关经验优先。
""",
    "news-0120.html": """<html><head><meta charset="utf-8"><title>石门镇新闻</title></head><body>
<p>石门镇柳河村群众期盼多年的通村道路即将开工，镇党委书记表示将做好服务保障。</p>
</body></html>
""",
    "notice-0125.txt": """江北市第三中学食堂食材采购项目 成交结果公告
项目编号：JBCG-2026-0342
成交供应商：江北市鲜达农副产品配送有限公司
""",
    "notice-0128.txt": """青石县人民医院 医用耗材采购公告
项目编号：QSYY-2026-021
采购内容：一次性注射器、输液器等医用耗材，交货地点：青石县人民医院（城关镇）。
""",
    "notice-0131.txt": """Jiangbei Municipal Procurement - Award Notice
Project: Street lighting upgrade, Chengguan town (JBCG-2026-0377)
Winner: Jiangbei Lighting Engineering Co., Ltd.; contract value CNY 2.46 million; works in 2026.
""",
}

DRAFT_TEXT = """江北市交通建设投资有限公司
关于柳河村配套道路工程进度的情况说明（拟公开稿）

项目编号：JBGC-2026-0118（与ZB-2026-7301设备采购同步实施）
目前路基完成60%，计划2027年3月竣工，届时与天线罩维护平台同步交付使用。
联系人：王建国 139 5711 2345
"""


def main() -> None:
    for folder in (DOCS, CORPUS, DRAFTS):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.is_file():
                old.unlink()
    (DOCS / "procurement-notice-7301.txt").write_text(PROCUREMENT_NOTICE, encoding="utf-8")
    (DOCS / "clean-canteen-award.txt").write_text(CLEAN_NOTICE, encoding="utf-8")
    (DOCS / "award-notice-gbk.txt").write_bytes(AWARD_NOTICE_GBK.encode("gb18030"))
    (DOCS / "tender-notice-en.md").write_text(TENDER_NOTICE_EN, encoding="utf-8")
    (DOCS / "meeting-minutes-en.txt").write_text(MINUTES_EN, encoding="utf-8")
    (DOCS / "press-release.html").write_text(PRESS_RELEASE, encoding="utf-8")
    _social_posts(DOCS / "staff-posts.json")
    _docx(DOCS / "traffic-notice-draft.docx")
    _xlsx(DOCS / "equipment-list.xlsx")
    _pptx(DOCS / "progress-briefing.pptx")
    _pdf(DOCS / "site-visit-notice.pdf")
    _jpeg_with_gps(DOCS / "site-photo.jpg")
    _bundle(DOCS / "tender-package.zip")
    for name, text in CORPUS_TEXTS.items():
        (CORPUS / name).write_text(text, encoding="utf-8")
    (DRAFTS / "draft-progress-note.txt").write_text(DRAFT_TEXT, encoding="utf-8")
    total = sum(f.stat().st_size for d in (DOCS, CORPUS, DRAFTS) for f in d.iterdir())
    print(f"samples written: {total} bytes")


if __name__ == "__main__":
    main()
