"""Checks of one unit file against the catalogue, in named steps: who the unit is, its
registrations, each phase report (dates, self-score, figures), what it left unreported, its
exemplars. The checks of single figures are in values.py."""

from __future__ import annotations

import itertools
from collections.abc import Generator, Iterator
from decimal import Decimal
from pathlib import Path

from thidua_cli import numfmt
from thidua_cli.checks.context import LATE_LIMIT, Context, suggest_code
from thidua_cli.checks.values import (
    check_result,
    check_value,
    check_zero_target,
    is_number,
)
from thidua_cli.problems import Problem, YamlPath, error, warning
from thidua_cli.read.models import Indicator, PhaseReport, Registration, Result, Unit
from thidua_cli.read.yamlload import Loaded


def check_unit(unit: Unit, f: Loaded, ctx: Context) -> list[Problem]:
    found = list(_unit(unit, f, ctx))
    if f.broken:  # a placeholder stands for a value already reported: say nothing about it
        found = [p for p in found if not any(p.yaml_path[: len(b)] == b for b in f.broken)]
    return found


def _unit(unit: Unit, f: Loaded, ctx: Context) -> Iterator[Problem]:
    yield from _identity(unit, f, ctx)
    yield from _registrations(unit, f, ctx)
    registered = _registered(unit, ctx)
    yield from _reports(unit, registered, f, ctx)
    yield from _unreported(unit, registered, f, ctx)
    yield from _cumulative(unit, f, ctx)
    yield from _exemplars(unit, f, ctx)


def _identity(unit: Unit, f: Loaded, ctx: Context) -> Iterator[Problem]:
    """Who the unit is: its id beside its file name, a known kind, a bloc that takes it."""
    cat = ctx.catalogue
    stem = Path(f.path).stem
    if unit.id != stem:
        yield warning(
            f.path,
            f.pos(("id",)),
            "id-filename-mismatch",
            f"Mã đơn vị «{unit.id}» khác tên tệp «{stem}.yaml».",
            f"Đổi tên tệp thành {unit.id}.yaml để dễ tìm.",
            ("id",),
        )
    kinds = {k.id for k in cat.unit_kinds}
    if unit.kind not in kinds:
        yield error(
            f.path,
            f.pos(("kind",)),
            "unknown-kind",
            f"Loại đơn vị «{unit.kind}» không có trong danh mục.",
            "Chọn một trong: " + ", ".join(sorted(kinds)) + ".",
            ("kind",),
        )
    bloc = ctx.blocs.get(unit.bloc) if unit.bloc is not None else None
    if unit.bloc is None:
        if ctx.blocs:
            yield error(
                f.path,
                (1, 1),
                "missing-bloc",
                "Đơn vị chưa ghi khối thi đua (thiếu trường «bloc»).",
                "Chọn một trong: " + ", ".join(sorted(ctx.blocs)) + ".",
            )
    elif bloc is None:
        yield error(
            f.path,
            f.pos(("bloc",)),
            "unknown-bloc",
            f"Khối thi đua «{unit.bloc}» không có trong danh mục.",
            "Chọn một trong: " + ", ".join(sorted(ctx.blocs)) + ".",
            ("bloc",),
        )
    elif unit.kind not in bloc.kinds:
        yield error(
            f.path,
            f.pos(("bloc",)),
            "bloc-kind-mismatch",
            f"Đơn vị loại «{unit.kind}» không thuộc khối «{bloc.name}».",
            "Khối này gồm: " + ", ".join(bloc.kinds) + ".",
            ("bloc",),
        )


def _registrations(unit: Unit, f: Loaded, ctx: Context) -> Iterator[Problem]:
    """Its registrations (the one of the campaign, or one a year or phase) and their targets."""
    cat = ctx.catalogue
    if not unit.all_registrations():
        yield warning(
            f.path,
            (1, 1),
            "no-registration",
            "Đơn vị chưa đăng ký chỉ tiêu thi đua (thiếu mục «registration»).",
            f"Mỗi đơn vị đăng ký chỉ tiêu với {cat.campaign.locality.body} từ đầu năm.",
        )
    places: list[tuple[YamlPath, Registration]] = (
        [(("registration",), unit.registration)] if unit.registration else []
    ) + [(("registrations", i), r) for i, r in enumerate(unit.registrations)]
    for where, reg in places:
        yield from _registration(unit, reg, where, f, ctx)
    yield from _yearly(unit, f, ctx)


