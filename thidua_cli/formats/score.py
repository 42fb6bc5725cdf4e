"""`thidua score` output: rich tables, versioned JSON, CSV, and `--explain` for one unit."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import IO, Any

from thidua_cli import numfmt
from thidua_cli.compute.evaluate import label_text
from thidua_cli.compute.outcome import Outcome
from thidua_cli.compute.scoring import UnitScore
from thidua_cli.formats import Lazy, json_number, json_text, write_json, writer
from thidua_cli.formats.terminal import console, esc
from thidua_cli.present import explain
from thidua_cli.present.text import (
    EVENT_VI,
    PROGRESS_NOTE,
    actual_text,
    decimals,
    indicator_rows,
    over_quota,
    percent_text,
    plan_text,
    quota_text,
    ranked_blocs,
    remarks,
    score_text,
    shown,
)

JSON_VERSION = 1
LABEL_STYLE = {
    "Vượt": "bold green",
    "Đạt": "green",
    "Không đạt": "bold red",
    "Chưa đạt": "bold red",  # the same, mid-year
    "Đang thực hiện": "yellow",
    "Chưa có số liệu": "dim",
    "Chưa đủ số liệu": "yellow",
    "Chưa có kế hoạch": "dim",
}


def title(o: Outcome) -> str:
    text = f"{o.phase.name}: {o.phase.report_title} — số liệu đến ngày {numfmt.day(o.as_of)}"
    if o.provisional and o.catalogue.scores:
        text += " (xếp loại tạm tính)"
    return text


def _num(v: Decimal | bool | str | None) -> Any:
    """json_number, rounded to 4 places first (the precision the scores are shown with)."""
    if isinstance(v, Decimal) and v.is_finite():
        v = numfmt.quantize(v, 4)
    return json_number(v)


def as_json(o: Outcome, bloc: str | None = None) -> str:
    return json_text(_document(o, bloc))


def _write_json(r: Ranking, stream: IO[str]) -> None:
    """The same bytes as `as_json`, written as they are made."""
    write_json(_document(*r, lazy=True), stream)


def _document(o: Outcome, bloc: str | None = None, lazy: bool = False) -> dict[str, Any]:
    over = over_quota(o)
    chosen = [
        s
        for s in sorted(o.units, key=lambda s: (s.bloc.id, s.rank))
        if bloc is None or s.bloc.id == bloc
    ]
    units: list[Any] = (
        Lazy(chosen, lambda s: _unit_json(s, over))
        if lazy
        else [_unit_json(s, over) for s in chosen]
    )
    return {
        "version": JSON_VERSION,
        "campaign": o.catalogue.campaign.id,
        "phase": o.phase.number,
        "as_of": o.as_of.isoformat(),
        "provisional": o.provisional,
        "sample": o.sample,
        "coverage_threshold": _num(o.catalogue.report.coverage),
        "indicators": [
            {
                "code": io.indicator.code,
                "name": io.indicator.name,
                "unit": io.indicator.unit,
                "target": _num(io.evaluation.target),
                "basis": io.evaluation.basis,
                "actual": _num(io.evaluation.actual),
                "numerator": _num(io.evaluation.numerator),
                "denominator": _num(io.evaluation.denominator),
                "percent": _num(io.evaluation.percent),
                "evaluation": str(io.evaluation.label),
                "estimate": io.evaluation.estimate,
                "reporters": io.reporters,
                "expected": io.expected,
            }
            for io in o.indicators
        ],
        "units": units,
        "quota": [
            {
                "bloc": q.bloc.id,
                "level": q.quota.level,
                "kind": "ceiling" if q.quota.ceiling else "floor",
                "name": q.quota.name,
                "max_percent": _num(q.quota.max_percent),
                "min_percent": _num(q.quota.min_percent),
                "count": q.count,
                "base": q.base,
                "limit": q.limit,
                "ok": q.ok,
                "over": list(q.over),
            }
            for q in o.quotas
            if bloc is None or q.bloc.id == bloc
        ],
    }


def _unit_json(s: UnitScore, over: dict[str, str]) -> dict[str, Any]:
    assert s.level is not None
    return {
        "met": s.met,
        "id": s.unit.id,
        "name": s.unit.name,
        "bloc": s.bloc.id,
        "rank": s.rank,
        "score": _num(s.score),
        "self_score": _num(s.self_score),
        "classification": s.level.id,
        "classification_name": s.level.name,
        "capped_by": s.capped_by,
        "over_quota": s.unit.id in over,
        "submitted": s.report.submitted.isoformat() if s.report else None,
        "late_days": s.late_days,
        "events": dict(sorted(s.events.items())),
        "criteria": [
            {
                "id": c.criterion.id,
                "name": c.criterion.name,
                "max": _num(c.criterion.points),
                "points": _num(c.points),
                "applicable": c.applicable,
                "in_progress": list(c.in_progress),
                "rule": explain.rule(c),
            }
            for c in s.criteria
        ],
        "adjustments": [
            {
                "id": a.adjustment.id,
                "name": a.adjustment.name,
                "items": a.items,
                "points": _num(a.points),
            }
            for a in s.adjustments
        ],
    }


def unit_json(o: Outcome, s: UnitScore) -> str:
    doc = {
        "version": JSON_VERSION,
        "phase": o.phase.number,
        "as_of": o.as_of.isoformat(),
        "provisional": o.provisional,
        "unit": _unit_json(s, over_quota(o)),
    }
    return json_text(doc)


_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?\d[\d.,]*")


def csv_cell(value: object) -> object:
    """The one CSV escape: a text cell that Excel would run as a formula (=, +, -, @, tab, CR
    first) gets a leading apostrophe, so it is shown as typed; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def as_csv(o: Outcome, bloc: str | None = None) -> str:
    """For Excel on a Vietnamese Windows: a UTF-8 BOM (so letters are not garbled), semicolons
    between columns, Vietnamese headers, names rather than ids, Vietnamese decimal commas."""
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(
        [
            "Khối thi đua",
            "Hạng",
            "Đơn vị",
            "Điểm",
            "Số chỉ tiêu đạt",
            "Điểm tự chấm",
            "Xếp loại",
            "Ghi chú",
        ]
    )
    over = over_quota(o)
    for s in (s for _, members in ranked_blocs(o, bloc) for s in members):  # as on screen
        assert s.level is not None
        row = [
            s.bloc.name,
            s.rank,
            s.unit.name,
            score_text(o, s.score),
            s.met,
            score_text(o, s.self_score),
            s.level.name,
            # a CSV has no banner: each row of sample data says so, wherever it is pasted
            "; ".join(t for t in ("DỮ LIỆU MẪU" if o.sample else "", remarks(s, over)) if t),
        ]
        w.writerow([csv_cell(c) for c in row])
    return buf.getvalue()


