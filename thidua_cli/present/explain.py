"""How a criterion's points were reached, in words and numbers (`score --explain`, the
scorecard, the JSON): worded only when asked, from the case and numbers compute/scoring.py keeps."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import cast

from thidua_cli import numfmt
from thidua_cli.compute.scoring import HALF, CriterionScore, negative_zero


def _pct(r: Decimal) -> str:
    return "vô hạn" if not r.is_finite() else numfmt.percent(r * 100, 2)


def rule(c: CriterionScore) -> str:
    """The criterion's case with its numbers, then « = » and the points."""
    if negative_zero(c.points, *c.how):  # equal to 0, written apart: not from the shared ones
        return _words(c.how, bool(c.in_progress), c.points, c.places)
    return _shared(c.how, bool(c.in_progress), c.points, c.places)


def _words(how: tuple[object, ...], in_progress: bool, points: Decimal, places: int) -> str:
    case, *args = how
    if case == "none":
        if in_progress:  # registered, but its target is not due yet
            return "Chỉ tiêu đang thực hiện, chưa đến hạn đánh giá: không tính"
        return "Không đăng ký chỉ tiêu nào của tiêu chí: không tính"
    ratio, top, cap, ms = (cast(Decimal, a) for a in args[:4])
    if case == "proportional":
        capped = bool(args[4])
        text = (
            f"A/T = {_pct(ratio)}"
            + (f" (tính tối đa {_pct(cap)})" if capped else "")
            + f" × {numfmt.number(ms)}"
        )
    elif case == "pass-fail":
        text = "Đạt → đủ điểm" if points else "Chưa đạt → 0"
    elif case == "count":
        met, n = args[4], args[5]
        text = f"Đạt {met}/{n} chỉ tiêu × {numfmt.number(ms)}"
    elif case == "cluster-below":
        text = f"A/T = {_pct(ratio)} < 100% → ½ × {numfmt.number(ms)} × A/T"
    elif case == "cluster-top":
        text = f"A/T = {_pct(ratio)}, cao nhất khối → đủ điểm"
    elif case == "cluster-at":
        text = f"A/T = 100% (đúng kế hoạch) → ½ × {numfmt.number(ms)}"
    else:  # cluster, between the plan and the bloc's best
        half = numfmt.number(HALF * ms)
        text = (
            f"A/T = {_pct(ratio)}, cao nhất khối {_pct(top)} → {half} + {half} × "
            f"({_pct(ratio)} − 100%)/({_pct(top)} − 100%)"
        )
    return f"{text} = {numfmt.number(points, places)}"


# The words depend on the numbers' values only (each is rounded or normalised before it is
# shown; -0 aside), so equal cases share them: ten thousand units repeat the same few hundred.
_shared = functools.lru_cache(maxsize=4096)(_words)
