"""The one write path for figures (`thidua set` and `thidua import`): edit a unit file with
ruamel.yaml round-trip, so comments, key order and layout stay as the clerk left them; check
the result exactly as `validate` would, approval locks included; say what changed in the
numbers. Writing is the CLI's: every prepared file together (files.write_set), or none.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from thidua_cli.audit.diff import ValueChange, unit_changes
from thidua_cli.checks.values import thousands_problems
from thidua_cli.codes import CODES
from thidua_cli.problems import Problem
from thidua_cli.read import yamlload
from thidua_cli.read.models import Unit
from thidua_cli.workspace import Workspace, check_document, load

LOCK_CODES = frozenset(c for c, spec in CODES.items() if spec.group == "phê duyệt")
KNOCK_ON = "approved-outcome-knock-on"
_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+$")


class EditError(ValueError):
    """The edit cannot even be attempted (unknown unit, unreadable file); a Vietnamese reason."""


@dataclass(frozen=True)
class Figure:
    """One reported figure as entered: a value, or a numerator and denominator. `where` names
    its place for people ("lang-kon-ktu.xlsx, ô D12"); empty for the command line."""

    code: str
    value: Decimal | bool | str | None = None  # str: a rating's level, as the catalogue writes it
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    evidence: str | None = None
    evidence_file: str | None = None
    # (reason, reference document, the day it is recorded): the day dates the correction, so a
    # report that lists it is not signed before it
    correction: tuple[str, str, date] | None = None
    where: str = ""

    @property
    def blank(self) -> bool:
        return self.value is None and self.numerator is None and self.denominator is None


@dataclass(frozen=True)
class Edit:
    unit: str
    phase: int
    figures: Sequence[Figure]
    submitted: date | None = None  # the report date; needed when the phase has no report yet


@dataclass
class Prepared:
    """An edit checked and ready to write: the new text, its problems, the change in numbers."""

    path: Path
    rel: str
    before: str
    after: str
    problems: list[Problem] = field(default_factory=list)
    changes: list[ValueChange] = field(default_factory=list)
    where: dict[str, str] = field(default_factory=dict)  # code -> place of its figure
    report: tuple[str | int, ...] = ()  # the YAML path of the edited phase's figures
    known: set[tuple[str, str]] = field(default_factory=set)  # warnings the file had before
    knocked: dict[str, str] = field(default_factory=dict)  # another unit's file -> its name

    @property
    def shown(self) -> list[Problem]:
        """Every error (any error blocks the write) and the warnings the edit brought."""
        return [
            p
            for p in self.problems
            if p.is_error or (p.code, p.message) not in self.known or self.place(p)
        ]

    @property
    def blocked(self) -> bool:
        return any(p.is_error for p in self.problems)

    @property
    def changed(self) -> bool:
        return self.after != self.before

    def place(self, p: Problem) -> str:
        """Where a problem stands for the person who typed the figure: a problem of a figure
        of the edited phase (the same code in another phase, or in the registration, is not
        what was typed, and keeps its place in the file)."""
        at = len(self.report)
        if p.yaml_path[:at] != self.report or len(p.yaml_path) <= at:
            return ""
        return self.where.get(str(p.yaml_path[at]), "")


def _yaml() -> Any:
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never fold a long line the clerk wrote on one line
    y.indent(mapping=2, sequence=4, offset=2)
    # a number written twice (the figure and its correction) is the same object: never let it
    # become an anchor and an alias (&id001 … *id001), which no clerk can read
    y.representer.ignore_aliases = lambda data: True
    return y


def _number_text(d: Decimal) -> str:
    """A Decimal as YAML that reads back the same and cannot look like "10.900"."""
    text = f"{d.normalize():f}"
    return text + "0" if _THOUSANDS.match(text) else text


def _dump(doc: Any, original: str) -> str:
    """Dump with the file's own spelling of null (ruamel writes an empty value)."""
    y = _yaml()
    null = "null" if re.search(r":\s+null\s*(#.*)?$", original, re.M) else ""
    if not null and re.search(r":\s+~\s*(#.*)?$", original, re.M):
        null = "~"
    rep = y.representer
    rep.add_representer(
        type(None), lambda r, _d: r.represent_scalar("tag:yaml.org,2002:null", null)
    )
    rep.add_representer(
        Decimal,
        lambda r, d: r.represent_scalar(
            "tag:yaml.org,2002:float" if "." in _number_text(d) else "tag:yaml.org,2002:int",
            _number_text(d),
        ),
    )
    rep.add_representer(
        date, lambda r, d: r.represent_scalar("tag:yaml.org,2002:timestamp", d.isoformat())
    )
    out = io.StringIO()
    y.dump(doc, out)
    return out.getvalue()


