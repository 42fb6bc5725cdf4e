"""Append an approval to data/approvals.yaml, keeping the file's comments and layout
(ruamel's round-trip), and writing it atomically."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from thidua_cli.files import write_atomic

HEADER = """\
# Phê duyệt của Hội đồng Thi đua - Khen thưởng: số liệu của đợt đã được duyệt tại commit ghi
# dưới đây. Sau phê duyệt, mọi thay đổi số liệu của đợt đó phải kèm đính chính (correction),
# mọi thay đổi chỉ tiêu kế hoạch phải kèm quyết định (amended). Tệp do «thidua approve» ghi.
approvals: []
"""


def record(
    path: Path, phase: int, commit: str, by: str, decision: str, day: date, revoke: bool = False
) -> None:
    """Append one entry (an approval, or with `revoke` the withdrawal of the approval of
    `phase` at `commit`); entries are never edited or removed."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    doc = yaml.load(text) or CommentedMap()
    if doc.get("approvals") is None:
        doc["approvals"] = []
    entry = CommentedMap()
    entry["phase"] = phase
    entry["commit"] = DoubleQuotedScalarString(commit)  # an all-digit SHA must stay text
    entry["by"] = by
    entry["decision"] = decision
    entry["date"] = day
    if revoke:
        entry["revoke"] = True
    doc["approvals"].append(entry)
    out = io.StringIO()
    yaml.dump(doc, out)
    write_atomic(path, out.getvalue())
