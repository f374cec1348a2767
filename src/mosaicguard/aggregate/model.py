"""The Fellegi-Sunter link model: comparisons, their levels, m/u probabilities and match weights.

A *node* is one project mention (a document scope). Two nodes are compared on every kind of link
key they hold (codes, protected subjects, project names, precise addresses, unit designators,
phones, persons, organisations, coarse areas, dates, amounts of money) and on the distance between their
coordinates. Each comparison lands on one *level*; each level has a match weight
`log2(m / u)` (m: how often true matches land there, u: how often unrelated pairs do). A pair's
match weight is the prior log-odds plus the sum of its levels' weights; its match probability is
`2**w / (1 + 2**w)`.

Term frequency: splink's TF adjustment works on single-valued columns; our key columns are sets.
Each shared key falls into a *document-frequency level* (df <= 2, 3, 4, 6, 8, ... 200, about
1.5x apart, then more) and a comparison's level is the one of the rarest shared key. A level's
u is the chance that an unrelated document holds a value that common,
`min(1, df_bound / N) * c_kind`, where `c_kind` says how often unrelated projects share such a
value at all (tender codes and protected aliases are made to be unique: 0.001; names, precise
addresses and phones 0.1 (a rare mobile is a person); villages, persons, organisations, areas and
dates 1 - plain term frequency). A value held by more than 200 documents is neutral (weight 0):
a portal's complaint line, an agency's switchboard or a template phrase says nothing about which
project a document is about. Shared values never count against a pair (weight >= 0).

Disagreement (both nodes hold values of a kind, none shared) has u estimated by random sampling of
node pairs and m from the priors below; it counts against a pair for codes, subjects, names,
precise addresses, areas and coordinates farther than 1 km, and is neutral for kinds where one
project routinely has several values (phones, persons, organisations, units, dates).

The model is plain data (JSON in the index), so `score_pair` explains any pair and the draft
check scores drafts without splink; splink evaluates the very same levels in SQL (splink_sql).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import random
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..detect.facts.money import amount_kind
from .normalize import distance_m

#: Upper document frequency of each term-frequency level, about 1.5x apart: a shared value's u
#: is its level's bound / N, within 0.6 bit of its own df / N (splink's term-frequency
#: adjustment, for sets of values). Coarser buckets (3, 20, 200) cost up to 2.7 bits at their
#: edges: a village held by the 3 notices of one project and 1 harmless neighbour weighed as if
#: 20 documents held it (10k domain corpus: most of the missed address chains).
DF_BUCKETS: tuple[int, ...] = (2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 200)
BUCKET_LABELS = (*(f"df<={b}" for b in DF_BUCKETS), f"df>{DF_BUCKETS[-1]}")
#: Keys held by more documents than this never make candidate pairs (and are neutral evidence).
BLOCK_MAX_DF = DF_BUCKETS[-1]
#: Organisations make candidate pairs only while held by at most this many documents: pairs
#: per organisation stay below 30, and an agency named everywhere pairs nothing.
ORG_BLOCK_MAX_DF = 8
#: Fixed lines (`landline`) make candidate pairs only while held by at most this many documents.
#: Why: v2w 100k domain corpus (realistic density, docs/benchmarks-aggregate.md, "Session 13 -
#: blocking"): an office's line is in 2-200 notices, and landlines made 1.73 of the 1.97 million
#: candidate pairs (1.71 million made by nothing else), none of which scored within the margin of
#: the threshold (sharing one weighs at most +2.6: u_min); in the dense world offices were busy
#: (> 200 notices) and their lines blocked nothing already.
LANDLINE_BLOCK_MAX_DF = ORG_BLOCK_MAX_DF
#: The kinds of the second value a village (`vil`) must share with a node to pair with it
#: (`pair_block_keys`), each held by 2 to BLOCK_MAX_DF documents: its group (`grp`, keyed with
#: its village), an organisation (the buyer, the builder), a distinctive amount (`amt`, any of
#: its renderings: an EIA's `总投资约2321万元` and the permit's `合同价格：2321.65万元` of two owners
#: in one village, tests/aggregate/test_amount_links.py), a person, a date.
#: Why: v2w 100k domain corpus ("Session 13 - blocking"): villages blocking alone made 171,536
#: candidate pairs, 154,485 of them made by nothing else, and 146 of those scored within the
#: margin of the threshold; every one of the 146 shared the village's group or an organisation.
#: A village shared alone weighs its term frequency only (c 1): below the prior, never a link.
VILLAGE_BLOCK_WITH: tuple[str, ...] = ("grp", "org", "amt", "person", "date")
#: The document frequencies at which a kind's `m_share` anchors hold (between them, m is
#: interpolated on a log scale: a value common to many documents is more often a template).
M_ANCHORS: tuple[int, int, int] = (3, 20, 200)
NEAR_M = 200.0
FAR_M = 1000.0


@dataclass(frozen=True, slots=True)
class KindPrior:
    """Documented priors for one kind of key: m of sharing a value held by 3, 20 and 200
    documents (M_ANCHORS; interpolated between) given both nodes hold the kind, m of disagreeing
    (None = disagreement is neutral), and the share factor c (how often unrelated projects share
    a value of this kind at all)."""

    m_share: tuple[float, float, float]
    m_differ: float | None
    c: float
    blocking: bool
    # Context kinds (an office line, a person's name, an organisation, an area, a date) are
    # correlated with each other among unrelated notices of one agency (Fellegi-Sunter assumes
    # independence): however rare the value, sharing it never counts for more than 1 in u_min.
    u_min: float = 0.0
    # Keys of this kind make candidate pairs only while held by at most this many documents
    # (a blocking kind; lower than BLOCK_MAX_DF when a kind is only worth pairing on when rare).
    block_max_df: int = BLOCK_MAX_DF
    # Kinds of a second value the node must share for a key of this kind to make a candidate
    # pair (`pair_block_keys`): empty, the key blocks alone (`blocks`); otherwise only the
    # composite tokens of the key and such a value make pairs.
    block_with: tuple[str, ...] = ()
    # Busy values disagree too (`NodeRecord.specific_keys`): for a kind whose value is the
    # project's own whatever its frequency (its owner), not a template printed on every notice.
    busy_differ: bool = False
    # Disagreement is neutral when the two nodes share a precise site (`one_site`): several
    # owners and tenders at one street address or point are one campus (real documents: two
    # plants of one group on one campus, two owners, one annotated group).
    neutral_at_one_site: bool = False


# Why: a shared tender code is how notices about one tender are recognised (dozens of notices per
# tender are normal, so even a code in 200 documents links), and two different codes mostly mean
# two tenders (sibling sections of one site are the exception, m_differ 0.05). Aliases
# of protected subjects are unique by policy. Names and precise addresses identify a site but are
# sometimes written differently. Units, phones and persons are weaker identifiers: a unit runs
# many projects, a phone and a person serve many. Organisations (contractors, agencies), areas
# (county, town) and dates only add to other evidence (an organisation makes a candidate pair only
# while rare: ORG_BLOCK_MAX_DF; areas and dates never do).
KIND_PRIORS: dict[str, KindPrior] = {
    "code": KindPrior((0.60, 0.25, 0.10), 0.05, 0.001, True),
    "subject": KindPrior((0.60, 0.25, 0.10), 0.05, 0.001, True),
    # A construction permit's number (施工许可证编号, detect/facts/codes.py): the permit of one
    # project, as unique as a code (c 0.001) when another notice quotes it. One project (or one
    # section of it: m differ 0.1) has one permit, so two permit notices with two numbers are two
    # projects, and two clusters holding two permits are not joined below `strong_match_weight`
    # (CONFLICT_KINDS), however much their buyer and site agree: one provincial construction
    # office builds several projects in one village group, each with its permit, contractor,
    # manager and price, and only the permit number says so by itself (1M domain corpus,
    # docs/benchmarks-aggregate.md, "Session 14 - provcond": every one of the 7 false pairs a
    # busy office at a shared group lifted joins two permits; the other differences, names,
    # contractors, managers, prices, are each neutral because one project routinely has several).
    # Compared only between nodes that both hold one (a permit notice and its tender compare null).
    "permit": KindPrior((0.60, 0.25, 0.10), 0.10, 0.001, True),
    "name": KindPrior((0.55, 0.10, 0.05), None, 0.1, True),  # one project, many ways to name it
    # A precise site: a road and number (or section, crossing, lot) - one place, rarely shared
    # by unrelated projects (c 0.1).
    "addr": KindPrior((0.60, 0.15, 0.05), 0.10, 0.1, True),
    # A village (村/社区) is a locality, not a site: every project of the village names it, so
    # sharing one weighs plain term frequency (c 1): a village held by 2 of 2,000 documents gives
    # +9.2, not enough alone against the prior (-9.4). m is high (two mentions of one project
    # that both name a village name the same one). Two different villages are two places.
    # Domain corpus (2k, seeds 1-3): as an `addr` (c 0.1, +12.0) a village shared by a harmless
    # project and a sensitive one joined them in 9 of 21 impure entities.
    # A village blocks only together with a second shared value (VILLAGE_BLOCK_WITH,
    # `pair_block_keys`): see there for why.
    "vil": KindPrior((0.60, 0.30, 0.10), 0.10, 1.0, True, block_with=VILLAGE_BLOCK_WITH),
    # A village's group (村民小组, keyed with its village), compared beside the village's `vil`:
    # given one shared village, the same group is 1 in ~10 for unrelated projects (u floor 0.1,
    # not term frequency: the village already counted the rarity) and nearly certain for one
    # project (+3.2); two different groups of one village are two places (m differ 0.05).
    # (As precise as an address, c 0.1, it joined unrelated projects of one village group in 7
    # entities of the 2k corpora: a group is ~30 households, and projects cluster there.)
    "grp": KindPrior((0.95, 0.95, 0.95), 0.05, 1.0, False, 0.1),
    # A named military installation (`F.E. Warren AFB`, `Clear Space Force Station`) is one place
    # in the world, and the site is what an aggregate gives away: several projects on one base
    # are one exposure. Unlike an address, a base is the subject of many documents (real data:
    # 7 and 8 of 73), hence a higher m for df<=20, and nearly unique (c 0.01). Mentioning another
    # base in passing is common (news compares bases): disagreement is neutral.
    "site": KindPrior((0.60, 0.30, 0.10), None, 0.01, True),
    "unit": KindPrior((0.40, 0.30, 0.10), None, 0.3, True),
    "phone": KindPrior((0.50, 0.20, 0.05), None, 0.1, True),  # mobiles: a person's
    # An office's fixed line: every project of the office prints it, so it blocks only while
    # rare (a small firm's or a person's direct line), like an organisation: LANDLINE_BLOCK_MAX_DF.
    "landline": KindPrior((0.30, 0.20, 0.10), None, 1.0, True, 0.05, LANDLINE_BLOCK_MAX_DF),
    "person": KindPrior((0.30, 0.20, 0.10), None, 1.0, True, 0.05),
    # An organisation blocks only while rare (a contractor named in the few documents about its
    # award: `Great Lakes Dredge and Dock Company` / `... Co. LLC`); an agency or a builder in
    # many documents never makes pairs. Sharing one still weighs at most +2.6 (u_min): it makes
    # a pair to score, never a link on its own.
    "org": KindPrior((0.30, 0.20, 0.10), None, 1.0, True, 0.05, ORG_BLOCK_MAX_DF),
    "area": KindPrior((0.30, 0.30, 0.25), 0.05, 1.0, False, 0.05),
    # The project's owner: the organisation a buyer's label names (`采购人：`, `招标人：`,
    # `发包人：`) or the developer's (`建设单位：`; detect/facts/orgs.py). One tender has one buyer,
    # so two are two projects (m differ 0.1: a notice may name the owner's parent or a differently
    # written name), however many notices each owner publishes - a provincial construction office
    # buys for thousands of projects, and the other one's project is still another (busy_differ).
    # Two developers are compared too, except on one campus (`developers_compared`): two
    # subsidiaries' plants at one road and number are one campus (the real group
    # `gac_panyu_shilou_site`), while two notices of one village group naming two developers, two
    # project names and two investments are two projects to a reader (v2w 100k domain corpus,
    # session 13: a barracks office's EIA and a water bureau's EIA of one village group, joined
    # at +2.1 by the group and the county's EIA bureau that publishes both; of the 1,279 accepted
    # links between two developers, that one named two and the 1,278 true ones one). Sharing the
    # owner is neutral (u_min 1: weight 0): the same organisation is already the `org`
    # comparison. Never a candidate pair.
    # Disagreement counts at one street address too (no `neutral_at_one_site`): a village road
    # bought by a county health bureau and a barracks road accepted for a provincial barracks office
    # at one road and number are two projects to a reader (100k domain corpus, session 12: 2 of the
    # 6 impure entities were that, linked by the address alone at +2.6; the only real case of two
    # owners at one address, gac, names two developers).
    # Why: 1M domain corpus (session 10): two tenders of two projects with one generated
    # distinctive name, or a harmless notice and a sensitive site's notice with points 50 m
    # apart, joined barely above the threshold (+2.5 to +3.5) while naming two owners.
    "own": KindPrior((1.0, 1.0, 1.0), 0.10, 1.0, False, 1.0, busy_differ=True),
    # A tender's budget (`预算金额`, `最高限价`, `budget`) at two significant digits
    # (detect/facts/money.py renderings): one tender has one budget, so two budgets that do not
    # meet even rounded are two tenders (m differ 0.1: a revised budget). Sharing is neutral
    # (the amount is already the `amt`/`amtr` comparison); busy values disagree like rare ones.
    # Why: 1M domain corpus: two tenders of two projects with one generated name (the same
    # village and code words) and one buyer differed only in their budgets and dates.
    "bud": KindPrior((1.0, 1.0, 1.0), 0.10, 1.0, False, 1.0, busy_differ=True, neutral_at_one_site=True),
    "date": KindPrior((0.30, 0.20, 0.10), None, 1.0, False, 0.05),
    # An amount of money (detect/facts/money.py), compared at the precision of the less precise
    # side (`amt` keys and AMOUNT_OWN markers below). One project prints its amount in several
    # notices (EIA investment, budget, award, contract price, permit), but often different ones
    # (a budget and the award price differ routinely), hence m below names'. Unrelated projects
    # share a distinctive amount (3 significant digits or more) by chance only: plain term
    # frequency (c 1). Different amounts are neutral: the budget, the award and the final
    # account of one project are three amounts.
    "amt": KindPrior((0.40, 0.20, 0.05), None, 1.0, True),
    # A round amount (2 significant digits: `8500万元`, `$8.8 million`, or a precise amount
    # rendered that coarsely): budgets are chosen in round figures and a news item rounds, so
    # unrelated projects of one size share them; worth little (u never below 0.1: at most +2.0)
    # and never a candidate pair.
    "amtr": KindPrior((0.40, 0.20, 0.05), None, 1.0, False, 0.1),
}
KINDS: tuple[str, ...] = tuple(KIND_PRIORS)
#: Kinds that name a project (the scope anchors of facts.py: a code, a protected alias, a
#: project name).
NAMING_KINDS = ("code", "subject", "name")
#: The levels of an organisation shared by two mentions at one site (SITE_KINDS) when neither
#: names a project (NAMING_KINDS; `org_at_site`): plain term frequency, without the context
#: floor `u_min`. The floor is there because one agency's unrelated projects share its name,
#: phone, contact and county together. Notices that name no project (an EIA publicity, a
#: permit, an acceptance notice with a generic title) are tied to their project by the site and
#: the buyer only; a notice that names its project is tied by that name, and one buyer runs
#: several projects at one site. Measured on the v2 100k domain corpus (docs/benchmarks-
#: aggregate.md, "Session 11"), pairs sharing a village group and an organisation: neither
#: names a project, 91 of 92 are one project; one does, 31 of 40; with the floor, all weighed
#: about -1.5 (p 0.26) against the threshold 2.
ORG_AT_SITE = "org@site"
#: How the labels of the ORG_AT_SITE levels end (`share df<=48 at a shared site`).
ORG_AT_SITE_LABEL = "at a shared site"
#: The levels of an organisation shared by two mentions that agree on a distinctive amount
#: (`amt`, df <= BLOCK_MAX_DF) when neither names a project (`org_at_amount`; after the site
#: levels): plain term frequency, as ORG_AT_SITE. One project prints its amount in notices that
#: share nothing else (an EIA's `总投资约6091万元`, the permit's `合同价格：6091.26万元`), each
#: naming the buyer; the context floor is there for the agency's correlated name, phone and
#: contact, and a chance amount is independent of them. Measured on the v2 100k domain corpus
#: (docs/benchmarks-aggregate.md, "Session 12 - recall").
ORG_AT_AMOUNT = "org@amt"
#: How the labels of the ORG_AT_AMOUNT levels end.
ORG_AT_AMOUNT_LABEL = "with a shared amount"
#: The level of a village (`vil`) shared by two nodes that also share a project name holding the
#: village's name (`village_names`: `廖家寨飞虹晨曦专用道路及配套工程` of `廖家寨村`): weight 0, the
#: name has counted it. Fellegi-Sunter multiplies the comparisons' likelihood ratios as if they
#: were independent given the match status; two unrelated notices that share such a name share its
#: village nearly always (u of the village given the name ~1), so the village's term frequency
#: (+15 at 1M) counted the same coincidence a second time. The village's group (`grp`) and a
#: different village still count.
#: Why: 1M domain corpus (session 14): 3 of the 10 impure entities were two projects with one
#: generated name (`<village><two code words><works>`) in one village, at +8.6 to +15.4 against
#: two groups and two owners; the village made +14.9 to +15.7 of it.
VIL_IN_NAME = "vil@name"
#: The label of the VIL_IN_NAME level.
VIL_IN_NAME_LABEL = "share, in the shared name"
#: The levels of a road and number (`addr`) shared by two nodes of which exactly one names a
#: project (NAMING_KINDS: a code, a protected alias, a distinctive name) and which do not share
#: an owner (`own`; `addr_at_campus`): plain term frequency (c 1, as a village), not the `addr`
#: prior's c 0.1. A road and number is one building or campus, and a campus holds several
#: projects (a school's two buildings, a barracks and the town's street lamps in front of it).
#: A notice that names its project is tied to that project's other notices by the name or code,
#: and to the notices of the campus that name no project (an EIA publicity, an acceptance notice
#: under a works title) by the owner they share; with neither, the address says "this campus",
#: not "this project". Shared, the address still counts (+17.6 at df <= 3 before the prior) and
#: any other shared value adds to it; alone it no longer links (-0.7 after the prior, at every N).
#: Two notices that both name projects, or neither, keep the `addr` levels: nothing in the text
#: says which project of the campus either is (the real group `gac_panyu_shilou_site`, two plants
#: of one campus with two developers and two project names, annotated as one group).
#: Why: 1M v2w domain corpus (session 15): the 4 impure entities (4 false exposures) were a
#: notice of a harmless project naming its tender code (a school's acceptance, a street-lamp
#: permit, a kindergarten news item, a sewage plant's acceptance) joined by the address alone
#: (+2.6) to the EIA and acceptance notice of a sensitive project at the same road and number.
#: Of the 7,377 pairs of nodes sharing a road and number (df <= 200) there, the 29 where exactly
#: one names a project are all two projects, none shares the owner (the 8 above the threshold
#: are those of the 4 entities); the 5,585 one-project pairs all share the owner. Real sets: the
#: 3 pairs sharing a road and number each name a project on both sides (unchanged).
ADDR_AT_CAMPUS = "addr@campus"
#: How the labels of the ADDR_AT_CAMPUS levels end (`share df<=3 at a campus`).
ADDR_AT_CAMPUS_LABEL = "at a campus"
#: What ends a village's name in its key (`廖家寨村`, `孙家营社区`); the rest is what a project
#: name written after the village holds.
_VILLAGE_END = re.compile(r"(?:村民委员会|村委会|居委会|社区|嘎查|村)$")
#: At a shared distinctive name (`name`, df <= BLOCK_MAX_DF: `share_name_value`) the place and
#: the organisations are what tells two projects of one name apart, and what ties the notices of
#: one: `area` (the county: a county mention, and the county of every precise address, facts.py)
#: and `org` compare all their values, busy ones included up to NAME_CONTEXT_MAX_DF documents,
#: by plain term frequency (their levels `{kind}@name`, without the context floor `u_min`), and
#: two counties disagree however many documents name them. The floor is there for one agency's
#: correlated name, phone, contact and county; given one distinctive name, a second project of
#: that name is another village's (a name is a village's stem and two code words), in a county
#: and of an owner drawn independently of it. Why: 1M v2w domain corpus (session 14): 217 of the
#: missed tender -> candidates -> news chains were two projects of one generated name (df 6: the
#: name alone +0.56, under the threshold 2.0), each notice naming its county (the news) or its
#: buyer, a provincial office in ~300 notices (the tender and candidates list): past
#: BLOCK_MAX_DF, both were neutral at 1M, while at 100k (~30 notices) they weighed.
NAME_CONTEXT_KINDS = ("area", "own")
#: How the labels of the `{kind}@name` levels end (`share df<=500 at a shared name`).
AT_NAME_LABEL = "at a shared name"
#: The term-frequency levels past BLOCK_MAX_DF of NAME_CONTEXT_KINDS at a shared name: a county
#: or a provincial office is in a few hundred notices at 1M (and grows with the corpus; a
#: province's template phrase, `江西省政府`, is in thousands and stays neutral).
NAME_CONTEXT_BUSY_BUCKETS: tuple[int, ...] = (300, 500, 1000, 2000)
NAME_CONTEXT_MAX_DF = NAME_CONTEXT_BUSY_BUCKETS[-1]
#: A name shared by at most this many documents is the name of one project or a few (the notices
#: of a tender, an award, a news item; two or three projects of one generated name): above it a
#: "name" is a template or a fragment (`DZB`, 164 notices at 1M) and tells no project apart.
NAME_CONTEXT_NAME_MAX_DF = 24
#: Every bound of the `{kind}@name` levels, in order.
AT_NAME_BOUNDS: tuple[int, ...] = (*DF_BUCKETS, *NAME_CONTEXT_BUSY_BUCKETS)
#: The levels of an owner (`own`) shared by two mentions of one village (`vil`, df <=
#: BLOCK_MAX_DF) when neither names a project (NAMING_KINDS; `owner_at_village`): plain term
#: frequency (the `org` prior without its context floor), busy owners included up to
#: NAME_CONTEXT_MAX_DF documents (the bounds AT_NAME_BOUNDS), as at a shared name. A notice that
#: names no project (an EIA publicity, a permit, an acceptance notice with a works title such as
#: `土建施工`) is tied to its project by its site and its owner only; at a road and number or a
#: village group the buyer's `org` weighs its term frequency (ORG_AT_SITE), at a village without
#: its group it was the context floor, and neutral past BLOCK_MAX_DF documents. A village is a
#: locality (~14 projects of the domain world, a few dozen notices), and the owner a reader sees
#: in two notices of one village is the project's: an unrelated notice of that village naming the
#: same owner is the coincidence its term frequency measures. The term frequency of the village
#: and of the owner do not change with the corpus size (both grow with it); the busy bound did:
#: a provincial construction office is in ~50 notices at 100k and ~500 at 1M (neutral), so the
#: acceptance notice of a project at a village without a group fell out of its EIA and permit at
#: 1M (docs/benchmarks-aggregate.md, "Session 15 - nogroup"). The owner then counts once: the
#: `org` comparison of such a pair is null (the owner's name is one of its organisations).
#: Such a tie never merges two clusters of several notices, and a notice as close to two
#: projects of one owner in one village joins neither (link.py: `_site_tied`,
#: `ambiguous_name_ties`).
OWN_AT_VILLAGE = "own@vil"
#: How the labels of the OWN_AT_VILLAGE levels end (`share df<=500 at a shared village`).
AT_VILLAGE_LABEL = "at a shared village"


def at_name(kind: str) -> str:
    """The name of the levels of `kind` (NAME_CONTEXT_KINDS) at a shared name: `area@name`."""
    return f"{kind}@name"


#: An `amt:` key ending with this marks the amount at its own written precision; the same key
#: without it is held by every amount that renders to it (its own precision or a coarser one).
#: Two amounts agree when one's own key is among the other's renderings: `约6743万元`
#: (`amt:CNY:6743e4!`) and `6743.16万元` (renders to `amt:CNY:6743e4`) agree at 10^4, two
#: precise amounts that only round alike (`6743.16万元`, `6743.40万元`) do not.
AMOUNT_OWN = "!"
#: The amount comparisons: distinctive and round amounts.
AMOUNT_KINDS = ("amt", "amtr")
#: A buyer's `own:` key (the organisation a `采购人`/`招标人` label names) is also held with this
#: mark; a developer's (`建设单位`) is not. Two owners are compared only when one is a buyer
#: (`owner_keys`).
BUYER_MARK = "!"
#: Kinds whose marked keys (AMOUNT_OWN, BUYER_MARK) splink gets in a second column, `{kind}_own_dfk`.
MARKED_KINDS = (*AMOUNT_KINDS, "own")


#: Significant digits an `amt` value needs to make candidate pairs. Amounts of 3-4 digits
#: (`6743万元`) are worth comparing, but at scale they repeat by chance (100k domain corpus: the
#: 4-digit 万元 renderings are held by 33 documents on average and made 3.7 of 4.2 million
#: blocked pairs, doubling the link time); 5 digits or more (`6743.16万元`, `$8,841,345`) are
#: about as rare as a code. A pair sharing a shorter amount is still scored on it when other
#: evidence (a village, a name, a code) makes it a candidate.
AMOUNT_BLOCK_DIGITS = 5


def blocks(key: str, df: int) -> bool:
    """Whether a key held by `df` documents makes candidate pairs: a shared value (df >= 2) of a
    blocking kind that is not busy (its kind's `block_max_df`, BLOCK_MAX_DF by default) and, for
    an amount, precise enough (AMOUNT_BLOCK_DIGITS). The one blocking rule of every engine
    (splink's blocking arrays, the pure-Python pairs, the draft check and the incremental relink)."""
    kind, _, value = key.partition(":")
    prior = KIND_PRIORS.get(kind)
    if prior is None or not prior.blocking or prior.block_with or not 2 <= df <= prior.block_max_df:
        return False
    if kind in AMOUNT_KINDS:
        mantissa = value.rpartition(":")[2].partition("e")[0].lstrip("0")
        return len(mantissa) >= AMOUNT_BLOCK_DIGITS
    return True


#: Composite blocking (`pair_block_keys`): an organisation and a distinctive amount, shared
#: together, make a candidate pair though neither blocks alone (the organisation is held by
#: more than ORG_BLOCK_MAX_DF documents, the amount has fewer than AMOUNT_BLOCK_DIGITS
#: significant digits); a village makes one only with a second shared value
#: (VILLAGE_BLOCK_WITH). A token is the two keys joined by this separator.
PAIR_BLOCK_SEP = "\x1f"


def pair_block_keys(keys: Mapping[str, int]) -> list[str]:
    """The composite blocking tokens of a node holding `keys` (key -> document frequency): two
    nodes sharing a token make a candidate pair. Those of a buyer and an amount
    (`buyer_amount_block_keys`) and those of a key that blocks only with a second shared value
    (`block_with_keys`: a village). The one composite rule of every engine (pure Python, splink's
    `pair_blk` column, the incremental relink, the draft check); `pair_block_parts` splits a
    token into the two keys whose holders it pairs."""
    return [*buyer_amount_block_keys(keys), *block_with_keys(keys), *village_owner_block_keys(keys)]


def village_owner_block_keys(keys: Mapping[str, int]) -> list[str]:
    """The composite tokens of a village and an owner of a node that names no project (the
    OWN_AT_VILLAGE situation, `owner_at_village`): every (village held by 2 to BLOCK_MAX_DF
    documents, owner held by 2 to NAME_CONTEXT_MAX_DF documents, the buyer mark excluded). A busy
    owner (a provincial office in ~500 notices at 1M) is no second value of `block_with_keys`,
    so without these two notices of one village and one such owner were never scored."""
    villages: list[str] = []
    owners: list[str] = []
    for k, d in keys.items():  # one pass: this runs for every node of the corpus
        kind = k[:k.find(":")]
        if kind in NAMING_KINDS and d <= BLOCK_MAX_DF:
            return []
        if d < 2:
            continue
        if kind == "vil" and d <= BLOCK_MAX_DF:
            villages.append(k)
        elif kind == "own" and d <= NAME_CONTEXT_MAX_DF and not k.endswith(BUYER_MARK):
            owners.append(k)
    if not villages or not owners:
        return []
    return [f"{v}{PAIR_BLOCK_SEP}{o}" for v in sorted(villages) for o in sorted(owners)]


def block_with_keys(keys: Mapping[str, int]) -> list[str]:
    """The composite tokens of the keys of a kind that blocks only together with a second value
    (`KindPrior.block_with`: a village): every (such key, key of one of its `block_with` kinds)
    of the node, each held by 2 to its kind's bound of documents (the village's `block_max_df`,
    BLOCK_MAX_DF for the second value: a busy value is neutral evidence, so sharing it adds
    nothing to a village shared alone), markers (AMOUNT_OWN, BUYER_MARK) excluded. Two nodes
    sharing a token share the village and that value. Why: VILLAGE_BLOCK_WITH."""
    firsts = [k for k, d in keys.items() if k.startswith(_BLOCK_WITH_PREFIXES)
              and 2 <= d <= KIND_PRIORS[k[:k.find(":")]].block_max_df]
    if not firsts:  # most nodes: one cheap pass
        return []
    out: list[str] = []
    for first in sorted(firsts):
        with_kinds = KIND_PRIORS[first[:first.find(":")]].block_with
        seconds = sorted(k for k, d in keys.items() if 2 <= d <= BLOCK_MAX_DF and k[:k.find(":")] in with_kinds
                         and not k.endswith((AMOUNT_OWN, BUYER_MARK)))
        out.extend(f"{first}{PAIR_BLOCK_SEP}{x}" for x in seconds)
    return out


#: How the keys of the kinds that block only with a second value (`block_with_keys`) begin.
_BLOCK_WITH_PREFIXES = tuple(f"{kind}:" for kind, p in KIND_PRIORS.items() if p.block_with)


def buyer_amount_block_keys(keys: Mapping[str, int]) -> list[str]:
    """The composite blocking tokens of a buyer and an amount of a node holding `keys`: every
    (organisation, distinctive amount) of its keys, each held by 2 to BLOCK_MAX_DF documents, the
    amount of 3-4 significant digits (longer ones block alone: `blocks`), when the node names no
    project (no code, alias or distinctive name of at most BLOCK_MAX_DF documents: a notice that
    names its project is tied by that name, see `org_at_amount`). Two nodes sharing a token share
    that buyer and that amount rendering.
    Why: v2 100k domain corpus, the missed chains of class C (docs/benchmarks-aggregate.md,
    "Session 12 - recall"): a permit naming the village and an EIA naming a road and number of
    the same town share only the buyer (in 9 to 200 documents: no candidate pair) and the EIA's
    `总投资约N万元` (4 digits: no candidate pair), so the pair was never scored."""
    orgs: list[str] = []
    amounts: list[str] = []
    for k, d in keys.items():  # one pass: this runs for every node of the corpus
        if d > BLOCK_MAX_DF:
            continue
        kind = k[:k.find(":")]
        if kind in NAMING_KINDS:
            return []
        if d < 2:
            continue
        if kind == "org":
            orgs.append(k)
        elif kind == "amt" and not k.endswith(AMOUNT_OWN) and not blocks(k, d):
            amounts.append(k)
    if not orgs or not amounts:
        return []
    return [f"{o}{PAIR_BLOCK_SEP}{a}" for o in sorted(orgs) for a in sorted(amounts)]


def pair_block_parts(token: str) -> tuple[str, str]:
    """The two keys of a composite token of `pair_block_keys` ((organisation, amount) or
    (village, second value)): the nodes holding both are its postings."""
    first, second = token.split(PAIR_BLOCK_SEP)
    return first, second


def amount_link_keys(own: str, renderings: Sequence[str]) -> list[str]:
    """The link keys of one amount: its own key, its own-precision marker and its coarser
    renderings, each under `amt:` or `amtr:` (`money.amount_kind`)."""
    kind = amount_kind(own)
    return [f"{kind}:{own}", f"{kind}:{own}{AMOUNT_OWN}", *(f"{amount_kind(r)}:{r}" for r in renderings)]


# Coordinates: within 200 m, within 1 km, farther (disagreement).
COORD_M = (0.60, 0.25, 0.10)
# Term frequency for places: a point's `coord_df` is the number of nodes with a point within
# 1 km of it (itself included), and a pair's level is chosen by the larger of the two, in the
# same DF_BUCKETS as shared values. The chance that an unrelated document has a point within
# 1 km is then `df / N`, within 200 m `df / N * (200/1000)^2` (the nodes around spread evenly
# over the 1 km disc). Like a key's u it falls with N as the prior does, so a pair of points
# alone within 200 m gives the same +4.5 at every corpus size. Before, u was a constant
# (1e-5 within 200 m: sites spread over a prefecture) while the prior fell with N: +6.5 at 2k,
# +0.8 at 100k (below the threshold: 39 of the 100 coordinate chains missed at 100k).
COORD_C = ((NEAR_M / FAR_M) ** 2, 1.0)
# A point with more than this many nodes within 1 km is a town centre or a default map pin: its
# level uses this bound (cells this busy do not block either).
COORD_BUSY_DF = 2000
# Prior: a project mention is expected to have about this many other mentions in the corpus.
PRIOR_OTHER_MENTIONS = 3.0
# Kinds whose disagreement makes two clusters incompatible (coherent clustering).
CONFLICT_KINDS = ("code", "permit", "addr", "vil")


# A 1 km grid cell holding more points than this is a city centre or a default map pin: it blocks
# nothing (comparing all of its pairs would be quadratic).
MAX_CELL_POINTS = 2000


def coord_cells(lat: float, lon: float) -> list[str]:
    """The point's 1 km cell and its neighbours: two points within 1 km share a cell."""
    size = FAR_M / 111_320.0
    cy, cx = math.floor(lat / size), math.floor(lon / size)
    span = max(1, math.ceil(1.0 / max(math.cos(math.radians(min(abs(lat) + 0.01, 89.0))), 0.01)))
    return [f"{cy + dy}:{cx + dx}" for dy in (-1, 0, 1) for dx in range(-span, span + 1)]


def coord_cell(lat: float, lon: float) -> str:
    """The point's own 1 km grid cell (the middle one of `coord_cells`)."""
    size = FAR_M / 111_320.0
    return f"{math.floor(lat / size)}:{math.floor(lon / size)}"


def coord_density(rows: Iterable[tuple[str, int, float, float, str]]) -> dict[tuple[str, int, float, float], int]:
    """For every point of (doc, scope, lat, lon, value) rows: how many nodes have a point within
    1 km of it, itself included (`NodeRecord.coord_df`; `(doc, scope, lat, lon)` -> count). Only
    a point's 3 x 3 block of 1 km cells is searched; a block holding more than COORD_BUSY_DF
    points counts the nodes of the whole block (it is in the busiest level either way)."""
    points: list[tuple[tuple[str, int], float, float]] = []
    grid: dict[str, list[int]] = {}
    for doc, scope, lat, lon, _value in rows:
        grid.setdefault(coord_cell(lat, lon), []).append(len(points))
        points.append(((doc, scope), lat, lon))
    out: dict[tuple[str, int, float, float], int] = {}
    for node, lat, lon in points:
        if (*node, lat, lon) in out:
            continue
        block = [i for c in coord_cells(lat, lon) for i in grid.get(c, ())]
        if len(block) > COORD_BUSY_DF:
            out[(*node, lat, lon)] = len({points[i][0] for i in block})
            continue
        out[(*node, lat, lon)] = len({points[i][0] for i in block
                                      if distance_m(lat, lon, points[i][1], points[i][2]) <= FAR_M})
    return out


def with_coord_df(r: NodeRecord, density: Mapping[tuple[str, int, float, float], int]) -> NodeRecord:
    """`r` with its point's `coord_df` from `coord_density` (unchanged without a point)."""
    if r.coord is None:
        return r
    return dataclasses.replace(r, coord_df=density.get((*r.node, *r.coord), 1))


def bucket_of(df: int) -> int:
    """The term-frequency level (index into DF_BUCKETS, or len(DF_BUCKETS) when busy) of a value
    held by `df` documents."""
    for i, bound in enumerate(DF_BUCKETS):
        if df <= bound:
            return i
    return len(DF_BUCKETS)


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """What the model compares: a node's keys (with their document frequencies) and its
    representative coordinate (the first one in the document scope)."""

    node: tuple[str, int]
    keys: Mapping[str, int]  # "prefix:canonical" -> df (documents holding it)
    values: Mapping[str, str] = field(default_factory=dict)  # key -> value as written
    coord: tuple[float, float] | None = None
    coord_value: str = ""
    coord_df: int = 0  # nodes with a point within 1 km of `coord` (itself included; see COORD_C)
    by_kind: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Grouped once: the model, the sampler and the splink columns all ask per kind.
        groups: dict[str, set[str]] = {}
        for k in self.keys:
            # interned: a dozen kind names, not a new string per key of every record in memory
            groups.setdefault(sys.intern(k.split(":", 1)[0]), set()).add(k)
        object.__setattr__(self, "by_kind", {kind: frozenset(ks) for kind, ks in groups.items()})

    def kind_keys(self, kind: str) -> frozenset[str]:
        return self.by_kind.get(kind, _EMPTY)

    def specific_keys(self, kind: str) -> frozenset[str]:
        """Keys of a kind held by at most BLOCK_MAX_DF documents. Only these can disagree: an
        agency's office address or switchboard printed on hundreds of notices is not the
        project's, so a node holding only such values holds nothing of that kind to compare
        (sharing one stays the neutral `df>200` level)."""
        keys = self.kind_keys(kind)
        if not keys or KIND_PRIORS[kind].busy_differ:
            return keys
        return frozenset(k for k in keys if self.keys[k] <= BLOCK_MAX_DF)


_EMPTY: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Level:
    """One comparison level: its label and its m and u probabilities."""

    label: str
    m: float
    u: float

    @property
    def weight(self) -> float:
        """log2(m / u)."""
        return math.log2(self.m / self.u)


@dataclass(frozen=True, slots=True)
class ComparisonResult:
    """One comparison of a pair: the level it landed on, its weight and the value behind it."""

    comparison: str
    level: str
    weight: float
    value: str = ""
    df: int = 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"comparison": self.comparison, "level": self.level,
                               "weight": round(self.weight, 3)}
        if self.value:
            out["value"] = self.value
            out["documents_with_value"] = self.df
        return out


@dataclass(frozen=True, slots=True)
class PairScore:
    """A pair's match weight (log2 odds, prior included), probability and comparisons."""

    weight: float
    probability: float
    comparisons: tuple[ComparisonResult, ...]

    def strongest(self) -> ComparisonResult | None:
        """The comparison that says most for the link (the one a report names as `by`)."""
        pos = [c for c in self.comparisons if c.weight > 0]
        return max(pos, key=lambda c: (c.weight, c.comparison)) if pos else None

    def evidence(self) -> list[dict[str, Any]]:
        return [c.to_dict() for c in self.comparisons if c.level != "null"]


def _amount_keys(kind: str, r: NodeRecord) -> tuple[frozenset[str], frozenset[str]]:
    """A node's amount keys of `kind` held at all, and those held at their own precision."""
    keys = r.kind_keys(kind)
    if not keys:
        return keys, keys
    return (frozenset(k for k in keys if not k.endswith(AMOUNT_OWN)),
            frozenset(k[:-1] for k in keys if k.endswith(AMOUNT_OWN)))


#: The `own` level of two developers (neither a buyer: `owners_compared`) that differ. m 0.25,
#: above a buyer's 0.1: the developer a notice names is less surely the project's owner (an EIA
#: names the future operator and a building permit the local investment company that builds for
#: it, `tests/aggregate/test_amount_links.py`), so it weighs -2.0 where two buyers weigh -3.3.
DEVELOPERS_DIFFER = "developers differ"
DEVELOPER_M_DIFFER = 0.25
#: The level of a `neutral_at_one_site` kind whose values differ at one shared site (weight 0).
ONE_SITE_LEVEL = "differ at one site"
#: The kinds whose shared value is one precise site (`one_site`), besides points within NEAR_M.
SITE_KINDS = ("addr", "grp")


def share_site_value(a: NodeRecord, b: NodeRecord) -> bool:
    """Whether two nodes share a road and number (or section, crossing, lot) or a village group
    that can be compared (`specific_keys` of SITE_KINDS)."""
    return any(a.specific_keys(k) & b.specific_keys(k) for k in SITE_KINDS)


def one_site(a: NodeRecord, b: NodeRecord) -> bool:
    """Whether two nodes share a precise site: a site value (`share_site_value`) or points
    within NEAR_M."""
    if share_site_value(a, b):
        return True
    return (a.coord is not None and b.coord is not None
            and distance_m(a.coord[0], a.coord[1], b.coord[0], b.coord[1]) <= NEAR_M)


def probability(weight: float) -> float:
    """Match probability of a match weight: 2^w / (1 + 2^w)."""
    return 1.0 / (1.0 + 2.0 ** (-weight)) if weight > -60 else 0.0


@dataclass(frozen=True)
class LinkModel:
    """Levels (with m and u) per comparison and the prior. Levels per key kind are
    `share df<=2, share df<=3, ... share df<=200, share df>200, differ`; for coordinates
    `<=200m df<=2 ... <=200m df>200, <=1km df<=2 ... <=1km df>200, >1km` (`coord_level`)."""

    prior: float  # probability that two random nodes are one project
    levels: Mapping[str, tuple[Level, ...]]
    documents: int = 0

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1.0 - self.prior))

    # -- scoring ------------------------------------------------------------------------------

    def compare_kind(self, kind: str, a: NodeRecord, b: NodeRecord) -> ComparisonResult:
        if kind in AMOUNT_KINDS:
            return self.compare_amount(kind, a, b)
        if kind == "own":
            oa, ob = owner_keys(a), owner_keys(b)
            buyer = oa is not None and ob is not None and (oa[1] or ob[1])
            if oa is None or ob is None or not owners_compared(a, b, buyer):
                return ComparisonResult(kind, "null", 0.0)
            shared = oa[0] & ob[0]
            if shared and at_name(kind) in self.levels and name_context(a, b):
                return self._share_at_name(kind, a, b, shared)
            if shared and OWN_AT_VILLAGE in self.levels and owner_at_village(a, b):
                return self._share_at_name(kind, a, b, shared, OWN_AT_VILLAGE)
            if not shared and not buyer:
                lv = self.developers_differ()
                if lv is None:  # a model stored before the level existed: not compared
                    return ComparisonResult(kind, "null", 0.0)
                return ComparisonResult(kind, lv.label, lv.weight)
            return self._share_level(kind, a, b, shared)
        ka, kb = a.kind_keys(kind), b.kind_keys(kind)
        if kind == "area" and share_place_value(a, b):
            # the county of a shared place is that place again, at a shared name too (a name
            # holding its village, VIL_IN_NAME, would otherwise count the county it implies)
            return ComparisonResult(kind, "null", 0.0)
        if (kind == "area" and at_name(kind) in self.levels and name_context(a, b)
                and (holds_place(a) or holds_place(b))):
            return self._compare_at_name(kind, a, b)
        if not a.specific_keys(kind) or not b.specific_keys(kind):
            return ComparisonResult(kind, "null", 0.0)
        shared = ka & kb
        if kind == "vil" and shared and VIL_IN_NAME in self.levels and village_names(a) & village_names(b):
            key = min(shared, key=lambda k: (max(a.keys[k], b.keys[k]), k))
            if max(a.keys[key], b.keys[key]) <= BLOCK_MAX_DF:  # a busy village is neutral anyway
                lv = self.levels[VIL_IN_NAME][0]
                return ComparisonResult(kind, lv.label, lv.weight, a.values.get(key, key.split(":", 1)[1]),
                                        max(a.keys[key], b.keys[key]))
        if kind == "org" and OWN_AT_VILLAGE in self.levels and owner_tied_at_village(a, b):
            # the owner, one of the organisations, weighs at the shared village (OWN_AT_VILLAGE)
            return ComparisonResult(kind, "null", 0.0)
        if kind == "org" and ORG_AT_SITE in self.levels and org_at_site(a, b):
            return self._share_level(kind, a, b, shared, ORG_AT_SITE)
        if kind == "org" and ORG_AT_AMOUNT in self.levels and org_at_amount(a, b):
            return self._share_level(kind, a, b, shared, ORG_AT_AMOUNT)
        if kind == "addr" and shared and ADDR_AT_CAMPUS in self.levels and addr_at_campus(a, b):
            return self._share_level(kind, a, b, shared, ADDR_AT_CAMPUS)
        return self._share_level(kind, a, b, shared)

    def _compare_at_name(self, kind: str, a: NodeRecord, b: NodeRecord) -> ComparisonResult:
        """`kind` (NAME_CONTEXT_KINDS) of two nodes sharing a distinctive name: every value
        compared, busy ones too; the rarest shared one weighs its term frequency up to
        NAME_CONTEXT_MAX_DF (the `{kind}@name` levels), a busier one is neutral, none shared is
        the kind's `differ` level (two counties; neutral for organisations)."""
        ka, kb = a.kind_keys(kind), b.kind_keys(kind)
        if not ka or not kb:
            return ComparisonResult(kind, "null", 0.0)
        shared = ka & kb
        if not shared:
            lv = self.levels[kind][-1]
            return ComparisonResult(kind, lv.label, lv.weight)
        return self._share_at_name(kind, a, b, shared)

    def _share_at_name(self, kind: str, a: NodeRecord, b: NodeRecord, shared: frozenset[str],
                       levels: str = "") -> ComparisonResult:
        """The `{kind}@name` level (or `levels`: OWN_AT_VILLAGE) of the rarest of the `shared`
        values (busy ones included)."""
        key = min(shared, key=lambda k: (max(a.keys[k], b.keys[k]), k))
        df = max(a.keys[key], b.keys[key])
        lv = self.at_name_level(kind, df, levels)
        return ComparisonResult(kind, lv.label, lv.weight, a.values.get(key, key.split(":", 1)[1]), df)

    def at_name_level(self, kind: str, df: int, levels: str = "") -> Level:
        """The level of a shared value of `kind` (NAME_CONTEXT_KINDS) held by `df` documents at a
        shared name (`{kind}@name`; or `levels`: OWN_AT_VILLAGE): the first bound of
        AT_NAME_BOUNDS it fits, the kind's neutral `df>200` level past NAME_CONTEXT_MAX_DF. Also
        what the incremental relink bounds a busy value's move by (`link_incremental.busy_level_rise`)."""
        if df > NAME_CONTEXT_MAX_DF:
            return self.levels[kind][len(DF_BUCKETS)]
        return self.levels[levels or at_name(kind)][next(i for i, b in enumerate(AT_NAME_BOUNDS) if df <= b)]

    def developers_differ(self) -> Level | None:
        """The `own` level of two developers that differ (DEVELOPERS_DIFFER), if the model has it."""
        return next((lv for lv in self.levels["own"] if lv.label == DEVELOPERS_DIFFER), None)

    def compare_amount(self, kind: str, a: NodeRecord, b: NodeRecord) -> ComparisonResult:
        """Amounts (`amt`, `amtr`) agree at the precision of the less precise one: a key one side
        holds at its own precision and the other holds at all (AMOUNT_OWN). Busy values, as for
        every kind, are neutral, and so are different amounts."""
        rendered_a, own_a = _amount_keys(kind, a)
        rendered_b, own_b = _amount_keys(kind, b)
        if not any(a.keys[k] <= BLOCK_MAX_DF for k in rendered_a) or \
                not any(b.keys[k] <= BLOCK_MAX_DF for k in rendered_b):
            return ComparisonResult(kind, "null", 0.0)
        shared = (own_a & rendered_b) | (rendered_a & own_b)
        if not shared and any(a.keys[k] > BLOCK_MAX_DF for k in rendered_a & rendered_b):
            lv = self.levels[kind][len(DF_BUCKETS)]  # as splink: a busy value is shared
            return ComparisonResult(kind, lv.label, lv.weight)
        return self._share_level(kind, a, b, frozenset(shared))

    def _share_level(self, kind: str, a: NodeRecord, b: NodeRecord, shared: frozenset[str],
                     share_levels: str = "") -> ComparisonResult:
        levels = self.levels[kind]
        if shared:
            # The rarest shared value decides (ties broken by the key for a stable explanation).
            key = min(shared, key=lambda k: (max(a.keys[k], b.keys[k]), k))
            df = max(a.keys[key], b.keys[key])
            bucket = bucket_of(df)
            # `share_levels` (ORG_AT_SITE) replaces the levels of a value that is not busy
            lv = self.levels[share_levels][bucket] if share_levels and bucket < len(DF_BUCKETS) else levels[bucket]
            return ComparisonResult(kind, lv.label, lv.weight, a.values.get(key, key.split(":", 1)[1]), df)
        lv = levels[-2] if KIND_PRIORS[kind].neutral_at_one_site and one_site(a, b) else levels[-1]
        return ComparisonResult(kind, lv.label, lv.weight)

    def compare_coord(self, a: NodeRecord, b: NodeRecord) -> ComparisonResult:
        if a.coord is None or b.coord is None:
            return ComparisonResult("coord", "null", 0.0)
        d = distance_m(a.coord[0], a.coord[1], b.coord[0], b.coord[1])
        df = max(a.coord_df, b.coord_df, 2)
        lv = self.levels["coord"][coord_level(d, df)]
        return ComparisonResult("coord", lv.label, lv.weight, f"{a.coord_value} ~ {b.coord_value} ({d:.0f} m)", df)

    def score_pair(self, a: NodeRecord, b: NodeRecord) -> PairScore:
        """The pair's match weight, probability and per-comparison breakdown (pure Python)."""
        comps = [self.compare_kind(k, a, b) for k in KINDS] + [self.compare_coord(a, b)]
        w = self.prior_weight + sum(c.weight for c in comps)
        return PairScore(w, probability(w), tuple(comps))

    # -- persistence ----------------------------------------------------------------------------

    def to_json(self) -> str:
        return json.dumps({"prior": self.prior, "documents": self.documents,
                           "levels": {k: [[lv.label, lv.m, lv.u] for lv in lvs] for k, lvs in self.levels.items()}},
                          sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LinkModel:
        data = json.loads(text)
        levels = {k: tuple(Level(str(lab), float(m), float(u)) for lab, m, u in lvs)
                  for k, lvs in data["levels"].items()}
        return cls(float(data["prior"]), levels, int(data.get("documents", 0)))


def estimate_model(records: Sequence[NodeRecord], documents: int, sample_pairs: int = 20_000,
                   seed: int = 0) -> LinkModel:
    """m from the documented priors; u of shared-value levels from document frequency; u of the
    disagreement and coordinate levels by random sampling of node pairs (all pairs when few)."""
    n_docs = max(documents, 2)
    prior = min(0.5, PRIOR_OTHER_MENTIONS / (n_docs - 1))
    pairs = sampled_pairs(len(records), sample_pairs, seed)
    # m and u are conditional on both nodes holding the kind (the null level is weight 0), so
    # the sampled u counts only pairs where both do.
    differ = dict.fromkeys(KINDS, 0)
    both = dict.fromkeys(KINDS, 0)
    developers = [0, 0]  # pairs of two developers compared, of them differing (DEVELOPERS_DIFFER)
    coord_hits = [0, 0, 0]
    for i, j in pairs:
        a, b = records[i], records[j]
        for kind in KINDS:
            if KIND_PRIORS[kind].m_differ is None:
                continue
            if kind == "own":
                oa, ob = owner_keys(a), owner_keys(b)
                if oa is not None and ob is not None and owners_compared(a, b, oa[1] or ob[1]):
                    if not (oa[1] or ob[1]):
                        developers[0] += 1
                        developers[1] += not oa[0] & ob[0]
                    else:
                        both[kind] += 1
                        differ[kind] += not oa[0] & ob[0]
                continue
            if a.specific_keys(kind) and b.specific_keys(kind):
                both[kind] += 1
                differ[kind] += not a.kind_keys(kind) & b.kind_keys(kind)
        if a.coord is not None and b.coord is not None:
            d = distance_m(a.coord[0], a.coord[1], b.coord[0], b.coord[1])
            coord_hits[0 if d <= NEAR_M else 1 if d <= FAR_M else 2] += 1
    levels: dict[str, tuple[Level, ...]] = {}
    for kind, p in KIND_PRIORS.items():
        lvls = []
        for bi, bound in enumerate(DF_BUCKETS):
            m = m_at(p.m_share, bound)
            u = max(min(1.0, bound / n_docs) * p.c, p.u_min)
            lvls.append(Level(f"share {BUCKET_LABELS[bi]}", m, min(u, m)))  # sharing never counts against
        lvls.append(Level(f"share {BUCKET_LABELS[-1]}", 0.01, 0.01))  # neutral: busy values
        if p.neutral_at_one_site:
            lvls.append(Level(ONE_SITE_LEVEL, 0.5, 0.5))
        if kind == "own":
            u = developers[1] / developers[0] if developers[0] else 1.0
            lvls.append(Level(DEVELOPERS_DIFFER, DEVELOPER_M_DIFFER, max(u, DEVELOPER_M_DIFFER)))
        if p.m_differ is None:
            lvls.append(Level("differ", 0.5, 0.5))
        else:
            u = differ[kind] / both[kind] if both[kind] else 1.0
            lvls.append(Level("differ", p.m_differ, max(u, p.m_differ)))  # differing never counts for
        levels[kind] = tuple(lvls)
    levels[ORG_AT_SITE] = org_tf_levels(n_docs, ORG_AT_SITE_LABEL)
    levels[ORG_AT_AMOUNT] = org_tf_levels(n_docs, ORG_AT_AMOUNT_LABEL)
    levels[VIL_IN_NAME] = (Level(VIL_IN_NAME_LABEL, 0.5, 0.5),)
    # a road and number as a campus: the `addr` m by plain term frequency (c 1)
    levels[ADDR_AT_CAMPUS] = tuple(
        Level(f"share df<={bound} {ADDR_AT_CAMPUS_LABEL}", m_at(KIND_PRIORS["addr"].m_share, bound),
              min(min(1.0, bound / n_docs), m_at(KIND_PRIORS["addr"].m_share, bound)))
        for bound in DF_BUCKETS)
    # the owner weighs as an organisation (its own prior is neutral sharing: u_min 1)
    for kind in NAME_CONTEXT_KINDS:
        levels[at_name(kind)] = tf_levels("org" if kind == "own" else kind, n_docs, AT_NAME_LABEL, AT_NAME_BOUNDS)
    levels[OWN_AT_VILLAGE] = tf_levels("org", n_docs, AT_VILLAGE_LABEL, AT_NAME_BOUNDS)
    # Near levels: term frequency of the place (COORD_C). Far: sampled (points more than 1 km
    # apart are two places unless the sample says most pairs are; never counts for a link).
    n = sum(coord_hits)
    far_u = max(coord_hits[2], 1) / (n + 1)
    coord: list[Level] = []
    for (m, c), name in zip(zip(COORD_M[:2], COORD_C, strict=True), ("<=200m", "<=1km"), strict=True):
        for bi, bound in enumerate((*DF_BUCKETS, COORD_BUSY_DF)):
            coord.append(Level(f"{name} {BUCKET_LABELS[bi]}", m, min(min(1.0, bound / n_docs) * c, m)))
    coord.append(Level(">1km", COORD_M[2], max(far_u, COORD_M[2])))
    levels["coord"] = tuple(coord)
    return LinkModel(prior, levels, documents)


def owner_keys(r: NodeRecord) -> tuple[frozenset[str], bool] | None:
    """A node's owner keys without the buyer mark and whether one of them is a buyer's
    (BUYER_MARK); None without an owner. Two nodes' owners are compared when one is a buyer."""
    keys = r.kind_keys("own")
    if not keys:
        return None
    plain = frozenset(k for k in keys if not k.endswith(BUYER_MARK))
    return plain, len(plain) < len(keys)


def one_campus(a: NodeRecord, b: NodeRecord) -> bool:
    """Whether two nodes share a road and number (or section, crossing, lot) that can be compared
    or points within NEAR_M: one campus, where several developers build (`owners_compared`). A
    village group is no campus: ~30 households, where unrelated projects cluster (`grp`)."""
    if a.specific_keys("addr") & b.specific_keys("addr"):
        return True
    return (a.coord is not None and b.coord is not None
            and distance_m(a.coord[0], a.coord[1], b.coord[0], b.coord[1]) <= NEAR_M)


def owners_compared(a: NodeRecord, b: NodeRecord, buyer: bool) -> bool:
    """Whether the owners of two nodes that both name one are compared (`own`): always when one
    of them is a buyer (`buyer`: BUYER_MARK), two developers unless on one campus (`one_campus`).
    The one owner rule of every engine (the model, splink's `own` null level on DuckDB and Spark,
    and through them the incremental relink and the draft check)."""
    return buyer or not one_campus(a, b)


def org_at_site(a: NodeRecord, b: NodeRecord) -> bool:
    """The condition of the ORG_AT_SITE levels: the nodes share a value of a site kind
    (SITE_KINDS) held by at most BLOCK_MAX_DF documents, and neither holds such a value of a
    naming kind (NAMING_KINDS)."""
    return share_site_value(a, b) and not any(r.specific_keys(k) for r in (a, b) for k in NAMING_KINDS)


def names_project(r: NodeRecord) -> bool:
    """Whether a node names a project: a comparable value of a naming kind (NAMING_KINDS: a
    code, a protected alias or a distinctive name held by at most BLOCK_MAX_DF documents)."""
    return any(r.specific_keys(k) for k in NAMING_KINDS)


def share_owner(a: NodeRecord, b: NodeRecord) -> bool:
    """Whether two nodes name one owner (`own`, busy ones included, buyer or developer)."""
    oa, ob = owner_keys(a), owner_keys(b)
    return oa is not None and ob is not None and bool(oa[0] & ob[0])


def addr_at_campus(a: NodeRecord, b: NodeRecord) -> bool:
    """The condition of the ADDR_AT_CAMPUS levels: exactly one of the two nodes names a project
    (`names_project`) and they do not share an owner (`share_owner`). The one rule of every
    engine (the model, splink's `addr` levels on DuckDB and Spark)."""
    return names_project(a) != names_project(b) and not share_owner(a, b)


def owner_at_village(a: NodeRecord, b: NodeRecord) -> bool:
    """The condition of the OWN_AT_VILLAGE levels: the nodes share a village (`vil`) held by at
    most BLOCK_MAX_DF documents and neither names a project (a code, alias or distinctive name
    held by at most BLOCK_MAX_DF documents: NAMING_KINDS). The one rule of every engine (the
    model, splink's `own` and `org` comparisons on DuckDB and Spark, through them the
    incremental relink and the draft check)."""
    return (bool(a.specific_keys("vil") & b.specific_keys("vil"))
            and not any(r.specific_keys(k) for r in (a, b) for k in NAMING_KINDS))


def owner_tied_at_village(a: NodeRecord, b: NodeRecord) -> bool:
    """Whether the pair's `own` comparison is an OWN_AT_VILLAGE level: a shared owner, compared
    (`owners_compared`), at a shared village (`owner_at_village`). Its `org` comparison is then
    null: the owner is one of the organisations and counts once."""
    oa, ob = owner_keys(a), owner_keys(b)
    if oa is None or ob is None or not oa[0] & ob[0] or not owners_compared(a, b, oa[1] or ob[1]):
        return False
    return owner_at_village(a, b)


#: The kinds of a place inside a county (facts.py gives a village's, a road's or a town's
#: county as an `area:` key too): two nodes sharing one share its county, which is no further
#: evidence (`share_place_value`).
PLACE_KINDS = ("addr", "vil", "grp")


def holds_place(r: NodeRecord) -> bool:
    """Whether a node gives a site (a comparable road and number, village or group): the county
    at a shared name is compared when one of the two does (a site's county against a county
    mention), not between two notices that only name the county (two news items of two projects
    of one name in one county: nothing else in them tells the projects apart)."""
    return any(r.specific_keys(k) for k in PLACE_KINDS)


def share_place_value(a: NodeRecord, b: NodeRecord) -> bool:
    """Whether two nodes share a comparable road and number, village or village group: their
    `area` (the county) is then not compared."""
    return any(a.specific_keys(k) & b.specific_keys(k) for k in PLACE_KINDS)


def share_name_value(a: NodeRecord, b: NodeRecord) -> bool:
    """Whether two nodes share a distinctive project name (`name`, held by at most
    NAME_CONTEXT_NAME_MAX_DF documents): the condition of the NAME_CONTEXT_KINDS levels."""
    return any(a.keys[k] <= NAME_CONTEXT_NAME_MAX_DF for k in a.kind_keys("name") & b.kind_keys("name"))


def name_context(a: NodeRecord, b: NodeRecord) -> bool:
    """The condition of the NAME_CONTEXT_KINDS levels: the nodes share a distinctive name
    (`share_name_value`) and do not name two codes (`code` specific keys on both sides, none
    shared). Two codes are two tenders: a name shared across them is the name of two projects
    (a county bureau's `乾县农田水利设施建设项目` of 2025 and of 2027, two villages), and its owner
    and county, correlated with such a name, tell nothing more."""
    if not share_name_value(a, b):
        return False
    ca, cb = a.specific_keys("code"), b.specific_keys("code")
    return not (ca and cb and not ca & cb)


def share_amount_value(a: NodeRecord, b: NodeRecord) -> bool:
    """Whether two nodes agree on a distinctive amount (`amt`, 3 significant digits or more; as
    `LinkModel.compare_amount`: one side's amount at its own precision among the other's
    renderings) held by at most BLOCK_MAX_DF documents."""
    rendered_a, own_a = _amount_keys("amt", a)
    rendered_b, own_b = _amount_keys("amt", b)
    return any(a.keys[k] <= BLOCK_MAX_DF for k in (own_a & rendered_b) | (rendered_a & own_b))


def org_at_amount(a: NodeRecord, b: NodeRecord) -> bool:
    """The condition of the ORG_AT_AMOUNT levels: the nodes agree on a distinctive amount
    (`share_amount_value`) and neither names a project (NAMING_KINDS), as `org_at_site` for a
    shared site."""
    return share_amount_value(a, b) and not any(r.specific_keys(k) for r in (a, b) for k in NAMING_KINDS)


def village_names(r: NodeRecord) -> frozenset[str]:
    """The node's comparable project names (`name:` keys held by at most BLOCK_MAX_DF documents)
    that hold the name of one of its villages (`vil:…|廖家寨村` without 村/社区: two letters or
    more): two nodes sharing one of them share the village through the name (VIL_IN_NAME). The
    one rule of every engine (the model, splink's `vil_name` column on DuckDB and Spark)."""
    names = r.specific_keys("name")
    villages = r.kind_keys("vil")
    if not names or not villages:
        return _EMPTY
    stems = {stem for v in villages if len(stem := _VILLAGE_END.sub("", v.rpartition("|")[2])) >= 2}
    return frozenset(n for n in names if any(stem in n for stem in stems))


def org_tf_levels(n_docs: int, label: str) -> tuple[Level, ...]:
    """Levels of an organisation weighed by plain term frequency (the `org` prior without its
    context floor `u_min`), labelled `share df<=B {label}`: ORG_AT_SITE and ORG_AT_AMOUNT."""
    return tf_levels("org", n_docs, label, DF_BUCKETS)


def tf_levels(kind: str, n_docs: int, label: str, bounds: Sequence[int]) -> tuple[Level, ...]:
    """Levels of `kind` weighed by plain term frequency (its prior without the context floor
    `u_min`), one per document-frequency bound, labelled `share df<=B {label}`."""
    p = KIND_PRIORS[kind]
    return tuple(Level(f"share df<={bound} {label}", m_at(p.m_share, bound),
                       min(min(1.0, bound / n_docs) * p.c, m_at(p.m_share, bound)))
                 for bound in bounds)


def coord_level(distance: float, df: int) -> int:
    """Index into `levels["coord"]` of a pair `distance` metres apart whose busier point has
    `df` nodes within 1 km: per distance band (200 m, 1 km) one level per DF_BUCKETS bound and
    one for busier places, then `>1km`."""
    per_band = len(DF_BUCKETS) + 1
    if distance > FAR_M:
        return 2 * per_band
    return (0 if distance <= NEAR_M else per_band) + bucket_of(df)


def m_at(anchors: tuple[float, float, float], df: int) -> float:
    """m of sharing a value held by `df` documents: the kind's anchors at M_ANCHORS (3, 20, 200
    documents), log-linear between them, flat outside."""
    if df <= M_ANCHORS[0]:
        return anchors[0]
    if df >= M_ANCHORS[-1]:
        return anchors[-1]
    i = 0 if df <= M_ANCHORS[1] else 1
    lo, hi = M_ANCHORS[i], M_ANCHORS[i + 1]
    t = (math.log(df) - math.log(lo)) / (math.log(hi) - math.log(lo))
    return math.exp(math.log(anchors[i]) + t * (math.log(anchors[i + 1]) - math.log(anchors[i])))


def sampled_pairs(n: int, k: int, seed: int = 0) -> list[tuple[int, int]]:
    """The node pairs (indices in node order) `estimate_model` samples: all pairs when few."""
    total = n * (n - 1) // 2
    if total <= k:
        return [(i, j) for i in range(n) for j in range(i + 1, n)]
    rng = random.Random(seed)
    out: list[tuple[int, int]] = []
    while len(out) < k:
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j:
            out.append((min(i, j), max(i, j)))
    return out


_CN_MOBILE = re.compile(r"(?:86)?1[3-9][0-9]{9}")


@functools.lru_cache(maxsize=65536)
def phone_kind_key(key: str) -> str:
    """`phone:` keys of fixed lines become `landline:`: an office's number is shared by every
    project of that office, a mobile is one person's (phonenumbers decides which is which; the
    common mainland mobile form is recognised without it, phonenumbers costs ~1 ms a number)."""
    import phonenumbers

    number = key[6:]
    if _CN_MOBILE.fullmatch(number):
        return key
    try:
        parsed = phonenumbers.parse(number, "CN")
    except phonenumbers.NumberParseException:
        return "landline:" + number
    if phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE:
        return key
    return "landline:" + number


def records_from_rows(rows: Iterable[tuple[str, int, str, str]], coords: Iterable[tuple[str, int, float, float, str]],
                      df: Mapping[str, int]) -> list[NodeRecord]:
    """Node records from (doc, scope, key, value) rows and coordinate rows; keys of unknown
    prefixes are no evidence and are dropped."""
    keys: dict[tuple[str, int], dict[str, int]] = {}
    values: dict[tuple[str, int], dict[str, str]] = {}
    known = set(KINDS)
    for doc, scope, key, value in rows:
        if key.split(":", 1)[0] not in known:
            continue
        d = df.get(key, 1)
        if key.startswith("phone:"):
            key = phone_kind_key(key)
        # Interned: the records of paired nodes are held together while linking (~7 KB each, 1M
        # corpus: ~400k of them), and two nodes pair because they share keys; each row of the
        # index read is a new string otherwise. (Interned strings go when no record holds them.)
        key, value = sys.intern(key), sys.intern(value)
        node = (doc, scope)
        keys.setdefault(node, {})[key] = d
        values.setdefault(node, {})[key] = value
    for ks in keys.values():
        # A "project name" cut out of an organisation's name (宜昌三峡送变电工程 in
        # 宜昌三峡送变电工程有限责任公司) is that organisation: counting both would count one
        # value twice (Fellegi-Sunter assumes independent comparisons).
        orgs = [k[4:] for k in ks if k.startswith("org:")]
        for k in [k for k in ks if k.startswith("name:") and any(k[5:] in o for o in orgs)]:
            del ks[k]
    first: dict[tuple[str, int], tuple[float, float, str]] = {}
    for doc, scope, lat, lon, value in coords:
        first.setdefault((doc, scope), (lat, lon, value))
    out = []
    for node in sorted(set(keys) | set(first)):
        c = first.get(node)
        out.append(NodeRecord(node, keys.get(node, {}), values.get(node, {}),
                              (c[0], c[1]) if c else None, c[2] if c else ""))
    return out
