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

jieba is imported and its dictionary read (~1 s, no cache file written) on the first question only.
"""

from __future__ import annotations

import functools
import logging
import math
import threading
from typing import Any

#: How much less probable (log2) the boundary-respecting segmentation must be to reject a match.
CUT_MARGIN_BITS = 4.0
#: Characters of context on each side given to the segmenter (a Chinese word is rarely longer).
WINDOW = 6

_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _tokenizer() -> Any:
    with _lock:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        from .facts.tablecache import cache_file, cached

        tk = jieba.Tokenizer()
        # Built from the dictionary inside the package, not with `initialize()`: that writes a
        # marshal cache of every dictionary word into the system temp folder, and the tool
        # leaves no files behind there (tests/test_network_isolation.py, test_secrets_at_rest.py).
        # The built prefix table is kept in the table cache instead (public dictionary data,
        # the cache folder, not the temp folder): ~1 s -> ~0.1 s for every `check` and `scan`.
        dict_file = tk.get_dict_file()
        source = getattr(dict_file, "name", None)
        if hasattr(dict_file, "close"):
            dict_file.close()
        path = cache_file("jieba-prefix", [source], __file__) if source else None
        tk.FREQ, tk.total = cached(path, lambda: tuple(tk.gen_pfdict(tk.get_dict_file())),
                                   lambda d: isinstance(d, tuple) and len(d) == 2 and isinstance(d[0], dict))
        tk.initialized = True
        return tk


def _best_log2(tk: Any, s: str) -> float:
    """log2 probability of the most probable segmentation of `s` (jieba's DAG route)."""
    if not s:
        return 0.0
    route: dict[int, tuple[float, int]] = {}
    tk.calc(s, tk.get_DAG(s), route)
    return float(route[0][0]) / math.log(2)


def is_cjk(ch: str) -> bool:
    """A CJK unified ideograph (the characters jieba segments)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@functools.lru_cache(maxsize=65536)
def _cut_cost(left: str, term: str, right: str) -> float:
    tk = _tokenizer()
    whole = _best_log2(tk, left + term + right)
    kept = _best_log2(tk, left) + _best_log2(tk, term) + _best_log2(tk, right)
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
