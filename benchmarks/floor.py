"""The floor: compose every file with libyaml (PyYAML's C loader), keeping every node's position,
and nothing else: the least a checker that reports lines and columns has to do."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

for path in sorted(Path(sys.argv[1]).glob("*.yaml")):
    yaml.compose(path.read_bytes(), Loader=yaml.CSafeLoader)
