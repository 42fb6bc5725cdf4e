"""Checks inside the campaign catalogue (indicators.yaml): every id it names must exist."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from thidua_cli import numfmt
from thidua_cli.problems import Problem, YamlPath, error
from thidua_cli.read.models import Catalogue, Indicator
from thidua_cli.read.yamlload import Loaded

Ref = Callable[[bool, YamlPath, str, object], None]


def check_catalogue(cat: Catalogue, f: Loaded) -> list[Problem]:
    """References inside indicators.yaml: every id it names must exist."""
    out: list[Problem] = []

    def ref(ok: bool, ypath: YamlPath, what: str, value: object) -> None:
        if not ok:
            out.append(
                error(
                    f.path,
                    f.pos(ypath),
                    "unknown-reference",
                    f"{what} «{value}» không có trong danh mục.",
                    "",
                    ypath,
                )
            )

    for name in ("phases", "calendars", "unit_kinds", "blocs", "groups", "fields", "indicators"):
        seen: dict[object, int] = {}
        for i, item in enumerate(getattr(cat, name)):
            key = getattr(item, "code", None) or getattr(item, "id", None) or item.number
            if key in seen:
                out.append(
                    error(
                        f.path,
                        f.pos((name, i)),
                        "duplicate-id",
                        f"Mã «{key}» bị lặp lại trong «{name}».",
                        "",
                        (name, i),
                    )
                )
            seen[key] = i
    kinds = {k.id for k in cat.unit_kinds}
    groups = {g.id for g in cat.groups}
    levels = {lv.id for lv in cat.scoring.levels} if cat.scoring else set()
    codes = {i.code for i in cat.indicators}
    phases = {p.number for p in cat.phases}
    tables = {t.id for t in cat.scoring.tables} if cat.scoring else set()
    calendars = {c.id for c in cat.calendars}
    for i, ind in enumerate(cat.indicators):
        at: YamlPath = ("indicators", i)
        ref(ind.group in groups, (*at, "group"), "Nhóm", ind.group)
        if ind.parent is not None:
            ref(ind.parent in codes, (*at, "parent"), "Chỉ tiêu cha", ind.parent)
        for j, k in enumerate([*ind.applies_to, *ind.aggregate_over]):
            ref(k in kinds, (*at, "applies_to", j), "Loại đơn vị", k)
        if ind.compute is not None:
            for k in ind.compute.kinds:
                ref(k in kinds, (*at, "compute", "kinds"), "Loại đơn vị", k)
            if ind.compute.level is not None:
                ref(
                    ind.compute.level in levels,
                    (*at, "compute", "level"),
                    "Mức xếp loại",
                    ind.compute.level,
                )
        for p in ind.phase_targets:
            ref(p in phases, (*at, "phase_targets", p), "Đợt", p)
        if ind.across is not None:
            of = next((x for x in cat.indicators if x.code == ind.across.of), None)
            ref(
                of is not None and of.aggregation not in ("computed", "across", "none"),
                (*at, "across", "of"),
                "Chỉ tiêu báo cáo",
                ind.across.of,
            )
        if ind.due is not None:
            ref(ind.due in phases, (*at, "due"), "Đợt", ind.due)
        if ind.due_year is not None:
            ref(cat.due_phase(ind) is not None, (*at, "due_year"), "Đợt của năm", ind.due_year)
        out.extend(_indicator_form(cat, ind, f, at))
    for i, bloc in enumerate(cat.blocs):
        for k in bloc.kinds:
            ref(k in kinds, ("blocs", i, "kinds"), "Loại đơn vị", k)
        ref(bloc.calendar in calendars, ("blocs", i, "calendar"), "Lịch", bloc.calendar)
        if bloc.scoring is not None:
            ref(bloc.scoring in tables, ("blocs", i, "scoring"), "Bảng chấm điểm", bloc.scoring)
        elif cat.scores:
            out.append(
                error(
                    f.path,
                    f.pos(("blocs", i)),
                    "bloc-without-scoring",
                    f"Khối «{bloc.id}» chưa ghi bảng chấm điểm («scoring»).",
                    "Ghi scoring: <mã bảng> cho khối, hoặc campaign.sections.scoring: false "
                    "nếu kế hoạch không chấm điểm.",
                    ("blocs", i),
                )
            )
    for i, cal in enumerate(cat.calendars):
        for j, w in enumerate(cal.phases):
            at = ("calendars", i, "phases", j)
            ref(w.phase in phases, (*at, "phase"), "Đợt", w.phase)
            if not w.start <= w.end <= w.due:
                out.append(
                    error(
                        f.path,
                        f.pos(at),
                        "invalid-window",
                        "Thời gian đợt phải có: bắt đầu ≤ kết thúc ≤ hạn báo cáo.",
                        "",
                        at,
                    )
                )
        missing = phases - {w.phase for w in cal.phases}
        if missing:
            out.append(
                error(
                    f.path,
                    f.pos(("calendars", i)),
                    "calendar-incomplete",
                    f"Lịch «{cal.id}» thiếu đợt "
                    + ", ".join(str(n) for n in sorted(missing))
                    + ".",
                    "",
                    ("calendars", i),
                )
            )
    if cat.scoring is not None:
        out.extend(_scoring(cat, f, ref))
    for i, rule in enumerate(cat.awards.rules if cat.awards else []):
        if rule.level is not None:
            ref(rule.level in levels, ("awards", "rules", i, "level"), "Mức xếp loại", rule.level)
        for k in rule.kinds:
            ref(k in kinds, ("awards", "rules", i, "kinds"), "Loại đơn vị", k)
    if cat.campaign.start > cat.campaign.end:
        out.append(
            error(
                f.path,
                f.pos(("campaign", "start")),
                "invalid-window",
                "Ngày bắt đầu phong trào sau ngày kết thúc.",
                "",
                ("campaign", "start"),
            )
        )
    return out


def _scoring(cat: Catalogue, f: Loaded, ref: Ref) -> list[Problem]:
    """The scoring section: levels high to low, references to levels and indicators."""
    assert cat.scoring is not None
    out: list[Problem] = []
    levels = {lv.id for lv in cat.scoring.levels}
    codes = {i.code for i in cat.indicators}
    mins = [lv.min for lv in cat.scoring.levels]
    if mins != sorted(mins, reverse=True) or mins[-1] != 0:
        out.append(
            error(
                f.path,
                f.pos(("scoring", "levels")),
                "invalid-levels",
                "Các mức xếp loại phải xếp từ cao xuống thấp, mức cuối có ngưỡng 0.",
                "",
                ("scoring", "levels"),
            )
        )
    for i, d in enumerate(cat.scoring.disqualifiers):
        ref(
            d.max_level in levels,
            ("scoring", "disqualifiers", i, "max_level"),
            "Mức xếp loại",
            d.max_level,
        )
    for i, q in enumerate(cat.scoring.quotas):
        for lv in [q.level, *q.of_levels]:
            ref(lv in levels, ("scoring", "quotas", i), "Mức xếp loại", lv)
    for i, table in enumerate(cat.scoring.tables):
        for j, c in enumerate(table.criteria):
            for n, code in enumerate(c.indicators):
                ref(
                    code in codes,
                    ("scoring", "tables", i, "criteria", j, "indicators", n),
                    "Chỉ tiêu",
                    code,
                )
    return out


def _indicator_form(cat: Catalogue, ind: Indicator, f: Loaded, at: YamlPath) -> list[Problem]:
    """Forms that validate but compute the wrong thing: catch them before any score."""
    out: list[Problem] = []
    if ind.aggregation == "count-true" and ind.kind == "number":
        out.append(
            error(
                f.path,
                f.pos((*at, "kind")),
                "count-true-kind",
                f"Chỉ tiêu {ind.code} đếm số đơn vị đạt (count-true) nhưng có loại «number».",
                "Đếm số đơn vị («04 trường»): kind: count, target: 4. Tỷ lệ đơn vị đạt: "
                "kind: ratio với target_numerator/target_denominator, hoặc kind: percent.",
                (*at, "kind"),
            )
        )
    if ind.parts_total is not None:
        parts = [p for p in cat.indicators if p.parent == ind.code]
        targets = [p.target for p in parts if p.target is not None]
        if not parts:
            out.append(
                error(
                    f.path,
                    f.pos((*at, "parts_total")),
                    "parts-sum",
                    f"Chỉ tiêu {ind.code} ghi «parts_total» nhưng không có chỉ tiêu thành phần.",
                    f"Thêm các chỉ tiêu có parent: {ind.code}.",
                    (*at, "parts_total"),
                )
            )
        elif len(targets) == len(parts):
            total = sum(targets, Decimal(0))
            if abs(total - ind.parts_total) > ind.parts_tolerance:
                out.append(
                    error(
                        f.path,
                        f.pos((*at, "parts_total")),
                        "parts-sum",
                        f"Kế hoạch các thành phần của {ind.code} cộng lại được "
                        f"{numfmt.number(total)}, không phải {numfmt.number(ind.parts_total)}"
                        f" (± {numfmt.number(ind.parts_tolerance)}).",
                        "Kiểm tra lại kế hoạch từng thành phần.",
                        (*at, "parts_total"),
                    )
                )
    return out
