"""`thidua diff` output: a pull-request comment (md), a terminal view (text), and json."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import IO, Any

from thidua_cli import numfmt
from thidua_cli.audit.diff import Diff, PlanChange, RankChange, TargetChange, ValueChange
from thidua_cli.audit.figures import Figure
from thidua_cli.formats import json_number, json_text, writer
from thidua_cli.formats.terminal import console, esc
from thidua_cli.present.markdown import md
from thidua_cli.present.text import figure_text, raw_text, target_text
from thidua_cli.read.models import TARGET_FIELDS

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


def plan_texts(c: PlanChange) -> tuple[str, str]:
    """A plan change as the plan writes it: "≥ 10.900" for a target, "≥ 70" for a level."""
    if c.field in TARGET_FIELDS and c.before is not None and c.after is not None:
        return target_text(c.before), target_text(c.after)
    if c.field == "ngưỡng điểm":
        return tuple(  # type: ignore[return-value]
            "—" if v is None else f"≥ {raw_text(v)}" for v in (c.old, c.new)
        )
    return raw_text(c.old), raw_text(c.new)


def target_code(c: TargetChange) -> str:
    return c.code if c.phase is None else f"{c.code} (mốc đợt {c.phase})"


def _label_of(f: Figure | None) -> str:
    return f.label if f is not None and f.label else "—"


def value_texts(c: ValueChange) -> tuple[str, str, str]:
    """(old, new, evaluation) cells of one changed figure."""
    return (
        figure_text(c.indicator, c.old),
        figure_text(c.indicator, c.new),
        _arrow(_label_of(c.old), _label_of(c.new)),
    )


RANK_HEADERS = ["Khối", "Đơn vị", "Điểm", "Hạng", "Xếp loại"]


def _rank_row(c: RankChange) -> list[str]:
    return [
        c.bloc,
        c.unit_name,
        _arrow(_score(c.old_score), _score(c.new_score)),
        _rank(c),
        _arrow(c.old_level or "—", c.new_level or "—"),
    ]


def sections(d: Diff) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) for every part of the diff, shared by md and text."""
    out: list[tuple[str, list[str], list[list[str]]]] = []
    if d.approvals:
        out.append(("Phê duyệt của Hội đồng thay đổi", ["Thay đổi"], [[a] for a in d.approvals]))
    if d.dates:
        out.append(
            ("Ngày nộp, ký giao ước, đăng ký thay đổi", ["Thay đổi"], [[x] for x in d.dates])
        )
    if d.plan:
        out.append(
            (
                "Thay đổi kế hoạch, cách chấm điểm (cần quyết định của Hội đồng)",
                ["Mục", "Trường", "Cũ", "Mới", "Quyết định"],
                [[c.what, c.field, *plan_texts(c), c.decision or "— (chưa ghi)"] for c in d.plan],
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
                        *value_texts(c),
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
                [[c.unit, target_code(c), raw_text(c.old), raw_text(c.new)] for c in d.targets],
            )
        )
    if d.evidence_files:
        out.append(("Tệp minh chứng thay đổi", ["Tệp"], [[f] for f in d.evidence_files]))
    for phase in sorted({c.phase for c in d.ranks if c.approved and c.knock_on}):
        knock = sorted(
            (c for c in d.ranks if c.phase == phase and c.approved and c.knock_on), key=_movement
        )
        out.append(
            (
                f"Ảnh hưởng dây chuyền đến kết quả đã phê duyệt, đợt {phase} (đơn vị không sửa gì "
                "nhưng điểm, hạng thay đổi theo đơn vị khác — Hội đồng cần xem xét)",
                RANK_HEADERS,
                [_rank_row(c) for c in knock],
            )
        )
    for phase in sorted({c.phase for c in d.ranks}):
        changes = sorted((c for c in d.ranks if c.phase == phase), key=_movement)
        out.append(
            (
                f"Ảnh hưởng đến điểm và xếp hạng, đợt {phase}",
                RANK_HEADERS,
                [_rank_row(c) for c in changes],
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
    if not d.locks_checked:
        lines.append(
            f"Khóa phê duyệt chưa được kiểm tra ở phiên bản {d.head}: số liệu đợt đã phê duyệt "
            "bị sửa không có đính chính sẽ không hiện ở đây; chạy `thidua validate` ở phiên bản "
            "đó (CI làm việc này cho mỗi pull request)."
        )
    if d.lock_errors:
        lines.append(
            f"**Vi phạm khóa phê duyệt: {d.lock_errors} lỗi** — số liệu của đợt đã phê duyệt "
            "bị sửa mà không có đính chính đúng; xem `thidua validate` (cần `--correction` và "
            "`--reference`, hoặc trả lại số đã duyệt)."
        )
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


def _figure(ind: Any, f: Figure | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {
        "value": json_number(f.value),
        "numerator": json_number(f.numerator),
        "denominator": json_number(f.denominator),
        "actual": json_number(f.actual),
        "estimate": f.estimate,
        "evaluation": f.label or None,
        "corrected": f.corrected,
        "text": figure_text(ind, f),
    }


def as_json(d: Diff) -> str:
    """Numbers as numbers, each with its formatted text in a separate field."""
    plan = []
    for c in d.plan:
        old_text, new_text = plan_texts(c)
        plan.append(
            {
                "what": c.what,
                "field": c.field,
                "old": json_number(c.old),
                "new": json_number(c.new),
                "old_text": old_text,
                "new_text": new_text,
                "decision": c.decision,
            }
        )
    doc = {
        "version": JSON_VERSION,
        "base": d.base,
        "head": d.head,
        "base_errors": d.base_errors,
        "head_errors": d.head_errors,
        "lock_errors": d.lock_errors,
        "locks_checked": d.locks_checked,
        "units_added": d.units_added,
        "units_removed": d.units_removed,
        "broken": d.broken,
        "approvals": d.approvals,
        "dates": d.dates,
        "evidence_files": d.evidence_files,
        "values": [
            {
                "unit": c.unit,
                "unit_name": c.unit_name,
                "phase": c.phase,
                "code": c.code,
                "measure": c.indicator.unit,
                "old": _figure(c.indicator, c.old),
                "new": _figure(c.indicator, c.new),
                "evidence_added": list(c.evidence_added),
                "evidence_removed": list(c.evidence_removed),
                "correction": c.correction,
            }
            for c in d.values
        ],
        "targets": [
            {
                "unit": c.unit,
                "code": c.code,
                "phase": c.phase,
                "old": json_number(c.old),
                "new": json_number(c.new),
                "old_text": raw_text(c.old),
                "new_text": raw_text(c.new),
            }
            for c in d.targets
        ],
        "plan": plan,
        "ranks": [
            {
                "phase": c.phase,
                "bloc": c.bloc,
                "unit": c.unit,
                "unit_name": c.unit_name,
                "old_score": json_number(c.old_score),
                "new_score": json_number(c.new_score),
                "old_rank": c.old_rank,
                "new_rank": c.new_rank,
                "old_level": c.old_level,
                "new_level": c.new_level,
                "approved": c.approved,
                "knock_on": c.knock_on,
            }
            for c in d.ranks
        ],
    }
    return json_text(doc)


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
