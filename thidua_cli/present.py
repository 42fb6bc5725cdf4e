"""Rows of formatted Vietnamese text shared by the terminal tables and the reports."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from . import numfmt
from .catalogue_view import target_text, value_text
from .commune import IndicatorOutcome
from .evaluate import Evaluation
from .models import Indicator
from .outcome import Outcome
from .scoring import UnitScore

PROGRESS_NOTE = (
    "«Đang thực hiện»: chỉ tiêu cộng dồn chưa có mốc của đợt; tỷ lệ % là tiến độ "
    "so với kế hoạch cả năm. «(đợt)»: so với mốc kế hoạch của đợt."
)
EVENT_VI = {
    "no-registration": "chưa đăng ký chỉ tiêu",
    "no-pact": "chưa ký giao ước",
    "no-report": "chưa báo cáo",
    "late-report": "nộp muộn",
    "missing-evidence": "thiếu minh chứng",
    "exemplar-recognised": "có điển hình được công nhận",
    "indicator-not-met": "chỉ tiêu chưa đạt",
}


def actual_text(ind: Indicator, ev: Evaluation, *, mark_estimate: bool = True) -> str:
    """ "10.872,5", "6,39%", "38/41 (92,7%)", "Đạt"; "(ước)" for an estimate."""
    if ev.actual is None:
        return "—"
    if ind.kind == "ratio" and ev.numerator is not None and ev.denominator is not None:
        text = (
            f"{numfmt.number(ev.numerator)}/{numfmt.number(ev.denominator)} "
            f"({value_text(ind, ev.actual)})"
        )
    elif isinstance(ev.actual, Decimal) and ind.kind not in ("percent", "ratio"):
        text = numfmt.number(numfmt.quantize(ev.actual, 2))
    else:
        text = value_text(ind, ev.actual)
    return text + (" (ước)" if ev.estimate and mark_estimate else "")


def plan_text(ind: Indicator, ev: Evaluation) -> str:
    if isinstance(ev.target, bool):
        return "Đạt" if ev.target else "Không"
    if ev.basis == "phase" and isinstance(ev.target, Decimal):
        return f"{value_text(ind, ev.target)} (đợt)"
    return target_text(
        ind, ev.target if isinstance(ev.target, Decimal) and ind.kind != "ratio" else None
    )


def percent_text(ev: Evaluation) -> str:
    p = ev.percent
    return "—" if p is None else numfmt.percent(p, 1)


@dataclass(frozen=True)
class IndicatorRow:
    stt: str
    code: str
    name: str
    unit: str
    plan: str
    actual: str
    percent: str
    label: str
    source: str  # "38/41 đơn vị" or the owner
    sub: bool  # a "trong đó" row
    group: str


def indicator_rows(o: Outcome) -> list[IndicatorRow]:
    groups = {g.id: g.name for g in o.catalogue.groups}
    rows: list[IndicatorRow] = []
    n = 0
    order = {g.id: i for i, g in enumerate(o.catalogue.groups)}
    for io in sorted(o.indicators, key=lambda io: order.get(io.indicator.group, len(order))):
        ind, ev = io.indicator, io.evaluation
        if ind.parent is None:
            n += 1
        label = str(ev.label)
        rows.append(
            IndicatorRow(
                stt="" if ind.parent else str(n),
                code=ind.code,
                name=ind.name,
                unit=ind.unit,
                plan=plan_text(ind, ev),
                actual=actual_text(ind, ev),
                percent=percent_text(ev),
                label=label,
                source=_source(io),
                sub=ind.parent is not None,
                group=groups.get(ind.group, ind.group),
            )
        )
    return rows


def _source(io: IndicatorOutcome) -> str:
    ind = io.indicator
    if ind.aggregation == "computed":
        return (
            "tính từ xếp loại"
            if ind.compute and ind.compute.rule == "share-at-level"
            else "tính từ sổ điển hình"
        )
    if ind.aggregation == "owner":
        return ind.owner or ""
    return f"{io.reporters}/{io.expected} đơn vị"


def score_text(o: Outcome, v: Decimal | None) -> str:
    return "—" if v is None else numfmt.number(v, o.catalogue.scoring.decimals)


def remarks(us: UnitScore, over: set[str]) -> str:
    """Short notes for a ranking row: late, no report, no pact, disqualified, beyond quota."""
    notes = []
    if "no-report" in us.events:
        notes.append("chưa báo cáo")
    elif us.late_days:
        notes.append(f"nộp muộn {us.late_days} ngày")
    if "no-registration" in us.events:
        notes.append("chưa đăng ký")
    if "no-pact" in us.events:
        notes.append("chưa ký giao ước")
    if us.unit.id in over:
        notes.append("vượt tỷ lệ xuất sắc")
    return "; ".join(notes)


def over_quota(o: Outcome) -> set[str]:
    return {uid for q in o.quotas for uid in q.over}
