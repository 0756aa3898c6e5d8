"""Saved web pages: the main text without chrome, the page's own date and outlet, and markup
that never splits a figure (fixtures: tests/fixtures/ingest/html.yaml and html/)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from factcheck import cli
from factcheck.extract import extract
from factcheck.ingest import IngestError, read_source

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
CASES: list[dict[str, Any]] = yaml.safe_load((HERE / "html.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["page"] for c in CASES])
def test_a_saved_page_gives_the_article_its_figures_and_its_date(case: dict[str, Any]) -> None:
    source = read_source(HERE / "html" / case["page"])
    assert source.published == case["published"]
    assert source.published_from == "metadata"
    assert source.outlet == case["outlet"]
    if "url" in case:
        assert source.url == case["url"]
    assert source.text.splitlines()[0] == case["first_line"]
    mentions = {m.text: m for m in extract(source) if not m.furniture}
    for text, value in case["figures"].items():
        assert text in mentions, (text, sorted(mentions))
        q = mentions[text].quantity
        assert q is not None and q.value == pytest.approx(float(value)), (
            text
        )  # YAML: "2.6e9" is a str
    for chrome in case["absent"]:
        assert chrome not in source.text, chrome


def test_a_sources_file_overrides_what_the_page_says(tmp_path: Path) -> None:
    page = (HERE / "html" / "wire_reuters_style.html").read_bytes()
    (tmp_path / "grain.html").write_bytes(page)
    (tmp_path / "sources.yaml").write_text(
        "grain: {outlet: Desk copy, published: 2023-09-20}\n", encoding="utf-8"
    )
    from factcheck.engine import analyse_paths
    from factcheck.rules import load_rules

    corpus = analyse_paths([tmp_path], load_rules([Path("rules")]))
    (info,) = [a.source for a in corpus.analysed]
    assert (info.outlet, info.published) == ("Desk copy", dt.date(2023, 9, 20))
    assert info.url == "https://steppewire.example/markets/kazakhstan-grain-exports-2023-09-14/"


@pytest.mark.parametrize(
    "markup",
    [
        "<p>Turnover reached <strong>€4.5</strong>&nbsp;million in 2022.</p>",
        "<p>Turnover reached €<span class='num'>4.5</span> <i>million</i> in 2022.</p>",
        "<p>Turnover reached &euro;4.5&#160;million in 2022.</p>",
        "<p>Turnover reached <a href='/x'>€4.5 million</a> in 2022.</p>",
    ],
)
def test_markup_and_entities_never_split_a_figure(tmp_path: Path, markup: str) -> None:
    filler = "<p>" + "The ministry published the figures on its website on Friday. " * 5 + "</p>"
    page = tmp_path / "p.html"
    page.write_text(f"<html><body><article>{markup}{filler}</article></body></html>")
    money = [m for m in extract(read_source(page)) if m.kind == "money"]
    assert [(m.text, m.quantity.value if m.quantity else None) for m in money] == [
        ("€4.5 million", 4.5e6)
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body></body></html>",
        b"<html><head><script>var views = 48213;</script><style>p{}</style></head></html>",
        b"<<<<>>>>",
    ],
    ids=["empty body", "script only", "not markup"],
)
def test_a_page_with_no_article_is_a_located_error(tmp_path: Path, body: bytes) -> None:
    page = tmp_path / "nothing.html"
    page.write_bytes(body)
    with pytest.raises(IngestError) as info:
        read_source(page)
    assert info.value.location.path == str(page)
    assert "no article text" in info.value.message


def test_a_page_of_navigation_only_is_no_article(tmp_path: Path) -> None:
    """trafilatura falls back to a menu's text ("Home 3") on a page without an article."""
    page = tmp_path / "nav.html"
    page.write_bytes(
        b"<html><head><script>var views = 48213;</script></head>"
        b"<body><nav><a href='/'>Home</a> <span class='badge'>3</span></nav></body></html>"
    )
    with pytest.raises(IngestError, match="no article text"):
        read_source(page)


