"""factcheck on a newsroom archive: throughput, check-time curve, memory, parallel and warm runs.

    python bench/scale.py [--sizes 1000,10000,100000] [--dir /tmp/factcheck-bench] [--jobs 2]

For each size a synthetic archive is generated once (`bench/corpus.py`, deterministic) and
measured in a child process of its own, so peak memory (ru_maxrss) is that size's alone:

- extraction MB/s (ingest + extract, one core), claims per second (ingest + extract + bind),
  check time (all checks over all claims, and per check kind), end-to-end (discover → JSON
  report written), peak RSS, and found vs planted conflicts;
- the same end to end with `--jobs N` processes, and with the claim store cold then warm
  (the warm/cold ratio is what a re-run of an unchanged archive costs).

Times are CPU seconds of the measuring process where one process does the work (the machine
is shared, so wall clock is noisy) and wall seconds where workers run in parallel; the table
says which.  quantulum3 and dateparser's `search_dates` run on a slice of the same text
(`--peer-kb`) and are scaled to MB/s; the table says so.  Figures only: nothing is asserted
except that the planted conflicts are reported (printed, not raised).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as corpus_gen  # noqa: E402

SEED = 7


def ensure_corpus(folder: Path, docs: int) -> corpus_gen.Manifest:
    manifest = folder / "planted.json"
    if manifest.exists():
        m = corpus_gen.Manifest.read(manifest)
        if m.docs == docs and m.seed == SEED:
            return m
        shutil.rmtree(folder)
    return corpus_gen.generate(folder, docs, seed=SEED)


# ---------------------------------------------------------------------------------- child


def child_measure(folder: Path) -> dict[str, Any]:
    """One cold single-process run with its stages timed; printed as JSON for the parent."""
    from factcheck import checks
    from factcheck.bind.binder import Binder
    from factcheck.engine import Analysed, Corpus, build_report, source_info
    from factcheck.extract import extract
    from factcheck.ingest import SourceMeta, discover, metadata_for, read_source
    from factcheck.report import json as json_report
    from factcheck.rules import load_rules

    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu0 = time.process_time()
    rules = load_rules([ROOT / "rules"])
    binder = Binder(rules)
    files = discover([folder])
    meta = metadata_for(files)
    corpus = Corpus()
    t_extract = t_bind = 0.0
    nbytes = 0
    for f in files:
        t = time.process_time()
        source = read_source(f, meta.get(f, SourceMeta()))
        mentions = extract(source)
        t1 = time.process_time()
        claims, unbound = binder.bind(source, mentions)
        t_bind += time.process_time() - t1
        t_extract += t1 - t
        nbytes += len(source.text.encode("utf-8"))
        corpus.analysed.append(Analysed(source_info(source), (), tuple(claims), tuple(unbound)))
    n_claims = sum(len(a.claims) for a in corpus.analysed)
    t = time.process_time()
    report = build_report(corpus, rules)
    t_check = time.process_time() - t
    t = time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "consistency.json").write_text(json_report.render(report), encoding="utf-8")
    t_render = time.process_time() - t
    end_to_end = time.process_time() - cpu0

    # Per check kind, on the same claims: which check sets the curve.
    ordered = sorted((c for a in corpus.analysed for c in a.claims), key=lambda c: c.sort_key)
    ctx = checks.CheckContext(
        claims=ordered,
        metrics=rules.metrics,
        facts=rules.facts,
        published={a.source.id: a.source.published for a in corpus.analysed},
    )
    per_kind: Counter[str] = Counter()
    for spec in rules.checks:
        t = time.process_time()
        checks.run(spec, ctx)
        per_kind[spec.kind] += time.process_time() - t

    manifest = corpus_gen.Manifest.read(folder / "planted.json")
    found = corpus_gen.reported(report)
    planted = manifest.planted()
    conflicts = sum(1 for f in report.findings if f.status == "conflict")
    hit = sum(min(found[k], n) for k, n in planted.items())
    return {
        "docs": len(files),
        "mb": nbytes / 1e6,
        "claims": n_claims,
        "findings": len(report.findings),
        "extract_s": t_extract,
        "bind_s": t_bind,
        "check_s": t_check,
        "render_s": t_render,
        "end_to_end_s": end_to_end,
        "per_kind_s": dict(per_kind),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "base_rss_mb": base_rss / 1024,
        "planted": sum(planted.values()),
        "planted_found": hit,
        "conflicts": conflicts,
    }


def cli_run(folder: Path, *extra: str) -> float:
    """Wall seconds of `factcheck report` in a fresh process."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "factcheck", "report", str(folder), "--rules"]
        cmd += [str(ROOT / "rules"), "--out", out, "--format", "json", "--quiet", *extra]
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
        return time.perf_counter() - t


# ---------------------------------------------------------------------------------- peers


