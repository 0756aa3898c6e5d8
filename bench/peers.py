"""factcheck's extractor side by side with its peers: accuracy on Recognizers-Text and on
physical units, and MB/s.

    python bench/peers.py [--spec-dir DIR] [--mb 5] [--peer-kb 40]

The "units" suite is `bench/data/unit_sentences.yaml`: news sentences with physical quantities
(and some that must give none: "a 40-tonne truck", "Route 66"), written for this benchmark, not
taken from the extractor's fixtures.  A case is right when the amounts a library reports in
physical units (mass, length, area, volume, flows, power, energy, speed; durations and plain
numbers aside) equal the expected ones after conversion to SI base units through pint, 4
significant digits.  Run it from another checkout (PYTHONPATH=../main) to score that code.

Accuracy is "value right, spans ignored": a case counts as right when the set of values a
library extracts (with the currency for money) equals the set the spec expects.  Rules that
make the libraries comparable, applied to every library alike:

- cents and pence are money: "50 cents" is 0.50 USD, "470 pence" 4.70 GBP (the spec writes
  value 50, unit Cent);
- a bare currency name with no amount ("dollar :") has no value and is not scored;
- a generic "Dollar" is USD and a generic "Franc" any franc, as a news reader takes them;
- for the number suite every numeric mention counts (a count, the amount of money or percent,
  a year read as its number); for the ordinal suite, ranks.

Recognizers-Text's own Python port is not installable here: its figures are quoted from
`../shared/specs/README.md` and labelled so; they are not measured by this script.

Throughput: the seeds concatenated and repeated to `--mb` megabytes, one core.  quantulum3 is
too slow for 5 MB (about 0.02 MB/s), so it runs on a `--peer-kb` slice and the rate is scaled;
the table says so.  Date rows (dateparser) come from `bench/peers_dates.py` when it exists.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent
if importlib.util.find_spec("factcheck") is None:  # a checkout run without `pip install -e`
    sys.path.insert(0, str(ROOT))

from factcheck.extract import extract_text  # noqa: E402
from factcheck.extract.dates import find_dates  # noqa: E402
from factcheck.extract.quantities import find_quantities  # noqa: E402

SPEC_DIR = ROOT.parent / "shared" / "specs" / "recognizers-text"
UNIT_SENTENCES = Path(__file__).with_name("data") / "unit_sentences.yaml"
SUITES = {
    "currency": "NumberWithUnit_English_CurrencyModel.json",
    "percent": "Number_English_PercentModel.json",
    "number": "Number_English_NumberModel.json",
    "ordinal": "Number_English_OrdinalModel.json",
}
# Quoted, not measured: ../shared/specs/README.md (Recognizers-Text Python port 1.0.2a2).
QUOTED: list[dict[str, Any]] = [
    {"suite": "currency", "library": "Recognizers-Text 1.0.2a2 (quoted)", "correct": 140,
     "total": 180, "mb_per_s": None},
    {"suite": "percent", "library": "Recognizers-Text 1.0.2a2 (quoted)", "correct": 17,
     "total": 20, "mb_per_s": None},
    {"suite": "throughput", "library": "Recognizers-Text 1.0.2a2 (quoted)", "correct": None,
     "total": None, "mb_per_s": 0.003},
]  # fmt: skip

Key = tuple[str, str]  # (value rounded to 9 significant digits, unit or "")

# The spec's currency names → the ISO codes a reader would accept for them.
UNIT_NAMES: dict[str, set[str]] = {
    "dollar": {"USD"},
    "pound": {"GBP"},
    "british pound": {"GBP"},
    "franc": {"CHF", "FRF", "BEF", "XOF", "XAF"},
    "euro": {"EUR"},
    "rupee": {"INR", "LKR", "PKR", "NPR"},
    "japanese yen": {"JPY"},
    "chinese yuan": {"CNY"},
    "finnish markka": {"FIM"},
    "peseta": {"ESP"},
    "netherlands guilder": {"NLG"},
    "bitcoin": {"BTC"},
}
# Sub-units → (main unit, how many make one).
SUBUNITS = {"cent": ("USD", 100.0), "pence": ("GBP", 100.0), "penny": ("GBP", 100.0),
            "satoshi": ("BTC", 1e8)}  # fmt: skip


def num_key(value: float) -> str:
    return f"{value:.9g}" if math.isfinite(value) else str(value)


def expected_keys(suite: str, case: dict[str, Any]) -> set[Key] | None:
    """The values a case expects, or None when the case has nothing a library could match."""
    keys: set[Key] = set()
    for r in case.get("Results", []):
        res = r.get("Resolution") or {}
        raw = res.get("value")
        if raw in (None, "null"):
            continue  # a bare currency or "percent" word: no amount to get right
        if suite == "currency":
            unit = str(res.get("isoCurrency") or res.get("unit", "")).strip()
            value = float(raw)
            low = unit.lower()
            if low in SUBUNITS:
                unit, per = SUBUNITS[low]
                value /= per
            elif low in UNIT_NAMES:
                unit = "|".join(sorted(UNIT_NAMES[low]))
            keys.add((num_key(value), unit))
        elif suite == "percent":
            keys.add((num_key(float(str(raw).rstrip("%"))), ""))
        else:
            try:
                keys.add((num_key(float(raw)), ""))
            except ValueError:
                keys.add((str(raw), ""))  # relative ordinals ("end+0"): never produced
    return keys


def unit_matches(want: str, got: str) -> bool:
    return got in want.split("|") if want else not got


def same_keys(want: set[Key], got: set[Key]) -> bool:
    if {v for v, _ in want} != {v for v, _ in got} or len(want) != len(got):
        return False
    pool = list(got)
    for value, unit in sorted(want):
        match = next((g for g in pool if g[0] == value and unit_matches(unit, g[1])), None)
        if match is None:
            return False
        pool.remove(match)
    return True


def factcheck_keys(suite: str, text: str) -> set[Key]:
    keys: set[Key] = set()
    for m in extract_text(text):
        if m.furniture:
            continue
        q = m.quantity
        wanted_kind = {"currency": "money", "percent": "percent", "ordinal": "ordinal"}
        if q is not None and m.kind == wanted_kind.get(suite):
            keys.add((num_key(q.value), q.unit if suite == "currency" else ""))
        elif suite == "number":
            if q is not None and m.kind in ("count", "money", "percent"):
                keys.add((num_key(q.value), ""))
            elif m.kind == "year" and m.date is not None:
                keys.add((num_key(float(m.date.start.year)), ""))
    return keys


def quantulum_keys(parse: Callable[[str], list[Any]]) -> Callable[[str, str], set[Key]]:
    def keys_for(suite: str, text: str) -> set[Key]:
        keys: set[Key] = set()
        for q in parse(text):
            unit = q.unit
            name = (unit.name or "").lower()
            entity = unit.entity.name if unit.entity else ""
            if suite == "currency" and entity == "currency":
                value, code = float(q.value), getattr(unit, "currency_code", None) or ""
                if name in SUBUNITS:
                    code, per = SUBUNITS[name]
                    value /= per
                keys.add((num_key(value), code))
            elif (suite == "percent" and name in ("percentage", "percent")) or (
                suite == "number"
                and (entity in ("dimensionless", "currency") or name == "percentage")
            ):
                keys.add((num_key(float(q.value)), ""))
            # quantulum3 has no ordinals: "5th" yields nothing, "twenty-first" yields 20.
        return keys

    return keys_for


# ---------------------------------------------------------------- the units suite


@lru_cache(maxsize=1)
def _ureg() -> Any:
    """A pint registry with factcheck's news units, read from this checkout's definitions file
    (so the suite scores any checkout's extractor alike)."""
    import pint

    ureg = pint.UnitRegistry(on_redefinition="ignore")
    ureg.load_definitions(str(ROOT / "factcheck" / "data" / "units.txt"))
    return ureg


@lru_cache(maxsize=4096)
def unit_key(value: float, unit: str) -> Key | None:
    """(magnitude in SI base units, 4 significant digits; dimensionality), or None for what the
    suite does not score: plain numbers, durations, currencies, units pint cannot read."""
    ureg = _ureg()
    try:
        q = ureg.Quantity(value, unit).to_base_units()
    except Exception:  # pint's parse and conversion errors alike: not a unit of this suite
        return None
    dim = str(q.dimensionality)
    if q.dimensionless or dim in ("[time]", "1 / [time]") or "currency" in dim:
        return None
    return (f"{q.magnitude:.4g}", dim)


def load_units(path: Path = UNIT_SENTENCES) -> list[tuple[str, set[Key]]]:
    import yaml

    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for c in doc["cases"]:
        want = {unit_key(float(v), u) for v, u in c["want"]}
        assert None not in want, c
        cases.append((c["text"], {k for k in want if k is not None}))
    return cases


def factcheck_units(text: str) -> set[Key]:
    keys: set[Key] = set()
    for m in extract_text(text):
        if m.quantity is not None and m.kind not in ("money", "percent", "ordinal"):
            k = unit_key(m.quantity.value, m.quantity.unit)
            if k is not None:
                keys.add(k)
    return keys


def quantulum_units(parse: Callable[[str], list[Any]]) -> Callable[[str], set[Key]]:
    def keys_for(text: str) -> set[Key]:
        keys: set[Key] = set()
        for q in parse(text):
            dims = q.unit.dimensions or []
            expr = " * ".join(f"({d['base']}) ** {d['power']}" for d in dims) or q.unit.name
            k = unit_key(float(q.value), expr)
            if k is None:
                k = unit_key(float(q.value), (q.unit.name or "").replace(" ", "_"))
            if k is not None:
                keys.add(k)
        return keys

    return keys_for


def score_units(
    name: str, keys_for: Callable[[str], set[Key]], cases: list[tuple[str, set[Key]]]
) -> tuple[dict[str, Any], list[str]]:
    correct, misses = 0, []
    for text, want in cases:
        got = keys_for(text)
        if got == want:
            correct += 1
        else:
            misses.append(f"{text[:80]!r}: want {sorted(want)} got {sorted(got)}")
    row = {"suite": "units", "library": name, "correct": correct, "total": len(cases),
           "mb_per_s": None}  # fmt: skip
    return row, misses


def load_suite(spec_dir: Path, suite: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(
        (spec_dir / SUITES[suite]).read_text(encoding="utf-8-sig")
    )
    return cases


def score(
    name: str, keys_for: Callable[[str, str], set[Key]], suites: dict[str, list[dict[str, Any]]]
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    rows: list[dict[str, Any]] = []
    misses: dict[str, list[str]] = {}
    for suite, cases in suites.items():
        correct = 0
        for case in cases:
            want = expected_keys(suite, case) or set()
            got = keys_for(suite, case["Input"])
            if same_keys(want, got):
                correct += 1
            else:
                misses.setdefault(suite, []).append(
                    f"{case['Input'][:90]!r}: want {sorted(want)} got {sorted(got)}"
                )
        rows.append(
            {"suite": suite, "library": name, "correct": correct, "total": len(cases),
             "mb_per_s": None}
        )  # fmt: skip
    return rows, misses


def corpus(mb: float) -> str:
    seeds = "\n\n".join(
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))
    )
    target = int(mb * 1_000_000)
    text = (seeds + "\n\n") * (target // (len(seeds) + 2) + 1)
    return text[:target]


def rate(fn: Callable[[str], object], text: str) -> float:
    """MB/s of `fn` over `text` (bytes in UTF-8), in CPU time of this process: the machine is
    shared, and CPU time is what one core spends whatever the others do."""
    t0 = time.process_time()
    fn(text)
    elapsed = time.process_time() - t0
    return len(text.encode("utf-8")) / 1e6 / elapsed


def quantities_share(text: str) -> tuple[float, float]:
    """Seconds spent in dates and in quantities over `text`, as extract() calls them."""
    t0 = time.process_time()
    hits = list(find_dates(text, None))
    t1 = time.process_time()
    list(find_quantities(text, [(d.start, d.end) for d in hits]))
    t2 = time.process_time()
    return t1 - t0, t2 - t1


def date_rows(spec_dir: Path, text: str) -> list[dict[str, Any]]:
    path = Path(__file__).with_name("peers_dates.py")
    if not path.exists():
        return []
    spec = importlib.util.spec_from_file_location("peers_dates", path)
    if spec is None or spec.loader is None:
        return []
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows: list[dict[str, Any]] = module.run(spec_dir, text)
    return rows


def render(rows: Iterable[dict[str, Any]]) -> str:
    rows = list(rows)
    ours: dict[str, dict[str, Any]] = {}
    for r in rows:
        if str(r["library"]).startswith("factcheck"):
            ours.setdefault(r["suite"], r)
    table = []
    for r in rows:
        fc = ours.get(r["suite"])
        acc = f"{r['correct']}/{r['total']}" if r.get("correct") is not None else ""
        pct = f"{100 * r['correct'] / r['total']:.0f} %" if r.get("total") else ""
        mbs = f"{r['mb_per_s']:.3g}" if r.get("mb_per_s") else ""
        ratio = ""
        if fc is not None and fc is not r:
            if r.get("correct") and fc.get("correct") is not None:
                ratio = f"{fc['correct'] / r['correct']:.2f}x right"
            elif r.get("mb_per_s") and fc.get("mb_per_s"):
                ratio = f"{fc['mb_per_s'] / r['mb_per_s']:.0f}x faster"
        table.append([r["suite"], r["library"], acc, pct, mbs, ratio])
    return tabulate(
        table,
        headers=["suite", "library", "right", "accuracy", "MB/s", "factcheck ÷ peer"],
        tablefmt="github",
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec-dir", type=Path, default=SPEC_DIR)
    ap.add_argument("--mb", type=float, default=5.0, help="corpus size for throughput")
    ap.add_argument("--peer-kb", type=float, default=40.0, help="quantulum3's slice, in kB")
    ap.add_argument("--misses", choices=[*SUITES, "units", "none"], default="none",
                    help="list factcheck's wrong cases in one suite")  # fmt: skip
    args = ap.parse_args(argv)

    suites = {s: load_suite(args.spec_dir, s) for s in SUITES}
    rows, misses = score("factcheck", factcheck_keys, suites)
    unit_cases = load_units()
    unit_row, misses["units"] = score_units("factcheck", factcheck_units, unit_cases)
    rows.append(unit_row)
    notes: list[str] = []
    q_parse: Callable[[str], list[Any]] | None = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from quantulum3 import parser as q_parser  # type: ignore[import-untyped]

            q_parser.parse("warm up $5")  # loads its unit tables: not part of any rate
        q_parse = q_parser.parse
    except ImportError:
        notes.append("quantulum3 not installed: pip install -e '.[bench]'")
    if q_parse is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            q_rows, _ = score("quantulum3", quantulum_keys(q_parse), suites)
            q_units, _ = score_units("quantulum3", quantulum_units(q_parse), unit_cases)
        rows += [*q_rows, q_units]
    rows += [r for r in QUOTED if r["suite"] in SUITES]

    text = corpus(args.mb)
    fc_rate = rate(extract_text, text)
    d_s, q_s = quantities_share(text)
    rows.append({"suite": "throughput", "library": f"factcheck extract_text ({args.mb:g} MB)",
                 "correct": None, "total": None, "mb_per_s": fc_rate})  # fmt: skip
    mb = len(text.encode("utf-8")) / 1e6
    notes.append(
        f"factcheck over {mb:.1f} MB: dates {d_s:.2f} s ({mb / d_s:.1f} MB/s), quantities "
        f"{q_s:.2f} s ({mb / q_s:.1f} MB/s); quantities are {100 * q_s / (d_s + q_s):.0f} % "
        "of the extraction time"
    )
    if q_parse is not None:
        piece = text[: int(args.peer_kb * 1000)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            q_rate = rate(q_parse, piece)
        rows.append({"suite": "throughput",
                     "library": f"quantulum3 parse ({args.peer_kb:g} kB slice, scaled)",
                     "correct": None, "total": None, "mb_per_s": q_rate})  # fmt: skip
    rows.append(QUOTED[-1])

    d_rows = date_rows(args.spec_dir, text)
    if not d_rows:
        notes.append("date rows skipped: bench/peers_dates.py is not there yet")
    rows += d_rows

    print(render(rows))
    for n in notes:
        print(f"\n- {n}", end="")
    print()
    if args.misses != "none":
        print(f"\nfactcheck misses in {args.misses}:")
        for line in misses.get(args.misses, []):
            print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
