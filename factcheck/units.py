"""The one pint UnitRegistry of factcheck: currencies, physical units, percent and counts.

pint is the one source of truth for what a unit is.  Its own definitions give every physical
unit a rule or an article may write (tonne, km, MW, hectare, litre, short_ton, barrel / day);
the news units it lacks (bcm, tcf, mmt, bpd, the 42-gallon barrel) are defined once in
`factcheck/data/units.txt`, which the registry loads.  Currencies come from Babel's CLDR data
(every ISO code) and are separate base dimensions: two currencies are compared only through an
exchange rate a rules file states, never through one factcheck assumes.
Rule files write quantities as strings ("0.5 percent", "22.2e9 USD", "4.2 million tonne") and
they are parsed here.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import math
import re
import shutil
import sys
import tempfile
import time
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from factcheck import cldr, usercache

if TYPE_CHECKING:
    import pint

# Codes outside ISO 4217 that news writes like currencies.
EXTRA_CURRENCIES = ("BTC",)

SCALES: dict[str, float] = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
}

# Units a metric may be measured in, besides currencies and pint's physical units.
# `entities`: a list of members ("Its members are Armenia, Belarus, ..."), compared as a set.
PLAIN_UNITS = ("percent", "pp", "count", "rank", "year", "date", "entities")

# Spellings a rule writer may use for a plain unit, folded to it (with a note from `rules
# check`).  Currency codes fold from any case: "usd" is USD.
UNIT_FOLDS = {
    "%": "percent",
    "per cent": "percent",
    "percentage": "percent",
    "percents": "percent",
    "pct": "percent",
    "percentage point": "pp",
    "percentage points": "pp",
    "p.p.": "pp",
    "counts": "count",
    "number": "count",
    "years": "year",
    "dates": "date",
    "ranks": "rank",
}
# Spellings pint reads, but not as a news writer means them.
AMBIGUOUS_UNITS = {
    "mt": "pint reads 'mt' as a thousandth of a tonne; write 'Mt' (million tonnes, also "
    "'mmt') or 't' (tonnes)",
    "MT": "'MT' is metric tonnes to some desks and million tonnes to others; write 'Mt' "
    "(million tonnes) or 't' (tonnes)",
}
# The units an editor offers first (the JSON Schema lists them); any pint unit validates.
COMMON_UNITS = (
    "USD",
    "EUR",
    "GBP",
    "CNY",
    "RUB",
    "percent",
    "pp",
    "count",
    "rank",
    "year",
    "date",
    "entities",
    "tonne",
    "Mt",
    "kg",
    "km",
    "mile",
    "hectare",
    "sq km",
    "litre",
    "barrel",
    "barrel / day",
    "bcm",
    "cubic metre",
    "tcf",
    "MW",
    "GW",
    "kWh",
    "TWh",
)


class UnitError(ValueError):
    """A unit or quantity string that factcheck cannot read."""


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    """Every currency code: ISO 4217 as CLDR (through Babel) lists it, and a few others."""
    return frozenset(cldr.table()["iso"]) | frozenset(EXTRA_CURRENCIES)


def is_currency(unit: str) -> bool:
    return unit in currencies()


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry[float]:
    """The one registry: pint's units, factcheck's news units, currencies and scale words."""
    return new_registry(usercache.folder("pint"))


def new_registry(cache: Path | None) -> pint.UnitRegistry[float]:
    """A registry built afresh, with pint's parsed definitions read from (or saved to) a
    folder under `cache` when there is one: parsing them costs about a quarter of a second,
    reading them back a fiftieth, in every process that meets a unit word.

    The cache is one folder per set of inputs (pint's version, Python's, the definitions),
    filled in a private folder and renamed into place whole, so that workers starting together
    never read a file another one is still writing.  A cache that fails to load (a damaged
    file) is removed, and the registry is built without it."""
    # Imported here: pint (and the numpy and dask it looks for) takes about half a second to
    # load, and most rule files never need it (see parse_quantity).
    import pint

    news = _news_definitions()
    if cache is not None:
        inputs = [pint.__version__, sys.version, *map(_version, _PINT_PARTS), news]
        ready = cache / hashlib.sha256("\0".join(inputs).encode()).hexdigest()[:20]
        if usercache.trusted(ready):
            try:
                return _build(news, ready)
            except Exception:  # pint and pickle raise anything on a damaged file
                shutil.rmtree(ready, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):  # a cache that cannot be written: none
                return _fill(news, cache, ready)
    return _build(news, None)


# What pint's cache files are pickled with, besides pint itself.
_PINT_PARTS = ("flexparser", "flexcache")
_NEWS_FILE = "news-units.txt"
_KEEP = 4  # cache folders kept (other versions of factcheck or pint sharing the home folder)


def _news_definitions() -> str:
    """factcheck's definitions over pint's: the news units of data/units.txt, every currency
    code as a base dimension of its own, and the scale words."""
    lines = [(resources.files("factcheck") / "data" / "units.txt").read_text(encoding="utf-8")]
    lines += [f"{code} = [currency_{code.lower()}]" for code in sorted(currencies())]
    lines += [f"{word} = {factor:g}" for word, factor in SCALES.items()]
    lines += ["bln = billion", "mln = million"]
    return "\n".join(lines) + "\n"


def _build(news: str, cache: Path | None) -> pint.UnitRegistry[float]:
    import pint

    # The definitions redefine pint's barrel (an oil barrel in news): allowed, quietly.
    ureg: pint.UnitRegistry[float] = pint.UnitRegistry(
        autoconvert_offset_to_baseunit=True, on_redefinition="ignore", cache_folder=cache
    )
    if cache is None:
        ureg.load_definitions(news.splitlines())
    else:  # a file, which pint's cache keeps parsed
        ureg.load_definitions(cache / _NEWS_FILE)
    if "count" not in ureg:  # recent pint defines it already
        ureg.define("count = []")
    ureg.define("rank = []")
    return ureg


def _fill(news: str, cache: Path, ready: Path) -> pint.UnitRegistry[float]:
    """The registry, built with a new cache folder that then becomes `ready`."""
    private = Path(tempfile.mkdtemp(prefix=".new-", dir=cache))
    try:
        (private / _NEWS_FILE).write_text(news, encoding="utf-8")
        ureg = _build(news, private)
        with contextlib.suppress(OSError):  # another process got there first: theirs is kept
            private.rename(ready)
            _prune(cache, ready)
        return ureg
    finally:
        shutil.rmtree(private, ignore_errors=True)


def _prune(cache: Path, ready: Path) -> None:
    """Keep the newest cache folders only, and remove private ones left by killed processes."""
    entries = sorted(((p.stat().st_mtime, p) for p in cache.iterdir()), reverse=True)
    kept = 1  # `ready`
    for mtime, entry in entries:
        if entry.name.startswith(".new-"):
            if time.time() - mtime > 3600:
                shutil.rmtree(entry, ignore_errors=True)
        elif entry != ready:
            kept += 1
            if kept > _KEEP:
                shutil.rmtree(entry, ignore_errors=True)


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return ""


def fold_unit(unit: str) -> str:
    """A rule writer's spelling of a unit, in the form factcheck keys it by."""
    u = unit.strip()
    if u in PLAIN_UNITS or is_currency(u):
        return u
    folded = UNIT_FOLDS.get(u.lower())
    if folded:
        return folded
    if is_currency(u.upper()) and not _pint_unit(u):
        return u.upper()
    return u