def _flow(items: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    m = CommentedMap(items)
    m.fa.set_flow_style()
    return m


def _same(a: Any, b: Any) -> bool:
    """Equal as figures: 95.40 in the file and 95.4 typed are the same number."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except ArithmeticError:
        return str(a) == str(b)


def evidence_texts(evidence: Any) -> set[str]:
    """Every text an evidence entry holds (a document number, a file, a link)."""
    if isinstance(evidence, str):
        return {evidence}
    if isinstance(evidence, dict):
        return {str(v) for v in evidence.values() if v is not None}
    if isinstance(evidence, list):
        return {t for e in evidence for t in evidence_texts(e)}
    return set()


def _apply(values: Any, f: Figure) -> None:
    """Put one figure into the phase's `values`, keeping what else the entry holds; a part
    that is already so (the same number, evidence already listed) is left untouched, so the
    file changes only where the figure did."""
    from ruamel.yaml.comments import CommentedMap

    old = values.get(f.code)
    entry: dict[str, Any] = dict(old) if isinstance(old, dict) else {}
    for key in ("value", "numerator", "denominator"):
        entry.pop(key, None)
    first: dict[str, Any] = (
        {"value": f.value}
        if f.value is not None
        else {"numerator": f.numerator, "denominator": f.denominator}
    )
    known = evidence_texts(entry.get("evidence"))
    if f.evidence is not None and f.evidence not in known:
        entry["evidence"] = f.evidence
    elif f.evidence_file is not None and f.evidence_file not in known:
        entry["evidence"] = _flow({"file": f.evidence_file})
    if f.correction is not None:
        reason, reference, day = f.correction
        # the evidence it allows is restated too: a later change of evidence needs its own
        allowed = {"evidence": entry["evidence"]} if entry.get("evidence") else {}
        entry["correction"] = _flow(
            {"reason": reason, "reference": reference, "date": day, **first, **allowed}
        )
    merged = {**first, **entry}
    if isinstance(old, CommentedMap):
        for key in [k for k in old if k not in merged]:
            del old[key]
        for n, (key, v) in enumerate(merged.items()):
            if key not in old:
                old.insert(min(n, len(old)), key, v)
            elif not _same(old[key], v):
                old[key] = v
    elif old is not None and not isinstance(old, dict) and list(merged) == ["value"]:
        if not _same(old, f.value):
            values[f.code] = f.value  # the shorthand `CT03: 150` stays a shorthand
    else:
        values[f.code] = _flow(merged)


def differs(unit: Unit | None, phase: int, f: Figure) -> bool:
    """Does the figure change what the unit reported for the phase? (An import applies a
    correction only to the figures it changes.)"""
    report = unit.report(phase) if unit is not None else None
    r = report.values.get(f.code) if report is not None else None
    if r is None:
        return not f.blank
    if f.value is not None:
        return not _same(r.value, f.value)
    return not (_same(r.numerator, f.numerator) and _same(r.denominator, f.denominator))


def _report(doc: Any, edit: Edit) -> Any:
    """The phase's report in the document, created (after the others) when missing."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    results = doc.get("results")
    if results is None:
        results = CommentedSeq()
        doc["results"] = results
    for r in results:
        if isinstance(r, dict) and r.get("phase") == edit.phase:
            if r.get("values") is None:
                r["values"] = CommentedMap()
            if edit.submitted is not None and r.get("submitted") != edit.submitted:
                r["submitted"] = edit.submitted
            return r
    if edit.submitted is None:
        raise EditError(
            f"Đơn vị chưa có báo cáo đợt {edit.phase}; cần ghi ngày nộp báo cáo.",
        )
    report = CommentedMap(
        [("phase", edit.phase), ("submitted", edit.submitted), ("values", CommentedMap())]
    )
    if not results:
        _drop_empty_note(doc, results)
    results.append(report)
    return report


def _drop_empty_note(doc: Any, results: Any) -> None:
    """`results: []  # chưa nộp báo cáo` stops being true with the first report: the note on
    that line goes. Lines below it (ruamel holds them in the same comment) are kept."""
    note = doc.ca.items.get("results", [None] * 4)[2]
    if note is None or not note.value.lstrip(" ").startswith("#"):
        return
    rest = note.value.split("\n", 1)[1] if "\n" in note.value else ""
    if rest.strip():
        note.value = "\n" + rest  # the clerk's other lines, without the stale note
        return
    del doc.ca.items["results"]
    results.ca.comment = None


def prepare(ws: Workspace, edit: Edit, today: date | None = None) -> Prepared:
    """Apply the figures to the unit's file in memory and check the result; writes nothing.
    `today` (the command's date) bounds correction and approval dates, as in validate."""
    rel = ws.paths.get(edit.unit)
    if rel is None:
        raise EditError(f"Không có đơn vị «{edit.unit}» (hoặc tệp của đơn vị còn lỗi).")
    path = ws.root / rel
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise EditError(f"Không đọc được {rel}: {exc.strerror}.") from None
    bom = raw.startswith(b"\xef\xbb\xbf")
    before = raw.decode("utf-8-sig")
    doc = _yaml().load(before)
    report = _report(doc, edit)
    for f in edit.figures:
        if not f.blank:
            _apply(report["values"], f)
    after = _dump(doc, before)
    if "\r\n" in before:  # a file saved on Windows keeps its line endings
        after = after.replace("\r\n", "\n").replace("\n", "\r\n")
    if bom:
        after = "\ufeff" + after
    index = next(n for n, r in enumerate(doc["results"]) if r is report)
    prepared = Prepared(
        path,
        rel,
        before,
        after,
        where={f.code: f.where for f in edit.figures},
        report=("results", index, "values"),
    )
    prepared.problems = _check(ws, prepared, today)
    old_doc = yamlload.parse(before.lstrip("\ufeff"), rel)
    if old_doc.data is not None:
        known = check_document(ws, old_doc.data, rel, old_doc)[1]
        prepared.known = {(q.code, q.message) for q in known}
    old = next((u for u in ws.units if u.id == edit.unit), None)
    new = _unit(ws, after, rel)
    if ws.catalogue is not None and new is not None:
        prepared.changes = unit_changes(ws.catalogue, old, new)
    return prepared


def _unit(ws: Workspace, text: str, rel: str) -> Unit | None:
    parsed = yamlload.parse(text.lstrip("\ufeff"), rel)
    unit, _ = check_document(ws, parsed.data, rel)
    return unit


def _check(ws: Workspace, p: Prepared, today: date | None = None) -> list[Problem]:
    """The problems `validate` would report for the new file, and only for it."""
    parsed = yamlload.parse(p.after.lstrip("\ufeff"), p.rel)
    problems = [*parsed.problems, *thousands_problems(parsed)]
    if parsed.data is not None:
        _, found = check_document(ws, parsed.data, p.rel, parsed)
        problems.extend(found)
    if ws.approvals:
        problems.extend(_locks(ws, p, today))
    return sorted(set(problems))


def _locks(ws: Workspace, p: Prepared, today: date | None = None) -> list[Problem]:
    """Approval locks through the front door. The locks judge the outcome of a phase (commune
    figures, every unit's score and rank), so every unit file is read, with the edited one
    replaced by the new text: written under its own name in a scratch folder inside the data
    folder (so git finds the repository)."""
    from thidua_cli.workspace import discover

    scratch = Path(tempfile.mkdtemp(prefix=".thidua-edit-", dir=ws.data_dir))
    try:
        target = scratch / p.path.name
        target.write_bytes(p.after.encode("utf-8"))
        others = [f for f in discover(ws.data_dir) if f.resolve() != p.path.resolve()]
        checked = load(ws.data_dir, [*others, target], root=ws.root, complete=True, today=today)
        inside = Path(os.path.relpath(target, ws.root)).as_posix()
        names = {checked.paths[u.id]: u.name for u in checked.units if u.id in checked.paths}
        # what this edit moves: a unit an earlier correction already moved, and by as much,
        # is that correction's doing, not this one's
        before = {(q.path, q.message) for q in ws.problems if q.code == KNOCK_ON}
        p.knocked = {
            q.path: names.get(q.path, q.path)
            for q in checked.problems
            if q.code == KNOCK_ON and q.path != inside and (q.path, q.message) not in before
        }
        return [
            Problem(
                p.rel if q.path == inside else q.path,
                q.line,
                q.column,
                q.code,
                q.severity,
                q.message.replace(inside, p.rel),
                q.hint,
                q.yaml_path if q.path == inside else (),
            )
            for q in checked.problems
            if q.code in LOCK_CODES
        ]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
