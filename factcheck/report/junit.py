"""`factcheck check` as JUnit XML, for CI systems that show test reports.

One testcase per check rule and finding group (classname = the check id), so a CI's test view
lists what was compared: agreements pass, new conflicts fail, accepted ones are skipped with
the baseline's reason.  A check that found nothing is one passing testcase, and baseline
entries that no longer occur are passing testcases that say so.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from factcheck.gate import FIXED_HINT, GateFinding, GateResult
from factcheck.models import Finding


def render(result: GateResult) -> str:
    shown_at = result.shown_at()
    gated = {id(g.finding): g for g in (*result.new, *result.baselined)}
    suite = ET.Element("testsuite", name="factcheck check")
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    by_rule: dict[str, list[tuple[int, Finding]]] = {}
    for i, f in enumerate(result.report.findings):
        by_rule.setdefault(f.rule, []).append((i, f))
    rule_ids = sorted({*(r.id for r in result.rules), *by_rule})
    # `time`: each check's run time, shared evenly among the testcases it gave.
    seconds = {r.id: r.seconds for r in result.rules}
    total = 0.0
    for rule in rule_ids:
        findings = by_rule.get(rule, [])
        share = seconds.get(rule, 0.0) / max(len(findings), 1)
        total += seconds.get(rule, 0.0)
        if not findings:
            _case(suite, counts, rule, "no findings").set("time", _secs(share))
            continue
        for i, f in findings:
            g = gated.get(id(f))
            place = result.place(g.primary) if g else shown_at.get(i)
            where = f"{place.path}:{place.line}:{place.column}" if place else ""
            name = f"{f.status}: {f.metric} {where}".strip()
            case = _case(
                suite,
                counts,
                rule,
                name,
                place.path if place else None,
                place.line if place else None,
            )
            case.set("time", _secs(share))
            if g is not None:
                _conflict(case, counts, g, where)
    for e in result.fixed:
        case = _case(suite, counts, e.rule, f"baseline entry {e.fingerprint}")
        case.set("time", _secs(0.0))
        ET.SubElement(case, "system-out").text = f"{e.fingerprint} {FIXED_HINT}"
    for k, v in counts.items():
        suite.set(k, str(v))
    suite.set("errors", "0")
    suite.set("time", _secs(total))
    root = ET.Element(
        "testsuites", name="factcheck", tests=str(counts["tests"]), failures=str(counts["failures"])
    )
    root.append(suite)
    ET.indent(root)
    body = _XML_INVALID.sub(_visible, ET.tostring(root, encoding="unicode"))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


# What XML 1.0 cannot hold even escaped (ElementTree writes it raw, and the file then fails to
# parse): C0 controls but tab and line breaks, U+FFFE, U+FFFF and lone surrogates.  Markup
# never holds them, so they are replaced in the written text, as visible `\xNN`.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _visible(m: re.Match[str]) -> str:
    n = ord(m.group())
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def _secs(s: float) -> str:
    return f"{s:.6f}"


def _case(
    suite: ET.Element,
    counts: dict[str, int],
    rule: str,
    name: str,
    file: str | None = None,
    line: int | None = None,
) -> ET.Element:
    counts["tests"] += 1
    attrs = {"classname": rule, "name": name}
    if file is not None:
        attrs["file"] = file
    if line is not None:
        attrs["line"] = str(line)
    return ET.SubElement(suite, "testcase", attrs)


def _conflict(case: ET.Element, counts: dict[str, int], g: GateFinding, where: str) -> None:
    f = g.finding
    detail = f"{where}: {f.message}" + (f"\nwhy: {f.explanation}" if f.explanation else "")
    detail += f"\nfingerprint: {g.fingerprint}"
    if g.baseline is not None:
        counts["skipped"] += 1
        reason = g.baseline.reason or "accepted in the baseline"
        ET.SubElement(case, "skipped", message=f"baselined: {reason}")
    elif g.fails:
        counts["failures"] += 1
        kind = "known-fact conflict" if f.known_fact else "new conflict"
        el = ET.SubElement(case, "failure", message=f"{where}: {kind}: {f.rule}", type=kind)
        el.text = detail
    else:
        ET.SubElement(case, "system-out").text = "warning: " + detail
