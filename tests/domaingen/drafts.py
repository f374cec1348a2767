"""Drafts written against one chunk's public documents, each with the verdict a correct tool gives.

- `new`: the draft adds a missing attribute to a sensitive entity that is already public, or links
  two public fragments; `fix_any_of` lists values (as written in the draft) any one of whose removal
  prevents the new exposure. Each `new` draft carries exactly one linking value for its entity.
- `repeats`: the draft only restates values already public (the same written forms).
- `harmless`: the draft is about an unrelated project (same town or base, busy contacts).
"""

from __future__ import annotations

from . import vocab
from .model import Project
from .plan import Draft, Planner
from .text import mobile_form, traditional


def _public(planner: Planner, eid: str, kind: str) -> list[str]:
    out: list[str] = []
    for planned in planner.plan.docs:
        if planned.doc.project is not None and planned.doc.project.eid == eid:
            out += [v for v in planned.doc.planted.get(kind, []) if v not in out]
    return out


def make_drafts(planner: Planner) -> list[Draft]:
    """All drafts this chunk can support (a kind is skipped when its project is missing)."""
    subj, purp = planner.subjects, planner.purposes
    tag = f"c{planner.chunk:04d}"
    rng = planner.rng
    drafts: list[Draft] = []
    noloc, full = subj.get("noloc", []), subj.get("full", [])
    if noloc:
        p = noloc[0]
        assert p.place is not None and p.alias
        loc = p.place.address(1)
        text = (f"关于{p.alias}建设用地预审情况的说明\n{p.alias}拟选址于{loc}，用地面积约{rng.randint(20, 300)}亩，"
                "已完成用地预审和规划选址。\n特此说明。\n")
        drafts.append(Draft(f"{tag}-new-location.txt", text, "new", [p.eid], [p.alias, loc],
                            {p.eid: {"location": [loc]}}))
    if len(noloc) > 1 and full:
        p, q = noloc[1], full[0]
        assert p.place is not None and p.alias and q.alias
        loc_p = p.place.address(0)
        loc_q = _public(planner, q.eid, "location")[0]
        purpose_q = _public(planner, q.eid, "purpose")[0]
        text = (f"重点项目推进情况通报\n一、{p.alias}：选址于{loc_p}，正在开展前期工作。\n"
                f"二、{q.alias}：位于{loc_q}，{purpose_q}等各项工作有序推进。\n")
        drafts.append(Draft(f"{tag}-new-two-entities.txt", text, "new", [p.eid, q.eid], [p.alias, loc_p],
                            {p.eid: {"location": [loc_p]}}))
    for p in subj.get("nopurpose", [])[:1]:
        purpose = traditional(p.purpose)
        text = (f"{p.code}项目设计变更说明\n经研究，本项目建设内容调整为{purpose}及配套设施，"
                "其余内容不变。\n")
        drafts.append(Draft(f"{tag}-new-purpose-traditional.txt", text, "new", [p.eid], [p.code, purpose],
                            {p.eid: {"purpose": [purpose]}}))
    for a, b in (ps for ps in purp.get("split", [])[:1] if len(ps) == 2):
        public = _public(planner, b.eid, "link")
        mob = next(m for m in (mobile_form(a.mobile, s) for s in (1, 2, 0, 3)) if m not in public)
        text = (f"{a.name}现场协调会纪要\n会议由施工现场负责人（{mob}）主持，协调施工用电及临时道路事宜。\n"
                "请各参建单位按会议要求落实。\n")
        drafts.append(Draft(f"{tag}-new-link-fragments.txt", text, "new", [a.eid, b.eid], [a.name, mob]))
    en = planner.en_purp.get("en_nosched")
    if en is not None:
        sched = f"completed by {rng.choice(('May', 'August', 'November'))} {en.year + 2}"
        text = (f"Modification P0000{rng.randint(2, 9)}\n\nThe contracting officer has issued a bilateral "
                f"modification to contract {en.code}. Work is expected to be {sched}.\n")
        drafts.append(Draft(f"{tag}-new-en-schedule.txt", text, "new", [en.eid], [en.code, sched],
                            {en.eid: {"schedule": [sched]}}))
    if full:
        q = full[-1]
        assert q.alias
        loc = _public(planner, q.eid, "location")[0]
        purpose = _public(planner, q.eid, "purpose")[0]
        text = f"{q.alias}建设情况简报\n{q.alias}位于{loc}，主要建设{purpose}。\n"
        drafts.append(Draft(f"{tag}-repeats.txt", text, "repeats", [q.eid], []))
    for e in planner.en_subj[:1]:
        assert e.alias
        loc = _public(planner, e.eid, "location")[0]
        text = f"{e.alias} update\n\n{e.alias} work continues at {loc}, officials said.\n"
        drafts.append(Draft(f"{tag}-repeats-en.txt", text, "repeats", [e.eid], []))
    if full:
        _harmless_zh(planner, full[0], tag, drafts)
    for e in planner.en_subj[:1]:
        assert e.en_place is not None
        text = (f"{e.en_place[1]} opens renovated {rng.choice(vocab.HARMLESS_PURPOSES_EN)}\n\n"
                f"Officials cut the ribbon on Friday. The work met {rng.choice(vocab.STANDARDS)} requirements.\n")
        drafts.append(Draft(f"{tag}-harmless-en.txt", text, "harmless", [], []))
    return drafts


def _harmless_zh(planner: Planner, near: Project, tag: str, drafts: list[Draft]) -> None:
    rng, world = planner.rng, planner.world
    assert near.place is not None
    place = near.place
    villages = [v for t, vs in world.towns[place.county_index] if t == place.town for v in vs if v != place.village]
    village = rng.choice(villages)
    agency = world.agencies[near.agency]
    name = f"{place.county}{place.town}{rng.choice(vocab.HARMLESS_PURPOSES_ZH)}"
    text = (f"{name}招标公告\n项目地点：{place.county}{place.town}{village}\n计划工期：120日历天\n"
            f"施工须符合{rng.choice(vocab.STANDARDS)}。\n采购代理机构：{agency.name}\n"
            f"联系人：{rng.choice(vocab.COMMON_CONTACTS)}\n电 话：{agency.phone}\n"
            f"监督投诉电话：{world.complaint_line}\n")
    drafts.append(Draft(f"{tag}-harmless.txt", text, "harmless", [], []))
