"""`mosaicguard sanitize` end to end through `main(argv)`, on a folder of real files."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from mosaicguard.cli import main
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes


def cn_id(body17: str = "11010119900307123") -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body17, weights, strict=True))
    return body17 + "10X98765432"[total % 11]


NOTE = f"联系人：张三 手机 13812345678 身份证 {cn_id()}\n"


def gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = "Zhang San"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (39.0, 54.0, 15.156), "E", (116.0, 24.0, 26.604)
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(out, "JPEG", exif=exif)
    return out.getvalue()


def make_tree(root: Path) -> Path:
    src = root / "in"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "note.txt").write_text(NOTE, encoding="utf-8")
    (src / "page.html").write_text("<p>电话 13812345678</p><!-- 内部 --><div hidden>隐藏</div>", encoding="utf-8")
    (src / "photo.jpg").write_bytes(gps_jpeg())
    (src / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0not really a jpeg")
    (src / "data.bin").write_bytes(b"\x00\x01\x02 opaque")
    with zipfile.ZipFile(src / "bundle.zip", "w") as zf:
        zf.writestr("inner/note.txt", NOTE)
        zf.writestr("inner/pic.jpg", gps_jpeg())
    return src


def run(*argv: str) -> int:
    return main(["sanitize", *argv])


def report_of(path: Path) -> dict[str, dict[str, object]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["tool"] == "mosaicguard" and data["command"] == "sanitize"
    return {f["path"]: f for f in data["files"]}


def test_folder_outputs_at_relative_paths_and_are_clean(tmp_path: Path) -> None:
    src = make_tree(tmp_path)
    out = tmp_path / "out"
    report = tmp_path / "report.json"
    code = run(str(src), "--out", str(out), "--format", "json", "-o", str(report), "-q")
    assert code == 0
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == ["bundle.zip", "page.html", "photo.jpg", "sub/note.txt"]
    note = (out / "sub" / "note.txt").read_text(encoding="utf-8")
    assert "13812345678" not in note and cn_id() not in note and note.startswith("联系人：张三 手机 ")
    html = (out / "page.html").read_text(encoding="utf-8")
    assert "内部" not in html and "隐藏" not in html and "13812345678" not in html
    photo = extract_bytes((out / "photo.jpg").read_bytes(), "photo.jpg", ExtractContext())
    assert photo.hidden == ()
    files = report_of(report)
    base = str(src)
    assert files[f"{base}/sub/note.txt"]["status"] == "sanitized"
    assert files[f"{base}/sub/note.txt"]["output"] == str(out / "sub" / "note.txt")
    assert files[f"{base}/sub/note.txt"]["residual"] == []
    assert {a["kind"] for a in files[f"{base}/photo.jpg"]["actions"]} >= {"remove_metadata", "remove_gps"}  # type: ignore[union-attr]
    # What could not be sanitised is reported and not written.
    assert files[f"{base}/broken.jpg"]["status"] == "error"
    assert "not a readable image" in str(files[f"{base}/broken.jpg"]["error"])
    assert files[f"{base}/data.bin"]["status"] == "unsupported"
    assert files[f"{base}/broken.jpg"]["output"] is None
    # The zip is rebuilt from cleaned members, without timestamps.
    with zipfile.ZipFile(out / "bundle.zip") as zf:
        assert sorted(zf.namelist()) == ["inner/note.txt", "inner/pic.jpg"]
        assert "13812345678" not in zf.read("inner/note.txt").decode("utf-8")
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zf.infolist())
        pic = extract_bytes(zf.read("inner/pic.jpg"), "pic.jpg", ExtractContext())
        assert pic.hidden == ()


def test_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = make_tree(tmp_path)
    out = tmp_path / "out"
    assert run(str(src), "--out", str(out), "--dry-run") == 0
    assert not out.exists()
    text = capsys.readouterr().out
    assert "dry run" in text
    assert "计划 planned" in text and "redact_text" in text and "remove_gps" in text
    assert "13812345678" not in text, "values are masked in the text report"


def test_residual_findings_exit_1(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "note.txt").write_text(NOTE, encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text("sanitize:\n  redact_at: critical\n", encoding="utf-8")
    out = tmp_path / "out"
    report = tmp_path / "r.json"
    code = run(str(src), "--out", str(out), "--policy", str(policy), "--format", "json", "-o", str(report), "-q")
    assert code == 1, "the high-severity ID is above redact_at's reach and remains"
    entry = report_of(report)[f"{src}/note.txt"]
    assert entry["status"] == "sanitized"
    residual = entry["residual"]
    assert isinstance(residual, list) and any(f["category"] == "cn_id" for f in residual)
    assert (out / "note.txt").exists()
    # With a higher bar the same residue does not fail the run.
    assert run(str(src), "--out", str(tmp_path / "out2"), "--policy", str(policy), "--fail-on", "critical",
               "-o", str(tmp_path / "r2.txt"), "-q") == 0


def test_single_file_goes_straight_into_out(tmp_path: Path) -> None:
    src = make_tree(tmp_path)
    out = tmp_path / "single"
    assert run(str(src / "sub" / "note.txt"), "--out", str(out), "-o", str(tmp_path / "r.txt"), "-q") == 0
    assert [p.name for p in out.iterdir()] == ["note.txt"]


def test_zip_with_unsanitisable_member_is_not_written(tmp_path: Path) -> None:
    bundle = tmp_path / "b.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("ok.txt", NOTE)
        zf.writestr("blob.bin", b"\x00\x01")
    out = tmp_path / "out"
    report = tmp_path / "r.json"
    assert run(str(bundle), "--out", str(out), "--format", "json", "-o", str(report), "-q") == 0
    entry = report_of(report)[str(bundle)]
    assert entry["status"] == "error" and "blob.bin" in str(entry["error"])
    assert not (out / "b.zip").exists()


def test_text_report_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = make_tree(tmp_path)
    assert run(str(src / "photo.jpg"), str(src / "broken.jpg"), "--out", str(tmp_path / "o")) == 0
    text = capsys.readouterr().out
    assert "已清理 sanitised" in text and "未写出 NOT WRITTEN" in text and "GPS定位信息" in text
    assert "复扫无残留" in text


@pytest.mark.parametrize(
    "argv",
    [
        ["sanitize", "IN"],  # --out missing
        ["sanitize", "MISSING", "--out", "OUT"],
        ["sanitize", "IN", "--out", "FILE"],
        ["sanitize", "IN", "--out", "IN"],
        ["sanitize", "IN", "--out", "OUT", "--fail-on", "nope"],
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, argv: list[str]) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    names = {"IN": str(src), "OUT": str(tmp_path / "out"), "FILE": str(tmp_path / "file"),
             "MISSING": str(tmp_path / "missing")}
    assert main([names.get(a, a) for a in argv]) == 2
    assert not (tmp_path / "out").exists()


def test_output_folder_inside_input_is_skipped(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(NOTE, encoding="utf-8")
    out = src / "clean"
    assert run(str(src), "--out", str(out), "-o", str(tmp_path / "r.txt"), "-q") == 0
    assert run(str(src), "--out", str(out), "--format", "json", "-o", str(tmp_path / "r.json"), "-q") == 0
    assert list(report_of(tmp_path / "r.json")) == [f"{src}/a.txt"], "earlier output is not re-read as input"


def test_residual_medium_fails_at_medium_threshold_only(tmp_path: Path) -> None:
    """The exit code follows --fail-on: a medium residue fails a medium gate, not the default high one."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "phone.txt").write_text("联系人：张三 手机 13812345678\n", encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text("sanitize:\n  redact_at: critical\n", encoding="utf-8")
    report = tmp_path / "r.json"
    assert run(str(src), "--out", str(tmp_path / "o1"), "--policy", str(policy), "--fail-on", "medium",
               "--format", "json", "-o", str(report), "-q") == 1
    residual = report_of(report)[f"{src}/phone.txt"]["residual"]
    assert isinstance(residual, list) and [f["severity"] for f in residual] == ["medium"]
    assert run(str(src), "--out", str(tmp_path / "o2"), "--policy", str(policy), "-o", str(tmp_path / "r2.txt"),
               "-q") == 0
