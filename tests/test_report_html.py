"""The HTML report: self-contained, every piece of data escaped, claims highlighted and linked."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from factcheck.models import Claim, Finding, Period, Report, SourceInfo, Unbound
from factcheck.report import FORMATS, RenderInput
from factcheck.report.html import _date_ticks, pieces, render

VOID = {"meta", "br", "img", "input", "link", "hr", "wbr", "source", "area", "col", "embed"}
SVG_EMPTY = {"line", "circle", "polygon", "path", "rect"}

PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
TEXT_A = f"Header\nTrade turnover was $22.2 billion in 2022. {PAYLOAD} Jobs: 80% | done.\n"
TEXT_B = "Trade turnover reached $26 billion in 2022, over $30 billion soon.\n"


class _Doc(HTMLParser):
    """Collects tags, attributes and text, and checks that elements nest properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.ids += [v for k, v in attrs if k == "id" and v is not None]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID | SVG_EMPTY:
            self.errors.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Doc:
    doc = _Doc()
    doc.feed(page)
    doc.close()
    assert not doc.errors, doc.errors[:5]
    assert doc.stack == [], doc.stack
    return doc


def _at(text: str, needle: str, source: str, metric: str, **kw: object) -> Claim:
    start = text.index(needle)
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    data: dict[str, object] = {
        "id": f"{source}:{line}:{column}:{metric}",
        "source": source,
        "metric": metric,
        "subject": ("Kazakhstan", "Russia"),
        "value": 0.0,
        "unit": "USD",
        "low": 0.0,
        "high": 0.0,
        "quote": text.splitlines()[line - 1],
        "line": line,
        "column": column,
        "start": start,
        "end": start + len(needle),
    }
    data.update(kw)
    return Claim.model_validate(data)


Y2022 = Period.model_validate({"start": "2022-01-01", "end": "2022-12-31"})


def _fixture() -> tuple[Report, dict[str, str]]:
    a = _at(TEXT_A, "$22.2 billion", "a", "trade_turnover", value=22.2e9, low=22.15e9, high=22.25e9, period=Y2022)  # fmt: skip
    # The same words bound to two metrics: one mark, two anchors.
    a_year = _at(TEXT_A, "2022", "a", "year_said", value="2022", unit="year", low="2022-01-01", high="2022-12-31")  # fmt: skip
    a_year2 = _at(TEXT_A, "2022", "a", "year_again", value="2022", unit="year", low="2022-01-01", high="2022-12-31")  # fmt: skip
    b = _at(TEXT_B, "$26 billion", "b", "trade_turnover", value=26e9, low=25.5e9, high=26.5e9, period=Y2022)  # fmt: skip
    b_over = _at(TEXT_B, "over $30 billion", "b", "trade_turnover", value=30e9, low=30e9, high=None, qualifier="over", modality="forecast")  # fmt: skip
    bad_offsets = _at(TEXT_B, "2022", "b", "year_said", value="2021", unit="year", low="2021-01-01", high="2021-12-31")  # fmt: skip
    bad_offsets = bad_offsets.model_copy(update={"start": 10_000, "end": 10_004})
    conflict = Finding(
        rule="trade_turnover.agree",
        kind="agreement",
        status="conflict",
        metric="trade_turnover",
        subject=("Kazakhstan", "Russia"),
        period=Y2022,
        claims=(a.id, b.id),
        message="they differ",
        explanation="the intervals [22.15bn, 22.25bn] and [25.5bn, 26.5bn] do not overlap <b>",
    )
    agreement = Finding(
        rule="year.agree",
        kind="agreement",
        status="agreement",
        metric="year_said",
        claims=(a_year.id, bad_offsets.id),
        message="years agree",
    )
    report = Report(
        rules_sha256="abc",
        sources=(
            SourceInfo(
                id="a",
                path="in/a.txt",
                encoding="utf-8",
                sha256="1",
                outlet='Evil" onmouseover="window.__pwned=3',
                url="javascript:alert(1)",
            ),
            SourceInfo(
                id="b", path="in/b.txt", encoding="utf-8", sha256="2", url="https://example.org/b"
            ),
            SourceInfo(id="gone", path="in/gone.txt", encoding="utf-8", sha256="3"),
        ),
        claims=(a, a_year, a_year2, b, b_over, bad_offsets),
        findings=(conflict, agreement),
        unbound=(
            Unbound(
                source="a",
                kind="percent",
                text="80%",
                line=2,
                column=TEXT_A.split("\n")[1].index("80%") + 1,
            ),
            Unbound(source="a", kind="count", text="99", line=2, column=3),  # not there: no mark
        ),
        warnings=("a warning <with> markup & more",),
    )
    return report, {"a": TEXT_A, "b": TEXT_B}


def _page() -> str:
    report, texts = _fixture()
    return render(report, texts)


def test_well_formed_and_self_contained() -> None:
    page = _page()
    doc = _parse(page)
    assert page.startswith("<!DOCTYPE html>")
    csp = [a["content"] for t, a in doc.tags if t == "meta" and a.get("http-equiv")]
    assert csp and "default-src 'none'" in (csp[0] or "")
    assert not [t for t, _ in doc.tags if t in ("script", "link", "iframe", "object", "img")]
    # Nothing is fetched: no src attributes, and links leave the page only for web addresses.
    assert not [a for _, a in doc.tags if "src" in a]
    assert not re.search(r"url\(", page)