def test_a_page_without_a_date_in_its_markup_leaves_it_open(tmp_path: Path) -> None:
    page = tmp_path / "undated.html"
    page.write_text(
        "<html><body><article><p>"
        + "Exports rose 5% in 2021 to $3 billion, officials said last year. " * 4
        + "</p></article></body></html>"
    )
    source = read_source(page)
    assert (source.published, source.published_from) == (None, "none")


def test_check_over_pages_locates_figures_in_the_extracted_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Quotes and line:column refer to the extracted text; the path is the page's file."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "grain.html").write_bytes((HERE / "html" / "wire_reuters_style.html").read_bytes())
    assert cli.main(["check", str(folder), "--rules", str(cli_rules()), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (src,) = out["sources"]
    assert src["path"] == str(folder / "grain.html")
    assert src["published"] == "2023-09-14"


def cli_rules() -> Path:
    return Path(__file__).resolve().parents[2] / "rules"


def test_the_html_report_shows_the_extracted_text_and_names_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "grain.html").write_bytes((HERE / "html" / "wire_reuters_style.html").read_bytes())
    out = tmp_path / "out"
    args = ["report", str(folder), "--rules", str(cli_rules()), "--out", str(out), "--no-store"]
    assert cli.main([*args, "--format", "html"]) == 0
    html = (out / "consistency.html").read_text(encoding="utf-8")
    assert f"text extracted from the page <code>{folder / 'grain.html'}</code>" in html
    assert "Earnings from grain sales abroad reached" in html
    assert "Brent" not in html and "462.15" not in html  # the ticker of the page's header


def test_broken_markup_is_read(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text(
        "<html><body><div><p>Exports rose 5% to <b>$3 billion in 2021, the ministry said on "
        "Friday, after a poor harvest the year before.<p>Imports fell <i>2.5%</b> as the "
        "currency weakened.</div></span><p>Unclosed <a href='x'>link",
        encoding="utf-8",
    )
    texts = [m.text for m in extract(read_source(page))]
    assert "$3 billion" in texts and "2.5%" in texts


def test_relative_dates_in_a_page_resolve_against_its_own_date() -> None:
    """The page's date used to be ignored, leaving "last month" and weekdays unresolved."""
    source = read_source(HERE / "html" / "jsonld_only.html")
    dates = {m.text: m.date for m in extract(source) if m.date is not None}
    last_month = dates["last month"]
    assert last_month is not None and last_month.label == "2024-02"
    thursday = dates["Thursday"]
    assert thursday is not None and thursday.label == "2024-03-14"


def test_a_pages_headline_names_its_source_in_the_reports(tmp_path: Path) -> None:
    """Issue 14: sources as outlet and date, with the headline where the page gives one."""
    page = (HERE / "html" / "wire_reuters_style.html").read_bytes()
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "grain.html").write_bytes(page)
    (tmp_path / "plain.txt").write_text("Turnover reached $4 billion in 2022.\n", encoding="utf-8")
    out = tmp_path / "out"
    sources = [str(tmp_path / "pages"), str(tmp_path / "plain.txt")]
    code = cli.main(["report", *sources, "--rules", "rules", "--out", str(out), "--no-store"])
    assert code == 0
    headline = "Kazakhstan's grain exports jump 18% as harvest recovers"
    report = json.loads((out / "consistency.json").read_text(encoding="utf-8"))
    titles = {s["id"]: s["title"] for s in report["sources"]}
    assert titles == {"grain": headline, "plain": None}
    md = (out / "consistency.md").read_text(encoding="utf-8")
    assert re.search(r"\| headline +\|", md) and headline in md
    html = (out / "consistency.html").read_text(encoding="utf-8")
    assert "<th>headline</th>" in html and f"<q>{headline.replace(chr(39), '&#x27;')}</q>" in html
