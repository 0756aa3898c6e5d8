"""The date half of the peer benchmark: factcheck's dates against dateparser's search_dates.

    python bench/peers_dates.py [--spec-dir DIR] [--mb 1] [--misses SUITE] [--peer-kb 40]
    python bench/peers_dates.py --before main      # factcheck's figures at a git revision too

`bench/peers.py` imports this module and calls `run(spec_dir, corpus_text)`.

Suites (Recognizers-Text English specs, `../shared/specs/recognizers-text/`), each case read
against its own `Context.ReferenceDateTime`:

- `dates`: DateTime_English_DateTimeModel.json, the cases with at least one result typed
  `datetimeV2.date` or `datetimeV2.daterange` (other result types are not scored);
- `date negatives`: the same file's cases that expect no result at all;
- `date periods`: DateTime_English_DatePeriodParser.json (Start + Length,
  Value.FutureResolution / PastResolution).

What "right" means, the same for both libraries (spans ignored):

- every expected date or range is matched by exactly one date the library found, and every
  date it found matches one expected; dates found inside the text of a result the suite
  types otherwise (a time, a datetime, a duration, a set) are neither credited nor charged;
- a date is the closed day range it covers: "2019-01-04" is [Jan 4, Jan 4], "October 1992"
  [Oct 1, Oct 31].  The specs write a range's end exclusive ("next month" ends on the 1st of
  the month after), except where they read "from 4 to 22" as ending on the 22nd; an end
  counts as right either way, the exclusive end or the stated day;
- where the spec gives several readings (a past and a future "Tuesday", Future- and
  PastResolution), any one of them is right;
- an open range ("before 2010", "since 2018") has no closed range, so neither library can
  match it; it still counts in the total.

dateparser's `search_dates` returns a datetime without its precision, which would make every
month and year wrong.  To give it its best reading, each text it finds is parsed again with
`DateDataParser.get_date_data`, whose `period` (day, week, month, year) widens the date to the
whole week, month or year.  factcheck's dates are its year, date and period mentions that are
resolved (a relative date with no reference stays open and is not a date).

`--before REV` runs the same suites with factcheck's code at a git revision (exported with
`git archive` to a temporary folder and run there in a subprocess), so a change's effect on
accuracy is measured on the same cases, before and after, with dateparser beside both.

Throughput: factcheck's `find_dates` over the whole corpus; dateparser over a `--peer-kb`
slice (it runs at about 0.2 MB/s), the rate scaled to MB/s, as the row's note says.  Both in
CPU time of this process, MB in UTF-8 bytes, as `bench/peers.py` measures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if importlib.util.find_spec("factcheck") is None:  # a checkout run without `pip install -e`
    sys.path.insert(0, str(ROOT))

from factcheck.extract import extract_text  # noqa: E402
from factcheck.extract.dates import find_dates  # noqa: E402

SPEC_DIR = ROOT.parent / "shared" / "specs" / "recognizers-text"
MODEL = "DateTime_English_DateTimeModel.json"
PERIODS = "DateTime_English_DatePeriodParser.json"
DATE_TYPES = ("datetimeV2.date", "datetimeV2.daterange")
PEER_KB = 40.0

Range = tuple[dt.date, dt.date]  # closed: first and last day


class Found:
    """A date a library found: its closed range and where it sits in the input."""

    __slots__ = ("end", "range", "start", "text")

    def __init__(self, text: str, start: int, end: int, rng: Range) -> None:
        self.text, self.start, self.end, self.range = text, start, end, rng

    def __repr__(self) -> str:
        return f"{self.text!r}={self.range[0]}..{self.range[1]}"


class Case:
    """One scored input: the reference date, the accepted readings of each expected date,
    and the spans no library is scored on."""

    def __init__(
        self,
        text: str,
        ref: dt.datetime,
        expected: list[list[tuple[dt.date, dt.date | None]]],
        ignore: list[tuple[int, int]],
    ) -> None:
        self.text, self.ref, self.expected, self.ignore = text, ref, expected, ignore


def _day(s: str | None) -> dt.date | None:
    """The day an ISO value starts with; None for the specs' "not resolved" and the like."""
    try:
        return dt.date.fromisoformat(s[:10]) if s else None
    except ValueError:
        return None


def _ref(case: dict[str, Any]) -> dt.datetime:
    raw = (case.get("Context") or {}).get("ReferenceDateTime")
    # The specs' cases without a context were written on 2016-11-07, the suites' usual date.
    return dt.datetime.fromisoformat(raw) if raw else dt.datetime(2016, 11, 7)


def _readings(values: Iterable[dict[str, Any]]) -> list[tuple[dt.date, dt.date | None]]:
    """(first day, end as the spec writes it) per reading; open ranges give none."""
    out: list[tuple[dt.date, dt.date | None]] = []
    for v in values:
        if "value" in v:
            d = _day(v["value"])
            if d is not None:
                out.append((d, None))
        elif v.get("start") and v.get("end"):
            a, b = _day(v["start"]), _day(v["end"])
            if a is not None and b is not None:
                out.append((a, b))
    return out