def check_unit(unit: str) -> str:
    """`unit` (folded, see `fold_unit`) if factcheck can read it, else a UnitError that says
    what was meant: a plain unit, a currency code or a physical unit pint reads."""
    u = fold_unit(unit)
    if u in PLAIN_UNITS or is_currency(u):
        return u
    if u in AMBIGUOUS_UNITS:
        raise UnitError(f"ambiguous unit {u!r}: {AMBIGUOUS_UNITS[u]}")
    dim = dimension(u)
    if dim is None:
        close = difflib.get_close_matches(u, [*COMMON_UNITS, *_unit_names()], n=1, cutoff=0.7)
        if close and close[0] == u:
            raise UnitError(f"unit {u!r} is a scale with an offset (a temperature), not an amount")
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UnitError(
            f"unknown unit {u!r}{hint} (a currency code, percent, pp, count, rank, year, date, "
            "entities, or a physical unit such as tonne, km, barrel / day)"
        )
    if dim == "dimensionless":
        raise UnitError(f"unit {u!r} is a plain number; use count (or percent)")
    return u


def is_physical(unit: str) -> bool:
    """Whether a metric's or a mention's unit is a physical one (tonne, km), read by pint."""
    return unit not in PLAIN_UNITS and not is_currency(unit) and dimension(unit) is not None


@lru_cache(maxsize=1024)
def _pint_unit(unit: str) -> Any:
    """pint's reading of a unit expression, or None; an offset unit (degC) is no amount."""
    ureg = registry()
    try:
        u = ureg.parse_units(unit)
    except Exception:  # pint raises lookup, syntax, tokenize and value errors alike
        return None
    try:
        zero = ureg.Quantity(0.0, u).to_base_units().magnitude
    except Exception:  # a unit pint cannot reduce to its base units
        return None
    return u if zero == 0 else None  # an offset unit (degC): no amount scales with it


