"""The narrative sections of a report: merged from the secretary's file, a visible placeholder
for each section not written yet, and the skeleton (`report --init-narrative`) with sentences
drawn from the data for the secretary to edit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from thidua_cli import numfmt
from thidua_cli.compute.evaluate import Label
from thidua_cli.compute.exemplars import FieldRegister
from thidua_cli.compute.outcome import Outcome
from thidua_cli.compute.status import Status
from thidua_cli.present.text import actual_text, percent_text, plan_text
from thidua_cli.read.narrative import SECTIONS, Block, Narrative, Run

TITLES = dict(SECTIONS)


def _block(b: Block) -> dict[str, Any]:
    return {
        "kind": b.kind,
        "number": b.number,
        "runs": [{"text": r.text, "bold": r.bold, "italic": r.italic} for r in b.runs],
    }


def sections(
    narrative: Narrative | None, shown_path: str, changed: Stale | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Every standard section as blocks for the templates, and the titles of those missing.
    A missing section is one visible placeholder paragraph, so nobody signs a report with a
    hole in it by mistake; each written section in `stale` (with today's mark) starts with a
    visible note that the figures changed since it was written (see `stale`)."""
    out: dict[str, Any] = {}
    missing: list[str] = []
    for sid, title in SECTIONS:
        blocks = narrative.sections.get(sid, []) if narrative else []
        absent = not blocks
        if absent:
            missing.append(title)
            text = f"[Chưa viết phần “{title}”: viết vào tệp {shown_path}, mục “## {title}”.]"
            blocks = [Block("para", (Run(text, bold=True, italic=True),))]
        elif changed is not None and sid in changed.sections:
            blocks = [stale_note(changed.mark), *blocks]
        out[sid.replace("-", "_")] = {
            "title": title,
            "missing": absent,
            "blocks": [_block(b) for b in blocks],
        }
    return out, missing


