"""The floor: parse every file with libyaml (PyYAML's CSafeLoader) and nothing else."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

for path in sorted(Path(sys.argv[1]).glob("*.yaml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
