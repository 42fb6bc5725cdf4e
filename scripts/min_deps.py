"""Print the project's dependencies pinned at their lower bounds ("typer>=0.26" -> "typer==0.26"),
for `make min-deps`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text("utf-8"))
pins = []
for requirement in project["project"]["dependencies"]:
    name, low = re.match(r"^([A-Za-z0-9_.\-]+)>=([^,]+)", requirement).groups()  # type: ignore[union-attr]
    pins.append(f"{name}=={low}")
print(" ".join(pins))