def escape(text: str) -> str:
    """Data text inside the narrative file: markers and backslashes kept literal, and a
    comment opener broken («<\\!--» reads back as «<!--»), so a name cannot hide the lines
    after it."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("<!--", "<\\!--")


def _indicator_lines(o: Outcome) -> tuple[list[str], list[str], list[str]]:
    exceeded, not_met, unknown = [], [], []
    for io in o.indicators:
        ind, ev = io.indicator, io.evaluation
        if ind.parent is not None and ev.label is not Label.NOT_MET:
            continue  # a part («trong đó») is named when it falls short, as the table marks it
        name = f"{escape(ind.name)} ({ind.code})"
        shown = f"thực hiện {escape(actual_text(ind, ev))}, kế hoạch {escape(plan_text(ind, ev))}"
        if ev.label is Label.EXCEEDED:
            exceeded.append(f"- {name}: {shown}, đạt {percent_text(ev, ev.label)} kế hoạch.")
        elif ev.label is Label.NOT_MET:
            gap = ev.gap
            by = ""
            if gap is not None:
                word = "cao hơn" if ind.lower_is_better else "còn thiếu"
                unit = "điểm phần trăm" if ind.kind in ("percent", "ratio") else escape(ind.unit)
                by = f"; {word} {numfmt.number(numfmt.quantize(abs(gap), 2))} {unit}"
                if io.expected and io.reporters < io.expected:
                    # the units still to report may close the gap: not a verdict on all
                    by += f" (mới có {io.reporters}/{io.expected} đơn vị báo cáo)"
            not_met.append(f"- {name}: {shown}{by}.")
        elif ev.label is Label.INSUFFICIENT:
            unknown.append(
                f"- {name}: mới có {io.reporters}/{io.expected} đơn vị báo cáo, chưa đủ số liệu "
                "để đánh giá."
            )
    return exceeded, not_met, unknown


def _suggested(o: Outcome, st: Status, reg: list[FieldRegister]) -> dict[str, list[str]]:
    """The sentences drawn from the data, by section: what the skeleton offers, and what its
    mark of the figures is made from."""
    level = o.catalogue.campaign.locality.level
    units = [s.unit for s in o.units]
    n = len(units)
    registered = sum(1 for u in units if u.registration is not None)
    pacts = sum(1 for u in units if u.pact is not None and u.pact.signed <= o.as_of)
    reported = any(s.report for s in o.units)
    exceeded, not_met, unknown = _indicator_lines(o)
    if not reported:
        # nothing reported yet: figures "0%, còn thiếu 100 điểm" would be false; say so instead
        exceeded = not_met = unknown = []
    main = [io for io in o.indicators if io.indicator.parent is None]
    counts = {lb: sum(1 for io in main if io.evaluation.label is lb) for lb in Label}
    summary = ", ".join(
        f"{c} chỉ tiêu {'chưa đạt' if o.provisional and lb is Label.NOT_MET else str(lb).lower()}"
        for lb, c in counts.items()
        if c
    )
    late = [
        f"{escape(u.unit.name)} ({(u.submitted - u.due).days} ngày)"
        for b in st.blocs
        for u in b.units
        if u.state == "late" and u.submitted and u.due
    ]
    missing = [escape(u.unit.name) for b in st.blocs for u in b.units if u.state == "missing"]
    recognised = [
        f"- {escape(e.exemplar.title)} ({escape(e.unit.name)}), lĩnh vực {escape(r.field.name)}"
        + (f", công nhận ngày {numfmt.day(e.exemplar.recognised)}" if e.exemplar.recognised else "")
        + "."
        for r in reg
        for e in r.entries
        if e.exemplar.status in ("recognised", "commended")
        and (e.exemplar.recognised is None or e.exemplar.recognised <= o.as_of)
    ]
    top = o.catalogue.scoring.levels[0] if o.catalogue.scoring else None
    best = sum(1 for s in o.units if top and s.level is not None and s.level.id == top.id)
    behind = [io for io in main if io.evaluation.label in (Label.NOT_MET, Label.IN_PROGRESS)]
    return {
        "chi-dao": [
            f"Đến {numfmt.long_day(o.as_of)}, {registered}/{n} đơn vị đã đăng ký chỉ tiêu thi "
            f"đua, {pacts}/{n} đơn vị đã ký giao ước thi đua."
        ],
        "ket-qua-noi-bat": [
            (
                f"Trong {len(main)} chỉ tiêu toàn {escape(level)}: {summary}."
                if reported
                else f"Chưa có đơn vị nào báo cáo {o.phase.name[0].lower()}{o.phase.name[1:]}; "
                "viết phần này khi đã có số liệu."
            ),
            "",
            *exceeded,
        ],
        "uu-diem": [
            (
                f"Có {best} đơn vị đạt mức “{escape(top.name)}”"
                if top and reported
                else "Chưa có kết quả xếp loại của đợt này"
                if top
                else "Các đơn vị đã báo cáo"
            )
            + (f"; {len(recognised)} điển hình tiên tiến được công nhận:" if recognised else "."),
            "",
            *recognised,
        ],
        "han-che": [
            *(["Các chỉ tiêu chưa đạt kế hoạch:", "", *not_met, ""] if not_met else []),
            *(["Các chỉ tiêu chưa đủ số liệu để đánh giá:", "", *unknown, ""] if unknown else []),
            *([f"- {len(late)} đơn vị nộp báo cáo muộn: {', '.join(late)}."] if late else []),
            *([f"- {len(missing)} đơn vị chưa báo cáo: {', '.join(missing)}."] if missing else []),
        ],
        "phuong-huong": [
            "Tập trung chỉ đạo hoàn thành các chỉ tiêu chưa đạt hoặc đang thực hiện: "
            + "; ".join(escape(io.indicator.name) for io in behind)
            + "."
        ]
        if behind
        else [],
    }


def figures_mark(suggested: dict[str, list[str]]) -> str:
    """A short mark of the figures the suggested sentences quote (12 hex digits)."""
    import hashlib

    text = "\n".join(f"{sid}\n" + "\n".join(lines) for sid, lines in sorted(suggested.items()))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


# the sections whose suggested sentences quote figures
FIGURE_SECTIONS = ("chi-dao", "ket-qua-noi-bat", "uu-diem", "han-che", "phuong-huong")


@dataclass(frozen=True)
class Stale:
    """A narrative drawn from other figures than today's, and where it differs."""

    mark: str  # today's mark of the figures
    was: str | None  # the file's mark as written (None: the line is gone)
    new: list[tuple[str, str]]  # (section, today's suggested sentence not in that section)
    old: list[tuple[str, str]]  # (section, a line quoting an indicator as today's data does not)

    @property
    def sections(self) -> set[str]:
        """The sections to mark in the document: those that differ."""
        return {sid for sid, _ in self.new} | {sid for sid, _ in self.old}


_CODE = re.compile(r"\(([^()\s]+)\):")


