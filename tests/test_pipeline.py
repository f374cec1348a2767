"""The batch pipeline: inputs, bad files, limits, crashes in readers, progress, in-memory rescans."""

from __future__ import annotations

import io
import os
import sys
import types
import zipfile
from pathlib import Path

import pytest

from mosaicguard.extract import registry
from mosaicguard.extract.base import ExtractContext, Extractor, Limits
from mosaicguard.model import Document
from mosaicguard.pipeline import ScanOptions, collect_inputs, iter_scan, rescan_bytes, scan_paths

MOBILE = "13957112345"


def _by_name(report_files) -> dict[str, object]:
    return {fr.path.rsplit("/", 1)[-1]: fr for fr in report_files}


def test_collect_inputs_is_recursive_sorted_and_keeps_given_paths(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    for name in ("b/2.txt", "b/1.txt", "a/z.txt", "top.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    items = collect_inputs([str(tmp_path), str(tmp_path / "top.txt")])
    rel = [Path(i.report_path).relative_to(tmp_path).as_posix() for i in items]
    assert rel == ["top.txt", "a/z.txt", "b/1.txt", "b/2.txt"]  # top.txt named twice, listed once


def test_duplicates_once_and_linked_folders_listed(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "docs" / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "docs" / "loop").symlink_to(tmp_path / "docs", target_is_directory=True)
    (tmp_path / "docs" / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    report = scan_paths([str(tmp_path / "docs"), str(tmp_path / "docs" / "a.txt")], ScanOptions())
    files = _by_name(report.files)
    assert sorted(files) == ["a.txt", "dangling.txt", "link", "loop"]
    assert files["link"].status == "unsupported" and "symbolic link" in files["link"].error
    assert files["loop"].status == "unsupported"
    assert files["dangling.txt"].status == "error" and "cannot open" in files["dangling.txt"].error


def test_a_linked_file_is_listed_once_with_its_target(tmp_path: Path) -> None:
    """Files are the same when their real paths are: a link to a file of the corpus, the corpus
    reached through a linked folder and named again directly, a file named on its own."""
    (tmp_path / "corpus" / "sub").mkdir(parents=True)
    (tmp_path / "corpus" / "sub" / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "corpus" / "b.txt").write_text("y", encoding="utf-8")
    (tmp_path / "corpus" / "0-alias.txt").symlink_to(tmp_path / "corpus" / "sub" / "a.txt")
    (tmp_path / "corpus" / "c-outside.txt").symlink_to(tmp_path / "outside.txt")
    (tmp_path / "outside.txt").write_text("z", encoding="utf-8")
    (tmp_path / "via").symlink_to(tmp_path / "corpus", target_is_directory=True)
    items = collect_inputs([str(tmp_path / "via"), str(tmp_path / "corpus"), str(tmp_path / "outside.txt"),
                            str(tmp_path / "corpus" / "sub" / "a.txt")])
    rel = [Path(i.report_path).relative_to(tmp_path).as_posix() for i in items]
    # `0-alias.txt` comes first in the walk and stands for `sub/a.txt`; the second walk of the
    # same folder under its real name and the files named again add nothing
    assert rel == ["via/0-alias.txt", "via/b.txt", "via/c-outside.txt"]


def test_bad_files_in_a_folder_are_errors_and_the_rest_is_scanned(tmp_path: Path) -> None:
    from docx import Document as Docx

    buf = io.BytesIO()
    doc = Docx()
    doc.add_paragraph("正文内容 " * 200)
    doc.save(buf)
    (tmp_path / "truncated.docx").write_bytes(buf.getvalue()[:1500])
    (tmp_path / "malformed.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\n%%EOF garbage")
    (tmp_path / "notice.txt").write_text(f"联系人手机 {MOBILE}\n", encoding="utf-8")
    (tmp_path / "drawing.xyz").write_bytes(b"\x00\x01\x02")
    (tmp_path / "empty.txt").write_bytes(b"")
    files = _by_name(scan_paths([str(tmp_path)], ScanOptions()).files)
    assert files["truncated.docx"].status == "error" and files["truncated.docx"].error
    assert files["malformed.pdf"].status == "error" and files["malformed.pdf"].error
    for name in ("truncated.docx", "malformed.pdf"):
        assert "Traceback" not in files[name].error
    assert files["drawing.xyz"].status == "unsupported"
    assert "not read" in files["drawing.xyz"].error
    assert files["notice.txt"].status == "ok" and files["notice.txt"].findings
    assert files["empty.txt"].status == "ok" and not files["empty.txt"].findings


def test_a_fifo_is_listed_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")  # opening it would block for ever
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    files = _by_name(scan_paths([str(tmp_path)], ScanOptions()).files)
    assert files["pipe.txt"].status == "unsupported" and "not a regular file" in files["pipe.txt"].error
    assert files["a.txt"].status == "ok"


def test_file_size_limit(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("x" * 5000, encoding="utf-8")
    files = _by_name(scan_paths([str(tmp_path)], ScanOptions(limits=Limits(max_file_bytes=1000))).files)
    assert files["big.txt"].status == "error" and "1000-byte limit" in files["big.txt"].error


def test_per_file_time_limit(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"手机 {MOBILE}\n", encoding="utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(5):
            zf.writestr(f"m{i}.txt", "x")
    (tmp_path / "b.zip").write_bytes(buf.getvalue())
    report = scan_paths([str(tmp_path)], ScanOptions(limits=Limits(max_seconds_per_file=1e-9)))
    files = _by_name(report.files)
    assert files["a.txt"].status == "error" and "per-file time limit" in files["a.txt"].error
    assert files["b.zip"].status == "error" and "per-file time limit" in files["b.zip"].error


class _CrashExtractor(Extractor):
    """Stands in for a C parser that kills its process on hostile input."""

    media_type = "application/x-crash"

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        os._exit(3)


class _BuggyExtractor(Extractor):
    media_type = "application/x-buggy"

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        raise KeyError("parser bug")


@pytest.fixture
def test_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("mosaicguard.extract._readers_for_tests")
    module.CrashExtractor = _CrashExtractor  # type: ignore[attr-defined]
    module.BuggyExtractor = _BuggyExtractor  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(registry._BY_SUFFIX, ".crash", "_readers_for_tests:CrashExtractor")
    monkeypatch.setitem(registry._BY_SUFFIX, ".buggy", "_readers_for_tests:BuggyExtractor")
    monkeypatch.setitem(registry._BY_SUFFIX, ".gone", "_no_such_reader:Nothing")


def test_a_reader_that_kills_its_process_costs_only_that_file(tmp_path: Path, test_readers: None) -> None:
    names = ["a.txt", "b.crash", "c.txt", "d.txt"]
    for name in names:
        (tmp_path / name).write_text(f"手机 {MOBILE}\n", encoding="utf-8")
    report = scan_paths([str(tmp_path / n) for n in names], ScanOptions(jobs=2))
    files = _by_name(report.files)
    assert [fr.path.rsplit("/", 1)[-1] for fr in report.files] == names  # input order kept
    assert files["b.crash"].status == "error" and "crashed" in files["b.crash"].error
    for name in ("a.txt", "c.txt", "d.txt"):
        assert files[name].status == "ok" and files[name].findings


def test_reader_bugs_and_missing_readers_are_errors(tmp_path: Path, test_readers: None) -> None:
    for name in ("x.buggy", "y.gone", "z.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    files = _by_name(scan_paths([str(tmp_path)], ScanOptions()).files)
    assert files["x.buggy"].status == "error" and "KeyError" in files["x.buggy"].error
    assert files["y.gone"].status == "error" and "could not be loaded" in files["y.gone"].error
    assert files["z.txt"].status == "ok"


def test_progress_is_reported_per_file(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text("x", encoding="utf-8")
    calls: list[tuple[int, int]] = []
    list(iter_scan([str(tmp_path)], ScanOptions(), on_progress=lambda d, t, p: calls.append((d, t))))
    assert calls == [(1, 3), (2, 3), (3, 3)]
    calls.clear()
    list(iter_scan([str(tmp_path)], ScanOptions(jobs=2), on_progress=lambda d, t, p: calls.append((d, t))))
    assert calls[-1] == (3, 3) and len(calls) == 3


def test_rescan_bytes_folds_members_into_one_result() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("inner.txt", f"手机 {MOBILE}\n")
    result = rescan_bytes(buf.getvalue(), "out/bundle.zip", ScanOptions())
    assert result.path == "out/bundle.zip" and result.status == "ok"
    assert [f.category for f in result.findings] == ["phone"]
