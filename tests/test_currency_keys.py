"""Every currency word the extractor knows, in every case and with any white space the patterns
allow, is read as its currency: a found prefix or suffix always meets its table entry."""

from __future__ import annotations

import pytest

from factcheck.extract import extract_text
from factcheck.extract.quantities import CURRENCY_PREFIX, CURRENCY_SUFFIX, currency_key

SPACES = [" ", "\n", "\t", "\u00a0"]
# "euro" before a figure is left to the suffix reading ("euro 5" is rare, "5 euro" common).
NOT_PREFIXES = {"euro"}


def variants(key: str) -> list[str]:
    shapes = {key, key.upper(), key.title()}
    # White space inside a key ("us dollars") or before a spaced "$" ("US $") may be any.
    return sorted({s.replace(" ", sp) for s in shapes for sp in SPACES})


def units(text: str) -> list[str]:
    return [m.quantity.unit for m in extract_text(text) if m.kind == "money" and m.quantity]


@pytest.mark.parametrize("key", sorted(set(CURRENCY_PREFIX) - NOT_PREFIXES))
def test_every_prefix_is_read_as_its_currency(key: str) -> None:
    unit = CURRENCY_PREFIX[key]
    for word in variants(key):
        # Glued or spaced; a case a key refuses ("S$" vs "s $") may find no money, never
        # another currency, and never crashes.
        found = units(f"paid {word}5 billion") + units(f"paid {word} 5 billion")
        assert set(found) <= {unit}, (word, found)
    assert unit in units(f"paid {key}5 billion") + units(f"paid {key} 5 billion")


@pytest.mark.parametrize("key", sorted(CURRENCY_SUFFIX))
def test_every_suffix_is_read_as_its_currency(key: str) -> None:
    unit = CURRENCY_SUFFIX[key].rstrip("¢")  # cents, pence and satoshis count in their base
    for word in variants(key):
        found = units(f"paid 5 billion {word} in all")
        assert set(found) <= {unit}, (word, found)
    assert unit in units(f"paid 5 billion {key} in all")


def test_case_blind_twins_fold_to_the_key() -> None:
    # regex's case-blind matching takes "ſ" for "s" and the Kelvin sign for "k".
    assert currency_key("uſd") == currency_key("USD")
    assert currency_key("U.S.\n$") == currency_key("u.s.$")
    assert units("paid 5 billion uſd") == ["USD"]
