"""Which version of the commune's inputs a report was made from.

Only the inputs count: the data folder (without the rendered reports) and a templates folder
the data repository supplies. The tool's own code does not, so a commit that changes only
code leaves every report byte-identical; the tool's version goes into the DOCX properties.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from thidua_cli.read import git

UNKNOWN = "không rõ (chưa có commit git)"


def revision(data_dir: Path, inputs: Sequence[Path] = ()) -> str:
    """The last commit that changed the data (or the given input folders), marked when the
    working tree differs from it."""
    try:
        root = git.top(data_dir)
    except git.GitProblem:
        return UNKNOWN
    real_root = os.path.realpath(root)
    specs = []
    for folder in (data_dir, *inputs):
        real = os.path.realpath(folder)
        if real == real_root or real.startswith(real_root + os.sep):
            specs.append(Path(os.path.relpath(real, real_root)).as_posix())
    data_rel = specs[0]
    pathspec = [*specs, f":(exclude){data_rel}/reports"]
    try:
        commit = git.git(root, "log", "-1", "--format=%h", "--abbrev=12", "--", *pathspec)
        dirty = git.git(root, "status", "--porcelain", "--", *pathspec)
    except git.GitProblem:
        return UNKNOWN
    text = commit.decode().strip()
    if not text:
        return UNKNOWN
    return text + (" (có thay đổi chưa commit)" if dirty.strip() else "")
