"""Exchange rates of a rules file: claims convert at a rate whose period holds theirs; without
one they are never compared, and the report's coverage says why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from factcheck.bind.binder import Binder
from factcheck.extract import extract
from factcheck.ingest import SourceMeta, build_source
from factcheck.rules import load_rules

RULES = Path(__file__).parent / "fixtures" / "bind_rules" / "fx"


def bind(text: str) -> tuple[list, list]:  # type: ignore[type-arg]
    source = build_source("a", "a.txt", text, meta=SourceMeta(published=dt.date(2024, 1, 10)))
    return Binder(load_rules([RULES])).bind(source, extract(source))


def test_a_converted_claim_names_its_rate_and_widens_by_its_tolerance() -> None:
    claims, _ = bind("In 2022 trade turnover amounted to 1.5 trillion rubles.")
    [c] = claims
    assert c.rate == "usd_rub_2022" and c.unit == "USD"
    # [1.45e12, 1.55e12] RUB at 68.48, widened by 0.5 %
    assert c.low is not None and c.high is not None
    assert abs(c.low - 1.45e12 / 68.48 * 0.995) < 1 and abs(c.high - 1.55e12 / 68.48 * 1.005) < 1


def test_without_a_rate_the_figure_stays_unbound_and_says_why() -> None:
    claims, unbound = bind("In 2023 trade turnover amounted to 1.7 trillion rubles.")
    assert not claims
    [u] = unbound
    assert u.text == "1.7 trillion rubles"
    assert "RUB/USD" in u.reason and "no exchange rate" in u.reason and "2023" in u.reason
