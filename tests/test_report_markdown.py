"""The Markdown report: sections in the order a reader needs them, article text escaped."""

from __future__ import annotations

import re

from fuzz_profile import PROFILE
from hypothesis import given
from hypothesis import strategies as st
from tabulate import tabulate

from factcheck.models import Claim, Finding, Period, Report, SourceInfo, Unbound
from factcheck.report import FORMATS, RenderInput, render_streams
from factcheck.report.markdown import _github_table, _table, code, escape, pieces, render

NASTY = "A | pipe, *stars*, _under_, [link](http://x), <script>alert(1)</script>, $5 and $6, `tick`\nnewline"


def _claim(cid: str, source: str, value: float, quote: str, **kw: object) -> Claim:
    data: dict[str, object] = {
        "id": cid,
        "source": source,
        "metric": "trade_turnover",
        "subject": ("Kazakhstan", "Russia"),
        "value": value,
        "unit": "USD",
        "low": value * 0.99,
        "high": value * 1.01,
        "period": Period.model_validate({"start": "2022-01-01", "end": "2022-12-31"}),
        "quote": quote,
        "line": 3,
        "column": 5,
        "start": 10,
        "end": 20,
    }
    data.update(kw)
    return Claim.model_validate(data)


def _report() -> Report:
    a = _claim("a:3:5:trade_turnover", "a", 22.2e9, "Turnover was $22.2 billion.")
    b = _claim("b:7:1:trade_turnover", "b", 26e9, NASTY, line=7)
    lonely = _claim(
        "c:9:2:national_debt", "c", 45e9, "Debt is 45 billion | dollars.", metric="national_debt"
    )
    open_ended = _claim(
        "c:10:2:other", "c", 50e9, "Over $50 billion.", metric="other", high=None, qualifier="over"
    )
    conflict = Finding(
        rule="trade_turnover.agree",
        kind="agreement",
        status="conflict",
        metric="trade_turnover",
        subject=("Kazakhstan", "Russia"),
        period=a.period,
        claims=(a.id, b.id),
        message="they differ",
        explanation="the intervals [21.98bn, 22.42bn] and [25.74bn, 26.26bn] do not overlap",
    )
    fact_conflict = Finding(
        rule="known_facts",
        kind="known_fact",
        status="conflict",
        metric="trade_turnover",
        claims=(a.id,),
        known_fact=True,
        fact="turnover_2022",
        message="22.2bn USD contradicts the known fact turnover_2022 | from <the ministry>",
        explanation="[21.98bn, 22.42bn] vs 30bn",
    )
    return Report(
        rules_sha256="abc",
        sources=(
            SourceInfo(id="a", path="seeds/a.txt", encoding="utf-8", sha256="1", outlet="A|net"),
            SourceInfo(id="b", path="seeds/b.txt", encoding="utf-8", sha256="2"),
            SourceInfo(id="c", path="seeds/c.txt", encoding="cp1251", sha256="3"),
        ),
        claims=(a, b, lonely, open_ended),
        findings=(conflict, fact_conflict),
        unbound=(Unbound(source="c", kind="percent", text="80% | of", line=4, column=2),),
        warnings=("skipped d.txt: not text <binary>",),
    )


def _section(md: str, title: str) -> str:
    start = md.index(f"\n## {title}")
    end = md.find("\n## ", start + 1)
    return md[start : end if end >= 0 else len(md)]


def test_sections_come_in_reading_order() -> None:
    md = render(_report())
    order = [
        "## Summary",
        "## Conflicts (2)",
        "## Agreements (0)",
        "## Single-source claims nobody corroborates (2)",
        "## Coverage: numbers no rule bound (1)",
        "## Warnings (1)",
    ]
    positions = [md.index(h) for h in order]
    assert positions == sorted(positions)


def test_summary_counts() -> None:
    summary = _section(render(_report()), "Summary")
    assert "| sources read | claims | agreements | conflicts | known-fact conflicts |" in (
        re.sub(r" +", " ", summary)
    )
    assert re.search(r"\|\s+3\s+\|\s+4\s+\|\s+0\s+\|\s+2\s+\|\s+1\s+\|", summary)


def test_known_fact_conflict_comes_first_and_names_the_fact() -> None:
    conflicts = _section(render(_report()), "Conflicts")
    assert conflicts.index("known_facts") < conflicts.index("trade_turnover.agree")
    # Without the rules' facts, the finding's message says what the fact is.
    assert "**Known fact `turnover_2022`**, 22.2bn USD contradicts" in conflicts


def test_conflict_shows_every_source_value_quote_line_and_why() -> None:
    conflicts = _section(render(_report()), "Conflicts")
    assert "A\\|net `a:3`" in conflicts
    assert "`b:7`" in conflicts
    assert "\\$22.2 bn" in conflicts and "\\$26 bn" in conflicts
    assert "Turnover was \\$22.2 billion." in conflicts
    assert (
        "**Why they cannot all hold:** the intervals \\[21.98bn, 22.42bn\\] and "
        "\\[25.74bn, 26.26bn\\] do not overlap" in conflicts
    )


