"""Chinese word boundaries for whole-token matching, from jieba's dictionary (MIT, offline).

Chinese is written without spaces, so "is this term a token here?" is a question for a word
segmenter. `cuts_word(text, start, end)` asks jieba's unigram language model whether the best
segmentation of the surrounding text is much more probable than the best one that keeps a word
boundary at `start` and at `end`: `鲲鹏计划生育服务站` is read `鲲鹏/计划生育/服务站` (the
boundary after `计划` costs 8.4 bits), so the alias `鲲鹏计划` is not in it; `鲲鹏计划配套道路施工`
or `7838工程施工招标` (1.6 bits: `工程施工` is a word, but so are `工程` and `施工`) keep theirs.

A margin, not "any word crosses the edge": a protected name usually ends in a generic head word
(`工程`, `计划`, `项目`) that also forms everyday compounds with what follows (`工程项目`,
`工程建设`), and dropping those mentions would lose scan recall. Only a boundary the language
model finds improbable (`CUT_MARGIN_BITS`) rejects a match.

jieba is imported on the first question only; its prefix table is built once (~1 s) into the table
cache folder as SQLite and then looked up per fragment (`prefix_table`).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import sqlite3
import threading
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import Any

#: How much less probable (log2) the boundary-respecting segmentation must be to reject a match.
CUT_MARGIN_BITS = 4.0
#: Characters of context on each side given to the segmenter (a Chinese word is rarely longer).
WINDOW = 6

_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _table() -> tuple[Any, int]:
    """jieba's prefix table (fragment -> count) and the total count.

    jieba itself is imported only to build the table once (its import costs 0.2 s, mostly
    pkg_resources): the table is kept in the table cache folder (public dictionary data) as
    SQLite and looked up per fragment, since a `check` asks a few hundred fragments and loading
    all 580,000 entries cost 0.3 s of its 1 s budget. Not built with jieba's `initialize()`: that
    writes a marshal cache into the system temp folder, and the tool leaves no files there
    (tests/test_network_isolation.py, test_secrets_at_rest.py)."""
    with _lock:
        from .facts.tablecache import cache_file

        spec = find_spec("jieba")
        if spec is None or spec.origin is None:
            raise RuntimeError("jieba is not installed: its dictionary is needed")
        source = Path(spec.origin).parent / "dict.txt"
        marshal_path = cache_file("jieba-prefix", [source], __file__)
        path = marshal_path.with_suffix(".sqlite") if marshal_path is not None else None
        return prefix_table(path, _build_from_jieba)


def _build_from_jieba() -> tuple[dict[str, int], int]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    freq, total = tk.gen_pfdict(tk.get_dict_file())
    return dict(freq), int(total)


class FragmentTable:
    """jieba's prefix table (fragment -> count, 0 for a prefix that is no word) read from SQLite
    on demand, with the answers memoised: the mapping jieba's `get_DAG` and `calc` use."""

    def __init__(self, path: Path) -> None:
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._memo: dict[str, int | None] = {}
        self.total = int(self._con.execute("SELECT total FROM meta").fetchone()[0])

    def get(self, key: str, default: int | None = None) -> int | None:
        """The count of `key`, or `default` when it is neither a word nor a word's prefix."""
        try:
            value = self._memo[key]
        except KeyError:
            with self._lock:
                row = self._con.execute("SELECT f FROM freq WHERE w = ?", (key,)).fetchone()
            value = self._memo[key] = int(row[0]) if row is not None else None
        return default if value is None else value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __getitem__(self, key: str) -> int:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value


