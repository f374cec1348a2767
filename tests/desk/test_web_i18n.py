"""The desk's zh/en catalogue: complete, consistent, and covering every key the pages use."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from mosaicguard.desk import i18n
from mosaicguard.desk.service import DECISIONS, ROLES
from mosaicguard.policy.load import load_policy

DESK = Path(i18n.__file__).parent


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(i18n.CATALOGUE))
def test_every_entry_has_both_languages_with_the_same_placeholders(key: str) -> None:
    zh, en = i18n.CATALOGUE[key]
    assert zh.strip() and en.strip()
    assert _fields(zh) == _fields(en)


def test_every_literal_key_in_templates_and_code_exists() -> None:
    used: set[str] = set()
    pattern = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.\-]+)["']""")
    for path in [*DESK.glob("templates/*.j2"), *DESK.glob("*.py")]:
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    # Keys passed by name (`t(error)`, `t(msg)`) come from these tables in web.py.
    used |= {"login.failed", "login.locked", "upload.none", "review.decided", "review.reason_required"}
    assert len(used) > 60
    missing = sorted(k for k in used if k not in i18n.CATALOGUE)
    assert not missing, missing


def test_keys_built_from_values_exist() -> None:
    built = [f"status.{s}" for s in ("queued", "running", "done", "failed")]
    built += [f"decision.{d}" for d in (*DECISIONS, "none")]
    built += [f"role.{r}" for r in ROLES]
    # the five publication profiles of the bundled policy (issue 11) have names in both languages
    profiles = sorted(load_policy(Path(__file__).resolve().parents[2] / "samples" / "policy.yaml").profiles)
    assert len(profiles) == 5, profiles
    built += [f"profile.{p}" for p in profiles]
    built += [f"verdict.{v}" for v in ("approved", "returned", "pending")]
    built += [f"lang.{code}" for code in i18n.LANGS]
    assert [k for k in built if k not in i18n.CATALOGUE] == []


@pytest.mark.parametrize(("raw", "lang"), [("en", "en"), ("en-US", "en"), ("EN", "en"), ("zh-CN", "zh"),
                                           ("fr", "zh"), ("", "zh"), (None, "zh")])
def test_language_choice(raw: str | None, lang: str) -> None:
    assert i18n.normalise_lang(raw) == lang


def test_translation_fills_placeholders_and_refuses_unknown_keys() -> None:
    assert i18n.t("review.page", "en", n=3) == "Page 3"
    assert i18n.t("review.page", "zh", n=3) == "第 3 页"
    assert i18n.translator("en")("nav.drafts") == "Drafts"
    assert i18n.profile_label("press-release", "zh") == "新闻稿"
    assert i18n.profile_label("custom-kind", "zh") == "custom-kind"
    with pytest.raises(KeyError):
        i18n.t("no.such.key", "zh")
