"""The reporter contract: a ScanReport in, text out. Reporters never decide and never scan."""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod

from ..model import ScanReport, Severity


class Reporter(ABC):
    #: format name used on the command line (--format)
    name: str = ""

    def __init__(self, fail_on: Severity = Severity.HIGH, lang: str = "zh", show_suppressed: bool = False) -> None:
        # The gate decides each file's verdict in human reports ("must change" at or above it).
        self.fail_on = fail_on
        self.lang = lang if lang in ("zh", "en") else "zh"
        # Counts of hidden findings are always shown; with this, the findings themselves too.
        self.show_suppressed = show_suppressed

    @abstractmethod
    def render(self, report: ScanReport, redact: bool) -> str:
        """The whole report as text. `redact` masks every matched value."""


# --format name -> "module:Class"
REPORTERS: dict[str, str] = {
    "json": "json_report:JsonReporter",
    "sarif": "sarif:SarifReporter",
    "html": "html:HtmlReporter",
    "text": "text:TextReporter",
}


def get_reporter(name: str, fail_on: Severity = Severity.HIGH, lang: str = "zh",
                 show_suppressed: bool = False) -> Reporter:
    """The reporter for `--format name` (KeyError for an unknown name)."""
    module_name, class_name = REPORTERS[name].split(":")
    module = importlib.import_module(f"{__package__}.{module_name}")
    reporter: Reporter = getattr(module, class_name)(fail_on=fail_on, lang=lang, show_suppressed=show_suppressed)
    return reporter