def prefix_table(path: Path | None, build: Callable[[], tuple[dict[str, int], int]]) -> tuple[Any, int]:
    """(fragment table, total count): from the SQLite file at `path` when it is whole, else built
    (and written to `path`, atomically, for the next process). `path` None: in memory only."""
    if path is not None and path.exists():
        try:
            table = FragmentTable(path)
            return table, table.total
        except (sqlite3.Error, TypeError, ValueError):
            pass  # truncated or foreign: built again below
    freq, total = build()

    def write(tmp: Path) -> None:
        con = sqlite3.connect(tmp)
        try:
            with con:
                con.execute("CREATE TABLE freq (w TEXT PRIMARY KEY, f INTEGER NOT NULL) WITHOUT ROWID")
                con.executemany("INSERT INTO freq VALUES (?, ?)", freq.items())
                con.execute("CREATE TABLE meta (total INTEGER NOT NULL)")
                con.execute("INSERT INTO meta VALUES (?)", (total,))
        finally:
            con.close()

    if path is not None:
        from .facts.tablecache import write_atomically

        with contextlib.suppress(sqlite3.Error):  # the table is an optimisation: kept in memory then
            write_atomically(path, write)
    return freq, total


def _route(table: Any, total: int, s: str) -> list[tuple[float, int]]:
    """jieba's unigram route over `s` (its `get_DAG` + `calc`, run here over the fragment table
    so that jieba need not be imported): for each start k, (log probability of the best
    segmentation of s[k:], the end index of its first word)."""
    n = len(s)
    log_total = math.log(total)
    route: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
    for k in range(n - 1, -1, -1):
        ends: list[int] = []
        i = k
        fragment = s[k]
        while i < n and fragment in table:
            if table[fragment]:
                ends.append(i)
            i += 1
            fragment = s[k:i + 1]
        if not ends:
            ends.append(k)
        route[k] = max((math.log(table.get(s[k:x + 1]) or 1) - log_total + route[x + 1][0], x) for x in ends)
    return route


def _best_log2(table: Any, total: int, s: str) -> float:
    """log2 probability of the most probable segmentation of `s` (jieba's unigram route)."""
    if not s:
        return 0.0
    return _route(table, total, s)[0][0] / math.log(2)


@functools.lru_cache(maxsize=65536)
def words(s: str) -> tuple[tuple[str, int], ...]:
    """The most probable segmentation of `s` by jieba's unigram route (as `_best_log2`), each
    word with its count in jieba's dictionary (0: not a dictionary word, a single character the
    route had to take alone). The background frequency of a phrase's words: how common they are
    in Chinese at large, whatever the corpus at hand."""
    if not s:
        return ()
    table, total = _table()
    route = _route(table, total, s)
    out: list[tuple[str, int]] = []
    k = 0
    while k < len(s):
        end = route[k][1] + 1
        out.append((s[k:end], int(table.get(s[k:end]) or 0)))
        k = end
    return tuple(out)


def is_cjk(ch: str) -> bool:
    """A CJK unified ideograph (the characters jieba segments)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@functools.lru_cache(maxsize=65536)
def _cut_cost(left: str, term: str, right: str) -> float:
    table, total = _table()
    whole = _best_log2(table, total, left + term + right)
    kept = _best_log2(table, total, left) + _best_log2(table, total, term) + _best_log2(table, total, right)
    return whole - kept


def cuts_word(text: str, start: int, end: int) -> bool:
    """True when `text[start:end]` is not a token of `text`: a Chinese word runs across its start
    or its end, and keeping the boundaries costs more than CUT_MARGIN_BITS. Only edges between two
    CJK characters are questioned (other edges are the caller's: Latin words and digits have
    their own boundaries)."""
    left_open = start > 0 and is_cjk(text[start - 1]) and is_cjk(text[start])
    right_open = end < len(text) and is_cjk(text[end]) and is_cjk(text[end - 1])
    if not (left_open or right_open):
        return False
    left = _cjk_run(text[max(0, start - WINDOW):start], from_end=True) if left_open else ""
    right = _cjk_run(text[end:end + WINDOW], from_end=False) if right_open else ""
    return _cut_cost(left, text[start:end], right) > CUT_MARGIN_BITS


def _cjk_run(s: str, from_end: bool) -> str:
    """The CJK characters of `s` next to the term (punctuation or a digit ends a word anyway)."""
    chars = reversed(s) if from_end else iter(s)
    out = []
    for ch in chars:
        if not is_cjk(ch):
            break
        out.append(ch)
    return "".join(reversed(out) if from_end else out)
