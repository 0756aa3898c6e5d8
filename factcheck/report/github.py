"""`factcheck check` as GitHub Actions workflow commands: an annotation on each new conflict.

`::error file=PATH,line=N,col=M,endLine=..,endColumn=..,title=...::message`.  Data and
properties are escaped as the Actions toolkit does (`escapeData`, `escapeProperty`), or a
quote holding a comma or a newline would cut the command short; and made safe to print
(`factcheck.printable`): no terminal escape and no legacy `##[command]` in them.
"""

from __future__ import annotations

from factcheck.gate import FIXED_HINT, GateFinding, GateResult, summary_line
from factcheck.printable import actions_safe, terminal_safe
from factcheck.report.common import card_key
from factcheck.wording import plural, value_words


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


def groups(result: GateResult) -> list[list[GateFinding]]:
    """New conflicts grouped as the reports' cards group them (every pair of values of one
    disagreement, or one conflict restated by many sources), the most important first: those
    that fail before warnings, a broken known fact first, then the groups naming most sources.

    GitHub shows only the first ten error annotations of a step, so these ten are the ones
    that matter."""
    claims = {c.id: c for g in result.new for c in g.claims}
    grouped: dict[tuple[object, ...], list[GateFinding]] = {}
    for g in result.new:
        grouped.setdefault(card_key(g.finding, claims), []).append(g)

    def rank(gs: list[GateFinding]) -> tuple[bool, bool, int]:
        sources = {c.source for g in gs for c in g.claims}
        return (not any(g.fails for g in gs), not gs[0].finding.known_fact, -len(sources))

    return sorted(grouped.values(), key=rank)  # stable: the gate's order within a rank


def render(result: GateResult) -> str:
    out: list[str] = []
    for gs in groups(result):
        g = gs[0]
        f = g.finding
        p = result.place(g.primary)
        body = [f.message]
        values: dict[str, list[str]] = {}
        for x in gs:
            for c in x.claims:
                q = result.place(c)
                where = f"{q.path}:{q.line}:{q.column}"
                values.setdefault(value_words(c), [])
                if where not in values[value_words(c)]:
                    values[value_words(c)].append(where)
        if len(gs) > 1:
            body[0] = (
                f"{plural(len(gs), 'conflict')} over {plural(len(values), 'value')} of "
                f"{f.metric}: " + "; ".join(f"{v} ({', '.join(w)})" for v, w in values.items())
            )
        whys = list(dict.fromkeys(x.finding.explanation for x in gs if x.finding.explanation))
        body += [f"why: {w}" for w in whys]
        if len(gs) == 1:
            for c in g.claims:
                if c.id != g.primary.id:
                    q = result.place(c)
                    body.append(f"also: {q.path}:{q.line}:{q.column}")
        body += [f"fingerprint: {x.fingerprint}" for x in gs]
        what = "contradicts a known fact" if f.known_fact else "new conflict"
        if len(gs) > 1:
            what = f"{plural(len(gs), 'new conflict')}" if not f.known_fact else what
        out.append(
            command(
                "error" if any(x.fails for x in gs) else "warning",
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
