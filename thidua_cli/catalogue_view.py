"""The indicator catalogue as a table or as versioned JSON (`thidua indicators`)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from . import numfmt
from .models import Catalogue, Indicator

JSON_VERSION = 1
COMPARATOR_SIGN = {">=": "≥", "<=": "≤", "=": "=", "range": "", "about": "≈"}


def plain(v: Decimal | None) -> int | float | None:
    """A Decimal for JSON: an int when whole, else the shortest float that reads back the same."""
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)


def value_text(ind: Indicator, v: Decimal | bool | None) -> str:
    """One value the way a report writes it: "6,39%", "10.900", "Đạt"."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "Đạt" if v else "Không đạt"
    return numfmt.percent(v) if ind.kind in ("percent", "ratio") else numfmt.number(v)


def target_text(ind: Indicator, target: Decimal | bool | None = None) -> str:
    """The plan's target as people write it: "≥ 6,39%", "≤ 7,48%", "36/41 (87,8%)", "Đạt"."""
    if ind.kind == "boolean":
        want = ind.target_bool if target is None else target
        return "Đạt" if want else "Không"
    if ind.kind == "ratio" and ind.target_numerator is not None and ind.target_denominator:
        share = ind.target_numerator / ind.target_denominator * 100
        return (
            f"{numfmt.number(ind.target_numerator)}/{numfmt.number(ind.target_denominator)}"
            f" ({numfmt.percent(share, 1)})"
        )
    if ind.comparator == "range":
        return f"{value_text(ind, ind.target_min)} – {value_text(ind, ind.target_max)}"
    value = target if isinstance(target, Decimal) else ind.target
    text = f"{COMPARATOR_SIGN[ind.comparator]} {value_text(ind, value)}".strip()
    if ind.comparator == "about" and ind.tolerance is not None:
        text += f" (± {numfmt.number(ind.tolerance)})"
    return text


def indicator_dict(ind: Indicator) -> dict[str, Any]:
    return {
        "code": ind.code,
        "name": ind.name,
        "group": ind.group,
        "unit": ind.unit,
        "kind": ind.kind,
        "comparator": ind.comparator,
        "target": ind.target_bool if ind.kind == "boolean" else plain(ind.target),
        "target_min": plain(ind.target_min),
        "target_max": plain(ind.target_max),
        "tolerance": plain(ind.tolerance),
        "target_numerator": plain(ind.target_numerator),
        "target_denominator": plain(ind.target_denominator),
        "parent": ind.parent,
        "computed": ind.aggregation == "computed",
        "aggregation": ind.aggregation,
        "owner": ind.owner,
        "applies_to": ind.applies_to,
        "cumulative": ind.cumulative,
        "source": ind.source,
        "note": ind.note,
    }


def as_json(cat: Catalogue) -> str:
    doc = {
        "version": JSON_VERSION,
        "campaign": cat.campaign.id,
        "indicators": [indicator_dict(i) for i in cat.indicators],
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


AGGREGATION_VI = {
    "sum": "cộng các đơn vị",
    "ratio": "tổng tử số / tổng mẫu số",
    "owner": "đơn vị phụ trách báo cáo",
    "count-true": "đếm số đơn vị đạt",
    "computed": "tính từ xếp loại, điển hình",
}


def print_table(cat: Catalogue, console: Any) -> None:
    from rich.table import Table

    groups = {g.id: g.name for g in cat.groups}
    table = Table(title=f"Danh mục chỉ tiêu — {cat.campaign.title}", show_lines=False)
    for col in ("Mã", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Tổng hợp"):
        table.add_column(col, overflow="fold")
    current = None
    for ind in cat.indicators:
        if ind.group != current:
            current = ind.group
            table.add_row("", f"[bold]{groups.get(ind.group, ind.group)}[/]", "", "", "")
        name = ("  trong đó: " if ind.parent else "") + ind.name
        how = AGGREGATION_VI[ind.aggregation] + (f" ({ind.owner})" if ind.owner else "")
        table.add_row(
            ind.code, name + (" [dim](*)[/]" if ind.note else ""), ind.unit, target_text(ind), how
        )
    console.print(table)
    console.print("[dim](*) có ghi chú trong data/indicators.yaml[/]")
