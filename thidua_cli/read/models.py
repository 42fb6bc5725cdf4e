"""The two file shapes: the campaign catalogue (indicators.yaml) and a unit file.

Models are strict (an unknown key is an error) and carry only structure; checks that need the
catalogue and a unit together live in `checks.py`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from thidua_cli.read.types import Bool, Code, Day, Int, Number, Slug, Text


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- the campaign -------------------------------------------------------------------------


class Signer(Strict):
    authority: Text | None = None  # "KT. CHỦ TỊCH"
    title: Text  # "PHÓ CHỦ TỊCH"
    name: Text


class Issuer(Strict):
    parent: Text | None = None  # the line above the agency name, if any
    name: Text  # as in the document header: "UBND XÃ NGỌC LIÊN"
    full_name: Text | None = None  # in running text: "Ủy ban nhân dân xã Ngọc Liên"
    place: Text  # used in "Ngọc Liên, ngày … tháng … năm …"
    report_number: Text = "…/BC-UBND"
    signer: Signer
    recipients: list[Text] = []


class Locality(Strict):
    """The words for the level of government that runs the campaign, used wherever the tool
    names it (tables, hints, reports): a xã, a phường, a đặc khu, a former huyện, a province."""

    level: Text = "xã"  # "toàn {level}": toàn xã, toàn phường, toàn tỉnh
    body: Text = "UBND xã"  # who units register with and report to
    council: Text = "Hội đồng Thi đua - Khen thưởng xã"


class Campaign(Strict):
    id: Slug
    title: Text
    year: Int
    plan: Text  # the plan document this campaign implements
    legal_bases: list[Text] = []
    start: Day
    end: Day
    issuer: Issuer
    locality: Locality = Locality()
    sample: Bool = False


class Phase(Strict):
    number: Int = Field(ge=1)
    name: Text
    report_title: Text


class PhaseWindow(Strict):
    phase: Int
    start: Day
    end: Day
    due: Day


class Calendar(Strict):
    id: Slug
    name: Text
    phases: list[PhaseWindow]


class UnitKind(Strict):
    id: Slug
    name: Text


class Bloc(Strict):
    id: Slug
    name: Text
    kinds: list[Slug] = Field(min_length=1)
    calendar: Slug
    scoring: Slug


class Group(Strict):
    id: Slug
    name: Text
    source: Text | None = None


class FieldOfWork(Strict):
    id: Slug
    name: Text


Kind = Literal["number", "percent", "count", "ratio", "boolean"]
Comparator = Literal[">=", "<=", "=", "range", "about"]
Aggregation = Literal["sum", "ratio", "owner", "count-true", "computed"]


class Computation(Strict):
    """How a general emulation target (TD..) is derived from classification or exemplars."""

    rule: Literal["share-at-level", "fields-with-exemplar"]
    kinds: list[Slug] = []  # unit kinds counted; empty means all
    level: Slug | None = None  # at least this classification level
    status: Literal["recognised", "commended"] = "recognised"


class Amendment(Strict):
    """The decision that allowed a target to change after the Council approved a phase."""

    decision: Text  # "Quyết định số 120/QĐ-UBND ngày 20/7/2026"
    date: Day
    note: Text | None = None


# The fields that make an indicator's target: a change to any of them is a change of plan.
TARGET_FIELDS = (
    "comparator",
    "target",
    "target_bool",
    "target_min",
    "target_max",
    "tolerance",
    "target_numerator",
    "target_denominator",
    "phase_targets",
)


class Indicator(Strict):
    code: Code
    name: Text
    group: Slug
    source: Text  # where it stands in the plan, e.g. "II.1 (3)"
    unit: Text
    kind: Kind
    comparator: Comparator = ">="
    target: Number | None = None
    target_bool: Bool | None = None
    target_min: Number | None = None
    target_max: Number | None = None
    tolerance: Number | None = None
    target_numerator: Number | None = None
    target_denominator: Number | None = None
    phase_targets: dict[Int, Number] = {}
    cumulative: Bool = False  # a quantity that accrues over the year (tons harvested)
    minimum: Number | None = None  # allowed range of a reported value; defaults by kind
    maximum: Number | None = None
    parent: Code | None = None
    aggregation: Aggregation
    owner: Slug | None = None  # the unit that reports it, for aggregation "owner"
    applies_to: list[Slug] = []  # unit kinds that may register it; empty: owner only
    aggregate_over: list[Slug] = []  # kinds whose values make the commune value; empty: applies_to
    compute: Computation | None = None
    note: Text | None = None
    amended: Amendment | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        need: dict[str, bool] = {
            "target_bool": self.kind == "boolean",
            "target_numerator": self.kind == "ratio",
            "target_denominator": self.kind == "ratio",
            "target_min": self.comparator == "range",
            "target_max": self.comparator == "range",
            "tolerance": self.comparator == "about",
            "target": self.kind not in ("boolean", "ratio") and self.comparator != "range",
            "owner": self.aggregation == "owner",
            "compute": self.aggregation == "computed",
        }
        for name, required in need.items():
            present = getattr(self, name) is not None
            if required and not present:
                raise ValueError(f"chỉ tiêu {self.code} cần trường «{name}»")
            if present and not required:
                raise ValueError(
                    f"chỉ tiêu {self.code} không dùng trường «{name}» "
                    f"(loại {self.kind}, so sánh {self.comparator}, "
                    f"cách tổng hợp {self.aggregation})"
                )
        if self.kind == "boolean" and self.comparator != "=":
            raise ValueError(f"chỉ tiêu đúng/sai {self.code} phải dùng so sánh «=»")
        return self

    @property
    def lower_is_better(self) -> bool:
        return self.comparator == "<="


class Level(Strict):
    id: Slug
    name: Text
    min: Number


class Criterion(Strict):
    id: Slug
    name: Text
    points: Number = Field(gt=0)
    method: Literal["proportional", "cluster", "pass-fail", "count"]
    indicators: list[Code] = Field(min_length=1)
    # the most A/T counted, so one huge number cannot buy a rank; default 1 (proportional,
    # pass-fail, count) or 1.5 (cluster)
    cap: Number | None = Field(default=None, gt=0)


Event = Literal[
    "no-registration",
    "no-pact",
    "no-report",
    "late-report",
    "missing-evidence",
    "exemplar-recognised",
    "indicator-not-met",
]


class Adjustment(Strict):
    id: Slug
    name: Text
    points: Number  # negative for a penalty (điểm trừ), positive for a bonus (điểm thưởng)
    when: Event
    per_item: Bool = False
    limit: Number | None = None  # the most points (in absolute value) this item can move


class Table(Strict):
    id: Slug
    name: Text
    criteria: list[Criterion] = Field(min_length=1)
    adjustments: list[Adjustment] = []


class Disqualifier(Strict):
    when: Event
    max_level: Slug


class Quota(Strict):
    level: Slug
    max_percent: Number = Field(ge=0, le=100)
    of_levels: list[Slug] = Field(min_length=1)
    note: Text | None = None


class Scoring(Strict):
    decimals: Int = Field(default=2, ge=0, le=6)
    levels: list[Level] = Field(min_length=1)
    disqualifiers: list[Disqualifier] = []
    quotas: list[Quota] = []
    tables: list[Table] = Field(min_length=1)
    amended: Amendment | None = None  # the decision behind a change after an approval


class AwardRule(Strict):
    """Who is proposed for which commendation at the end of the campaign."""

    when: Literal["level", "exemplar"]
    level: Slug | None = None  # for "level": units classified at this level
    kinds: list[Slug] = []  # unit kinds; empty: all
    collective: Bool | None = None  # for "exemplar": collective (true) or individual (false)
    title: Text  # "Giấy khen của Chủ tịch UBND xã"
    coefficient: Number = Field(ge=0)  # reward as a multiple of the base salary


class Awards(Strict):
    base_salary: Number = Field(gt=0)  # mức lương cơ sở, in đồng
    basis: Text | None = None  # the legal basis of the coefficients
    rules: list[AwardRule] = []


class LargeRosters(Strict):
    """How a bloc with very many units is shown: beyond `from_units`, the report and the
    terminal table show its `show` first and `show` last units and a summary; the full
    ranking goes to the CSV export (a 10.000-row table helps nobody and takes 500 pages)."""

    from_units: Int = Field(default=200, ge=1)
    show: Int = Field(default=10, ge=1)


class Catalogue(Strict):
    version: Literal[1] = 1
    campaign: Campaign
    phases: list[Phase] = Field(min_length=1)
    calendars: list[Calendar] = Field(min_length=1)
    unit_kinds: list[UnitKind] = Field(min_length=1)
    blocs: list[Bloc] = Field(min_length=1)
    groups: list[Group] = Field(min_length=1)
    fields: list[FieldOfWork] = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1)
    scoring: Scoring
    awards: Awards | None = None
    large_rosters: LargeRosters = LargeRosters()

    def window(self, unit: Unit, phase: int) -> PhaseWindow | None:
        """The unit's window for a phase, from its bloc's calendar (schools: the school year);
        the first calendar when the bloc is unknown."""
        bloc = next((b for b in self.blocs if b.id == unit.bloc), None)
        calendar = next(
            (c for c in self.calendars if bloc and c.id == bloc.calendar), self.calendars[0]
        )
        return next((w for w in calendar.phases if w.phase == phase), None)


# --- a unit -------------------------------------------------------------------------------


class Head(Strict):
    name: Text
    title: Text | None = None
    phone: Text | None = None


class Registration(Strict):
    date: Day
    document: Text | None = None
    # own targets by indicator code; null takes the campaign target. Typed per indicator in checks.
    targets: dict[str, Any] = Field(min_length=1)
    # optional checkpoint targets for cumulative quantities: {1: {CT03: 150}}
    phase_targets: dict[Int, dict[str, Any]] = {}
    amended: Amendment | None = None


class Pact(Strict):
    signed: Day
    document: Text | None = None


class Evidence(Strict):
    doc: Text | None = None  # a document number: "Báo cáo số 12/BC-T1 ngày 20/6/2026"
    file: Text | None = None  # a path inside the repository
    url: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, v: Any) -> Any:
        return {"doc": v} if isinstance(v, str) else v

    @model_validator(mode="after")
    def _one(self) -> Evidence:
        if sum(x is not None for x in (self.doc, self.file, self.url)) != 1:
            raise ValueError("mỗi minh chứng ghi đúng một trong: doc, file, url")
        return self


def _as_list(v: Any) -> Any:
    return [v] if isinstance(v, str | dict) else v


class Correction(Strict):
    """Why a figure changed after the Council approved the phase (đính chính)."""

    reason: Text
    reference: Text  # the document that allows it: "Công văn số 45/UBND ngày 15/8/2026"
    date: Day | None = None
    # the corrected figure, restated as the document states it: ties the correction to this
    # value, so a later edit is not covered by an old correction
    value: Any = None
    numerator: Number | None = None
    denominator: Number | None = None

    def covers(self, r: Result) -> bool:
        """Does this correction name exactly the figure the result now holds?"""
        if self.numerator is not None or self.denominator is not None:
            return (self.numerator, self.denominator) == (r.numerator, r.denominator)
        return self.value is not None and self.value == r.value


class Result(Strict):
    # value is a number or true/false depending on the indicator; typed in checks
    value: Any = None
    numerator: Number | None = None
    denominator: Number | None = None
    estimate: Bool | None = None  # ước thực hiện; defaults to the phase report's flag
    evidence: Annotated[list[Evidence], BeforeValidator(_as_list)] = []
    note: Text | None = None
    correction: Correction | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        return v if isinstance(v, dict) else {"value": v}


class PhaseReport(Strict):
    phase: Int
    submitted: Day
    estimate: Bool = False
    document: Text | None = None
    self_score: Number | None = None
    values: dict[str, Result] = {}
    note: Text | None = None


class Visit(Strict):
    date: Day
    by: Text
    note: Text | None = None


class Exemplar(Strict):
    id: Slug
    title: Text
    collective: Bool = True  # tập thể (true) or cá nhân (false)
    person: Text | None = None
    field: Slug
    registered: Day
    mentor: Text
    visits: list[Visit] = []
    status: Literal["registered", "cultivated", "recognised", "commended"]
    recognised: Day | None = None
    decision: Text | None = None

    @model_validator(mode="after")
    def _person(self) -> Exemplar:
        if not self.collective and self.person is None:
            raise ValueError("điển hình cá nhân cần ghi họ tên ở trường «person»")
        return self


class Unit(Strict):
    id: Slug
    name: Text
    kind: Slug
    bloc: Slug
    sample: Bool = False
    head: Head | None = None
    registration: Registration | None = None
    pact: Pact | None = None
    results: list[PhaseReport] = []
    exemplars: list[Exemplar] = []

    def report(self, phase: int) -> PhaseReport | None:
        return next((r for r in self.results if r.phase == phase), None)


class Approval(Strict):
    """The Council approved a phase's data as it stood at `commit`."""

    phase: Int
    commit: Annotated[str, Field(pattern=r"^[0-9a-f]{7,40}$")]
    by: Text
    decision: Text
    date: Day


class Approvals(Strict):
    approvals: list[Approval] = []
