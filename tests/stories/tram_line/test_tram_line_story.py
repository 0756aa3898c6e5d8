"""The tram-line story (saved pages and a JSON Lines dump): its gold is scored with the other
stories by tests/test_stories.py; here, what the gold cannot say."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_the_pages_chrome_never_reaches_the_text() -> None:
    from factcheck.ingest import read_source

    for page in ("metro_wire.html", "commuter_blog.html"):
        text = read_source(HERE / "articles" / page).text
        for chrome in ("2015", "300 million", "600 million", "1,048,576", "3120", "18°C"):
            assert chrome not in text, (page, chrome)
