"""The HTML report of a large archive against its budget: size, and the first screen's time.

    python bench/html_budget.py [--docs 10000] [--dir /tmp/factcheck-bench] [--jobs 2]

Generates the bench archive once (`bench/corpus.py`, as `bench/scale.py` does), writes the HTML
report of it with `factcheck report --format html`, then opens the page in headless Chromium
(the system's, driven by Playwright; `apt-get install chromium`, `pip install -e '.[browser]'`)
and reads the browser's own paint timings.  The budget (issue 14): at most 10 MB, and the first
screen painted in under 2 s.  Figures are printed, not asserted: the machine is shared.

Measured on the 10k archive (32 MB of text; 2 shared cores): before issue 14, the page was
130.5 MB and Chromium had not reached DOMContentLoaded after 120 s; after, 7.1 MB, first
contentful paint 0.17 s, DOMContentLoaded 1.45 s, load 2.3 s.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale  # noqa: E402

BUDGET_BYTES = 10_000_000
BUDGET_FIRST_SCREEN_S = 2.0
CHROMIUM = os.environ.get("FACTCHECK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


_LCP = """new Promise(done => new PerformanceObserver(list => {
  const entries = list.getEntries(); done(entries[entries.length - 1].startTime);
}).observe({type: 'largest-contentful-paint', buffered: true}))"""


def first_screen(page_path: Path, timeout_s: float = 120.0) -> dict[str, float]:
    """Seconds to the first contentful paint, DOMContentLoaded and load, as the browser
    reports them; NaN for what did not happen within `timeout_s` (a page too large to open)."""
    from playwright.sync_api import Error, sync_playwright

    out = {
        "first-contentful-paint": math.nan,
        "largest-contentful-paint": math.nan,
        "domcontentloaded": math.nan,
        "load": math.nan,
    }
    ms = timeout_s * 1000
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        started = time.perf_counter()
        try:
            page.goto(page_path.as_uri(), wait_until="commit", timeout=ms)
            page.wait_for_function(
                "performance.getEntriesByName('first-contentful-paint').length > 0", timeout=ms
            )
            out["first-contentful-paint"] = (
                float(
                    page.evaluate(
                        "performance.getEntriesByName('first-contentful-paint')[0].startTime"
                    )
                )
                / 1000
            )
            page.wait_for_load_state("domcontentloaded", timeout=ms)
            out["domcontentloaded"] = time.perf_counter() - started
            page.wait_for_load_state("load", timeout=ms)
            out["load"] = time.perf_counter() - started
            # The largest element painted in the first screen: when it looks complete.
            out["largest-contentful-paint"] = float(page.evaluate(_LCP)) / 1000
        except Error as exc:  # a timeout: what was not reached stays NaN
            print(f"browser: {str(exc).splitlines()[0]}", file=sys.stderr)
        browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/factcheck-bench"))
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    folder = args.dir / f"docs{args.docs}"
    scale.ensure_corpus(folder, args.docs)
    out = args.dir / f"html{args.docs}"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "factcheck", "report", str(folder), "--rules", str(ROOT / "rules"),
         "--out", str(out), "--format", "html", "--no-store", "--jobs", str(args.jobs), "--quiet"],
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    wall = time.perf_counter() - started
    page = out / "consistency.html"
    size = page.stat().st_size
    times = first_screen(page)
    fcp = times["first-contentful-paint"]
    lcp = times["largest-contentful-paint"]
    print(f"archive: {args.docs} articles; report (ingest to HTML written): {wall:.1f} s wall")
    print(
        f"HTML: {size / 1e6:.2f} MB (budget {BUDGET_BYTES / 1e6:.1f} MB: "
        f"{'met' if size <= BUDGET_BYTES else 'MISSED'})"
    )
    print(
        f"first contentful paint: {fcp:.2f} s (budget {BUDGET_FIRST_SCREEN_S:.0f} s: "
        f"{'met' if fcp < BUDGET_FIRST_SCREEN_S else 'MISSED'}); largest contentful paint "
        f"{lcp:.2f} s; DOMContentLoaded {times['domcontentloaded']:.2f} s; "
        f"load {times['load']:.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
