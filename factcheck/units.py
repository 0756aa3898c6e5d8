"""The one pint UnitRegistry of factcheck: currencies, scale words, percent and counts.

Currencies are separate base dimensions: factcheck never converts between them (no exchange
rates are assumed), so "$15.6 bln" and "1.5 trillion rubles" are kept side by side, not equated.
Rule files write quantities as strings ("0.5 percent", "22.2e9 USD") and they are parsed here.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pint

# ISO code → dimension name.  Add a currency here and every rule file can use its code.
CURRENCIES: dict[str, str] = {
    "USD": "US dollar",
    "EUR": "euro",
    "GBP": "pound sterling",
    "RUB": "Russian rouble",
    "KZT": "Kazakh tenge",
    "CNY": "Chinese yuan",
    "JPY": "Japanese yen",
    "INR": "Indian rupee",
    "CAD": "Canadian dollar",
    "AUD": "Australian dollar",
    "HKD": "Hong Kong dollar",
    "CHF": "Swiss franc",
    "UAH": "Ukrainian hryvnia",
    "TRY": "Turkish lira",
    "KRW": "South Korean won",
    "BRL": "Brazilian real",
    "MXN": "Mexican peso",
    "NZD": "New Zealand dollar",
    "SGD": "Singapore dollar",
    "AZN": "Azerbaijani manat",
    "UZS": "Uzbek sum",
    "BYN": "Belarusian rouble",
    "AMD": "Armenian dram",
    "KGS": "Kyrgyz som",
}

SCALES: dict[str, float] = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
}

# Units a metric may be measured in, besides the currencies.
# `entities`: a list of members ("Its members are Armenia, Belarus, ..."), compared as a set.
PLAIN_UNITS = ("percent", "pp", "count", "rank", "year", "date", "entities")


class UnitError(ValueError):
    """A unit or quantity string that factcheck cannot read."""


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry[float]:
    # Imported here: pint (and the numpy and dask it looks for) takes about half a second to
    # load, and most rule files never need it (see parse_quantity).
    import pint

    ureg: pint.UnitRegistry[float] = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for code in CURRENCIES:
        ureg.define(f"{code} = [currency_{code.lower()}]")
    for word, factor in SCALES.items():
        ureg.define(f"{word} = {factor:g}")
    ureg.define("bln = billion")
    ureg.define("mln = million")
    if "count" not in ureg:  # recent pint defines it already
        ureg.define("count = []")
    ureg.define("rank = []")
    return ureg


def check_unit(unit: str) -> str:
    """Return `unit` if it is a currency code or a plain unit factcheck knows, else raise."""
    if unit in CURRENCIES or unit in PLAIN_UNITS:
        return unit
    known = ", ".join([*PLAIN_UNITS, *sorted(CURRENCIES)])
    raise UnitError(f"unknown unit {unit!r}; use one of: {known}")


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
    if plain and unit not in CURRENCIES:
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
    if unit is None or (q.dimensionless and unit not in CURRENCIES):
        if q.units == ureg.percent:
            return float(q.magnitude)
        return float(q.to("dimensionless").magnitude) if q.dimensionless else float(q.magnitude)
    if unit == "percent":
        if not q.dimensionless:
            raise UnitError(f"{text!r} is not a percentage")
        return float(q.to("percent").magnitude)
    if unit in CURRENCIES:
        try:
            return float(q.to(unit).magnitude)
        except pint.errors.DimensionalityError:
            raise UnitError(f"{text!r} is not an amount in {unit}") from None
    if not q.dimensionless:
        raise UnitError(f"{text!r} is not a plain number ({unit})")
    return float(q.to("dimensionless").magnitude)