def _registered(unit: Unit, ctx: Context) -> dict[int, set[str]]:
    """By phase: the codes the registration in force names."""
    registered: dict[int, set[str]] = {}
    for p in ctx.catalogue.phases:
        holding = unit.registration_for(p)
        if holding is not None:
            registered[p.number] = {c for c in holding.targets if c in ctx.indicators}
    return registered


def _reports(
    unit: Unit, registered: dict[int, set[str]], f: Loaded, ctx: Context
) -> Iterator[Problem]:
    """Each phase report: a known phase, once; its dates; the self-score; every figure."""
    seen_phases: set[int] = set()
    for i, report in enumerate(unit.results):
        at = ("results", i)
        if report.phase not in ctx.phases:
            yield _unknown_phase(f, (*at, "phase"), report.phase, ctx)
            continue
        if report.phase in seen_phases:
            yield error(
                f.path,
                f.pos((*at, "phase")),
                "duplicate-phase",
                f"Đợt {report.phase} được báo cáo hai lần.",
                "Gộp số liệu vào một mục; sửa số thì sửa tại chỗ, git giữ lịch sử.",
                (*at, "phase"),
            )
        seen_phases.add(report.phase)
        yield from _report_dates(unit, report, at, f, ctx)
        top = ctx.score_ceiling(ctx.blocs.get(unit.bloc) if unit.bloc else None)
        if report.self_score is not None and top is not None and not 0 <= report.self_score <= top:
            yield error(
                f.path,
                f.pos((*at, "self_score")),
                "out-of-range",
                f"Điểm tự chấm phải từ 0 đến {numfmt.number(top)} (thang điểm của khối, "
                "kể cả điểm thưởng).",
                "Kiểm tra lại tổng điểm tự chấm.",
                (*at, "self_score"),
            )
        yield from _self_scores(unit, report.self_scores, f, (*at, "self_scores"), ctx)
        for code, result in report.values.items():
            rat: YamlPath = (*at, "values", code)
            ind = yield from _indicator(unit, code, f, rat, ctx)
            if ind is None:
                continue
            if report.phase in registered and code not in registered[report.phase]:
                yield warning(
                    f.path,
                    f.pos(rat, key=True),
                    "not-registered",
                    f"Đơn vị báo cáo chỉ tiêu {code} nhưng không đăng ký chỉ tiêu này.",
                    "Thêm vào registration.targets nếu đơn vị có đăng ký.",
                    rat,
                )
            yield from check_result(unit, ind, result, report.phase, f, rat, ctx)
        yield from _parts(report.values, f, (*at, "values"), ctx)


def _report_dates(
    unit: Unit, report: PhaseReport, at: YamlPath, f: Loaded, ctx: Context
) -> Iterator[Problem]:
    """The submission date against the campaign and the unit's own phase window."""
    window = ctx.catalogue.window(unit, report.phase)
    if window is not None:
        if report.submitted > ctx.last_due + LATE_LIMIT:
            yield error(
                f.path,
                f.pos((*at, "submitted")),
                "date-outside-campaign",
                f"Ngày nộp {numfmt.day(report.submitted)} sau khi phong trào đã kết "
                f"thúc (hạn cuối {numfmt.day(ctx.last_due)}); có thể gõ nhầm năm.",
                "Kiểm tra lại năm của ngày nộp báo cáo.",
                (*at, "submitted"),
            )
        elif report.submitted < ctx.first_start:
            yield error(
                f.path,
                f.pos((*at, "submitted")),
                "date-outside-campaign",
                f"Ngày nộp {numfmt.day(report.submitted)} trước khi phong trào bắt đầu "
                f"({numfmt.day(ctx.first_start)}); có thể gõ nhầm năm.",
                "Kiểm tra lại năm của ngày nộp báo cáo.",
                (*at, "submitted"),
            )
        elif report.submitted > window.due:
            late = (report.submitted - window.due).days
            yield warning(
                f.path,
                f.pos((*at, "submitted")),
                "late-report",
                f"Báo cáo đợt {report.phase} nộp ngày {numfmt.day(report.submitted)}, "
                f"muộn {late} ngày so với hạn {numfmt.day(window.due)}.",
                "Báo cáo muộn bị trừ điểm theo bảng chấm điểm.",
                (*at, "submitted"),
            )
        elif report.submitted < window.start:
            yield warning(
                f.path,
                f.pos((*at, "submitted")),
                "date-outside-phase",
                f"Ngày nộp {numfmt.day(report.submitted)} trước khi đợt "
                f"{report.phase} bắt đầu ({numfmt.day(window.start)}).",
                "Kiểm tra lại năm và đợt của báo cáo.",
                (*at, "submitted"),
            )


