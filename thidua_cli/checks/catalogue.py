"""Checks inside the campaign catalogue (indicators.yaml): every id it names must exist."""

from __future__ import annotations

from thidua_cli.problems import Problem, YamlPath, error
from thidua_cli.read.models import Catalogue
from thidua_cli.read.yamlload import Loaded


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
    levels = {lv.id for lv in cat.scoring.levels}
    codes = {i.code for i in cat.indicators}
    phases = {p.number for p in cat.phases}
    tables = {t.id for t in cat.scoring.tables}
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
    for i, bloc in enumerate(cat.blocs):
        for k in bloc.kinds:
            ref(k in kinds, ("blocs", i, "kinds"), "Loại đơn vị", k)
        ref(bloc.calendar in calendars, ("blocs", i, "calendar"), "Lịch", bloc.calendar)
        ref(bloc.scoring in tables, ("blocs", i, "scoring"), "Bảng chấm điểm", bloc.scoring)
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
