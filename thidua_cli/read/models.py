"""The two file shapes: the campaign catalogue (indicators.yaml) and a unit file.

Models are strict (an unknown key is an error) and carry only structure; checks that need the
catalogue and a unit together live in `checks.py`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from thidua_cli.read.types import Bool, Code, Day, Int, Number, Slug, Target, Text, as_int

# what stands in for a date that could not be read, so the rest of the file is still checked
# (the date itself is already an error); no check compares it with anything
UNREADABLE_DATE = date(1, 1, 1)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- the campaign -------------------------------------------------------------------------


class Signer(Strict):
    authority: Text | None = None  # "KT. CHỦ TỊCH"
    title: Text  # "PHÓ CHỦ TỊCH"
    name: Text


class Issuer(Strict):
    parent: Text | None = None  # the line above the agency name, if any
    name: Text  # the agency in one line: "UBND XÃ NGỌC LIÊN"
    # the agency as the document header writes it, one line each (Nghị định 30/2020):
    # ["ỦY BAN NHÂN DÂN", "XÃ NGỌC LIÊN"]; empty: `name` on one line
    header: list[Text] = []
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

    @model_validator(mode="before")
    @classmethod
    def _from_word(cls, v: Any) -> Any:
        """`locality: phường` is enough: the body and the council are named after it."""
        if isinstance(v, str) and v.strip():
            word = v.strip()
            return {
                "level": word,
                "body": f"UBND {word}",
                "council": f"Hội đồng Thi đua - Khen thưởng {word}",
            }
        return v


class Period(Strict):
    """The years a term plan (kế hoạch nhiệm kỳ) covers: 2021–2025."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    first: Int = Field(alias="from")
    last: Int = Field(alias="to")


class Sections(Strict):
    """Which optional parts of the campaign the tool works with; today's full plan by default.
    A plan with indicators only sets `scoring: false` (no scores, classes, ranks, blocs needed)
    and `exemplars: false` (no exemplar register)."""

    scoring: Bool = True
    exemplars: Bool = True


class Campaign(Strict):
    id: Slug
    title: Text
    year: Int | None = None  # a one-year campaign; a term plan gives `period` instead
    period: Period | None = None
    plan: Text  # the plan document this campaign implements
    legal_bases: list[Text] = []
    start: Day
    end: Day
    issuer: Issuer
    locality: Locality = Locality()
    sections: Sections = Sections()
    # the report's STT column: "sequence" (1, 2, 3…) or "plan" (the item numbers of the plan,
    # each indicator's `source`)
    numbering: Literal["sequence", "plan"] = "sequence"
    sample: Bool = False
    # a result first committed more than this many days after its `submitted` date is flagged
    report_grace_days: Int = Field(default=7, ge=0)

    @model_validator(mode="after")
    def _years(self) -> Campaign:
        if (self.year is None) == (self.period is None):
            raise ValueError("ghi đúng một trong hai: «year» (một năm) hoặc «period» (nhiều năm)")
        if self.period is not None and self.period.first > self.period.last:
            raise ValueError("«period»: năm «from» phải trước hoặc bằng năm «to»")
        return self

    @property
    def years(self) -> str:
        """ "2026" or "2021-2025": the label used in folder names and titles."""
        if self.period is not None:
            return f"{self.period.first}-{self.period.last}"
        return str(self.year)


class Phase(Strict):
    number: Int = Field(ge=1)
    name: Text
    report_title: Text
    year: Int | None = None  # the year it reviews, in a term plan: registration, pact per year
    # final: classification and awards are the verdict (each yearly review of a term plan);
    # interim: a checkpoint ("tạm tính"). Default: only the last phase is final.
    final: Bool | None = None


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
    scoring: Slug | None = None  # required when the campaign scores units


class Group(Strict):
    id: Slug
    name: Text
    source: Text | None = None


class FieldOfWork(Strict):
    id: Slug
    name: Text


Kind = Literal["number", "percent", "count", "ratio", "boolean", "rating"]
# ">" and "<" are strict, as a plan writes «trên 4%», «dưới 1%»: exactly 4% does not meet it
Comparator = Literal[">=", "<=", ">", "<", "=", "range", "about"]
# "none": a heading row that groups its parts (indicators with parent: this code);
# "across": computed over the phases so far from another indicator (see Across)
Aggregation = Literal["sum", "ratio", "owner", "count-true", "computed", "across", "none"]


