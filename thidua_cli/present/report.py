"""What a report says, as plain values: the context both the Markdown and the DOCX templates fill.

Everything here is already formatted the Vietnamese way (10.900; 6,39%; ngày 30 tháng 6 năm 2026),
so the templates hold wording and layout only.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any, cast

from thidua_cli import numfmt
from thidua_cli.compute import awards as award_rules
from thidua_cli.compute.evaluate import Label, label_text
from thidua_cli.compute.exemplars import FieldRegister
from thidua_cli.compute.outcome import Outcome
from thidua_cli.compute.scoring import UnitScore, scaled_subtotal
from thidua_cli.compute.status import Status
from thidua_cli.present import explain
from thidua_cli.present.narrative import Stale
from thidua_cli.present.narrative import sections as narrative_sections
from thidua_cli.present.text import (
    INVERTED_NOTE,
    PROGRESS_NOTE,
    STATUS_VI,
    actual_text,
    decimals,
    few,
    footnotes,
    indicator_rows,
    over_quota,
    percent_text,
    plan_text,
    quota_text,
    ranked_blocs,
    remarks,
    score_text,
    shown,
    too_large,
    too_long,
)
from thidua_cli.read.models import (
    Approval,
    QuotaDecision,
    Result,
    Unit,
    evidence_text,
    in_force,
)
from thidua_cli.read.narrative import Narrative

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def _header(o: Outcome, signed: date, revision: str) -> dict[str, Any]:
    issuer = o.catalogue.campaign.issuer
    return {
        "issuer_parent": issuer.parent or "",
        "issuer_name": issuer.name,
        "issuer_lines": list(issuer.header) or [issuer.name],
        "issuer_full_name": issuer.full_name or issuer.name,
        "number": f"Số: {issuer.report_number}",
        "place_date": f"{issuer.place}, {numfmt.long_day(signed)}",
        "sample": o.sample,
        "signer_authority": issuer.signer.authority or "",
        "signer_title": issuer.signer.title,
        "signer_name": issuer.signer.name,
        "recipients": issuer.recipients,
        "revision": revision,
        "campaign": o.catalogue.campaign.title,
        "phase_name": o.phase.name,
        "as_of": numfmt.long_day(o.as_of),
        # "tạm tính" qualifies a classification: a plan that classifies nobody has none
        "provisional": o.provisional and o.catalogue.scores,
        "level": o.catalogue.campaign.locality.level,
        "body": o.catalogue.campaign.locality.body,
        "council": o.catalogue.campaign.locality.council,
    }


WITHHELD_VI = {
    "over-quota": "vượt tỷ lệ tối đa, chưa có quyết định của Hội đồng",
    "bonus-given": "đã được cộng điểm thưởng cho đơn vị (một thành tích chỉ khen một lần)",
}
YEAR_END_VI = {
    "final-phase": "Xếp loại cuối năm theo kết quả chấm điểm đợt cuối.",
    "all-phases": "Xếp loại cuối năm theo điểm bình quân của các đợt trong năm.",
}


def _award_row(o: Outcome, n: int, p: award_rules.Proposal) -> dict[str, str]:
    if p.score is not None:
        s = p.score
        assert p.level is not None
        recipient = s.unit.name
        reason = (
            f"{p.level.name}; {score_text(o, p.year_score)} điểm, "
            f"hạng {s.rank} {s.bloc.name[0].lower()}{s.bloc.name[1:]}"
        )
        if p.rule.years > 1:
            reason += f"; {p.rule.years:02d} năm liền"
    else:
        assert p.exemplar is not None and p.field is not None
        who = p.exemplar.person or p.exemplar.title
        recipient = f"{who} ({p.unit.name})"
        reason = f"Điển hình tiên tiến lĩnh vực {p.field.name}"
    if p.decision is not None:
        reason += f"; vượt tỷ lệ tối đa, Hội đồng quyết định tại {p.decision.decision}"
    return {
        "stt": str(n),
        "recipient": recipient,
        "reason": reason,
        "title": p.rule.title,
        "coefficient": numfmt.number(p.rule.coefficient),
        "amount": numfmt.number(p.amount),
    }


def _awards(
    o: Outcome,
    reg: list[FieldRegister],
    decisions: Sequence[QuotaDecision],
    earlier: Sequence[Outcome],
) -> dict[str, Any]:
    result = award_rules.propose(o, reg, decisions, earlier)
    rows = [_award_row(o, n, p) for n, p in enumerate(result.proposals, 1)]
    withheld = []
    for w in result.withheld:
        p = w.proposal
        who = (
            p.unit.name
            if p.exemplar is None
            else f"{p.exemplar.person or p.exemplar.title} ({p.unit.name})"
        )
        withheld.append(f"{who}: {p.rule.title} — {WITHHELD_VI[w.reason]}.")
    awards = o.catalogue.awards
    salary = result.salary
    return {
        "awards": rows,
        "awards_withheld": withheld,
        "award_total": numfmt.number(award_rules.total(result.proposals)) if rows else "0",
        "award_basis": (awards.basis or "") if awards else "",
        "base_salary": numfmt.number(salary.value) if salary else "",
        "base_salary_basis": (salary.basis or "") if salary else "",
        "year_end": YEAR_END_VI[awards.year_end] if awards else "",
        # no rules is not "nobody qualifies": the report must not say the second
        "no_awards": "Chưa có tập thể, cá nhân đủ điều kiện đề nghị khen thưởng."
        if awards
        else NO_AWARD_RULES,
    }


NO_AWARD_RULES = (  # in a signed document: no file names (the terminal says which section)
    "Chưa lập danh sách đề nghị khen thưởng: kế hoạch thi đua chưa quy định hình thức, điều kiện "
    "và mức khen thưởng."
)


def _plan_sentence(o: Outcome) -> str:
    """ "Thực hiện Kế hoạch số 15/KH-UBND ngày 20/01/2026 của UBND xã … về …"."""
    campaign = o.catalogue.campaign
    ref = o.catalogue.report.plan
    subject = campaign.plan
    prefix = "Kế hoạch "
    if subject.startswith(prefix):
        subject = subject[len(prefix) :]
    number = ref.number or "…/KH-UBND"
    day = numfmt.day(ref.date) if ref.date else "…"
    issuer = ref.issuer or campaign.issuer.full_name or campaign.locality.body
    return f"Thực hiện Kế hoạch số {number} ngày {day} của {issuer} về {subject}"


def _figure(r: Result | None) -> str:
    return "—" if r is None else numfmt.figure(r.value, r.numerator, r.denominator)


def corrections_after(
    o: Outcome, approved: Mapping[str, Unit] | None
) -> list[tuple[UnitScore, str, Result, Result | None]]:
    """The corrections made after the approval in force, with the figure as approved: a
    corrected figure or its evidence (which weighs in the score) that differs from the approved
    data. A correction the approval took in (approved again after it) is not «after» it;
    `approved` None (the approved data could not be read): every correction, approved figure
    unknown."""
    out = []
    for s in sorted(o.units, key=lambda s: s.unit.name):
        if s.report is None:
            continue
        was = approved.get(s.unit.id) if approved is not None else None
        then = was.report(o.phase.number) if was is not None else None
        for code, r in sorted(s.report.values.items()):
            if r.correction is None:
                continue
            before = then.values.get(code) if then is not None else None
            if (
                approved is not None
                and before is not None
                and _figure(before) == _figure(r)
                and before.evidence == r.evidence
            ):
                continue  # in the data the Council approved: not a later correction
            out.append((s, code, r, before))
    return out


def _corrections(o: Outcome, approved: Mapping[str, Unit] | None) -> list[dict[str, str]]:
    """The annex: each later correction, the approved figure → the corrected one (evidence
    added to an unchanged figure says so), why, and the document that allowed it."""
    names = {i.code: i.name for i in o.catalogue.indicators}
    rows = []
    for s, code, r, before in corrections_after(o, approved):
        c = r.correction
        assert c is not None
        value = _figure(r) if approved is None else f"{_figure(before)} → {_figure(r)}"
        if before is not None and _figure(before) == _figure(r):
            value = f"{_figure(r)} (minh chứng: {evidence_text(before.evidence)} → {evidence_text(r.evidence)})"
        dated = c.date is not None and not _DATED.search(c.reference)
        rows.append(
            {
                "unit": s.unit.name,
                "indicator": f"{names.get(code, code)} ({code})",
                "value": value,
                "reason": c.reason,
                "reference": c.reference
                + (f" ngày {numfmt.day(c.date)}" if dated and c.date else ""),
            }
        )
    return rows


def _missing_text(o: Outcome, st: Status) -> list[str]:
    """Units that have not reported, one line per bloc: "Khối … (3): A, B, C" (a long list
    cut short by the catalogue's `large_rosters`)."""
    lines = []
    for b in st.blocs:
        names = [u.unit.name for u in b.units if u.state in ("missing", "not-due")]
        if names:
            lines.append(
                f"{b.bloc.name} ({len(names)}): "
                + few(o, names, f"cột Ghi chú của tệp {ranking_file(o)}")
            )
    return lines


def ranking_file(o: Outcome) -> str:
    """The full ranking sent with a report whose blocs are too large to list in it."""
    return f"bang-xep-hang-dot-{o.phase.number}.csv"


def summarised(o: Outcome) -> bool:
    """Does the report list only part of some bloc (so the full ranking must go with it)?"""
    return too_large(o, len(o.units))


def _cut(o: Outcome, rows: list[dict[str, str]], key: str, what: str) -> list[dict[str, str]]:
    """A long list in a report: its first rows and one row saying how many more (and where
    they are); the catalogue's `large_rosters` says what is long."""
    if not too_long(o, len(rows)):
        return rows
    show = o.catalogue.large_rosters.show
    more = dict.fromkeys(rows[0], "")
    more[key] = f"… và {len(rows) - show} {what}"
    return [*rows[:show], more]


def _rank_row(o: Outcome, s: UnitScore, over: dict[str, str]) -> dict[str, str]:
    return {
        "rank": str(s.rank),
        "name": s.unit.name,
        "score": score_text(o, s.score),
        "self_score": score_text(o, s.self_score),
        "level": s.level.name if s.level else "",
        "remarks": remarks(s, over),
    }


def report_context(
    o: Outcome,
    st: Status,
    reg: list[FieldRegister],
    revision: str,
    signed: date,
    *,
    narrative: Narrative | None = None,
    narrative_path: str = "",
    approvals: Sequence[Approval] = (),
    approved: Mapping[str, Unit] | None = None,
    decisions: Sequence[QuotaDecision] = (),
    earlier: Sequence[Outcome] = (),
    changed: Stale | None = None,
) -> dict[str, Any]:
    """The full phase report (sơ kết or tổng kết), part by part. `changed`: the narrative was
    drawn from other figures than today's; the sections that differ say so at their head."""
    approval = in_force(approvals).get(o.phase.number)  # a withdrawn approval is not cited
    annex = _corrections(o, approved) if approval else []
    nv, _ = narrative_sections(narrative, narrative_path, changed)
    return {
        **_header(o, signed, revision),
        "title": "BÁO CÁO",
        "subtitle": o.phase.report_title,
        "opening": _plan_sentence(o),
        "approval": (
            f"Số liệu trong báo cáo đã được {o.catalogue.campaign.locality.council} thông qua "
            f"tại {approval.decision}"
            + ("" if _DATED.search(approval.decision) else f" ngày {numfmt.day(approval.date)}")
            + (", trừ các số liệu đính chính sau đó ghi ở Phụ lục" if annex else "")
            + "."
            if approval
            else ""
        ),
        "corrections": annex,
        "heads": _heads(o),
        "subs": _subs(o),
        "nv": nv,
        **_indicators(o),
        "blocs": _blocs(o),
        **_exemplars(o, reg),
        **_reporting(o, st),
        "final": not o.provisional,
        "show_scoring": o.catalogue.scores,
        "show_exemplars": o.catalogue.campaign.sections.exemplars,
        **_awards(o, reg, decisions, earlier),
    }


# "Biên bản họp số 05/BB-HĐTĐKT ngày 10/7/2026": the decision already says its date
_DATED = re.compile(r"\bngày\s+\d", re.IGNORECASE)


def _heads(o: Outcome) -> dict[str, str]:
    """The part numbers: the awards part exists only in the final report."""
    numbers = iter(ROMAN)
    return {
        "situation": next(numbers),
        "results": next(numbers),
        "assessment": next(numbers),
        "awards": next(numbers) if not o.provisional else "",
        "direction": next(numbers),
        "proposals": next(numbers),
    }


def _indicators(o: Outcome) -> dict[str, Any]:
    """The indicator table by the plan's groups, its one-line summary and its notes."""
    rows = indicator_rows(o)
    groups: list[dict[str, Any]] = []
    for r in rows:
        row = asdict(r)
        if not groups or groups[-1]["name"] != r.group:
            groups.append({"roman": ROMAN[len(groups)], "name": r.group, "rows": []})
        groups[-1]["rows"].append(row)
    labels = Counter(
        io.evaluation.label
        for io in o.indicators
        if io.indicator.parent is None and not io.indicator.heading
    )

    def said(lb: Label) -> str:
        return label_text(lb, o.provisional).lower()

    summary = ", ".join(f"{labels[lb]} chỉ tiêu {said(lb)}" for lb in Label if labels[lb])
    threshold = o.catalogue.report.coverage
    return {
        "indicator_groups": groups,
        "indicator_summary": f"Trong {sum(labels.values())} chỉ tiêu: {summary}.",
        "progress_note": PROGRESS_NOTE,
        "inverted_note": INVERTED_NOTE if any(r.inverted for r in rows) else "",
        "coverage_note": (
            "Với số liệu cộng từ nhiều đơn vị, cột “Thực hiện” ghi số đơn vị đã báo cáo trên số "
            f"đơn vị phải báo cáo; dưới {numfmt.number(threshold)}% số đơn vị thì đánh giá "
            f"“{Label.INSUFFICIENT}”."
        ),
        "footnotes": footnotes(o),
    }


def _blocs(o: Outcome) -> list[dict[str, Any]]:
    """Each bloc's ranking (the first and last units of a large one), level counts, quotas."""
    over = over_quota(o)
    levels = o.catalogue.scoring.levels if o.catalogue.scoring else []
    blocs = []
    for b, members in ranked_blocs(o):
        counts = Counter(s.level.id for s in members if s.level is not None)
        part = shown(o, members)
        ranking = [_rank_row(o, s, over) for s in part.top]
        omitted = ""
        if part.omitted:
            ranking.append(
                {
                    "rank": "…",
                    "name": f"({part.omitted} đơn vị khác)",
                    "score": "",
                    "self_score": "",
                    "level": "",
                    "remarks": "",
                }
            )
            ranking.extend(_rank_row(o, s, over) for s in part.bottom)
            omitted = (
                f"Khối có {len(members)} đơn vị: bảng trên ghi {len(part.top)} đơn vị đứng đầu "
                f"và {len(part.bottom)} đơn vị cuối; xếp hạng đầy đủ ở tệp {ranking_file(o)} "
                "gửi kèm."
            )
        blocs.append(
            {
                "name": b.name,
                "size": len(members),
                "rows": ranking,
                "omitted": omitted,
                "counts": [{"level": lv.name, "count": str(counts.get(lv.id, 0))} for lv in levels],
                "quota": [quota_text(o, q) for q in o.quotas if q.bloc.id == b.id],
            }
        )
    return blocs


def _exemplars(o: Outcome, reg: list[FieldRegister]) -> dict[str, Any]:
    """The exemplar register by field, and the fields still without a recognised one."""
    fields: list[dict[str, Any]] = [
        {
            "name": r.field.name,
            "entries": [
                {
                    "title": e.exemplar.title
                    + (f" ({e.exemplar.person})" if e.exemplar.person else ""),
                    "unit": e.unit.name,
                    "status": STATUS_VI[e.exemplar.status]
                    + (
                        f" ngày {numfmt.day(e.exemplar.recognised)}"
                        if e.exemplar.recognised
                        else ""
                    ),
                    "mentor": e.exemplar.mentor,
                }
                for e in r.entries
            ],
        }
        for r in reg
    ]
    for f in fields:
        entries = cast(list[dict[str, str]], f["entries"])
        f["entries"] = _cut(
            o,
            entries,
            "title",
            "điển hình khác của lĩnh vực (đủ danh sách ở sổ điển hình tiên tiến)",
        )
    return {
        "fields": fields,
        "fields_missing": [r.field.name for r in reg if not r.has_recognised],
        "fields_done": f"{sum(1 for r in reg if r.has_recognised)}/{len(reg)}",
    }


def _reporting(o: Outcome, st: Status) -> dict[str, Any]:
    """Who reported: the count, the late reports (a table), the missing ones (a paragraph)."""
    late = [
        {
            "name": u.unit.name,
            "bloc": b.bloc.name,
            "submitted": numfmt.day(u.submitted) if u.submitted else "",
            "due": numfmt.day(u.due) if u.due else "",
            "days": str((u.submitted - u.due).days) if u.submitted and u.due else "",
        }
        for b in st.blocs
        for u in b.units
        if u.state == "late"
    ]
    return {
        "late": _cut(o, late, "name", f"đơn vị khác (cột Ghi chú của tệp {ranking_file(o)})"),
        "missing": _missing_text(o, st),
        "missing_count": str(
            sum(1 for b in st.blocs for u in b.units if u.state in ("missing", "not-due"))
        ),
        "reported": f"{sum(b.count('on-time', 'late') for b in st.blocs)}/"
        f"{sum(len(b.units) for b in st.blocs)}",
        "no_reports": not any(b.count("on-time", "late") for b in st.blocs),
    }


def _subs(o: Outcome) -> dict[str, str]:
    """The numbers of part II's sub-sections: a plan without scoring or exemplars leaves their
    sub-sections out, and the ones after them move up (1, 2, 3… without a gap)."""
    present = [
        ("chi_dao", True),
        ("indicators", True),
        ("highlights", True),
        ("blocs", o.catalogue.scores),
        ("exemplars", o.catalogue.campaign.sections.exemplars),
        ("reporting", True),
    ]
    subs: dict[str, str] = {}
    for name, present_here in present:
        if present_here:
            subs[name] = str(len(subs) + 1)
    return subs


def scorecard_context(o: Outcome, s: UnitScore, revision: str, signed: date) -> dict[str, Any]:
    """A one-page scorecard (phiếu chấm điểm) for one unit."""
    places = decimals(o)
    members = sum(1 for x in o.units if x.bloc.id == s.bloc.id)
    own = s.report.self_scores if s.report else {}
    names = {i.code: i.name for i in o.catalogue.indicators}
    criteria = []
    for n, c in enumerate(s.criteria, 1):
        mine = own.get(c.criterion.id)
        criteria.append(
            {
                "stt": str(n),
                "name": c.criterion.name,
                "max": numfmt.number(c.criterion.points),
                "indicators": ", ".join(
                    [ind.code for ind, _ in c.evaluations]
                    + [f"{code} (đang thực hiện, chưa chấm)" for code in c.in_progress]
                )
                or "—",
                "indicator_names": "; ".join(f"{ind.name} ({ind.code})" for ind, _ in c.evaluations)
                or "—",
                "self": numfmt.number(mine, places) if mine is not None else "",
                "plan": "; ".join(plan_text(ind, ev) for ind, ev in c.evaluations) or "—",
                "actual": "; ".join(
                    actual_text(ind, ev, mark_estimate=False) for ind, ev in c.evaluations
                )
                or "—",
                "percent": "; ".join(percent_text(ev) for _, ev in c.evaluations) or "—",
                "rule": explain.rule(c),
                "points": numfmt.number(c.points, places) if c.applicable else "không tính",
            }
        )
    adjustments = [
        {
            "name": a.adjustment.name,
            "count": str(a.items),
            "points": ("+" if a.points > 0 else "") + numfmt.number(a.points, places),
        }
        for a in s.adjustments
    ]
    assert s.level is not None
    return {
        **_header(o, signed, revision),
        "title": "PHIẾU CHẤM ĐIỂM THI ĐUA",
        "number": "",  # a scorecard is not a numbered report
        "subtitle": f"{o.phase.report_title}",
        "unit_name": s.unit.name,
        "bloc": s.bloc.name,
        "table": s.table.name,
        "submitted": numfmt.day(s.report.submitted) if s.report else "chưa nộp",
        "due": numfmt.day(s.due) if s.due else "",
        "criteria": criteria,
        "estimate": any(ev.estimate for c in s.criteria for _, ev in c.evaluations),
        "adjustments": adjustments,
        "subtotal": numfmt.number(s.subtotal, places),
        "scaled": numfmt.number(scaled_subtotal(s, places), places)
        if s.applicable_max != s.table_max
        else "",
        "table_max": numfmt.number(s.table_max),
        "score": numfmt.number(s.score, places),
        "self_score": numfmt.number(s.self_score, places)
        if s.self_score is not None
        else "không tự chấm",
        "has_self": bool(own),
        "no_evidence": [
            f"{names.get(code, code)} ({code})"
            for code, r in sorted(s.report.values.items())
            if not r.evidence
        ]
        if s.report
        else [],
        "level": s.level.name,
        "rank": f"{s.rank}/{members}",
    }
