"""Zip archives: members reported as files of their own; bombs, lies and nesting stopped with
error entries while the rest of the batch is scanned."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

from mosaicguard.extract.base import ExtractContext, Limits
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.pipeline import ScanOptions, scan_paths

MOBILE = "13957112345"


def _zip(members: dict[str, bytes | str], *, utf8_names: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


def _results(tmp_path: Path, files: dict[str, bytes], limits: Limits | None = None) -> dict[str, tuple[str, str]]:
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    report = scan_paths([str(tmp_path / n) for n in files], ScanOptions(limits=limits or Limits()))
    return {fr.path.rsplit("/", 1)[-1]: (fr.status, fr.error or "") for fr in report.files}


def test_members_are_reported_with_bang_paths_and_findings(tmp_path: Path) -> None:
    data = _zip({"a/notice.txt": f"联系人手机 {MOBILE}\n", "b.txt": "无问题。\n"})
    (tmp_path / "bundle.zip").write_bytes(data)
    report = scan_paths([str(tmp_path / "bundle.zip")], ScanOptions())
    paths = [fr.path for fr in report.files]
    zip_path = str(tmp_path / "bundle.zip")
    assert paths == [zip_path, f"{zip_path}!a/notice.txt", f"{zip_path}!b.txt"]
    notice = report.files[1]
    assert notice.status == "ok" and [f.category for f in notice.findings] == ["phone"]
    assert notice.findings[0].id != ""


def test_high_ratio_member_is_an_error_and_the_batch_continues(tmp_path: Path) -> None:
    bomb = _zip({"zeros.txt": b"0" * (6 * 1024 * 1024), "ok.txt": f"手机 {MOBILE}\n"})
    results = _results(tmp_path, {"bomb.zip": bomb, "after.txt": f"手机 {MOBILE}\n".encode()})
    status, error = results["bomb.zip!zeros.txt"]
    assert status == "error" and "zip bomb" in error
    assert results["bomb.zip!ok.txt"][0] == "ok"
    assert results["after.txt"][0] == "ok"


def test_header_that_lies_about_the_size_is_caught(tmp_path: Path) -> None:
    data = bytearray(_zip({"big.txt": b"A" * (3 * 1024 * 1024)}))
    # Rewrite the declared uncompressed size (local header and central directory) to 100 bytes.
    local = data.find(b"PK\x03\x04")
    data[local + 22 : local + 26] = struct.pack("<I", 100)
    central = data.find(b"PK\x01\x02")
    data[central + 24 : central + 28] = struct.pack("<I", 100)
    results = _results(tmp_path, {"liar.zip": bytes(data)})
    status, error = results["liar.zip!big.txt"]
    assert status == "error" and error


def test_huge_declared_size_is_refused_before_reading(tmp_path: Path) -> None:
    data = bytearray(_zip({"huge.txt": b"B" * 4096}))
    for sig, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = data.find(sig)
        data[pos + at : pos + at + 4] = struct.pack("<I", 0xFFFFFF00)
    results = _results(tmp_path, {"huge.zip": bytes(data)})
    status, error = results["huge.zip!huge.txt"]
    assert status == "error" and "declares 4294967040 bytes" in error and "zip bomb" in error


def test_too_many_members(tmp_path: Path) -> None:
    data = _zip({f"m{i}.txt": "x" for i in range(30)})
    results = _results(tmp_path, {"many.zip": data}, Limits(max_archive_members=20))
    assert results["many.zip"][0] == "error" and "over the limit of 20" in results["many.zip"][1]


def test_member_budget_spans_nested_archives(tmp_path: Path) -> None:
    inner = _zip({f"i{i}.txt": "x" for i in range(15)})
    outer = _zip({"one.zip": inner, "two.zip": inner})
    results = _results(tmp_path, {"nested.zip": outer}, Limits(max_archive_members=20))
    assert results["nested.zip!one.zip"][0] == "ok"
    status, error = results["nested.zip!two.zip"]
    assert status == "error" and "in all" in error


def test_deep_nesting_stops_at_the_limit(tmp_path: Path) -> None:
    data = _zip({"leaf.txt": f"手机 {MOBILE}\n"})
    for level in range(12):
        data = _zip({f"level{level}.zip": data})
    results = _results(tmp_path, {"deep.zip": data}, Limits(max_depth=4))
    errors = [(p, e) for p, (s, e) in results.items() if s == "error"]
    assert len(errors) == 1 and "nesting deeper than 4" in errors[0][1]
    assert results["deep.zip"][0] == "ok"


def test_damaged_and_encrypted_archives(tmp_path: Path) -> None:
    good = _zip({"a.txt": "hello"})
    encrypted = bytearray(good)
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = encrypted.find(sig)
        encrypted[pos + flag_at] |= 0x1
    results = _results(tmp_path, {"cut.zip": good[: len(good) // 2], "locked.zip": bytes(encrypted)})
    assert results["cut.zip"][0] == "error" and "zip" in results["cut.zip"][1]
    assert results["locked.zip!a.txt"] == ("error", "member is encrypted")


def test_gbk_member_names_from_chinese_windows_are_decoded() -> None:
    # What a Chinese zip tool writes: raw GBK bytes in the name, no UTF-8 flag.
    gbk = "招标公告.txt".encode("gbk")
    placeholder = b"abcdefgh.txt"
    assert len(gbk) == len(placeholder)
    data = _zip({placeholder.decode(): "内容"}).replace(placeholder, gbk)
    doc = extract_bytes(data, "pkg.zip", ExtractContext())
    assert [m.path for m in doc.members] == ["pkg.zip!招标公告.txt"]


def test_unknown_member_kind_is_unsupported_not_skipped(tmp_path: Path) -> None:
    results = _results(tmp_path, {"pkg.zip": _zip({"plan.xyz": b"\x00\x01\x02", "a.txt": "ok"})})
    assert results["pkg.zip!plan.xyz"][0] == "unsupported"
    assert results["pkg.zip!a.txt"][0] == "ok"
