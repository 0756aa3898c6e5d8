"""factcheck over one archive in each input format: CPU time and MB/s of article text.

    python bench/inputs.py [--docs 1000] [--dir /tmp/factcheck-bench-inputs] [--runs 3]

The synthetic archive of `bench/corpus.py` (deterministic) is written once as text files, then
the same articles as saved web pages (each wrapped in a news site's chrome: navigation, a
ticker, related stories, comments and a footer, with its date and outlet in <meta> tags), as
one JSON Lines dump and as one CSV dump.  Each format is run end to end as a user runs it
(`factcheck report DIR --format json --no-store --jobs 1`), in a child process, the formats in
turn `--runs` times; the table gives each one's median CPU seconds (user + system of the
child: the machine is shared, so wall clock is noisy) and MB/s of article text, and the
pages' cost over the text files'.  Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as corpus_gen  # noqa: E402

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | {outlet}</title>
<meta property="og:site_name" content="{outlet}">
<meta property="article:published_time" content="{published}T08:00:00Z">
<link rel="canonical" href="https://news.example/{slug}">
<script>window.dataLayer=[{{"pageviews":48213,"section":"economy"}}];</script>
<style>.ticker{{font-size:12px}}</style></head>
<body><header><a href="/">{outlet}</a><nav><a href="/world">World</a> <a href="/economy">Economy</a>
<a href="/live">Live 24/7</a></nav><div class="ticker">USD/KZT 462.15 +0.3% · Brent $93.70</div></header>
<main><article><h1>{title}</h1><div class="byline">By Staff · 4 min read</div>
<div class="article-body">{paragraphs}</div></article>
<aside class="related"><h2>Related</h2><ul><li><a href="/a">Exports up 12% in 2019</a></li>
<li><a href="/b">Budget deficit at 3.1% of GDP</a></li><li><a href="/c">Inflation slows to 2.4%</a></li></ul></aside>
<section id="comments"><h2>Comments (12)</h2><div class="comment"><p>It was 5 billion in 2018!</p></div></section>
</main><footer>© 2024 {outlet}. 1,204 readers online.</footer></body></html>
"""


def write_formats(root: Path, docs: int) -> dict[str, Path]:
    """The archive as text files, pages, one JSON Lines and one CSV dump; reused if present."""
    text_dir = root / "text"
    if not (text_dir / "planted.json").exists():
        corpus_gen.generate(text_dir, docs, seed=7)
    out = {"text": text_dir}
    pages, dumps = root / "html", root / "dumps"
    out["html"], out["jsonl"], out["csv"] = pages, dumps / "archive.jsonl", dumps / "archive.csv"
    if out["csv"].exists():
        return out
    import yaml

    pages.mkdir(parents=True, exist_ok=True)
    dumps.mkdir(parents=True, exist_ok=True)
    records: list[dict[str, str]] = []
    for meta_file in sorted(text_dir.rglob("sources.yaml")):
        meta = yaml.safe_load(meta_file.read_text(encoding="utf-8")) or {}
        for stem, m in sorted(meta.items()):
            body = (meta_file.parent / f"{stem}.txt").read_text(encoding="utf-8")
            lines = [line for line in body.splitlines() if line.strip()]
            title, rest = lines[0], lines[1:]
            published, outlet = str(m.get("published")), str(m.get("outlet") or "Wire")
            records.append(
                {
                    "id": stem,
                    "title": title,
                    "text": "\n".join(rest),
                    "published": published,
                    "outlet": outlet,
                    "url": f"https://news.example/{stem}",
                }
            )
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in rest)
            (pages / f"{stem}.html").write_text(
                PAGE.format(
                    title=html.escape(title),
                    outlet=html.escape(outlet),
                    published=published,
                    slug=stem,
                    paragraphs=paragraphs,
                ),
                encoding="utf-8",
            )
    with out["jsonl"].open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with out["csv"].open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(records[0]))
        w.writeheader()
        w.writerows(records)
    return out


def run_once(path: Path) -> float:
    """CPU seconds of one end-to-end child run over `path`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            "-m",
            "factcheck",
            "report",
            str(path),
            "--rules",
            str(ROOT / "rules"),
            "--out",
            tmp,
            "--format",
            "json",
            "--no-store",
            "--jobs",
            "1",
            "--quiet",
        ]
        subprocess.run(cmd, cwd=tmp, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()) / "factcheck-bench-inputs"
    )
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    paths = write_formats(args.dir / str(args.docs), args.docs)
    text_mb = sum(f.stat().st_size for f in paths["text"].rglob("*.txt")) / 2**20
    times: dict[str, list[float]] = {fmt: [] for fmt in paths}
    for _ in range(args.runs):
        for fmt, path in paths.items():  # in turn, so a drift in the machine's speed is shared
            times[fmt].append(run_once(path))
    base = statistics.median(times["text"])
    rows = []
    for fmt, ts in times.items():
        med = statistics.median(ts)
        size = sum(f.stat().st_size for f in (path_files(paths[fmt]))) / 2**20
        rows.append(
            [
                fmt,
                f"{size:.1f}",
                f"{med:.2f}",
                f"{min(ts):.2f}-{max(ts):.2f}",
                f"{text_mb / med:.2f}",
                f"{med / base:.2f}",
            ]
        )
    print(f"{args.docs} articles, {text_mb:.1f} MB of article text; {args.runs} runs each, in turn")
    print(
        tabulate(
            rows, headers=["input", "input MB", "CPU s (median)", "min-max", "text MB/s", "x text"]
        )
    )


def path_files(path: Path) -> list[Path]:
    return [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]


if __name__ == "__main__":
    main()