class Across(Strict):
    """A term plan's indicator over its yearly phases: "bình quân/năm" (average), "so với năm
    trước" (change: a difference; growth: a percentage), "N năm liền" (streak: consecutive
    phases, ending with this one, in which `of` met its target)."""

    of: Code
    rule: Literal["average", "change", "growth", "streak"]


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
    "target_level",
    "due",
    "due_year",
    "denominator",
    "parts_total",
    "parts_tolerance",
)


# the plan's own words for a comparator, accepted as the comparator
COMPARATOR_WORDS = {"trên": ">", "dưới": "<", "≥": ">=", "≤": "<=", "từ": ">=", "không quá": "<="}


class Indicator(Strict):
    @model_validator(mode="before")
    @classmethod
    def _plain_words(cls, v: Any) -> Any:
        """What a person writes first: `comparator: trên`, and `target: true` on a yes/no
        indicator (its comparator is then `=`)."""
        if not isinstance(v, dict):
            return v
        v = dict(v)
        word = v.get("comparator")
        if isinstance(word, str) and word.strip().lower() in COMPARATOR_WORDS:
            v["comparator"] = COMPARATOR_WORDS[word.strip().lower()]
        if v.get("kind") == "boolean":
            if isinstance(v.get("target"), bool) and "target_bool" not in v:
                v["target_bool"] = v.pop("target")
            v.setdefault("comparator", "=")
        return v

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
    # interim targets by phase (a number, or true/false for a yes/no target)
    phase_targets: dict[Int, Target] = {}
    cumulative: Bool = False  # a quantity that accrues over the year (tons harvested)
    # a milestone: the target is due by this phase (or by the last phase of this year); before
    # it the indicator is «Đang thực hiện» unless met, never «Không đạt»
    due: Int | None = Field(default=None, ge=1)
    due_year: Int | None = None
    levels: list[Text] = []  # a rating's levels, best first: [Tốt, Khá, Trung bình, Yếu]
    target_level: Text | None = None  # a rating's target; comparator ">=": that level or better
    # a fixed denominator for the commune value (66 of the province's 112 communes), so a
    # missing report cannot change the base
    denominator: Number | None = Field(default=None, gt=0)
    # the parts (indicators with parent: this code) must add up to `total` ± `tolerance`
    parts_total: Number | None = None
    parts_tolerance: Number = Decimal(0)
    minimum: Number | None = None  # allowed range of a reported value; defaults by kind
    maximum: Number | None = None
    parent: Code | None = None
    aggregation: Aggregation
    owner: Slug | None = None  # the unit that reports it, for aggregation "owner"
    applies_to: list[Slug] = []  # unit kinds that may register it; empty: owner only
    aggregate_over: list[Slug] = []  # kinds whose values make the commune value; empty: applies_to
    compute: Computation | None = None
    across: Across | None = None
    note: Text | None = None  # for whoever keeps the catalogue; never printed in a report
    footnote: Text | None = None  # printed under the report's table as (1), (2)…
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
            "target": self.kind not in ("boolean", "ratio", "rating")
            and self.comparator != "range"
            and not self.heading,
            "target_level": self.kind == "rating",
            "owner": self.aggregation == "owner",
            "compute": self.aggregation == "computed",
            "across": self.aggregation == "across",
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
        if self.kind == "rating":
            if self.comparator not in (">=", "="):
                raise ValueError(f"chỉ tiêu xếp mức {self.code} dùng so sánh «>=» hoặc «=»")
            if self.aggregation != "owner":
                raise ValueError(
                    f"chỉ tiêu xếp mức {self.code} do một đơn vị báo cáo (aggregation: owner)"
                )
            if self.target_level not in self.levels:
                raise ValueError(
                    f"chỉ tiêu xếp mức {self.code}: mức «{self.target_level}» không có trong "
                    "«levels»"
                )
        elif self.levels:
            raise ValueError(f"chỉ tiêu {self.code} không dùng trường «levels» (loại {self.kind})")
        for p, t in self.phase_targets.items():
            if isinstance(t, bool) != (self.kind == "boolean"):
                want = "true/false" if self.kind == "boolean" else "một số"
                raise ValueError(f"chỉ tiêu {self.code}: kế hoạch đợt {p} phải là {want}")
        if self.due is not None and self.due_year is not None:
            raise ValueError(f"chỉ tiêu {self.code}: ghi một trong «due» hoặc «due_year»")
        return self

    @property
    def heading(self) -> bool:
        """A plan item whose targets are all in its parts (no head target of its own)."""
        return self.kind != "boolean" and self.aggregation == "none"

    @property
    def lower_is_better(self) -> bool:
        return self.comparator in ("<=", "<")


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
    """A share rule within each bloc, checked and reported, never applied silently.

    A ceiling ("at most 20% of those rated tốt or better may be xuất sắc": the law's rule for
    individual officials, a commune's own choice for collectives) names `max_percent`; a floor
    ("at least 20% of collectives xuất sắc", a plan's target) names `min_percent`."""

    name: Text | None = None  # how the report names the rule
    level: Slug
    max_percent: Number | None = Field(default=None, ge=0, le=100)
    min_percent: Number | None = Field(default=None, ge=0, le=100)
    of_levels: list[Slug] = []  # the base: units at any of these levels; empty: every unit
    note: Text | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Quota:
        if (self.max_percent is None) == (self.min_percent is None):
            raise ValueError("mỗi quy tắc tỷ lệ ghi đúng một trong: max_percent, min_percent")
        return self

    @property
    def ceiling(self) -> bool:
        return self.max_percent is not None


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
    # for "level": classified at that level this many final phases in a row ("02 năm liền")
    years: Int = Field(default=1, ge=1)
    coefficient: Number = Field(ge=0)  # reward as a multiple of the base salary