@lru_cache(maxsize=1024)
def dimension(unit: str) -> str | None:
    """pint's dimensionality of a unit, as text ("[length]", "[mass] / [time]"), or None when
    pint cannot read it."""
    u = _pint_unit(unit)
    if u is None:
        return None
    dim = str(u.dimensionality)
    return "dimensionless" if dim in ("", "dimensionless") else dim


@lru_cache(maxsize=4096)
def factor(from_unit: str, to_unit: str) -> float | None:
    """How many `to_unit` one `from_unit` is ("mile" → "km": 1.609344), or None when they
    measure different things (never comparable)."""
    if from_unit == to_unit:
        return 1.0
    a, b = _pint_unit(from_unit), _pint_unit(to_unit)
    if a is None or b is None or a.dimensionality != b.dimensionality:
        return None
    ureg = registry()
    return float(ureg.Quantity(1.0, a).to(b).magnitude)


@lru_cache(maxsize=65536)
def could_be_unit(word: str) -> bool:
    """Whether pint could read `word` as a unit: a name, symbol or alias of its registry, with
    a prefix ("km", "megawatts") and a plural ("tonnes") as pint allows.  A cheap test for the
    extractor, which asks it of every word after a figure; `dimension` gives the answer."""
    ureg = registry()
    names = ureg._units  # pint has no public view of its names, symbols and aliases
    for suffix in ureg._suffixes:
        if suffix and not word.endswith(suffix):
            continue
        stem = word[: len(word) - len(suffix)] if suffix else word
        if stem in names:
            return True
        for prefix in ureg._prefixes:
            if prefix and stem.startswith(prefix) and stem[len(prefix) :] in names:
                return True
    return False


@lru_cache(maxsize=1)
def _unit_names() -> tuple[str, ...]:
    ureg = registry()
    # pint names the prefixed units its definitions refer to ("kilometer") while it resolves
    # them, which a registry read from its cache has not done yet: done here, so that the
    # names are the same either way (an error's hint, the one place they are listed).
    ureg._build_cache()
    return tuple(sorted(ureg._units))  # pint has no public list of its unit names


# A plain number, optionally of percent; no leading zeros, which pint reads its own way ("007"
# is 0 to it).
_PLAIN = re.compile(
    r"(?P<n>[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(?:\s+percent)?", re.ASCII
)


def parse_quantity(text: str, unit: str | None = None) -> float:
    """Parse a rule-file quantity such as "22.2e9 USD", "0.5 percent" or "1.5 billion USD".

    With `unit`, the quantity must be in that unit (or dimensionless) and its magnitude in that
    unit is returned.  Percent stays in percent points: "0.5 percent" → 0.5.  A value beyond
    floats ("1e999 USD", "inf", "nan") is a UnitError: no figure in an article can match it,
    and reports could not draw it.
    """
    return finite(_read_quantity(text, unit), text)


def finite(value: float, written: object) -> float:
    """`value` as a float, or a UnitError naming how the rule file wrote it when it is beyond
    floats (inf, nan, or an integer too long for one)."""
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise UnitError(f"{written!r} is not a finite number")
    return number


def _read_quantity(text: str, unit: str | None) -> float:
    plain = _PLAIN.fullmatch(text.strip())
    if plain and (unit is None or not is_currency(unit)):
        # A bare number, or a number of percent: what pint would return, without loading it
        # (pint reads "-0" as the integer 0, "-0.0" as the float -0.0).
        n = plain["n"]
        return float(int(n)) if n.lstrip("+-").isdigit() else float(n)
    import pint

    ureg = registry()
    try:
        q: Any = ureg.Quantity(text.strip())
    except Exception as exc:  # pint raises tokenize, syntax, lookup and value errors alike
        raise UnitError(f"cannot read quantity {text!r}: {exc}") from None
    if not isinstance(q, pint.Quantity):
        return float(q)
    if unit is None or (q.dimensionless and not is_currency(unit)):
        if q.units == ureg.percent:
            return float(q.magnitude)
        return float(q.to("dimensionless").magnitude) if q.dimensionless else float(q.magnitude)
    if unit == "percent":
        if not q.dimensionless:
            raise UnitError(f"{text!r} is not a percentage")
        return float(q.to("percent").magnitude)
    if is_currency(unit) or is_physical(unit):
        try:
            return float(q.to(unit).magnitude)
        except pint.errors.DimensionalityError:
            what = dimension(str(q.units))
            of = f" (it is {what}, {unit} is {dimension(unit)})" if is_physical(unit) else ""
            raise UnitError(f"{text!r} is not an amount in {unit}{of}") from None
    if not q.dimensionless:
        raise UnitError(f"{text!r} is not a plain number ({unit})")
    return float(q.to("dimensionless").magnitude)