def test_article_text_cannot_break_tables_or_inject_markup() -> None:
    md = render(_report())
    for line in md.splitlines():
        if line.startswith("|"):
            # Every unescaped pipe is a cell border: a row has as many as its header.
            cells = len(re.findall(r"(?<!\\)\|", line))
            header = next(h for h in _tables_headers(md) if line in h[1])
            assert cells == header[0], line
    assert "<script>" not in md
    assert "\\<script\\>" in md
    assert "\\$5 and \\$6" in md  # GitHub would read "$5 and $" as math
    assert "[link](http://x)" not in md
    assert "newline" in md and "`tick`\nnewline" not in md


def _tables_headers(md: str) -> list[tuple[int, list[str]]]:
    """(pipes in the header row, the rows) for every table."""
    tables: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for line in [*md.splitlines(), ""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append((len(re.findall(r"(?<!\\)\|", current[0])), current))
            current = []
    return tables


def test_escape_and_code() -> None:
    assert escape("a|b") == "a\\|b"
    assert escape("snake_case_id") == "snake_case_id"  # intraword: no emphasis to escape
    assert escape("_emph_") == "\\_emph\\_"
    assert escape("AT&T &amp; co") == "AT&T \\&amp; co"
    assert escape("two\n lines") == "two lines"
    assert code("a`b") == "``a`b``"
    assert code("x|y") == "`x\\|y`"


def test_uncorroborated_lists_only_claims_no_finding_names() -> None:
    lonely = _section(render(_report()), "Single-source claims nobody corroborates")
    assert "`national_debt`" in lonely
    assert "Debt is 45 billion \\| dollars." in lonely
    assert "over \\$50 bn" in lonely
    assert "None" not in lonely  # an open end reads "over", never Python's None
    assert "Turnover was" not in lonely


def test_coverage_and_warnings() -> None:
    md = render(_report())
    coverage = _section(md, "Coverage")
    assert "`c:4:2`" in coverage and "80% \\| of" in coverage and "percent" in coverage
    assert "- skipped d.txt: not text \\<binary\\>" in _section(md, "Warnings")


def test_empty_report_says_so() -> None:
    md = render(Report())
    assert "No conflicts: nothing contradicts." in md
    assert "Every number in the content is bound to a metric." in md
    assert md.endswith("None.\n")


def test_deterministic() -> None:
    assert render(_report()) == render(_report())


def test_the_text_comes_a_line_or_a_finding_at_a_time() -> None:
    """`factcheck report` writes the pieces as they come: none holds two findings."""
    parts = list(pieces(_report()))
    assert "".join(parts) == render(_report())
    headings = [len(re.findall(r"^### ", p, re.MULTILINE)) for p in parts]
    assert sum(headings) > 1 and max(headings) == 1


def test_registered_and_written_by_default() -> None:
    assert FORMATS["md"][0] == "consistency.md"
    out = render_streams(RenderInput(_report(), {}), list(FORMATS))
    assert list(out)[:3] == ["consistency.md", "consistency.html", "consistency.json"]


def test_seed_report_shows_the_opening_year_conflict(seed_report: Report) -> None:
    conflicts = _section(render(seed_report), "Conflicts")
    assert "since 2002" in conflicts and "since 2012" in conflicts
    assert "topwar.ru, as of 31 January 2023 `000_5515a05dd4cafbc1:3`" in conflicts
    assert "2 values from 2 sources: 2002 (topwar.ru" in conflicts
    assert "**Accepted by the desk:**" not in conflicts  # no baseline given to render()


# Cells a table can meet: ASCII, Markdown escapes, wide (CJK, emoji) and zero-width (combining)
# characters, and what the fast table leaves to tabulate: line breaks, tabs, escape codes,
# no-break and zero-width spaces, soft hyphens, unassigned code points.
_CELL_CHARS = "ab Z09 |\\-$—“”€中文😀é\u0301\u00a0\u200b\u00ad\t\n\r\x1b[31m\U000e0001\u0378"
_cells = st.text(alphabet=_CELL_CHARS, max_size=12)


@PROFILE
@given(
    width=st.integers(1, 4),
    data=st.data(),
)
def test_the_fast_table_is_tabulates_github_table(width: int, data: st.DataObject) -> None:
    headers = data.draw(
        st.lists(
            st.sampled_from(["source:line", "value", "q", "interval"]),
            min_size=width,
            max_size=width,
        )
    )
    rows = data.draw(
        st.lists(st.lists(_cells, min_size=width, max_size=width), min_size=1, max_size=4)
    )
    expected = tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)
    fast = _github_table(rows, headers)
    if fast is not None:
        assert fast == expected
    assert _table(rows, headers) == expected


def test_the_fast_table_takes_printable_text_wide_characters_included() -> None:
    rows = [["`a:3` outlet", "22.2bn USD", " “Turnover” — 中文 😀 é "], ["b", "", "x"]]
    headers = ["source:line", "value", "quote"]
    assert _github_table(rows, headers) is not None
    assert _table(rows, headers) == tabulate(
        rows, headers=headers, tablefmt="github", disable_numparse=True
    )
    assert _github_table([["a\nb", "", ""]], headers) is None
