"""What a report says, as plain values: the context both the Markdown and the DOCX templates fill.

Everything here is already formatted the Vietnamese way (10.900; 6,39%; ngày 30 tháng 6 năm 2026),
so the templates hold wording and layout only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import date
from typing import Any, cast

from thidua_cli import numfmt
from thidua_cli.compute import awards as award_rules
from thidua_cli.compute.evaluate import Label
from thidua_cli.compute.exemplars import STATUS_VI, FieldRegister
from thidua_cli.compute.outcome import Outcome
from thidua_cli.compute.scoring import UnitScore, scaled_subtotal
from thidua_cli.compute.status import Status
from thidua_cli.present.text import (
    PROGRESS_NOTE,
    actual_text,
    few,
    indicator_rows,
    over_quota,
    percent_text,
    plan_text,
    remarks,
    score_text,
    shown,
    too_large,
)

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def _header(o: Outcome, signed: date, revision: str) -> dict[str, Any]:
    issuer = o.catalogue.campaign.issuer
    return {
        "issuer_parent": issuer.parent or "",
        "issuer_name": issuer.name,
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
        "provisional": o.provisional,
        "level": o.catalogue.campaign.locality.level,
        "body": o.catalogue.campaign.locality.body,
        "council": o.catalogue.campaign.locality.council,
    }


def _awards(o: Outcome, reg: list[FieldRegister]) -> tuple[list[dict[str, str]], str]:
    proposals = award_rules.propose(o, reg)
    rows = []
    for n, p in enumerate(proposals, 1):
        if p.score is not None:
            s = p.score
            assert s.level is not None
            recipient, unit = s.unit.name, s.bloc.name
            reason = f"{s.level.name} ({score_text(o, s.score)} điểm, hạng {s.rank})"
        else:
            assert p.exemplar is not None and p.field is not None
            recipient, unit = p.exemplar.person or p.exemplar.title, p.unit.name
            reason = f"Điển hình tiên tiến lĩnh vực {p.field.name}"
        rows.append(
            {
                "stt": str(n),
                "recipient": recipient,
                "unit": unit,
                "reason": reason,
                "title": p.rule.title,
                "coefficient": numfmt.number(p.rule.coefficient),
                "amount": numfmt.number(p.amount),
            }
        )
    return rows, numfmt.number(award_rules.total(proposals)) if rows else "0"


def ranking_file(o: Outcome) -> str:
    """The full ranking sent with a report whose blocs are too large to list in it."""
    return f"bang-xep-hang-dot-{o.phase.number}.csv"


def summarised(o: Outcome) -> bool:
    """Does the report list only part of some bloc (so the full ranking must go with it)?"""
    return too_large(o, len(o.units))


def _cut(o: Outcome, rows: list[dict[str, str]], key: str, what: str) -> list[dict[str, str]]:
    """A long list in a report: its first rows and one row saying how many more (and where
    they are); the catalogue's `large_rosters` says what is long."""
    if not too_large(o, len(rows)):
        return rows
    show = o.catalogue.large_rosters.show
    more = dict.fromkeys(rows[0], "")
    more[key] = f"… và {len(rows) - show} {what}"
    return [*rows[:show], more]


def _rank_row(o: Outcome, s: UnitScore, over: set[str]) -> dict[str, str]:
    return {
        "rank": str(s.rank),
        "name": s.unit.name,
        "score": score_text(o, s.score),
        "self_score": score_text(o, s.self_score),
        "level": s.level.name if s.level else "",
        "remarks": remarks(s, over),
    }