def load_model(spec_dir: Path) -> tuple[list[Case], list[Case]]:
    """(cases with dates, cases that expect nothing) from the DateTimeModel spec."""
    data = json.loads((spec_dir / MODEL).read_text(encoding="utf-8-sig"))
    dated: list[Case] = []
    empty: list[Case] = []
    for c in data:
        results = c.get("Results") or []
        expected, ignore = [], []
        for r in results:
            kind = r.get("TypeName") or r.get("Typename")
            if kind in DATE_TYPES:
                expected.append(_readings(r["Resolution"]["values"]))
            else:
                ignore.append((r["Start"], r["End"] + 1))  # End is inclusive
        case = Case(c["Input"], _ref(c), expected, ignore)
        if expected:
            dated.append(case)
        elif not results:
            empty.append(case)
    return dated, empty


def load_periods(spec_dir: Path) -> list[Case]:
    data = json.loads((spec_dir / PERIODS).read_text(encoding="utf-8-sig"))
    cases: list[Case] = []
    for c in data:
        expected: list[list[tuple[dt.date, dt.date | None]]] = []
        for r in c.get("Results") or []:
            value = r.get("Value") or {}
            readings: list[tuple[dt.date, dt.date | None]] = []
            for key in ("FutureResolution", "PastResolution"):
                res = value.get(key) or {}
                a, b = _day(res.get("startDate")), _day(res.get("endDate"))
                if a is not None and b is not None and (a, b) not in readings:
                    readings.append((a, b))
            expected.append(readings)
        if expected:
            cases.append(Case(c["Input"], _ref(c), expected, []))
    return cases


def matches(found: Range, reading: tuple[dt.date, dt.date | None]) -> bool:
    first, end = reading
    if end is None:
        return found == (first, first)
    return found[0] == first and found[1] in (end - dt.timedelta(days=1), end)


def right(case: Case, found: list[Found]) -> bool:
    scored = [f for f in found if not any(f.start < e and s < f.end for s, e in case.ignore)]
    if len(scored) != len(case.expected):
        return False
    free = list(case.expected)
    for f in scored:
        hit = next((r for r in free if any(matches(f.range, x) for x in r)), None)
        if hit is None:
            return False
        free.remove(hit)
    return True


# ----------------------------------------------------------------------------- libraries


def factcheck_dates(text: str, ref: dt.datetime) -> list[Found]:
    out = []
    for m in extract_text(text, ref.date()):
        if m.kind in ("year", "date", "period") and m.date is not None and not m.furniture:
            out.append(Found(m.text, m.span.start, m.span.end, (m.date.start, m.date.end)))
    return out


def _dateparser() -> Callable[[str, dt.datetime], list[Found]] | None:
    try:
        from dateparser.date import DateDataParser  # type: ignore[import-untyped]
        from dateparser.search import search_dates  # type: ignore[import-untyped]
    except ImportError:
        return None

    def widen(d: dt.datetime, period: str | None) -> Range:
        day = d.date()
        if period == "year":
            return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
        if period == "month":
            nxt = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
            return day.replace(day=1), nxt - dt.timedelta(days=1)
        if period == "week":
            monday = day - dt.timedelta(days=day.weekday())
            return monday, monday + dt.timedelta(days=6)
        return day, day

    def run(text: str, ref: dt.datetime) -> list[Found]:
        settings = {"RELATIVE_BASE": ref}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            hits = search_dates(text, languages=["en"], settings=settings) or []
            parser = DateDataParser(languages=["en"], settings=settings)
            out, at = [], 0
            for sub, when in hits:
                start = text.find(sub, at)
                start = start if start >= 0 else text.find(sub)
                at = start + len(sub) if start >= 0 else at
                data = parser.get_date_data(sub)
                if data.date_obj is not None:
                    rng = widen(data.date_obj, data.period)
                else:
                    rng = (when.date(), when.date())
                out.append(Found(sub, max(start, 0), max(start, 0) + len(sub), rng))
        return out

    return run


# ------------------------------------------------------------------------------- scoring


def score(
    fn: Callable[[str, dt.datetime], list[Found]], cases: list[Case]
) -> tuple[int, list[str]]:
    good, misses = 0, []
    for c in cases:
        found = fn(c.text, c.ref)
        if right(c, found):
            good += 1
        else:
            want = [[f"{a}..{b}" if b else str(a) for a, b in r] for r in c.expected]
            misses.append(f"{c.text!r} @ {c.ref.date()}: want {want}, found {found}")
    return good, misses


