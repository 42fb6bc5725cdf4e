"""Rows of formatted Vietnamese text shared by the terminal tables and the reports."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from thidua_cli import numfmt
from thidua_cli.compute.commune import IndicatorOutcome
from thidua_cli.compute.evaluate import Evaluation
from thidua_cli.compute.outcome import Outcome
from thidua_cli.compute.scoring import UnitScore
from thidua_cli.read.models import Indicator

COMPARATOR_SIGN = {">=": "≥", "<=": "≤", "=": "=", "range": "", "about": "≈"}


def plain(v: Decimal | None) -> int | float | None:
    """A Decimal for JSON: an int when whole, else the shortest float that reads back the same."""
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)


def value_text(ind: Indicator, v: Decimal | bool | None) -> str:
    """One value the way a report writes it: "6,39%", "10.900", "Đạt"."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "Đạt" if v else "Không đạt"
    return numfmt.percent(v) if ind.kind in ("percent", "ratio") else numfmt.number(v)


def target_text(ind: Indicator, target: Decimal | bool | None = None) -> str:
    """The plan's target as people write it: "≥ 6,39%", "≤ 7,48%", "36/41 (87,8%)", "Đạt"."""
    if ind.kind == "boolean":
        want = ind.target_bool if target is None else target
        return "Đạt" if want else "Không"
    if ind.kind == "ratio" and ind.target_numerator is not None and ind.target_denominator:
        share = ind.target_numerator / ind.target_denominator * 100
        return (
            f"{numfmt.number(ind.target_numerator)}/{numfmt.number(ind.target_denominator)}"
            f" ({numfmt.percent(share, 1)})"
        )
    if ind.comparator == "range":
        return f"{value_text(ind, ind.target_min)} – {value_text(ind, ind.target_max)}"
    value = target if isinstance(target, Decimal) else ind.target
    text = f"{COMPARATOR_SIGN[ind.comparator]} {value_text(ind, value)}".strip()
    if ind.comparator == "about" and ind.tolerance is not None:
        text += f" (± {numfmt.number(ind.tolerance)})"
    return text


AGGREGATION_VI = {
    "sum": "cộng các đơn vị",
    "ratio": "tổng tử số / tổng mẫu số",
    "owner": "đơn vị phụ trách báo cáo",
    "count-true": "đếm số đơn vị đạt",
    "computed": "tính từ xếp loại, điển hình",
}

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


@dataclass(frozen=True)
class Shown:
    """The units of one bloc as shown: all of them, or the first and last few of a large bloc
    (`omitted` units between them)."""

    top: list[UnitScore]
    bottom: list[UnitScore]
    omitted: int


def shown(o: Outcome, ranked: list[UnitScore]) -> Shown:
    """What to show of a bloc ranked best first, by the catalogue's `large_rosters`."""
    if not too_large(o, len(ranked)):
        return Shown(ranked, [], 0)
    show = o.catalogue.large_rosters.show
    return Shown(ranked[:show], ranked[-show:], len(ranked) - 2 * show)


def too_large(o: Outcome, size: int) -> bool:
    """Is a bloc of `size` units too large to list whole (catalogue: large_rosters)?"""
    rule = o.catalogue.large_rosters
    return size > rule.from_units and size > 2 * rule.show


def few(o: Outcome, names: list[str]) -> str:
    """A list of names, cut to the catalogue's `large_rosters.show` when it is long."""
    show = o.catalogue.large_rosters.show
    if not too_large(o, len(names)):
        return ", ".join(names)
    return ", ".join(names[:show]) + f" và {len(names) - show} đơn vị khác (xem tệp CSV)"
