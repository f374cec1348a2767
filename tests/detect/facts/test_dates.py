"""Dates and durations with their role."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mosaicguard.detect.facts.dates import DateExtractor

X = DateExtractor()


@pytest.mark.parametrize(
    ("text", "span", "key", "role", "attr"),
    [
        ("计划于2027年3月底竣工", "2027年3月底", "2027-03", "completion", "schedule"),
        ("2016年12月25日开工建设", "2016年12月25日", "2016-12-25", "start", "schedule"),
        ("2019年底首台机组具备发电条件", "2019年底", "2019", "commissioning", "schedule"),
        ("推迟至2028年6月投产", "2028年6月", "2028-06", "slip", "schedule"),
        ("2025.06 开工", "2025.06", "2025-06", "start", "schedule"),
        ("2025年6月10日提交初步成果报告书", "2025年6月10日", "2025-06-10", "delivery", "schedule"),
        ("work by August 2019", "August 2019", "2019-08", "completion", "schedule"),
        ("要求2025年7月10日前交货", "2025年7月10日", "2025-07-10", "delivery", "schedule"),
        ("completed by June 2026", "June 2026", "2026-06", "completion", "schedule"),
        ("slated to open December 2027", "December 2027", "2027-12", "commissioning", "schedule"),
        ("The project was delayed until 2030.", "until 2030", "2030", "slip", "schedule"),
        ("It slipped to 2031", "to 2031", "2031", "slip", "schedule"),
        ("ground-breaking May 21, 2019", "May 21, 2019", "2019-05-21", "start", "schedule"),
        ("completion around 2027", "around 2027", "2027", "completion", "schedule"),
        # not schedules: the notice's own dates
        ("发布时间：2025年06月20日", "2025年06月20日", "2025-06-20", "publication", None),
        ("投标截止时间为2025年5月19日", "2025年5月19日", "2025-05-19", "deadline", None),
        ("2025-06-13 09:00开标", "2025-06-13", "2025-06-13", "deadline", None),
        ("contract awarded Dec. 7, 2018", "Dec. 7, 2018", "2018-12-07", "award", None),
        ("comments through Oct. 20, 2023", "Oct. 20, 2023", "2023-10-20", "deadline", None),
        ("FY2027 military construction", "FY2027", "2027", "date", None),
        ("报价开始时间：2024年11月18日09时00分", "2024年11月18日", "2024-11-18", "deadline", None),
        # 2010 年 is a founding year, not a schedule, and a bare year without a role is dropped
        ("创立时间：成立于 2010 年，2011 年正式投产", "2011 年", "2011", "commissioning", "schedule"),
        ("公司成立于2010年3月", "2010年3月", "2010-03", "founding", None),
        # `date`/`日期` after a schedule word is that schedule's date, not a document's
        ("计划竣工日期：2025年3月1日", "2025年3月1日", "2025-03-01", "completion", "schedule"),
        ("开工日期:2024年5月", "2024年5月", "2024-05", "start", "schedule"),
        ("with an estimated completion date of Jan. 29, 2021.", "Jan. 29, 2021", "2021-01-29", "completion",
         "schedule"),
        ("签署日期：2025年1月2日", "2025年1月2日", "2025-01-02", "document", None),
    ],
)
def test_dates(text: str, span: str, key: str, role: str, attr: str | None) -> None:
    # a schedule's span also covers its role word; detail `date` is the date as written
    facts = [(f.get("date", f.text), f.key, f.get("role"), f.attr) for f in X.extract(text) if f.kind == "date"]
    assert facts == [(span, key, role, attr)]


@pytest.mark.parametrize(("text", "quoted"), [
    ("计划2027年3月竣工", "2027年3月竣工"),
    ("开工时间:2026年10月", "开工时间:2026年10月"),
    ("delivery by March 2027", "delivery by March 2027"),
    ("the building was completed by June 2026.", "completed by June 2026"),
    ("推迟至2028年6月投产", "推迟至2028年6月"),
    ("2025年6月10日,开工", "2025年6月10日"),  # a role word across a comma is not quoted with it
])
def test_schedule_is_quoted_with_its_role_word(text: str, quoted: str) -> None:
    assert [f.text for f in X.extract(text) if f.attr == "schedule"] == [quoted]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("工期180日历天", "P180D"),
        ("计划工期：90天", "P90D"),
        ("总工期51个月", "P51M"),
        ("a 51-month construction schedule", "P51M"),
        ("to be completed within 70 days", "P70D"),
        ("總工期約5年", "P5Y"),
        ("a three-year contract", "P3Y"),
        ("合同签订之日起60日内完成初步设计", "P60D"),
        ("履约期限（天）\n70\n", "P70D"),  # a table: label in one cell, number in the next
        ("履约期限(天):\n180日历天。", "P180D"),  # one fact, not one per spelling
        ('<td class="title">履约期限(天):</td>\n\t\t<td class="contenttd">70</td>', "P70D"),
    ],
)
def test_durations(text: str, key: str) -> None:
    facts = [f for f in X.extract(text) if f.kind == "duration"]
    assert [f.key for f in facts] == [key]
    assert facts[0].attr == "schedule"


def test_role_stays_in_its_comma_clause_and_typographic_spaces_fold() -> None:
    text = "公司于\u20022010\u2002年\u20021\u2002月开始动工建设，2011 年 3 月投入生产"
    facts = [(f.get("date", f.text), f.key, f.get("role")) for f in X.extract(text)]
    assert facts == [("2010\u2002年\u20021\u2002月", "2010-01", "start"),
                     ("2011 年 3 月", "2011-03", "commissioning")]


def test_table_label_never_takes_a_year_for_its_number() -> None:
    facts = X.extract("履约期限(天):\n2025年6月10日提交初步成果报告书")
    assert [(f.kind, f.key) for f in facts] == [("date", "2025-06-10")]


@pytest.mark.parametrize("text", ["在2025年度预算中", "in 2019 the office moved", "编号2025-13-45", "电话 2025 1234",
                                  # the year a national total reaches a figure
                                  "到2025年投产总规模达到5000万千瓦", "2024年累计投产3000万千瓦",
                                  # an age, a time ago, a return period (real Offutt stories)
                                  "workspaces in the 80-year-old Glenn L. Martin-Nebraska Bomber Plant",
                                  "Three years ago, the 55th Wing stood up the program office",
                                  "to raise base facilities above the 100-year flood plain",
                                  "a 50 year storm event", "a building 60 years old",
                                  # steps of the procedure in every award notice, not the works'
                                  "中标人应在中标通知书发出之日起30日内与采购人签订合同。",
                                  "投标保证金退还：中标通知书发出后5日内退还。", "可在公告期满后7日内提出质疑",
                                  "通过电话、Email及信函的方式联系,时间自本项目公示之日起10日内。",
                                  "自公示之日起7日内申请人、利害关系人可对以下拟作出的建设项目",
                                  "The contractor has 15 years of experience.",
                                  "Comments must be received within 30 days of this notice."])
def test_not_schedules(text: str) -> None:
    assert [f for f in X.extract(text) if f.attr == "schedule"] == []


def test_jionlp_banner_stays_off_stdout() -> None:
    """A fresh process (jionlp not yet imported) prints nothing on stdout: the CLI writes JSON there."""
    code = ("from mosaicguard.detect.facts.dates import parse_zh; "
            "import sys; assert parse_zh('2027年3月底') == ('2027-03', 'month'); "
            "assert 'jionlp' in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3] / "src")},
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


MONTH_SPELLINGS = ["jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june",
                   "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov", "november",
                   "dec", "december"]


def test_month_year_is_read_as_dateparser_reads_it() -> None:
    """`November 2027` is answered without calling dateparser (its first call costs a one-draft
    `check` ~0.2 s): for every month spelling `_EN_DATE` admits, in every case, with or without
    its dot, in years across the range, the answer is dateparser's own."""
    from mosaicguard.detect.facts.dates import _EN_DATE, parse_en, parse_en_dateparser

    compared = 0
    for spelling in MONTH_SPELLINGS:
        for written in (spelling, spelling.title(), spelling.upper(), spelling[0] + spelling[1:].upper()):
            for dot in ("", "."):
                for year in ("1900", "1999", "2000", "2024", "2027", "2099"):
                    words = f"{written}{dot} {year}"
                    assert _EN_DATE.search(f"by {words}") is not None, words  # a candidate the extractor finds
                    answer = parse_en(words)
                    assert answer == parse_en_dateparser(words), words
                    assert answer is not None and answer[0].startswith(f"{year}-") and answer[1] == "month"
                    compared += 1
    assert compared == len(MONTH_SPELLINGS) * 4 * 2 * 6


@pytest.mark.parametrize(("candidate", "expected"), [
    ("by November 2027", ("2027-11", "month")), ("Sept. 2026", ("2026-09", "month")),
    ("end of June 2026", ("2026-06", "month")),
    ("Dec. 7, 2018", ("2018-12-07", "day")), ("07 January 2017", ("2017-01-07", "day")),
])
def test_english_dates(candidate: str, expected: tuple[str, str]) -> None:
    from mosaicguard.detect.facts.dates import parse_en

    assert parse_en(candidate) == expected


def test_month_year_needs_no_dateparser() -> None:
    """A fresh process reading `by June 2026` does not load dateparser (a one-draft `check`)."""
    code = ("from mosaicguard.detect.facts.dates import DateExtractor; import sys; "
            "facts = DateExtractor().extract('The hangar will be completed by June 2026.'); "
            "assert [(f.key, f.get('role')) for f in facts] == [('2026-06', 'completion')], facts; "
            "assert 'dateparser' not in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3] / "src")},
                          check=False)
    assert done.returncode == 0, done.stderr
