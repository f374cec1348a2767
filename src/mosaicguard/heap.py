"""Long-lived tables and the cyclic garbage collector.

A process loads a few large tables once and keeps them until it exits: the policy, the Chinese
and English gazetteers, the proper-name and pinyin tables (hundreds of thousands of objects).
CPython's collector counts allocations: while those tables are being built it runs full
collections, and every full collection walks every tracked object again, the tables included
(~30 ms each on the 1M corpus's policy and gazetteers). A `check` of one draft paid four or five
of them (0.12-0.2 s of its ~1 s).

`long_lived()` wraps the loading of such a table: the collector is paused while it is built, then
everything alive is moved to the permanent generation (`gc.freeze()`), which later collections
skip. Reference counting still frees whatever is dropped, and the collector still runs for what
is allocated afterwards; the one trade-off (`gc.freeze`'s own) is that objects alive at that moment
which later become unreachable *cycles* are not collected. The tables load once per process,
early (policy, gazetteers), so what is frozen is start-up state that lives as long as the process.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def long_lived() -> Iterator[None]:
    """Build or load tables kept for the life of the process without the collector walking them
    meanwhile or afterwards. Nests: only the outermost block turns the collector back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