class Dated(Strict):
    """A figure set by a decree from a given day (mức lương cơ sở, a coefficient table)."""

    value: Number = Field(gt=0)
    since: Day
    basis: Text | None = None  # the decree that sets it


def _salaries(v: Any) -> Any:
    # a plain number is accepted: one base salary with no date, valid since forever
    return [{"value": v, "since": date(1900, 1, 1)}] if isinstance(v, int | str | Decimal) else v


class Awards(Strict):
    # mức lương cơ sở in đồng, each with the day it applies from; the award date picks one
    base_salary: Annotated[
        list[Dated],
        BeforeValidator(_salaries),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "number", "exclusiveMinimum": 0},
                    {"type": "array", "minItems": 1, "items": {"type": "object"}},
                ]
            }
        ),
    ] = Field(min_length=1)
    basis: Text | None = None  # the legal basis of the coefficients
    since: Day | None = None  # the day that basis applies from (NĐ 152/2025: 2025-07-01)
    rules: list[AwardRule] = []
    # one achievement earns one reward: an exemplar that already gave its unit bonus points
    # (adjustment "exemplar-recognised") is not proposed again unless this is true
    double_reward: Bool = False
    # year-end classification: the final phase alone, or the mean score of all phases
    year_end: Literal["final-phase", "all-phases"] = "final-phase"

    def salary_on(self, day: date) -> Dated:
        """The base salary in force on `day` (the latest that started on or before it)."""
        valid = [s for s in self.base_salary if s.since <= day]
        return (
            max(valid, key=lambda s: s.since)
            if valid
            else min(self.base_salary, key=lambda s: s.since)
        )


class PlanReference(Strict):
    """The plan a report answers to: "Thực hiện Kế hoạch số 15/KH-UBND ngày 20/01/2026 của …"."""

    number: Text | None = None  # "15/KH-UBND"; unknown: the report prints "…/KH-UBND"
    date: Day | None = None
    issuer: Text | None = None  # "UBND xã Ngọc Liên"; default: the campaign's body


class ReportSettings(Strict):
    """How the reports judge and word the commune figures."""

    # below this share of the expected units reporting, a commune figure is "Chưa đủ số liệu"
    coverage: Number = Field(default=Decimal(80), ge=0, le=100)
    plan: PlanReference = PlanReference()


ALL_UNITS = "cac-don-vi"  # the one bloc of a plan without blocs


class Limits(Strict):
    """The longest text accepted in a data file, in characters (see read/textpolicy.py)."""

    id: Int = Field(default=100, ge=8)  # ids and keys (a slug of a Vietnamese title is long)
    name: Int = Field(default=200, ge=20)  # names and titles
    text: Int = Field(default=500, ge=20)  # other short text: document numbers, units
    note: Int = Field(default=5000, ge=100)  # free text: note, reason


class LargeRosters(Strict):
    """How a bloc with very many units is shown: beyond `from_units`, the report and the
    terminal table show its `show` first and `show` last units and a summary; the full
    ranking goes to the CSV export (a 10.000-row table helps nobody and takes 500 pages)."""

    from_units: Int = Field(default=200, ge=1)
    show: Int = Field(default=10, ge=1)


