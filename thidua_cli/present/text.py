"""Rows of formatted Vietnamese text shared by the terminal tables and the reports."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from thidua_cli import numfmt
from thidua_cli.audit.figures import Figure
from thidua_cli.compute.commune import PARTIAL_KINDS, IndicatorOutcome
from thidua_cli.compute.evaluate import Evaluation, Label, Value, campaign_target, label_text
from thidua_cli.compute.outcome import Outcome
from thidua_cli.compute.scoring import QuotaCheck, UnitScore
from thidua_cli.read.models import Bloc, Catalogue, Indicator

COMPARATOR_SIGN = {
    ">=": "≥",
    "<=": "≤",
    ">": "trên",  # as a plan writes a strict target: «trên 4%», «dưới 1%»
    "<": "dưới",
    "=": "=",
    "range": "",
    "about": "≈",
}


def plain(v: Decimal | None) -> int | float | None:
    """A Decimal for JSON: an int when whole, else the shortest float that reads back the same."""
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)


def value_text(ind: Indicator, v: Value | None) -> str:
    """One value the way a report writes it: "6,39%", "10.900", "Đạt", "Hoàn thành tốt"."""
    if v is None:
        return "—"
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "Đạt" if v else "Không đạt"
    return numfmt.percent(v) if ind.kind in ("percent", "ratio") else numfmt.number(v)


def target_text(ind: Indicator, target: Value | None = None) -> str:
    """The plan's target as people write it: "≥ 6,39%", "trên 4%", "36/41 (87,8%)", "Đạt",
    "Hoàn thành tốt trở lên"."""
    if ind.heading:
        return ""
    if ind.kind == "boolean":
        want = ind.target_bool if target is None else target
        return "Đạt" if want else "Không"
    if ind.kind == "rating":
        level = target if isinstance(target, str) else ind.target_level or ""
        return f"{level} trở lên" if ind.comparator == ">=" and level != ind.levels[0] else level
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
    "across": "tính qua các đợt",
    "none": "nhóm các chỉ tiêu thành phần",
}

PROGRESS_NOTE = (
    "“Đang thực hiện”: chỉ tiêu chưa đến hạn hoàn thành ở đợt này; tỷ lệ % là tiến độ "
    "so với kế hoạch khi đến hạn. “(đợt)”: so với mốc kế hoạch của đợt."
)
INVERTED_NOTE = (
    "Chỉ tiêu ghi “≤” (càng thấp càng tốt): tỷ lệ % = kế hoạch/thực hiện × 100, "
    "trên 100% là tốt hơn kế hoạch."
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
STATE_VI = {  # compute/status.py State
    "on-time": "đúng hạn",
    "late": "nộp muộn",
    "missing": "chưa nộp (quá hạn)",
    "not-due": "chưa nộp (còn hạn)",
}
STATUS_VI = {  # an exemplar's status (read/models.py Exemplar)
    "registered": "Đăng ký",
    "cultivated": "Đang bồi dưỡng",
    "recognised": "Đã công nhận",
    "commended": "Đã khen thưởng",
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
    if ev.label is Label.NO_TARGET:
        return "—"  # no plan of its own: the commune's target is not the unit's
    if isinstance(ev.target, bool):
        text = "Đạt" if ev.target else "Không"
        return f"{text} (đợt)" if ev.basis == "phase" else text
    if isinstance(ev.target, str):
        return target_text(ind, ev.target)
    if ev.basis == "phase" and isinstance(ev.target, Decimal):
        return f"{value_text(ind, ev.target)} (đợt)"
    if ind.kind == "ratio" and isinstance(ev.target, Decimal):
        if ev.target != campaign_target(ind):  # a unit's own share ("195/200"): its percentage
            return value_text(ind, ev.target)
        return target_text(ind)
    return target_text(ind, ev.target if isinstance(ev.target, Decimal) else None)


def due_text(cat: Catalogue, ind: Indicator, ev: Evaluation) -> str:
    """ " (đến năm 2025)" beside a milestone target that is not due yet."""
    due = cat.due_phase(ind)
    if due is None or ev.basis != "progress":
        return ""
    if ind.due_year is not None:
        return f" (đến năm {ind.due_year})"
    phase = cat.phase(due)
    return f" (hạn: {phase.name})" if phase else ""


def percent_text(ev: Evaluation, label: Label | None = None) -> str:
    """ "% so với kế hoạch" to one decimal, or more when one decimal would contradict the
    label ("100%" beside "Không đạt" for 98,07 against 98,1 shows "99,97%")."""
    if isinstance(ev.actual, str):
        return "—"  # a rating has a level, not a percentage
    p = ev.percent
    if p is None:
        return "—"
    label = label or ev.label
    for places in range(1, 5):
        q = numfmt.quantize(p, places)
        if label is Label.NOT_MET and q >= 100 and p < 100:
            continue
        if label is Label.EXCEEDED and q <= 100 and p > 100:
            continue
        break
    return numfmt.percent(p, places)


@dataclass(frozen=True)
class IndicatorRow:
    stt: str  # the row number, or the plan's own item number (campaign.numbering: plan)
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
    item: str  # where it stands in the plan (the indicator's `source`)
    mark: str  # the footnote mark of the indicator's note, "" when it has none
    coverage: str = ""  # "38/41 đơn vị" for a figure made from many units, else ""
    inverted: bool = False  # a "≤" indicator: the % is target/actual


def indicator_rows(o: Outcome) -> list[IndicatorRow]:
    groups = {g.id: g.name for g in o.catalogue.groups}
    rows: list[IndicatorRow] = []
    n = 0
    by_plan = o.catalogue.campaign.numbering == "plan"
    marks = {code: mark for mark, code, _ in _notes(o)}
    names = {s.unit.id: s.unit.name for s in o.units}
    for io in _ordered(o):
        ind, ev = io.indicator, io.evaluation
        if ind.parent is None:
            n += 1
        label = "" if ind.heading else label_text(ev.label, o.provisional)
        stt = ind.source if by_plan else ("" if ind.parent else str(n))
        rows.append(
            IndicatorRow(
                stt=stt,
                code=ind.code,
                name=ind.name,
                unit=ind.unit,
                plan=plan_text(ind, ev) + due_text(o.catalogue, ind, ev),
                actual="" if ind.heading else actual_text(ind, ev),
                percent="" if ind.heading else percent_text(ev),
                label=label,
                source=_source(io, names),
                sub=ind.parent is not None,
                group=groups.get(ind.group, ind.group),
                item=ind.source,
                mark=marks.get(ind.code, ""),
                coverage=f"{io.reporters}/{io.expected} báo cáo"
                if ind.aggregation in PARTIAL_KINDS
                else "",
                inverted=ind.lower_is_better,
            )
        )
    return rows


def _ordered(o: Outcome) -> list[IndicatorOutcome]:
    order = {g.id: i for i, g in enumerate(o.catalogue.groups)}
    return sorted(o.indicators, key=lambda io: order.get(io.indicator.group, len(order)))


def _notes(o: Outcome) -> list[tuple[str, str, str]]:
    """(mark, code, footnote) for every indicator with a footnote, numbered in report order.
    (An indicator's `note` is for whoever keeps the catalogue and is never printed.)"""
    noted = [io.indicator for io in _ordered(o) if io.indicator.footnote]
    return [(f"({n})", ind.code, ind.footnote or "") for n, ind in enumerate(noted, 1)]


def footnotes(o: Outcome) -> list[str]:
    """The indicators' footnotes under the table: "(1) CT05: đơn vị tính trong kế hoạch ghi…"."""
    return [f"{mark} {code}: {note}" for mark, code, note in _notes(o)]


def _source(io: IndicatorOutcome, names: dict[str, str]) -> str:
    ind = io.indicator
    if ind.aggregation == "none":
        return ""
    if ind.aggregation == "across" and ind.across is not None:
        return f"tính qua các đợt từ {ind.across.of}"
    if ind.aggregation == "computed":
        return (
            "tính từ xếp loại"
            if ind.compute and ind.compute.rule == "share-at-level"
            else "tính từ sổ điển hình"
        )
    if ind.aggregation == "owner":
        return names.get(ind.owner, ind.owner) if ind.owner else ""  # the name, not the id
    return f"{io.reporters}/{io.expected} đơn vị"


def score_text(o: Outcome, v: Decimal | None) -> str:
    return "—" if v is None else numfmt.number(v, decimals(o))


def level_name(o: Outcome, level_id: str) -> str:
    levels = o.catalogue.scoring.levels if o.catalogue.scoring else []
    return next((lv.name for lv in levels if lv.id == level_id), level_id)


def decimals(o: Outcome) -> int:
    scoring = o.catalogue.scoring
    return scoring.decimals if scoring else 2


def remarks(us: UnitScore, over: dict[str, str]) -> str:
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
        notes.append(f"vượt tỷ lệ tối đa “{over[us.unit.id]}”")  # the quota's level
    return "; ".join(notes)


def over_quota(o: Outcome) -> dict[str, str]:
    """Units beyond a ceiling quota, with the name of the quota's level."""
    return {
        uid: level_name(o, q.quota.level) for q in o.quotas if q.quota.ceiling for uid in q.over
    }


def quota_text(o: Outcome, q: QuotaCheck) -> str:
    """One quota rule checked in one bloc, in words; a ceiling names the units beyond it."""
    level = level_name(o, q.quota.level)
    if q.quota.ceiling:
        bound = f"tối đa {numfmt.number(q.quota.max_percent)}%"
        name = q.quota.name or "Tỷ lệ tối đa"
    else:
        bound = f"tối thiểu {numfmt.number(q.quota.min_percent)}%"
        name = q.quota.name or "Tỷ lệ tối thiểu"
    text = f"{name} “{level}”: {q.count} đơn vị; {bound} của {q.base} đơn vị = {q.limit}: "
    if q.ok:
        return text + "đạt."
    if not q.quota.ceiling:
        return text + "chưa đạt."
    names = {s.unit.id: s.unit.name for s in o.units}
    return (
        text
        + "vượt; chưa đề nghị khen thưởng các đơn vị sau khi chưa có quyết định của "
        + f"{o.catalogue.campaign.locality.council}: "
        + few(o, [names.get(u, u) for u in q.over])
        + "."
    )


def figure_text(ind: Indicator, f: Figure | None) -> str:
    """A figure as typed, with what it means: "1.197/1.238 (96,69%)", "152,4 (ước)"."""
    if f is None or f.actual is None:
        return "—"
    if f.numerator is not None and f.denominator is not None:
        text = (
            f"{numfmt.number(f.numerator)}/{numfmt.number(f.denominator)} "
            f"({value_text(ind, f.actual)})"
        )
    elif isinstance(f.actual, Decimal) and ind.kind not in ("percent", "ratio"):
        text = numfmt.number(f.actual)
    else:
        text = value_text(ind, f.actual)
    return text + (" (ước)" if f.estimate else "")


def raw_text(v: object) -> str:
    """A raw value from a data file, written the Vietnamese way."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "Đạt" if v else "Không"
    if isinstance(v, Decimal):
        return numfmt.number(v)
    if isinstance(v, list | tuple):
        return ", ".join(raw_text(x) for x in v)
    return str(v)


@dataclass(frozen=True)
class Shown:
    """The units of one bloc as shown: all of them, or the first and last few of a large bloc
    (`omitted` units between them)."""

    top: list[UnitScore]
    bottom: list[UnitScore]
    omitted: int


def ranked_blocs(o: Outcome, bloc: str | None = None) -> list[tuple[Bloc, list[UnitScore]]]:
    """Each bloc in catalogue order with its units best first (one pass over the units, not
    one per bloc); blocs without units left out; `bloc` keeps only that one."""
    by_bloc: dict[str, list[UnitScore]] = {}
    for s in o.units:
        by_bloc.setdefault(s.bloc.id, []).append(s)
    return [
        (b, sorted(by_bloc[b.id], key=lambda s: s.rank))
        for b in o.catalogue.blocs
        if b.id in by_bloc and (bloc is None or b.id == bloc)
    ]


def shown(o: Outcome, ranked: list[UnitScore]) -> Shown:
    """What to show of a bloc ranked best first, by the catalogue's `large_rosters`: once the
    roster is too large to list whole, every bloc longer than twice `show` is summarised."""
    if not too_long(o, len(ranked)):
        return Shown(ranked, [], 0)
    show = o.catalogue.large_rosters.show
    return Shown(ranked[:show], ranked[-show:], len(ranked) - 2 * show)


def too_large(o: Outcome, size: int) -> bool:
    """Is a bloc of `size` units too large to list whole (catalogue: large_rosters)?"""
    rule = o.catalogue.large_rosters
    return size > rule.from_units and size > 2 * rule.show


def too_long(o: Outcome, size: int) -> bool:
    """Is a list in a report (late reports, exemplars, names) too long to print whole: longer
    than a large bloc, or, once the roster itself is too large to list (its report is a
    summary), longer than twice `large_rosters.show` — at 2.000 units the exemplars alone
    took 24 pages."""
    rule = o.catalogue.large_rosters
    return size > 2 * rule.show and (size > rule.from_units or len(o.units) > rule.from_units)


def few(o: Outcome, names: list[str], where: str = "xem tệp CSV") -> str:
    """A list of names, cut to the catalogue's `large_rosters.show` when it is long, saying
    `where` the rest is."""
    show = o.catalogue.large_rosters.show
    if not too_long(o, len(names)):
        return ", ".join(names)
    return ", ".join(names[:show]) + f" và {len(names) - show} đơn vị khác ({where})"
