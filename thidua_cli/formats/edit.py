"""What `thidua set` and `thidua import` print: the change in numbers and the problems, each
problem placed where the person typed the figure (a spreadsheet cell, or the command line)."""

from __future__ import annotations

from typing import Any

from thidua_cli.audit.diff import ValueChange
from thidua_cli.audit.edit import KNOCK_ON, Prepared
from thidua_cli.formats.diff import value_texts
from thidua_cli.formats.problems import print_problem
from thidua_cli.formats.terminal import esc
from thidua_cli.problems import Problem


def change_line(c: ValueChange) -> str:
    """ "Làng Kon Ktu, đợt 1, CT03: 113,9 (ước) → 120,5 (ước); Không đạt → Vượt"."""
    old, new, evaluation = value_texts(c)
    line = f"{c.unit_name}, đợt {c.phase}, {c.code}: {old} → {new}"
    if evaluation != f"{old} → {new}":  # a yes/no figure is its own evaluation: said once
        line += f"; {evaluation}"
    if c.evidence_added and c.evidence_removed:
        line += f"; minh chứng: {'; '.join(c.evidence_removed)} → {'; '.join(c.evidence_added)}"
    elif c.evidence_added:
        line += "; minh chứng thêm: " + "; ".join(c.evidence_added)
    elif c.evidence_removed:
        line += "; minh chứng bỏ: " + "; ".join(c.evidence_removed)
    if c.correction:
        line += f"; đính chính: {c.correction}"
    return line


def print_prepared(p: Prepared, console: Any, *, source: str = "") -> None:
    """The semantic change first, then every problem of the new file (errors before
    warnings), with the cell or figure it concerns."""
    if p.changes:
        for c in p.changes:
            console.print(f"  {esc(change_line(c))}", highlight=False, soft_wrap=True)
    elif not p.blocked:
        console.print(
            f"  {esc(p.rel)}: không có số liệu nào thay đổi.", highlight=False, soft_wrap=True
        )
    # other units' approved results the change moves are told in one line (below), not as a
    # warning per unit: the Council decides on them, before anything is written
    shown = sorted(
        (q for q in p.shown if not (q.code == KNOCK_ON and q.path != p.rel)),
        key=lambda q: (not q.is_error, q),
    )
    for q in shown:
        place = p.place(q) or source
        print_problem(q, console, place or f"{q.path}:{q.line}:{q.column}", indent="  ")
        if q.code in ("locked-phase-changed", "correction-mismatch"):
            console.print(
                "      [cyan]→ Với lệnh này: thêm --correction «lý do» --reference «văn bản» "
                "(công cụ ghi đính chính cho các số thay đổi).[/]",
                highlight=False,
                soft_wrap=True,
            )
    if p.knocked:
        names = list(p.knocked.values())
        more = len(names) - KNOCK_SHOWN
        console.print(
            f"  [yellow]Ảnh hưởng dây chuyền: kết quả đã phê duyệt của {len(names)} đơn vị khác "
            f"thay đổi:[/] {esc(', '.join(names[:KNOCK_SHOWN]))}"
            + (f" và {more} đơn vị khác" if more > 0 else "")
            + ". [cyan]Hội đồng xem xét cả ảnh hưởng này (điểm, hạng từng đơn vị: thidua diff).[/]",
            highlight=False,
            soft_wrap=True,
        )


KNOCK_SHOWN = 5


def print_form_problems(problems: list[Problem], console: Any) -> None:
    """Problems of a form itself: the message already names the file and the cell."""
    for q in problems:
        print_problem(q, console, indent="  ")