def stale(
    narrative: Narrative | None, o: Outcome, st: Status, reg: list[FieldRegister]
) -> Stale | None:
    """Does the narrative quote other figures than today's? Only a file made by the skeleton is
    checked (a file written by hand has no mark), and only when its mark is not today's (a
    mistyped or deleted mark counts as another): then each section that quotes figures is
    compared with today's suggested sentences, and the lines that quote an indicator as the
    data no longer does are named. None when nothing differs."""
    if narrative is None or (narrative.figures is None and not narrative.skeleton):
        return None
    suggested = _suggested(o, st, reg)
    mark = figures_mark(suggested)
    if narrative.figures == mark:
        return None
    codes = {i.code for i in o.catalogue.indicators}
    new: list[tuple[str, str]] = []
    old: list[tuple[str, str]] = []
    for sid in FIGURE_SECTIONS:
        today = [line.strip() for line in suggested.get(sid, []) if line.strip()]
        shapes = {_shape(line) for line in today}
        lines = narrative.lines.get(sid, [])
        new += [(sid, line) for line in today if line not in lines]
        old += [
            (sid, line)
            for line in lines
            if line not in today
            # it quotes an indicator, or it is a suggested sentence with other numbers in it
            and (any(c in codes for c in _CODE.findall(line)) or _shape(line) in shapes)
        ]
    if not new and not old and narrative.figures is not None:
        return None  # word for word today's figures: only the mark is behind
    return Stale(mark, narrative.figures, new, old)


_NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")


def _shape(line: str) -> str:
    """A sentence with its numbers blanked: «Có 18 đơn vị đạt…» and «Có 19 đơn vị đạt…» match."""
    return _NUMBER.sub("#", line)


def stale_note(mark: str) -> Block:
    """A visible line at the head of each section that quotes figures, until the secretary
    has compared them and updated the mark: nobody signs figures that changed by mistake."""
    text = (
        "[Số liệu đã thay đổi sau khi viết phần này: đối chiếu các con số với phần số liệu "
        f"của báo cáo, sửa cho đúng, rồi thay dấu số liệu trong tệp nội dung bằng {mark}.]"
    )
    return Block("para", (Run(text, bold=True, italic=True),))


def skeleton(o: Outcome, st: Status, reg: list[FieldRegister]) -> str:
    """The narrative file to start from: each section's heading, a comment saying what goes
    there, and sentences from the data (to check and rewrite, never to sign unread), with a
    mark of the figures they quote (so a report made after the data changes says so)."""
    suggested = _suggested(o, st, reg)
    lines = [
        f"# Nội dung báo cáo: {o.phase.report_title}",
        "",
        "<!-- Tệp này do «thidua report --init-narrative» tạo; thidua không bao giờ ghi đè.",
        "     Mỗi mục «## …» được ghép vào báo cáo Markdown và Word. Dòng trống tách đoạn;",
        "     «- » đầu dòng là gạch đầu dòng; **chữ đậm**, *chữ nghiêng*. Các câu gợi ý dưới",
        "     đây lấy từ số liệu: kiểm tra, sửa lại cho đúng lời văn trước khi ký.",
        "     Nội dung trong dấu chú thích như thế này không được in. -->",
        "",
        f"<!-- thidua: số liệu {figures_mark(suggested)} — dấu của các con số trong câu gợi ý.",
        "     Khi số liệu đổi, «thidua report» nhắc đối chiếu lại và in dấu mới; đối chiếu",
        "     xong thì thay dấu ở dòng này bằng dấu mới. -->",
        "",
        f"## {TITLES['dac-diem']}",
        "",
        "### Thuận lợi",
        "",
        "<!-- Sự lãnh đạo, chỉ đạo; điều kiện kinh tế - xã hội thuận lợi trong kỳ. -->",
        "",
        "### Khó khăn",
        "",
        "<!-- Thời tiết, dịch bệnh, giá cả, địa bàn rộng, nguồn lực hạn chế… -->",
        "",
        f"## {TITLES['chi-dao']}",
        "",
        *suggested["chi-dao"],
        "",
        "<!-- Kế hoạch, văn bản phát động; hình thức tuyên truyền; hội nghị ký giao ước. -->",
        "",
        f"## {TITLES['ket-qua-noi-bat']}",
        "",
        *suggested["ket-qua-noi-bat"],
        "",
        f"## {TITLES['uu-diem']}",
        "",
        *suggested["uu-diem"],
        "",
        f"## {TITLES['han-che']}",
        "",
        *suggested["han-che"],
        "",
        f"## {TITLES['nguyen-nhan']}",
        "",
        "<!-- Nguyên nhân khách quan, chủ quan của từng hạn chế nêu trên. -->",
        "",
        f"## {TITLES['bai-hoc']}",
        "",
        "<!-- Những cách làm hay cần giữ và nhân rộng. -->",
        "",
        f"## {TITLES['phuong-huong']}",
        "",
        "<!-- Nhiệm vụ trọng tâm của kỳ tới. -->",
        "",
        *suggested["phuong-huong"],
        "",
        f"## {TITLES['kien-nghi']}",
        "",
        "<!-- Đề xuất, kiến nghị với cấp trên (nếu có). -->",
        "",
    ]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip("\n") + "\n"
