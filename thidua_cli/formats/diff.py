"""`thidua diff` output: a pull-request comment (md), a terminal view (text), and json."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from decimal import Decimal
from typing import IO, Any

from thidua_cli import numfmt
from thidua_cli.audit.diff import Diff, RankChange
from thidua_cli.formats import writer
from thidua_cli.formats.terminal import console, esc
from thidua_cli.present.markdown import md

JSON_VERSION = 1
MD_ROWS = 150  # a comment a reviewer can read in a minute; the rest is counted


def _score(v: Decimal | None) -> str:
    return "—" if v is None else numfmt.number(v, 2)


def _arrow(old: str, new: str) -> str:
    return new if old == new else f"{old} → {new}"


def _rank(c: RankChange) -> str:
    if c.old_rank is None or c.new_rank is None:
        return _arrow(str(c.old_rank or "—"), str(c.new_rank or "—"))
    move = c.old_rank - c.new_rank
    mark = f" (lên {move})" if move > 0 else f" (xuống {-move})" if move < 0 else ""
    return _arrow(str(c.old_rank), str(c.new_rank)) + mark


def _label(revision: str) -> str:
    return "thư mục làm việc" if revision == "working-tree" else revision


def _movement(c: RankChange) -> tuple[int, str, str]:
    """Biggest moves first, so the reviewer sees the point of the change at the top."""
    moved = abs((c.old_rank or 0) - (c.new_rank or 0))
    return (-moved, c.bloc, c.unit_name)


def _evidence(added: tuple[str, ...], removed: tuple[str, ...]) -> str:
    return "; ".join([*(f"+ {e}" for e in added), *(f"− {e}" for e in removed)])


def sections(d: Diff) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) for every part of the diff, shared by md and text."""
    out: list[tuple[str, list[str], list[list[str]]]] = []
    if d.approvals:
        out.append(("Phê duyệt của Hội đồng thay đổi", ["Thay đổi"], [[a] for a in d.approvals]))
    if d.plan:
        out.append(
            (
                "Thay đổi kế hoạch, cách chấm điểm (cần quyết định của Hội đồng)",
                ["Mục", "Trường", "Cũ", "Mới", "Quyết định"],
                [[c.what, c.field, c.old, c.new, c.decision or "— (chưa ghi)"] for c in d.plan],
            )
        )
    if d.values:
        out.append(
            (
                "Số liệu thay đổi",
                ["Đơn vị", "Đợt", "Chỉ tiêu", "Cũ", "Mới", "Đánh giá", "Minh chứng, đính chính"],
                [
                    [
                        c.unit_name,
                        str(c.phase),
                        c.code,
                        c.old,
                        c.new,
                        _arrow(c.old_label, c.new_label),
                        "; ".join(
                            filter(
                                None,
                                [
                                    _evidence(c.evidence_added, c.evidence_removed),
                                    (f"đính chính: {c.correction}" if c.correction else ""),
                                ],
                            )
                        ),
                    ]
                    for c in d.values
                ],
            )
        )
    if d.targets:
        out.append(
            (
                "Chỉ tiêu đơn vị đăng ký thay đổi",
                ["Đơn vị", "Chỉ tiêu", "Cũ", "Mới"],
                [[c.unit, c.code, c.old, c.new] for c in d.targets],
            )
        )
    if d.evidence_files:
        out.append(("Tệp minh chứng thay đổi", ["Tệp"], [[f] for f in d.evidence_files]))
    for phase in sorted({c.phase for c in d.ranks}):
        changes = sorted((c for c in d.ranks if c.phase == phase), key=_movement)
        out.append(
            (
                f"Ảnh hưởng đến điểm và xếp hạng, đợt {phase}",
                ["Khối", "Đơn vị", "Điểm", "Hạng", "Xếp loại"],
                [
                    [
                        c.bloc,
                        c.unit_name,
                        _arrow(_score(c.old_score), _score(c.new_score)),
                        _rank(c),
                        _arrow(c.old_level or "—", c.new_level or "—"),
                    ]
                    for c in changes
                ],
            )
        )
    return out


def _summary(d: Diff, quote: Callable[[str], str] = str) -> list[str]:
    """The lines above the tables; `quote` escapes data (file and unit names) for the medium."""
    lines = []
    if d.head_errors:
        lines.append(
            f"**Dữ liệu mới còn {d.head_errors} lỗi** — xem kết quả `thidua validate`; "
            "điểm và xếp hạng chưa được so sánh."
        )
    elif d.base_errors:
        lines.append(f"Dữ liệu gốc có {d.base_errors} lỗi; điểm và xếp hạng chưa được so sánh.")
    if d.units_added:
        lines.append("Đơn vị thêm mới: " + ", ".join(map(quote, d.units_added)) + ".")
    if d.units_removed:
        lines.append("Đơn vị bị xóa: " + ", ".join(map(quote, d.units_removed)) + ".")
    if d.broken:
        lines.append(
            "Tệp đơn vị không đọc được (lỗi, chưa so sánh số liệu): "
            + ", ".join(map(quote, d.broken))
            + "."
        )
    if d.empty and not d.head_errors:
        lines.append("Không có thay đổi nào về số liệu, kế hoạch hay xếp hạng.")
    return lines


def as_markdown(d: Diff) -> str:
    lines = [f"### Thay đổi số liệu thi đua ({md(d.base)} → {md(_label(d.head))})", ""]
    summary = _summary(d, md)
    lines += [f"> {line}" for line in summary] + ([""] if summary else [])
    for title, header, rows in sections(d):
        lines += [
            f"#### {md(title)}",
            "",
            "| " + " | ".join(header) + " |",
            "|" + "---|" * len(header),
        ]
        lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows[:MD_ROWS]]
        if len(rows) > MD_ROWS:
            lines.append(f"\n… và {len(rows) - MD_ROWS} dòng khác (xem `thidua diff`).")
        lines.append("")
    lines.append("<sub>Tạo bằng `thidua diff`.</sub>")
    return "\n".join(lines) + "\n"


def as_json(d: Diff) -> str:
    def clean(v: Any) -> Any:
        if isinstance(v, Decimal):
            return float(v)
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [clean(x) for x in v]
        return v

    doc = {"version": JSON_VERSION, **clean(asdict(d))}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def print_text(d: Diff, console: Any) -> None:
    from rich.table import Table

    console.print(f"[bold]Thay đổi số liệu thi đua[/] {esc(d.base)} → {esc(_label(d.head))}")
    for line in _summary(d):
        console.print(esc(line.replace("**", "")))
    for title, header, rows in sections(d):
        t = Table(title=esc(title), title_justify="left")
        for h in header:
            t.add_column(h, overflow="fold")
        for row in rows:
            t.add_row(*(esc(c) for c in row))
        console.print(t)


def _text(d: Diff, stream: IO[str]) -> None:
    print_text(d, console(stream))


FORMATS: dict[str, Callable[[Diff, IO[str]], None]] = {
    "text": _text,
    "md": writer(as_markdown),
    "json": writer(as_json),
}
