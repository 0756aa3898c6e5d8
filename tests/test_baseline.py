"""The baseline file: fingerprints that survive edits, reasons that survive re-runs, located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.baseline import (
    Baseline,
    entry_for,
    finding_fingerprint,
    load_baseline,
    merge,
    render_baseline,
    write_baseline,
)
from factcheck.errors import FactcheckError
from factcheck.gate import accepted_entries
from factcheck.models import Claim, Finding, Period, Report


def claim(
    source: str, value: float | str, line: int = 1, start: int = 0, quote: str = "q"
) -> Claim:
    is_date = isinstance(value, str)
    return Claim(
        id=f"{source}:{line}:{start + 1}:m",
        source=source,
        metric="m",
        subject=("A", "B"),
        value=value,
        unit="year" if is_date else "USD",
        low=value,
        high=value,
        quote=quote,
        line=line,
        column=start + 1,
        start=start,
        end=start + 4,
    )


def conflict(*cs: Claim, rule: str = "m.agree", known_fact: bool = False) -> Finding:
    return Finding(
        rule=rule,
        kind="known_fact" if known_fact else "agreement",
        status="conflict",
        metric="m",
        subject=("A", "B"),
        period=Period.model_validate({"start": "2022-01-01", "end": "2022-12-31"}),
        claims=tuple(c.id for c in cs),
        known_fact=known_fact,
        fact="f1" if known_fact else None,
        message="they differ",
    )


def by_id(*cs: Claim) -> dict[str, Claim]:
    return {c.id: c for c in cs}


def test_fingerprint_ignores_lines_and_quotes() -> None:
    a, b = claim("s1", 22.2e9), claim("s2", 23.6e9)
    moved_a = claim("s1", 22.2e9, line=40, start=900, quote="reworded around the same figure")
    assert finding_fingerprint(conflict(a, b), by_id(a, b)) == finding_fingerprint(
        conflict(moved_a, b), by_id(moved_a, b)
    )


def test_fingerprint_changes_with_a_value_a_source_or_the_rule() -> None:
    a, b = claim("s1", 22.2e9), claim("s2", 23.6e9)
    base = finding_fingerprint(conflict(a, b), by_id(a, b))
    other_value = claim("s2", 23.7e9)
    other_source = claim("s3", 23.6e9)
    assert finding_fingerprint(conflict(a, other_value), by_id(a, other_value)) != base
    assert finding_fingerprint(conflict(a, other_source), by_id(a, other_source)) != base
    assert finding_fingerprint(conflict(a, b, rule="m.other"), by_id(a, b)) != base


def test_a_figure_repeated_in_one_article_is_the_same_conflict() -> None:
    a, b = claim("s1", "2002"), claim("s2", "2012")
    again = claim("s1", "2002", line=9, start=300)
    assert finding_fingerprint(conflict(a, b), by_id(a, b)) == finding_fingerprint(
        conflict(a, again, b), by_id(a, again, b)
    )


def test_render_load_round_trip_is_byte_stable(tmp_path: Path) -> None:
    a, b = claim("s1", "2002"), claim("s2", 23.6e9)
    entries = merge([entry_for(conflict(a, b), by_id(a, b))], Baseline(), "accepted: why")
    path = tmp_path / "baseline.yaml"
    write_baseline(path, entries)
    loaded = load_baseline(path)
    assert loaded.entries == tuple(entries)
    assert render_baseline(loaded.entries) == path.read_text(encoding="utf-8")
    assert "'2002'" in path.read_text(encoding="utf-8")  # a year stays text, not an int


def test_merge_keeps_reasons_and_fills_only_empty_ones() -> None:
    a, b, c = claim("s1", "2002"), claim("s2", "2012"), claim("s3", "2013")
    first = entry_for(conflict(a, b), by_id(a, b), reason="written by a person")
    previous = Baseline([first])
    second = entry_for(conflict(a, c), by_id(a, c))
    merged = merge([entry_for(conflict(a, b), by_id(a, b)), second], previous, "bulk reason")
    reasons = {e.fingerprint: e.reason for e in merged}
    assert reasons[first.fingerprint] == "written by a person"
    assert reasons[second.fingerprint] == "bulk reason"


def test_merge_drops_entries_that_no_longer_occur() -> None:
    a, b = claim("s1", "2002"), claim("s2", "2012")
    old = entry_for(conflict(a, b), by_id(a, b), reason="old")
    assert merge([], Baseline([old]), None) == []


def test_hand_written_values_compare_like_claims(tmp_path: Path) -> None:
    a, b = claim("s1", 27.0), claim("s2", 28.0)
    e = entry_for(conflict(a, b), by_id(a, b))
    text = render_baseline([e]).replace("value: 27.0", "value: 27")
    path = tmp_path / "b.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_baseline(path).entries[0].fingerprint == e.fingerprint


def test_known_fact_conflicts_are_left_out_unless_asked(seed_report: Report) -> None:
    a = claim("s1", "1993-10-22")
    kf = conflict(a, rule="known_facts", known_fact=True)
    report = seed_report.model_copy(
        update={"claims": (*seed_report.claims, a), "findings": (*seed_report.findings, kf)}
    )
    entries, skipped = accepted_entries(report, include_known_facts=False)
    seed_known = [f for f in seed_report.findings if f.known_fact and f.status == "conflict"]
    assert skipped == [*seed_known, kf]
    assert all(not e.known_fact for e in entries)
    entries, skipped = accepted_entries(report, include_known_facts=True)
    assert not skipped
    assert any(e.known_fact and e.fact == "f1" for e in entries)


@pytest.mark.parametrize(
    ("mutate", "message", "line"),
    [
        (lambda t: t.replace("  rule:", "  rulez:", 1), "unknown key 'rulez'", 9),
        (lambda t: t.replace("fingerprint: ", "fingerprint: 0", 1), "does not match", 8),
        (lambda t: t.replace("version: 1", "version: 7"), "not supported", 6),
        (lambda t: t + "  - [unclosed\n", "YAML syntax error", None),
    ],
)
def test_mistakes_in_the_file_are_located(
    tmp_path: Path, mutate: object, message: str, line: int | None
) -> None:
    a, b = claim("s1", "2002"), claim("s2", "2012")
    path = tmp_path / "b.yaml"
    assert callable(mutate)
    path.write_text(mutate(render_baseline([entry_for(conflict(a, b), by_id(a, b))])), "utf-8")
    with pytest.raises(FactcheckError) as info:
        load_baseline(path)
    rendered = info.value.render()
    assert message in rendered
    assert str(path) in rendered
    if line is not None:
        errors = getattr(info.value, "errors", [info.value])
        assert any(message in e.message and e.location.line == line for e in errors)
