"""How much of a parallel run is serial: the parent's own CPU against the workers', per N jobs.

    python bench/serial.py [--docs 1000] [--jobs 1,2] [--dir /tmp/factcheck-bench]

For each N, a fresh child process runs what `factcheck report ARCHIVE --no-store --format json
--jobs N` runs (discover, analyse, check, render JSON) and records (with `--records`, the path
the Markdown and HTML reports take: the records are put aside on disk as they arrive and read
back from there, `factcheck.spill`; `--formats md,html,json` renders those reports too, as
`factcheck report` does, and adds the render's passes over the spilled claims):

- the parent's own CPU seconds (`RUSAGE_SELF`) and the workers' (`RUSAGE_CHILDREN`, read once
  the pool has been shut down and its processes reaped);
- the bytes that cross process boundaries per article: every call sent to a worker (a chunk
  of documents, a group of claims to check) and every result it returns, pickled as the pool
  pickles them (measured in a
  separate, untimed pass, so counting them costs the timed run nothing);
- wall seconds, and the parent's peak resident memory.

From the one-process run's CPU `T1` and a parallel run's parent CPU `P` and workers' CPU `W`:

- serial fraction `P / T1`: the share of one-core work still done by one process;
- IPC overhead `(P + W - T1) / T1`: what going parallel adds (pickling both ways, worker
  start-up and imports);
- projected speed-up at n cores `T1 / (P + W / n)`, Amdahl's law from the measured figures
  (the parent's work does not shrink with n; the workers' is spread over n);
- the longest part of the checks `L` and all of them `C` (each part timed alone after the
  run, in the counting pass): a part is one check over one subject's claims (or some of its
  sources', `checks.groups`), which no worker splits, so the checks take at least `L` on any
  number of cores, and the projection with it is `T1 / (P + (W - C) / n + max(C / n, L))`.

Works on a 2-core machine: nothing here needs the cores it projects.  On a shared machine, two
busy cores slow each other (caches, a neighbour on the host), which shows as IPC overhead that
swings between identical runs; `--one-core` runs every process of a run on one core, so the
CPU seconds count the work and what going parallel adds, and nothing else.  Figures only; the issue's
goal (serial fraction at most 5 %, IPC overhead at most 10 % of one-core CPU) is compared in the
last column.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOAL_SERIAL = 0.05
GOAL_IPC = 0.10


def _cpu(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def child(
    folder: Path,
    jobs: int,
    count_bytes: bool,
    records: bool = False,
    formats: tuple[str, ...] = ("json",),
) -> dict[str, Any]:
    """One run in this process; the caller made it fresh, so RUSAGE_CHILDREN starts at zero."""
    from factcheck import engine, spill
    from factcheck.cli import _desk
    from factcheck.report import RenderInput, render_streams
    from factcheck.rules import load_rules

    sent: list[int] = []
    received: list[int] = []
    if count_bytes:
        original = engine.ProcessRunner.send

        def counting(
            self: engine.ProcessRunner, fn: Callable[..., Any], args: tuple[Any, ...]
        ) -> Future[Any]:
            sent.append(len(pickle.dumps((fn, *args), pickle.HIGHEST_PROTOCOL)))
            future = original(self, fn, args)
            future.add_done_callback(
                lambda f: received.append(len(pickle.dumps(f.result(), pickle.HIGHEST_PROTOCOL)))
            )
            return future

        engine.ProcessRunner.send = counting  # type: ignore[method-assign]
        # The calls of checks, each part of which is timed alone once the run is over.
        check_calls = engine._check_calls
        calls: list[Any] = []

        def keeping(*args: Any) -> Any:
            made = check_calls(*args)
            calls.extend(made)
            return made

        engine._check_calls = keeping  # type: ignore[assignment]

    rules = load_rules([ROOT / "rules"])
    self0, kids0, wall0 = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN), time.time()
    passes = 0
    if records:  # what `factcheck report --format md,html,json` runs
        corpus = engine.analyse_paths(
            [folder], rules, jobs=jobs, keep_texts="html" in formats, spill=True
        )
        report = spill.report(corpus, rules)
        data = RenderInput(
            report,
            corpus.text_spill or {},
            _desk(rules, report, None),
            json=lambda: spill.json_pieces(corpus, report),
        )
        before = spill.Spilled.passes
        streams = list(render_streams(data, list(formats)).values())
    else:  # what `factcheck report --format json` runs
        corpus = engine.analyse_paths([folder], rules, jobs=jobs, keep_texts=False, json_only=True)
        streams = [engine.json_pieces(corpus, rules)]
    # As the report's writer writes them: text as UTF-8, bytes (items copied from where the
    # workers put them) as they are.
    with open(os.devnull, "wb") as sink:
        for pieces in streams:
            for piece in pieces:
                sink.write(piece if isinstance(piece, bytes) else piece.encode("utf-8", "replace"))
    if records:
        passes = spill.Spilled.passes - before
    parts = _part_seconds(calls, rules) if count_bytes else []
    corpus.close()
    wall = time.time() - wall0
    docs = corpus.articles
    return {
        "jobs": jobs,
        "docs": docs,
        "parent_cpu": _cpu(resource.RUSAGE_SELF) - self0,
        "workers_cpu": _cpu(resource.RUSAGE_CHILDREN) - kids0,
        "wall": wall,
        # Peak resident memory of the parent (kB on Linux): what it holds of the archive.
        "parent_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "sent_per_doc": sum(sent) / docs if docs else 0.0,
        "received_per_doc": sum(received) / docs if docs else 0.0,
        "passes": passes,
        "checks_cpu": sum(parts),
        "longest_part": max(parts, default=0.0),
    }


def _part_seconds(calls: list[Any], rules: Any) -> list[float]:
    """The CPU seconds of each part of the checks run alone, here, after the run (which has
    left the claims where the parts read them): no worker can split a part, so the longest
    is the least the checks take on any number of cores."""
    from factcheck import worker

    out = []
    for parts, published, as_json, root in calls:
        for part in parts:
            started = time.process_time()
            worker.check_parts([part], published, as_json, root, rules)
            out.append(time.process_time() - started)
    return out


def run_child(
    folder: Path,
    jobs: int,
    count_bytes: bool,
    records: bool,
    formats: str = "json",
    pin: bool = False,
) -> dict[str, Any]:
    flags = ["--records"] * records + ["--count-bytes"] * count_bytes + ["--formats", formats]
    flags += ["--one-core"] * pin
    return child_result([__file__, "--child", str(folder), "--jobs", str(jobs), *flags])


def child_result(args: list[str]) -> dict[str, Any]:
    """Run a benchmark script in a fresh Python and read the JSON its last line prints."""
    out = subprocess.run([sys.executable, *args], check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--docs", type=int, default=1000)
    p.add_argument("--jobs", default="1,2", help="comma-separated job counts (1 is always run)")
    p.add_argument("--repeat", type=int, default=2, help="best of this many runs per job count")
    p.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "factcheck-bench")
    p.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--count-bytes", action="store_true", help=argparse.SUPPRESS)
    p.add_argument(
        "--records",
        action="store_true",
        help="the path of reports that need the records (Markdown, HTML): the parent puts "
        "them aside on disk and renders from there, instead of joining the JSON the workers "
        "rendered",
    )
    p.add_argument(
        "--formats",
        default="json",
        help="with --records, the reports rendered (comma-separated, of md,html,json)",
    )
    p.add_argument(
        "--one-core",
        action="store_true",
        help="run every process of a run on one core: CPU seconds then count the work and "
        "what going parallel adds, not how much two busy cores slow each other (shared caches, "
        "a neighbour on the host); wall seconds mean nothing then",
    )
    a = p.parse_args(argv)
    if a.child is not None:
        if a.one_core:  # the child, its workers and their threads, all on one core
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        fmts = tuple(a.formats.split(","))
        print(json.dumps(child(a.child, int(a.jobs), a.count_bytes, a.records, fmts)))
        return 0

    sys.path.insert(0, str(ROOT / "bench"))
    from scale import ensure_corpus

    folder = a.dir / f"n{a.docs}"  # the folder bench/scale.py makes for that size
    ensure_corpus(folder, a.docs)
    jobs = sorted({1, *(int(j) for j in a.jobs.split(","))})
    best: dict[int, dict[str, Any]] = {}
    for _ in range(a.repeat):
        for n in jobs:  # alternated, so a busy spell of the machine hits every N alike
            r = run_child(folder, n, False, a.records, a.formats, a.one_core)
            total = r["parent_cpu"] + r["workers_cpu"]
            if n not in best or total < best[n]["parent_cpu"] + best[n]["workers_cpu"]:
                best[n] = r
    for n in jobs:
        if n > 1:
            counted = run_child(folder, n, True, a.records, a.formats)
            for k in ("sent_per_doc", "received_per_doc", "checks_cpu", "longest_part"):
                best[n][k] = counted[k]

    t1 = best[1]["parent_cpu"] + best[1]["workers_cpu"]
    rows = []
    for n in jobs:
        r = best[n]
        par, wrk = r["parent_cpu"], r["workers_cpu"]
        serial = par / t1
        ipc = (par + wrk - t1) / t1
        proj = [t1 / (par + wrk / k) for k in (16, 64)] if n > 1 else [1.0, 1.0]
        # The same, with the checks no shorter than their longest part.
        c, longest = r.get("checks_cpu", 0.0), r.get("longest_part", 0.0)
        bound = [t1 / (par + (wrk - c) / k + max(c / k, longest)) for k in (16, 64)]
        meets = "yes" if n > 1 and serial <= GOAL_SERIAL and ipc <= GOAL_IPC else "no"
        rows.append(
            [
                n,
                r["docs"],
                f"{r['wall']:.2f}",
                f"{r['parent_peak_mb']:.0f}",
                f"{par:.2f}",
                f"{wrk:.2f}",
                f"{serial:.1%}" if n > 1 else "100%",
                f"{ipc:+.1%}" if n > 1 else "",
                f"{r['sent_per_doc']:.0f} / {r['received_per_doc']:.0f}" if n > 1 else "",
                f"{proj[0]:.1f}x / {proj[1]:.1f}x" if n > 1 else "",
                f"{longest:.2f} of {c:.2f}" if n > 1 else "",
                f"{bound[0]:.1f}x / {bound[1]:.1f}x" if n > 1 else "",
                meets if n > 1 else "",
                r["passes"],
            ]
        )
    on = "all processes on one core" if a.one_core else f"cores here: {os.cpu_count()}"
    print(f"{folder} ({best[1]['docs']} articles), {on}, best of {a.repeat}")
    print(
        tabulate(
            rows,
            headers=[
                "jobs",
                "docs",
                "wall s",
                "parent peak MB",
                "parent CPU s",
                "workers CPU s",
                "serial",
                "IPC overhead",
                "bytes/doc sent / back",
                "projected 16 / 64 cores",
                "longest check part s (of all)",
                "with it 16 / 64",
                f"goal ≤{GOAL_SERIAL:.0%} serial, ≤{GOAL_IPC:.0%} IPC",
                "passes over spilled claims",
            ],
            tablefmt="github",
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
