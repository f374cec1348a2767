"""The reporter contract: a ScanReport in, text out. Reporters never decide and never scan."""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod

from ..model import ScanReport


class Reporter(ABC):
    #: format name used on the command line (--format)
    name: str = ""

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


def get_reporter(name: str) -> Reporter:
    module_name, class_name = REPORTERS[name].split(":")
    module = importlib.import_module(f"{__package__}.{module_name}")
    reporter: Reporter = getattr(module, class_name)()
    return reporter
