"""Memory and time of one article through ingest, extract and bind, by how dense its figures are.

    python bench/memory.py [--sizes 100000,1000000,8000000]

Each article is analysed in a fresh process (so one's peak does not hide another's) as
`factcheck report` analyses it (`worker.run_chunk`), and the process reports its peak resident
memory and the time taken.  Articles: a seed article, and texts of "1 2 3 …" of the sizes
given (the hostile case of issue 16: a megabyte of figures held half a million mentions,
took minutes and 1.5 GB; 8 MB took 12 GB).  Work is bounded by `extract.MAX_MENTIONS`, so the
dense rows should stay flat past it.  Figures only; no assertion.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent

_ONE = """
import json, resource, sys, time
from pathlib import Path
from factcheck.bind.binder import Binder
from factcheck.ingest import Document
from factcheck.rules import load_rules
from factcheck.worker import Job, Task, run_chunk
rules = load_rules([Path(sys.argv[2])])
binder = Binder(rules)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
task = Task(0, Document(Path(sys.argv[1]), "text", "bench"), "bench")
[o] = run_chunk([task], Job(rules.sha256), binder)
print(json.dumps({
    "seconds": time.perf_counter() - t,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "growth_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024,
    "claims": len(o.analysed.claims) if o.analysed else 0,
    "note": getattr(o, "note", None) or o.warning or "",
}))
"""


def measure(path: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _ONE, str(path), str(ROOT / "rules")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT)},
    )
    data: dict[str, object] = json.loads(out.stdout)
    return data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,1000000,8000000", help="bytes of dense text")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        articles = [sorted((ROOT / "seeds").glob("*.txt"))[0]]
        for size in (int(s) for s in args.sizes.split(",")):
            p = Path(tmp) / f"dense_{size}.txt"
            p.write_text(("1 2 3 4 5 6 7 8 9 " * (size // 18 + 1))[:size], encoding="utf-8")
            articles.append(p)
        for a in articles:
            m = measure(a)
            rows.append(
                [
                    a.name,
                    f"{a.stat().st_size / 1e6:.2f}",
                    f"{m['seconds']:.2f}",
                    f"{m['peak_mb']:.0f}",
                    f"{m['growth_mb']:.0f}",
                    m["claims"],
                    "capped" if "more than" in str(m["note"]) else "",
                ]
            )
    print(
        tabulate(
            rows,
            headers=["article", "MB", "seconds", "peak MB", "growth MB", "claims", "figures"],
        )
    )


if __name__ == "__main__":
    main()
