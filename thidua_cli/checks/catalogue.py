"""Checks inside the campaign catalogue (indicators.yaml): every id it names must exist."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from thidua_cli import numfmt
from thidua_cli.problems import Problem, YamlPath, error
from thidua_cli.read.models import Catalogue, Indicator
from thidua_cli.read.yamlload import Loaded

Ref = Callable[[bool, YamlPath, str, object], None]


def check_catalogue(cat: Catalogue, f: Loaded) -> list[Problem]:
    """References inside indicators.yaml (every id it names must exist), then the form of each
    part: no duplicate ids, windows in order, complete calendars, sane scoring."""
    c = _Checker(cat, f)
    c.duplicates()
    for i, ind in enumerate(cat.indicators):
        c.indicator(i, ind)
    c.blocs()
    c.calendars()
    if cat.scoring is not None:
        c.out.extend(_scoring(cat, f, c.ref))
    c.awards()
    c.campaign()
    return c.out


@dataclass
class _Checker:
    """The catalogue, the ids it defines, and the problems found so far."""

    cat: Catalogue
    f: Loaded
    out: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        cat = self.cat
        self.kinds = {k.id for k in cat.unit_kinds}
        self.groups = {g.id for g in cat.groups}
        self.levels = {lv.id for lv in cat.scoring.levels} if cat.scoring else set()
        self.codes = {i.code for i in cat.indicators}
        self.phases = {p.number for p in cat.phases}
        self.tables = {t.id for t in cat.scoring.tables} if cat.scoring else set()
        self.calendar_ids = {c.id for c in cat.calendars}

    def problem(self, code: str, at: YamlPath, message: str, hint: str = "") -> None:
        self.out.append(error(self.f.path, self.f.pos(at), code, message, hint, at))

    def ref(self, ok: bool, at: YamlPath, what: str, value: object) -> None:
        if not ok:
            self.problem("unknown-reference", at, f"{what} «{value}» không có trong danh mục.")

    def duplicates(self) -> None:
        for name in (
            "phases",
            "calendars",
            "unit_kinds",
            "blocs",
            "groups",
            "fields",
            "indicators",
        ):
            seen: dict[object, int] = {}
            for i, item in enumerate(getattr(self.cat, name)):
                key = getattr(item, "code", None) or getattr(item, "id", None) or item.number
                if key in seen:
                    self.problem(
                        "duplicate-id", (name, i), f"Mã «{key}» bị lặp lại trong «{name}»."
                    )
                seen[key] = i

    def indicator(self, i: int, ind: Indicator) -> None:
        at: YamlPath = ("indicators", i)
        ref = self.ref
        ref(ind.group in self.groups, (*at, "group"), "Nhóm", ind.group)
        if ind.parent is not None:
            ref(ind.parent in self.codes, (*at, "parent"), "Chỉ tiêu cha", ind.parent)
        for j, k in enumerate([*ind.applies_to, *ind.aggregate_over]):
            ref(k in self.kinds, (*at, "applies_to", j), "Loại đơn vị", k)
        if ind.compute is not None:
            for k in ind.compute.kinds:
                ref(k in self.kinds, (*at, "compute", "kinds"), "Loại đơn vị", k)
            if ind.compute.level is not None:
                level = ind.compute.level
                ref(level in self.levels, (*at, "compute", "level"), "Mức xếp loại", level)
        for p in ind.phase_targets:
            ref(p in self.phases, (*at, "phase_targets", p), "Đợt", p)
        if ind.across is not None:
            of = next((x for x in self.cat.indicators if x.code == ind.across.of), None)
            ref(
                of is not None and of.aggregation not in ("computed", "across", "none"),
                (*at, "across", "of"),
                "Chỉ tiêu báo cáo",
                ind.across.of,
            )
        if ind.due is not None:
            ref(ind.due in self.phases, (*at, "due"), "Đợt", ind.due)
        if ind.due_year is not None:
            due = self.cat.due_phase(ind)
            ref(due is not None, (*at, "due_year"), "Đợt của năm", ind.due_year)
        self.out.extend(_indicator_form(self.cat, ind, self.f, at))

    def blocs(self) -> None:
        for i, bloc in enumerate(self.cat.blocs):
            for k in bloc.kinds:
                self.ref(k in self.kinds, ("blocs", i, "kinds"), "Loại đơn vị", k)
            self.ref(
                bloc.calendar in self.calendar_ids, ("blocs", i, "calendar"), "Lịch", bloc.calendar
            )
            if bloc.scoring is not None:
                self.ref(
                    bloc.scoring in self.tables,
                    ("blocs", i, "scoring"),
                    "Bảng chấm điểm",
                    bloc.scoring,
                )
            elif self.cat.scores:
                self.problem(
                    "bloc-without-scoring",
                    ("blocs", i),
                    f"Khối «{bloc.id}» chưa ghi bảng chấm điểm («scoring»).",
                    "Ghi scoring: <mã bảng> cho khối, hoặc campaign.sections.scoring: false "
                    "nếu kế hoạch không chấm điểm.",
                )

    def calendars(self) -> None:
        for i, cal in enumerate(self.cat.calendars):
            for j, w in enumerate(cal.phases):
                at: YamlPath = ("calendars", i, "phases", j)
                self.ref(w.phase in self.phases, (*at, "phase"), "Đợt", w.phase)
                if not w.start <= w.end <= w.due:
                    self.problem(
                        "invalid-window",
                        at,
                        "Thời gian đợt phải có: bắt đầu ≤ kết thúc ≤ hạn báo cáo (đang ghi: bắt "
                        f"đầu {numfmt.day(w.start)}, kết thúc {numfmt.day(w.end)}, hạn "
                        f"{numfmt.day(w.due)}).",
                    )
            missing = self.phases - {w.phase for w in cal.phases}
            if missing:
                self.problem(
                    "calendar-incomplete",
                    ("calendars", i),
                    f"Lịch «{cal.id}» thiếu đợt "
                    + ", ".join(str(n) for n in sorted(missing))
                    + ".",
                )

    def awards(self) -> None:
        for i, rule in enumerate(self.cat.awards.rules if self.cat.awards else []):
            if rule.level is not None:
                at: YamlPath = ("awards", "rules", i, "level")
                self.ref(rule.level in self.levels, at, "Mức xếp loại", rule.level)
            for k in rule.kinds:
                self.ref(k in self.kinds, ("awards", "rules", i, "kinds"), "Loại đơn vị", k)

    def campaign(self) -> None:
        if self.cat.campaign.start > self.cat.campaign.end:
            self.problem(
                "invalid-window",
                ("campaign", "start"),
                "Ngày bắt đầu phong trào sau ngày kết thúc.",
            )


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
