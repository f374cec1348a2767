"""A military base is a site (`site:barksdale|base`), and English news names other bases in
passing. Causes met on the real stories of tests/data/realworld-extra (issue 9, realworld4 set);
the sentences are quoted from them, facts come from the real extractor, entities from the real
aggregation."""

from __future__ import annotations

import shutil
from pathlib import Path

from mosaicguard.aggregate.engine import AggregateOptions, Aggregator
from mosaicguard.aggregate.facts import FactExtractor
from mosaicguard.aggregate.index import SQLiteFactStore
from mosaicguard.policy.schema import Policy

POLICY = Policy.model_validate({"version": 1})
DOCS = Path(__file__).resolve().parents[1] / "data" / "realworld-extra" / "docs"

# en_usacesas_seymour-johnson-kc46-hangar-construction.txt
SEYMOUR = ("Work continues on a new $59.5 million state-of-the-art maintenance hangar at Seymour Johnson "
           "Air Force Base, in Goldsboro, North Carolina.\n\nHome of the 916th Air Refueling Wing, SJAFB will "
           "be the first U.S. Air Force Reserve wing to receive the new KC-46A. Similar facilities are being "
           "constructed at McConnell Air Force Base in Kansas and Pease Air National Guard Base in New "
           "Hampshire.\n\n\u201cThe new facility will allow the Air Force Reserve unit at SJAFB to continue,\u201d "
           "said Stephen Blanchard, Corps resident engineer at Seymour Johnson Air Force Base.")


def site_keys(text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in FactExtractor(POLICY).extract_text("x.txt", text):
        if f.kind in ("address", "place") and "installation" not in f.value.lower():
            out.setdefault(f.value, set()).update(k for k in f.keys if k.startswith("site:"))
    return out


def test_a_base_named_once_beside_one_named_twice_is_named_in_passing() -> None:
    sites = site_keys(SEYMOUR)
    assert sites["Seymour Johnson Air Force Base"] == {"site:seymour johnson|base"}
    assert sites["SJAFB"] == {"site:sjafb"}
    # still facts (the text names them), but no link keys: the story is not about those bases
    assert sites["McConnell Air Force Base"] == set()
    assert sites["Pease Air National Guard Base"] == set()


def test_a_story_naming_one_base_once_keeps_it() -> None:
    text = ("The U.S. Air Force 28th Bomb Wing at Ellsworth Air Base marked a new milestone with a ceremony "
            "on April 29 to commemorate the beginning of construction on the base's new Weapons Generation "
            "Facility (WGF).")
    assert site_keys(text)["Ellsworth Air Base"] == {"site:ellsworth|base"}


def test_a_facility_type_name_does_not_join_two_bases(tmp_path: Path) -> None:
    """`Weapons Generation Facility` is what bomber bases build: the Ellsworth story and the
    Barksdale analysis share it (+3.1 in the real set) and nothing else; a cluster at one base
    and a cluster at another are two sites, joined only by a strong link (as two codes are).
    The Barksdale award joins the analysis by the base; the analysis names Minot AFB once."""
    names = ["en_defenceblog_ellsworth-wgf-groundbreaking.txt", "en_fas_barksdale-wgf-construction.txt",
             "en_thedefensepost_barksdale-wgf-award.txt", "en_kxnet_minot-helicopter-facility.txt",
             "en_targetednews_minot-helicopter-facility-groundbreaking.txt"]
    for n in names:
        shutil.copy(DOCS / n, tmp_path / n)
    result = Aggregator(SQLiteFactStore(), AggregateOptions(POLICY, engine="python")).aggregate([str(tmp_path)])
    entities = sorted(sorted(Path(d).name[:12] for d in e["documents"]) for e in result.entities)
    assert entities == [["en_fas_barks", "en_thedefens"], ["en_kxnet_min", "en_targetedn"]]
