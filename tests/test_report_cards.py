"""Cards: the pairwise conflicts of one disagreement shown as one picture of every value, the
best-supported value first and counted with the agreement behind it; the same conflict
restated by many articles shown once; and the wording of values, periods and sources."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from factcheck.checks import agreement
from factcheck.checks.base import CheckContext
from factcheck.models import Claim, Period, Report, SourceInfo
from factcheck.report import html, markdown
from factcheck.report.common import Desk, cards, claim_index
from factcheck.report.common import agreements as agreement_findings
from factcheck.report.common import conflicts as conflict_findings
from factcheck.spec import MetricSpec
from factcheck.wording import claim_words, span_words

METRICS = {"opened": MetricSpec.model_validate({"id": "opened", "unit": "year"})}
YEARS = {"s1": "2002", "s2": "2002", "s3": "2002", "s4": "2009", "s5": "2012"}


def _claim(source: str, year: str) -> Claim:
    return Claim(
        id=f"{source}:{year}",
        source=source,
        metric="opened",
        subject=("the mission",),
        value=year,
        unit="year",
        low=f"{year}-01-01",
        high=f"{year}-12-31",
        quote=f"It has existed since {year}.",
        line=1,
        column=1,
        start=0,
        end=4,
    )


def _report() -> Report:
    claims = [_claim(s, y) for s, y in YEARS.items()]
    spec = agreement.Spec(id="opened.agree", kind="agreement", metric="opened")
    findings = agreement.check(spec, CheckContext(claims=claims, metrics=METRICS, facts=[]))
    sources = tuple(
        SourceInfo(
            id=s,
            path=f"{s}.txt",
            encoding="utf-8",
            sha256="",
            outlet=f"outlet {s[1]}",
            published=dt.date(2023, 2, int(s[1])),
            url=f"https://example.org/{s}",
        )
        for s in YEARS
    )
    return Report(sources=sources, claims=tuple(claims), findings=tuple(findings))


def test_three_values_one_card_every_pair_a_finding() -> None:
    report = _report()
    conflicts = conflict_findings(report)
    # Three of five sources say 2002, a majority: 2009 and 2012 each conflict with it, each
    # pair machine-readable on its own (without a majority, 2009 vs 2012 would be one too).
    assert len(conflicts) == 2
    found = cards(conflicts, claim_index(report), Desk(), agreement_findings(report))
    assert len(found) == 1
    card = found[0]
    assert [v for v, _ in card.values] == ["2002", "2009", "2012"]
    assert [len(cs) for _, cs in card.values] == [3, 1, 1]


def test_markdown_and_html_show_the_picture_in_words() -> None:
    report = _report()
    desk = Desk(metrics={"opened": "Year the mission began to operate"})
    md = markdown.render(report, desk)
    assert "## Conflicts (1)" in md
    assert "### 1. Year the mission began to operate — the mission" in md
    assert (
        "**3 values from 5 sources: 2002 (outlet 1, 1 February 2023; outlet 2, 2 February 2023; "
        "outlet 3, 3 February 2023); 2009 (outlet 4, 4 February 2023); "
        "2012 (outlet 5, 5 February 2023).**"
    ) in md
    assert "[outlet 4, 4 February 2023](<https://example.org/s4>) `s4:1`" in md
    assert md.count("do not overlap") == 2
    page = html.render(report, {}, desk)
    assert "3 values from 5 sources" in page
    assert page.count('<article class="finding conflict"') == 1
    assert 'href="https://example.org/s5"' in page


def test_wording_of_values_and_periods() -> None:
    c = _claim("s1", "2002").model_copy(
        update={"value": 22.2e9, "unit": "USD", "low": 22.15e9, "high": 22.25e9}
    )
    assert claim_words(c) == "$22.2 bn (22.15–22.25)"
    open_end = c.model_copy(update={"value": 26e9, "low": 26e9, "high": None, "qualifier": "over"})
    assert claim_words(open_end) == "over $26 bn"
    about = c.model_copy(
        update={
            "value": 8000.0,
            "unit": "count",
            "low": 7600.0,
            "high": 8400.0,
            "qualifier": "approx",
        }
    )
    assert claim_words(about) == "about 8,000 (7,600–8,400)"
    rub = c.model_copy(update={"value": 1.5e12, "unit": "RUB", "low": 1.45e12, "high": 1.55e12})
    assert claim_words(rub) == "RUB 1.5 tn (1.45–1.55)"
    p = Period(start=dt.date(2022, 1, 1), end=dt.date(2022, 11, 30))
    assert span_words(p.start, p.end) == "January–November 2022"
    assert span_words(dt.date(2019, 9, 1), dt.date(2020, 5, 31)) == "September 2019–May 2020"
    assert span_words(dt.date(2019, 7, 1), dt.date(2020, 6, 30)) == (
        "2019/20 (July 2019–June 2020)"
    )
    assert span_words(dt.date(2021, 3, 3), dt.date(2021, 3, 3)) == "3 March 2021"
    assert span_words(dt.date(2021, 3, 3), dt.date(2021, 3, 10)) == "3–10 March 2021"


def test_a_paged_html_report_is_an_index_and_a_page_per_metric() -> None:
    report = _report()
    files = {name: "".join(text) for name, text in html.files(report, {}, Desk(), True).items()}
    assert sorted(files) == ["consistency-opened.html", "consistency.html"]
    index = files["consistency.html"]
    assert '<a href="consistency-opened.html">opened</a>' in index
    page = files["consistency-opened.html"]
    assert '<a href="consistency.html">&#8592; all metrics</a>' in page
    assert page.count('<article class="finding conflict"') == 1
    # Every in-page link lands on an element of that page.
    for text in files.values():
        ids = set(re.findall(r'id="([^"]+)"', text))
        for target in re.findall(r'href="#([^"]+)"', text):
            assert target in ids, target
    # One page, as before, unless asked or the archive is very large.
    assert list(html.files(report, {}, Desk())) == ["consistency.html"]


def test_every_link_of_the_committed_seed_page_lands() -> None:
    page = (Path(__file__).resolve().parent.parent / "reports" / "consistency.html").read_text(
        encoding="utf-8"
    )
    ids = set(re.findall(r'id="([^"]+)"', page))
    targets = re.findall(r'href="#([^"]+)"', page)
    assert targets and all(t in ids for t in targets)
