"""`factcheck extract -` and `factcheck check -` read one article from standard input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "tests" / "fixtures" / "ingest" / "html" / "wire_reuters_style.html"


def _run(args: list[str], data: bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "factcheck", *args],
        input=data,
        cwd=cwd,
        capture_output=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_extract_reads_an_article_from_stdin(tmp_path: Path) -> None:
    text = "Trade turnover between Kazakhstan and Russia reached $23.6 billion in 2022.\n"
    proc = _run(["extract", "-", "--format", "json"], text.encode(), tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [(r["source"], r["text"]) for r in rows] == [
        ("stdin", "$23.6 billion"),
        ("stdin", "2022"),
    ]


def test_a_saved_page_on_stdin_is_read_as_a_page(tmp_path: Path) -> None:
    proc = _run(["extract", "-", "--format", "json"], PAGE.read_bytes(), tmp_path)
    assert proc.returncode == 0, proc.stderr
    texts = [r["text"] for r in json.loads(proc.stdout)]
    assert "$2.6 billion" in texts and "462.15" not in texts


def test_check_reads_stdin_and_fails_on_a_contradiction(tmp_path: Path) -> None:
    rules = ROOT / "tests" / "fixtures" / "ingest" / "oil_rules.yaml"
    bad = b"Kazakhstan's oil exports reached $20 billion in 2022, the ministry said.\n"
    proc = _run(["check", "-", "--rules", str(rules)], bad, tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert b"<stdin>:1:" in proc.stdout
    assert b"read 1 article, skipped 0" in proc.stderr


def test_empty_stdin_is_no_article(tmp_path: Path) -> None:
    proc = _run(["check", "-", "--rules", str(ROOT / "rules")], b"", tmp_path)
    assert proc.returncode == 2
    assert b"no article was read: found 0 files; standard input; 1 skipped" in proc.stderr
    assert b"Traceback" not in proc.stderr
