"""Ordinary, clean files of the kinds an organisation publishes, for the hidden-data precision
tests and `bench/clean_files.py`: camera photos (make, model, time, exposure), office files and
PDFs whose title repeats their visible heading, and procurement-portal pages full of template
comments. Nothing here should be a finding at medium or above."""

from __future__ import annotations

import io
from pathlib import Path

import pymupdf
from PIL import Image

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
CAMERAS = (("Canon", "Canon EOS 80D"), ("NIKON CORPORATION", "NIKON D750"), ("Apple", "iPhone 13"),
           ("HUAWEI", "ELS-AN00"), ("SONY", "ILCE-7M3"), ("Xiaomi", "M2012K11AC"), ("FUJIFILM", "X-T4"))
HEADINGS = ("某县2026年道路养护工程招标公告", "关于开展安全生产检查的通知", "某市政务服务中心年度工作总结",
            "某镇中心小学食堂改造项目中标结果公告", "某县水利局2026年部门预算公开说明")

PORTAL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<!--[if lt IE 9]><script src="/js/html5shiv.js"></script><![endif]-->
<!-- header start -->
</head><body>
<!-- vF_detail_main -->
<div class="vF_detail_main"><!--contentTable-->
<h1>{title}</h1>
<!-- end header -->
<div class="vF_detail_content">
<p>一、项目编号：GX-2026-{n:04d}</p>
<p>二、采购内容：办公设备一批，详见附件。</p>
<!-- <div class="share"><a href="/share">分享</a></div> -->
<p>三、公告期限：自本公告发布之日起5个工作日。</p>
</div><!-- /vF_detail_content -->
<!-- {{{{footer_include}}}} -->
</div>
<!-- end of page -->
</body></html>
"""


def camera_jpeg(i: int = 0, user_comment: str | None = None) -> bytes:
    """A photo as a phone or camera writes it: make, model, software, capture time, exposure
    settings (and, if given, a UserComment in the EXIF charset-prefixed Unicode form)."""
    img = Image.new("RGB", (96, 64), (40 + 5 * i % 200, 120, 90))
    exif = Image.Exif()
    make, model = CAMERAS[i % len(CAMERAS)]
    exif[0x010F], exif[0x0110] = make, model
    exif[0x0131] = "Ver.1.00"
    exif[0x0132] = f"2026:0{1 + i % 9}:1{i % 10} 09:30:00"
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = f"2026:0{1 + i % 9}:1{i % 10} 09:30:00"
    sub[0x829A] = 1 / 125  # exposure time
    sub[0x829D] = 2.8  # f-number
    sub[0x8827] = 100  # ISO
    if user_comment is not None:
        sub[0x9286] = b"UNICODE\x00" + user_comment.encode("utf-16-le")
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


def portal_html(n: int = 0, title: str | None = None, extra_comment: str | None = None) -> bytes:
    """A procurement-portal notice page: template comments, a conditional comment, commented-out
    markup, and a <title> that repeats the visible heading."""
    page = PORTAL_PAGE.format(title=title or HEADINGS[n % len(HEADINGS)], n=n)
    if extra_comment is not None:
        page = page.replace("<!-- end of page -->", f"<!-- {extra_comment} -->")
    return page.encode("utf-8")


def titled_docx(path: Path, n: int = 0) -> Path:
    """A Word file whose core title repeats its first heading; no author or editor names."""
    import docx

    d = docx.Document()
    heading = HEADINGS[n % len(HEADINGS)]
    d.add_heading(heading, level=1)
    d.add_paragraph("根据有关规定，现将有关事项公告如下。本公告内容以正式文件为准。")
    cp = d.core_properties
    cp.title, cp.author, cp.last_modified_by, cp.comments = heading, "", "", ""
    d.save(str(path))
    return path


def titled_pdf(path: Path, n: int = 0) -> Path:
    """A PDF whose Info Title repeats the heading on its first page."""
    heading = HEADINGS[n % len(HEADINGS)]
    pdf = pymupdf.open()
    page = pdf.new_page()
    page.insert_font(fontname="wqy", fontfile=CJK_FONT)
    page.insert_text((72, 90), heading, fontname="wqy", fontsize=16)
    page.insert_text((72, 130), "根据有关规定，现将有关事项公告如下。", fontname="wqy", fontsize=11)
    pdf.set_metadata({"title": heading, "producer": "WPS Office", "creator": "WPS 文字"})
    pdf.save(str(path))
    pdf.close()
    return path
