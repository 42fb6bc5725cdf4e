"""Computation: evaluation, commune roll-up, scoring, outcome, status, exemplars, awards.

Pure functions over the models that return data: no terminal, no report text.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def built_at_once(compute: Callable[P, R]) -> Callable[P, R]:
    """For a computation that builds many small objects that all live to the end (an outcome
    at 10.000 units is a million): the cycle collector is paused while they are made (it
    would rescan them again and again, a third of the time) and they are frozen after, so
    rendering does not rescan them either. They hold no cycles, so nothing is missed."""

    @wraps(compute)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        was_on = gc.isenabled()
        gc.disable()
        try:
            return compute(*args, **kwargs)
        finally:
            if was_on:
                gc.enable()
            gc.freeze()

    return run
