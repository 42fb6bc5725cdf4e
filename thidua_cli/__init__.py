"""thidua: run a commune's emulation movement from YAML files kept in git."""

__version__ = "0.1.0"
