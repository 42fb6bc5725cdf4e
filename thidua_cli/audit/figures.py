"""A figure as a unit typed it, with what the tool derived from it: what diff and history show,
so a reviewer can check it against the paper report."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from thidua_cli.compute.evaluate import Evaluation, label_text, result_value
from thidua_cli.read.models import Result


@dataclass(frozen=True)
class Figure:
    value: Decimal | bool | None  # `value:` as typed
    numerator: Decimal | None  # `numerator:` / `denominator:` as typed
    denominator: Decimal | None
    actual: (
        Decimal | bool | str | None
    )  # what is judged: a ratio's percentage, a rating's level, else the value
    estimate: bool = False
    label: str = ""  # the evaluation (Vượt, Đạt, …) when known
    corrected: bool = False  # carries a correction record

    @classmethod
    def of(
        cls, r: Result | None, ev: Evaluation | None = None, provisional: bool = False
    ) -> Figure | None:
        if r is None:
            return None
        value = r.value if isinstance(r.value, Decimal | bool) else None
        return cls(
            value,
            r.numerator,
            r.denominator,
            result_value(r)[0],
            bool(ev.estimate) if ev is not None else bool(r.estimate),
            label_text(ev.label, provisional) if ev is not None else "",
            r.correction is not None,
        )
