"""A real scan report (generated files, real pipeline) shared by the reporter tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from mosaicguard.model import ScanReport
from mosaicguard.pipeline import ScanOptions, scan_paths
from mosaicguard.policy.load import load_policy


def cn_id(prefix17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(prefix17, weights, strict=True))
    return prefix17 + "10X98765432"[total % 11]


PERSON_ID = cn_id("33010619850312123")
MOBILE = "13957112345"
XSS = "<script>alert('pwned')</script><img src=x onerror=alert(2)>"


@dataclass(frozen=True)
class Scanned:
    report: ScanReport
    docs: Path
    person_id: str = PERSON_ID
    mobile: str = MOBILE
    xss: str = XSS


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    root = tmp_path_factory.mktemp("reports")
    docs = root / "docs"
    docs.mkdir()
    (docs / "notice.txt").write_text(
        f"现场负责人 王建国，手机：{MOBILE}，身份证号：{PERSON_ID}\n{XSS}\n项目为7301工程配套道路。\n",
        encoding="utf-8",
    )
    (docs / "clean.txt").write_text("食堂食材采购项目成交结果公告。\n", encoding="utf-8")
    (docs / "drawing.dwgx").write_bytes(b"\x00\x01binary drawing")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n% truncated")
    (docs / "中文 名称.txt").write_text(f"联系人手机 {MOBILE}\n", encoding="utf-8")
    policy = root / "policy.yaml"
    policy.write_text("lexicon: [7301工程]\n", encoding="utf-8")
    options = ScanOptions(policy=load_policy(policy), policy_path=str(policy))
    return Scanned(scan_paths([str(docs)], options), docs)