def print_outcome(o: Outcome, console: Any, bloc: str | None = None) -> None:
    from rich.table import Table

    if o.sample:
        console.print("[bold reverse] DỮ LIỆU MẪU [/] — số liệu minh họa, không phải số liệu thật.")
    console.print(f"[bold]{esc(title(o))}[/]")
    if bloc is None:
        level = o.catalogue.campaign.locality.level
        t = Table(title=f"Kết quả thực hiện các chỉ tiêu toàn {esc(level)}", title_justify="left")
        for col, just in (
            ("STT", "right"),
            ("Mã", "left"),
            ("Chỉ tiêu", "left"),
            ("ĐVT", "left"),
            ("Kế hoạch", "right"),
            ("Thực hiện", "right"),
            ("% KH", "right"),
            ("Đánh giá", "left"),
            ("Nguồn số liệu", "left"),
        ):
            t.add_column(col, justify=just, overflow="fold")  # type: ignore[arg-type]
        group = None
        for r in indicator_rows(o):
            if r.group != group:
                group = r.group
                t.add_row("", "", f"[bold]{esc(r.group)}[/]", "", "", "", "", "", "")
            style = LABEL_STYLE.get(r.label.split(" (")[0], "")
            t.add_row(
                r.stt,
                esc(r.code),
                ("  trong đó: " if r.sub else "") + esc(r.name),
                esc(r.unit),
                esc(r.plan),
                esc(r.actual),
                esc(r.percent),
                f"[{style}]{esc(r.label)}[/]" if style else esc(r.label),
                esc(r.source),
            )
        console.print(t)
        console.print(f"[dim]{PROGRESS_NOTE}[/]")
    over = over_quota(o)
    for b, members in ranked_blocs(o, bloc):
        t = Table(title=f"Xếp hạng {esc(b.name)} ({len(members)} đơn vị)", title_justify="left")
        for col, just in (
            ("Hạng", "right"),
            ("Mã", "left"),
            ("Đơn vị", "left"),
            ("Điểm", "right"),
            ("Tự chấm", "right"),
            ("Xếp loại", "left"),
            ("Ghi chú", "left"),
        ):
            t.add_column(col, justify=just, overflow="fold")  # type: ignore[arg-type]
        part = shown(o, members)
        for n, s in enumerate([*part.top, *part.bottom]):
            assert s.level is not None
            if part.omitted and n == len(part.top):
                t.add_row("…", "", f"[dim]({part.omitted} đơn vị khác)[/]", "", "", "", "")
            t.add_row(
                str(s.rank),
                esc(s.unit.id),
                esc(s.unit.name),
                score_text(o, s.score),
                score_text(o, s.self_score),
                esc(s.level.name),
                esc(remarks(s, over)),
            )
        console.print(t)
        if part.omitted:
            counts = Counter(s.level.name for s in members if s.level is not None)
            levels = o.catalogue.scoring.levels if o.catalogue.scoring else []
            console.print(
                "Xếp loại: "
                + "; ".join(f"{esc(lv.name)} {counts[lv.name]}" for lv in levels if counts[lv.name])
                + "."
            )
            console.print(
                f"[dim]Khối có {len(members)} đơn vị: chỉ in {len(part.top)} đơn vị đầu và "
                f"{len(part.bottom)} đơn vị cuối. Xem đầy đủ: thidua score --phase "
                f"{o.phase.number} --bloc {esc(b.id)} --format csv > xep-hang-{esc(b.id)}.csv "
                "(mở bằng Excel).[/]"
            )
    for q in o.quotas:
        if bloc is not None and q.bloc.id != bloc:
            continue
        style = "green" if q.ok else "bold red"
        console.print(f"{esc(q.bloc.name)} — [{style}]{esc(quota_text(o, q))}[/]")