def _unreported(
    unit: Unit, registered: dict[int, set[str]], f: Loaded, ctx: Context
) -> Iterator[Problem]:
    """A registered indicator missing from a phase report silently scores nothing."""
    for i, report in enumerate(unit.results):
        if report.phase not in ctx.phases:
            continue
        codes = registered.get(report.phase, set())
        missing = sorted(
            c
            for c in codes
            if c not in report.values
            and ctx.indicators[c].aggregation != "computed"
            and ctx.may_register(unit, ctx.indicators[c])  # else already an error
        )
        if missing:
            at: YamlPath = ("results", i, "values")
            yield warning(
                f.path,
                f.pos(at, key=True) if at in f.keys else f.pos(("results", i, "phase")),
                "registered-not-reported",
                f"Báo cáo đợt {report.phase} thiếu {len(missing)} chỉ tiêu đã đăng ký: "
                + ", ".join(missing)
                + "; chỉ tiêu không báo cáo không được tính điểm.",
                "Bổ sung số liệu (thidua set), hoặc ghi chú lý do nếu chưa có số liệu.",
                at,
            )


def _cumulative(unit: Unit, f: Loaded, ctx: Context) -> Iterator[Problem]:
    """A cumulative quantity (tons harvested) never falls from one phase to the next: a lower
    figure is usually the half-year increment reported instead of the running total."""
    reports = sorted(
        ((r.phase, i, r) for i, r in enumerate(unit.results) if r.phase in ctx.phases),
        key=lambda t: t[:2],
    )
    for (p1, _, r1), (p2, i2, r2) in itertools.pairwise(reports):
        for code, later in r2.values.items():
            ind = ctx.indicators.get(code)
            earlier = r1.values.get(code)
            if ind is None or not ind.cumulative or earlier is None:
                continue
            a, b = earlier.value, later.value
            if not (is_number(a) and is_number(b)) or b >= a:
                continue
            at: YamlPath = ("results", i2, "values", code, "value")
            yield warning(
                f.path,
                f.pos(at),
                "cumulative-decreased",
                f"{code} là số cộng dồn nhưng đợt {p2} ({numfmt.number(b)}) thấp hơn đợt {p1} "
                f"({numfmt.number(a)}).",
                f"Đợt {p2} ghi tổng cộng dồn từ đầu năm, không chỉ phần tăng thêm trong đợt.",
                at,
            )


def _yearly(unit: Unit, f: Loaded, ctx: Context) -> Iterator[Problem]:
    """A term plan's registrations and pacts: one per year (or per phase), for a year the plan
    has; a second one for the same year would be silently ignored."""
    years = {p.year for p in ctx.catalogue.phases if p.year is not None}
    items: list[tuple[str, int, int | None, tuple[int, ...]]] = [
        ("registrations", i, r.year, tuple(r.phases)) for i, r in enumerate(unit.registrations)
    ] + [("pacts", i, p.year, ()) for i, p in enumerate(unit.pacts)]
    seen: set[tuple[str, int | None, tuple[int, ...]]] = set()
    for name, i, year, phases in items:
        at: YamlPath = (name, i)
        if year is not None and year not in years:
            yield error(
                f.path,
                f.pos((*at, "year")),
                "unknown-phase",
                f"Năm {year} không có đợt nào trong kế hoạch.",
                "Các năm có đợt: " + ", ".join(str(y) for y in sorted(years)) + "."
                if years
                else "Ghi «year» cho từng đợt trong danh mục (phases) trước.",
                (*at, "year"),
            )
        if (name, year, phases) in seen:
            yield error(
                f.path,
                f.pos(at),
                "duplicate-registration",
                f"Năm {year} đã có một mục trong «{name}»; mục này sẽ bị bỏ qua."
                if year is not None
                else f"Mục trong «{name}» bị lặp lại.",
                "Gộp hai mục thành một; sửa số thì sửa tại chỗ, git giữ lịch sử.",
                at,
            )
        seen.add((name, year, phases))


