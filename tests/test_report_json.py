"""The JSON report's own writer gives the standard library's bytes, whatever the values.

`report.json` writes `json.dumps(model_dump(mode="json"), indent=2, sort_keys=True,
ensure_ascii=False)` column by column for speed; these tests hold it to the standard
library's text on arbitrary JSON values, on a report with awkward contents, and on a report
it must hand back to the standard library (a model with a computed field).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import computed_field

from factcheck.models import Claim, Finding, Period, Report, SourceInfo, Unbound
from factcheck.report import json as json_report


def reference(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def reference_report(report: Report) -> str:
    return reference(report.model_dump(mode="json")) + "\n"


TEXT = st.text(st.characters(codec="utf-8"), max_size=8) | st.sampled_from(
    ["", "%s", "%", "\x00", '"', "\\", "\n", "—", "∞", "a\x00b"]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0.0, -0.0, 1, 1.0, True, 1e16, 2.2e-05])
    | TEXT
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.lists(inner, max_size=5).map(tuple)
        | st.dictionaries(TEXT, inner, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_any_json_value_is_written_as_the_standard_library_does(value: Any) -> None:
    assert json_report.dumps(value) == reference(value)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([(1,), (1.0,), (True,), ("a",), ("a", None), (), (0.0,), (-0.0,)])))
def test_values_equal_in_python_but_written_differently_keep_their_own_text(
    values: list[tuple[Any, ...]],
) -> None:
    assert json_report.dumps(values * 3) == reference(values * 3)


def awkward_report() -> Report:
    year = Period(start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31))
    months = Period(start=dt.date(2022, 1, 1), end=dt.date(2022, 11, 30))

    def claim(i: int, **kw: Any) -> Claim:
        fields: dict[str, Any] = {
            "id": f"s{i % 3}:{i}:1:m",
            "source": f"s{i % 3}",
            "metric": "m",
            "subject": ("Kazakhstan", "Russia") if i % 2 else (),
            "value": 22.2e9 + i,
            "unit": "USD",
            "low": 22.15e9,
            "high": None if i % 5 == 0 else 22.25e9,
            "period": (year, months, None)[i % 3],
            "quote": f'said "{i}" — 100% ∞ \\ \t\x00 end',
            "line": i,
            "column": 1,
            "start": i * 10,
            "end": i * 10 + 5,
        }
        return Claim(**{**fields, **kw})

    claims = [claim(i) for i in range(40)]
    claims += [
        claim(40, value=math.inf, low=-math.inf, high=math.nan),
        claim(41, value=-0.0, low=0.0, high=1e16, unit=None),
        claim(42, value="2002", low="2002-01-01", high="2002-12-31", unit="year"),
        claim(43, members=("Armenia", "Belarus"), weekday="Friday", qualifier="over"),
        claim(44, value=5, low=5, high=5, unit="count"),
    ]
    findings = [
        Finding(
            rule="agreement.m",
            kind="agreement",
            status="conflict" if i % 4 == 0 else "agreement",
            metric="m",
            subject=c.subject,
            period=c.period,
            claims=(c.id, claims[0].id)[: 1 + i % 2],
            known_fact=i % 7 == 0,
            fact="f" if i % 7 == 0 else None,
            message=f"{c.quote} agrees with ≤ {i}",
        )
        for i, c in enumerate(claims)
    ]
    return Report(
        rules_sha256="abc",
        sources=(
            SourceInfo(id="s0", path="s0.txt", encoding="utf-8", sha256="0"),
            SourceInfo(
                id="s1",
                path="s1.txt",
                encoding="cp1251",
                sha256="1",
                outlet="caliber.az",
                url="https://x/y?a=1&b=%20",
                published=dt.date(2023, 2, 3),
                as_of=dt.date(5, 1, 1),
            ),
        ),
        claims=tuple(claims),
        findings=tuple(findings),
        unbound=(Unbound(source="s0", kind="money", text="$5", line=1, column=2),),
        warnings=("skipped a.txt: not UTF-8", "ü"),
    )


def test_a_report_with_awkward_values_is_written_as_the_standard_library_does() -> None:
    report = awkward_report()
    assert json_report.render(report) == reference_report(report)


def test_an_empty_report_is_written_as_the_standard_library_does() -> None:
    assert json_report.render(Report()) == reference_report(Report())


class CountedReport(Report):
    """A report whose dump carries a computed field: the fast writer would miss it."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def claim_count(self) -> int:
        return len(self.claims)


def test_a_model_the_writer_does_not_know_goes_to_the_standard_library() -> None:
    report = CountedReport(**dict(awkward_report()))
    text = json_report.render(report)
    assert '"claim_count": 45' in text
    assert text == reference_report(report)


class LabelledClaim(Claim):
    """A claim whose own dump carries a computed field: the fast writer hands it back."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def label(self) -> str:
        return f"{self.metric}:{self.value}"


def test_the_text_comes_in_batches_and_joins_to_the_whole(monkeypatch: Any) -> None:
    monkeypatch.setattr(json_report, "_BATCH", 4)
    report = awkward_report()
    pieces = list(json_report.pieces(report))
    assert len(pieces) > 2 * len(report.claims)  # a piece per record, not one string
    assert "".join(pieces) == json_report.render(report) == reference_report(report)


def test_a_value_met_in_a_later_batch_goes_to_the_standard_library_alone(
    monkeypatch: Any,
) -> None:
    """The batches before it were already written: only its own batch changes writer."""
    monkeypatch.setattr(json_report, "_BATCH", 4)
    report = awkward_report()
    claims = list(report.claims)
    claims[21] = LabelledClaim(**dict(claims[21]))
    report = report.model_copy(update={"claims": tuple(claims)})
    handed_back: list[Any] = []
    stdlib = json_report._stdlib
    monkeypatch.setattr(json_report, "_stdlib", lambda v, d: handed_back.append(v) or stdlib(v, d))
    assert "".join(json_report.pieces(report)) == reference_report(report)
    assert [c["id"] for c in handed_back] == [c.id for c in claims[20:24]]
