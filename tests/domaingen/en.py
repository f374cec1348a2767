"""English items: DoD contract announcements, USACE releases, Air Force EA/FONSI notices, trade press."""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable

from . import vocab
from .model import Doc, Project
from .world import World

Show = dict[str, int]
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def alias_form_en(alias: str, variant: int) -> str:
    """An English alias in the case this item uses (`Project Kestrel`, `PROJECT KESTREL`...)."""
    if variant == 1:
        return alias.upper()
    if variant == 2:
        return alias.lower()
    if variant == 3:
        head, _, tail = alias.partition(" ")
        return f"{head} {tail.upper()}"
    return alias


class FactsEn:
    """What one English item states, planted as written."""

    def __init__(self, p: Project, show: Show, doc: Doc) -> None:
        self.p = p
        self.v = zlib.crc32(f"{p.eid}/{doc.style}/{doc.role}".encode())  # stable wording choice
        self.alias = doc.plant("alias", alias_form_en(p.alias, show["alias"])) if "alias" in show and p.alias else ""
        self.code = doc.plant("code", p.code) if "code" in show else ""
        self.name = doc.plant("name", p.name) if "name" in show else ""
        self.purpose = doc.plant("purpose", p.purpose) if "purpose" in show else ""
        self.location = ""
        if "location" in show and p.en_place is not None:
            self.location = doc.plant("location", p.en_place[show["location"] % 2])
            doc.plant("link", self.location)
        self.schedule = doc.plant("schedule", p.schedule_en[show["schedule"]]) if "schedule" in show else ""

    def what(self) -> str:
        if self.purpose:
            if self.purpose.endswith("s"):
                return self.purpose
            return f"{'an' if self.purpose[0] in 'aeiou' else 'a'} {self.purpose}"
        return self.p.work

    def where(self) -> str:
        return f" at {self.location}" if self.location else ""


def sched_sentence(schedule: str) -> str:
    """A sentence stating the schedule value unchanged."""
    if schedule.startswith("completed"):
        return f"Work is expected to be {schedule}."
    if schedule.startswith("delayed"):
        return f"Completion was {schedule}."
    return f"Completion has {schedule}."


def _money(p: Project) -> str:
    return f"${p.amount:,}"


def dod(rng: random.Random, world: World, p: Project, doc: Doc, f: FactsEn) -> None:
    """A DoD daily contract announcement paragraph."""
    month = rng.choice(MONTHS)
    doc.add(f"Contracts For {month} {rng.randint(1, 28)}, {p.year}", "", rng.choice(("NAVY", "AIR FORCE", "ARMY")), "")
    label = f" ({f.alias})" if f.alias else ""
    named = f" for the {f.name}" if f.name else ""
    kind = ("is awarded a {m} firm-fixed-price contract", "has been awarded a {m} indefinite-delivery/"
            "indefinite-quantity contract", "was awarded a {m} design-build task order")[f.v % 3].format(m=_money(p))
    body = (f"{p.firm}, {rng.choice(vocab.EN_CITIES)}, {kind}{named} "
            f"for the design and construction of {f.what()}{label}{f.where()}.")
    if f.schedule:
        body += " " + sched_sentence(f.schedule)
    body += " Military construction funds are obligated at the time of award."
    if f.code:
        body += f" The contracting activity is the regional engineering command ({f.code})."
    doc.add(body)


def usace(rng: random.Random, world: World, p: Project, doc: Doc, f: FactsEn) -> None:
    """A U.S. Army Corps of Engineers district news release."""
    district = rng.choice(
        ("Honolulu District", "Alaska District", "Omaha District", "Europe District", "Japan District")
    )
    subject = f.alias or f.name or "construction"
    head = ("{d} awards contract for {w}", "Corps selects builder for {w}", "{d} moves ahead with {w}")[f.v % 3]
    doc.add(head.format(d=district, w=f"{f.what()}{f.where()}"), "", f"Released {rng.choice(MONTHS)} {p.year}", "")
    doc.add(f"The U.S. Army Corps of Engineers {district} awarded a {_money(p)} contract to {p.firm} "
            f"for {subject} work{f.where()}.")
    if f.code:
        doc.add(f"Contract number {f.code} was awarded after a full and open competition.")
    if f.purpose:
        doc.add(f"The project provides {f.what()} with supporting utilities, paving and site improvements.")
    if f.schedule:
        doc.add(sched_sentence(f.schedule))
    doc.add(f"For more information contact the district public affairs office, {rng.choice(vocab.EN_PEOPLE)}.")


def ea(rng: random.Random, world: World, p: Project, doc: Doc, f: FactsEn) -> None:
    """An Air Force Notice of Availability for a draft EA and FONSI."""
    doc.add("NOTICE OF AVAILABILITY", "DRAFT ENVIRONMENTAL ASSESSMENT AND FINDING OF NO SIGNIFICANT IMPACT", "")
    subject = f.name or f.alias or f.what()
    doc.add(f"The Department of the Air Force announces the availability of a Draft Environmental Assessment (EA) "
            f"and Finding of No Significant Impact (FONSI) for {subject}{f.where()}.")
    if f.purpose:
        doc.add(f"The Proposed Action would construct and operate {f.what()}.")
    if f.code:
        doc.add(f"Reference: {f.code}.")
    if f.schedule:
        doc.add(sched_sentence(f.schedule))
    doc.add("Comments will be accepted for 30 days following publication of this notice. "
            f"Quality management follows {doc.decoy('standard', 'ISO 9001:2015')}.")


def press(rng: random.Random, world: World, p: Project, doc: Doc, f: FactsEn) -> None:
    """A trade-press or local news story."""
    subject = f.alias or f.name or (f"contract {f.code}" if f.code else f.what())
    head = ("{s}: what the latest budget documents show", "New details emerge on {s}",
            "Lawmakers press for answers on {s}")[f.v % 3].format(s=subject)
    doc.add(head[:1].upper() + head[1:], "")
    doc.add(f"Budget justification documents released this week shed new light on {subject}.")
    if f.code and subject != f"contract {f.code}":
        doc.add(f"The work is being carried out under contract {f.code}, awarded to {p.firm}.")
    if f.location:
        doc.add(f"The site{f.where()} has seen steady activity, according to local officials.")
    if f.purpose:
        doc.add(f"Officials confirmed the project includes {f.what()}.")
    if f.schedule:
        doc.add(f"A spokesperson said: {sched_sentence(f.schedule)}")
    doc.add(f"{rng.choice(vocab.EN_PEOPLE)} contributed reporting.")


EN_STYLES: dict[str, Callable[[random.Random, World, Project, Doc, FactsEn], None]] = {
    "dod": dod,
    "usace": usace,
    "ea": ea,
    "press": press,
}


def render_en(rng: random.Random, world: World, doc: Doc, show: Show) -> None:
    """Write the English item `doc` revealing what `show` names."""
    assert doc.project is not None
    facts = FactsEn(doc.project, show, doc)
    EN_STYLES[doc.style](rng, world, doc.project, doc, facts)