def report_context(
    o: Outcome, st: Status, reg: list[FieldRegister], revision: str, signed: date
) -> dict[str, Any]:
    """The full phase report (sơ kết or tổng kết)."""
    rows = indicator_rows(o)
    groups: list[dict[str, Any]] = []
    for r in rows:
        if not groups or groups[-1]["name"] != r.group:
            groups.append({"roman": ROMAN[len(groups)], "name": r.group, "rows": []})
        groups[-1]["rows"].append(asdict(r))
    labels = Counter(io.evaluation.label for io in o.indicators if io.indicator.parent is None)
    main = sum(labels.values())
    summary = ", ".join(f"{labels[lb]} chỉ tiêu {str(lb).lower()}" for lb in Label if labels[lb])
    over = over_quota(o)
    levels = o.catalogue.scoring.levels
    blocs = []
    for b in o.catalogue.blocs:
        members = sorted((s for s in o.units if s.bloc.id == b.id), key=lambda s: s.rank)
        if not members:
            continue
        counts = Counter(s.level.id for s in members if s.level is not None)
        quota_lines = []
        for q in o.quotas:
            if q.bloc.id != b.id:
                continue
            name = next(lv.name for lv in levels if lv.id == q.quota.level)
            line = (
                f"Tỷ lệ «{name}»: {q.count} đơn vị; giới hạn "
                f"{numfmt.number(q.quota.max_percent)}% của {q.base} đơn vị = {q.limit}: "
                + (
                    "đạt."
                    if q.ok
                    else "vượt giới hạn, Hội đồng xem xét các đơn vị: "
                    + few(o, [s.unit.name for s in members if s.unit.id in q.over])
                    + "."
                )
            )
            quota_lines.append(line)
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
                "quota": quota_lines,
            }
        )
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
        f["entries"] = _cut(o, entries, "title", "điển hình khác (xem: thidua exemplars)")
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
    missing = [
        {"name": u.unit.name, "bloc": b.bloc.name, "due": numfmt.day(u.due) if u.due else ""}
        for b in st.blocs
        for u in b.units
        if u.state in ("missing", "not-due")
    ]
    late = _cut(o, late, "name", f"đơn vị khác (cột Ghi chú của tệp {ranking_file(o)})")
    missing = _cut(o, missing, "name", f"đơn vị khác (cột Ghi chú của tệp {ranking_file(o)})")
    awards, award_total = _awards(o, reg)
    base_salary = o.catalogue.awards.base_salary if o.catalogue.awards else None
    return {
        **_header(o, signed, revision),
        "title": "BÁO CÁO",
        "subtitle": o.phase.report_title,
        "plan": o.catalogue.campaign.plan,
        "bases": o.catalogue.campaign.legal_bases,
        "indicator_groups": groups,
        "indicator_summary": f"Trong {main} chỉ tiêu: {summary}.",
        "progress_note": PROGRESS_NOTE,
        "blocs": blocs,
        "fields": fields,
        "fields_missing": [r.field.name for r in reg if not r.has_recognised],
        "fields_done": f"{sum(1 for r in reg if r.has_recognised)}/{len(reg)}",
        "late": late,
        "missing": missing,
        "reported": f"{sum(b.count('on-time', 'late') for b in st.blocs)}/"
        f"{sum(len(b.units) for b in st.blocs)}",
        "final": not o.provisional,
        "no_reports": not any(s.report for s in o.units),
        "awards": awards,
        "award_total": award_total,
        "award_basis": (o.catalogue.awards.basis or "") if o.catalogue.awards else "",
        "base_salary": numfmt.number(base_salary) if base_salary is not None else "",
    }


def scorecard_context(o: Outcome, s: UnitScore, revision: str, signed: date) -> dict[str, Any]:
    """A one-page scorecard (phiếu chấm điểm) for one unit."""
    places = o.catalogue.scoring.decimals
    members = sum(1 for x in o.units if x.bloc.id == s.bloc.id)
    criteria = []
    for n, c in enumerate(s.criteria, 1):
        criteria.append(
            {
                "stt": str(n),
                "name": c.criterion.name,
                "max": numfmt.number(c.criterion.points),
                "indicators": ", ".join(ind.code for ind, _ in c.evaluations) or "—",
                "plan": "; ".join(plan_text(ind, ev) for ind, ev in c.evaluations) or "—",
                "actual": "; ".join(
                    actual_text(ind, ev, mark_estimate=False) for ind, ev in c.evaluations
                )
                or "—",
                "percent": "; ".join(percent_text(ev) for _, ev in c.evaluations) or "—",
                "rule": c.rule,
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
        "level": s.level.name,
        "rank": f"{s.rank}/{members}",
    }
