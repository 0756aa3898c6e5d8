"""`factcheck check` for a person at a terminal: one block per new conflict, then a summary.

Each block starts `path:line:column: level: rule: message`, the form editors and terminals turn
into a link, followed by why the figures cannot all hold and where the other figures are.
"""

from __future__ import annotations

from factcheck.gate import FIXED_HINT, GateFinding, GateResult, summary_line


def render(result: GateResult) -> str:
    out: list[str] = []
    for g in result.new:
        out.extend(_block(result, g, "error" if g.fails else "warning"))
    if result.baselined:
        out.append(f"baselined ({len(result.baselined)}, accepted in {result.baseline_path}):")
        for g in result.baselined:
            p = result.place(g.primary)
            reason = g.baseline.reason if g.baseline and g.baseline.reason else "no reason given"
            out.append(
                f"  {p.path}:{p.line}:{p.column}: {g.finding.rule} [{g.fingerprint}]: {reason}"
            )
    for e in result.fixed:
        values = ", ".join(f"{c.source} {c.value}" for c in e.claims)
        out.append(
            f"{result.baseline_path}: baseline entry {e.fingerprint} ({e.rule}: {values}) "
            f"{FIXED_HINT}"
        )
    out.append(summary_line(result))
    return "\n".join(out) + "\n"


def _block(result: GateResult, g: GateFinding, level: str) -> list[str]:
    f = g.finding
    p = result.place(g.primary)
    what = "contradicts a known fact" if f.known_fact else "new conflict"
    lines = [f"{p.path}:{p.line}:{p.column}: {level}: {f.rule} ({what}): {f.message}"]
    if f.explanation:
        lines.append(f"    why: {f.explanation}")
    for c in g.claims:
        if c.id == g.primary.id:
            continue
        q = result.place(c)
        lines.append(f"    also: {q.path}:{q.line}:{q.column}: {c.quote}")
    lines.append(f"    fingerprint: {g.fingerprint}")
    return lines
