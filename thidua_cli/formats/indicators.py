"""The indicator catalogue as a table or as versioned JSON (`thidua indicators`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from thidua_cli.formats import json_text, writer
from thidua_cli.formats.terminal import console, esc
from thidua_cli.present.text import AGGREGATION_VI, plain, target_text
from thidua_cli.read.models import Catalogue, Indicator

JSON_VERSION = 1


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
        "target_level": ind.target_level,
        "levels": ind.levels,
        "due": ind.due,
        "due_year": ind.due_year,
        "denominator": plain(ind.denominator),
        "across": ind.across.model_dump() if ind.across else None,
        "parts_total": plain(ind.parts_total),
    }


def as_json(cat: Catalogue) -> str:
    doc = {
        "version": JSON_VERSION,
        "campaign": cat.campaign.id,
        "indicators": [indicator_dict(i) for i in cat.indicators],
    }
    return json_text(doc)


def print_table(cat: Catalogue, console: Any) -> None:
    from rich.table import Table

    groups = {g.id: g.name for g in cat.groups}
    table = Table(title=f"Danh mục chỉ tiêu — {esc(cat.campaign.title)}", show_lines=False)
    for col in ("Mã", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Tổng hợp"):
        table.add_column(col, overflow="fold")
    # one header per group, in the catalogue's group order, even when codes interleave groups
    order = {
        g: i for i, g in enumerate(dict.fromkeys([*groups, *(i.group for i in cat.indicators)]))
    }
    current = None
    for ind in sorted(cat.indicators, key=lambda i: order[i.group]):
        if ind.group != current:
            current = ind.group
            table.add_row("", f"[bold]{esc(groups.get(ind.group, ind.group))}[/]", "", "", "")
        name = ("  trong đó: " if ind.parent else "") + esc(ind.name)
        how = AGGREGATION_VI[ind.aggregation] + (f" ({ind.owner})" if ind.owner else "")
        table.add_row(
            esc(ind.code),
            name + (" [dim](*)[/]" if ind.note else ""),
            esc(ind.unit),
            esc(target_text(ind)),
            esc(how),
        )
    console.print(table)
    if any(ind.note for ind in cat.indicators):
        console.print("[dim](*) có ghi chú trong danh mục (indicators.yaml)[/]")


def _table(cat: Catalogue, stream: IO[str]) -> None:
    print_table(cat, console(stream))


FORMATS: dict[str, Callable[[Catalogue, IO[str]], None]] = {
    "table": _table,
    "json": writer(as_json),
}