def _registration(
    unit: Unit, reg: Registration, where: YamlPath, f: Loaded, ctx: Context
) -> Iterator[Problem]:
    for code, target in reg.targets.items():
        at: YamlPath = (*where, "targets", code)
        ind = yield from _indicator(unit, code, f, at, ctx)
        if ind is not None and target is not None:
            # a unit's own percentage target typed as a fraction (0.95 for 95%) is caught
            # against the campaign's; other targets may differ from it freely
            plan = ind.target if ind.kind == "percent" else None
            yield from check_value(ind, target, f, at, ctx, plan, as_target=True)
            yield from check_zero_target(ind, target, f, at)
    for phase in reg.phases:
        if phase not in ctx.phases:
            yield _unknown_phase(f, (*where, "phases"), phase, ctx)
    for phase, targets in reg.phase_targets.items():
        if phase not in ctx.phases:
            yield _unknown_phase(f, (*where, "phase_targets", phase), phase, ctx)
        for code, target in targets.items():
            at = (*where, "phase_targets", phase, code)
            if code not in reg.targets:
                yield error(
                    f.path,
                    f.pos(at, key=True),
                    "phase-target-unregistered",
                    f"Chỉ tiêu đợt «{code}» chưa có trong danh sách đăng ký.",
                    "Thêm chỉ tiêu vào targets của lần đăng ký này trước.",
                    at,
                )
            elif (ind := ctx.indicators.get(code)) is not None:
                yield from check_value(ind, target, f, at, ctx, as_target=True)
                yield from check_zero_target(ind, target, f, at)


def _parts(values: dict[str, Result], f: Loaded, at: YamlPath, ctx: Context) -> Iterator[Problem]:
    """Shares of one whole (parts of a plan item with `parts_total`) add up to the whole."""
    for head in ctx.catalogue.indicators:
        if head.parts_total is None:
            continue
        parts = [i.code for i in ctx.catalogue.indicators if i.parent == head.code]
        reported = [values[c].value for c in parts if c in values]
        if not parts or len(reported) != len(parts):
            continue  # judged once every part is reported
        numbers = [v for v in reported if isinstance(v, Decimal) and not isinstance(v, bool)]
        if len(numbers) != len(parts):
            continue  # a wrong type is reported on the value itself
        total = sum(numbers, Decimal(0))
        if abs(total - head.parts_total) > head.parts_tolerance:
            first: YamlPath = (*at, parts[0])
            yield error(
                f.path,
                f.pos(first, key=True),
                "parts-sum",
                f"Các thành phần của {head.code} ({', '.join(parts)}) cộng lại được "
                f"{numfmt.number(total)}, không phải {numfmt.number(head.parts_total)} "
                f"(± {numfmt.number(head.parts_tolerance)}).",
                "Kiểm tra lại từng thành phần: các tỷ lệ của một tổng thể phải cộng đủ.",
                first,
            )


def _unknown_phase(f: Loaded, at: YamlPath, phase: int, ctx: Context) -> Problem:
    return error(
        f.path,
        f.pos(at),
        "unknown-phase",
        f"Đợt {phase} không có trong kế hoạch.",
        "Các đợt: " + ", ".join(str(p) for p in sorted(ctx.phases)) + ".",
        at,
    )


