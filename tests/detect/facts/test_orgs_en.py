"""English organisations (`orgs`): names ending in a legal or organisational suffix, and
contracting agencies; sentences taken from real documents (tests/data/realworld-extra)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mosaicguard.detect.facts.orgs import Organisations, english_org_key

X = Organisations()
DOCS = Path(__file__).resolve().parents[2] / "data" / "realworld-extra" / "docs"


def _orgs(text: str) -> list[tuple[str, str]]:
    return [(s.text, s.key) for s in X.extract(text) if s.kind == "org"]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Great Lakes Dredge and Dock Company (GLDD) from Oak Brook, Illinois, has won an $8.8 million",
         "Great Lakes Dredge and Dock Company (GLDD)"),
        ("Great Lakes Dredge and Dock Co. LLC, Oak Brook, Illinois, was awarded an $8,841,345",
         "Great Lakes Dredge and Dock Co. LLC"),
        ("awarded a $13.5 million contract to Norfolk Dredging Co. of Chesapeake, Va. for dredging",
         "Norfolk Dredging Co."),
        ("Hensel Phelps Construction Co., Greeley, Colorado, was awarded", "Hensel Phelps Construction Co."),
        ("a contract to Fluor-Kiewit JV for the work", "Fluor-Kiewit JV"),
        ("The U.S. Army Corps of Engineers, Philadelphia District, is the contracting activity.",
         "U.S. Army Corps of Engineers, Philadelphia District"),
    ],
)
def test_english_organisations(text: str, span: str) -> None:
    assert span in [t for t, _ in _orgs(text)]


def test_key_drops_legal_form_and_acronym() -> None:
    one = english_org_key("Great Lakes Dredge and Dock Company (GLDD)")
    assert one == english_org_key("Great Lakes Dredge and Dock Co. LLC") == english_org_key("Great Lakes Dredge & Dock")
    assert one != english_org_key("Norfolk Dredging Co.")


def test_agency_district_is_part_of_its_key() -> None:
    keys = {k for _, k in _orgs("The U.S. Army Corps of Engineers' Philadelphia District has awarded")}
    other = {k for _, k in _orgs("U.S. Army Corps of Engineers, Philadelphia, Pennsylvania, is the activity")}
    assert keys and other and keys.isdisjoint(other)  # the agency alone is not one of its districts


@pytest.mark.parametrize(
    "text",
    [
        "The Company said it would bid again next year.",
        "The Air Force awarded the contract on Monday.",
        "Work Will Be Performed In Chesapeake City",
        "Base work will include dredging of the canal from Station 00+000.",
        "Bids for this project were solicited via the internet.",
    ],
)
def test_not_organisations(text: str) -> None:
    assert _orgs(text) == []


def test_real_award_pair_shares_the_contractor() -> None:
    a = {k for _, k in _orgs((DOCS / "en_dredgingtoday_cd-canal-dredging-award.txt").read_text(encoding="utf-8"))}
    b = {k for _, k in _orgs((DOCS / "en_portnews_cd-canal-dredging-award.txt").read_text(encoding="utf-8"))}
    c = {k for _, k in _orgs((DOCS / "en_philly_delaware-river-dredging-award.txt").read_text(encoding="utf-8"))}
    assert english_org_key("Great Lakes Dredge and Dock") in a & b
    assert english_org_key("Norfolk Dredging Co.") in c and english_org_key("Norfolk Dredging Co.") not in a | b


def test_home_town_and_unit_are_not_the_name() -> None:
    assert [t for t, _ in _orgs("awarded to Anchorage-based Haskell-Davis Joint Venture for")] == [
        "Haskell-Davis Joint Venture"]
    assert [t for t, _ in _orgs("accomplished by J&J Contractors, Inc. of Ohio")] == ["J&J Contractors, Inc."]
    assert _orgs("the 91st Security Forces Group Tactical Response Force") == []
