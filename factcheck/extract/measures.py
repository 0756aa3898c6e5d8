"""Physical quantities: a number and a unit pint reads ("4.2 million tonnes", "620 km",
"90,000 b/d", "55 bcm", "12.5 mln t", "300 MW", "1,500 miles (2,414 km)").

The number, its scale words and its interval are read by `quantities`; this module says whether
the words after it are a unit, and which.  pint's registry (with the news units of
`factcheck/data/units.txt`) is the one list of unit names, symbols, aliases, prefixes and
plurals: a word is a unit when pint reads it as one of the dimensions below.  What this module
adds is only what pint cannot know: English words pint also reads as units ("in" is an inch,
"at" an atmosphere, "points" a typographic length), news abbreviations pint reads otherwise
("b/d" would be barns a day), and that "a 40-tonne truck" names a kind of truck, not an amount.

Cases: tests/fixtures/extract/measures.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from factcheck.units import could_be_unit, dimension, registry

# The dimensions a news figure is measured in (pint's dimensionality → a name for people).
# Durations, angles, temperatures and plain ratios are not here: "5 years" is read by the date
# extractor, "30 degrees" may be either, and a ratio is a count or a percent.
DIMENSIONS: dict[str, str] = {
    "[mass]": "mass",
    "[length]": "length",
    "[length] ** 2": "area",
    "[length] ** 3": "volume",
    "[mass] * [length] ** 2 / [time] ** 3": "power",
    "[mass] * [length] ** 2 / [time] ** 2": "energy",
    "[length] ** 3 / [time]": "volume flow",
    "[mass] / [time]": "mass flow",
    "[length] / [time]": "speed",
}

# English words after a number that pint would read as a unit, but a reader would not.
NOT_UNITS = frozenset(
    [
        "a",
        "an",
        "at",
        "are",
        "in",
        "is",
        "as",
        "if",
        "it",
        "of",
        "on",
        "or",
        "to",
        "by",
        "be",
        "no",
        "so",
        "per",
        "the",
        "and",
        "b",
        "bar",
        "bars",
        "barn",
        "barns",
        "board",
        "boards",
        "cable",
        "cables",
        "chain",
        "chains",
        "cord",
        "cords",
        "cup",
        "cups",
        "drop",
        "drops",
        "grain",
        "grains",
        "hand",
        "hands",
        "league",
        "leagues",
        "line",
        "lines",
        "link",
        "links",
        "mil",
        "mils",
        "pica",
        "pinch",
        "point",
        "points",
        "pole",
        "poles",
        "rod",
        "rods",
        "span",
        "spans",
        "stone",
        "stones",
        "am",
        "pm",
        "quarter",
        "quarters",
        "fifth",
        "fifths",
        "third",
        "thirds",
        "doz",
        "dozs",
        "dozen",
        "dozens",
        "gross",
        "score",
        "scores",
        "bag",
        "bags",
        "bucket",
        "buckets",
    ]
)

# Prefixes no news figure uses, that pint would read into an English word or a clock time:
# "3pm" is not 3 picometres, "8am" not 8 attometres, "dozs" not deci-ounces.
NO_PREFIXES = ("quecto", "ronto", "yocto", "zepto", "atto", "femto", "pico", "ronna", "quetta")

# News abbreviations pint reads as something else, in the form pint reads as meant (the
# right-hand names are defined in factcheck/data/units.txt).
SPELLINGS = {
    "b/d": "bpd",
    "bbl/d": "bpd",
    "mb/d": "mbpd",
    "mmb/d": "mbpd",
    "mmbpd": "mbpd",
    "B/D": "bpd",
    "MMT": "mmt",
    "mt": "",  # metric or million tonnes, by desk: neither is guessed
    "MT": "",
}

_WORD = r"[^\W\d_](?:[\w²³]*[^\W_])?(?:/[^\W\d_]+)?"
_PRE = r"(?P<pre>cubic|square|sq\.?|metric|short|long|nautical|imperial)[\s\u00a0]+"
UNIT_AFTER = regex.compile(
    rf"(?P<sep>[\s\u00a0]?-[\s\u00a0]?|[\s\u00a0]*)(?:{_PRE})?(?P<u>{_WORD})"
    rf"(?:(?:[\s\u00a0]*/[\s\u00a0]*|[\s\u00a0]+(?:per|an?)[\s\u00a0]+)(?P<d>{_WORD}))?"
    r"(?![\w/])"
)


_MT = regex.compile(r"[\s\u00a0]*(?:mt|MT)(?![\w/])")
_FIRST_WORD = regex.compile(rf"(?:[\s\u00a0]?-[\s\u00a0]?|[\s\u00a0]*)(?P<w>{_WORD})")
_PRE_WORDS = frozenset(
    {"cubic", "square", "sq", "sq.", "metric", "short", "long", "nautical", "imperial"}
)


@dataclass(frozen=True)
class Unit:
    """A unit found after a number."""

    end: int
    unit: str  # pint's name for it: "metric_ton", "kilometer", "barrel / day"
    modifier: bool  # "a 40-tonne truck": the figure describes a noun, it is no amount


def unit_after(text: str, end: int, scaled: bool = False) -> Unit | None:
    """The unit written right after a number ending at `end`, if pint reads one there.

    `scaled`: the number had a scale word ("4 million mt"), so an "mt" after it is tonnes;
    alone, "500 mt" is metric tonnes to some desks and million tonnes to others, and is not
    read."""
    if scaled:
        mt = _MT.match(text, end)
        if mt:
            return Unit(mt.end(), "metric_ton", False)
    first = _FIRST_WORD.match(text, end, end + 40)
    if first is None:
        return None
    word = first.group("w")
    head = word.split("/")[0]  # "km/h": its numerator says whether a unit may stand here
    if (
        word.lower() not in _PRE_WORDS
        and word not in SPELLINGS
        and not could_be_unit(head)
        and not could_be_unit(head.lower())
    ):
        return None  # most figures are followed by a word that is no unit: done cheaply
    m = UNIT_AFTER.match(text, end, end + 60)
    if m is None:
        return None
    pre = (m.group("pre") or "").lower().rstrip(".")
    word, per = m.group("u"), m.group("d")
    if per is not None:
        name = _unit_name(pre, word, per)
        if name is not None:
            return Unit(m.end(), name, "-" in m.group("sep"))
    name = _unit_name(pre, word, None)
    if name is None:
        return None
    return Unit(m.end("u"), name, "-" in m.group("sep"))


@lru_cache(maxsize=65536)
def _unit_name(pre: str, word: str, per: str | None) -> str | None:
    """pint's name for "pre word / per" when it is a unit of a news dimension, else None."""
    if word.lower() in NOT_UNITS or (per is not None and per.lower() in NOT_UNITS):
        return None
    head = _spelled(word)
    if head is None:
        return None
    if pre in ("metric", "short", "long", "nautical", "imperial"):
        # pint's names join the qualifier: "short_ton", "nautical_mile"; a metric tonne is a
        # tonne ("metric tonnes" has no name of its own).
        joined = f"{pre}_{head}"
        head = head if pre == "metric" and dimension(joined) is None else joined
    elif pre:
        head = f"{'square' if pre == 'sq' else pre} {head}"
    expr = head
    if per is not None:
        tail = _spelled(per)
        if tail is None:
            return None
        expr = f"({head}) / ({tail})"
    for candidate in (expr, expr.lower()) if len(word) > 3 else (expr,):
        dim = dimension(candidate)
        if dim in DIMENSIONS:
            name = str(registry().parse_units(candidate))
            if name.startswith(NO_PREFIXES) or (name.startswith("deci") and "ounce" in name):
                return None
            return name
    return None


def _spelled(word: str) -> str | None:
    """A written unit word in the form pint reads as meant; None where it must not be read."""
    return SPELLINGS.get(word, word) or None


def compatible(a: str, b: str) -> bool:
    """Whether two units found in text measure the same thing ("mile" and "kilometer")."""
    return dimension(a) == dimension(b)
