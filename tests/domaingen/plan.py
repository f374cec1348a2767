"""Plans one chunk of the corpus: its projects, which document reveals what, decoys and drafts.

Everything in a chunk derives from `Random(f"{seed}:chunk:{index}")` and the corpus-wide `World`,
so chunks can be written by separate processes and still give the same corpus for a seed.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field

from . import vocab
from .model import Doc, Place, Project
from .text import coord_form, mobile_form
from .world import World
from .zh import alias_form

Show = dict[str, int]
CHUNK = 1000
ZH_SUBJECT_KINDS = ("full", "noloc", "coords", "nopurpose", "full", "noloc")
ZH_LINKERS = ("address", "coords", "mobile", "name", "code", "split", "address", "name", "mobile", "code")
EN_PURPOSE_KINDS = ("en_code", "en_nosched")
NEUTRAL_WORK = (
    "配套道路施工", "营区道路及附属设施工程", "土建施工", "设备采购及安装", "围墙及场坪工程", "供电线路改造工程",
)
DISTINCT_SUFFIX = ("综合保障设施建设项目", "营区配套工程", "专用道路及配套工程", "通信保障设施建设项目")


@dataclass(frozen=True)
class Mix:
    """How many of each kind per 1,000 documents (the rest are harmless singletons)."""

    zh_subjects: int = 6
    en_subjects: int = 1
    zh_purpose: int = 10
    en_purpose: int = 2
    zh_harmless: int = 110
    en_harmless: int = 10
    html: float = 0.08
    docx: float = 0.003
    gb18030: float = 0.02
    draft_chunks: int = 4
    subject_chunks: int = 200


@dataclass
class Planned:
    """A document to write, with what it may reveal."""

    doc: Doc
    show: Show
    lang: str
    extra: list[str] = field(default_factory=list)


@dataclass
class Draft:
    """A draft with the verdict a correct tool must give."""

    name: str
    text: str
    verdict: str
    entities: list[str]
    fix_any_of: list[str]
    adds: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # entity -> attribute -> values


@dataclass
class ChunkPlan:
    """Everything one chunk writes, before it is written."""

    docs: list[Planned] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    chains: list[list[int]] = field(default_factory=list)  # indices into docs
    subjects: list[dict[str, object]] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)


class Planner:
    """Builds a `ChunkPlan` for one chunk."""

    def __init__(self, world: World, seed: int, chunk: int, size: int, mix: Mix) -> None:
        self.world, self.chunk, self.size, self.mix = world, chunk, size, mix
        self.rng = random.Random(f"{seed}:chunk:{chunk}")
        self.plan = ChunkPlan()
        self.serial = chunk * CHUNK
        self.year = 2025 + chunk % 3
        self.subjects: dict[str, list[Project]] = {}
        self.purposes: dict[str, list[list[Project]]] = {}
        self.en_subj: list[Project] = []
        self.en_purp: dict[str, Project] = {}

    # ---- building blocks -------------------------------------------------------------------

    def _count(self, per_1000: int, minimum: int) -> int:
        scaled = round(per_1000 * self.size / CHUNK)
        return max(scaled, minimum) if self.size >= 60 else scaled

    def _place(self, county: int | None = None, town: int | None = None) -> Place:
        rng = self.rng
        ci = rng.randrange(len(self.world.counties)) if county is None else county
        towns = self.world.towns[ci]
        ti = rng.randrange(len(towns)) if town is None else town
        division = self.world.counties[ci]
        _p, _c, _n, lat, lon, _a = division
        return Place(ci, towns[ti][0], rng.choice(towns[ti][1]), rng.randint(1, 12),
                     round(lat + rng.uniform(-0.15, 0.15), 5), round(lon + rng.uniform(-0.15, 0.15), 5), division)

    def _next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def _zh_project(self, kind: str, sensitive: bool, place: Place | None = None) -> Project:
        rng, world = self.rng, self.world
        serial = self._next_serial()
        pl = place or self._place()
        agency = rng.randrange(len(world.agencies))
        p = Project(eid=f"e{serial:07d}", kind=kind, sensitive=sensitive, lang="zh", place=pl, year=self.year,
                    agency=agency, amount=rng.randint(300_000, 90_000_000))
        prefix = world.agencies[agency].prefix
        p.code = (f"{prefix}-{self.year}-{serial:07d}", f"{prefix}{self.year}{serial:07d}",
                  f"{prefix}（{self.year}）{serial:07d}号")[serial % 3]
        p.manager = rng.choice(vocab.SURNAMES) + rng.choice(vocab.GIVEN_NAMES) + rng.choice(vocab.GIVEN_NAMES)
        p.mobile = _mobile(rng)
        days = rng.choice((90, 120, 180, 240, 365))
        done = f"{self.year + 1}年{rng.randint(1, 12)}月竣工"
        p.schedule_zh = (f"{days}日历天", done, f"预计{self.year + 1}年底投入使用")
        p.lat, p.lon = pl.lat, pl.lon
        if sensitive:
            p.purpose = rng.choice(vocab.SENSITIVE_PURPOSES_ZH)
            p.work = rng.choice(NEUTRAL_WORK)
            p.buyer = f"{pl.province}{rng.choice(world.sensitive_buyers)}"
            stem = pl.village[:-1] if pl.village.endswith("村") else pl.village[:-2]
            w = vocab.CODENAME_WORDS
            p.name = f"{stem}{w[serial % 50]}{w[(serial // 50) % 50]}{DISTINCT_SUFFIX[serial % 4]}"
        else:
            purpose = rng.choice(vocab.HARMLESS_PURPOSES_ZH)
            p.work = purpose
            office, phone = rng.choice(world.county_offices[pl.county_index])
            p.buyer, p.buyer_phone = office, phone
            form = rng.random()
            if form < 0.3:
                p.name = purpose if rng.random() < 0.5 else f"{self.year}年{purpose}"
            elif form < 0.6:
                p.name = f"{pl.county}{purpose}"
            else:
                p.name = f"{pl.county}{pl.town}{purpose}"
        return p

    def _en_project(self, kind: str, sensitive: bool, place: tuple[str, str] | None = None) -> Project:
        rng = self.rng
        serial = self._next_serial()
        p = Project(eid=f"e{serial:07d}", kind=kind, sensitive=sensitive, lang="en", year=self.year,
                    en_place=place or rng.choice(vocab.EN_PLACES), amount=rng.randint(2_000_000, 900_000_000))
        office = ("W912DY", "N62742", "FA8903", "W9128A", "N40192", "W912HN")[serial % 6]
        # office, number and year together encode the serial, so no two projects share a number
        n = (serial // 6) % 10000
        p.code = f"{office}-{24 + serial // 60000}-{'CD'[(serial // 6) % 2]}-{n:04d}"
        p.firm = rng.choice(vocab.EN_FIRMS)
        month = rng.choice(("January", "March", "June", "July", "September", "December"))
        p.schedule_en = (f"completed by {month} {self.year + 1}", f"delayed until {self.year + 4}",
                         f"slipped to {self.year + 5}")
        if sensitive:
            p.purpose = rng.choice(vocab.SENSITIVE_PURPOSES_EN)
            p.work = "facility upgrades"
        else:
            p.purpose = rng.choice(vocab.HARMLESS_PURPOSES_EN)
            p.work = p.purpose
        return p

    def _doc(self, p: Project | None, style: str, role: str, show: Show, lang: str = "zh") -> int:
        self.plan.docs.append(Planned(Doc(style, p, role), show, lang))
        return len(self.plan.docs) - 1

    def _first_doc(self, p: Project) -> Planned:
        return next(pl for pl in self.plan.docs if pl.doc.project is p)

    def _room(self, n: int) -> bool:
        return len(self.plan.docs) + n <= self.size

    # ---- kinds -----------------------------------------------------------------------------

    def subject_alias(self, g: int, num: int) -> tuple[str, int]:
        """The alias of global subject `g` and which written variant document A uses."""
        style = g % 3
        w, s = vocab.CODENAME_WORDS, vocab.CODENAME_SUFFIX
        if style == 0:
            return f"{num}工程", (0, 2, 1)[(g // 3) % 3]
        if style == 1:
            word = w[g % 50] + s[(g // 50) % 3] if g < 150 else w[g % 50] + w[(g // 50) % 50] + s[(g // 2500) % 3]
            return word, (1, 3, 0)[(g // 3) % 3]
        model = f"{vocab.MODEL_PREFIXES[g % 8]}-{(g // 8) % 90 + 10}{'ABCDEFGH'[(g // 720) % 8]}"
        return model, (2, 0)[(g // 3) % 2]

    def zh_subject(self, i: int, kind: str) -> Project | None:
        g = self.chunk * max(self.mix.zh_subjects, 6) + i
        num = 1000 + 2 * (((g + 1) * 7919) % 4500)
        plan = {"full": 4, "coords": 4, "noloc": 3, "nopurpose": 3}[kind]
        if not self._room(plan):
            return None
        p = self._zh_project(f"subject_{kind}", True)
        p.subject = f"p{num}"
        alias, variant = self.subject_alias(g, num)
        p.alias = alias
        p.code = f"ZB-{self.year}-{num}"
        codes = [p.code] if (g // 3) % 3 == 1 else []
        self.plan.subjects.append({"id": p.subject, "aliases": [alias], "codes": codes})
        cty = {} if kind == "noloc" else {"county": 0}
        a = self._doc(p, "news", "chain_alias", {"alias": variant, **cty})
        b = self._doc(p, "tender", "chain_alias_code",
                      {"alias": 0, "code": g % 2, **cty, **({"schedule": 0} if kind == "nopurpose" else {})})
        if kind == "nopurpose":
            d = self._doc(p, "permit", "chain_code_location", {"code": 0, "location": g % 4, **cty})
            self.plan.chains.append([a, b, d])
        else:
            c_show: Show = {"code": 0, "purpose": 1 if g % 4 == 1 else 0, **cty}
            if kind == "noloc":
                c_show["schedule"] = 1
            c = self._doc(p, "award", "chain_code_purpose", c_show)
            self.plan.chains.append([a, b, c])
            if kind == "full":
                self._doc(p, "permit", "location_schedule", {"code": 0, "location": (0, 1, 3)[g % 3], "schedule": 1,
                                                             **cty})
            elif kind == "coords":
                self._doc(p, "eia", "coords_schedule", {"code": 0, "coords": g % 4, "schedule": 2, **cty})
        self.plan.projects.append(p)
        return p

    def zh_purpose(self, i: int, linker: str) -> list[Project]:
        size = {"address": 3, "coords": 2, "mobile": 2, "name": 3, "code": 2, "split": 2}[linker]
        if not self._room(size):
            return []
        p = self._zh_project(f"purpose_{linker}", True)
        c: Show = {"county": 0}
        v = self.rng.randrange(4)
        docs: list[int] = []
        if linker == "address":
            s1 = self.rng.choice((0, 1, 3))
            docs = [self._doc(p, "eia", "purpose_site", {"location": s1, "purpose": 0, **c}),
                    self._doc(p, "permit", "site_schedule", {"location": s1 if v < 2 else 0, "schedule": 0, **c}),
                    self._doc(p, "acceptance", "site", {"location": s1, **c})]
        elif linker == "coords":
            docs = [self._doc(p, "eia", "purpose_coords", {"coords": v, "purpose": 0, **c}),
                    self._doc(p, "tender", "coords_schedule", {"coords": (v + 1 + i) % 4, "schedule": 0, **c})]
        elif linker == "mobile":
            docs = [self._doc(p, "negotiation", "purpose_mobile", {"mobile": v, "purpose": 0, **c}),
                    self._doc(p, "permit", "mobile_site_schedule",
                              {"mobile": (v + 1) % 4, "location": 1, "schedule": 1, **c})]
        elif linker == "name":
            docs = [self._doc(p, "tender", "name_purpose", {"name": 0, "purpose": 0, **c}),
                    self._doc(p, "candidates", "name_site", {"name": 0, "location": self.rng.choice((0, 1, 2)), **c}),
                    self._doc(p, "news", "name_schedule", {"name": 0, "schedule": 2, **c})]
        elif linker == "code":
            docs = [self._doc(p, "tender", "code_purpose", {"code": 0, "purpose": 0, **c}),
                    self._doc(p, "award", "code_site_schedule", {"code": 0, "location": 0, "schedule": 1, **c})]
        else:  # split: two public fragments no public document joins
            q = dataclasses.replace(p, eid=p.eid + "b", amount=self.rng.randint(300_000, 90_000_000))
            p.eid += "a"
            self._doc(p, "tender", "fragment_name_purpose", {"name": 0, "purpose": 0, **c})
            self._doc(q, "permit", "fragment_mobile_site_schedule",
                      {"mobile": v, "location": 1, "schedule": 1, **c})
            self.plan.projects += [p, q]
            return [p, q]
        if len(docs) >= 2:
            self.plan.chains.append(docs)
        self.plan.projects.append(p)
        return [p]

    def en_subject(self, i: int) -> Project | None:
        if not self._room(4):
            return None
        g = self.chunk * max(self.mix.en_subjects, 1) + i
        num = 1001 + 2 * (((g + 1) * 7919) % 4500)  # odd: never the number of a zh subject
        p = self._en_project("subject_en", True)
        w = vocab.EN_CODENAMES
        p.alias = f"Project {w[g % 30]}" if g < 30 else f"Project {w[g % 30]} {w[(g // 30) % 30]}"
        p.subject = f"p{num}"
        self.plan.subjects.append({"id": p.subject, "aliases": [p.alias], "codes": []})
        a = self._doc(p, "press", "chain_alias", {"alias": 1 + g % 3}, "en")
        b = self._doc(p, "dod", "chain_alias_code", {"alias": 0, "code": 0}, "en")
        c = self._doc(p, "usace", "chain_code_purpose", {"code": 0, "purpose": 0}, "en")
        self._doc(p, "ea", "location_schedule", {"code": 0, "location": g % 2, "schedule": g % 3}, "en")
        self.plan.chains.append([a, b, c])
        self.plan.projects.append(p)
        return p

    def en_purpose(self, kind: str) -> Project | None:
        if not self._room(2):
            return None
        p = self._en_project(kind, True)
        if kind == "en_code":
            docs = [self._doc(p, "dod", "code_purpose", {"code": 0, "purpose": 0}, "en"),
                    self._doc(p, "usace", "code_site_schedule", {"code": 0, "location": 1, "schedule": 1}, "en")]
        else:
            docs = [self._doc(p, "dod", "code_purpose_site", {"code": 0, "purpose": 0, "location": 1}, "en"),
                    self._doc(p, "press", "code_site", {"code": 0, "location": 0}, "en")]
        self.plan.chains.append(docs)
        self.plan.projects.append(p)
        return p

    def zh_harmless(self, place: Place | None = None) -> Project | None:
        n = self.rng.choice((2, 2, 3, 3, 4))
        if not self._room(n):
            return None
        p = self._zh_project("harmless", False, place)
        styles = self.rng.sample(("tender", "candidates", "award", "permit", "acceptance", "negotiation"), n)
        for k, style in enumerate(styles):
            show: Show = {"code": 0, "name": 0, "county": 0}
            if k == 0 or self.rng.random() < 0.4:
                show["location"] = self.rng.choice((0, 1, 1, 3, 2))
            if self.rng.random() < 0.5:
                show["schedule"] = self.rng.randrange(3)
            self._doc(p, style, "harmless", show)
        self.plan.projects.append(p)
        return p

    def en_harmless(self, place: tuple[str, str] | None = None) -> Project | None:
        if not self._room(2):
            return None
        p = self._en_project("harmless_en", False, place)
        self._doc(p, "dod", "harmless", {"code": 0, "purpose": 0, "location": 1, "schedule": 0}, "en")
        self._doc(p, self.rng.choice(("usace", "press")), "harmless", {"code": 0, "purpose": 0, "location": 0}, "en")
        self.plan.projects.append(p)
        return p

    def singleton(self) -> None:
        rng = self.rng
        if rng.random() < 0.85:
            p = self._zh_project("singleton", False)
            show: Show = {"name": 0, "county": 0, "code": 0}
            if rng.random() < 0.6:
                show["location"] = rng.choice((0, 1, 3))
            if rng.random() < 0.5:
                show["schedule"] = rng.randrange(3)
            style = rng.choice(("tender", "tender", "candidates", "award", "eia", "acceptance", "permit", "news",
                                "negotiation"))
            self._doc(p, style, "singleton", show)
        else:
            q = self._en_project("singleton_en", False)
            self._doc(q, rng.choice(("dod", "usace", "ea", "press")), "singleton",
                      {"purpose": 0, "location": rng.randrange(2), "code": 0}, "en")

    # ---- the chunk ---------------------------------------------------------------------------

    def build(self) -> ChunkPlan:
        mix, rng = self.mix, self.rng
        subj_on = self.chunk < mix.subject_chunks
        subjects: dict[str, list[Project]] = {}
        for i in range(self._count(mix.zh_subjects, 6) if subj_on else 0):
            kind = ZH_SUBJECT_KINDS[i % len(ZH_SUBJECT_KINDS)]
            sp = self.zh_subject(i, kind)
            if sp:
                subjects.setdefault(kind, []).append(sp)
        purposes: dict[str, list[list[Project]]] = {}
        for i in range(self._count(mix.zh_purpose, 6)):
            linker = ZH_LINKERS[i % len(ZH_LINKERS)]
            got = self.zh_purpose(i, linker)
            if got:
                purposes.setdefault(linker, []).append(got)
        en_subj = [s for i in range(self._count(mix.en_subjects, 1) if subj_on else 0) if (s := self.en_subject(i))]
        en_purp: dict[str, Project] = {}
        for i in range(self._count(mix.en_purpose, 2)):
            kind = EN_PURPOSE_KINDS[i % 2]
            ep = self.en_purpose(kind)
            if ep:
                en_purp.setdefault(kind, ep)
        self._decoy_projects(subjects, purposes, en_subj)
        for _ in range(self._count(mix.zh_harmless, 0)):
            self.zh_harmless()
        for _ in range(self._count(mix.en_harmless, 0)):
            self.en_harmless()
        while len(self.plan.docs) < self.size:
            self.singleton()
        self.subjects, self.purposes, self.en_subj, self.en_purp = subjects, purposes, en_subj, en_purp
        del rng
        return self.plan

    def _decoy_projects(self, subjects: dict[str, list[Project]], purposes: dict[str, list[list[Project]]],
                        en_subj: list[Project]) -> None:
        """Harmless projects planted next to sensitive ones: same town, ~1 km away, one digit off, look-alikes."""
        sited = [p for k in ("full", "nopurpose") for p in subjects.get(k, [])]
        sited += [ps[0] for k in ("address", "mobile", "code") for ps in purposes.get(k, [])]
        for s in sited:
            assert s.place is not None
            h = self.zh_harmless(self._place(s.place.county_index, _town_index(self.world, s.place)))
            if h is not None:
                self._first_doc(h).doc.decoy("same_town", s.place.town)
        near = subjects.get("coords", []) + [ps[0] for ps in purposes.get("coords", [])]
        for s in near:
            assert s.place is not None
            h = self.zh_harmless(self._place(s.place.county_index, _town_index(self.world, s.place)))
            if h is not None:
                h.lat, h.lon = round(s.lat + 0.009, 5), round(s.lon + 0.002, 5)
                first = self._first_doc(h)
                first.show["coords"] = style = self.rng.randrange(4)
                first.doc.decoy("near_coords", coord_form(h.lat, h.lon, style))
        for s in subjects.get("full", [])[:1] + subjects.get("noloc", [])[:1]:
            h = self.zh_harmless()
            if h is not None:
                head, _, num = s.code.rpartition("-")
                h.code = f"{head}-{int(num) + 1}"
                self.plan.docs[-1].doc.decoy("one_digit_code", h.code)
        everyone = [p for ps in subjects.values() for p in ps]
        for s in everyone[:3]:
            h = self.zh_harmless()
            if h is not None and s.alias:
                look = self.plan.docs[-1].doc.decoy("alias_lookalike", _lookalike(s.alias))
                self.plan.docs[-1].extra.append(f"备注：本项目与{look}无关。")
        for s in everyone[:2] + en_subj[:1]:
            h = self.zh_harmless()
            if h is not None and s.subject:
                pid = self.plan.docs[-1].doc.decoy("policy_id", s.subject)
                self.plan.docs[-1].extra.append(f"档案编号：{pid}")
        for s in en_subj[:1]:
            h = self.en_harmless(s.en_place)
            if h is not None and s.en_place is not None:
                self.plan.docs[-1].doc.decoy("same_base", s.en_place[0])


def _town_index(world: World, place: Place) -> int:
    return [t for t, _v in world.towns[place.county_index]].index(place.town)


def _lookalike(alias: str) -> str:
    if alias[:1].isdigit():
        return "1" + alias
    if alias.endswith("计划"):
        return alias + "生育服务站"
    if alias.endswith("工程"):
        return alias + "机械有限公司"
    if alias.endswith("项目"):
        return alias + "管理有限公司"
    return alias + "1"


def _mobile(rng: random.Random) -> str:
    from .text import mobile_number

    return mobile_number(rng)


__all__ = ["CHUNK", "ChunkPlan", "Draft", "Mix", "Planned", "Planner", "alias_form", "mobile_form"]