def print_explain(o: Outcome, s: UnitScore, console: Any) -> None:
    """Every point of one unit's score, with the numbers and the rule: readable aloud."""
    assert s.level is not None
    if o.sample:
        console.print("[bold reverse] DỮ LIỆU MẪU [/]")
    console.print(f"[bold]{esc(s.unit.name)}[/] ({esc(s.unit.id)}) — {esc(s.bloc.name)}")
    console.print(esc(title(o)))
    console.print(f"Bảng chấm điểm: {esc(s.table.name)}")
    if s.report is None:
        console.print("[bold red]Đơn vị chưa nộp báo cáo đợt này.[/]")
    else:
        due = f", hạn {numfmt.day(s.due)}" if s.due else ""
        console.print(
            f"Báo cáo nộp ngày {numfmt.day(s.report.submitted)}{due}"
            + (f" — muộn {s.late_days} ngày" if s.late_days else "")
        )
    _explain_criteria(o, s, console)
    _explain_sums(o, s, console)
    _explain_verdict(o, s, console)


def _explain_criteria(o: Outcome, s: UnitScore, console: Any) -> None:
    """One row per criterion: its indicators, plans, figures, evaluations, rule and points."""
    from rich.table import Table

    places = decimals(o)
    t = Table(title="Điểm theo tiêu chí", title_justify="left", show_lines=True)
    for col, just in (
        ("Tiêu chí", "left"),
        ("Điểm chuẩn", "right"),
        ("Chỉ tiêu", "left"),
        ("Kế hoạch", "right"),
        ("Thực hiện", "right"),
        ("% KH", "right"),
        ("Đánh giá", "left"),
        ("Cách tính", "left"),
        ("Điểm", "right"),
    ):
        t.add_column(col, justify=just, overflow="fold")  # type: ignore[arg-type]
    for c in s.criteria:
        codes = (
            "\n".join(
                [ind.code for ind, _ in c.evaluations]
                + [f"{code} (đang thực hiện, chưa chấm)" for code in c.in_progress]
            )
            or "—"
        )
        plans = "\n".join(plan_text(ind, ev) for ind, ev in c.evaluations) or "—"
        actuals = "\n".join(actual_text(ind, ev) for ind, ev in c.evaluations) or "—"
        pcts = "\n".join(percent_text(ev) for _, ev in c.evaluations) or "—"
        labels = "\n".join(label_text(ev.label, o.provisional) for _, ev in c.evaluations) or "—"
        t.add_row(
            esc(c.criterion.name),
            numfmt.number(c.criterion.points),
            esc(codes),
            esc(plans),
            esc(actuals),
            esc(pcts),
            esc(labels),
            esc(explain.rule(c)),
            numfmt.number(c.points, places) if c.applicable else "không tính",
        )
    console.print(t)