def _indicator(
    unit: Unit, code: str, f: Loaded, at: YamlPath, ctx: Context
) -> Generator[Problem, None, Indicator | None]:
    """Yield why `code` cannot be used here; return its Indicator when it can."""
    ind = ctx.indicators.get(code)
    if ind is None:
        yield error(
            f.path,
            f.pos(at, key=True),
            "unknown-indicator",
            f"Mã chỉ tiêu «{code}» không có trong danh mục.",
            suggest_code(code, sorted(ctx.indicators)) or "Xem danh mục: thidua indicators.",
            at,
        )
        return None
    if ind.aggregation in ("computed", "across", "none"):
        why = {
            "computed": "từ kết quả xếp loại, điển hình",
            "across": f"qua các đợt từ chỉ tiêu {ind.across.of if ind.across else ''}",
            "none": "từ các chỉ tiêu thành phần",
        }[ind.aggregation]
        yield error(
            f.path,
            f.pos(at, key=True),
            "computed-indicator",
            f"Chỉ tiêu {code} được tính tự động {why}, đơn vị không báo cáo.",
            "Xóa dòng này.",
            at,
        )
        return None
    if not ctx.may_register(unit, ind):
        kinds = {k.id: k.name for k in ctx.catalogue.unit_kinds}
        who = (
            ", ".join(kinds.get(k, k) for k in ind.applies_to)
            or (f"chỉ đơn vị {ind.owner}" if ind.owner else "")
            or "chưa loại đơn vị nào (danh mục chưa ghi «applies_to» cho chỉ tiêu này)"
        )
        yield error(
            f.path,
            f.pos(at, key=True),
            "not-applicable",
            f"Chỉ tiêu {code} không áp dụng cho đơn vị loại «{kinds.get(unit.kind, unit.kind)}».",
            f"Chỉ tiêu này dành cho: {who}.",
            at,
        )
        return None
    return ind


def _exemplars(unit: Unit, f: Loaded, ctx: Context) -> Iterator[Problem]:
    fields = {x.id for x in ctx.catalogue.fields}
    seen: set[str] = set()
    for i, ex in enumerate(unit.exemplars):
        at: YamlPath = ("exemplars", i)
        if ex.id in seen:
            yield error(
                f.path,
                f.pos((*at, "id")),
                "duplicate-id",
                f"Mã điển hình «{ex.id}» bị lặp lại.",
                "",
                (*at, "id"),
            )
        seen.add(ex.id)
        if ex.field not in fields:
            yield error(
                f.path,
                f.pos((*at, "field")),
                "unknown-field",
                f"Lĩnh vực «{ex.field}» không có trong danh mục.",
                "Chọn một trong: " + ", ".join(sorted(fields)) + ".",
                (*at, "field"),
            )
        if ex.status in ("recognised", "commended") and ex.recognised is None:
            yield warning(
                f.path,
                f.pos((*at, "status")),
                "missing-recognition-date",
                "Điển hình đã công nhận nhưng chưa ghi ngày công nhận («recognised»).",
                "Ghi ngày và số quyết định công nhận của Hội đồng.",
                (*at, "status"),
            )
        for j, visit in enumerate(ex.visits):
            if visit.date < ex.registered:
                yield warning(
                    f.path,
                    f.pos((*at, "visits", j, "date")),
                    "date-before-registration",
                    "Ngày kiểm tra trước ngày đăng ký điển hình.",
                    "",
                    (*at, "visits", j, "date"),
                )


def _self_scores(
    unit: Unit, scores: dict[str, Decimal], f: Loaded, at: YamlPath, ctx: Context
) -> Iterator[Problem]:
    """A unit's own points per criterion: a criterion of its bloc's table, within its points."""
    if not scores:
        return
    cat = ctx.catalogue
    if cat.scoring is None:
        return
    bloc = next((b for b in cat.blocs if b.id == unit.bloc), None)
    table = next((t for t in cat.scoring.tables if bloc and t.id == bloc.scoring), None)
    if table is None:
        return
    criteria = {c.id: c for c in table.criteria}
    for cid, points in scores.items():
        c = criteria.get(cid)
        if c is None:
            yield error(
                f.path,
                f.pos((*at, cid), key=True),
                "unknown-reference",
                f"Bảng chấm điểm “{table.name}” không có tiêu chí “{cid}”.",
                "Các tiêu chí: " + ", ".join(criteria) + ".",
                (*at, cid),
            )
        elif not 0 <= points <= c.points:
            yield error(
                f.path,
                f.pos((*at, cid)),
                "out-of-range",
                f"Điểm tự chấm tiêu chí “{c.name}” phải từ 0 đến {c.points}.",
                "",
                (*at, cid),
            )