def test_article_and_metadata_text_is_escaped() -> None:
    page = _page()
    doc = _parse(page)
    assert "<script>window" not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert PAYLOAD in "".join(doc.text)  # shown as text, not run
    handlers = [(t, k) for t, a in doc.tags for k in a if k.startswith("on")]
    assert handlers == []
    assert 'href="javascript:' not in page
    assert "javascript:alert(1)" in "".join(doc.text)
    assert '<a href="https://example.org/b" rel="noopener noreferrer nofollow">' in page
    assert "a warning &lt;with&gt; markup &amp; more" in page
    assert "do not overlap &lt;b&gt;" in page


def test_every_link_lands_on_an_anchor_and_ids_are_unique() -> None:
    doc = _parse(_page())
    assert len(doc.ids) == len(set(doc.ids))
    targets = {a["href"][1:] for _, a in doc.tags if (a.get("href") or "").startswith("#")}
    assert targets <= set(doc.ids), targets - set(doc.ids)


def test_claims_are_highlighted_with_anchors_in_their_text() -> None:
    page = _page()
    marks = re.findall(r'<mark class="(\w+)" title="[^"]*">(.*?)</mark>', page)
    by_text = {re.sub(r"<span[^>]*></span>", "", inner): cls for cls, inner in marks}
    assert by_text["$22.2 billion"] == "conflict"
    assert by_text["$26 billion"] == "conflict"
    assert by_text["over $30 billion"] == "single"
    assert by_text["80%"] == "unbound"
    # Two metrics on "2022" in source a share one mark holding both anchors.
    shared = next(inner for _, inner in marks if inner.endswith("2022"))
    assert shared.count('class="anchor"') == 2
    # A claim whose offsets fall outside its text is listed, not highlighted, and its links
    # lead to its source's text instead.
    assert 'id="claim-b-1-39-year_said"' not in page
    assert re.search(
        r'href="#source-b"><code class="id" title="claim [^"]*year_said">b:1</code>', page
    )
    assert 'href="#source-a"><code class="id">a:2:3</code>' in page  # an unbound number not found


def test_conflict_links_to_its_quotes_and_back() -> None:
    page = _page()
    conflict = page[page.index('id="conflict-1"') : page.index("</article>", page.index('id="conflict-1"'))]  # fmt: skip
    assert 'href="#claim-a-2-20-trade_turnover"' in conflict
    assert 'href="#claim-b-1-24-trade_turnover"' in conflict
    assert "<mark>$22.2 billion</mark>" in conflict  # the figure inside its quote
    assert "Why they cannot all hold:" in conflict
    assert page.count('<a class="ref" href="#conflict-1">conflict 1</a>') == 2


def test_charts_for_metrics_with_several_values() -> None:
    page = _page()
    charts = page[page.index('<section id="charts">') : page.index('<section id="uncorroborated">')]
    svgs = re.findall(r"<svg.*?</svg>", charts, re.S)
    # trade_turnover (three values) and year_said (two); year_again has one value: no chart.
    assert len(svgs) == 2
    turnover = svgs[0]
    assert turnover.count("<circle") == 3
    assert turnover.count("<polygon") == 1  # "over $30 billion" has an open upper end
    assert "$22.2 bn" in turnover and "$26 bn" in turnover
    assert "<title" in turnover
    assert "2022" in svgs[1]  # a date chart's ticks are years
    assert "year_again" not in charts


def test_date_ticks_read_as_dates() -> None:
    def o(iso: str) -> float:
        import datetime as dt

        return float(dt.date.fromisoformat(iso).toordinal())

    assert [t for _, t in _date_ticks(o("2001-06-01"), o("2013-06-01"))] == [
        "2002",
        "2004",
        "2006",
        "2008",
        "2010",
        "2012",
    ]
    months = [t for _, t in _date_ticks(o("2022-01-01"), o("2022-12-31"))]
    assert months[0] == "2022-01" and len(months) <= 6
    days = [t for _, t in _date_ticks(o("2023-01-29"), o("2023-02-04"))]
    assert days and len(days) <= 4 and all(re.fullmatch(r"\d{4}-\d\d-\d\d", d) for d in days)


def test_sections_and_missing_text() -> None:
    page = _page()
    ids = [
        "summary",
        "conflicts",
        "agreements",
        "charts",
        "uncorroborated",
        "coverage",
        "warnings",
        "sources",
    ]
    positions = [page.index(f'<section id="{i}">') for i in ids]
    assert positions == sorted(positions)
    assert "The text of this source was not given to the report." in page


def test_deterministic_and_registered() -> None:
    report, texts = _fixture()
    assert render(report, texts) == render(report, texts)
    name, renderer = FORMATS["html"]
    assert name == "consistency.html"
    assert renderer(RenderInput(report, texts)) == render(report, texts)


def test_the_page_comes_in_pieces_of_one_article_or_chart_row() -> None:
    """`factcheck report` writes the pieces as they come: none holds two articles or rows."""
    report, texts = _fixture()
    parts = list(pieces(report, texts))
    assert "".join(parts) == render(report, texts)
    for marker in ('<article class="source"', '<article class="finding', "<circle"):
        assert sum(marker in p for p in parts) > 1, marker
        assert all(p.count(marker) <= 1 for p in parts), marker


def test_empty_report_renders() -> None:
    doc = _parse(render(Report(), {}))
    assert "No conflicts: nothing contradicts." in "".join(doc.text)


def test_seed_report_highlights_the_opening_year_conflict(seed_report: Report) -> None:
    from factcheck.engine import analyse_paths
    from factcheck.rules import load_rules

    root = Path(__file__).resolve().parent.parent
    texts = analyse_paths([root / "seeds"], load_rules([root / "rules"])).texts
    page = render(seed_report, texts)
    _parse(page)
    conflicts = page[page.index('<section id="conflicts">') : page.index('<section id="agreements">')]  # fmt: skip
    assert "since <mark>2002</mark>" in conflicts and "since <mark>2012</mark>" in conflicts
