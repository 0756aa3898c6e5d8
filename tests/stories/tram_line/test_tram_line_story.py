"""The tram-line story (saved pages and a JSON Lines dump), scored against its gold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from factcheck import cli

HERE = Path(__file__).resolve().parent
SCORE = HERE.parents[2].parent / "shared" / "tools" / "score.py"


def test_the_story_meets_its_gold(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["report", str(HERE / "articles"), "--rules", str(HERE / "rules")]
    assert cli.main([*args, "--out", str(out), "--format", "json", "--no-store", "--quiet"]) == 0
    proc = subprocess.run(
        [sys.executable, str(SCORE), str(out / "consistency.json"), str(HERE / "gold.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_pages_chrome_never_reaches_the_text() -> None:
    from factcheck.ingest import read_source

    for page in ("metro_wire.html", "commuter_blog.html"):
        text = read_source(HERE / "articles" / page).text
        for chrome in ("2015", "300 million", "600 million", "1,048,576", "3120", "18°C"):
            assert chrome not in text, (page, chrome)
