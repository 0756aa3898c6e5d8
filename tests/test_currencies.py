"""The committed CLDR currency tables (factcheck/data/currencies.json) are what the installed
Babel gives, and hold the currencies issue 12 names."""

from __future__ import annotations

import pytest

from factcheck.extract import currencies


def test_table_names_the_currencies_news_uses() -> None:
    t = currencies.table()
    names, symbols = t["names"], t["symbols"]
    for name, code in [
        ("saudi riyals", "SAR"),
        ("shekels", "ILS"),
        ("ringgit", "MYR"),
        ("won", "KRW"),
        ("dirhams", "AED"),
        ("zloty", "PLN"),
        ("israeli new shekels", "ILS"),
    ]:
        assert names[name] == code
    assert symbols["₪"] == "ILS" and symbols["zł"] == "PLN" and symbols["RM"] == "MYR"
    assert {"SAR", "ILS", "USD", "KZT"} <= set(t["codes"])


def test_table_is_what_babel_gives() -> None:
    babel = pytest.importorskip("babel")
    committed = currencies.table()
    if committed["babel"] != babel.__version__:
        pytest.skip(f"table from Babel {committed['babel']}, installed {babel.__version__}")
    assert currencies.build() == committed, (
        "regenerate: python -m factcheck.extract.currencies --write"
    )
