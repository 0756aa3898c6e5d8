"""The CI formats explain themselves: SARIF rules carry descriptions and the kind's
documentation, JUnit cases carry `time`, GitHub annotations group the pairs of one
disagreement and put what fails first; and `factcheck report` shows the desk's baseline."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from factcheck.baseline import Baseline
from factcheck.cli import main
from factcheck.gate import GateResult, RuleInfo, evaluate
from factcheck.models import Claim, Finding, Report, SourceInfo
from factcheck.report import github, junit, sarif

ROOT = Path(__file__).resolve().parent.parent


def _claim(source: str, year: str, line: int) -> Claim:
    return Claim(
        id=f"{source}:{year}",
        source=source,
        metric="opened",
        subject=("mission",),
        value=year,
        unit="year",
        low=f"{year}-01-01",
        high=f"{year}-12-31",
        quote=f"It has existed since {year}.",
        line=line,
        column=1,
        start=0,
        end=4,
    )


def _conflict(a: Claim, b: Claim, rule: str = "opened.agree") -> Finding:
    return Finding(
        rule=rule,
        kind="agreement",
        status="conflict",
        metric="opened",
        subject=("mission",),
        claims=(a.id, b.id),
        message=f"opened cannot be both {a.value} and {b.value}",
        explanation=f"the dates {a.value} and {b.value} do not overlap",
    )


@pytest.fixture
def three_years() -> GateResult:
    """Three outlets, three years (three conflicts of one group) and one lone pair elsewhere."""
    a, b, c = _claim("a", "2002", 1), _claim("b", "2009", 2), _claim("c", "2012", 3)
    x, y = _claim("x", "1990", 4), _claim("y", "1999", 5)
    findings = [
        _conflict(x, y, "other.agree"),
        _conflict(a, b),
        _conflict(a, c),
        _conflict(b, c),
    ]
    claims = [a, b, c, x, y]
    report = Report(
        sources=tuple(
            SourceInfo(id=s, path=f"{s}.txt", encoding="utf-8", sha256="") for s in "abcxy"
        ),
        claims=tuple(claims),
        findings=tuple(findings),
    )
    rules = [
        RuleInfo("opened.agree", "agreement", metric="opened", metric_description="Year it opened",
                 seconds=0.25),
        RuleInfo("other.agree", "agreement", seconds=0.5),
    ]  # fmt: skip
    return evaluate(report, {}, Baseline(), rules, root=Path.cwd())


def test_github_groups_one_disagreement_into_one_annotation_widest_first(
    three_years: GateResult,
) -> None:
    lines = [ln for ln in github.render(three_years).splitlines() if ln.startswith("::error")]
    assert len(lines) == 2  # three pairs of one group, one pair of another
    first = lines[0]
    assert "3 conflicts over 3 values of opened" in first
    for where in ("a.txt:1", "b.txt:2", "c.txt:3"):
        assert where in first
    assert first.count("fingerprint%3A") == 0 and first.count("fingerprint: ") == 3
    assert "x.txt" in lines[1]


def test_sarif_rules_explain_themselves(three_years: GateResult) -> None:
    log = json.loads(sarif.render(three_years))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    rule = rules["opened.agree"]
    assert rule["shortDescription"]["text"].startswith("agreement: claims of one metric")
    assert "It checks opened: Year it opened." in rule["fullDescription"]["text"]
    assert "Passing::" in rule["help"]["text"] and "Failing::" in rule["help"]["text"]
    # Each pair stays a result of its own, with its own fingerprint, for dashboards.
    results = log["runs"][0]["results"]
    assert len(results) == 4
    assert len({r["partialFingerprints"]["factcheckConflict/v1"] for r in results}) == 4


def test_junit_cases_carry_time(three_years: GateResult) -> None:
    root = ET.fromstring(junit.render(three_years))
    cases = root.findall(".//testcase")
    assert cases and all(re.fullmatch(r"\d+\.\d{6}", c.get("time", "")) for c in cases)
    opened = [float(c.get("time", "0")) for c in cases if c.get("classname") == "opened.agree"]
    assert len(opened) == 3 and sum(opened) == pytest.approx(0.25, abs=1e-5)
    suite = root.find("testsuite")
    assert suite is not None and float(suite.get("time", "0")) == pytest.approx(0.75)


def test_report_shows_the_desks_reasons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    assert main(["report", "seeds", "--rules", "rules", "--out", str(out), "--no-store"]) == 0
    md = (out / "consistency.md").read_text(encoding="utf-8")
    html = (out / "consistency.html").read_text(encoding="utf-8")
    assert md.count("**Accepted by the desk:**") == 3
    assert "neither cites a source and the desk has no record to settle it" in md
    assert html.count('<span class="badge accepted">accepted</span>') == 3
    # The known fact's source, not only its id.
    assert "from Treaty on the Eurasian Economic Union (2014)" in md
    # Without a baseline, nothing is called accepted.
    empty = tmp_path / "empty.yaml"
    empty.write_text("version: 1\nentries: []\n", encoding="utf-8")
    out2 = tmp_path / "out2"
    args = ["report", "seeds", "--rules", "rules", "--out", str(out2), "--no-store"]
    assert main([*args, "--baseline", str(empty)]) == 0
    assert "Accepted by the desk" not in (out2 / "consistency.md").read_text(encoding="utf-8")
    # Nothing prints Python's None (the empty warnings list says "None." in words).
    plain = (out2 / "consistency.md").read_text(encoding="utf-8").replace("\nNone.\n", "\n")
    assert "None" not in plain