class Catalogue(Strict):
    # read as an integer first: the YAML reader gives exact Decimals, which older pydantic
    # versions do not compare with the literal 1
    version: Annotated[Literal[1], BeforeValidator(as_int)] = 1
    campaign: Campaign
    phases: list[Phase] = Field(min_length=1)
    calendars: list[Calendar] = Field(min_length=1)
    unit_kinds: list[UnitKind] = Field(min_length=1)
    blocs: list[Bloc] = []  # blocs (khối) or clusters (cụm); required when units are scored
    groups: list[Group] = Field(min_length=1)
    fields: list[FieldOfWork] = []  # fields of work for exemplars; required with exemplars
    indicators: list[Indicator] = Field(min_length=1)
    scoring: Scoring | None = None  # required when campaign.sections.scoring (the default)
    awards: Awards | None = None
    # the decision that allowed a change to the campaign, phases, calendars or blocs after an
    # approval (indicators and scoring carry their own)
    amended: Amendment | None = None

    @model_validator(mode="after")
    def _sections(self) -> Catalogue:
        sections = self.campaign.sections
        if sections.scoring and self.scoring is None:
            raise ValueError(
                "thiếu mục «scoring»; kế hoạch không chấm điểm thì ghi "
                "campaign.sections.scoring: false"
            )
        if sections.scoring and not self.blocs:
            raise ValueError("thiếu mục «blocs» (cần để xếp hạng trong khối)")
        if sections.exemplars and not self.fields:
            raise ValueError(
                "thiếu mục «fields»; kế hoạch không theo dõi điển hình thì ghi "
                "campaign.sections.exemplars: false"
            )
        return self

    @property
    def scores(self) -> bool:
        """Does this campaign score, classify and rank units?"""
        return self.campaign.sections.scoring and self.scoring is not None

    def is_final(self, phase: Phase) -> bool:
        """A final phase gives the verdict (classification, awards); others are checkpoints."""
        if phase.final is not None:
            return phase.final
        return phase.number == max(p.number for p in self.phases)

    def phase(self, number: int) -> Phase | None:
        for p in self.phases:  # a loop, not next(…): called for every unit and indicator
            if p.number == number:
                return p
        return None

    def due_phase(self, ind: Indicator) -> int | None:
        """The phase by which a milestone target is due: `due`, or the last phase of
        `due_year`; None when the target is due at every phase."""
        if ind.due is not None:
            return ind.due
        if ind.due_year is not None:
            return max((p.number for p in self.phases if p.year == ind.due_year), default=None)
        return None

    @property
    def unit_blocs(self) -> list[Bloc]:
        """The blocs units are listed by; one bloc of every unit when the plan has none."""
        if self.blocs:
            return self.blocs
        kinds = [k.id for k in self.unit_kinds]
        return [Bloc(id=ALL_UNITS, name="Các đơn vị", kinds=kinds, calendar=self.calendars[0].id)]

    def bloc_of(self, unit: Unit) -> str:
        return unit.bloc if self.blocs and unit.bloc else ALL_UNITS

    report: ReportSettings = ReportSettings()
    limits: Limits = Limits()
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
    # in a term plan a unit registers each year: the year (or phases) this registration covers;
    # neither: the whole campaign
    year: Int | None = None
    phases: list[Int] = []
    date: Day
    document: Text | None = None
    # own targets by indicator code; null takes the campaign target. Typed per indicator in checks.
    targets: dict[str, Any] = Field(min_length=1)
    # optional checkpoint targets for cumulative quantities: {1: {CT03: 150}}
    phase_targets: dict[Int, dict[str, Any]] = {}
    amended: Amendment | None = None


class Pact(Strict):
    year: Int | None = None  # the year it is signed for, in a term plan; none: the campaign
    signed: Day
    document: Text | None = None


# "data/evidence/lang-a/bb.pdf": no spaces, a folder, a file name with an extension
_LOOKS_LIKE_PATH = re.compile(r"[\w.-]+(/[\w.-]+)+\.[A-Za-z0-9]{2,5}")


