"""dask on a LocalCluster against `--jobs` with the same number of processes, same archive.

    python bench/cluster.py [--docs 1000] [--procs 2] [--repeat 2]

Each run is what `factcheck report ARCHIVE --no-store --format json` runs (discover, analyse,
check, render JSON), in a fresh child process: `--jobs N`, then `--engine dask
--shared-storage --scratch` on a LocalCluster of N single-threaded worker processes started
beforehand (its start-up is not timed: a real cluster is already running; nor is importing
dask).  Reports wall seconds, best of `--repeat`, runs alternated, the client's own CPU
seconds and the workers' (for dask, the cluster's worker processes and its scheduler): on a
busy machine, all CPU seconds compare the two more steadily than wall seconds.  The two
reports must be the same bytes, which is checked.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT, ROOT / "bench"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))


def child(folder: Path, procs: int, scheduler: str | None) -> dict[str, Any]:
    from factcheck import engine
    from factcheck.report import json as json_report
    from factcheck.rules import load_rules

    rules = load_rules([ROOT / "rules"])
    if scheduler:
        # dask's import (about half a second of CPU) is paid once per run, whatever its size.
        import distributed  # noqa: F401
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    wall0 = time.perf_counter()
    if scheduler:
        corpus = engine.analyse_paths(
            [folder],
            rules,
            keep_texts=False,
            engine="dask",
            scheduler=scheduler,
            shared_storage=True,
            json_only=True,
            # On one machine any folder is shared: the workers put their results there, as
            # --jobs workers do in theirs, and no claim passes through the client.
            scratch_at=tempfile.gettempdir(),
        )
    else:
        corpus = engine.analyse_paths([folder], rules, jobs=procs, keep_texts=False, json_only=True)
    text = json_report.joined(engine.json_pieces(corpus, rules))
    corpus.close()
    wall = time.perf_counter() - wall0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # --jobs workers, reaped by now
    return {
        "wall": wall,
        "client_cpu": cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime,
        "workers_cpu": kids.ru_utime + kids.ru_stime,
        "sha": hashlib.sha256(text.encode()).hexdigest(),
    }


def _cluster_cpu() -> float:
    """CPU seconds of this process (the LocalCluster's scheduler runs here) and of its live
    child processes (the cluster's workers; a finished run's child is gone)."""
    import psutil

    me = psutil.Process()
    total = 0.0
    for p in [me, *me.children(recursive=True)]:
        try:
            t = p.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system
    return total


def run_child(folder: Path, procs: int, scheduler: str | None) -> dict[str, Any]:
    from serial import child_result  # bench/serial.py

    flags = ["--scheduler", scheduler] if scheduler else []
    return child_result([__file__, "--child", str(folder), "--procs", str(procs), *flags])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--docs", type=int, default=1000)
    p.add_argument("--procs", type=int, default=2)
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "factcheck-bench")
    p.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--scheduler", help=argparse.SUPPRESS)
    p.add_argument(
        "--profile",
        action="store_true",
        help="keep dask's worker profiler on and its event loops' watchdog at 20 ms (its defaults)",
    )
    a = p.parse_args(argv)
    if a.child is not None:
        print(json.dumps(child(a.child, a.procs, a.scheduler)))
        return 0

    import distributed
    from scale import ensure_corpus

    folder = a.dir / f"n{a.docs}"
    ensure_corpus(folder, a.docs)
    best: dict[str, dict[str, Any]] = {}
    import dask

    # A batch run's cluster as its operator would start it: without the workers' statistical
    # profiler, which samples every thread's stack every 10 ms for the dashboard and, on a
    # worker busy in Python, cost a fifth of its CPU here (`--profile` keeps it on); and with
    # the event loops' watchdog ticking every second instead of every 20 ms: idle, it cost the
    # scheduler and each worker 2-3 % of a core, and it wakes the loop thread of a worker
    # in the middle of its work (`--profile` keeps dask's defaults).
    if not a.profile:
        dask.config.set(
            {
                "distributed.worker.profile.enabled": False,
                "distributed.admin.tick.interval": "1s",
            }
        )
    with distributed.LocalCluster(
        n_workers=a.procs, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        for _ in range(a.repeat):
            for name, sched in (("--jobs", None), ("dask", cluster.scheduler_address)):
                # The cluster's CPU: its worker processes' and this process's, which runs the
                # scheduler.
                before = _cluster_cpu() if sched else 0.0
                r = run_child(folder, a.procs, sched)
                if sched:
                    r["workers_cpu"] = _cluster_cpu() - before
                if name not in best or r["wall"] < best[name]["wall"]:
                    best[name] = r
    same = best["--jobs"]["sha"] == best["dask"]["sha"]
    print(f"{folder} ({a.docs} articles), {a.procs} processes, cores here: {os.cpu_count()}")
    print(
        tabulate(
            [
                [
                    name,
                    f"{r['wall']:.2f}",
                    f"{r['client_cpu']:.2f}",
                    f"{r['workers_cpu']:.2f}",
                    f"{r['client_cpu'] + r['workers_cpu']:.2f}",
                ]
                for name, r in best.items()
            ],
            headers=[
                "engine",
                f"wall s (best of {a.repeat})",
                "client CPU s",
                "workers (+ scheduler) CPU s",
                "all CPU s",
            ],
            tablefmt="github",
        )
    )
    print(f"reports byte-identical: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
