"""What `thidua set` and `thidua import` print: the change in numbers and the problems, each
problem placed where the person typed the figure (a spreadsheet cell, or the command line)."""

from __future__ import annotations

from typing import Any

from thidua_cli.audit.diff import ValueChange
from thidua_cli.audit.edit import Prepared
from thidua_cli.formats.diff import value_texts
from thidua_cli.problems import Problem


def change_line(c: ValueChange) -> str:
    """ "Làng Kon Ktu, đợt 1, CT03: 113,9 (ước) → 120,5 (ước); Không đạt → Vượt"."""
    old, new, evaluation = value_texts(c)
    line = f"{c.unit_name}, đợt {c.phase}, {c.code}: {old} → {new}; {evaluation}"
    if c.evidence_added:
        line += "; minh chứng thêm: " + "; ".join(c.evidence_added)
    if c.correction:
        line += f"; đính chính: {c.correction}"
    return line


def print_prepared(p: Prepared, console: Any, *, source: str = "") -> None:
    """The semantic change first, then every problem of the new file (errors before
    warnings), with the cell or figure it concerns."""
    from rich.markup import escape

    if p.changes:
        for c in p.changes:
            console.print(f"  {escape(change_line(c))}", highlight=False, soft_wrap=True)
    elif not p.blocked:
        console.print(
            f"  {escape(p.rel)}: không có số liệu nào thay đổi.", highlight=False, soft_wrap=True
        )
    for q in sorted(p.shown, key=lambda q: (not q.is_error, q)):
        place = p.place(q) or source
        where = place or f"{q.path}:{q.line}:{q.column}"
        label, style = ("lỗi", "bold red") if q.is_error else ("cảnh báo", "bold yellow")
        console.print(
            f"  [bold]{escape(where)}[/]: [{style}]{label}[/] [dim]\\[{q.code}][/] "
            f"{escape(q.message)}",
            highlight=False,
            soft_wrap=True,
        )
        if q.hint:
            console.print(f"      [cyan]→ {escape(q.hint)}[/]", highlight=False, soft_wrap=True)
        if q.code in ("locked-phase-changed", "correction-mismatch"):
            console.print(
                "      [cyan]→ Với lệnh này: thêm --correction «lý do» --reference «văn bản» "
                "(công cụ ghi đính chính cho các số thay đổi).[/]",
                highlight=False,
                soft_wrap=True,
            )


def print_form_problems(problems: list[Problem], console: Any) -> None:
    """Problems of a form itself: the message already names the file and the cell."""
    from rich.markup import escape

    for q in problems:
        console.print(
            f"  [bold red]lỗi[/] [dim]\\[{q.code}][/] {escape(q.message)}",
            highlight=False,
            soft_wrap=True,
        )
        if q.hint:
            console.print(f"      [cyan]→ {escape(q.hint)}[/]", highlight=False, soft_wrap=True)