def _explain_sums(o: Outcome, s: UnitScore, console: Any) -> None:
    """The criteria's sum (rescaled when some criteria did not apply), bonuses and penalties."""
    places = decimals(o)
    line = f"Cộng điểm tiêu chí: {numfmt.number(s.subtotal, places)}"
    if s.applicable_max != s.table_max:
        from thidua_cli.compute.scoring import scaled_subtotal

        line += (
            f" trên {numfmt.number(s.applicable_max)} điểm áp dụng; quy đổi thang "
            f"{numfmt.number(s.table_max)}: {numfmt.number(s.subtotal, places)} × "
            f"{numfmt.number(s.table_max)} / {numfmt.number(s.applicable_max)} = "
            f"{numfmt.number(scaled_subtotal(s, places), places)}"
        )
    console.print(line)
    for a in s.adjustments:
        each = (
            f"{numfmt.number(a.adjustment.points)} × {a.items}"
            if a.adjustment.per_item
            else numfmt.number(a.adjustment.points)
        )
        limit = (
            f", tối đa {numfmt.number(a.adjustment.limit)} điểm"
            if a.adjustment.limit is not None
            else ""
        )
        sign = "+" if a.points > 0 else ""
        console.print(
            f"{'Điểm thưởng' if a.points > 0 else 'Điểm trừ'}: {esc(a.adjustment.name)} "
            f"({each}{limit}) = {sign}{numfmt.number(a.points, places)}"
        )


def _explain_verdict(o: Outcome, s: UnitScore, console: Any) -> None:
    """The total beside the self-score, the class with its thresholds, the rank in the bloc."""
    assert s.level is not None
    places = decimals(o)
    members = sum(1 for x in o.units if x.bloc.id == s.bloc.id)
    console.print(
        f"[bold]Tổng điểm: {numfmt.number(s.score, places)}[/]"
        + (
            f" — đơn vị tự chấm {numfmt.number(s.self_score, places)} (chênh "
            f"{numfmt.number(s.score - s.self_score, places)})"
            if s.self_score is not None
            else " — đơn vị không tự chấm"
        )
    )
    levels = o.catalogue.scoring.levels if o.catalogue.scoring else []
    rule = ", ".join(f"≥ {numfmt.number(lv.min)}: {lv.name}" for lv in levels[:-1])
    console.print(f"Xếp loại: [bold]{esc(s.level.name)}[/] (ngưỡng {esc(rule)})")
    for when in s.capped_by:
        console.print(f"  hạ mức vì {EVENT_VI[when]} (quy định trong scoring.disqualifiers)")
    console.print(
        f"Xếp hạng: [bold]{s.rank}/{members}[/] trong {esc(s.bloc.name)} (theo điểm; bằng "
        "điểm thì xét số chỉ tiêu đạt, ngày nộp sớm hơn, rồi mã đơn vị)"
    )


Ranking = tuple[Outcome, str | None]  # the outcome, and the one bloc to show (None: all)


def _table(r: Ranking, stream: IO[str]) -> None:
    print_outcome(r[0], console(stream), r[1])


def _explain(u: tuple[Outcome, UnitScore], stream: IO[str]) -> None:
    print_explain(u[0], u[1], console(stream))


def _xlsx(r: Ranking, stream: IO[str]) -> None:
    """The workbook's bytes on the stream's binary side (`> ket-qua.xlsx`); `--out` is the
    usual way, through the atomic file writer."""
    from thidua_cli.formats.score_xlsx import build

    stream.flush()
    binary = getattr(stream, "buffer", None)
    if binary is None:
        raise TypeError("xlsx needs a binary stream")
    binary.write(build(*r))
    binary.flush()


FORMATS: dict[str, Callable[[Ranking, IO[str]], None]] = {
    "table": _table,
    "json": _write_json,
    "csv": writer(lambda r: as_csv(*r)),
    "xlsx": _xlsx,
}
# one unit, with --unit (and --explain)
UNIT_FORMATS: dict[str, Callable[[tuple[Outcome, UnitScore], IO[str]], None]] = {
    "table": _explain,
    "json": writer(lambda u: unit_json(*u)),
}
