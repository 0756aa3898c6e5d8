"""The HTML report in a real headless Chromium: it loads cleanly, shows the conflicts, its links
work, and an article that carries markup cannot run anything.

Needs Chromium from the system packages and Playwright for Python (`pip install -e '.[browser]'`);
Playwright's own browser download is not used.  Skips, saying what is missing, without them.
Set FACTCHECK_CHROMIUM to use another Chromium binary.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from factcheck.cli import main
from factcheck.engine import analyse_paths, build_report
from factcheck.report.html import render
from factcheck.rules import load_rules

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[browser]'"
)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("FACTCHECK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT = Path(os.environ.get("FACTCHECK_SCREENSHOT", "/tmp/factcheck-report.png"))
ARGS = [
    "--headless=new",
    "--no-sandbox",  # runs as root in CI containers
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(),
    reason=f"no Chromium at {CHROMIUM}: apt-get install -y chromium (or set FACTCHECK_CHROMIUM)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watched:
    """A page that records console errors, uncaught exceptions and any request off the disk."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.route("**/*", self._only_files)

    def _only_files(self, route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.problems.append(f"network request: {route.request.url}")
            route.abort()

    def open(self, path: Path) -> Any:
        self.page.goto(path.as_uri(), wait_until="load")
        return self.page


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    w = Watched(browser)
    yield w
    w.page.close()


def test_seed_report_loads_shows_conflicts_and_links(
    watched: Watched, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["report", "seeds", "--rules", "rules", "--out", str(tmp_path)]) == 0
    page = watched.open(tmp_path / "consistency.html")

    conflicts = page.locator("#conflicts")
    assert conflicts.is_visible()
    text = conflicts.inner_text()
    assert "since 2002" in text and "since 2012" in text
    assert page.locator("#conflict-1").is_visible()

    # The trade-mission conflict's quote link scrolls to the highlighted figure in its article.
    mission = page.locator("[id^='conflict-']", has_text="since 2002").first
    assert mission.is_visible()
    link = mission.locator("a[href^='#claim-']").first
    target = (link.get_attribute("href") or "")[1:]
    link.click()
    assert page.evaluate("location.hash") == f"#{target}"
    mark = page.locator(f"mark:has(> #{target})")
    assert mark.is_visible() and mark.inner_text() in ("2002", "2012")
    sync_api.expect(mark).to_be_in_viewport()

    assert page.locator("#charts svg").count() >= 1
    page.screenshot(path=str(tmp_path / "report-full.png"), full_page=True)
    page.goto((tmp_path / "consistency.html").as_uri())
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOT), full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 1600}
    )
    assert (tmp_path / "report-full.png").stat().st_size > 10_000
    assert watched.problems == []


PAYLOAD = (
    "<script>window.__pwned=1</script>"
    '<img src=x onerror="window.__pwned=2">'
    '<svg onload="window.__pwned=4"></svg>'
)


def test_markup_in_an_article_is_shown_not_run(watched: Watched, tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    # Markup in the file name too: it becomes the source id, in ids, links and titles.
    evil = articles / 'x"><img src=x onerror=window.__pwned=3>.txt'
    evil.write_text(
        "02.02.2023 08:00\n"
        f"The trade mission has been in operation since 2002. {PAYLOAD}\n"
        f"Trade turnover between Kazakhstan and Russia was $22.2 billion in 2022 {PAYLOAD}.\n",
        encoding="utf-8",
    )
    rules = load_rules([ROOT / "rules"])
    corpus = analyse_paths([articles], rules)
    report = build_report(corpus, rules)
    assert report.claims, "the article should yield a claim, so its quote is highlighted"
    html_file = tmp_path / "consistency.html"
    html_file.write_text(render(report, corpus.texts), encoding="utf-8")

    page = watched.open(html_file)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("main script, main img").count() == 0
    assert page.locator("main svg[onload]").count() == 0
    assert "<script>window.__pwned=1</script>" in page.locator("#sources").inner_text()
    assert page.locator("#sources mark").count() >= 1
    page.screenshot(path=str(tmp_path / "injected.png"), full_page=True)
    assert watched.problems == []


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_quote_column_is_visible_at_desktop_and_phone_width(
    browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, viewport: dict[str, int]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["report", "seeds", "--rules", "rules", "--out", str(tmp_path)]) == 0
    page = browser.new_page(viewport=viewport)
    try:
        page.goto((tmp_path / "consistency.html").as_uri(), wait_until="load")
        for card in ("#conflict-1", "#conflict-2", "#conflict-3"):
            quote = page.locator(f"{card} table.claims q").first
            quote.scroll_into_view_if_needed()
            assert quote.is_visible()
            box = quote.bounding_box()
            assert box is not None and box["width"] > 40
            # Wholly inside the viewport's width: not cut off at the right, nor scrolled away.
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1, box
        shot = tmp_path / f"report-{viewport['width']}.png"
        page.screenshot(path=str(shot), full_page=False)
        assert shot.stat().st_size > 5_000
        # In print, folded sections open and the quote still fits the page.
        page.emulate_media(media="print")
        quote = page.locator("#conflict-1 table.claims q").first
        assert quote.is_visible()
    finally:
        page.close()


def test_index_filters_work_without_scripts(
    watched: Watched, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["report", "seeds", "--rules", "rules", "--out", str(tmp_path)]) == 0
    page = watched.open(tmp_path / "consistency.html")
    rows = page.locator("#index tr.idx")
    total = rows.count()
    assert total >= 4
    page.locator("#fs-agreement").check()
    shown = [r for r in rows.all() if r.is_visible()]
    assert shown and len(shown) < total
    assert all(r.get_attribute("data-status") == "agreement" for r in shown)
    assert not page.locator("#conflict-1").is_visible()
    page.locator("#fs-all").check()
    page.locator("#fm").select_option("trade_mission_opened")
    visible = [r.get_attribute("data-metric") for r in rows.all() if r.is_visible()]
    assert visible and set(visible) == {"trade_mission_opened"}
    # The accepted conflicts of the committed baseline are marked so.
    page.locator("#fm").select_option("")
    assert page.locator("#conflict-2 .badge.accepted").is_visible()
    assert watched.problems == []


def test_a_large_archive_page_opens_on_its_index_with_agreements_folded(
    watched: Watched, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An archive past the large-archive threshold: the first screen shows the verdict and the
    index, agreements are folded, long tables are cut with a note, and only the articles a
    conflict names are shown in full.  (Its size and paint time are measured by
    bench/html_budget.py, not asserted here.)"""
    import importlib.util

    from factcheck.report import html as html_report

    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    corpus_gen = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_corpus", corpus_gen)  # its dataclasses look their module up
    spec.loader.exec_module(corpus_gen)
    corpus_gen.generate(tmp_path / "archive", 60, seed=5, plant_rate=0.2)
    monkeypatch.setattr(html_report, "LARGE_ARCHIVE_SOURCES", 20)
    rules = load_rules([ROOT / "rules"])
    corpus = analyse_paths([tmp_path / "archive"], rules)
    report = build_report(corpus, rules)
    page_file = tmp_path / "consistency.html"
    page_file.write_text(html_report.render(report, corpus.texts), encoding="utf-8")

    page = watched.open(page_file)
    sync_api.expect(page.locator("header .verdict")).to_be_in_viewport()
    assert page.locator("#index tr.idx").count() >= 2
    assert page.locator("#agreements details").get_attribute("open") is None
    assert not page.locator("#agreements article.finding").first.is_visible()
    shown = page.locator("#sources article.source").count()
    assert 0 < shown < len(report.sources)
    assert "are not shown in full" in page.locator("#sources").inner_text()
    # A conflict's quote is visible and its link reaches its highlighted figure.
    first = page.locator("#conflict-1")
    assert first.locator("table.claims q").first.is_visible()
    assert watched.problems == []


def test_a_report_in_pages_links_its_index_and_metric_pages(
    watched: Watched, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    args = ["report", "seeds", "--rules", "rules", "--out", str(tmp_path), "--html-pages"]
    assert main([*args, "--no-store"]) == 0
    page = watched.open(tmp_path / "consistency.html")
    link = page.locator("#metrics a", has_text="Kazakh trade mission in Russia began").first
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("consistency-trade_mission_opened.html")
    assert "2 values from 2 sources" in page.locator("#conflict-1").inner_text()
    assert page.locator("#conflict-1 table.claims q").first.is_visible()
    page.locator("p.home a").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/consistency.html")
    assert watched.problems == []
