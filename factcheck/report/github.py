"""`factcheck check` as GitHub Actions workflow commands: an annotation on each new conflict.

`::error file=PATH,line=N,col=M,endLine=..,endColumn=..,title=...::message`.  Data and
properties are escaped as the Actions toolkit does (`escapeData`, `escapeProperty`), or a
quote holding a comma or a newline would cut the command short; and made safe to print
(`factcheck.printable`): no terminal escape and no legacy `##[command]` in them.
"""

from __future__ import annotations

from factcheck.gate import FIXED_HINT, GateResult, summary_line
from factcheck.printable import actions_safe, terminal_safe


def escape_data(s: str) -> str:
    # Then no terminal escape, and no legacy `##[command]`, rides inside an annotation.
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return actions_safe(terminal_safe(s), line_starts=False)


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **props: object) -> str:
    shown = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return (
        f"::{name} {shown}::{escape_data(message)}"
        if shown
        else f"::{name}::{escape_data(message)}"
    )


def render(result: GateResult) -> str:
    out: list[str] = []
    for g in result.new:
        f = g.finding
        p = result.place(g.primary)
        body = [f.message]
        if f.explanation:
            body.append(f"why: {f.explanation}")
        for c in g.claims:
            if c.id != g.primary.id:
                q = result.place(c)
                body.append(f"also: {q.path}:{q.line}:{q.column}")
        body.append(f"fingerprint: {g.fingerprint}")
        what = "contradicts a known fact" if f.known_fact else "new conflict"
        out.append(
            command(
                "error" if g.fails else "warning",
                "\n".join(body),
                file=p.path,
                line=p.line,
                col=p.column,
                endLine=p.end_line,
                endColumn=p.end_column if p.end_line == p.line else None,
                title=f"factcheck {f.rule}: {what}",
            )
        )
    for e in result.fixed:
        out.append(
            command(
                "notice",
                f"baseline entry {e.fingerprint} ({e.rule}) {FIXED_HINT}",
                file=result.baseline_path,
                title="factcheck baseline",
            )
        )
    out.append(summary_line(result))
    return "\n".join(out) + "\n"
