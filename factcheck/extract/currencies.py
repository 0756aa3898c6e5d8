"""Every currency's names, symbols and codes, from the Unicode CLDR as Babel ships it.

`factcheck/data/currencies.json` is generated from Babel by this module
(`python -m factcheck.extract.currencies --write`) and committed: reading the local symbols
("zł", "RM", "₩") means loading a locale per country, most of a second, which no extraction
should pay; tests/test_currencies.py fails when the file and the installed Babel disagree.

What is taken, and why:

- codes: every ISO 4217 code CLDR lists ("SAR 5bn", "5bn SAR"), written in capitals;
- names: the English names, singular and plural ("Saudi riyal", "Saudi riyals"), of today's
  currencies and of former ones with plain names ("Finnish markka");
- bare names: the last word of a name ("riyals", "shekels", "ringgit", "zloty"), where it
  names one currency in use today, or where news takes it for one (`BARE_PREFERENCE`);
- symbols: the English symbol and each currency's local one ("₪", "zł", "RM", "R$"), where
  no other currency in use shares it;
- iso, english_symbols: every code Babel lists and each one's English symbol, for the unit
  registry and the reports' wording (`factcheck/cldr.py` reads the file for them).

`quantities` adds these to its own tables, which keep the spellings newsrooms use that CLDR
does not ("bln", "stg", "MUSD") and win where the two differ.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import unicodedata
from pathlib import Path
from typing import Any

from factcheck.cldr import DATA, table

__all__ = ["DATA", "build", "table"]

# Bare names more than one currency in use bears, read as news reads them unqualified.
BARE_PREFERENCE = {
    "dollar": "USD",
    "pound": "GBP",
    "franc": "CHF",
    "peso": "MXN",
    "rupee": "INR",
    "riyal": "SAR",
    "dirham": "AED",
    "won": "KRW",
    "ruble": "RUB",
    "krona": "SEK",
    "krone": "NOK",
    "manat": "AZN",
    "som": "KGS",
    "leu": "RON",
    "shilling": "KES",
}
# Words that are also common English (or name other things): read as a currency only right
# after a number in digits, and not before a noun ("3 real estate firms", "5 marks out of 10").
AMBIGUOUS_WORDS = frozenset(
    [
        "won",
        "rand",
        "real",
        "reals",
        "mark",
        "marks",
        "sol",
        "soles",
        "sum",
        "sums",
        "som",
        "kip",
        "lek",
        "lei",
        "leu",
        "lev",
        "dong",
        "birr",
        "tala",
        "pula",
        "vatu",
        "kina",
        "taka",
        "lari",
        "cedi",
        "colon",
        "rial",
        "rials",
        "pound",
        "pounds",
        "franc",
        "francs",
        "dram",
        "drams",
        "lira",
        "lire",
        "real",
    ]
)
# Codes that are English words in capitals ("ALL 5 MEMBERS", "TOP 10"): not read as codes.
CODE_WORDS = frozenset({"ALL", "TOP", "CUP", "PEN", "MAD", "GEL", "SOS", "BOB", "MOP", "TRY"})


def build() -> dict[str, Any]:
    """The tables, from the installed Babel (slow: loads a locale per currency)."""
    import babel
    from babel import Locale
    from babel.core import get_global
    from babel.numbers import get_currency_name, get_territory_currencies, list_currencies

    today = dt.date(2025, 1, 1)  # fixed, so the file does not change with the clock
    territories: dict[str, list[str]] = {}
    for t in sorted(get_global("territory_currencies")):
        for c in get_territory_currencies(t, today):
            territories.setdefault(c, []).append(t)
    current = set(territories)
    codes = sorted(c for c in list_currencies() if not c.startswith("X") or c in current)
    en = Locale("en")
    names: dict[str, str] = {}
    shared: set[str] = set()
    bare: dict[str, set[str]] = {}
    for code in codes:
        for count in (1, 2):
            name = get_currency_name(code, count=count, locale="en")
            if not all(w.isalpha() or w.replace("’", "").isalpha() for w in name.split()):
                continue  # "Bolivian Mvdol", "Ghanaian cedi (1979–2007)"
            key = name.lower()
            if key in names and names[key] != code:
                if code in current and names[key] in current:
                    shared.add(key)  # "bolívar soberano": VES and VED, neither picked
                continue
            names[key] = code
            if code in current:
                bare.setdefault(name.split()[-1].lower(), set()).add(code)
    for key in shared:
        del names[key]
    for word, owners in sorted(bare.items()):
        singular = word[:-1] if word.endswith("s") and word[:-1] in bare else word
        pick = BARE_PREFERENCE.get(singular)
        if pick is None and len(owners) == 1:
            pick = next(iter(owners))
        if pick is not None and word not in names:
            names[word] = pick
    symbols: dict[str, set[str]] = {}
    for code in codes:
        sym = en.currency_symbols.get(code)
        if sym and sym != code:
            symbols.setdefault(sym, set()).add(code)
    for code, ts in sorted(territories.items()):
        try:
            local = Locale.parse(f"und_{ts[0]}")
        except (ValueError, babel.UnknownLocaleError):
            continue
        sym = local.currency_symbols.get(code)
        if sym and sym != code and any(ch.isalpha() or not ch.isascii() for ch in sym):
            symbols.setdefault(sym, set()).add(code)
    usable = {
        s: next(iter(cs)) for s, cs in sorted(symbols.items()) if len(cs) == 1 and _usable_symbol(s)
    }
    return {
        "babel": babel.__version__,
        "codes": codes,
        "names": dict(sorted(names.items())),
        "symbols": usable,
        # Every code Babel lists (factcheck/units.py: each a base dimension of pint's), and
        # the English symbol of each that has one besides its code (factcheck/wording.py).
        "iso": sorted(list_currencies()),
        "english_symbols": {
            code: sym for code, sym in sorted(en.currency_symbols.items()) if sym != code
        },
    }


def _usable_symbol(sym: str) -> bool:
    """A symbol that can stand before a figure: no right-to-left marks, and, when it is plain
    Latin letters, at least three of them ("Ksh"), or the newsroom staples "RM" and "Rp": "R",
    "KM", "Br" or "Le" before a number are too often something else."""
    if any(unicodedata.category(ch)[0] in "CZ" or "\u0600" <= ch <= "\u06ff" for ch in sym):
        return False  # format marks, spaces, Arabic script: not written before a figure here
    letters = sym.rstrip(".")
    if letters.isascii() and letters.isalpha():
        return len(letters) >= 3 or letters in ("RM", "Rp")
    return True


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="regenerate factcheck/data/currencies.json")
    ap.add_argument("--write", action="store_true", help="write the file (else print it)")
    args = ap.parse_args(argv)
    text = render(build())
    if args.write:
        path = Path(__file__).resolve().parent.parent / "data" / DATA
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