def peer_rates(folder: Path, kb: int) -> dict[str, float]:
    from factcheck.extract import extract_text

    texts: list[str] = []
    size = 0
    for f in sorted(folder.rglob("*.txt")):
        texts.append(f.read_text(encoding="utf-8"))
        size += len(texts[-1])
        if size >= kb * 1000:
            break
    nbytes = sum(len(t.encode("utf-8")) for t in texts)

    def rate(fn: Any) -> float:
        t = time.process_time()
        for text in texts:
            fn(text)
        return nbytes / 1e6 / max(time.process_time() - t, 1e-9)

    out = {"factcheck extract": rate(extract_text)}
    try:
        from quantulum3 import parser as q

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out["quantulum3 parse"] = rate(q.parse)
    except ImportError:
        pass
    try:
        from dateparser.search import search_dates

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out["dateparser search_dates"] = rate(search_dates)
    except ImportError:
        pass
    return out


# ---------------------------------------------------------------------------------- parent


def exponent(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log y on log x: 1 is linear, 2 quadratic."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len(pts) < 2:
        return float("nan")
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    num = sum((x - mx) * (y - my) for x, y in pts)
    den = sum((x - mx) ** 2 for x, _ in pts)
    return num / den if den else float("nan")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="factcheck on a synthetic newsroom archive")
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "factcheck-bench")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--peer-kb", type=int, default=30)
    p.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child:
        print(json.dumps(child_measure(a.child)))
        return 0

    sizes = [int(s) for s in a.sizes.split(",") if s]
    rows: list[dict[str, Any]] = []
    for n in sizes:
        folder = a.dir / f"n{n}"
        t = time.perf_counter()
        ensure_corpus(folder, n)
        print(f"# {n} documents in {folder} ({time.perf_counter() - t:.0f} s to generate)")
        run = subprocess.run(
            [sys.executable, __file__, "--child", str(folder)],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(run.stdout.strip().splitlines()[-1])
        r["jobs_wall_s"] = cli_run(folder, "--no-store", "--jobs", str(a.jobs))
        r["serial_wall_s"] = cli_run(folder, "--no-store", "--jobs", "1")
        with tempfile.TemporaryDirectory() as tmp:
            db = str(Path(tmp) / "claims.db")
            r["store_cold_wall_s"] = cli_run(folder, "--store", db, "--jobs", "1")
            r["store_warm_wall_s"] = cli_run(folder, "--store", db, "--jobs", "1")
        rows.append(r)
        print(json.dumps(r), flush=True)

    peers = peer_rates(a.dir / f"n{sizes[0]}", a.peer_kb)
    table = []
    for r in rows:
        table.append(
            [
                r["docs"],
                f"{r['mb']:.1f}",
                r["claims"],
                f"{r['mb'] / r['extract_s']:.2f}",
                f"{r['claims'] / (r['extract_s'] + r['bind_s']):,.0f}",
                f"{r['check_s']:.2f}",
                f"{r['render_s']:.2f}",
                f"{r['end_to_end_s']:.1f}",
                f"{r['mb'] / r['end_to_end_s']:.2f}",
                f"{r['peak_rss_mb']:.0f}",
                f"{r['serial_wall_s']:.1f} / {r['jobs_wall_s']:.1f}",
                f"{r['store_cold_wall_s']:.1f} / {r['store_warm_wall_s']:.1f} "
                f"({r['store_warm_wall_s'] / r['store_cold_wall_s']:.0%})",
                f"{r['planted_found']}/{r['planted']} ({r['conflicts']} conflicts)",
            ]
        )
    print()
    print(
        tabulate(
            table,
            headers=[
                "docs",
                "MB",
                "claims",
                "extract MB/s",
                "claims/s",
                "check s",
                "JSON s",
                "end-to-end s",
                "e2e MB/s",
                "peak RSS MB",
                f"wall 1 / {a.jobs} jobs s",
                "store cold / warm s",
                "planted found",
            ],
            disable_numparse=True,
        )
    )
    print(
        "\nCPU seconds of one process unless marked wall; end-to-end = discover, ingest, extract,"
        " bind, check, JSON written."
    )
    claims = [float(r["claims"]) for r in rows]
    print("\ncheck time curve (CPU s) by number of claims:")
    kinds = sorted({k for r in rows for k in r["per_kind_s"]})

    def curve_row(name: str, ys: list[float], fmt: str) -> list[str]:
        return [name, *(format(y, fmt) for y in ys), f"{exponent(claims, ys):.2f}"]

    curve = [curve_row(k, [r["per_kind_s"].get(k, 0.0) for r in rows], ".3f") for k in kinds]
    curve.append(curve_row("all checks", [r["check_s"] for r in rows], ".3f"))
    curve.append(curve_row("findings", [float(r["findings"]) for r in rows], ".0f"))
    print(
        tabulate(
            curve,
            headers=["", *(f"{int(c)} claims" for c in claims), "fitted exponent"],
            disable_numparse=True,
        )
    )
    print("(n log n fits an exponent of about 1.1 over these sizes; 2 is quadratic)")
    print(f"\npeers on a {a.peer_kb} kB slice of the same articles, one core, scaled to MB/s:")
    fc = peers["factcheck extract"]
    print(
        tabulate(
            [
                [k, f"{v:.3f}", f"{fc / v:.0f}×" if k != "factcheck extract" else ""]
                for k, v in peers.items()
            ],
            headers=["extractor", "MB/s", "factcheck is faster by"],
            disable_numparse=True,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
