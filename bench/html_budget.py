"""The HTML report of a large archive against its budget: size, and the first screen's time.

    python bench/html_budget.py [--docs 10000] [--dir /tmp/factcheck-bench] [--jobs 2] [--html-pages]

Generates the bench archive once (`bench/corpus.py`, as `bench/scale.py` does), writes the HTML
report of it with `factcheck report --format html`, then opens the page in headless Chromium
(the system's, driven by Playwright; `apt-get install chromium`, `pip install -e '.[browser]'`)
and reads the browser's own paint timings.  The budget (issue 14): at most 10 MB (with
`--html-pages`, each page at most 2 MB), and the first screen painted in under 2 s.  Figures
are printed, not asserted: the machine is shared.

Measured on the 10k archive (32 MB of text; 2 cores shared with other work): before issue 14,
the page was 130.5 MB and Chromium had not reached DOMContentLoaded after 120 s; after, one
page of 1.06 MB: first contentful paint 0.19 s, largest contentful paint 0.40 s,
DOMContentLoaded 1.06 s, load 1.38 s; in pages (`--html-pages`), 9 pages, the largest
(trade_turnover) 0.43 MB, first contentful paint 0.29 s.
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
BUDGET_PAGE_BYTES = 2_000_000  # each page of a report in pages
BUDGET_FIRST_SCREEN_S = 2.0
CHROMIUM = os.environ.get("FACTCHECK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


_TIMINGS = """(async () => {
  const nav = performance.getEntriesByType('navigation')[0] || {};
  const fcp = await new Promise(done => {
    new PerformanceObserver(list => {
      const e = list.getEntries().find(x => x.name === 'first-contentful-paint');
      if (e) done(e);
    }).observe({type: 'paint', buffered: true});
    setTimeout(() => done(null), 2000);
  });
  const lcp = await new Promise(done => {
    new PerformanceObserver(list => {
      const entries = list.getEntries(); done(entries[entries.length - 1].startTime);
    }).observe({type: 'largest-contentful-paint', buffered: true});
    setTimeout(() => done(null), 1000);
  });
  return {
    'first-contentful-paint': fcp ? fcp.startTime : null,
    'largest-contentful-paint': lcp,
    'domcontentloaded': nav.domContentLoadedEventEnd || null,
    'load': nav.loadEventEnd || null,
  };
})()"""


def first_screen(page_path: Path, timeout_s: float = 120.0) -> dict[str, float]:
    """Seconds from navigation to the first and the largest contentful paint, DOMContentLoaded
    and load, as the page's own performance timeline records them (nothing polls the page
    while it loads); NaN for what did not happen within `timeout_s` (a page too large)."""
    from playwright.sync_api import Error, sync_playwright

    out = dict.fromkeys(
        ("first-contentful-paint", "largest-contentful-paint", "domcontentloaded", "load"),
        math.nan,
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            page.goto(page_path.as_uri(), wait_until="load", timeout=timeout_s * 1000)
        except Error as exc:  # a timeout: what was not reached stays NaN
            print(f"browser: {str(exc).splitlines()[0]}", file=sys.stderr)
        try:
            timings = page.evaluate(_TIMINGS)
        except Error as exc:
            print(f"browser: {str(exc).splitlines()[0]}", file=sys.stderr)
            timings = {}
        browser.close()
    for name, ms in timings.items():
        if ms:
            out[name] = float(ms) / 1000
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/factcheck-bench"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument(
        "--html-pages", action="store_true", help="an index page and one page per metric"
    )
    args = ap.parse_args(argv)
    folder = args.dir / f"docs{args.docs}"
    scale.ensure_corpus(folder, args.docs)
    out = args.dir / f"html{args.docs}{'-pages' if args.html_pages else ''}"
    if out.exists():
        shutil.rmtree(out)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "factcheck", "report", str(folder), "--rules", str(ROOT / "rules"),
         "--out", str(out), "--format", "html", "--no-store", "--jobs", str(args.jobs), "--quiet",
         *(["--html-pages"] if args.html_pages else [])],
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    wall = time.perf_counter() - started
    pages = sorted(out.glob("*.html"), key=lambda p: -p.stat().st_size)
    largest = pages[0]
    size = largest.stat().st_size
    budget = BUDGET_PAGE_BYTES if args.html_pages else BUDGET_BYTES
    print(f"archive: {args.docs} articles; report (ingest to HTML written): {wall:.1f} s wall")
    print(
        f"HTML: {len(pages)} page(s), {sum(p.stat().st_size for p in pages) / 1e6:.2f} MB in all; "
        f"largest {largest.name} {size / 1e6:.2f} MB (budget {budget / 1e6:.1f} MB a "
        f"{'page' if args.html_pages else 'report'}: {'met' if size <= budget else 'MISSED'})"
    )
    for shown in dict.fromkeys([out / "consistency.html", largest]):
        times = first_screen(shown)
        fcp = times["first-contentful-paint"]
        print(
            f"{shown.name}: first contentful paint {fcp:.2f} s (budget "
            f"{BUDGET_FIRST_SCREEN_S:.0f} s: {'met' if fcp < BUDGET_FIRST_SCREEN_S else 'MISSED'}); "
            f"largest contentful paint {times['largest-contentful-paint']:.2f} s; "
            f"DOMContentLoaded {times['domcontentloaded']:.2f} s; load {times['load']:.2f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
