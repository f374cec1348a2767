"""The repository's own text files: a merge that left its conflict markers behind is caught here,
not by a reader of the docs (session 14's merge left three in docs/benchmarks-aggregate.md)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The three lines git writes around a conflict (`=======` alone is also a Markdown heading
#: underline, so it counts only next to one of the other two in the same file).
MARKERS = re.compile(r"^(<<<<<<< |>>>>>>> )", re.MULTILINE)
TEXT_SUFFIXES = {".md", ".py", ".yaml", ".yml", ".toml", ".cfg", ".txt", ".sh", ".html", ".js", ".css", ".sql"}


def repository_text_files() -> list[Path]:
    roots = [ROOT / d for d in ("src", "tests", "bench", "docs", "scripts", ".ci")]
    files = [p for r in roots if r.exists() for p in r.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES]
    return files + [p for p in ROOT.iterdir() if p.is_file() and p.suffix in TEXT_SUFFIXES | {""}]


def conflict_markers(text: str) -> list[int]:
    """Line numbers (1-based) of git's conflict markers in `text`."""
    return [text.count("\n", 0, m.start()) + 1 for m in MARKERS.finditer(text)]


def test_the_marker_finder_sees_a_conflict() -> None:
    text = "# Title\n<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> branch\n"
    assert conflict_markers(text) == [2, 6]
    assert conflict_markers("Heading\n=======\ntext with <<<<<<< inside a line\n") == []


def test_no_file_holds_a_merge_conflict() -> None:
    files = repository_text_files()
    assert len(files) > 100  # the walk found the repository
    found = {}
    for p in files:
        if p.name == Path(__file__).name or "data" in p.relative_to(ROOT).parts:
            continue  # this file's own samples; test data may hold anything
        lines = conflict_markers(p.read_text(encoding="utf-8", errors="replace"))
        if lines:
            found[str(p.relative_to(ROOT))] = lines
    assert not found, f"merge-conflict markers left in: {found}"
