"""Where the time of one cold run goes, stage by stage, on one core.

    python bench/stages.py [FOLDER ...] [--repeat 3]

Runs the pipeline of `factcheck report --no-store --jobs 1` by hand over each folder (default:
`seeds/` and the 1k bench archive when it exists) and prints the CPU seconds and MB/s of each
stage: finding the files, reading their sources.yaml, reading and decoding, date scanning, quantity scanning, building mention records,
binding, checks, and rendering the JSON report; then the sum, which is what the 5 MB/s
end-to-end target of the scale issue is about.  Each stage is timed over the whole folder
and the best of `--repeat` passes is kept, so a busy machine inflates less.  Figures only.

    python bench/stages.py --discover-only /tmp/factcheck-bench/n10000 --repeat 5

times finding the files alone (the serial step of a `--jobs` run before any worker starts).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from factcheck.bind.binder import Binder  # noqa: E402
from factcheck.engine import Analysed, Corpus, build_report, source_info  # noqa: E402
from factcheck.extract import extract, scannable  # noqa: E402
from factcheck.extract.dates import find_dates  # noqa: E402
from factcheck.extract.quantities import find_quantities  # noqa: E402
from factcheck.ingest import SourceMeta, discover, metadata_for, read_source  # noqa: E402
from factcheck.report import json as json_report  # noqa: E402
from factcheck.rules import load_rules  # noqa: E402


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.process_time()
        out = fn()
        best = min(best, time.process_time() - t)
    return best, out


def measure(folder: Path, repeat: int) -> tuple[list[list[str]], str]:
    t_rules, rules = best_of(repeat, lambda: load_rules([ROOT / "rules"]))
    binder = Binder(rules)
    t_discover, files = best_of(repeat, lambda: discover([folder]))
    t_meta, meta = best_of(repeat, lambda: metadata_for(files))
    t_read, sources = best_of(
        repeat, lambda: [read_source(f, meta.get(f, SourceMeta())) for f in files]
    )
    nbytes = sum(len(s.text.encode("utf-8")) for s in sources)

    def dates() -> None:
        for s in sources:
            list(find_dates(scannable(s.text), s.reference_date))

    hits = [
        [(d.start, d.end) for d in find_dates(scannable(s.text), s.reference_date)] for s in sources
    ]

    def quantities() -> None:
        for s, blocked in zip(sources, hits, strict=True):
            list(find_quantities(scannable(s.text), blocked))

    t_dates, _ = best_of(repeat, dates)
    t_quant, _ = best_of(repeat, quantities)
    t_extract, mentions = best_of(repeat, lambda: [extract(s) for s in sources])
    t_bind, bound = best_of(
        repeat, lambda: [binder.bind(s, m) for s, m in zip(sources, mentions, strict=True)]
    )
    corpus = Corpus()
    for s, (claims, unbound) in zip(sources, bound, strict=True):
        corpus.analysed.append(Analysed(source_info(s), (), tuple(claims), tuple(unbound)))
    t_check, report = best_of(repeat, lambda: build_report(corpus, rules))

    def render() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "consistency.json"
            out.write_text(json_report.render(report), encoding="utf-8")

    t_render, _ = best_of(repeat, render)
    mb = nbytes / 1e6
    t_records = max(t_extract - t_dates - t_quant, 0.0)
    stages = [
        ("discover", t_discover),
        ("sources files", t_meta),
        ("read + decode", t_read),
        ("dates", t_dates),
        ("quantities", t_quant),
        ("mention records", t_records),
        ("bind", t_bind),
        ("checks", t_check),
        ("JSON report", t_render),
    ]
    total = sum(t for _, t in stages)
    rows = [
        [name, f"{t:.3f}", f"{mb / t:.1f}" if t else "-", f"{t / total:.0%}"] for name, t in stages
    ]
    rows.append(["end to end", f"{total:.3f}", f"{mb / total:.2f}", "100%"])
    rows.append(["(loading rules, once)", f"{t_rules:.3f}", "", ""])
    n_mentions = sum(len(m) for m in mentions)
    n_claims = sum(len(c) for c, _ in bound)
    head = (
        f"{folder}: {len(sources)} documents, {mb:.2f} MB, {n_mentions} mentions, "
        f"{n_claims} claims, {len(report.findings)} findings"
    )
    return rows, head


def discovery(folder: Path, repeat: int) -> str:
    """Finding the files alone (what a `--jobs` parent does before any worker starts)."""
    t, files = best_of(repeat, lambda: discover([folder]))
    return f"{folder}: discovered {len(files)} files in {t:.3f} CPU s ({t / len(files) * 1e6:.1f} us a file)"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="CPU time of each pipeline stage")
    p.add_argument("folders", nargs="*", type=Path)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument(
        "--discover-only",
        action="store_true",
        help="time finding the files only (fast on a 10k archive)",
    )
    a = p.parse_args(argv)
    if a.discover_only:
        for folder in a.folders or [ROOT / "seeds"]:
            print(discovery(folder, a.repeat))
        return 0
    folders = a.folders or [ROOT / "seeds"]
    if not a.folders:
        archive = Path(tempfile.gettempdir()) / "factcheck-bench" / "n1000"
        if archive.is_dir():
            folders.append(archive)
    for folder in folders:
        rows, head = measure(folder, a.repeat)
        print(head)
        print(tabulate(rows, headers=["stage", "CPU s", "MB/s", "share"], disable_numparse=True))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