def rate(fn: Callable[[str], object], text: str) -> float:
    """MB/s (UTF-8 bytes) in CPU time of this process: the machine is shared."""
    t0 = time.process_time()
    fn(text)
    return len(text.encode("utf-8")) / 1e6 / max(time.process_time() - t0, 1e-9)


def suites(spec_dir: Path) -> dict[str, list[Case]]:
    dated, empty = load_model(spec_dir)
    return {"dates": dated, "date negatives": empty, "date periods": load_periods(spec_dir)}


def run(spec_dir: Path, corpus_text: str, peer_kb: float = PEER_KB) -> list[dict[str, Any]]:
    """Rows for bench/peers.py: suite, library, correct, total, mb_per_s (and a note)."""
    rows, _ = run_with_misses(spec_dir, corpus_text, peer_kb)
    return rows


def run_with_misses(
    spec_dir: Path, corpus_text: str, peer_kb: float = PEER_KB
) -> tuple[list[dict[str, Any]], dict[str, dict[str, list[str]]]]:
    cases = suites(spec_dir)
    mb = len(corpus_text.encode("utf-8")) / 1e6
    fc_rate = rate(lambda t: list(find_dates(t, dt.date(2023, 2, 3))), corpus_text)
    libraries: list[tuple[str, Callable[[str, dt.datetime], list[Found]], float, str]] = [
        ("factcheck dates", factcheck_dates, fc_rate, f"find_dates over {mb:.1f} MB"),
    ]
    dp = _dateparser()
    if dp is not None:
        from dateparser.search import search_dates

        piece = corpus_text[: int(peer_kb * 1000)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            search_dates("warm up on 3 February 2023", languages=["en"])
            dp_rate = rate(lambda t: search_dates(t, languages=["en"]), piece)
        libraries.append(
            ("dateparser search_dates", dp, dp_rate, f"{peer_kb:g} kB slice, rate scaled")
        )
    rows: list[dict[str, Any]] = []
    misses: dict[str, dict[str, list[str]]] = {}
    for name, fn, mbs, note in libraries:
        for suite, cs in cases.items():
            good, miss = score(fn, cs)
            misses.setdefault(name, {})[suite] = miss
            rows.append(
                {"suite": suite, "library": name, "correct": good, "total": len(cs),
                 "mb_per_s": mbs, "note": note}
            )  # fmt: skip
    return rows, misses


def corpus(mb: float) -> str:
    seeds = "\n\n".join(
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))
    )
    target = int(mb * 1_000_000)
    return ((seeds + "\n\n") * (target // (len(seeds) + 2) + 1))[:target]


def before_rows(rev: str, spec_dir: Path, mb: float) -> list[dict[str, Any]]:
    """factcheck's rows at git revision `rev`: this script run from an export of that tree."""
    with tempfile.TemporaryDirectory(prefix="factcheck-before-") as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        script = Path(tmp) / "bench" / "peers_dates.py"
        if not script.is_file():
            raise SystemExit(f"{rev} has no bench/peers_dates.py")
        env = {**os.environ, "PYTHONPATH": tmp}
        cmd = [sys.executable, str(script), "--spec-dir", str(spec_dir), "--mb", str(mb)]
        # An old script may not know --json: its table is parsed instead.
        out = subprocess.run(
            [*cmd, "--peer-kb", "0.001"], check=True, capture_output=True, text=True, env=env
        ).stdout
    rows = []
    for line in out.splitlines():
        parts = line.split()
        if "factcheck" not in parts or "/" not in line:
            continue
        k = parts.index("factcheck")
        good, total = parts[k + 2].split("/")
        rows.append(
            {"suite": " ".join(parts[:k]), "library": f"factcheck dates @ {rev}",
             "correct": int(good), "total": int(total), "mb_per_s": float(parts[k + 5]),
             "note": "before"}
        )  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec-dir", type=Path, default=SPEC_DIR)
    ap.add_argument("--mb", type=float, default=1.0, help="corpus size for throughput")
    ap.add_argument("--peer-kb", type=float, default=PEER_KB, help="dateparser's slice")
    ap.add_argument("--misses", default=None, help="list factcheck's misses in this suite")
    ap.add_argument("--library", default="factcheck dates", help="whose misses to list")
    ap.add_argument("--before", default=None, metavar="REV", help="also run a git revision")
    args = ap.parse_args(argv)
    rows, misses = run_with_misses(args.spec_dir, corpus(args.mb), args.peer_kb)
    if args.before:
        rows = before_rows(args.before, args.spec_dir, args.mb) + rows
    for r in rows:
        print(
            f"{r['suite']:15s} {r['library']:25s} {r['correct']:4d}/{r['total']:<4d} "
            f"{100 * r['correct'] / r['total']:5.1f} %  {r['mb_per_s']:8.3g} MB/s  ({r['note']})"
        )
    if args.misses:
        for line in misses.get(args.library, {}).get(args.misses, []):
            print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