class Evidence(Strict):
    doc: Text | None = None  # a document number: "Báo cáo số 12/BC-T1 ngày 20/6/2026"
    file: Text | None = None  # a path inside the repository
    url: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, v: Any) -> Any:
        return {"doc": v} if isinstance(v, str) else v

    @property
    def shown(self) -> str:
        """What the entry says, as people read it: the document, the file or the link."""
        return self.doc or self.file or self.url or ""

    @property
    def path(self) -> str | None:
        """The repository file this evidence names: `file`, or a document "number" that is in
        fact a path (data/evidence/x/bb.pdf typed as text), so a missing file is never missed."""
        if self.file is not None:
            return self.file
        if self.doc is not None and _LOOKS_LIKE_PATH.fullmatch(self.doc.strip()):
            return self.doc.strip()
        return None

    @model_validator(mode="after")
    def _one(self) -> Evidence:
        if sum(x is not None for x in (self.doc, self.file, self.url)) != 1:
            raise ValueError("mỗi minh chứng ghi đúng một trong: doc, file, url")
        return self


def _as_list(v: Any) -> Any:
    return [v] if isinstance(v, str | dict) else v


def evidence_text(evidence: Sequence[Evidence]) -> str:
    """A figure's evidence in one line, for messages and annexes ("không có": none)."""
    return "; ".join(e.shown for e in evidence) or "không có"


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
    # the evidence it allows, restated likewise (evidence weighs in the score): a later change
    # of evidence is not covered by it; None: not recorded (a correction of the figure alone)
    evidence: Annotated[list[Evidence], BeforeValidator(_as_list)] | None = None

    def covers(self, r: Result) -> bool:
        """Does this correction name exactly the figure (and, when it records it, the evidence)
        the result now holds?"""
        if self.evidence is not None and self.evidence != r.evidence:
            return False
        return self.covers_figure(r)

    def covers_figure(self, r: Result) -> bool:
        """Does it name the figure itself (value, or numerator and denominator)?"""
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
    # the unit's own points per criterion of its scoring table, by criterion id (optional)
    self_scores: dict[Slug, Number] = {}
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
    bloc: Slug | None = None  # required when the catalogue has blocs
    sample: Bool = False
    head: Head | None = None
    registration: Registration | None = None
    pact: Pact | None = None
    # a term plan: one registration and one pact per year (or per phase)
    registrations: list[Registration] = []
    pacts: list[Pact] = []
    results: list[PhaseReport] = []
    exemplars: list[Exemplar] = []
    # the decision that allowed a change to this unit's approved inputs other than a figure
    # (a report added late, its submission date, the pact, the registration, an exemplar)
    amended: Amendment | None = None

    def report(self, phase: int) -> PhaseReport | None:
        for r in self.results:  # a loop, not next(…): called for every unit and indicator
            if r.phase == phase:
                return r
        return None

    def all_registrations(self) -> list[Registration]:
        return ([self.registration] if self.registration else []) + self.registrations

    def registration_for(self, phase: Phase | None) -> Registration | None:
        """The registration that holds for a phase: one naming the phase, then one for its
        year, then the campaign-wide one."""
        if phase is not None:
            for r in self.registrations:
                if phase.number in r.phases:
                    return r
            for r in self.registrations:
                if not r.phases and r.year is not None and r.year == phase.year:
                    return r
        return self.registration

    def pact_for(self, phase: Phase | None) -> Pact | None:
        if phase is not None and phase.year is not None:
            for p in self.pacts:
                if p.year == phase.year:
                    return p
        return self.pact


class Approval(Strict):
    """The Council approved a phase's data as it stood at `commit`; or, with `revoke`, withdrew
    the approval of that phase at that commit. Entries are only ever appended (the history of
    the file in git is read, not only the file)."""

    phase: Int
    commit: Annotated[str, Field(pattern=r"^[0-9a-f]{7,40}$")]
    by: Text
    decision: Text
    date: Day
    revoke: Bool = False

    @property
    def key(self) -> tuple[int, str]:
        return (self.phase, self.commit)


def in_force(entries: Sequence[Approval]) -> dict[int, Approval]:
    """The approval of each phase now in force: the latest approval, unless a later entry
    withdraws it (a withdrawal names the approved commit). An approval that a later one
    replaced does not come back when the later one is withdrawn: the Council approves again."""
    latest: dict[int, Approval] = {}
    for a in entries:
        if not a.revoke:
            latest[a.phase] = a
        elif a.phase in latest and latest[a.phase].commit == a.commit:
            del latest[a.phase]
    return latest


class QuotaDecision(Strict):
    """The Council's decision to keep a unit's level although it is beyond a ceiling quota."""

    phase: Int
    unit: Slug
    decision: Text  # "Biên bản họp Hội đồng TĐ-KT ngày 20/12/2026"
    date: Day
    note: Text | None = None


class Approvals(Strict):
    approvals: list[Approval] = []
    quota_decisions: list[QuotaDecision] = []
