"""The Jinja2 environment of the desk's pages and review record (templates in `desk/templates/`).

Autoescaping is on for every template: document names, finding messages and reasons typed by
users are text, never markup. Undefined names fail loudly so a missing field is a test failure.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from .i18n import label_functions, translator


@cache
def environment() -> Environment:
    """The shared environment (templates are loaded once and cached by Jinja)."""
    return Environment(
        loader=PackageLoader("mosaicguard.desk", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(name: str, lang: str, **context: Any) -> str:
    """Render template `name` in `lang`: `t(key, **values)` and the report's label functions
    (`category_label`, `severity_label`, ...) are available to the template."""
    template = environment().get_template(name)
    return template.render(lang=lang, t=translator(lang), **label_functions(lang), **context)
